"""Functions that turn domain objects into Rich renderables; they print nothing.

Every string from the data goes in as ``Text`` (never parsed as markup), so a
definition holding ``[bold]`` or ``[link=...]`` is shown exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from genai_cli.knowledge.model import Algorithm, Concept, Entry, KnowledgeBase, Term
from genai_cli.knowledge.names import normalize
from genai_cli.reference.lookup import Hit, command_for

ACCENT = "cyan"
LABEL = "bold cyan"
DIM = "dim"


def _join(items: Iterable[Text | str], sep: str = ", ") -> Text:
    return Text(sep).join(Text(i) if isinstance(i, str) else i for i in items)


def link_text(entry: Entry) -> Text:
    """An entry's name followed by its slug, the handle to look it up with."""
    text = Text(entry.label)
    if entry.slug != entry.label:
        text.append(f" ({entry.slug})", style=DIM)
    return text


def _field_grid(rows: Sequence[tuple[str, RenderableType]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=LABEL, no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def origin_text(entry: Entry) -> Text:
    parts = []
    if entry.origin:
        parts.append("from the article" if entry.origin == "seed" else "extended")
    if entry.deck:
        # The file name: a full path would not fit a panel's border (`genai decks` has it).
        parts.append(f"deck {PurePath(entry.deck).name}")
    return Text(" · ".join(parts), style=DIM)


def related(entry: Entry, kb: KnowledgeBase, kind: str) -> list[Entry]:
    """Entries of ``kind`` linked from ``entry`` or linking to it, in link order.

    Entries ``entry`` names under ``more_precisely`` are left out: precisely_rows
    shows them in a row of their own.
    """
    found = [kb.get(slug) for slug in entry.see_also]
    found += list(kb.linking_to(entry.slug, kind))
    out: list[Entry] = []
    for other in found:
        if (
            other is not None
            and other.kind == kind
            and other not in out
            and other is not entry
            and other.slug not in entry.more_precisely
        ):
            out.append(other)
    return out


def precisely_rows(entry: Entry, kb: KnowledgeBase) -> list[tuple[str, RenderableType]]:
    """A "More precisely" row: each entry that says what ``entry`` says more accurately,
    with the command that shows it."""
    targets = [e for e in (kb.get(s) for s in entry.more_precisely) if e is not None]
    if not targets:
        return []
    lines = (Text(e.label).append(f"  → {command_for(e)}", style=DIM) for e in targets)
    return [("More precisely", _join(lines, "\n"))]


def term_panel(term: Term, kb: KnowledgeBase) -> Panel:
    """A term in full: definition, names, tags, links and related material."""
    rows = precisely_rows(term, kb)
    if term.aliases:
        rows.append(("Aliases", _join(term.aliases)))
    if term.tags:
        rows.append(("Tags", _join(term.tags)))
    if term.prerequisites:
        rows.append(
            (
                "Learn first",
                _join(link_text(kb.get(s) or term) for s in term.prerequisites),
            )
        )
    see = [kb.get(s) for s in term.see_also if s not in term.more_precisely]
    plain_links = [e for e in see if e is not None and e.kind not in ("algorithm", "concept")]
    if plain_links:
        rows.append(("See also", _join(link_text(e) for e in plain_links)))
    for kind, label in (("algorithm", "Algorithm"), ("concept", "Concept")):
        entries = related(term, kb, kind)
        if entries:
            rows.append((label, _join((_related_line(e) for e in entries), "\n")))
    rows += source_row(term)
    body: list[RenderableType] = [Text(term.definition)]
    if rows:
        body += [Text(""), _field_grid(rows)]
    return entry_panel(term.name, body, term)


def _related_line(entry: Entry) -> Text:
    text = Text(entry.label)
    if isinstance(entry, Algorithm):
        text.append(f"  {entry.complexity.stated}", style="bold")
    elif isinstance(entry, Concept):
        pass
    text.append(f"  → {command_for(entry)}", style=DIM)
    return text


def terms_table(terms: Sequence[Term]) -> Table:
    """Terms one per row: name with its slug beneath, aliases, tags."""
    table = Table(box=box.SIMPLE_HEAD, header_style=LABEL, expand=False)
    table.add_column("Term", overflow="fold", ratio=3)
    table.add_column("Aliases", overflow="fold", ratio=2)
    table.add_column("Tags", overflow="fold", ratio=2)
    for term in terms:
        name = Text(term.name, style="bold")
        if term.slug != normalize(term.name):
            name.append(f"\n{term.slug}", style=DIM)
        table.add_row(name, _join(term.aliases), _join(term.tags))
    table.caption = Text(f"{len(terms)} terms · genai term NAME shows one", style=DIM)
    return table


def _highlighter(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![0-9A-Za-z])(?:{alternatives})[0-9A-Za-z]*", re.IGNORECASE)


def highlight(text: str, words: Sequence[str]) -> Text:
    """``text`` with every word starting with one of ``words`` highlighted."""
    out = Text(text)
    pattern = _highlighter(words)
    if pattern is not None:
        out.highlight_regex(pattern, style="bold reverse")
    return out


def snippet(text: str, words: Sequence[str], width: int = 160) -> str:
    """The part of ``text`` around the first matching word, at most ``width`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    pattern = _highlighter(words)
    match = pattern.search(flat) if pattern else None
    start = 0 if match is None else max(0, match.start() - width // 3)
    if start:
        start = flat.find(" ", start) + 1 or start
    end = start + width
    piece = flat[start:end]
    if end < len(flat):
        piece = piece[: piece.rfind(" ")] if " " in piece else piece
        piece += " …"
    return ("… " if start else "") + piece


def search_results(query: str, hits: Sequence[Hit], words: Sequence[str]) -> RenderableType:
    if not hits:
        return Text(f"Nothing matches {query!r}.", style=DIM)
    table = Table(box=None, show_header=False, padding=(0, 1), expand=False)
    table.add_column(justify="right", style=DIM, no_wrap=True)
    table.add_column(overflow="fold")
    for number, hit in enumerate(hits, 1):
        head = highlight(hit.entry.label, words)
        head.stylize("bold")
        head.append(f"  {hit.entry.kind}", style=ACCENT)
        body = highlight(snippet(hit.context, words), words)
        command = Text(f"→ {command_for(hit.entry)}", style=DIM)
        cell = Group(head, body, command) if body.plain else Group(head, command)
        table.add_row(f"{number}.", cell)
        if number < len(hits):
            table.add_row("", "")
    title = Text(f"{len(hits)} result{'s' if len(hits) != 1 else ''} for {query!r}", style="bold")
    return Group(title, Text(""), table)


def panel(title: str, body: Sequence[RenderableType], subtitle: Text | None = None) -> Panel:
    """genai's one panel style: a bold title top left, an optional dim note bottom right."""
    return Panel(
        Group(*body),
        title=Text(title, style="bold"),
        title_align="left",
        subtitle=subtitle,
        subtitle_align="right",
        border_style=ACCENT,
        padding=(1, 2),
    )


def entry_panel(title: str, body: Sequence[RenderableType], entry: Entry) -> Panel:
    """``body`` in the panel every entry is shown in: titled, with its origin beneath."""
    return panel(title, body, origin_text(entry))


def source_row(entry: Entry) -> list[tuple[str, RenderableType]]:
    """A "Source" field row naming the paper behind ``entry``, if it names one."""
    src = entry.source
    return [("Source", Text(f"{src.title} ({src.author}, {src.year})"))] if src else []


def welcome(kb: KnowledgeBase) -> RenderableType:
    """The article's title and opening line, then the commands a newcomer wants first."""
    intro = kb.get("introduction")
    title = intro.name if isinstance(intro, Concept) else "genai"
    opening = intro.body.split(". ")[0] + "." if isinstance(intro, Concept) else ""
    commands = _field_grid(
        [
            ("genai term NAME", Text("look up a term: genai term latent-space")),
            ("genai search WORDS", Text("search everything: genai search attention")),
            ("genai compare A B", Text("compare algorithms: genai compare gan vae")),
            ("genai algorithms", Text("every algorithm and its stated complexity")),
            ("genai concepts", Text("GANs, VAEs and Transformers explained")),
            ("genai myths", Text("common myths, each with its fact")),
            ("genai apps", Text("applications by industry")),
            ("genai quote", Text("a quote; genai poem for a poem")),
            ("genai quiz", Text("study with spaced repetition")),
            ("genai learn TERM", Text("study a term, its prerequisites first")),
            ("genai --help", Text("every command")),
        ]
    )
    return panel("genai", [Text(title, style="bold"), Text(opening), Text(""), commands])
