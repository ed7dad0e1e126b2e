"""Rich renderables for the quiz: questions, feedback and the summary; they print nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from genai_cli.study.questions import CLOZE, Outcome, Question
from genai_cli.views.entries import ACCENT, DIM, LABEL, panel

if TYPE_CHECKING:  # the session imports the store (sqlite3); `genai today` needs neither
    from genai_cli.study.scheduler import CardState
    from genai_cli.study.session import Answered, Outlook, Progress, Summary, Verdict

RIGHT = "bold green"
WRONG = "bold red"
CLOSE = "bold yellow"
_KIND_LABELS = {
    "term-definition": "term → definition",
    "definition-term": "definition → term",
    "typed": "type the name",
    "cloze": "fill the gap",
    "flashcard": "flashcard",
    "myth-or-fact": "myth → the fact",
    "algorithm-profile": "algorithm → complexity",
    "profile-algorithm": "description → algorithm",
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


def interval(delta: timedelta) -> str:
    """A next interval as a grade button shows it: ``1m``, ``10m``, ``5h``, ``4d``, ``3mo``."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = round(seconds / 86400)
    if days < 60:
        return f"{days}d"
    if days < 365:
        return f"{round(days / 30)}mo"
    return f"{days / 365:.1f}".rstrip("0").rstrip(".") + "y"


def grade_labels(question: Question, progress: Progress) -> tuple[str, ...]:
    """``Again 1m``, ``Hard 6m``, ``Good 10m``, ``Easy 4d``: each grade and its next interval."""
    labels = []
    for number, name in enumerate(question.options, 1):
        due = progress.next_due.get(number)
        if due is not None and progress.now is not None:
            labels.append(f"{name} {interval(due - progress.now)}")
        else:
            labels.append(name)
    return tuple(labels)


def _options_table(options: tuple[str, ...]) -> Padding:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style=LABEL, no_wrap=True)
    table.add_column(overflow="fold")
    for number, option in enumerate(options, 1):
        table.add_row(f"{number}.", Text(option))
    return Padding(table, (0, 0, 0, 2), expand=False)


def progress_line(question: Question, progress: Progress) -> Text:
    """``Question 3/20 · 2 to relearn · term → definition``."""
    head = Text(f"Question {progress.asked}/{progress.total}", style="bold")
    if progress.retry:
        head.append(" · again", style=CLOSE)
    if progress.relearn:
        head.append(f" · {progress.relearn} to relearn", style="bold")
    head.append(f" · {_KIND_LABELS.get(question.kind, question.kind)}", style=DIM)
    return head


def question_view(question: Question, progress: Progress) -> Group:
    """The question, and its options in full, wrapped and numbered."""
    parts: list[RenderableType] = [Text(""), progress_line(question, progress)]
    parts.append(Text(question.prompt))
    if question.style == "choice":
        parts.append(_options_table(question.options))
    return Group(*parts)


def reveal_view(question: Question) -> Group:
    """The back of a flashcard."""
    return Group(Text(question.answer, style=ACCENT))


def grades_view(question: Question, progress: Progress) -> Group:
    """The self-grades with their next intervals, numbered."""
    return Group(
        Text("How well did you know it?"),
        _options_table(grade_labels(question, progress)),
    )


def plain_prompt(question: Question) -> str:
    if question.kind == CLOZE:
        return "Your answer (the hidden words; empty: I don't know): "
    if question.style == "typed":
        return "Your answer (the name; empty: I don't know): "
    return f"Your answer (1-{len(question.options)}): "


def not_an_option(question: Question) -> str:
    """The message for a response that is no answer: ask again."""
    if question.style == "flashcard":
        return "Please grade with a number from 1 to 4 (or again, hard, good, easy)."
    count = len(question.options)
    return f"Please answer with a number from 1 to {count} (or a letter a-{'abcd'[count - 1]})."


