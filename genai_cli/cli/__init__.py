"""The command line: the only package importing Typer (and Click).

``app`` (in ``app.py``) holds the global options; each command group registers its
commands onto it when imported: ``lookup`` (term, search, compare, the article), ``graph``,
``study`` (quiz, learn, stats, today), ``interview`` and ``decks`` (decks, validate, export,
import). This package parses, calls the library and renders; it is the top of the import
graph.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from genai_cli.cli.app import _new_app, app

# Each command group registers onto ``app`` as it is imported: this order is --help's.
# isort: off
from genai_cli.cli import lookup
from genai_cli.cli import graph
from genai_cli.cli import study
from genai_cli.cli import interview
from genai_cli.cli import decks

# isort: on
from typer.core import TyperCommand

from genai_cli.cli.help import GenaiCommand
from genai_cli.cli.lookup import (
    complete_algorithm,
    complete_other_algorithm,
    complete_poem,
    complete_term,
)

for _info in app.registered_commands:  # every command gets the help with examples
    if _info.cls in (None, TyperCommand):
        _info.cls = GenaiCommand

__all__ = [
    "app",
    "app_for",
    "complete_algorithm",
    "complete_other_algorithm",
    "complete_poem",
    "complete_term",
    "decks",
    "graph",
    "interview",
    "lookup",
    "main",
    "study",
]


def app_for(argv: Sequence[str]) -> typer.Typer:
    """The app holding only the command about to run, when argv starts with its name.

    Typer turns every registered command into a Click command on each start, about
    1 ms a command; a lookup should not pay for the quiz's options. Anything else
    (top-level help, global options first, shell completion) gets the whole app.
    """
    if not argv or os.environ.get("_GENAI_COMPLETE"):
        return app
    chosen = [c for c in app.registered_commands if c.name == argv[0]]
    if len(chosen) != 1:
        return app
    single = _new_app()
    single.registered_callback = app.registered_callback
    single.registered_commands = chosen
    return single


def main() -> None:
    """Run the Typer app on this process's arguments (entry.main handles Ctrl-C around it)."""
    app_for(sys.argv[1:])(prog_name="genai")
