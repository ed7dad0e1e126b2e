"""The two Rich consoles: results to stdout, messages to stderr."""

from __future__ import annotations

import os

from rich.console import Console

MEASURE = 100  # the widest genai's output gets, however wide the terminal

# COLUMNS outside this range is not a terminal width (COLUMNS=10**20 overflowed inside
# Rich; 100000 padded every line to megabytes): the real width is used instead.
MAX_COLUMNS = 1000


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Let runner.run end quietly with exit 0 (Rich's own handler exits 1 past it)."""
        raise BrokenPipeError


def _environ() -> dict[str, str]:
    environ = dict(os.environ)
    columns = environ.get("COLUMNS", "")
    if columns.isdecimal() and not 1 <= int(columns) <= MAX_COLUMNS:
        del environ["COLUMNS"]
    return environ


def make_console(*, stderr: bool = False) -> Console:
    """A console that never interprets text as markup, emoji codes or things to highlight.

    Rich itself honours NO_COLOR and FORCE_COLOR, sends no escape codes when the
    stream is not a terminal, and takes the width from COLUMNS when set (and sane).
    """
    console = _Console(
        stderr=stderr, markup=False, emoji=False, highlight=False, _environ=_environ()
    )
    # panels and prose keep a comfortable reading measure
    console.width = min(console.width, MEASURE)
    return console
