"""The Typer app: parse arguments, call the domain, render. The only module importing typer."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
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
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _knowledge() -> Any:
    from genai_cli.loader import load_bundled

    return load_bundled()


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
) -> None:
    """A command-line reference and study tool for Generative AI."""
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
    from genai_cli.lookup import term_index

    kb = _knowledge()
    term = term_index(kb).resolve(name)
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


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="genai")
    except KeyboardInterrupt:
        sys.stderr.write("genai: interrupted\n")
        sys.exit(ExitCode.INTERRUPTED)
