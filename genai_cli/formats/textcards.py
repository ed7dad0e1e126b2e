"""Cards from text files: CSV with a header, Anki's tab-separated text, Markdown Q:/A:/C:.

Every reader takes the file's text (already decoded, size-capped) and returns a
:class:`Reading`; a line it cannot use is counted as skipped, never a crash.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from genai_cli.errors import DataError
from genai_cli.formats.apkg import MAX_FIELD_CHARS, ImportedCard, Reading
from genai_cli.formats.plaintext import flat, from_anki_cloze, html_to_text, is_anki_cloze
from genai_cli.knowledge.clozetext import well_formed
from genai_cli.knowledge.names import whole_number
from genai_cli.knowledge.yamlsafe import clean

_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")  # genai's CSV export quotes formula cells
_SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}


def _field(text: str, where: str) -> str:
    if len(text) > MAX_FIELD_CHARS:
        raise DataError(f"{where}: a field of {len(text)} characters, more than {MAX_FIELD_CHARS}")
    return clean(text)


def _tags(text: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s,]+", clean(text)) if t)


def _cloze(text: str) -> str | None:
    """A cloze sentence in genai's syntax, from Anki's or genai's; None if not well formed."""
    text = flat(text)
    if is_anki_cloze(text):
        return from_anki_cloze(text)
    return text if well_formed(text) else None


def _add(
    reading: Reading,
    front: str,
    back: str,
    tags: tuple[str, ...],
    *,
    cloze: bool = False,
    slug: str | None = None,
) -> None:
    if cloze or is_anki_cloze(front):
        text = _cloze(front)
        if text is None:
            reading.skipped["cloze cards that could not be read"] += 1
        else:
            reading.cards.append(ImportedCard("cloze", text, tags=tags, slug=slug))
        return
    front, back = flat(front), back.strip()
    if not front or not back:
        reading.skipped["cards with an empty front or back"] += 1
        return
    reading.cards.append(ImportedCard("question", front, back, tags, slug=slug))


def _rows(lines: Iterable[str], delimiter: str, shown: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as exc:
        raise DataError(f"{shown}: not readable as CSV ({exc}); nothing written") from None


def read_csv(text: str, shown: str) -> Reading:
    """A header row naming ``front`` and ``back`` (and optionally ``tags``, ``kind``, ``slug``)."""
    rows = _rows(text.splitlines(), ",", shown)
    if not rows:
        raise DataError(f"{shown}: the file is empty; nothing written")
    header = [h.strip().casefold() for h in rows[0]]
    if "front" not in header or "back" not in header:
        raise DataError(
            f"{shown}:1: the first row must name the columns: front,back[,tags]; nothing written"
        )
    column = {name: index for index, name in enumerate(header)}
    reading = Reading()
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row, number: int = number) -> str:
            index = column.get(name)
            value = row[index] if index is not None and index < len(row) else ""
            return _field(_FORMULA_GUARD.sub("", value), f"{shown}:{number}")

        kind = cell("kind").strip()
        slug = cell("slug").strip() or None
        _add(
            reading,
            cell("front"),
            cell("back"),
            _tags(cell("tags")),
            cloze=kind == "cloze",
            slug=slug,
        )
    return reading


def read_tsv(text: str, shown: str) -> Reading:
    """Anki's "Notes in Plain Text": ``#key:value`` header lines, then one note per row."""
    lines = text.splitlines()
    options: dict[str, str] = {}
    while lines and lines[0].startswith("#"):
        key, _, value = lines.pop(0)[1:].partition(":")
        options[key.strip().casefold()] = value.strip()
    separator = options.get("separator", "tab")
    delimiter = _SEPARATORS.get(separator.casefold(), separator[:1] or "\t")
    html = options.get("html", "false").casefold() == "true"
    meta: dict[str, int] = {}
    for key in ("tags", "guid", "notetype", "deck"):
        value = options.get(f"{key} column", "")
        column = whole_number(value)  # "²" or 5,000 digits in a header: no such column
        if column is not None:
            meta[key] = column - 1
    reading = Reading()
    for number, row in enumerate(_rows(lines, delimiter, shown), len(options) + 1):
        where = f"{shown}:{number}"
        cells = [_field(c, where) for c in row]
        if not any(c.strip() for c in cells):
            continue
        content = [c for i, c in enumerate(cells) if i not in meta.values()]
        if html:
            content = [html_to_text(c) for c in content]
        tags_at = meta.get("tags")
        tags = _tags(cells[tags_at]) if tags_at is not None and tags_at < len(cells) else ()
        front = content[0] if content else ""
        back = content[1] if len(content) > 1 else ""
        _add(reading, front, back, tags)
    return reading


_MD_START = re.compile(r"^(Q|A|C|Tags):\s?(.*)$", re.IGNORECASE)


def read_markdown(text: str, shown: str) -> Reading:
    """``Q:`` question, ``A:`` answer (until the next card), ``C:`` cloze, ``Tags:`` a, b.

    A question or answer may run over several lines; a heading ends a card.
    """
    reading = Reading()
    card: dict[str, list[str]] = {}
    current = ""

    def finish() -> None:
        if "c" in card:
            _add(
                reading, "\n".join(card["c"]), "", _tags(" ".join(card.get("tags", []))), cloze=True
            )
        elif "q" in card:
            answer = "\n".join(card.get("a", [])).strip()
            _add(reading, "\n".join(card["q"]), answer, _tags(" ".join(card.get("tags", []))))
        card.clear()

    for number, raw in enumerate(text.splitlines(), 1):
        line = _field(raw, f"{shown}:{number}")
        match = _MD_START.match(line)
        if match:
            key = match.group(1).casefold()
            if key in ("q", "c") or (key in card and key != "tags"):
                finish()
            current = key
            card.setdefault(key, []).append(match.group(2))
        elif line.startswith("#"):
            finish()
            current = ""
        elif current in ("q", "a", "c"):
            card[current].append(line)
    finish()
    return reading
