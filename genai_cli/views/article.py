"""Rendering the article's prose: myths, concepts, applications, quotes and poems."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from genai_cli.knowledge.model import Application, Concept, Entry, KnowledgeBase, Myth, Poem, Quote
from genai_cli.reference.article import closing_quote, intro, quote_source
from genai_cli.reference.lookup import command_for
from genai_cli.views.entries import (
    ACCENT,
    DIM,
    LABEL,
    FieldGrid,
    _field_grid,
    _join,
    _related_line,
    entry_panel,
    link_text,
    precisely_rows,
    related,
)

MYTH_STYLE = "bold red"
FACT_STYLE = "bold green"


def _quoted(quote: Quote) -> Text:
    return Text(f"“{quote.text}”", style="italic")


def _closing(kb: KnowledgeBase, slug: str) -> list[RenderableType]:
    """The quote that closes the entry ``slug``, set apart beneath it, if there is one."""
    quote = closing_quote(kb, slug)
    return [Text(""), Padding(_quoted(quote), (0, 0, 0, 2))] if quote else []


def _links(entry: Entry, kb: KnowledgeBase) -> list[tuple[str, RenderableType]]:
    """Rows naming what says ``entry`` more precisely, then the terms, algorithms and
    concepts it is linked with."""
    rows = precisely_rows(entry, kb)
    for kind, label in (("term", "Terms"), ("algorithm", "Algorithm"), ("concept", "Concept")):
        entries = [e for e in related(entry, kb, kind) if "article" not in e.tags]
        if not entries:
            continue
        if kind == "term":
            rows.append((label, _join((link_text(e) for e in entries), "\n")))
        else:
            rows.append((label, _join((_related_line(e) for e in entries), "\n")))
    return rows


def _heading(kb: KnowledgeBase, slug: str, fallback: str) -> list[RenderableType]:
    """The article section ``slug``'s name and opening line, as a heading."""
    entry = kb.get(slug)
    name = entry.name if isinstance(entry, Concept) else fallback
    out: list[RenderableType] = [Text(name, style="bold")]
    opening = intro(kb, slug)
    if opening:
        out.append(Text(opening))
    return out


# --- myths --------------------------------------------------------------------


def _myth_pair(myth: Myth) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text("Myth", style=MYTH_STYLE), Text(myth.myth, style="bold"))
    grid.add_row(Text("Fact", style=FACT_STYLE), Text(myth.fact))
    return grid


def myths_view(kb: KnowledgeBase) -> RenderableType:
    """Every myth, numbered, as a Myth / Fact pair under the article's heading."""
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column(justify="right", style=DIM, no_wrap=True)
    table.add_column()
    for number, myth in enumerate(kb.myths, 1):
        if number > 1:
            table.add_row("", "")
        table.add_row(f"{number}.", _myth_pair(myth))
    caption = Text(f"{len(kb.myths)} myths · genai myths N shows one", style=DIM)
    return Group(
        *_heading(kb, "myths-overview", "Myths"),
        Text(""),
        table,
        *_closing(kb, "myths-overview"),
        Text(""),
        caption,
    )


def myth_panel(myth: Myth, number: int, kb: KnowledgeBase) -> Panel:
    body: list[RenderableType] = [_myth_pair(myth)]
    rows = _links(myth, kb)
    if rows:
        body += [Text(""), _field_grid(rows)]
    return entry_panel(f"Myth {number}", body, myth)


# --- concepts -----------------------------------------------------------------


def concept_panel(concept: Concept, kb: KnowledgeBase) -> Panel:
    """A section of the article in full, its closing quote and what it links to."""
    body: list[RenderableType] = [Text(concept.body), *_closing(kb, concept.slug)]
    rows = _links(concept, kb)
    if concept.prerequisites:
        rows.insert(
            0,
            ("Learn first", _join(link_text(kb.get(s) or concept) for s in concept.prerequisites)),
        )
    if rows:
        body += [Text(""), _field_grid(rows)]
    return entry_panel(concept.name, body, concept)


def concepts_view(core: Sequence[Concept], others: Sequence[Concept], kb: KnowledgeBase) -> Group:
    """The core models in full under the article's core-concepts heading; the rest listed."""
    parts: list[RenderableType] = [*_heading(kb, "core-concepts", "Core concepts")]
    parts += _closing(kb, "core-concepts")
    for concept in core:
        parts += [Text(""), concept_panel(concept, kb)]
    if others:
        parts += [Text(""), Text("Other sections of the article", style="bold")]
        rows = [(concept.name, Text(command_for(concept), style=DIM)) for concept in others]
        parts.append(Padding(FieldGrid(rows, label_style=""), (0, 0, 0, 2)))
    return Group(*parts)


# --- applications -------------------------------------------------------------


def apps_view(apps: Sequence[Application], kb: KnowledgeBase) -> Group:
    """The applications by industry, between the article's opening line and closing quote."""
    table = Table(box=box.SIMPLE, show_header=False, show_lines=True, padding=(0, 1))
    table.add_column(style=LABEL, no_wrap=True)
    table.add_column(overflow="fold")
    for app in apps:
        table.add_row(Text(app.name), Text(app.description))
    return Group(
        *_heading(kb, "applications-overview", "Applications"),
        table,
        *_closing(kb, "applications-overview")[1:],
        Text(""),
        Text(f"{len(apps)} applications · genai apps NAME shows one", style=DIM),
    )


def app_panel(app: Application, kb: KnowledgeBase) -> Panel:
    body: list[RenderableType] = [Text(app.description)]
    rows = _links(app, kb)
    if rows:
        body += [Text(""), _field_grid(rows)]
    return entry_panel(app.name, body, app)


# --- quotes and poems ---------------------------------------------------------


def quote_view(quote: Quote, kb: KnowledgeBase) -> RenderableType:
    """A quote and, beneath it, what it closes in the article."""
    parts: list[RenderableType] = [_quoted(quote)]
    source = quote_source(kb, quote)
    if source is not None:
        what = f"“{source.label}”" if isinstance(source, Poem) else source.label
        parts.append(Padding(Text(f"— closing {what}", style=DIM), (0, 0, 0, 4)))
    return Padding(Group(*parts), (0, 2))


def quotes_view(quotes: Sequence[Quote], kb: KnowledgeBase) -> Group:
    parts: list[RenderableType] = []
    for quote in quotes:
        if parts:
            parts.append(Text(""))
        parts.append(quote_view(quote, kb))
    parts += [Text(""), Text(f"{len(quotes)} quotes", style=DIM)]
    return Group(*parts)


def poem_view(poem: Poem, kb: KnowledgeBase) -> RenderableType:
    """A poem laid out as one: title, rule, the lines with stanza breaks, its closing quote."""
    verse = Text("\n".join(poem.lines), style="italic")
    parts: list[RenderableType] = [
        Text(poem.title, style="bold"),
        Text("─" * cell_len(poem.title), style=ACCENT),
        Text(""),
        Padding(verse, (0, 0, 0, 4)),
        *_closing(kb, poem.slug),
    ]
    return Padding(Group(*parts), (0, 2))


def poems_view(poems: Sequence[Poem], kb: KnowledgeBase) -> Group:
    parts: list[RenderableType] = []
    for poem in poems:
        if parts:
            parts += [Text(""), Text("")]
        parts.append(poem_view(poem, kb))
    return Group(*parts)
