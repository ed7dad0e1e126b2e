"""CSV export: a header row, then one row per card, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from genai_cli.formats.cards import Card

CSV_HEADER = ("front", "back", "tags", "kind", "slug")

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