def reveal_prompt() -> str:
    return "Press Enter to reveal the answer: "


def pointer(question: Question) -> str:
    """The command that shows a card's entry in full."""
    command = {"algorithm": "algorithms", "myth": "myths"}.get(question.entry_kind, "term")
    return f"genai {command} {question.slug}"


def _answer_text(question: Question) -> Text:
    """The entry in full, its name in bold: shown once, not dim."""
    text = Text(question.explanation)
    if question.explanation.startswith(question.title):
        text.stylize("bold", 0, len(question.title))
    return text


def feedback(question: Question, outcome: Outcome, verdict: Verdict | None = None) -> Group:
    """Right or wrong, what a wrong choice was, then the answer in full, once."""
    parts: list[RenderableType] = []
    if question.style == "flashcard":
        style = RIGHT if outcome.correct else WRONG
        parts.append(Text(f"Graded {outcome.given}.", style=style))
    else:
        if outcome.dont_know:
            head = Text("✗ No answer: counted as Again. The answer:", style=WRONG)
        elif outcome.close:
            head = Text("≈ Right, but check the spelling:", style=CLOSE)
        elif outcome.correct:
            head = Text("✓ Right.", style=RIGHT)
        else:
            head = Text("✗ Wrong.", style=WRONG)
            if outcome.note:
                note = outcome.note[0].upper() + outcome.note[1:]
                end = "" if note.endswith((".", ".”", "?”", "!”")) else "."
                head.append(f" {note}{end}", style="bold")
        if outcome.correct and outcome.note and not outcome.close:
            head.append(f" ({outcome.note})")
        parts += [head, _answer_text(question)]
    if verdict is not None and verdict.comes_back:
        parts.append(Text("It comes back in a few cards.", style=DIM))
    if verdict is not None and verdict.leech:
        leech = Text(
            f"Missed {verdict.lapses} times: this card is a leech. Relearn it with ", style=CLOSE
        )
        leech.append(pointer(question), style="bold")
        parts.append(leech)
    return Group(*parts)


def continue_prompt() -> str:
    return "Press any key for the next card (u undo · q quit)"


def due_buckets(states: list[CardState], now: datetime) -> str:
    """``3 in 1 min · 11 in 10 min · 6 in 2–9 days``: when the cards are due again."""
    bands: list[tuple[float, str, float]] = [
        (0, "now", 1),
        (3600, "min", 60),
        (86400, "h", 3600),
        (60 * 86400, "days", 86400),
    ]
    groups: dict[str, list[int]] = {}
    later = 0
    for state in states:
        seconds = (state.due - now).total_seconds()
        for limit, unit, size in bands:
            if seconds <= limit:
                groups.setdefault(unit, []).append(max(1, round(seconds / size)))
                break
        else:
            later += 1
    parts = []
    for _limit, unit, _size in bands:
        values = groups.get(unit)
        if not values:
            continue
        if unit == "now":
            parts.append(f"{len(values)} now")
            continue
        low, high = min(values), max(values)
        span = str(low) if low == high else f"{low}–{high}"
        name = "day" if unit == "days" and high == 1 else unit
        parts.append(f"{len(values)} in {span} {name}")
    if later:
        parts.append(f"{later} later")
    return " · ".join(parts)


def next_step(outlook: Outlook, now: datetime) -> Text:
    """What to do next: the command first, then how many cards it would ask."""
    text = Text("Next: ", style="bold")
    if outlook.due_now:
        text.append("genai quiz --due", style=ACCENT)
        text.append(f" · {outlook.due_now} due now")
    elif outlook.next_due is not None:
        text.append("genai quiz --due", style=ACCENT)
        text.append(f" · nothing due now, the next card {when(outlook.next_due, now)}")
    else:
        text.append("genai quiz", style=ACCENT)
        text.append(" · new cards")
    if outlook.unasked:
        plural = "s" if outlook.unasked != 1 else ""
        text.append("\n      ")
        text.append("genai quiz", style=ACCENT)
        text.append(f" · continues with the {outlook.unasked} card{plural} not asked")
    return text


