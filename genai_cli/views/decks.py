"""Renderables for `genai decks` and `genai export` (they print nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from genai_cli.knowledge.loader import DeckReport
from genai_cli.views.entries import DIM, LABEL

_SINGULAR = {
    "terms": "term",
    "algorithms": "algorithm",
    "concepts": "concept",
    "applications": "application",
    "myths": "myth",
    "quotes": "quote",
    "poems": "poem",
    "questions": "question",
}


def counts_text(counts: Mapping[str, int]) -> str:
    """``18 terms, 1 algorithm``: the kinds present, with their numbers."""
    parts = [
        f"{n} {kind if n != 1 else _SINGULAR.get(kind, kind)}" for kind, n in counts.items() if n
    ]
    return ", ".join(parts) or "no entries"


def _within(problem: str, path: str) -> str:
    """``path:5: message`` as ``line 5: message`` where the path is shown beside it."""
    head, _, rest = problem.removeprefix(f"{path}:").partition(": ")
    if problem.startswith(f"{path}:") and head.isdigit():
        return f"line {head}: {rest}" if head != "0" else rest
    return problem


def decks_table(reports: Sequence[DeckReport]) -> RenderableType:
    """The bundled data and each deck: name and path, what it holds or why it was skipped."""
    table = Table(box=box.SIMPLE_HEAD, header_style=LABEL, expand=False)
    table.add_column("Deck", overflow="fold", ratio=2)
    table.add_column("Entries", overflow="fold", ratio=3)
    for report in reports:
        name = Text(report.name, style="bold")
        name.append(f"\n{report.path}", style=DIM)
        if report.skipped:
            what = Text("skipped: ", style="bold red")
            what.append(_within(report.problems[0], report.path))
            if len(report.problems) > 1:
                what.append(f" ({len(report.problems) - 1} more)", style=DIM)
        else:
            what = Text(counts_text(report.counts))
            if report.overrides:
                what.append(f"\nreplaces {report.overrides} earlier", style=DIM)
        table.add_row(name, what)
    decks = len(reports) - 1
    skipped = sum(1 for r in reports if r.skipped)
    caption = f"{decks} deck{'s' if decks != 1 else ''}"
    if skipped:
        caption += f", {skipped} skipped (genai validate shows why)"
    table.caption = Text(caption, style=DIM)
    return table


def exported(path: str, counts: Mapping[str, int]) -> RenderableType:
    """One line saying what was written where."""
    return Group(Text(f"Wrote {counts_text(counts)} to {path}"))


def imported(path: str, counts: Mapping[str, int], skipped: Mapping[str, int]) -> RenderableType:
    """What `genai import` wrote, what it skipped, and how to use the deck."""
    lines = [Text(f"Wrote {counts_text(counts)} to {path}")]
    if skipped:
        what = ", ".join(f"{n} {reason}" for reason, n in skipped.items())
        lines.append(Text(f"Skipped: {what}.", style=DIM))
    lines.append(
        Text(
            f"Use it with genai --deck {path} ..., or put it in your decks directory.",
            style=DIM,
        )
    )
    return Group(*lines)
