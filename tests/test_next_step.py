"""Bare `genai` and `genai today` end with the cards due and the command to study them."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from genai_cli.study.scheduler import CardState
from genai_cli.study.store import ReviewRecord, open_store
from tests.conftest import Invoke
from tests.test_quiz_cli import expected_questions, typed_quiz
from tests.test_quiz_selection import quiz

DAY0 = {"GENAI_NOW": "2026-12-01T09:00:00+00:00"}
DAY1 = {"GENAI_NOW": "2026-12-02T09:00:00+00:00"}


def study_three(cli: Invoke) -> None:
    """A first quiz on day 0: three typed cards, the second answered wrong."""
    questions = expected_questions("7", 3)
    answers = [questions[0].answer, "nope", questions[2].answer]
    result = typed_quiz(cli, "7", answers, env=DAY0)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]


class TestDueLine:
    """Nothing without progress; the due count and `genai quiz --due` the next day."""

    def test_nothing_without_progress(self, cli: Invoke, isolated: Path) -> None:
        for args in ((), ("today",)):
            out = cli(*args).stdout
            assert "due" not in out.splitlines()[-1]
            assert "genai quiz --due" not in out
        assert not isolated.exists()

    def test_next_day_shows_the_due_count_and_quiz_due_asks_them(
        self, cli: Invoke, isolated: Path
    ) -> None:
        study_three(cli)
        same_day = cli(env={"GENAI_NOW": "2026-12-01T09:00:30+00:00"}).stdout
        assert same_day.splitlines()[-1].startswith("No cards due now; the next is due in")
        for args in ((), ("today",)):
            result = cli(*args, env=DAY1)
            assert result.exit_code == 0, result.stderr
            assert result.stdout.splitlines()[-1] == "3 cards due · genai quiz --due"
        out = quiz(cli, "--topic", "terms", "--due", "-n", "9", now=DAY1["GENAI_NOW"])
        assert out.count("Your answer (the name):") == 3  # the three, and no new ones
        conn = sqlite3.connect(isolated / "progress.db")
        rows = conn.execute("SELECT card_id FROM reviews ORDER BY id").fetchall()
        conn.close()
        assert sorted(rows[3:]) == sorted(rows[:3])  # yesterday's cards, each once

    def test_leeches_are_not_counted_as_due(self, cli: Invoke, isolated: Path) -> None:
        day0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
        with open_store(isolated / "progress.db", day0) as store:
            for card, lapses in (("typed:softmax", 8), ("typed:embedding", 0)):
                state = CardState(card, 2, None, 1.0, 5.0, day0, day0, lapses + 1, lapses)
                store.record(card, lambda _old, s=state: s, ReviewRecord(card, day0, 1, False))
        assert cli(env=DAY1).stdout.splitlines()[-1] == "1 card due · genai quiz --due"
        nine = cli(env={**DAY1, "GENAI_LEECH_THRESHOLD": "9"}).stdout
        assert nine.splitlines()[-1] == "2 cards due · genai quiz --due"
