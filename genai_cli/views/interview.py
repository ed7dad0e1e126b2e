"""The mock interview in the terminal: what is shown, and the readers that ask.

An empty line ends an answer (Enter twice), so does Ctrl-D; an empty answer skips the
question. In a terminal the answer is typed in an editor (the prompt adapter's
``read_answer``) with a live countdown under it; in a pipe or with ``plain``, as plain
lines whose prompts show the time left (or over). Time is shown, an answer is never cut
off. ``plain`` also drops colour, symbols and boxes, for screen readers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TextIO

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from genai_cli.knowledge.model import KnowledgeBase, Question
from genai_cli.study.interview import History, Report, parse_grade, term_pointers
from genai_cli.study.questions import RATING_NAMES
from genai_cli.views.entries import ACCENT, DIM, LABEL, panel
from genai_cli.views.quiz import RIGHT, WRONG, duration, when

Show = Callable[[Any], None]
GRADES = ", ".join(f"{n} {name}" for n, name in RATING_NAMES.items())
HINT = "a word-overlap hint, not a verdict"


def clock_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def question_view(
    question: Question, number: int, total: int, limit: float | None, *, plain: bool
) -> RenderableType:
    head = Text(f"Question {number} of {total}", style="" if plain else "bold")
    meta = " · ".join(m for m in (question.level, *question.tags) if m)
    if meta:
        head.append(f" ({meta})" if plain else f" · {meta}", style="" if plain else DIM)
    how = "Type your answer; an empty line ends it, an empty answer skips."
    if limit is not None:
        how += f" You have {clock_text(limit)} (shown, never enforced)."
    body = Text(question.question, style="" if plain else "bold " + ACCENT)
    return Group(Text(""), head, body, Text(how, style="" if plain else DIM))


def time_left(elapsed: float, limit: float) -> str:
    left = limit - elapsed
    return f"{clock_text(left)} left" if left >= 0 else f"{clock_text(-left)} over"


def answer_prompt(elapsed: float, limit: float | None, first: bool) -> str:
    """The prompt of each answer line; with a limit, the countdown."""
    mark = "> " if first else ". "
    if limit is None:
        return mark
    return f"[{time_left(elapsed, limit)}] {mark}"


def model_view(
    question: Question, typed: str, covered: Sequence[bool], *, plain: bool
) -> RenderableType:
    """The model answer, then each key point, those the answer seems to mention marked."""
    parts: list[RenderableType] = [Text("")]
    if not typed.strip():
        parts.append(Text("Skipped: here is a model answer.", style="" if plain else DIM))
    parts += [Text("Model answer:", style="" if plain else LABEL), Text(question.answer)]
    if not question.points:
        return Group(*parts)
    found = sum(covered)
    parts.append(
        Text(
            f"Key points ({found} of {len(covered)} seem covered by your answer; {HINT}):",
            style="" if plain else LABEL,
        )
    )
    for point, hit in zip(question.points, covered, strict=True):
        if plain:
            parts.append(Text(f"- {point}" + (" (covered)" if hit else "")))
        else:
            line = Text("✓ " if hit else "· ", style=RIGHT if hit else DIM)
            line.append(point, style="" if hit else DIM)
            parts.append(Padding(line, (0, 0, 0, 2), expand=False))
    return Group(*parts)


def grade_prompt() -> str:
    return f"Grade yourself ({GRADES}): "


def _score(report: Report) -> str:
    answered = len(report.graded)
    skipped = sum(1 for g in report.graded if g.skipped)
    text = f"{report.good} of {answered} graded Good or Easy"
    if skipped:
        text += f", {skipped} skipped"
    if report.stopped == "end-of-input":
        text += f"; stopped early, {report.planned - answered} not asked"
    return text


def summary_view(
    report: Report,
    kb: KnowledgeBase,
    next_due: datetime | None,
    due_now: int,
    now: datetime,
    *,
    plain: bool,
) -> RenderableType:
    """The score, the questions to revisit with their `genai term` pointers, what is due next."""
    if not report.graded:
        return Text("No answers recorded.", style="" if plain else DIM)
    lines: list[RenderableType] = [
        Text(f"Score: {_score(report)}."),
        Text(f"Time: {duration((report.finished - report.started).total_seconds())}."),
    ]
    if report.revisit:
        lines += [Text(""), Text("To revisit:", style="" if plain else LABEL)]
        for item in report.revisit:
            grade = "skipped" if item.skipped else RATING_NAMES[item.rating]
            lines.append(Text(f"- {item.question.question} ({grade})"))
            pointers = term_pointers(kb, item.question)
            if pointers:
                lines.append(Text(f"  read: {', '.join(pointers)}", style="" if plain else DIM))
    lines.append(Text(""))
    if due_now:
        lines.append(Text(f"Due now: {due_now} question{'s' if due_now != 1 else ''}."))
    elif next_due is not None:
        lines.append(Text(f"Next question due {when(next_due, now)}."))
    lines.append(Text("Past answers: genai interview --history", style="" if plain else DIM))
    if plain:
        return Group(Text(""), Text("Interview summary"), *lines)
    return panel("Interview summary", lines)


def history_view(found: History, now: datetime, *, plain: bool) -> RenderableType:
    """A question, its model answer, and every answer given to it, oldest first."""
    question = found.question
    lines: list[RenderableType] = [
        Text(question.question, style="" if plain else "bold"),
        Text(""),
        Text("Model answer:", style="" if plain else LABEL),
        Text(question.answer),
        Text(""),
    ]
    if not found.answers:
        lines.append(Text("You have not answered this question yet.", style="" if plain else DIM))
    for moment, text, rating in found.answers:
        stamp = moment.astimezone().strftime("%Y-%m-%d %H:%M")
        style = "" if plain else (RIGHT if rating >= 3 else WRONG)
        lines.append(Text(f"{stamp} · {RATING_NAMES.get(rating, '?')}", style=style))
        lines.append(Text(text if text.strip() else "(skipped)"))
        lines.append(Text(""))
    if found.answers:
        lines.pop()  # the blank after the last answer (not the "not answered yet" line)
    if plain:
        return Group(*lines)
    return panel(f"Your answers: {question.slug}", lines)


def answered_view(rows: Sequence[tuple[Question, int, datetime]], *, plain: bool) -> RenderableType:
    if not rows:
        return Text("No interview answers yet: try genai interview.", style="" if plain else DIM)
    lines: list[RenderableType] = []
    for question, count, last in rows:
        lines.append(Text(f"{question.slug}: {question.question}"))
        lines.append(
            Text(
                f"  {count} answer{'s' if count != 1 else ''}, last on {last.date().isoformat()}",
                style="" if plain else DIM,
            )
        )
    lines.append(Text("genai interview --history SLUG shows them.", style="" if plain else DIM))
    return Group(*lines)


class LineInterviewer:
    """Asks through plain lines on stdin/stdout; works the same in a terminal and a pipe."""

    def __init__(
        self,
        show: Show,
        *,
        plain: bool,
        limit: float | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.show = show
        self.plain = plain
        self.limit = limit
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.timer = timer

    def _line(self, prompt: str) -> str | None:
        """One line, with its newline if it had one ("" at end of input); None on Ctrl-C."""
        from genai_cli.views.prompts import read_line

        return read_line(prompt, self.stdin, self.stdout)

    def answer(self, question: Question, number: int, total: int) -> str | None:
        self.show(question_view(question, number, total, self.limit, plain=self.plain))
        start = self.timer()
        lines: list[str] = []
        while True:
            line = self._line(answer_prompt(self.timer() - start, self.limit, not lines))
            if line is None:
                return None
            if not line:  # Ctrl-D, or the end of piped input
                if lines or self.stdin.isatty():
                    break
                raise EOFError
            text = line.rstrip("\r\n")
            if not text.strip():
                break
            lines.append(text)
            if not line.endswith("\n"):  # Ctrl-D after some text on the line
                break
        if self.limit is not None and lines:
            took = self.timer() - start
            self.stdout.write(f"Answered in {clock_text(took)} of {clock_text(self.limit)}.\n")
        return "\n".join(lines)

    def model(self, question: Question, typed: str, covered: tuple[bool, ...]) -> None:
        self.show(model_view(question, typed, covered, plain=self.plain))

    def grade(self, question: Question) -> int | None:
        while True:
            line = self._line(grade_prompt())
            if line is None:
                return None
            if not line:
                raise EOFError
            rating = parse_grade(line)
            if rating is not None:
                return rating
            self.stdout.write("Please answer 1, 2, 3 or 4 (or Again, Hard, Good, Easy).\n")


class TerminalInterviewer(LineInterviewer):
    """In a terminal: the answer is typed in an editor line (prompt_toolkit, through the
    prompt adapter) whose toolbar shows a live countdown; the grade is one key, as in the
    quiz (1-4 at once, arrows and Enter, Enter alone is Good; q or Esc ends the interview).
    """

    def grade(self, question: Question) -> int | None:
        from genai_cli.study.session import Command
        from genai_cli.views.prompts import select

        labels = tuple(f"{n} {name}" for n, name in RATING_NAMES.items())
        keys = {str(n): str(n) for n in RATING_NAMES}
        while True:
            try:
                chosen = select("Grade yourself:", labels, keys, default=2)
            except KeyboardInterrupt:
                return None
            if chosen is Command.QUIT:
                raise EOFError
            if isinstance(chosen, str) and chosen.isdigit():
                return int(chosen)
            # u (undo) means nothing here: there is no earlier grade to take back

    def answer(self, question: Question, number: int, total: int) -> str | None:
        from genai_cli.views.prompts import read_answer

        self.show(question_view(question, number, total, self.limit, plain=self.plain))
        start = self.timer()
        limit = self.limit
        toolbar = None
        if limit is not None:

            def toolbar() -> str:
                return f"{time_left(self.timer() - start, limit)} (time is shown, never enforced)"

        typed = read_answer("> ", toolbar)
        if typed is not None and limit is not None and typed.strip():
            took = self.timer() - start
            self.stdout.write(f"Answered in {clock_text(took)} of {clock_text(limit)}.\n")
        return typed


def make_interviewer(show: Show, *, plain: bool, limit: float | None) -> LineInterviewer:
    """The live editor only with a terminal on stdin and stdout and without ``--plain``."""
    if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return LineInterviewer(show, plain=plain, limit=limit)
    return TerminalInterviewer(show, plain=plain, limit=limit)
