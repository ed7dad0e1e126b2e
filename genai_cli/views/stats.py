"""Rich renderables for stats and the term of the day; they print nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from genai_cli.knowledge.model import KnowledgeBase
from genai_cli.views.entries import ACCENT, DIM, LABEL, _field_grid, panel, term_panel
from genai_cli.views.quiz import _KIND_LABELS, when

if TYPE_CHECKING:  # `genai today` needs no store
    from genai_cli.study.stats import Stats, TodayPick

_BARS = " ▁▂▃▄▅▆▇█"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _bars(counts: Sequence[int], width: int = 1) -> Text:
    """One bar per count (``width`` characters each), scaled to the largest; · for none."""
    top = max(counts, default=0)
    text = Text()
    for n in counts:
        level = 0 if n == 0 else max(1, round(n / top * (len(_BARS) - 1)))
        text.append((_BARS[level] if n else "·") * width, style=ACCENT if n else DIM)
    return text


def day_label(day: date) -> str:
    """``3 Nov``: short, and the same in every locale."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def axis(width: int, left: str, middle: str, right: str) -> Text:
    """Labels under a chart ``width`` wide: at its start, centred, and at its end."""
    line = [" "] * width
    spots = [(0, left), ((width - len(middle)) // 2, middle), (width - len(right), right)]
    taken = -1
    for start, label in spots:
        if start <= taken or start + len(label) > width:
            continue  # no room: leave it out rather than overlap
        line[start : start + len(label)] = label
        taken = start + len(label)
    return Text("".join(line).rstrip(), style=DIM)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _history_block(stats: Stats) -> list[RenderableType]:
    counts = [n for _, n in stats.history]
    days = [d for d, _ in stats.history]
    head = Text("Last 30 days", style=LABEL)
    head.append(f" · at most {max(counts, default=0)} reviews a day", style=DIM)
    middle = days[len(days) // 2]
    return [
        head,
        _bars(counts),
        axis(len(days), day_label(days[0]), day_label(middle), day_label(days[-1])),
    ]


def _forecast_block(stats: Stats) -> list[RenderableType]:
    counts = [n for _, n in stats.forecast]
    days = [d for d, _ in stats.forecast]
    head = Text(f"Next {len(days)} days", style=LABEL)
    head.append(f" · {sum(counts)} cards coming due", style=DIM)
    width = 2 * len(days)
    return [
        head,
        _bars(counts, width=2),
        axis(width, "today", day_label(days[len(days) // 2]), day_label(days[-1])),
    ]


def _retention_text(retention: float | None) -> Text:
    if retention is None:
        return Text("none learnt yet: a card counts once it has passed its learning steps")
    return Text(
        f"of the cards you have learnt, you would likely recall about {_percent(retention)} now"
    )


def _streak_text(stats: Stats) -> Text:
    if not stats.streak:
        return Text("no review yesterday or today")
    text = Text(_days(stats.streak))
    if not stats.reviewed_today:
        text.append(" · review today to keep it", style=DIM)
    return text


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
        ("Retention", _retention_text(stats.retention)),
        ("Streak", _streak_text(stats)),
    ]
    body: list[RenderableType] = [_field_grid(rows), Text("")]
    body += _history_block(stats)
    if stats.forecast:
        body += [Text(""), *_forecast_block(stats)]
    if stats.weakest:
        body += [Text(""), *weakest_block(stats, now)]
    if stats.leeches:
        body += [Text(""), *leeches_block(stats)]
    return panel("Your progress", body)


def _listed(title: str, detail: str) -> Group:
    """A name, then its details dim and indented beneath: readable at any width, with no
    column to squeeze a long name into."""
    return Group(Text(title), Padding(Text(detail, style=DIM), (0, 0, 0, 2)))


def weakest_block(stats: Stats, now: datetime) -> list[RenderableType]:
    """The cards missed most recently and most often, each with when it is due."""
    head = Text("Weakest", style=LABEL)
    head.append(" · recent misses first", style=DIM)
    items: list[RenderableType] = [head]
    for item in stats.weakest:
        detail = (
            f"{_KIND_LABELS.get(item.kind, item.kind)} · missed {item.recent_failures} of last "
            f"{item.recent_reviews} · due {when(item.due, now)}"
        )
        items.append(_listed(item.title, detail))
    return items


def leeches_block(stats: Stats) -> list[RenderableType]:
    """Cards set aside after too many misses, each with the command to read it again."""
    head = Text("Leeches", style=LABEL)
    head.append(
        " · set aside after too many misses: read the entry again, then genai quiz --leeches",
        style=DIM,
    )
    items: list[RenderableType] = [head]
    for leech in stats.leeches:
        times = f"{leech.lapses} time{'s' if leech.lapses != 1 else ''}"
        items.append(_listed(leech.title, f"missed {times} · {_pointer(leech.kind, leech.slug)}"))
    return items


def _pointer(kind: str, slug: str) -> str:
    """The command that shows a card's entry (the kind of question tells the entry's)."""
    if kind == "myth-or-fact":
        return "genai myths"
    if kind in ("algorithm-profile", "profile-algorithm"):
        return f"genai algorithms {slug}"
    return f"genai term {slug}"


def due_line(due: int, next_due: datetime | None, now: datetime) -> Text | None:
    """What to study next: ``12 cards due · genai quiz --due``; None without progress."""
    if next_due is None and not due:
        return None
    if due:
        text = Text(f"{due} card{'s' if due != 1 else ''} due", style="bold")
        text.append(" · genai quiz --due", style=ACCENT)
        return text
    text = Text("No cards due now", style="bold")
    if next_due is not None:
        text.append(f"; the next is due {when(next_due, now)}")
    text.append(" · genai quiz adds new ones", style=ACCENT)
    return text


def today_view(pick: TodayPick, kb: KnowledgeBase, day: date, footer: Text | None = None) -> Group:
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
    parts: list[RenderableType] = [head, term_panel(pick.term, kb)]
    if footer is not None:
        parts.append(footer)
    return Group(*parts)
