"""The two Rich consoles: results to stdout, messages to stderr."""

from __future__ import annotations

from rich.console import Console

MEASURE = 100  # the widest genai's output gets, however wide the terminal


def make_console(*, stderr: bool = False) -> Console:
    """A console that never interprets text as markup, emoji codes or things to highlight.

    Rich itself honours NO_COLOR and FORCE_COLOR, sends no escape codes when the
    stream is not a terminal, and takes the width from COLUMNS when set.
    """
    console = Console(stderr=stderr, markup=False, emoji=False, highlight=False)
    console.width = min(
        console.width, MEASURE
    )  # panels and prose keep a comfortable reading measure
    return console
