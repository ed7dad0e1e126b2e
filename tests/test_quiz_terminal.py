"""The quiz as a real process: piped stdin, a real terminal (pexpect), SIGKILL, concurrency."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pexpect
import pytest

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study.questions import CardRef, QuestionMaker
from tests.conftest import ROOT
from tests.test_quiz_cli import expected_questions

pytestmark = pytest.mark.slow

TYPED = ["--plain", "--mode", "typed", "--topic", "terms"]
KB = load_bundled()


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GENAI_HOME=str(home), COLUMNS="80", PYTHONPATH=str(ROOT), TERM="xterm")
    env.pop("FORCE_COLOR", None)
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"  # no cursor-position queries to wait for
    return env


def genai(*args: str) -> list[str]:
    return [sys.executable, "-m", "genai_cli", *args]


def spawn(home: Path, *args: str, stdout: int = subprocess.PIPE) -> subprocess.Popen[str]:
    return subprocess.Popen(
        genai("quiz", *args),
        stdin=subprocess.PIPE,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(home),
    )


def answer_until(proc: subprocess.Popen[str], answers: list[str], question: int) -> None:
    """Send ``answers`` (stdin stays open) and read until question number ``question`` shows."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(a + "\n" for a in answers))
    proc.stdin.flush()
    for line in proc.stdout:
        if line.startswith(f"Question {question}/"):
            return  # answers are committed before the next question is shown
    raise AssertionError("the quiz ended early")


def reviews(home: Path) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(home / "progress.db")
    try:
        rows = conn.execute("SELECT card_id, answer, correct FROM reviews ORDER BY id")
        return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        conn.close()


def integrity(home: Path) -> str:
    conn = sqlite3.connect(home / "progress.db")
    try:
        result: str = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return result
    finally:
        conn.close()


class TestPipedStdin:
    """Without a terminal, the quiz reads plain lines: with or without --plain."""

    @pytest.mark.parametrize("plain", [True, False], ids=["plain", "piped"])
    def test_answers_from_a_pipe(self, isolated: Path, plain: bool) -> None:
        questions = expected_questions("11", 3)
        args = TYPED if plain else TYPED[1:]
        proc = subprocess.run(
            genai("quiz", *args, "-n", "3", "--seed", "11"),
            input="".join(q.answer + "\n" for q in questions),
            capture_output=True,
            text=True,
            env=env_for(isolated),
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        assert "3/3 right first time (100%)" in proc.stdout
        assert [r[2] for r in reviews(isolated)] == [1, 1, 1]

    def test_empty_pipe_records_nothing(self, isolated: Path) -> None:
        proc = subprocess.run(
            genai("quiz", "--plain"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env_for(isolated),
            timeout=60,
            check=False,
        )
        assert (proc.returncode, proc.stderr) == (0, "")
        assert "No answers recorded." in proc.stdout
        assert reviews(isolated) == []


class TestKill:
    """SIGKILL after k answers leaves exactly k reviews and a sound database."""

    @pytest.mark.parametrize("k", [2])
    def test_sigkill_keeps_every_answer(self, isolated: Path, k: int) -> None:
        questions = expected_questions("12", 5)
        proc = spawn(isolated, *TYPED, "-n", "5", "--seed", "12")
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        try:
            answer_until(proc, [q.answer for q in questions[:k]], k + 1)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        finally:
            watchdog.cancel()
        assert proc.returncode == -signal.SIGKILL
        assert [r[0] for r in reviews(isolated)] == [q.card_id for q in questions[:k]]
        assert integrity(isolated) == "ok"


class TestInterruptPlain:
    """Ctrl-C (SIGINT) in plain mode: answers kept, one line, exit 130, no traceback."""

    def test_sigint_while_waiting_for_an_answer(self, isolated: Path) -> None:
        questions = expected_questions("15", 3)
        proc = spawn(isolated, *TYPED, "-n", "3", "--seed", "15")
        answer_until(proc, [questions[0].answer], 2)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130
        assert err == (
            "genai: interrupted; 1 answer kept; genai quiz continues with the 2 cards not "
            "asked; the next card is due in 10 min: genai quiz --due\n"
        )
        assert [r[0] for r in reviews(isolated)] == [questions[0].card_id]


class TestConcurrency:
    """Two quizzes answering at once lose nothing (same cards: test_quiz_store)."""

    def test_two_quizzes_at_once(self, isolated: Path) -> None:
        questions = expected_questions("13", 6)
        answers = "".join(q.answer + "\n" for q in questions)
        procs = [
            spawn(isolated, *TYPED, "-n", "6", "--seed", "13", stdout=subprocess.DEVNULL)
            for _ in range(2)
        ]
        for proc in procs:
            _out, err = proc.communicate(answers, timeout=60)
            assert proc.returncode == 0, err
        rows = reviews(isolated)
        assert len(rows) == 12
        conn = sqlite3.connect(isolated / "progress.db")
        mismatched = conn.execute(
            "SELECT card_id FROM cards WHERE reps != "
            "(SELECT count(*) FROM reviews WHERE reviews.card_id = cards.card_id)"
        ).fetchall()
        total = conn.execute("SELECT sum(reps) FROM cards").fetchone()[0]
        conn.close()
        assert (mismatched, total) == ([], 12)  # every card state saw every one of its answers
        assert integrity(isolated) == "ok"


ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>])")
CHOICE = ["--mode", "choice", "--topic", "terms"]


