"""Regression tests for the red-team report (docs: ../shared/reviews/redteam.md), one per finding.

Each test is named after the finding it pins (``test_c1_...``, ``test_h4_...``) and failed on the
commit the report was written against.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from genai_cli.study.scheduler import CardState
from genai_cli.study.store import ReviewRecord, open_store
from tests.conftest import Invoke
from tests.test_untrusted import assert_clean

NOW = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
EVIL_ID = "typed:\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\x1b]0;TITLE\x1b\\\x1b[31mEVIL\x9b2J\u202e"


def seed_progress(home: Path, card_ids: list[str]) -> Path:
    """A progress database holding one answered card per id, all long overdue."""
    path = home / "progress.db"
    home.mkdir(parents=True, exist_ok=True)
    with open_store(path, NOW) as store:
        for card_id in card_ids:
            state = CardState(card_id, 2, None, 1.0, 5.0, NOW, NOW, 1, 1)
            store.record(card_id, lambda _old, s=state: s, ReviewRecord(card_id, NOW, 1, False))
    return path


class TestC1:
    """Strings read from progress.db are data: no escape reaches the terminal."""

    @pytest.mark.parametrize("colour", [True, False], ids=["forced-colour", "piped"])
    def test_c1_stats_cleans_card_ids(self, cli: Invoke, isolated: Path, colour: bool) -> None:
        seed_progress(isolated, [EVIL_ID, "typed:latent-space"])
        env = {"FORCE_COLOR": "1", "COLUMNS": "200"} if colour else {"COLUMNS": "200"}
        for args in (("stats",), ("stats", "--json"), ("today",), ("today", "--json")):
            result = cli(*args, env=env)
            assert result.exit_code == 0, result.stderr
            assert_clean(result.stdout, coloured=colour and "--json" not in args)
            assert_clean(result.stderr, coloured=False)
        assert "EVIL" in cli("stats", env={"COLUMNS": "200"}).stdout


EQUALS_DECK = "terms:\n  - slug: eq\n    name: Equals\n    definition: =\n"
MERGE_DECK = (
    "base: &b {tags: [x]}\nterms:\n  - slug: m\n    <<: *b\n    name: M\n    definition: D\n"
)


class TestH1:
    """A bare ``=`` or a ``<<`` merge key is a problem of that file, never a crash of the tool."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (EQUALS_DECK, "eq.yaml:4: term 'eq': definition must be text, but is read by YAML"),
            (MERGE_DECK, "eq.yaml:4: merge keys (<<) are not supported"),
            ("terms:\n  - slug: eq\n    name: <<\n    definition: x\n", "eq.yaml:3: term 'eq'"),
        ],
        ids=["value", "merge-key", "merge-value"],
    )
    def test_h1_value_and_merge_are_file_problems(
        self, cli: Invoke, isolated: Path, text: str, expected: str
    ) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "eq.yaml").write_text(text, encoding="utf-8")
        looked = cli("term", "latent-space")
        assert looked.exit_code == 0
        assert expected in looked.stderr and "deck skipped" in looked.stderr
        checked = cli("validate")
        assert checked.exit_code == 2
        assert expected in checked.stdout
        assert cli("decks").exit_code == 0

    def test_h1_completion_survives_a_bad_deck(self, isolated: Path) -> None:
        from genai_cli.cli import complete_term

        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "eq.yaml").write_text(EQUALS_DECK, encoding="utf-8")
        assert "latent-space" in complete_term("latent-s")


NON_LATIN_DECK = (
    "terms:\n"
    "  - slug: zh-latent\n    name: 潜在空间\n    definition: 生成模型在其中运行的压缩表示。\n"
    "  - slug: greek\n    name: Αλφα Βήτα\n    definition: Greek.\n"
    "  - slug: cafe\n    name: Café Crème\n    definition: Coffee.\n"
    "  - slug: hindi\n    name: किताब\n    definition: A book.\n"
)


class TestH4:
    """Names of every script fold to themselves; a name with no letters is a usage error."""

    def test_h4_normalize_keeps_every_script(self) -> None:
        from genai_cli.knowledge.names import normalize

        assert normalize("Αλφα Βήτα") == "αλφα-βήτα"
        assert normalize("潜在空间") == "潜在空间"
        assert normalize("Café Crème") == "café-crème"
        assert normalize("Über Model") != normalize("Ber Model")
        assert normalize("किताब") == "किताब"  # vowel signs are marks, not separators
        assert normalize("Latent_Spaces") == "latent-space"
        assert normalize("ＬＡＴＥＮＴ") == "latent"  # NFKC
        assert normalize("lat\u200bent") == "latent"  # invisible format characters join
        assert normalize("!!!") == normalize("   ") == ""

    @pytest.mark.parametrize(
        ("query", "name"),
        [("Αλφα Βήτα", "Αλφα Βήτα"), ("αλφα βήτα", "Αλφα Βήτα"), ("潜在空间", "潜在空间")],
    )
    def test_h4_non_latin_lookup(self, cli: Invoke, isolated: Path, query: str, name: str) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "zh.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        result = cli("term", query)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0].startswith(f"╭─ {name} ")

    @pytest.mark.parametrize("query", ["", "!!!", "   ", "—"])
    def test_h4_empty_name_is_a_usage_error(self, cli: Invoke, isolated: Path, query: str) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "zh.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        for args in (("term", query), ("term", query, "--json"), ("algorithms", query)):
            result = cli(*args)
            assert result.exit_code == 2, (args, result.stdout)
            assert result.stdout == ""
            assert "genai: " in result.stderr and "no letters or digits" in result.stderr

    def test_h4_fast_path_agrees(self, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
        from genai_cli.entry import fast_path

        assert fast_path(["term", "!!!"]) == 2
        assert "no letters or digits" in capsys.readouterr().err

    def test_h4_search_finds_non_latin_words(self, cli: Invoke, isolated: Path) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "zh.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        for query, name in (("潜在", "潜在空间"), ("空间", "潜在空间"), ("βήτα", "Αλφα Βήτα")):
            result = cli("search", query, env={"COLUMNS": "120"})
            assert result.exit_code == 0 and name in result.stdout, (query, result.stdout)

    @pytest.mark.parametrize("answer", ["潜在空间", "Άλφα", "Café Crème"])
    def test_h4_exact_non_latin_answer_is_right(self, answer: str) -> None:
        from genai_cli.study.questions import Question, grade

        question = Question("typed:x", "typed", "x", answer, "…", (), answer, ("x", answer))
        outcome = grade(question, answer)
        assert outcome is not None and outcome.correct and not outcome.close
        wrong = grade(question, "潜在时间" if answer != "潜在空间" else "Βήτα")
        assert wrong is not None and not wrong.correct
