"""CSV export: a header row, then one row per card, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from genai_cli.formats.cards import Card, key_points

CSV_HEADER = ("front", "back", "tags", "kind", "slug")

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    # A cell starting like a formula would be run by a spreadsheet: deck text is untrusted.
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(items: Iterable[Card]) -> str:
    """A header row, then one row per card: front, back, tags (space-separated), kind, slug.

    A question's back is its answer and key points; a cloze card's front is its text with
    the ``{{...}}`` deletions, its back the filled-in sentence.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for card in items:
        back = "\n\n".join(t for t in (card.back, key_points(card.points)) if t)
        row = (card.front, back, " ".join(card.tags), card.kind, card.slug)
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
