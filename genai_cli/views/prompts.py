"""The prompt adapters: prompt_toolkit in a real terminal, plain lines otherwise.

The only module that imports prompt_toolkit. Options are printed in full (wrapped and
numbered, by the views) above a one-line selector, so nothing is ever cut at the
terminal's width. Piped input never reaches prompt_toolkit: without a terminal on both
stdin and stdout, or with ``--plain``, the line-mode asker is used.

Keys in a terminal: ``1``-``4`` or ``a``-``d`` answer at once, arrows or ``j``/``k`` and
Enter too; a flashcard is revealed with Space or Enter and graded with ``1``-``4`` (Enter
is Good); ``u`` undoes the last answer and ``q`` or Esc ends the session (at a typed
prompt, where those are letters: Ctrl-Z and Esc or Ctrl-D); Ctrl-C interrupts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from genai_cli.study.grading import grade
from genai_cli.study.questions import Outcome, Question
from genai_cli.study.session import Asker, Command, Progress, Verdict
from genai_cli.views import quiz as render_quiz

Show = Callable[[Any], None]


def read_line(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    """One line with its newline if it had one ("" at end of input); None on Ctrl-C.

    A piped answer is echoed after the prompt, so that the transcript reads naturally.
    """
    stdout.write(prompt)
    stdout.flush()
    try:
        line = stdin.readline()
    except KeyboardInterrupt:
        stdout.write("\n")
        return None
    if line and not stdin.isatty():
        stdout.write(line if line.endswith("\n") else line + "\n")
    return line


_PLAIN_COMMANDS = {"u": Command.UNDO, "undo": Command.UNDO, "q": Command.QUIT, "quit": Command.QUIT}


class PlainAsker:
    """Prints each question as plain lines with numbered options; reads one line per answer.

    ``u`` (undo) and ``q`` (quit) work at a choice, reveal or grade prompt; at a typed
    prompt the end of input (Ctrl-D) ends the session.
    """

    def __init__(self, show: Show, stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.show = show
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def _read(self, prompt: str) -> str | None:
        """One line without its newline; None on Ctrl-C; EOFError at end of input."""
        line = read_line(prompt, self.stdin, self.stdout)
        if line == "":
            self.stdout.write("\n")
            raise EOFError
        return None if line is None else line.rstrip("\r\n")

    def ask(self, question: Question, progress: Progress) -> str | Command | None:
        self.show(render_quiz.question_view(question, progress))
        if question.style == "flashcard":
            line = self._read(render_quiz.reveal_prompt())
            if line is None or line.strip().casefold() in _PLAIN_COMMANDS:
                return None if line is None else _PLAIN_COMMANDS[line.strip().casefold()]
            self.show(render_quiz.reveal_view(question))
            self.show(render_quiz.grades_view(question, progress))
        while True:
            line = self._read(render_quiz.plain_prompt(question))
            if line is None:
                return None
            if question.style != "typed" and line.strip().casefold() in _PLAIN_COMMANDS:
                return _PLAIN_COMMANDS[line.strip().casefold()]
            if grade(question, line) is not None:
                return line
            self.stdout.write(render_quiz.not_an_option(question) + "\n")

    def feedback(self, question: Question, outcome: Outcome, verdict: Verdict) -> Command | None:
        self.show(render_quiz.feedback(question, outcome, verdict))
        return None


class _Selector:
    """The state and key bindings of one selector line."""

    def __init__(self, message: str, labels: tuple[str, ...], default: int) -> None:
        self.message = message
        self.labels = labels
        self.pointer = default
        self.done = ""

    def render(self) -> list[tuple[str, str]]:
        parts: list[tuple[str, str]] = [("bold", self.message)]
        if self.done:
            return [*parts, ("", " "), ("bold", self.done)]
        for index, label in enumerate(self.labels):
            style = "reverse bold" if index == self.pointer else ""
            parts += [("", " "), (style, f" {label} ")]
        return parts

    def finish(self, event: Any, value: str, shown: str) -> None:
        self.done = shown
        event.app.exit(result=value)

    def bindings(self, keys: Mapping[str, str], any_key: str | None) -> Any:
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.keys import Keys

        bindings = KeyBindings()
        if any_key is not None:
            for key in (Keys.Any, "enter", "space"):
                bindings.add(key)(lambda event, v=any_key: self.finish(event, v, ""))
        for key, value in keys.items():
            bindings.add(key)(lambda event, v=value, k=key: self.finish(event, v, k.strip()))
        if self.labels:
            for key in ("left", "up", "k", "s-tab"):
                bindings.add(key)(lambda event: self.move(-1))
            for key in ("right", "down", "j", "tab"):
                bindings.add(key)(lambda event: self.move(1))
            bindings.add("enter")(
                lambda event: self.finish(event, str(self.pointer + 1), self.labels[self.pointer])
            )
        bindings.add("u")(lambda event: self.finish(event, _UNDO, "undo"))
        for key in ("q", "escape"):
            bindings.add(key, eager=True)(lambda event: self.finish(event, _QUIT, "quit"))
        bindings.add("c-c")(lambda event: event.app.exit(exception=KeyboardInterrupt()))
        return bindings

    def move(self, step: int) -> None:
        self.pointer = (self.pointer + step) % len(self.labels)


_UNDO = "\x00undo"
_QUIT = "\x00quit"
_COMMANDS = {_UNDO: Command.UNDO, _QUIT: Command.QUIT}


class TerminalAsker:
    """Number and letter keys, arrows and Enter; Space to reveal; u to undo; q to quit.

    ``input`` and ``output`` (prompt_toolkit objects) are for tests; by default the
    terminal is used.
    """

    def __init__(self, show: Show, *, input: Any = None, output: Any = None) -> None:
        self.show = show
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _keys(
        self,
        message: str,
        labels: Sequence[str] = (),
        keys: Mapping[str, str] | None = None,
        default: int = 0,
        *,
        any_key: str | None = None,
    ) -> str:
        """A one-line selector over ``labels``; returns the chosen value or a command.

        ``keys`` maps a key to a value returned at once (``"1"`` → ``"1"``); with
        ``any_key``, every other key returns it. Ctrl-C raises KeyboardInterrupt.
        """
        from prompt_toolkit.application import Application
        from prompt_toolkit.formatted_text import StyleAndTextTuples
        from prompt_toolkit.layout import Layout, Window
        from prompt_toolkit.layout.controls import FormattedTextControl

        selector = _Selector(message, tuple(labels), default)

        def text() -> StyleAndTextTuples:
            out: StyleAndTextTuples = []
            out.extend(selector.render())
            return out

        window = Window(FormattedTextControl(text), wrap_lines=True, dont_extend_height=True)
        app: Application[str] = Application(
            layout=Layout(window),
            key_bindings=selector.bindings(keys or {}, any_key),
            full_screen=False,
            **self._io,
        )
        app.ttimeoutlen = 0.05  # a lone Esc quits at once
        result: str = app.run()
        return result

    def _typed(self) -> str:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()

        @bindings.add("c-z")
        def _undo(event: Any) -> None:
            event.app.exit(result=_UNDO)

        @bindings.add("escape", eager=True)
        @bindings.add("c-d")
        def _quit(event: Any) -> None:
            event.app.exit(result=_QUIT)

        session: PromptSession[str] = PromptSession(key_bindings=bindings, **self._io)
        session.app.ttimeoutlen = 0.05
        result: str = session.prompt(
            [("bold", "Your answer "), ("", "(empty: I don't know · Ctrl-Z undo · Esc quit): ")]
        )
        return result

    def ask(self, question: Question, progress: Progress) -> str | Command | None:
        self.show(render_quiz.question_view(question, progress))
        try:
            if question.style == "typed":
                raw = self._typed()
            elif question.style == "flashcard":
                raw = self._keys(
                    "Space: reveal · u undo · q quit",
                    keys={" ": "reveal", "enter": "reveal"},
                )
                if raw in _COMMANDS:
                    return _COMMANDS[raw]
                self.show(render_quiz.reveal_view(question))
                labels = render_quiz.grade_labels(question, progress)
                good = question.options.index("Good") if "Good" in question.options else 0
                numbers = {str(n): str(n) for n in range(1, len(labels) + 1)}
                raw = self._keys("Grade (1-4, Enter):", labels, numbers, default=good)
            else:
                count = len(question.options)
                keys = {str(n): str(n) for n in range(1, count + 1)}
                keys.update({"abcd"[n - 1]: str(n) for n in range(1, min(count, 4) + 1)})
                raw = self._keys(
                    f"Your answer (1-{count} · u undo · q quit):",
                    tuple(keys.values())[:count],
                    keys,
                )
        except KeyboardInterrupt:
            return None
        except EOFError:
            return Command.QUIT
        return _COMMANDS.get(raw, raw)

    def feedback(self, question: Question, outcome: Outcome, verdict: Verdict) -> Command | None:
        self.show(render_quiz.feedback(question, outcome, verdict))
        if outcome.correct or question.style == "flashcard":
            return None
        try:
            raw = self._keys(render_quiz.continue_prompt(), any_key="next")
        except EOFError:
            return Command.QUIT
        return _COMMANDS.get(raw)


def select(
    message: str, labels: Sequence[str], keys: Mapping[str, str], default: int = 0
) -> str | Command:
    """One selector line in the terminal: the value of the key pressed (or of the label
    chosen with the arrows and Enter), or Command.UNDO / Command.QUIT for u and q/Esc."""
    raw = TerminalAsker(lambda _shown: None)._keys(message, labels, keys, default)
    return _COMMANDS.get(raw, raw)


def make_asker(show: Show, *, plain: bool) -> Asker:
    """The terminal asker only with a terminal on stdin and stdout and without ``--plain``."""
    if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return PlainAsker(show)
    return TerminalAsker(show)


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
