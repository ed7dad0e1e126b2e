"""`genai quiz`, `genai stats` and `genai today` as a user runs them (plain mode, in-process)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study.questions import Question, QuestionMaker, candidates
from genai_cli.study.selection import plan, prerequisite_map
from genai_cli.study.store import SCHEMA_VERSION
from tests.conftest import Invoke

KB = load_bundled()
NOW = datetime.now(timezone.utc)


def expected_questions(
    seed: str, n: int, topic: str = "terms", mode: str = "typed"
) -> list[Question]:
    """The questions a first quiz with this seed asks (an empty progress database)."""
    refs = candidates(KB, topic, mode)
    cards = plan(refs, {}, NOW, count=n, seed=seed, prerequisites=prerequisite_map(KB))
    maker = QuestionMaker(KB)
    return [maker.make(card, seed) for card in cards]


def typed_quiz(
    cli: Invoke, seed: str, answers: list[str], n: int = 3, env: dict[str, str] | None = None
) -> object:
    return cli(
        "quiz",
        "--plain",
        "--mode",
        "typed",
        "--topic",
        "terms",
        "-n",
        str(n),
        "--seed",
        seed,
        input="".join(a + "\n" for a in answers),
        env=env,
    )


def stats(cli: Invoke) -> dict[str, object]:
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


class TestQuizPlain:
    """Typed answers from stdin are graded; every answer is counted by stats."""

    def test_right_answers_are_graded_right(self, cli: Invoke) -> None:
        questions = expected_questions("7", 3)
        result = typed_quiz(cli, "7", [q.answer.lower() for q in questions])
        assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
        out = result.stdout  # type: ignore[attr-defined]
        assert out.count("✓ Right.") == 3
        assert "3/3 right (100%)" in out
        assert "Question 3 of 3" in out
        assert result.stderr == ""  # type: ignore[attr-defined]
        data = stats(cli)
        assert (data["reviews"], data["correct"], data["cards"], data["due"]) == (3, 3, 3, 0)

    def test_wrong_answer_shows_right_answer_and_definition(self, cli: Invoke) -> None:
        questions = expected_questions("8", 2)
        result = typed_quiz(cli, "8", ["no idea", questions[1].answer], n=2)
        out = " ".join(result.stdout.split())  # type: ignore[attr-defined]
        assert f"✗ Wrong. The answer: {questions[0].answer}" in out
        assert " ".join(questions[0].explanation.split()) in out
        assert "1/2 right (50%)" in out
        assert "Missed" in out and "no idea" in out
        assert stats(cli)["correct"] == 1

    def test_close_misspelling_is_accepted_and_reported(self, cli: Invoke) -> None:
        questions = expected_questions("9", 1)
        name = questions[0].answer
        misspelt = name[:-2] + name[-1]  # drop the second-to-last letter
        result = typed_quiz(cli, "9", [misspelt], n=1)
        assert "Accepted, but check the spelling" in result.stdout  # type: ignore[attr-defined]
        assert stats(cli)["correct"] == 1

    def test_empty_stdin_records_nothing_and_ends_cleanly(self, cli: Invoke) -> None:
        result = typed_quiz(cli, "7", [])
        assert result.exit_code == 0  # type: ignore[attr-defined]
        assert "No answers recorded." in result.stdout  # type: ignore[attr-defined]
        assert result.stderr == ""  # type: ignore[attr-defined]
        assert stats(cli)["reviews"] == 0

    def test_end_of_input_midway_keeps_answers_and_prints_summary(self, cli: Invoke) -> None:
        questions = expected_questions("7", 3)
        result = typed_quiz(cli, "7", [questions[0].answer])
        assert result.exit_code == 0  # type: ignore[attr-defined]
        assert "1/1 right (100%) · stopped early, 2 not asked" in result.stdout  # type: ignore[attr-defined]
        assert stats(cli)["reviews"] == 1

    def test_choice_by_number(self, cli: Invoke) -> None:
        questions = expected_questions("3", 2, mode="choice")
        answers = [str(q.options.index(q.answer) + 1) for q in questions]
        result = cli(
            "quiz", "--plain", "--mode", "choice", "--topic", "terms", "-n", "2", "--seed", "3",
            input="\n".join(answers) + "\n",
        )  # fmt: skip
        assert "2/2 right (100%)" in result.stdout
        assert "  1. " in result.stdout and "  4. " in result.stdout

    def test_mixed_quiz_over_everything_runs(self, cli: Invoke) -> None:
        result = cli("quiz", "--plain", "--seed", "1", input="1\n" * 40)
        assert result.exit_code == 0, result.stderr
        assert "Question 10 of 10" in result.stdout
        assert stats(cli)["reviews"] == 10

    def test_due_only_with_nothing_due(self, cli: Invoke) -> None:
        result = cli("quiz", "--plain", "--due")
        assert result.exit_code == 0
        assert "Nothing to ask" in result.stdout

    def test_answered_cards_wait_until_due(self, cli: Invoke) -> None:
        typed_quiz(cli, "7", [q.answer for q in expected_questions("7", 3)])
        result = cli("quiz", "--plain", "--due", "--topic", "terms", "--mode", "typed")
        assert "Nothing is due; the next card is due in 10 min." in result.stdout

    def test_unknown_topic_is_a_usage_error(self, cli: Invoke) -> None:
        result = cli("quiz", "--topic", "poems")
        assert result.exit_code == 2
        assert result.stderr.startswith("genai: --topic must be one of terms, algorithms")
        assert result.stdout == ""


class TestBrokenStore:
    """A garbage database is kept aside and the quiz goes on; a newer one is refused."""

    def test_garbage_progress_db_is_kept_aside(self, cli: Invoke, isolated: Path) -> None:
        isolated.mkdir(parents=True)
        garbage = b"\x00garbage, not a database\n" * 50
        (isolated / "progress.db").write_bytes(garbage)
        questions = expected_questions("7", 3)
        result = typed_quiz(cli, "7", [q.answer for q in questions])
        assert result.exit_code == 0  # type: ignore[attr-defined]
        lines = result.stderr.splitlines()  # type: ignore[attr-defined]
        assert len(lines) == 1 and "kept it as progress.db.corrupt-" in lines[0]
        kept = [p for p in isolated.iterdir() if p.name.startswith("progress.db.corrupt-")]
        assert len(kept) == 1 and kept[0].read_bytes() == garbage
        assert stats(cli)["reviews"] == 3

    def test_newer_database_is_refused(self, cli: Invoke, isolated: Path) -> None:
        isolated.mkdir(parents=True)
        path = isolated / "progress.db"
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
        conn.close()
        before = path.read_bytes()
        for args in (("quiz", "--plain"), ("stats",)):
            result = cli(*args, input="1\n")
            assert result.exit_code == 1
            assert result.stderr.count("\n") == 1
            assert "written by a newer genai" in result.stderr
            assert "Traceback" not in result.stderr
        assert path.read_bytes() == before


class TestStats:
    """Stats count reviews, accuracy and due cards; reset asks first and keeps a backup."""

    def test_no_progress_yet(self, cli: Invoke) -> None:
        result = cli("stats")
        assert result.exit_code == 0
        assert "No answers recorded yet" in result.stdout
        assert stats(cli)["reviews"] == 0

    def test_view_shows_counts_retention_weakest_and_chart(self, cli: Invoke) -> None:
        questions = expected_questions("7", 3)
        typed_quiz(cli, "7", [questions[0].answer, "nope", questions[2].answer])
        result = cli("stats")
        flat = " ".join(result.stdout.replace("│", " ").split())
        assert "Cards seen 3" in flat
        assert "Reviews 3 (2 right)" in flat
        assert "Accuracy 67%" in flat
        assert "0 now · 3 today · 3 this week" in flat
        assert "Retention" in flat and "Weakest" in flat
        assert "Last 30 days · at most 3 reviews a day" in flat
        assert "Streak 1 day" in flat and "Next 14 days" in flat
        data = stats(cli)
        assert data["accuracy"] == round(2 / 3, 4)
        assert len(data["history"]) == 30  # type: ignore[arg-type]
        assert data["history"][-1]["reviews"] == 3  # type: ignore[index]
        # Only the card answered wrong is weak: right answers are not "weakest".
        assert [w["slug"] for w in data["weakest"]] == [questions[1].slug]  # type: ignore[attr-defined]
        assert data["leeches"] == [] and data["streak"] == 1

    def test_reset_asks_and_keeps_a_backup(self, cli: Invoke, isolated: Path) -> None:
        typed_quiz(cli, "7", [q.answer for q in expected_questions("7", 3)])
        declined = cli("stats", "--reset", input="n\n")
        assert declined.exit_code == 0 and "Nothing changed." in declined.stdout  # L8
        assert stats(cli)["reviews"] == 3
        result = cli("stats", "--reset", "--yes")
        assert result.exit_code == 0
        assert "Progress reset; the old progress is kept in" in result.stdout
        assert stats(cli)["reviews"] == 0
        backups = [p for p in isolated.iterdir() if ".backup-" in p.name]
        assert len(backups) == 1
        conn = sqlite3.connect(backups[0])
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
        conn.close()

    def test_reset_without_progress_changes_nothing(self, cli: Invoke, isolated: Path) -> None:
        result = cli("stats", "--reset", "--yes")
        assert (result.exit_code, result.stdout) == (0, "No progress to reset.\n")
        assert not isolated.exists()

    def test_reset_confirmed_interactively(self, cli: Invoke) -> None:
        typed_quiz(cli, "7", [q.answer for q in expected_questions("7", 1)], n=1)
        assert cli("stats", "--reset", input="y\n").exit_code == 0
        assert stats(cli)["reviews"] == 0


class TestToday:
    """A term of the day: stable for the date without progress, the weakest term with it."""

    def test_stable_for_the_date(self, cli: Invoke, isolated: Path) -> None:
        first = cli("today", "--json")
        assert first.exit_code == 0
        assert cli("today", "--json").stdout == first.stdout
        data = json.loads(first.stdout)
        assert data["reason"] == "date" and data["term"]["kind"] == "term"
        assert not isolated.exists()  # looking creates no progress database
        shown = cli("today")
        assert "Term of the day · picked for" in shown.stdout
        assert data["term"]["name"] in shown.stdout

    def test_weakest_term_when_there_is_progress(self, cli: Invoke) -> None:
        questions = expected_questions("7", 3)
        typed_quiz(cli, "7", ["wrong", "wrong", "wrong"])
        data = json.loads(cli("today", "--json").stdout)
        assert data["reason"] in ("weakest", "overdue")
        assert data["term"]["slug"] in {q.slug for q in questions}
