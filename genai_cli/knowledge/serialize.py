"""Entries as plain data: the data-file schema, used for --json and for export."""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Any

from genai_cli.knowledge.model import Algorithm, Contrast, Entry, Point

_INTERNAL = {"path", "line", "deck"}
_COMMON_ORDER = {
    "aliases",
    "tags",
    "see_also",
    "more_precisely",
    "prerequisites",
    "origin",
    "source",
}


def entry_to_data(entry: Entry) -> dict[str, Any]:
    """The entry as it would be written in a data file (every field, empty ones too)."""
    out: dict[str, Any] = {}
    ordered = sorted(fields(entry), key=lambda f: (f.name != "slug", f.name in _COMMON_ORDER))
    for f in ordered:
        if f.name in _INTERNAL:
            continue
        value = getattr(entry, f.name)
        if isinstance(entry, Algorithm) and f.name == "complexity":
            value = {
                "stated": value.stated,
                "variables": {factor.symbol: factor.meaning for factor in value.factors},
            }
        elif f.name == "source" and value is not None:
            value = {"title": value.title, "author": value.author, "year": value.year}
        elif isinstance(entry, Contrast) and f.name == "points":
            value = [_point_to_data(point) for point in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _point_to_data(point: Point) -> dict[str, Any]:
    return {"aspect": point.aspect, "values": list(point.values)}


def entry_to_json(entry: Entry) -> dict[str, Any]:
    """Data-file fields plus where the entry came from, for ``--json`` output."""
    data = {"kind": entry.kind, **entry_to_data(entry)}
    if isinstance(entry, Algorithm):
        data["complexity"]["factors"] = [
            {"symbol": f.symbol, "exponent": f.exponent, "meaning": f.meaning}
            for f in entry.complexity.factors
        ]
    data["deck"] = json_path(entry.deck)
    return data


def json_path(shown: str | None) -> str | None:
    """A path for ``--json``: absolute, so a script gets the same value from any directory.

    Messages show paths relative to the working directory; JSON does not.
    """
    return None if shown is None else os.path.abspath(shown)
