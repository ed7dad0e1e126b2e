"""One-line notes about what a quiz chose to ask and why; they print nothing."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from genai_cli.views.entries import DIM
from genai_cli.views.quiz import when


def typed_myths_note() -> Text:
    """Why ``--mode typed`` asks a myth as myth-or-fact rather than silently switching."""
    return Text(
        "Myths have no name to type, so they are asked as myth or fact.",
        style=DIM,
    )


def daily_cap_note(per_day: int, setting: str, *, done: bool) -> Text:
    """The daily cap on new cards: reached by this session, or already ``done``."""
    if done:
        what = f"Today's {per_day} new cards are done; more tomorrow"
    else:
        what = f"At most {per_day} new cards a day; the rest wait for tomorrow"
    return Text(f"{what} ({setting} sets how many).", style=DIM)


def locked_note(entries: int) -> Text:
    return Text(
        f"{entries} new {'entries wait' if entries != 1 else 'entry waits'} for "
        "a prerequisite to be answered right first; genai learn NAME studies a term "
        "with its prerequisites.",
        style=DIM,
    )


def no_leeches(threshold: int) -> Text:
    return Text(
        f"No leeches: no card has been missed {threshold} times after it was learnt.", style=DIM
    )


def nothing_new_left(next_due: datetime | None, now: datetime) -> Text:
    """Nothing due, and every new card held back (by the daily cap or prerequisites)."""
    if next_due is None:
        return Text("Nothing is due yet.", style=DIM)
    return Text(f"Nothing is due; the next card is due {when(next_due, now)}.", style=DIM)
