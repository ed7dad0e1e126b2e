"""The prompt adapters: questionary in a real terminal, plain lines otherwise.

The only module that imports questionary. Piped input never reaches questionary (a select
fed from a pipe silently picks its first option): without a terminal on both stdin and
stdout, or with ``--plain``, the line-mode asker is used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from genai_cli.study.questions import Outcome, Question, grade
from genai_cli.study.session import Asker
from genai_cli.views import quiz as render_quiz

Show = Callable[[Any], None]


class PlainAsker:
    """Prints each question as plain lines with numbered options; reads one line per answer."""

    def __init__(self, show: Show, stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.show = show
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def _read(self, prompt: str) -> str | None:
        """One line without its newline; None on Ctrl-C; EOFError at end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            self.stdout.write("\n")
            return None
        if not line:
            self.stdout.write("\n")
            raise EOFError
        if not self.stdin.isatty():  # echo piped answers so the transcript reads naturally
            self.stdout.write(line if line.endswith("\n") else line + "\n")
        return line.rstrip("\r\n")

    def ask(self, question: Question, number: int, total: int) -> str | None:
        self.show(render_quiz.question_view(question, number, total, numbered=True))
        if question.style == "flashcard":
            if self._read(render_quiz.reveal_prompt()) is None:
                return None
            self.show(render_quiz.reveal_view(question))
            self.show(render_quiz.grades_view(question))
        while True:
            line = self._read(render_quiz.plain_prompt(question))
            if line is None or grade(question, line) is not None:
                return line
            self.stdout.write(f"Please answer with a number from 1 to {len(question.options)}.\n")

    def feedback(self, question: Question, outcome: Outcome) -> None:
        self.show(render_quiz.feedback(question, outcome))


class QuestionaryAsker:
    """Arrow keys and Enter to choose, a text prompt to type, any key to reveal a card.

    ``input`` and ``output`` (prompt_toolkit objects) are for tests; by default the
    terminal is used.
    """

    def __init__(self, show: Show, *, input: Any = None, output: Any = None) -> None:
        self.show = show
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _select(
        self, message: str, options: tuple[str, ...], default: int | None = None
    ) -> str | None:
        import questionary

        choices = [questionary.Choice(o, value=str(n)) for n, o in enumerate(options, 1)]
        start = choices[default - 1] if default else None
        answer: str | None = questionary.select(
            message, choices, default=start, **self._io
        ).unsafe_ask()
        return answer

    def ask(self, question: Question, number: int, total: int) -> str | None:
        import questionary

        self.show(render_quiz.question_view(question, number, total, numbered=False))
        try:
            if question.style == "typed":
                typed: str = questionary.text("Your answer:", **self._io).unsafe_ask()
                return typed
            if question.style == "flashcard":
                questionary.press_any_key_to_continue(
                    "Press any key to reveal the answer…", **self._io
                ).unsafe_ask()
                self.show(render_quiz.reveal_view(question))
                # The cursor starts on Good, the usual grade, as in Anki.
                good = question.options.index("Good") + 1 if "Good" in question.options else None
                return self._select("How well did you know it?", question.options, good)
            return self._select("Your answer:", question.options)
        except KeyboardInterrupt:
            return None

    def feedback(self, question: Question, outcome: Outcome) -> None:
        self.show(render_quiz.feedback(question, outcome))


def make_asker(show: Show, *, plain: bool) -> Asker:
    """questionary only with a terminal on stdin and stdout and without ``--plain``."""
    if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return PlainAsker(show)
    return QuestionaryAsker(show)


def read_answer(
    message: str,
    toolbar: Callable[[], str] | None = None,
    *,
    input: Any = None,
    output: Any = None,
) -> str | None:
    """A multi-line answer typed in a terminal (for `genai interview`).

    Enter adds a line; Enter on an empty line, or Ctrl-D, ends the answer (Enter at
    once gives "", a skip). With ``toolbar``, its text (the time left) is shown under
    the answer and refreshed every second. None on Ctrl-C.
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @keys.add("enter")
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        document = buffer.document
        ends = not document.text.strip() or (
            document.is_cursor_at_the_end and not document.current_line.strip()
        )
        if ends:
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @keys.add("c-d")
    def _done(event: Any) -> None:
        event.current_buffer.validate_and_handle()

    io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}
    session: Any = PromptSession(
        multiline=True,
        key_bindings=keys,
        bottom_toolbar=toolbar,
        refresh_interval=1.0 if toolbar else 0,
        **io,
    )
    try:
        text: str = session.prompt(message, prompt_continuation=". ")
    except KeyboardInterrupt:
        return None
    except EOFError:
        return ""
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))
