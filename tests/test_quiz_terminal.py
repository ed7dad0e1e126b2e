"""The quiz as a real process: piped stdin, a real terminal (pexpect), SIGKILL, concurrency."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pexpect
import pytest

from tests.conftest import ROOT
from tests.test_quiz_cli import expected_questions

pytestmark = pytest.mark.slow

TYPED = ["--plain", "--mode", "typed", "--topic", "terms"]


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
        if line.startswith(f"Question {question} of"):
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
        assert "3/3 right (100%)" in proc.stdout
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
        assert err == "genai: interrupted; 1 answer kept\n"
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


class TestRealTerminal:
    """questionary in a pseudo-terminal: arrow keys and Enter answer; Ctrl-C exits 130."""

    def test_arrow_keys_enter_and_ctrl_c(self, isolated: Path) -> None:
        questions = expected_questions("14", 3, mode="choice")
        child = pexpect.spawn(
            sys.executable,
            genai("quiz", "--mode", "choice", "--topic", "terms", "-n", "3", "--seed", "14")[1:],
            env=env_for(isolated),
            dimensions=(40, 120),
            encoding="utf-8",
            timeout=30,
        )
        try:
            child.expect("Question 1 of 3")
            child.expect("Your answer:")
            child.send("\x1b[B")  # arrow down: the second option
            child.send("\r")
            child.expect("Question 2 of 3")
            child.expect("Your answer:")
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
