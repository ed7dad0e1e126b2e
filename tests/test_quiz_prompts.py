"""Prompt adapters: questionary through prompt_toolkit's pipe input, plain lines via StringIO."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study import questions as q
from genai_cli.study.questions import CardRef, QuestionMaker, grade
from genai_cli.views.prompts import PlainAsker, QuestionaryAsker, make_asker

KB = load_bundled()
MAKER = QuestionMaker(KB)
DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"


def make(kind: str, slug: str = "latent-space") -> q.Question:
    return MAKER.make(CardRef(q.card_id(kind, slug), kind, slug), 1)


@pytest.fixture
def pipe() -> Iterator[Any]:
    with create_pipe_input() as inp:
        yield inp


def questionary_asker(pipe: Any, shown: list[object]) -> QuestionaryAsker:
    return QuestionaryAsker(shown.append, input=pipe, output=DummyOutput())


class TestQuestionaryAsker:
    """Arrow keys and Enter choose; typed text is returned; Ctrl-C gives None."""

    def test_arrow_down_and_enter_picks_the_second_option(self, pipe: Any) -> None:
        shown: list[object] = []
        question = make(q.DEFINITION_TERM)
        pipe.send_text(DOWN + ENTER)
        raw = questionary_asker(pipe, shown).ask(question, 1, 1)
        assert raw == "2"
        assert grade(question, raw).given == question.options[1]  # type: ignore[union-attr]
        assert len(shown) == 1  # the question was shown before the prompt

    def test_enter_picks_the_first_option(self, pipe: Any) -> None:
        pipe.send_text(ENTER)
        assert questionary_asker(pipe, []).ask(make(q.TERM_DEFINITION), 1, 1) == "1"

    def test_typed_answer(self, pipe: Any) -> None:
        pipe.send_text("latent space" + ENTER)
        assert questionary_asker(pipe, []).ask(make(q.TYPED), 1, 1) == "latent space"

    def test_flashcard_reveals_then_grades(self, pipe: Any) -> None:
        shown: list[object] = []
        pipe.send_text(" " + DOWN + ENTER)
        raw = questionary_asker(pipe, shown).ask(make(q.FLASHCARD), 1, 1)
        assert raw == "4"  # the cursor starts on Good; one step down is Easy
        assert len(shown) == 2  # front, then the revealed back

    def test_flashcard_grade_defaults_to_good(self, pipe: Any) -> None:
        pipe.send_text(" " + ENTER)
        assert questionary_asker(pipe, []).ask(make(q.FLASHCARD), 1, 1) == "3"

    def test_ctrl_c_returns_none(self, pipe: Any) -> None:
        pipe.send_text(CTRL_C)
        assert questionary_asker(pipe, []).ask(make(q.DEFINITION_TERM), 1, 1) is None


class TestPlainAsker:
    """Plain mode: numbered options as text, one line per answer, re-asks on a non-answer."""

    def asker(self, text: str) -> tuple[PlainAsker, io.StringIO, list[object]]:
        out = io.StringIO()
        shown: list[object] = []
        return PlainAsker(shown.append, io.StringIO(text), out), out, shown

    def test_number_answer(self) -> None:
        asker, out, shown = self.asker("2\n")
        assert asker.ask(make(q.DEFINITION_TERM), 1, 3) == "2"
        assert "Your answer (1-4): 2\n" in out.getvalue()
        assert len(shown) == 1

    def test_out_of_range_asks_again(self) -> None:
        asker, out, _ = self.asker("9\n\n3\n")
        assert asker.ask(make(q.DEFINITION_TERM), 1, 1) == "3"
        assert out.getvalue().count("Please answer with a number from 1 to 4.") == 2

    def test_end_of_input_raises_eof(self) -> None:
        asker, _, _ = self.asker("")
        with pytest.raises(EOFError):
            asker.ask(make(q.TYPED), 1, 1)

    def test_flashcard_reads_a_line_to_reveal_then_a_grade(self) -> None:
        asker, _, shown = self.asker("\nhard\n")
        assert asker.ask(make(q.FLASHCARD), 1, 1) == "hard"
        assert len(shown) == 3  # front, back, grades

    def test_piped_stdin_never_gets_questionary(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
        assert isinstance(make_asker(print, plain=False), PlainAsker)
        assert isinstance(make_asker(print, plain=True), PlainAsker)