def screen_text(raw: str) -> str:
    """Terminal output without escape sequences, whitespace folded to single spaces."""
    return " ".join(ANSI.sub("", raw).split())


def terminal(home: Path, columns: int, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        genai("quiz", *args)[1:],
        env=env_for(home),
        dimensions=(50, columns),
        encoding="utf-8",
        timeout=30,
    )


def stats_reviews(home: Path) -> int:
    proc = subprocess.run(
        genai("stats", "--json"), capture_output=True, text=True, env=env_for(home), check=True
    )
    count: int = json.loads(proc.stdout)["reviews"]
    return count


def right_key(question: object) -> str:
    return str(question.options.index(question.answer) + 1)  # type: ignore[attr-defined]


def wrong_key(question: object) -> str:
    options = question.options  # type: ignore[attr-defined]
    return str(next(n for n, o in enumerate(options, 1) if o != question.answer))  # type: ignore[attr-defined]


class TestRealTerminal:
    """The quiz in a pseudo-terminal: options in full, keys, relearning, undo, quit, resume."""

    @pytest.mark.parametrize("columns", [60, 80, 100])
    def test_options_in_full_and_number_key_answers(self, isolated: Path, columns: int) -> None:
        questions = expected_questions("14", 2, mode="choice")
        child = terminal(isolated, columns, *CHOICE, "-n", "2", "--seed", "14")
        try:
            child.expect("Question 1/2")
            child.expect("Your answer")
            shown = screen_text(child.before or "")
            for option in questions[0].options:
                assert " ".join(option.split()) in shown, (columns, option)
            child.send("2")  # one key answers: option 2
            if questions[0].options[1] != questions[0].answer:
                child.expect("Press any key")
                child.send("q")
            else:
                child.expect("Question 2/2")
                child.send("q")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 0
        rows = reviews(isolated)
        assert [(card, answer) for card, answer, _ in rows] == [
            (questions[0].card_id, questions[0].options[1])
        ]

    def test_arrow_keys_enter_and_ctrl_c(self, isolated: Path) -> None:
        questions = expected_questions("14", 3, mode="choice")
        child = terminal(isolated, 120, *CHOICE, "-n", "3", "--seed", "14")
        try:
            child.expect("Question 1/3")
            child.expect("Your answer")
            child.send("\x1b[B")  # arrow down: the second option
            child.send("\r")
            child.expect("Press any key|Question 2/3")
            child.sendintr()  # Ctrl-C
            child.expect("interrupted; 1 answer kept")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 130
        assert "Traceback" not in (child.before or "")
        rows = reviews(isolated)
        assert [(card, answer) for card, answer, _ in rows] == [
            (questions[0].card_id, questions[0].options[1])
        ]

    def test_wrong_answer_comes_back_until_passed(self, isolated: Path) -> None:
        first, second = expected_questions("21", 2, mode="choice")
        again = QuestionMaker(KB).make(CardRef(first.card_id, first.kind, first.slug), "21:1")
        third = QuestionMaker(KB).make(CardRef(first.card_id, first.kind, first.slug), "21:2")
        child = terminal(isolated, 80, *CHOICE, "-n", "2", "--seed", "21")
        try:
            child.expect("Question 1/2")
            child.expect("Your answer")
            child.send(wrong_key(first))
            child.expect("It comes back in a few cards")
            child.expect("Press any key")
            child.send(" ")
            child.expect("Question 2/2")
            child.expect("1 to relearn")
            child.expect("Your answer")
            child.send(right_key(second))
            child.expect("Question 2/2")
            child.expect("· again")
            child.expect("Your answer")
            child.send(wrong_key(again))  # wrong again: it comes back once more
            child.expect("Press any key")
            child.send(" ")
            child.expect("Question 2/2")
            child.expect("· again")
            child.expect("Your answer")
            child.send(right_key(third))
            child.expect("Score")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 0
        assert [(c, ok) for c, _, ok in reviews(isolated)] == [
            (first.card_id, 0),
            (second.card_id, 1),
            (first.card_id, 0),
            (first.card_id, 1),
        ]

    def test_u_removes_exactly_one_review_and_q_quits_keeping_answers(self, isolated: Path) -> None:
        first, second, _ = expected_questions("14", 3, mode="choice")
        child = terminal(isolated, 80, *CHOICE, "-n", "3", "--seed", "14")
        try:
            child.expect("Your answer")
            child.send(right_key(first))
            child.expect("Question 2/3")
            child.expect("Your answer")
            child.send(right_key(second))
            child.expect("Question 3/3")
            child.expect("Your answer")
            assert stats_reviews(isolated) == 2
            child.send("u")  # undo the answer to question 2: it is asked again
            child.expect("Question 2/3")
            child.expect("Your answer")
            assert stats_reviews(isolated) == 1
            child.send("q")
            child.expect("Score")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 0
        assert [c for c, _, _ in reviews(isolated)] == [first.card_id]

    def test_flashcard_space_reveals_and_a_number_grades(self, isolated: Path) -> None:
        child = terminal(isolated, 80, "--mode", "flashcard", "-n", "1", "--seed", "3")
        try:
            child.expect("Space: reveal")
            child.send(" ")
            child.expect("Again 1m")
            child.expect("Good 10m")
            child.send("4")  # Easy, at once
            child.expect("Score")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 0
        assert len(reviews(isolated)) == 1

    def test_resume_after_ctrl_c_asks_the_unanswered_cards_first(self, isolated: Path) -> None:
        first, second, _ = expected_questions("14", 3, mode="choice")
        child = terminal(isolated, 80, *CHOICE, "-n", "3", "--seed", "14")
        try:
            child.expect("Your answer")
            child.send(right_key(first))
            child.expect("Question 2/3")
            child.expect("Your answer")
            child.sendintr()
            child.expect(r"genai quiz continues with the 2 cards not\s+asked")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 130
        proc = subprocess.run(
            genai("quiz", "--plain", *CHOICE, "-n", "3", "--seed", "99"),
            input=right_key(second) + "\nq\n",
            capture_output=True,
            text=True,
            env=env_for(isolated),
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        out = screen_text(proc.stdout)
        assert out.startswith("Resuming your last quiz: first the 2 cards it did not ask.")
        assert out.index(" ".join(second.prompt.split())) < out.index("Question 2/3")
        assert [c for c, _, _ in reviews(isolated)] == [first.card_id, second.card_id]
