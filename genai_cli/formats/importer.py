"""`genai import FILE --output DECK.yaml`: cards from Anki, CSV, Markdown or JSON as a deck.

The input is untrusted data: anything wrong with it is one DataError line (exit 2)
and nothing is written. The deck is checked with genai's own validation before it is
written (atomically), so what ``import`` writes passes ``genai validate``.
Not on the lookup path: the CLI imports this module only inside the import command.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_cli.errors import DataError, UsageError
from genai_cli.formats.apkg import ImportedCard, Reading, read_apkg
from genai_cli.formats.export import STDOUT, write_atomically, write_stdout
from genai_cli.formats.textcards import read_csv, read_markdown, read_tsv
from genai_cli.knowledge.clozetext import filled, well_formed
from genai_cli.knowledge.loader import validate
from genai_cli.knowledge.model import KINDS
from genai_cli.knowledge.names import is_slug, normalize
from genai_cli.knowledge.schema import parse_text
from genai_cli.knowledge.serialize import entry_to_data
from genai_cli.knowledge.yamlsafe import MAX_BYTES, clean
from genai_cli.paths import display_path

MAX_TEXT_BYTES = 16 * 1024 * 1024  # a CSV, text or Markdown file
_READERS: dict[str, Callable[[str, str], Reading]] = {
    ".csv": read_csv,
    ".tsv": read_tsv,
    ".txt": read_tsv,
    ".md": read_markdown,
    ".markdown": read_markdown,
}
_DECKS = (".json", ".yaml", ".yml")
_ANKI = (".apkg", ".colpkg")
SUFFIXES = (*_ANKI, *_READERS, *_DECKS)
_SLUG_WORDS = 6


@dataclass(frozen=True)
class Imported:
    """What an import wrote: entries per kind, where, and what was skipped (reason → count)."""

    path: str
    counts: dict[str, int]
    skipped: dict[str, int]


def _read_text(path: Path) -> str:
    shown = display_path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise DataError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_TEXT_BYTES:
        raise DataError(f"{shown}: larger than {MAX_TEXT_BYTES} bytes; nothing written")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{shown}: not valid UTF-8 (byte {exc.start + 1}); save it as UTF-8; nothing written"
        ) from None


def slugify(text: str, prefix: str = "") -> str:
    """A slug from the first words of ``text``: ascii letters and digits, single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.casefold())[:_SLUG_WORDS]
    slug = "-".join(words)[:60].strip("-")
    return prefix + (slug or "card")


def _label(card: ImportedCard) -> str:
    return filled(card.front) if card.kind == "cloze" else card.front


class _Slugs:
    """Unique slugs for a deck, never one the bundled data or another deck already uses.

    Names are compared as `genai validate` compares them (normalised, per kind): a slug
    or a question that folds to one already in the deck would make it invalid.
    """

    def __init__(self, known: Mapping[str, str]) -> None:
        self.known = known  # slug → kind of the entries already loaded
        self.used: set[str] = set()
        self.names: set[tuple[str, str]] = set()

    def repeats(self, card: ImportedCard) -> bool:
        return (card.kind, normalize(_label(card))) in self.names

    def _free(self, slug: str, kind: str, wanted: str | None) -> bool:
        if slug in self.used or (kind, normalize(slug)) in self.names:
            return False
        return slug not in self.known or slug == wanted

    def take(self, card: ImportedCard) -> str:
        wanted = card.slug
        # A slug genai exported keeps its progress, if it means the same kind of entry.
        if wanted and is_slug(wanted) and self.known.get(wanted, card.kind) == card.kind:
            base = wanted
        else:
            base = slugify(_label(card), "cloze-" if card.kind == "cloze" else "")
        slug, number = base, 1
        while not self._free(slug, card.kind, wanted):
            number += 1
            slug = f"{base}-{number}"
        self.used.add(slug)
        self.names.update({(card.kind, normalize(slug)), (card.kind, normalize(_label(card)))})
        return slug


def _entry(card: ImportedCard, slug: str) -> dict[str, Any]:
    if card.kind == "cloze":
        data: dict[str, Any] = {"slug": slug, "text": card.front}
    else:
        data = {"slug": slug, "question": card.front, "answer": card.back}
        if 2 <= len(card.points) <= 5:
            data["points"] = list(card.points)
        if card.level in ("basic", "intermediate", "advanced"):
            data["level"] = card.level
    tags = list(dict.fromkeys(card.tags))
    if tags:
        data["tags"] = tags
    return data


def _cleaned(card: ImportedCard) -> ImportedCard:
    """The card as the loader will read it: no control characters, no outer spaces."""
    tags = tuple(t for t in (clean(t).strip() for t in card.tags) if t)
    points = tuple(p for p in (clean(p).strip() for p in card.points) if p)
    return dataclasses.replace(
        card,
        front=clean(card.front).strip(),
        back=clean(card.back).strip(),
        tags=tags,
        points=points,
    )


