"""`genai export`: the knowledge base as Anki, CSV, Markdown or JSON, written atomically.

Not on the lookup path: cli.py imports this module only inside the export command,
and genanki only when an Anki package is written.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_cli.errors import NotFoundError, OutputError, UsageError
from genai_cli.knowledge.loader import BUNDLED, DeckReport, deck_name
from genai_cli.knowledge.model import KINDS, Algorithm, Entry, KnowledgeBase, Myth, Term
from genai_cli.knowledge.serialize import entry_to_data
from genai_cli.paths import display_path

FORMATS = ("anki", "csv", "markdown", "json")
TOPICS = ("terms", "algorithms", "myths", "all")
CARD_KINDS = ("terms", "algorithms", "myths")

# Fixed ids: Anki recognises the note type and the deck across exports, and each note's
# GUID is derived from its slug, so importing a newer export updates notes in place.
ANKI_MODEL_ID = 1_734_917_071
ANKI_DECK_ID = 1_734_917_072
ANKI_DECK_NAME = "genai"
CSV_HEADER = ("front", "back", "tags", "kind", "slug")


@dataclass(frozen=True)
class Card:
    """One flashcard: what is asked, the answer, and where it comes from."""

    kind: str
    slug: str
    front: str
    back: str
    source: str
    tags: tuple[str, ...]


def kinds_for(topic: str, fmt: str) -> tuple[str, ...]:
    """The kinds an export holds: ``all`` is every kind for JSON, every card kind otherwise."""
    if topic not in TOPICS:
        raise UsageError(f"--topic must be one of {', '.join(TOPICS)}, not {topic!r}")
    if topic != "all":
        return (topic,)
    return tuple(KINDS) if fmt == "json" else CARD_KINDS


def _names_deck(report: DeckReport, name: str) -> bool:
    if name in (report.name, report.path):
        return True
    if report.name == BUNDLED:
        return False
    try:
        return Path(name).expanduser().resolve() == Path(report.path).resolve()
    except OSError:
        return False


def select(
    kb: KnowledgeBase, kinds: Sequence[str], decks: Sequence[str], sources: Sequence[DeckReport]
) -> KnowledgeBase:
    """The entries of ``kinds``; with ``decks``, only those from the decks named.

    A deck is named by its name (file name without suffix), its path, or ``bundled``;
    ``sources`` are the decks that were loaded.
    """
    loaded = [r for r in sources if not r.skipped]
    wanted: set[str | None] = set()
    for name in decks:
        matches = [r for r in loaded if _names_deck(r, name)]
        if not matches:
            names = ", ".join(r.name for r in loaded)
            raise UsageError(
                f"--deck {name!r} names no loaded deck (loaded: {names}); to add a deck,"
                " put --deck PATH before the command: genai --deck PATH export ..."
            )
        wanted.update(None if r.name == BUNDLED else r.path for r in matches)
    groups: dict[str, Any] = {}
    for kind in KINDS:
        chosen = kb.of_kind(kind) if kind in kinds else ()
        if decks:
            chosen = tuple(e for e in chosen if e.deck in wanted)
        groups[kind] = chosen
    return KnowledgeBase(**groups)


# --- cards ---------------------------------------------------------------------------------


def anki_tag(tag: str) -> str:
    """A tag as Anki accepts it: no whitespace (it separates tags)."""
    return re.sub(r"\s+", "_", tag.strip())


def _provenance(entry: Entry) -> str:
    parts = []
    if entry.source is not None:
        src = entry.source
        parts.append(f"{src.title} ({src.author}, {src.year})")
    if entry.deck is not None:
        parts.append(f"deck {deck_name(entry.deck)}")
    elif entry.origin == "seed":
        parts.append("genai, from the article")
    else:
        parts.append("genai")
    return " · ".join(parts)


def card_for(entry: Entry) -> Card:
    """The flashcard for a term, algorithm or myth."""
    if isinstance(entry, Term):
        front, back = entry.name, entry.definition
    elif isinstance(entry, Algorithm):
        variables = ", ".join(f"{f.symbol}: {f.meaning}" for f in entry.complexity.factors)
        back = "\n\n".join(
            (
                entry.description,
                f"Complexity: {entry.complexity.stated} ({variables})",
                f"Use case: {entry.use_case}",
            )
        )
        front = entry.name
    elif isinstance(entry, Myth):
        front, back = f"Myth or fact? {entry.myth}", f"Myth. {entry.fact}"
    else:
        raise TypeError(f"no card for a {entry.kind}")
    tags = tuple(t for t in (anki_tag(x) for x in entry.tags) if t)
    return Card(entry.kind, entry.slug, front, back, _provenance(entry), tags)


def cards(kb: KnowledgeBase) -> list[Card]:
    return [card_for(e) for kind in CARD_KINDS for e in kb.of_kind(kind)]


# --- formats -------------------------------------------------------------------------------


def to_json(kb: KnowledgeBase, kinds: Sequence[str]) -> str:
    """The data-file schema: one key per kind, so the file is itself a valid deck."""
    data = {kind: [entry_to_data(e) for e in kb.of_kind(kind)] for kind in kinds}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # YAML refuses these two non-characters written raw (a deck may hold them, escaped).
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    # A cell starting like a formula would be run by a spreadsheet: deck text is untrusted.
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(items: Iterable[Card]) -> str:
    """A header row, then one row per card: front, back, tags (space-separated), kind, slug."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for card in items:
        row = (card.front, card.back, " ".join(card.tags), card.kind, card.slug)
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
_MD_LIST_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def md_escape(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, links, HTML, headings or lists."""
    flat = " ".join(text.split())
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    return _MD_LIST_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), escaped
    )


def _paragraphs(text: str) -> list[str]:
    return [md_escape(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def to_markdown(items: Sequence[Card]) -> str:
    """A study sheet: a section per kind, a heading per card, the answer beneath."""
    titles = {"term": "Terms", "algorithm": "Algorithms", "myth": "Myths"}
    lines = ["# genai study sheet", ""]
    for kind, title in titles.items():
        group = [c for c in items if c.kind == kind]
        if not group:
            continue
        lines += [f"## {title}", ""]
        for card in group:
            lines += [f"### {md_escape(card.front)}", ""]
            for paragraph in _paragraphs(card.back):
                lines += [paragraph, ""]
            meta = []
            if card.tags:
                meta.append("Tags: " + md_escape(", ".join(card.tags)))
            meta.append("Source: " + md_escape(card.source))
            lines += ["*" + " · ".join(meta) + "*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _anki_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def anki_guid(slug: str) -> str:
    """The note GUID for an entry: from its slug alone, so it survives any edit of the text."""
    import genanki

    return str(genanki.guid_for("genai", slug))


def write_anki(items: Sequence[Card], path: Path) -> None:
    """An .apkg (a zip holding the SQLite collection) with one note per card."""
    import itertools
    import sqlite3
    import time
    import zipfile

    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "genai card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<br><br><small>{{Source}}</small>',
            }
        ],
    )
    deck = genanki.Deck(ANKI_DECK_ID, ANKI_DECK_NAME)
    for card in items:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[_anki_html(card.front), _anki_html(card.back), _anki_html(card.source)],
                tags=list(card.tags),
                guid=anki_guid(card.slug),
            )
        )
    # genanki's own write_to_file leaves its temporary database behind; this does not.
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            now = time.time()
            genanki.Package(deck).write_to_db(
                connection.cursor(), now, itertools.count(int(now * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")


# --- writing -------------------------------------------------------------------------------


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    return write


def _publish(temporary: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # atomic, and never replaces an existing file
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temporary, target)


def write_atomically(target: Path, produce: Callable[[Path], None], *, force: bool) -> None:
    """Write through a temporary file in the target's directory, then an atomic rename.

    An existing file is left alone unless ``force``; every failure is an OutputError.
    """
    shown = display_path(target)
    if target.is_dir():
        raise OutputError(f"cannot write {shown}: it is a directory")
    if not force and (target.exists() or target.is_symlink()):
        raise OutputError(f"{shown} already exists; add --force to replace it")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        produce(temporary)
        mask = os.umask(0)
        os.umask(mask)
        temporary.chmod(0o666 & ~mask)
        _publish(temporary, target, force)
    except FileExistsError:
        raise OutputError(f"{shown} already exists; add --force to replace it") from None
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class Exported:
    """What an export wrote: how many entries of each kind, and where."""

    path: str
    counts: dict[str, int]


def export(
    kb: KnowledgeBase,
    *,
    fmt: str,
    output: Path,
    topic: str = "all",
    decks: Sequence[str] = (),
    sources: Sequence[DeckReport] = (),
    force: bool = False,
) -> Exported:
    """Select, convert and write; raises UsageError, NotFoundError or OutputError."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    kinds = kinds_for(topic, fmt)
    chosen = select(kb, kinds, decks, sources)
    counts = {k: len(chosen.of_kind(k)) for k in kinds if chosen.of_kind(k)}
    if not counts:
        raise NotFoundError("nothing to export with these filters")
    output = output.expanduser()
    produce: Callable[[Path], None]
    if fmt == "json":
        produce = _text_writer(to_json(chosen, kinds))
    elif fmt == "csv":
        produce = _text_writer(to_csv(cards(chosen)))
    elif fmt == "markdown":
        produce = _text_writer(to_markdown(cards(chosen)))
    else:
        items = cards(chosen)

        def produce(path: Path) -> None:
            write_anki(items, path)

    write_atomically(output, produce, force=force)
    return Exported(display_path(output), counts)
