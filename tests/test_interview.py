"""`genai interview`: coverage hint, session, typed answers kept, history, a real terminal."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest

from genai_cli.knowledge import loader
from genai_cli.knowledge.model import Question
from genai_cli.study import interview
from genai_cli.study.questions import AGAIN, EASY, GOOD
from genai_cli.study.store import open_store
from genai_cli.views.interview import LineInterviewer, answer_prompt, time_left
from tests.conftest import ROOT, Invoke
from tests.test_decks import write

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def _question(n: int) -> str:
    return f"""\
  - slug: q{n}
    question: Question number {n} about transformers?
    answer: >-
      Model answer {n}: attention lets every token look at every other token.
    points: [self-attention over all tokens, quadratic cost in sequence length]
    level: {("basic", "intermediate", "advanced")[n % 3]}
    tags: [{"zz-odd" if n % 2 else "zz-even"}, zz-test]
    see_also: [transformer-model]
"""


DECK = "questions:\n" + "".join(_question(n) for n in range(1, 5))


@pytest.fixture
def deck(isolated: Path) -> Path:
    return write(isolated / "decks" / "interview.yaml", DECK)


def kb_with_deck() -> object:
    parsed = loader.parse_text(DECK, "deck.yaml", "deck")
    assert parsed.problems == ()
    return loader.assemble([*loader.load_bundled().entries(), *parsed.entries])


class TestCoverage:
    """A lenient word overlap: plural, verb forms and stop words do not matter."""

    POINTS = ("self-attention over all tokens", "quadratic cost in sequence length")

    def test_marks_points_mentioned(self) -> None:
        said = "Each token attends to all the others (self attention), so it is slow."
        assert interview.coverage(said, self.POINTS) == (True, False)

    def test_both(self) -> None:
        said = "Self-attending tokens; the cost grows quadratically with the sequence length."
        assert interview.coverage(said, self.POINTS) == (True, True)

    def test_nothing_said(self) -> None:
        assert interview.coverage("", self.POINTS) == (False, False)
        assert interview.coverage("the of and", self.POINTS) == (False, False)

    def test_grades(self) -> None:
        assert [interview.parse_grade(t) for t in ("1", "g", "Easy", "5", "", "x")] == [
            1,
            3,
            4,
            None,
            None,
            None,
        ]


class FakeInterviewer:
    def __init__(self, script: list[tuple[str | None, int | None]]) -> None:
        self.script = script
        self.shown: list[tuple[str, tuple[bool, ...]]] = []

    def answer(self, question: Question, number: int, total: int) -> str | None:
        if not self.script:
            raise EOFError
        return self.script[0][0]

    def model(self, question: Question, typed: str, covered: tuple[bool, ...]) -> None:
        self.shown.append((question.slug, covered))

    def grade(self, question: Question) -> int | None:
        return self.script.pop(0)[1]


class TestSession:
    """Every graded answer is committed with its text; skip is Again; stops keep the rest."""

    def test_records_answers_and_text(self, tmp_path: Path) -> None:
        kb = kb_with_deck()
        refs = interview.candidates(kb, tag="zz-test")  # type: ignore[arg-type]
        asker = FakeInterviewer([("self attention over all tokens", GOOD), ("x", EASY)])
        times = iter(T0 + timedelta(seconds=n) for n in range(100))
        with open_store(tmp_path / "p.db", T0) as store:
            report = interview.run(kb, refs, asker, store, lambda: next(times), fuzz=False)  # type: ignore[arg-type]
            assert report.stopped == "end-of-input"
            assert [g.rating for g in report.graded] == [GOOD, EASY]
            assert set(store.cards()) == {"interview:q1", "interview:q2"}
            answers = store.typed_answers("interview:q1")
            assert [(a.text, a.rating) for a in answers] == [
                ("self attention over all tokens", GOOD)
            ]
        assert asker.shown[0] == ("q1", (True, False))

    def test_empty_answer_is_again_without_asking(self, tmp_path: Path) -> None:
        kb = kb_with_deck()
        refs = interview.candidates(kb, tag="zz-test")[:1]  # type: ignore[arg-type]
        asker = FakeInterviewer([("", EASY)])
        with open_store(tmp_path / "p.db", T0) as store:
            report = interview.run(kb, refs, asker, store, lambda: T0, fuzz=False)  # type: ignore[arg-type]
            assert [g.rating for g in report.graded] == [AGAIN]
            assert report.revisit[0].skipped
            assert store.reviews()[0].rating == AGAIN

    def test_ctrl_c_keeps_graded(self, tmp_path: Path) -> None:
        kb = kb_with_deck()
        refs = interview.candidates(kb, tag="zz-test")  # type: ignore[arg-type]
        asker = FakeInterviewer([("a", GOOD), (None, None)])
        with open_store(tmp_path / "p.db", T0) as store:
            report = interview.run(kb, refs, asker, store, lambda: T0, fuzz=False)  # type: ignore[arg-type]
            assert report.stopped == "interrupted"
            assert len(store.reviews()) == 1

    def test_filters(self) -> None:
        kb = kb_with_deck()
        assert [r.slug for r in interview.candidates(kb, level="basic", tag="zz-test")] == ["q3"]  # type: ignore[arg-type]
        assert [r.slug for r in interview.candidates(kb, tag="zz-even")] == ["q2", "q4"]  # type: ignore[arg-type]
        refs = interview.candidates(kb, tag="zz-even")  # type: ignore[arg-type]
        assert refs[0].card_id == "interview:q2"


class TestLineReader:
    """Enter twice or end of input ends an answer; the countdown is in the prompt."""

    def test_countdown_prompt(self) -> None:
        assert answer_prompt(0, None, True) == "> "
        assert answer_prompt(30, 120, True) == "[1:30 left] > "
        assert answer_prompt(135, 120, False) == "[0:15 over] . "
        assert time_left(61, 120) == "0:59 left"

    def test_multi_line_answer(self) -> None:
        import io

        kb = kb_with_deck()
        question = kb.get("q1")  # type: ignore[attr-defined]
        out = io.StringIO()
        asker = LineInterviewer(
            lambda _r: None, plain=True, stdin=io.StringIO("one\ntwo\n\n4\n"), stdout=out
        )
        assert asker.answer(question, 1, 1) == "one\ntwo"
        assert asker.grade(question) == EASY
        with pytest.raises(EOFError):
            asker.answer(question, 1, 1)


class TestCommand:
    """The command from a pipe: summary with pointers, history, usage errors."""

    def test_piped_interview_then_history(self, cli: Invoke, deck: Path) -> None:
        text = "Attention over all tokens, self-attention.\n\n3\n\n"
        result = cli(
            "interview", "-n", "2", "--seed", "1", "--plain", "--tag", "zz-test", input=text
        )
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert "Model answer:" in out
        assert "- self-attention over all tokens (covered)" in out
        assert "- quadratic cost in sequence length\n" in out
        assert "Score: 1 of 2 graded Good or Easy, 1 skipped." in out
        assert "read: genai term transformer-model" in out
        stats = json.loads(cli("stats", "--json").stdout)
        assert stats["reviews"] == 2
        listed = cli("interview", "--history", "--plain").stdout
        assert "2 answers" not in listed and "1 answer, last on" in listed
        slug = listed.split(":")[0]
        shown = cli("interview", "--history", slug, "--plain").stdout
        assert "Model answer:" in shown
        assert "· Again\n(skipped)" in shown or "· Good\nAttention over all tokens" in shown
        assert cli("stats", "--reset", "--yes").exit_code == 0
        assert "No interview answers yet" in cli("interview", "--history").stdout

    def test_history_of_unknown_question(self, cli: Invoke, deck: Path) -> None:
        result = cli("interview", "--history", "q11")
        assert result.exit_code == 1
        assert result.stderr.startswith("genai: no question 'q11'; did you mean")

    def test_history_miss_ends_with_a_next_step(self, cli: Invoke, deck: Path) -> None:
        """No dead end (issue 13 §3): nothing close, so the list command; a search that
        finds something, so that search."""
        nothing = cli("interview", "--history", "zzqx")
        assert nothing.exit_code == 1
        assert nothing.stderr == (
            "genai: no question 'zzqx'; genai interview --history lists them all\n"
        )
        searched = cli("interview", "--history", "vq vae discrete")
        assert searched.exit_code == 1
        assert "; genai search vq vae discrete finds" in searched.stderr

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("--level", "expert"), "--level must be one of basic, intermediate, advanced"),
            (("q1",), "QUESTION is only for --history"),
        ],
    )
    def test_usage(self, cli: Invoke, deck: Path, args: tuple[str, ...], message: str) -> None:
        result = cli("interview", *args)
        assert result.exit_code == 2 and message in result.stderr

    def test_nothing_matches(self, cli: Invoke, deck: Path) -> None:
        result = cli("interview", "--tag", "nothing-has-this")
        assert result.exit_code == 0 and "Nothing to ask" in result.stdout


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GENAI_HOME=str(home), COLUMNS="80", PYTHONPATH=str(ROOT), TERM="xterm")
    env.pop("FORCE_COLOR", None)
    env.pop("PROMPT_TOOLKIT_NO_CPR", None)
    return env


def db_rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(home / "progress.db")
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


@pytest.mark.slow
class TestRealTerminal:
    """In a pseudo-terminal: type, see the model answer marked, grade, find it in stats."""

    def test_interview_in_a_terminal(self, deck: Path, isolated: Path) -> None:
        child = pexpect.spawn(
            sys.executable,
            [
                "-m",
                "genai_cli",
                "interview",
                "-n",
                "3",
                "--seed",
                "5",
                "--minutes",
                "2",
                "--tag",
                "zz-test",
            ],
            env=env_for(isolated),
            dimensions=(40, 100),
            encoding="utf-8",
            timeout=30,
        )

        def editor() -> None:
            """Wait for the answer editor; answer its cursor-position query as a terminal."""
            child.expect("\x1b\\[6n")
            child.send("\x1b[10;1R")

        try:
            child.expect("Question 1 of 3")
            editor()
            child.expect("2:00 left")  # the live countdown under the answer
            child.send("Self-attention lets all tokens see each other\r")
            child.send("\r")  # Enter on an empty line ends the answer
            child.expect("Model answer:")
            child.expect("✓ self-attention over all tokens")
            editor()  # the grade selector asks where the cursor is too
            child.expect("Grade yourself")
            child.expect("4 Easy")
            child.send("3")  # one key, as in the quiz: no Enter
            child.expect("Question 2 of 3")
            editor()
            child.send("\r")  # an empty answer: skip
            child.expect("Skipped: here is a model answer.")
            child.expect("Question 3 of 3")
            editor()
            child.sendcontrol("c")
            child.expect("interrupted; 2 answers kept")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 130
        stats = subprocess.run(
            [sys.executable, "-m", "genai_cli", "stats", "--json"],
            env=env_for(isolated),
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(stats.stdout)
        assert (data["reviews"], data["cards"]) == (2, 2)
        texts = db_rows(isolated, "SELECT text FROM typed_answers ORDER BY review_id")
        assert texts == [("Self-attention lets all tokens see each other",), ("",)]
        ratings = db_rows(isolated, "SELECT rating FROM reviews ORDER BY id")
        assert ratings == [(3,), (1,)]  # the key 3 graded Good; the skip counts as Again

    def test_sigkill_keeps_every_graded_answer(self, deck: Path, isolated: Path) -> None:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "genai_cli",
                "interview",
                "-n",
                "3",
                "--plain",
                "--tag",
                "zz-test",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(isolated),
        )
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write("my answer\n\n2\n")
            proc.stdin.flush()
            for line in proc.stdout:
                if line.startswith("Question 2 of"):
                    break
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        finally:
            watchdog.cancel()
        assert proc.returncode == -signal.SIGKILL
        assert db_rows(isolated, "SELECT text FROM typed_answers") == [("my answer",)]
        assert db_rows(isolated, "SELECT rating FROM reviews") == [(2,)]


class TestAnswerEditor:
    """The terminal answer editor: Enter adds a line, Enter on an empty line or Ctrl-D ends."""

    @pytest.mark.parametrize(
        ("keys", "expected"),
        [
            ("one\rtwo\r\r", "one\ntwo"),
            ("\r", ""),
            ("only line\x04", "only line"),
            ("x\r\ry", "x"),
        ],
    )
    def test_keys(self, keys: str, expected: str) -> None:
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import DummyOutput

        from genai_cli.views.prompts import read_answer

        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            assert read_answer("> ", lambda: "1:00 left", input=pipe, output=DummyOutput()) == (
                expected
            )

    def test_ctrl_c(self) -> None:
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import DummyOutput

        from genai_cli.views.prompts import read_answer

        with create_pipe_input() as pipe:
            pipe.send_text("half\x03")
            assert read_answer("> ", input=pipe, output=DummyOutput()) is None
