"""Rich renderables for stats and the term of the day; they print nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from genai_cli.knowledge.model import KnowledgeBase
from genai_cli.views.entries import ACCENT, DIM, _field_grid, panel, term_panel
from genai_cli.views.quiz import _KIND_LABELS, _table, when

if TYPE_CHECKING:  # `genai today` needs no store
    from genai_cli.study.stats import Stats, TodayPick

_BARS = " ▁▂▃▄▅▆▇█"


def history_chart(history: tuple[tuple[object, int], ...]) -> Text:
    """One bar per day, scaled to the busiest day."""
    top = max((n for _, n in history), default=0)
    text = Text()
    for _, n in history:
        level = 0 if n == 0 else max(1, round(n / top * (len(_BARS) - 1)))
        text.append(_BARS[level] if n else "·", style=ACCENT if n else DIM)
    text.append(f"  max {top}/day", style=DIM)
    return text


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def stats_view(stats: Stats, now: datetime) -> RenderableType:
    if not stats.reviews:
        return Text("No answers recorded yet: genai quiz starts one.", style=DIM)
    rows: list[tuple[str, RenderableType]] = [
        ("Cards seen", Text(str(stats.cards))),
        ("Reviews", Text(f"{stats.reviews} ({stats.correct} right)")),
        ("Accuracy", Text(_percent(stats.accuracy))),
        (
            "Due",
            Text(f"{stats.due_now} now · {stats.due_today} today · {stats.due_week} this week"),
        ),
        ("Retention", Text(f"{_percent(stats.retention)} (estimated recall, mean)")),
        ("Last 30 days", history_chart(stats.history)),
    ]
    body: list[RenderableType] = [_field_grid(rows)]
    if stats.weakest:
        weak = _table(("Weakest", 2), ("Question", 1), ("Recall", 0), ("Due", 0))
        for item in stats.weakest:
            weak.add_row(
                Text(item.title),
                Text(_KIND_LABELS.get(item.kind, item.kind), style=DIM),
                Text(_percent(item.retrievability)),
                Text(when(item.due, now)),
            )
        body += [Text(""), weak]
    return panel("Your progress", body)


def today_view(pick: TodayPick, kb: KnowledgeBase, day: date) -> Group:
    if pick.reason == "overdue" and pick.due is not None:
        why = f"due for review since {pick.due.date().isoformat()}"
    elif pick.reason == "weakest":
        why = "your weakest term"
        if pick.retrievability is not None and pick.retrievability < 0.995:
            why += f", recall about {_percent(pick.retrievability)}"
    else:
        why = f"picked for {day.isoformat()}"
    head = Text("Term of the day", style="bold")
    head.append(f" · {why}", style=DIM)
    return Group(head, term_panel(pick.term, kb))
