"""Deck commands: decks, validate and export."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from genai_cli import runner
from genai_cli.cli.app import (
    JsonOption,
    app,
    deck_options,
    guarded,
    load_all,
    print_json,
    show,
    warn,
)
from genai_cli.errors import ExitCode

if TYPE_CHECKING:
    pass


@app.command("decks")
@guarded
def decks_command(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show where the bundled data is.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List the bundled data and every deck, with entries per kind.

    A deck that cannot be used is marked skipped, with its first problem.
    """
    from genai_cli.knowledge.serialize import json_path

    loaded, found = load_all(warn=False)
    for message in found.problems:
        warn(message)
    if as_json:
        print_json(
            [
                {
                    "name": r.name,
                    "path": json_path(r.path),
                    "status": "skipped" if r.skipped else "loaded",
                    "counts": dict(r.counts),
                    "overrides": r.overrides,
                    "problems": list(r.problems),
                    "left_out": r.left_out,
                }
                for r in loaded.sources
            ]
        )
        return
    from genai_cli.views.decks import decks_table

    show(decks_table(loaded.sources, verbose=verbose))


def _painted(text: str) -> str:
    warned = re.sub(r"(?<=:)(\s+)warning:", "\\1\x1b[1;33mwarning\x1b[0m:", text, count=1)
    if warned != text:
        return warned
    return re.sub(r"^([^:\n]*:\d+):", "\x1b[1;31m\\1\x1b[0m:", text, count=1)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@app.command("validate")
@guarded
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Deck files or directories to check (default: every deck).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check deck files: every problem at once, exit 2 if any.

    Problems and warnings (likely duplicates) go to stdout, one `file:line: message`
    line each, then a summary line. With no PATH, every deck genai would load.
    """
    from genai_cli.knowledge.decks import discover, expand
    from genai_cli.knowledge.loader import validate
    from genai_cli.paths import user_decks_dir

    every = discover(deck_options())
    targets = expand(paths, "") if paths else every
    if not targets.files and not targets.problems:
        home = user_decks_dir()
        sys.stdout.write(
            f"No decks to check: put .yaml files in {home}, list them in GENAI_DECKS,"
            " or name files or directories.\n"
        )
        return
    report = validate(targets.files, every.files)
    problems = (*targets.problems, *report.problems)
    width = runner.terminal_width(sys.stdout)
    coloured = runner.colour(sys.stdout)
    for line in (*problems, *report.warnings):
        text = runner.wrap_for(runner.one_line(line), width, 4)
        if coloured:  # as compilers do: an error's place in red, "warning" in yellow
            text = _painted(text)
        sys.stdout.write(text + "\n")
    checked = _plural(len(report.files), "file")
    warned = f", {_plural(len(report.warnings), 'warning')}" if report.warnings else ""
    if problems:
        sys.stdout.write(f"{_plural(len(problems), 'problem')}{warned} ({checked} checked)\n")
        raise typer.Exit(ExitCode.DATA)
    sys.stdout.write(f"{checked} OK{warned}\n")


@app.command("export")
@guarded
def export_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="anki|csv|markdown|json",
            help="anki (.apkg), csv, markdown or json.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="PATH", help="The file to write (- for stdout)."),
    ],
    topic: Annotated[
        str,
        typer.Option(
            "--topic",
            metavar="terms|algorithms|myths|questions|cloze|all",
            help="What to export (all, for json: every kind).",
        ),
    ] = "all",
    deck: Annotated[
        list[str] | None,
        typer.Option(
            "--deck",
            metavar="NAME",
            help="Only entries from this deck: a name or path from `genai decks`, or"
            " 'bundled' (repeatable). To add a deck, use genai --deck PATH export.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT if it exists.")] = False,
) -> None:
    """Export cards, or everything, as Anki, CSV, Markdown or JSON."""
    from genai_cli.formats.export import export

    loaded, _found = load_all()
    result = export(
        loaded.kb,
        fmt=fmt,
        output=output,
        topic=topic,
        decks=tuple(deck or ()),
        sources=loaded.sources,
        force=force,
    )
    for message in result.warnings:
        warn(message)
    if output == "-":  # standard output holds the export itself
        return
    from genai_cli.views.decks import exported

    show(exported(result.path, result.counts))


@app.command("import")
@guarded
def import_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="An Anki package (.apkg, .colpkg), CSV (front,back[,tags]), Anki's"
            " exported text (.txt, .tsv), Markdown (Q:/A:, C:) or a genai JSON export.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="DECK.yaml", help="The deck file to write (- for stdout)."
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace DECK.yaml if it exists.")] = False,
) -> None:
    """Turn cards from Anki, CSV or Markdown into a genai deck that passes `genai validate`.

    Basic notes become interview questions, Cloze notes cloze sentences; media and note
    types genai cannot use are skipped and counted. Bad input writes nothing (exit 2).
    """
    from genai_cli.formats.importer import import_file

    loaded, found = load_all(warn=False)
    known = {e.slug: e.kind for e in loaded.kb.entries()}
    result = import_file(source, output, known, found.files, force=force)
    if str(output) == "-":  # standard output holds the deck itself
        return
    from genai_cli.views.decks import imported

    show(imported(result.path, result.counts, result.skipped))