def next_step_line(outlook: Outlook, now: datetime) -> str:
    """The next step as one plain line, for the message after Ctrl-C."""
    parts = []
    if outlook.unasked:
        plural = "s" if outlook.unasked != 1 else ""
        parts.append(f"genai quiz continues with the {outlook.unasked} card{plural} not asked")
    if outlook.due_now:
        parts.append(f"{outlook.due_now} due now: genai quiz --due")
    elif outlook.next_due is not None:
        parts.append(f"the next card is due {when(outlook.next_due, now)}: genai quiz --due")
    return "; ".join(parts)


_MISSED_SHOWN = 8


def summary_view(
    summary: Summary, now: datetime, outlook: Outlook | None = None, *, lead: bool = True
) -> Group:
    """One screen: a score line, the missed cards with pointers, due buckets, the next step."""
    cards = summary.cards
    if not cards:
        return Group(Text("No answers recorded.", style=DIM))
    percent = round(100 * summary.right / cards)
    score = Text("Score ", style=LABEL)
    score.append(f"{summary.right}/{cards} right first time ({percent}%)", style="bold")
    if summary.missed:
        score.append(f" · {len(summary.missed)} missed")
    score.append(f" · {duration(summary.seconds)}")
    if summary.stopped != "done" and summary.unasked:
        score.append(f" · stopped, {summary.unasked} not asked", style=DIM)
    parts: list[RenderableType] = [Text(""), score] if lead else [score]
    if summary.missed:
        parts.append(Text("Missed", style=LABEL))
        for item in summary.missed[:_MISSED_SHOWN]:
            line = Text(pointer(item.question), style=ACCENT)  # first: it never wraps
            line.append(f" · {item.question.title}", style="default")
            parts.append(Padding(line, (0, 0, 0, 2)))
        more = len(summary.missed) - _MISSED_SHOWN
        if more > 0:
            parts.append(Text(f"  and {more} more: genai stats --last", style=DIM))
    states = [a.state for a in summary.latest().values()]
    due = Text("Due again ", style=LABEL)
    due.append(due_buckets(states, now))
    parts.append(due)
    if outlook is not None:
        parts.append(next_step(outlook, now))
    return Group(*parts)


def last_session_view(summary: Summary, now: datetime) -> RenderableType:
    """`genai stats --last`: every card of the most recent session, its answers and due."""
    answers: dict[str, list[Answered]] = {}
    for item in summary.answered:
        answers.setdefault(item.question.card_id, []).append(item)
    table = _table(("Card", 1), ("Answers · due", 0))  # two columns: readable at 40
    for items in answers.values():
        first = items[0].question
        card = Text(first.title)
        card.append(f"\n{_KIND_LABELS.get(first.kind, first.kind)}", style=DIM)
        marks = " ".join("✓" if a.outcome.correct else "✗" for a in items)
        table.add_row(card, Text(f"{marks} · {when(items[-1].state.due, now)}"), end_section=True)
    started = summary.started.astimezone().strftime("%Y-%m-%d %H:%M")
    return panel(
        f"Last quiz · {started}", [summary_view(summary, now, lead=False), Text(""), table]
    )


def resuming(count: int) -> Text:
    """The one line that says a stopped session is being resumed."""
    plural = "s" if count != 1 else ""
    return Text(
        f"Resuming your last quiz: first the {count} card{plural} it did not ask.", style=ACCENT
    )


def nothing_to_ask(next_due: datetime | None, now: datetime, due_only: bool) -> Text:
    if next_due is None:
        return Text("Nothing to ask: no cards match.", style=DIM)
    what = "Nothing is due" if due_only else "Nothing is due and no new cards are left"
    return Text(f"{what}; the next card is due {when(next_due, now)}.", style=DIM)
