"""Rich renderables for the quiz: questions, feedback and the summary; they print nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from genai_cli.study.questions import Outcome, Question
from genai_cli.views.entries import ACCENT, DIM, LABEL, _field_grid, panel

if TYPE_CHECKING:  # the session imports the store (sqlite3); `genai today` needs neither
    from genai_cli.study.session import Summary

RIGHT = "bold green"
WRONG = "bold red"
CLOSE = "bold yellow"
_KIND_LABELS = {
    "term-definition": "term → definition",
    "definition-term": "definition → term",
    "typed": "type the name",
    "flashcard": "flashcard",
    "myth-or-fact": "myth or fact",
    "algorithm-profile": "algorithm → complexity and use",
    "profile-algorithm": "complexity and use → algorithm",
}


def when(moment: datetime, now: datetime) -> str:
    """A due time as a person says it: "now", "in 10 min", "in 3 days", "on 2025-03-01"."""
    delta = moment - now
    seconds = delta.total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    if delta < timedelta(days=60):
        days = round(seconds / 86400)
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"on {moment.date().isoformat()}"


def duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def _table(*columns: tuple[str, int]) -> Table:
    """A borderless table; a column with ratio 0 keeps its natural width."""
    table = Table(box=box.SIMPLE_HEAD, header_style=LABEL, expand=True, show_edge=False)
    for header, ratio in columns:
        if ratio:
            table.add_column(header, overflow="fold", ratio=ratio)
        else:
            table.add_column(header, no_wrap=True)
    return table


def _options_table(options: tuple[str, ...]) -> Padding:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style=LABEL, no_wrap=True)
    table.add_column(overflow="fold")
    for number, option in enumerate(options, 1):
        table.add_row(f"{number}.", Text(option))
    return Padding(table, (0, 0, 0, 2), expand=False)


def question_view(question: Question, number: int, total: int, *, numbered: bool) -> Group:
    """The question; with ``numbered`` (plain mode) its options as a numbered list."""
    head = Text(f"Question {number} of {total}", style="bold")
    head.append(f" · {_KIND_LABELS.get(question.kind, question.kind)}", style=DIM)
    parts: list[RenderableType] = [Text(""), head, Text(question.prompt)]
    if numbered and question.style == "choice":
        parts.append(_options_table(question.options))
    return Group(*parts)


def reveal_view(question: Question) -> Group:
    """The back of a flashcard."""
    return Group(Text(question.answer, style=ACCENT))


def grades_view(question: Question) -> Group:
    """The self-grades, numbered, for plain mode."""
    return Group(Text("How well did you know it?"), _options_table(question.options))


def plain_prompt(question: Question) -> str:
    if question.style == "typed":
        return "Your answer (the name): "
    return f"Your answer (1-{len(question.options)}): "


def reveal_prompt() -> str:
    return "Press Enter to reveal the answer: "


def feedback(question: Question, outcome: Outcome) -> Group:
    """Right or wrong, the right answer, and the full definition or fact."""
    if question.style == "flashcard":
        return Group(Text(f"Graded {outcome.given}.", style=RIGHT if outcome.correct else WRONG))
    if outcome.close:
        head = Text("≈ Accepted, but check the spelling: ", style=CLOSE)
        head.append(Text(question.answer, style="bold"))
    elif outcome.correct:
        head = Text("✓ Right.", style=RIGHT)
    else:
        head = Text("✗ Wrong. The answer: ", style=WRONG)
        head.append(Text(question.answer, style="bold"))
    return Group(head, Text(question.explanation, style=DIM))


def summary_view(summary: Summary, now: datetime) -> RenderableType:
    """Score, time taken, each missed item with its answer, when each card is next due."""
    answered = len(summary.answered)
    if not answered:
        return Text("No answers recorded.", style=DIM)
    percent = round(100 * summary.right / answered)
    score = Text(f"{summary.right}/{answered} right ({percent}%)", style="bold")
    if summary.stopped == "end-of-input":
        score.append(f" · stopped early, {summary.planned - answered} not asked", style=DIM)
    rows: list[tuple[str, RenderableType]] = [
        ("Score", score),
        ("Time", Text(duration(summary.seconds))),
    ]
    body: list[RenderableType] = [_field_grid(rows)]
    if summary.missed:
        missed = _table(("Missed", 2), ("You said", 1), ("Answer", 2))
        for item in summary.missed:
            missed.add_row(
                Text(item.question.title),
                Text(item.outcome.given or "(nothing)", style=DIM),
                Text(item.question.answer),
            )
        body += [Text(""), missed]
    due = _table(("Card", 2), ("Question", 1), ("Next due", 0))
    for item in summary.answered:
        due.add_row(
            Text(item.question.title),
            Text(_KIND_LABELS.get(item.question.kind, item.question.kind), style=DIM),
            Text(when(item.state.due, now)),
        )
    body += [Text(""), due]
    return panel("Quiz summary", body)


def nothing_to_ask(next_due: datetime | None, now: datetime, due_only: bool) -> Text:
    if next_due is None:
        return Text("Nothing to ask: no cards match.", style=DIM)
    what = "Nothing is due" if due_only else "Nothing is due and no new cards are left"
    return Text(f"{what}; the next card is due {when(next_due, now)}.", style=DIM)
