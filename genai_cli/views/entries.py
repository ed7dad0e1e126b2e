"""Functions that turn domain objects into Rich renderables; they print nothing.

Every string from the data goes in as ``Text`` (never parsed as markup), so a
definition holding ``[bold]`` or ``[link=...]`` is shown exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import PurePath

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
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
    if normalize(entry.slug) != normalize(entry.label):
        text.append(f" ({entry.slug})", style=DIM)
    return text


class PathText:
    """A file path that wraps only after a ``/`` (never inside a name), dim."""

    def __init__(self, path: str, style: str = DIM) -> None:
        self.path = path
        self.style = style

    def _pieces(self) -> list[str]:
        return [p for p in re.split(r"(?<=/)", self.path) if p]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        pieces = self._pieces() or [""]
        return Measurement(max(len(p) for p in pieces), len(self.path))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[str] = [""]
        for piece in self._pieces():
            if lines[-1] and len(lines[-1]) + len(piece) > options.max_width:
                lines.append("")
            lines[-1] += piece
        yield Text("\n".join(lines), style=self.style, overflow="fold")


_STACK_BELOW = 48  # narrower than this, a field's value goes under its label


class FieldGrid:
    """Labelled fields: label and value side by side, or stacked on a narrow screen.

    Stacked, the value gets the whole width, so a long name or command still breaks
    only at spaces.
    """

    def __init__(
        self, rows: Sequence[tuple[str, RenderableType]], label_style: str = LABEL
    ) -> None:
        self.rows = tuple(rows)
        self.label_style = label_style

    def _needed(self) -> int:
        """Side by side, the widest label plus the longest word of any value must fit."""
        labels = max((len(label) for label, _ in self.rows), default=0)
        words = [len(w) for _, v in self.rows if isinstance(v, Text) for w in v.plain.split()]
        return labels + 2 + max(words, default=0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width < max(_STACK_BELOW, self._needed()):
            for label, value in self.rows:
                yield Text(label, style=self.label_style)
                yield Padding(value, (0, 0, 0, 2))
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style=self.label_style, no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in self.rows:
            grid.add_row(label, value)
        yield grid


def _field_grid(rows: Sequence[tuple[str, RenderableType]]) -> FieldGrid:
    return FieldGrid(rows)


def origin_text(entry: Entry) -> Text:
    parts = []
    if entry.origin:
        parts.append("from the article" if entry.origin == "seed" else "beyond the article")
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
    return [("More precisely", _join((_related_line(e) for e in targets), "\n"))]


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
    """The entry's name (and stated complexity), and beneath it the command that shows it.

    On its own line the command is never split between two lines.
    """
    text = Text(entry.label)
    if isinstance(entry, Algorithm):
        text.append(f"  {entry.complexity.stated}", style="bold")
    text.append(f"\n→ {command_for(entry)}", style=DIM)
    return text


def gloss(text: str) -> str:
    """The first sentence of ``text``: a term's one-line gloss."""
    flat = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z])", flat)
    return flat[: match.start()] if match else flat


def shorten(text: str, width: int) -> str:
    """``text`` cut at a space to fit ``width`` cells, with an ellipsis; never inside a word."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, max(0, width - 1))
    return (text[:cut].rstrip(" ,;:") if cut > 0 else "") + "…"


_NARROW = 60  # below this, a term's gloss goes under its name


def _hanging(term: Term, width: int) -> Text:
    """The name (and slug) wrapped to ``width`` with later lines indented: never a new row."""
    import textwrap

    words = term.name
    slug = f"({term.slug})" if normalize(term.slug) != normalize(term.name) else ""
    lines = textwrap.wrap(
        f"{words} {slug}".strip(),
        width=max(width, 8),
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    text = Text("\n".join(lines), style="bold")
    if slug:
        start = text.plain.rfind(slug)
        text.stylize("not bold dim", start, start + len(slug))
    return text


class TermsList:
    """Terms sorted by name, one line each: the name, then the first sentence of its definition.

    The gloss is cut with an ellipsis to keep one line per term, so a line can never be
    mistaken for the rest of the one above; on a narrow screen the gloss goes beneath
    the name, indented.
    """

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = sorted(terms, key=lambda t: (t.name.casefold(), t.slug))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if width < _NARROW:
            for term in self.terms:
                yield _hanging(term, width)
                yield Text("  " + shorten(gloss(term.definition), width - 2), style=DIM)
        else:
            names = [_hanging(t, 1000).plain for t in self.terms]
            longest = max(map(len, names), default=0)
            # never narrower than the longest word (a long slug) on an indented line:
            # a word that does not fit would be cut
            word = max((len(w) + 2 for name in names for w in name.split()), default=0)
            name_width = max(min(longest, max(24, width * 2 // 5)), word)
            room = width - name_width - 2
            table = Table.grid(padding=(0, 2), expand=True)
            table.add_column(min_width=name_width, max_width=name_width)
            table.add_column(no_wrap=True, ratio=1)
            for term in self.terms:
                name = _hanging(term, name_width)
                table.add_row(name, Text(shorten(gloss(term.definition), room)))
            yield table
        yield Text("")
        yield Text(f"{len(self.terms)} terms · genai term NAME shows one", style=DIM)


def terms_table(terms: Sequence[Term]) -> TermsList:
    """Every term in ``terms``, sorted by name, with a one-line gloss."""
    return TermsList(terms)


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


def search_results(
    query: str, hits: Sequence[Hit], words: Sequence[str], corrected: str | None = None
) -> RenderableType:
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
    if corrected:
        title.append(f" (nothing matched; showing {corrected!r})", style=DIM)
    return Group(title, Text(""), table)


class _Panel(Panel):
    """A panel that keeps its title whole: on a narrow screen, less padding, and a title
    too long for the border goes inside, as the first line."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= _STACK_BELOW:
            yield from super().__rich_console__(console, options)
            return
        narrow = copy(self)
        narrow.padding = (0, 1)
        title = self.title
        if isinstance(title, Text) and title.cell_len > options.max_width - 6:
            narrow.title = None
            narrow.renderable = Group(title, self.renderable)
        yield from Panel.__rich_console__(narrow, console, options)


def panel(title: str, body: Sequence[RenderableType], subtitle: Text | None = None) -> Panel:
    """genai's one panel style: a bold title top left, an optional dim note bottom right."""
    return _Panel(
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
            ("genai compare A B", Text("how two things differ: genai compare gan vae")),
            ("genai algorithms", Text("every algorithm and its stated complexity")),
            ("genai concepts", Text("GANs, VAEs and Transformers explained")),
            ("genai myths", Text("common myths, each with its fact")),
            ("genai apps", Text("applications by industry")),
            ("genai graph TERM", Text("a concept map: genai graph latent-space")),
            ("genai quote", Text("a quote; genai poem for a poem")),
            ("genai quiz", Text("study with spaced repetition")),
            ("genai learn TERM", Text("study a term, its prerequisites first")),
            ("genai --help", Text("every command")),
        ]
    )
    return panel("genai", [Text(title, style="bold"), Text(opening), Text(""), commands])
