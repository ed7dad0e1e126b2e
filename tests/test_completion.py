"""Shell completion offers the names of terms, algorithms and poems, and never fails."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from genai_cli import cli as cli_module
from genai_cli.cli import (
    app,
    complete_algorithm,
    complete_other_algorithm,
    complete_poem,
    complete_term,
)


def _complete_via_shell(words: str) -> list[str]:
    """Ask the app for completions the way the installed bash script does."""
    parts = words.split(" ")
    env = {
        "_GENAI_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="genai")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


class TestCompletionCallbacks:
    """Each callback returns slugs starting with what was typed."""

    def test_terms(self) -> None:
        assert complete_term("laten") == [
            "latent-diffusion",
            "latent-space",
            "latent-variable-model",
        ]

    def test_algorithms(self) -> None:
        assert complete_algorithm("tr") == ["transformer-models"]
        assert len(complete_algorithm("")) == 13

    def test_only_slug_prefixes(self) -> None:
        # the shell keeps only candidates that start with the typed word
        assert complete_algorithm("GAN") == []
        assert complete_term("rlh") == []

    def test_poems(self) -> None:
        assert complete_poem("d") == ["digital-canvas"]
        assert complete_poem("zzz") == []

    def test_compare_leaves_out_algorithms_already_named(self) -> None:
        offered = _complete_via_shell("genai compare gan VAEs ")
        assert "generative-adversarial-networks" not in offered
        assert "variational-autoencoders" not in offered
        assert "transformer-models" in offered
        assert len(offered) == 11

    def test_never_raises(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def broken() -> None:
            raise RuntimeError("the data is broken")

        monkeypatch.setattr(cli_module.lookup, "load_all", lambda **_: broken())
        assert complete_term("lat") == []
        assert complete_other_algorithm(typer.Context(typer.main.get_command(app)), "g") == []

    def test_broken_deck_prints_nothing(
        self, isolated: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "broken.yaml").write_text("terms: [\n", encoding="utf-8")
        assert complete_term("latent-s") == ["latent-space"]
        assert capsys.readouterr() == ("", "")


class TestCompletionProtocol:
    """Through the shell protocol (_GENAI_COMPLETE), each command completes its own kind."""

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("genai term self-a", ["self-attention"]),
            ("genai algorithms flow", ["flow-based-models"]),
            ("genai compare gan text", ["text-to-image-models"]),
            ("genai poem whis", ["whispers-of-innovation"]),
        ],
    )
    def test_bash(self, words: str, expected: list[str]) -> None:
        assert _complete_via_shell(words) == expected

    def test_commands_complete_too(self) -> None:
        offered = _complete_via_shell("genai co")
        assert "compare" in offered and "concepts" in offered
