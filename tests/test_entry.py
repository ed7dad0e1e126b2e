"""The fast path for `genai term` answers exactly as the Typer app does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_cli.entry import fast_path
from tests.conftest import Invoke

DECK = """terms:
  - slug: classroom-term
    name: Classroom Term
    aliases: [CT]
    definition: A term from a teacher's deck, with [bold]markup[/bold] kept literal.
"""


def _both(
    cli: Invoke, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    typer_result = cli(*argv)
    capsys.readouterr()
    code = fast_path(argv)
    assert code is not None, "this shape should take the fast path"
    out, err = capsys.readouterr()
    return (typer_result.exit_code, typer_result.stdout, typer_result.stderr), (code, out, err)


class TestSameAnswers:
    """Output, messages and exit codes are identical with and without Typer."""

    @pytest.mark.parametrize(
        "argv",
        [
            ["term", "latent-space"],
            ["term", "GANs"],
            ["term", "latent space", "--json"],
            ["term", "--json", "rlhf"],
            ["term", "latnt-space"],
            ["term", "qqqqqqqq", "--json"],
            ["term", ""],
            ["term", "zero", "shot", "learning"],
            ["term", "zero", "shot", "learning", "--json"],
            ["term", "xyzzy"],
            ["term", "lstm"],
            ["term", "embedings"],
        ],
    )
    def test_bundled(
        self, cli: Invoke, capsys: pytest.CaptureFixture[str], argv: list[str]
    ) -> None:
        typer_side, fast_side = _both(cli, capsys, argv)
        assert typer_side == fast_side
        assert typer_side[0] in (0, 1, 2)  # "" is a usage error (H4)

    def test_with_decks_and_a_broken_deck(
        self, cli: Invoke, capsys: pytest.CaptureFixture[str], isolated: Path
    ) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "class.yaml").write_text(DECK, encoding="utf-8")
        (decks / "broken.yaml").write_text("terms: [\n", encoding="utf-8")
        typer_side, fast_side = _both(cli, capsys, ["term", "ct"])
        assert typer_side == fast_side
        assert typer_side[0] == 0
        assert "[bold]markup[/bold]" in typer_side[1]
        assert "broken.yaml" in typer_side[2] and "deck skipped" in typer_side[2]

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.text(max_size=30).filter(lambda s: not s.startswith("-")))
    def test_any_name(self, cli: Invoke, capsys: pytest.CaptureFixture[str], name: str) -> None:
        typer_side, fast_side = _both(cli, capsys, ["term", name])
        assert typer_side == fast_side


class TestShapes:
    """Only `term NAME [--json]` is taken; everything else is left to Typer."""

    @pytest.mark.parametrize(
        "argv",
        [
            [],
            ["terms"],
            ["term"],
            ["term", "--help"],
            ["term", "gan", "--json", "--json"],
            ["term", "-h"],
            ["term", "--", "-x"],
            ["--deck", "x.yaml", "term", "gan"],
            ["search", "term"],
        ],
    )
    def test_left_to_typer(self, argv: list[str]) -> None:
        assert fast_path(argv) is None

    def test_unquoted_words_take_the_fast_path(self) -> None:
        assert fast_path(["term", "zero", "shot", "learning"]) == 0

    def test_completion_is_left_to_typer(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("_GENAI_COMPLETE", "bash_complete")
        assert fast_path(["term", "gan"]) is None
