"""Prompt adapters: prompt_toolkit through its pipe input, plain lines via StringIO."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study import questions as q
from genai_cli.study.grading import grade
from genai_cli.study.questions import CardRef, QuestionMaker
from genai_cli.study.session import Command, Progress, Verdict
from genai_cli.views.prompts import PlainAsker, TerminalAsker, make_asker

KB = load_bundled()
MAKER = QuestionMaker(KB)
DOWN, ENTER, CTRL_C, CTRL_Z, ESC = "\x1b[B", "\r", "\x03", "\x1a", "\x1b"
P = Progress(1, 1, 0)


def make(kind: str, slug: str = "latent-space") -> q.Question:
    return MAKER.make(CardRef(q.card_id(kind, slug), kind, slug), 1)


@pytest.fixture
def pipe() -> Iterator[Any]:
    with create_pipe_input() as inp:
        yield inp


def questionary_asker(pipe: Any, shown: list[object]) -> TerminalAsker:
    return TerminalAsker(shown.append, input=pipe, output=DummyOutput())


class TestQuestionaryAsker:
    """Arrow keys and Enter choose; typed text is returned; Ctrl-C gives None."""

    def test_arrow_down_and_enter_picks_the_second_option(self, pipe: Any) -> None:
        shown: list[object] = []
        question = make(q.DEFINITION_TERM)
        pipe.send_text(DOWN + ENTER)
        raw = questionary_asker(pipe, shown).ask(question, P)
        assert raw == "2"
        assert grade(question, raw).given == question.options[1]  # type: ignore[union-attr]
        assert len(shown) == 1  # the question was shown before the prompt

    def test_enter_picks_the_first_option(self, pipe: Any) -> None:
        pipe.send_text(ENTER)
        assert questionary_asker(pipe, []).ask(make(q.TERM_DEFINITION), P) == "1"

    def test_typed_answer(self, pipe: Any) -> None:
        pipe.send_text("latent space" + ENTER)
        assert questionary_asker(pipe, []).ask(make(q.TYPED), P) == "latent space"

    def test_flashcard_reveals_then_grades(self, pipe: Any) -> None:
        shown: list[object] = []
        pipe.send_text(" " + DOWN + ENTER)
        raw = questionary_asker(pipe, shown).ask(make(q.FLASHCARD), P)
        assert raw == "4"  # the cursor starts on Good; one step down is Easy
        assert len(shown) == 2  # front, then the revealed back

    def test_flashcard_grade_defaults_to_good(self, pipe: Any) -> None:
        pipe.send_text(" " + ENTER)
        assert questionary_asker(pipe, []).ask(make(q.FLASHCARD), P) == "3"

    @pytest.mark.parametrize(("key", "index"), [("2", 1), ("c", 2), ("4", 3), ("a", 0)])
    def test_number_and_letter_keys_answer_at_once(self, pipe: Any, key: str, index: int) -> None:
        question = make(q.DEFINITION_TERM)
        pipe.send_text(key)
        raw = questionary_asker(pipe, []).ask(question, P)
        assert grade(question, raw).given == question.options[index]  # type: ignore[arg-type,union-attr]

    @pytest.mark.parametrize(
        ("kind", "keys", "expected"),
        [
            (q.DEFINITION_TERM, "u", Command.UNDO),
            (q.DEFINITION_TERM, "q", Command.QUIT),
            (q.DEFINITION_TERM, ESC, Command.QUIT),
            (q.FLASHCARD, "u", Command.UNDO),
            (q.FLASHCARD, " q", Command.QUIT),
            (q.FLASHCARD, " u", Command.UNDO),
            (q.TYPED, CTRL_Z, Command.UNDO),
            (q.TYPED, ESC, Command.QUIT),
            (q.TYPED, "late\x04", Command.QUIT),
        ],
    )
    def test_undo_and_quit_keys(self, pipe: Any, kind: str, keys: str, expected: Command) -> None:
        pipe.send_text(keys)
        assert questionary_asker(pipe, []).ask(make(kind), P) is expected

    def test_flashcard_number_grades_at_once(self, pipe: Any) -> None:
        pipe.send_text(" 1")
        assert questionary_asker(pipe, []).ask(make(q.FLASHCARD), P) == "1"

    def test_wrong_answer_waits_for_a_key(self, pipe: Any) -> None:
        question = make(q.DEFINITION_TERM)
        wrong = q.Outcome(False, q.AGAIN, "x")
        pipe.send_text("x")
        assert questionary_asker(pipe, []).feedback(question, wrong, Verdict()) is None
        pipe.send_text("u")
        assert questionary_asker(pipe, []).feedback(question, wrong, Verdict()) is Command.UNDO

    def test_ctrl_c_returns_none(self, pipe: Any) -> None:
        pipe.send_text(CTRL_C)
        assert questionary_asker(pipe, []).ask(make(q.DEFINITION_TERM), P) is None


class TestPlainAsker:
    """Plain mode: numbered options as text, one line per answer, re-asks on a non-answer."""

    def asker(self, text: str) -> tuple[PlainAsker, io.StringIO, list[object]]:
        out = io.StringIO()
        shown: list[object] = []
        return PlainAsker(shown.append, io.StringIO(text), out), out, shown

    def test_number_answer(self) -> None:
        asker, out, shown = self.asker("2\n")
        assert asker.ask(make(q.DEFINITION_TERM), P) == "2"
        assert "Your answer (1-4): 2\n" in out.getvalue()
        assert len(shown) == 1

    def test_out_of_range_asks_again(self) -> None:
        asker, out, _ = self.asker("9\n\n3\n")
        assert asker.ask(make(q.DEFINITION_TERM), P) == "3"
        assert out.getvalue().count("Please answer with a number from 1 to 4") == 2

    @pytest.mark.parametrize("raw", ["²", "١", "9" * 5000, "maybe", "e"])
    def test_h5_inputs_are_not_an_option(self, raw: str) -> None:
        """Redteam H5: these used to end the quiz with an internal ValueError."""
        asker, out, _ = self.asker(f"{raw}\n2\n")
        assert asker.ask(make(q.DEFINITION_TERM), P) == "2"
        assert "Please answer with a number from 1 to 4" in out.getvalue()

    def test_h5_at_the_grade_prompt(self) -> None:
        asker, out, _ = self.asker("\n²\n" + "9" * 5000 + "\n3\n")
        assert asker.ask(make(q.FLASHCARD), P) == "3"
        assert out.getvalue().count("Please grade with a number from 1 to 4") == 2

    def test_u_and_q_are_commands(self) -> None:
        asker, _, _ = self.asker("u\nq\n")
        assert asker.ask(make(q.DEFINITION_TERM), P) is Command.UNDO
        assert asker.ask(make(q.DEFINITION_TERM), P) is Command.QUIT

    def test_end_of_input_raises_eof(self) -> None:
        asker, _, _ = self.asker("")
        with pytest.raises(EOFError):
            asker.ask(make(q.TYPED), P)

    def test_flashcard_reads_a_line_to_reveal_then_a_grade(self) -> None:
        asker, _, shown = self.asker("\nhard\n")
        assert asker.ask(make(q.FLASHCARD), P) == "hard"
        assert len(shown) == 3  # front, back, grades

    def test_piped_stdin_never_gets_questionary(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
        assert isinstance(make_asker(print, plain=False), PlainAsker)
        assert isinstance(make_asker(print, plain=True), PlainAsker)
