"""Renderables for `genai learn`: the path, each step's short card; they print nothing."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from genai_cli.knowledge.model import Term
from genai_cli.study.learn import Step
from genai_cli.views.entries import ACCENT, DIM, entry_panel


def path_view(steps: Sequence[Step], asked: int) -> Group:
    """``Path to Perplexity: Softmax → Cross-Entropy Loss → Perplexity`` and what is asked."""
    target = steps[-1].term
    line = Text(f"Path to {target.name}: ", style="bold")
    for number, step in enumerate(steps):
        if number:
            line.append(" → ", style=DIM)
        line.append(step.term.name, style=DIM if step.known else ACCENT)
    known = [s.term.name for s in steps[:-1] if s.known]
    parts: list[RenderableType] = [line]
    note = f"{asked} to study, each shown first, then asked"
    if known:
        note += f"; already known: {', '.join(known)}"
    parts.append(Text(note + ".", style=DIM))
    return Group(*parts)


def step_card(term: Term, number: int, total: int) -> RenderableType:
    """A term's short card: its definition, and where the full entry is."""
    title = f"{number}/{total} · {term.name}"
    body: list[RenderableType] = [
        Text(term.definition),
        Text(""),
        Text(f"genai term {term.slug} shows the full entry", style=DIM),
    ]
    return Group(Text(""), entry_panel(title, body, term))
