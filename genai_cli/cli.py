"""The Typer app: parse arguments, call the domain, render. The only module importing typer."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from genai_cli import __version__
from genai_cli.errors import ExitCode, GenaiError, NotFoundError
from genai_cli.yamlsafe import clean

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="genai",
    help="A command-line reference and study tool for Generative AI.",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a rendered view.")]


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"genai: {clean(message)}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    if not suggestions:
        return ""
    if len(suggestions) == 1:
        return f"; did you mean {suggestions[0]}?"
    return f"; did you mean {', '.join(suggestions[:-1])} or {suggestions[-1]}?"


def guarded(fn: F) -> F:
    """The one error boundary: typed errors and Ctrl-C become one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except NotFoundError as exc:
            _fail(exc.message + _did_you_mean(exc.suggestions), exc.exit_code)
        except GenaiError as exc:
            _fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", ExitCode.INTERRUPTED)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except Exception as exc:
            if os.environ.get("GENAI_DEBUG"):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (GENAI_DEBUG=1 shows the traceback)",
                ExitCode.RUNTIME,
            )

    return wrapper  # type: ignore[return-value]


def _quiet_broken_pipe() -> NoReturn:
    # The reader went away (`genai terms | head`): stop quietly, as Unix tools do.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(ExitCode.OK)


def _show(renderable: Any) -> None:
    from genai_cli.console import make_console

    make_console().print(renderable)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _warn(message: str) -> None:
    line = " ".join(clean(message).split("\n"))
    sys.stderr.write(f"genai: warning: {line}\n")


# The global ``--deck PATH`` options of this invocation, set by the app callback (which
# runs before every command, so nothing carries over from one invocation to the next).
_global_options: dict[str, tuple[str, ...]] = {"deck": ()}


def _deck_options() -> tuple[str, ...]:
    return _global_options["deck"]


def _loaded(*, warn: bool = True) -> Any:
    """Bundled data plus every deck; a deck that cannot be used is one warning, then skipped."""
    from genai_cli.decks import discover
    from genai_cli.loader import load_knowledge

    found = discover(_deck_options())
    loaded = load_knowledge(found.files)
    if warn:
        for message in (*found.problems, *loaded.warnings):
            _warn(message)
    return loaded, found


def _knowledge() -> Any:
    return _loaded()[0].kb


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"genai {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
@guarded
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    deck: Annotated[
        list[str] | None,
        typer.Option(
            "--deck",
            metavar="PATH",
            help="Also load this deck file or directory (repeatable).",
        ),
    ] = None,
) -> None:
    """A command-line reference and study tool for Generative AI."""
    _global_options["deck"] = tuple(deck or ())
    if ctx.invoked_subcommand is None:
        from genai_cli.render import welcome

        _show(welcome(_knowledge()))


@app.command("term")
@guarded
def term_command(
    name: Annotated[str, typer.Argument(help="Slug, name, alias or acronym, e.g. latent-space.")],
    as_json: JsonOption = False,
) -> None:
    """Look up a term by name, slug, alias or acronym."""
    from genai_cli.lookup import Index

    kb = _knowledge()
    term = Index(kb.terms, "term").resolve(name)
    if as_json:
        from genai_cli.serialize import entry_to_json

        _print_json(entry_to_json(term))
        return
    from genai_cli.render import term_panel

    _show(term_panel(term, kb))


@app.command("terms")
@guarded
def terms_command(
    tag: Annotated[str | None, typer.Option("--tag", help="Only terms with this tag.")] = None,
    origin: Annotated[
        str | None,
        typer.Option("--origin", help="Only terms from the article (seed) or added (extended)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List every term, optionally by tag or origin."""
    from genai_cli.query import filter_terms

    kb = _knowledge()
    terms = filter_terms(kb, tag=tag, origin=origin)
    if as_json:
        from genai_cli.serialize import entry_to_json

        _print_json([entry_to_json(t) for t in terms])
        return
    from genai_cli.render import terms_table

    _show(terms_table(terms))


@app.command("search")
@guarded
def search_command(
    query: Annotated[list[str], typer.Argument(help="Words to look for.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many results.")
    ] = 10,
    as_json: JsonOption = False,
) -> None:
    """Search terms, algorithms, concepts, applications and myths."""
    from genai_cli.lookup import command_for, query_words, search

    text = " ".join(query)
    hits = search(_knowledge(), text, limit=limit)
    if as_json:
        _print_json(
            [
                {
                    "kind": h.entry.kind,
                    "slug": h.entry.slug,
                    "name": h.entry.label,
                    "score": round(h.score, 3),
                    "field": h.field,
                    "command": command_for(h.entry),
                }
                for h in hits
            ]
        )
        return
    from genai_cli.render import search_results

    _show(search_results(text, hits, query_words(text)))


# --- decks, validate and export ----------------------------------------------------------


@app.command("decks")
@guarded
def decks_command(as_json: JsonOption = False) -> None:
    """List the bundled data and every deck, with entries per kind.

    A deck that cannot be used is marked skipped, with its first problem.
    """
    loaded, found = _loaded(warn=False)
    for message in found.problems:
        _warn(message)
    if as_json:
        _print_json(
            [
                {
                    "name": r.name,
                    "path": r.path,
                    "status": "skipped" if r.skipped else "loaded",
                    "counts": dict(r.counts),
                    "overrides": r.overrides,
                    "problems": list(r.problems),
                }
                for r in loaded.sources
            ]
        )
        return
    from genai_cli.render_decks import decks_table

    _show(decks_table(loaded.sources))


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
    from genai_cli.decks import discover, expand
    from genai_cli.loader import validate
    from genai_cli.paths import user_decks_dir

    every = discover(_deck_options())
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
    for line in (*problems, *report.warnings):
        sys.stdout.write(" ".join(clean(line).split("\n")) + "\n")
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
            "--format", "-f", metavar="FORMAT", help="anki (.apkg), csv, markdown or json."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="PATH", help="The file to write.")
    ],
    topic: Annotated[
        str,
        typer.Option(
            "--topic",
            metavar="TOPIC",
            help="terms, algorithms, myths or all (for json: every kind).",
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
    from genai_cli.export import export

    loaded, _found = _loaded()
    result = export(
        loaded.kb,
        fmt=fmt,
        output=output,
        topic=topic,
        decks=tuple(deck or ()),
        sources=loaded.sources,
        force=force,
    )
    from genai_cli.render_decks import exported

    _show(exported(result.path, result.counts))


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="genai")
    except KeyboardInterrupt:
        sys.stderr.write("genai: interrupted\n")
        sys.exit(ExitCode.INTERRUPTED)
