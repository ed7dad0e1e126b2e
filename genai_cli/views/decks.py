"""Renderables for `genai decks` and `genai export` (they print nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from genai_cli.knowledge.loader import BUNDLED, DeckReport
from genai_cli.views.entries import DIM, PathText

_SINGULAR = {
    "terms": "term",
    "algorithms": "algorithm",
    "concepts": "concept",
    "applications": "application",
    "myths": "myth",
    "quotes": "quote",
    "poems": "poem",
    "contrasts": "contrast",
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


def decks_table(reports: Sequence[DeckReport], *, verbose: bool = False) -> RenderableType:
    """The bundled data and each deck: what it holds or why it was skipped, and its path.

    The bundled data's install path means nothing to a learner: only ``verbose`` shows it.
    A path wraps after a ``/``, never inside a name.
    """
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for report in reports:
        if report.skipped:
            what = Text("skipped: ", style="bold red")
            what.append(_within(report.problems[0], report.path))
            if len(report.problems) > 1:
                what.append(f" ({len(report.problems) - 1} more)", style=DIM)
        else:
            what = Text(counts_text(report.counts))
            if report.overrides:
                what.append(f"; replaces {report.overrides} earlier", style=DIM)
            if report.left_out:
                what.append(f"; {report.left_out} broken left out", style="yellow")
        grid.add_row(report.name, what)
        if verbose or report.name != BUNDLED:
            grid.add_row("", PathText(report.path))
    decks = len(reports) - 1
    skipped = sum(1 for r in reports if r.skipped)
    partial = sum(1 for r in reports if r.left_out)
    summary = f"{decks} deck{'s' if decks != 1 else ''} besides the bundled data"
    if not decks:
        summary = "No decks besides the bundled data (genai validate --help tells how to add one)"
    if skipped:
        summary += f", {skipped} skipped"
    if partial:
        summary += f", {partial} with entries left out"
    if skipped or partial:
        summary += " (genai validate shows why)"
    return Group(grid, Text(""), Text(summary, style=DIM))


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