def cards_to_deck(
    cards: list[ImportedCard], known: Mapping[str, str], skipped: Counter[str]
) -> dict[str, list[Any]]:
    """Entries by kind; a card repeating an earlier one's question or sentence is skipped."""
    slugs = _Slugs(known)
    deck: dict[str, list[Any]] = {"questions": [], "cloze": []}
    for raw in cards:
        card = _cleaned(raw)
        if not card.front or (card.kind == "question" and not card.back):
            skipped["cards with an empty front or back"] += 1
            continue
        if card.kind == "cloze" and not well_formed(card.front):
            skipped["cloze cards that could not be read"] += 1
            continue
        if slugs.repeats(card):
            skipped["cards repeating an earlier card"] += 1
            continue
        plural = "cloze" if card.kind == "cloze" else "questions"
        deck[plural].append(_entry(card, slugs.take(card)))
    return {kind: entries for kind, entries in deck.items() if entries}


def _genai_deck(path: Path, known: Mapping[str, str]) -> dict[str, list[Any]]:
    """A genai deck (its JSON export, or YAML): every entry as it is, validated."""
    shown = display_path(path)
    parsed = parse_text(_read_text(path), shown, "import")
    problems = list(parsed.problems)
    slugs = {e.slug for e in parsed.entries}
    for entry in parsed.entries:
        for link in (*entry.see_also, *getattr(entry, "prerequisites", ())):
            if link not in slugs and link not in known:
                problems.append(
                    f"{entry.location}: {entry.kind} {entry.slug!r}: links to"
                    f" {link!r}, which is not a known entry"
                )
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}; nothing written")
    deck: dict[str, list[Any]] = {}
    for plural, cls in KINDS.items():
        entries = [entry_to_data(e) for e in parsed.entries if isinstance(e, cls)]
        if entries:
            deck[plural] = entries
    return deck


def _dump(deck: dict[str, list[Any]], source: str) -> str:
    import yaml

    singular = {"questions": "question", **{k: cls.kind for k, cls in KINDS.items()}}
    counts = ", ".join(f"{len(v)} {k if len(v) != 1 else singular[k]}" for k, v in deck.items())
    head = f"# Imported by `genai import` from {' '.join(source.split())}: {counts}.\n"
    body = yaml.safe_dump(deck, sort_keys=False, allow_unicode=True, width=88)
    return head + body


def read_cards(path: Path) -> Reading:
    """The cards of an Anki package, CSV, tab-separated text or Markdown file."""
    suffix = path.suffix.casefold()
    if suffix in _ANKI:
        return read_apkg(path)
    reader = _READERS[suffix]
    return reader(_read_text(path), display_path(path))


def import_file(
    source: Path,
    output: Path | str,
    known: Mapping[str, str],
    context: Sequence[Path] = (),
    *,
    force: bool = False,
) -> Imported:
    """Read ``source``, build a deck, check it with `genai validate`, write ``output``.

    ``known`` maps the slugs already loaded to their kinds; ``context`` are the deck
    files loaded (links may point into them). An ``output`` of ``-`` is standard output,
    as for `genai export`.
    """
    to_stdout = str(output) == STDOUT
    source, output = source.expanduser(), Path(output).expanduser()
    suffix = source.suffix.casefold()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"cannot import {display_path(source)}: the file name must end in one of"
            f" {', '.join(SUFFIXES)}"
        )
    if not source.is_file():
        raise DataError(f"{display_path(source)}: no such file")
    skipped: Counter[str] = Counter()
    if suffix in _DECKS:
        deck = _genai_deck(source, known)
    else:
        reading = read_cards(source)
        skipped = reading.skipped
        deck = cards_to_deck(reading.cards, known, skipped)
    if not deck:
        why = ", ".join(f"{n} {reason}" for reason, n in skipped.items())
        raise DataError(
            f"{display_path(source)}: no cards found"
            + (f" (skipped {why})" if why else "")
            + "; nothing written"
        )
    text = _dump(deck, display_path(source))
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DataError(
            f"{display_path(source)}: the deck would be larger than {MAX_BYTES} bytes, more than"
            " genai reads from one file; split the input; nothing written"
        )

    def produce(path: Path) -> None:
        path.write_text(text, encoding="utf-8")
        report = validate([path], context)  # before the file takes its name
        if report.problems:  # a bug here, not in the input: still, write nothing invalid
            raise DataError(f"{report.problems[0]}; nothing written")

    if to_stdout:
        write_stdout(produce)
    else:
        write_atomically(output, produce, force=force)
    return Imported(
        STDOUT if to_stdout else display_path(output),
        {k: len(v) for k, v in deck.items()},
        dict(skipped),
    )
