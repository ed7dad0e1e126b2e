"""The Typer app: parse arguments, call the domain, render. The only module importing typer."""

from __future__ import annotations

import functools
import json
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


# --- quiz, stats and today (issue 4) ----------------------------------------------


def _utc_now() -> Any:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def _local_zone() -> Any:
    from datetime import datetime

    return datetime.now().astimezone().tzinfo


def _progress_store(now: Any) -> Any:
    """The progress database; a corrupt one moved aside is reported on stderr."""
    from genai_cli.quiz.store import default_path, open_store

    store = open_store(default_path(), now)
    for notice in store.notices:
        sys.stderr.write(f"genai: {clean(notice)}\n")
    return store


@app.command("quiz")
@guarded
def quiz_command(
    *,
    topic: Annotated[
        str,
        typer.Option(
            "--topic", metavar="terms|algorithms|myths|all", help="What to be asked about."
        ),
    ] = "all",
    count: Annotated[
        int, typer.Option("--count", "-n", metavar="N", min=1, help="How many questions.")
    ] = 10,
    mode: Annotated[
        str,
        typer.Option(
            "--mode", metavar="choice|typed|flashcard|mixed", help="How questions are asked."
        ),
    ] = "mixed",
    due: Annotated[bool, typer.Option("--due", help="Only cards due for review.")] = False,
    new: Annotated[
        int | None, typer.Option("--new", metavar="N", min=0, help="At most this many new cards.")
    ] = None,
    seed: Annotated[
        str | None,
        typer.Option("--seed", metavar="S", help="Reproducible selection and option order."),
    ] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="Plain lines: numbered options, one line per answer.")
    ] = False,
) -> None:
    """Quiz yourself: cards due for review first, then new ones; every answer is kept."""
    import random

    from genai_cli import render_quiz
    from genai_cli.errors import Interrupted
    from genai_cli.quiz import session
    from genai_cli.quiz.prompts import make_asker
    from genai_cli.quiz.questions import QuestionMaker, candidates

    kb = _knowledge()
    refs = candidates(kb, topic, mode)
    chosen_seed: object = seed if seed is not None else random.SystemRandom().getrandbits(64)
    now = _utc_now()
    with _progress_store(now) as store:
        states = store.cards()
        cards = session.plan(
            refs, states, now, count=count, seed=chosen_seed, due_only=due, new_cap=new
        )
        if not cards:
            _show(render_quiz.nothing_to_ask(session.next_due(refs, states), now, due))
            return
        asker = make_asker(_show, plain=plain)
        summary = session.run(QuestionMaker(kb), cards, asker, store, _utc_now, seed=chosen_seed)
    if summary.stopped == "interrupted":
        kept = len(summary.answered)
        raise Interrupted(f"interrupted; {kept} answer{'s' if kept != 1 else ''} kept")
    _show(render_quiz.summary_view(summary, _utc_now()))


@app.command("stats")
@guarded
def stats_command(
    as_json: JsonOption = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Forget all progress (a backup copy is kept).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Reset without asking.")] = False,
) -> None:
    """Your progress: reviews, accuracy, cards due, estimated retention, weakest items."""
    from genai_cli.paths import display_path, progress_db

    now = _utc_now()
    if reset:
        if not progress_db().exists():
            sys.stdout.write("No progress to reset.\n")
            return
        if not yes:
            typer.confirm("Forget all quiz progress? A backup copy is kept.", abort=True)
        with _progress_store(now) as store:
            backup = store.reset(now)
        sys.stdout.write(f"Progress reset; the old progress is kept in {display_path(backup)}\n")
        return
    from genai_cli.quiz.stats import compute, to_json

    kb = _knowledge()
    with _progress_store(now) as store:
        stats = compute(kb, store.cards(), store.reviews(), now, tz=_local_zone())
    if as_json:
        _print_json(to_json(stats))
        return
    from genai_cli.render_quiz import stats_view

    _show(stats_view(stats, now))


@app.command("today")
@guarded
def today_command(as_json: JsonOption = False) -> None:
    """A term of the day: your weakest or most overdue term, else one picked for the date."""
    from genai_cli.paths import progress_db
    from genai_cli.quiz.stats import term_of_the_day

    kb = _knowledge()
    now = _utc_now()
    zone = _local_zone()
    states = {}
    if progress_db().exists():  # looking at a term creates no database
        with _progress_store(now) as store:
            states = store.cards()
    pick = term_of_the_day(kb, states, now, tz=zone)
    if as_json:
        from genai_cli.serialize import entry_to_json

        _print_json(
            {
                "reason": pick.reason,
                "due": pick.due.isoformat() if pick.due else None,
                "term": entry_to_json(pick.term),
            }
        )
        return
    from genai_cli.render_quiz import today_view

    _show(today_view(pick, kb, now.astimezone(zone).date()))


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="genai")
    except KeyboardInterrupt:
        sys.stderr.write("genai: interrupted\n")
        sys.exit(ExitCode.INTERRUPTED)
