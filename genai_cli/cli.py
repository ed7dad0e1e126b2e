"""The Typer app: parse arguments, call the domain, render. The only module importing typer."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from genai_cli import __version__, runner
from genai_cli.errors import ExitCode

if TYPE_CHECKING:
    from random import Random

F = TypeVar("F", bound=Callable[..., Any])


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="genai",
        help="A command-line reference and study tool for Generative AI.",
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


app = _new_app()

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a rendered view.")]


def guarded(fn: F) -> F:
    """The one error boundary (runner.run): typed errors and Ctrl-C become one line and a code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result: list[Any] = []
        code = runner.run(lambda: result.append(fn(*args, **kwargs)), (typer.Exit, typer.Abort))
        if code:
            raise typer.Exit(code)
        return result[0] if result else None

    return wrapper  # type: ignore[return-value]


_show = runner.show
_print_json = runner.print_json
_warn = runner.warn


# The global ``--deck PATH`` options of this invocation, set by the app callback (which
# runs before every command, so nothing carries over from one invocation to the next).
_global_options: dict[str, tuple[str, ...]] = {"deck": ()}


def _deck_options() -> tuple[str, ...]:
    return _global_options["deck"]


def _loaded(*, warn: bool = True) -> Any:
    """Bundled data plus every deck; a deck that cannot be used is one warning, then skipped."""
    return runner.loaded(_deck_options(), warn_user=warn)


def _knowledge() -> Any:
    return runner.knowledge(_deck_options())


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
        from genai_cli.views.entries import welcome

        _show(welcome(_knowledge()))


@app.command("term")
@guarded
def term_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="Slug, name, alias or acronym, e.g. latent-space.",
            autocompletion=complete_term,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Look up a term by name, slug, alias or acronym."""
    runner.term(name, as_json=as_json, deck_options=_deck_options())


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
    from genai_cli.reference.query import filter_terms

    kb = _knowledge()
    terms = filter_terms(kb, tag=tag, origin=origin)
    if as_json:
        from genai_cli.knowledge.serialize import entry_to_json

        _print_json([entry_to_json(t) for t in terms])
        return
    from genai_cli.views.entries import terms_table

    _show(terms_table(terms))


@app.command("search")
@guarded
def search_command(
    query: Annotated[list[str], typer.Argument(metavar="WORDS...", help="Words to look for.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many results.")
    ] = 10,
    as_json: JsonOption = False,
) -> None:
    """Search terms, algorithms, concepts, applications and myths."""
    from genai_cli.reference.lookup import command_for, query_words, search

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
    from genai_cli.views.entries import search_results

    _show(search_results(text, hits, query_words(text)))


# --- compare, algorithms and the rest of the article ---------------------------


def _complete(plural: str, incomplete: str, given: Any = ()) -> list[str]:
    """Slugs of ``plural`` entries starting with ``incomplete``, except those ``given``.

    Runs inside the user's shell on every Tab: it must never raise, and never print
    (a broken deck's warning would land in the middle of the command line).
    """
    try:
        entries = _loaded(warn=False)[0].kb.of_kind(plural)
        if given:
            from genai_cli.reference.lookup import Index

            index = Index(entries, plural)
            named = {index.find(str(name)) for name in given}
            entries = tuple(e for e in entries if e not in named)
        return [e.slug for e in entries if e.slug.startswith(incomplete)]
    except Exception:
        return []


def complete_term(incomplete: str) -> list[str]:
    return _complete("terms", incomplete)


def complete_algorithm(incomplete: str) -> list[str]:
    return _complete("algorithms", incomplete)


def complete_other_algorithm(ctx: typer.Context, incomplete: str) -> list[str]:
    """Algorithms not yet named on the command line."""
    return _complete("algorithms", incomplete, ctx.params.get("names") or ())


def complete_poem(incomplete: str) -> list[str]:
    return _complete("poems", incomplete)


SeedOption = Annotated[
    int | None, typer.Option("--seed", help="Pick reproducibly: the same seed, the same pick.")
]


def _rng(seed: int | None) -> Random:
    from random import Random

    return Random(seed)


def _optional_name(
    metavar: str, help_text: str, completion: Callable[..., list[str]] | None = None
) -> Any:
    return typer.Argument(
        metavar=metavar, help=help_text, autocompletion=completion, show_default=False
    )


@app.command("compare")
@guarded
def compare_command(
    names: Annotated[
        list[str] | None,
        _optional_name(
            "ALGORITHM...",
            "Two or more algorithms: slug, name, alias or acronym (gan, vae, diffusion).",
            complete_other_algorithm,
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Compare every algorithm.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare algorithms side by side, and what their stated complexities mean."""
    from genai_cli.reference.compare import select_algorithms

    kb = _knowledge()
    algorithms = select_algorithms(kb, names or [], everything=every)
    if as_json:
        from genai_cli.reference.compare import compare_to_json

        _print_json(compare_to_json(algorithms))
        return
    from genai_cli.views.compare import compare_view

    _show(compare_view(algorithms, kb))


@app.command("algorithms")
@guarded
def algorithms_command(
    name: Annotated[
        str | None,
        _optional_name(
            "[ALGORITHM]", "Show this one in full (slug, name or acronym).", complete_algorithm
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List every algorithm with its stated complexity, or show one in full."""
    from genai_cli.reference.compare import algorithm_to_json

    kb = _knowledge()
    if name is None:
        if as_json:
            _print_json([algorithm_to_json(a) for a in kb.algorithms])
            return
        from genai_cli.views.compare import algorithms_table

        _show(algorithms_table(kb.algorithms))
        return
    from genai_cli.reference.lookup import Index

    algorithm = Index(kb.algorithms, "algorithm").resolve(name)
    if as_json:
        _print_json(algorithm_to_json(algorithm))
        return
    from genai_cli.views.compare import algorithm_panel

    _show(algorithm_panel(algorithm, kb))


def _article_output(
    kb: Any,
    as_json: bool,
    view: str,
    *args: Any,
    entry: Any = None,
    entries: Any = (),
) -> None:
    """``entry`` (or all ``entries``) as JSON, or rendered by render_article.``view``."""
    if as_json:
        from genai_cli.reference.article import to_json

        _print_json(to_json(entry, kb) if entry is not None else [to_json(e, kb) for e in entries])
        return
    from genai_cli.views import article as render_article

    _show(getattr(render_article, view)(*args, kb))


@app.command("myths")
@guarded
def myths_command(
    which: Annotated[
        str | None,
        _optional_name("[N|SLUG]", "Show one: its number in the list (1, 2 …) or its slug."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Common myths about generative AI, each with the fact that answers it."""
    from genai_cli.reference.article import find_myth

    kb = _knowledge()
    if which is None:
        _article_output(kb, as_json, "myths_view", entries=kb.myths)
        return
    myth = find_myth(kb, which)
    _article_output(kb, as_json, "myth_panel", myth, kb.myths.index(myth) + 1, entry=myth)


@app.command("concepts")
@guarded
def concepts_command(
    name: Annotated[
        str | None,
        _optional_name("[NAME]", "Show one section: slug or name (gan, vae, transformer)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The core models (GANs, VAEs, Transformers) with their quotes, or one section in full."""
    from genai_cli.reference.article import core_models, loose_find, other_sections

    kb = _knowledge()
    if name is None:
        core = core_models(kb)
        _article_output(kb, as_json, "concepts_view", core, other_sections(kb), entries=kb.concepts)
        return
    concept = loose_find(kb.concepts, name, "concept")
    _article_output(kb, as_json, "concept_panel", concept, entry=concept)


@app.command("apps")
@guarded
def apps_command(
    name: Annotated[
        str | None, _optional_name("[NAME]", "Show one application: slug or name (healthcare).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Applications of generative AI by industry."""
    from genai_cli.reference.article import loose_find

    kb = _knowledge()
    if name is None:
        _article_output(kb, as_json, "apps_view", kb.applications, entries=kb.applications)
        return
    application = loose_find(kb.applications, name, "application")
    _article_output(kb, as_json, "app_panel", application, entry=application)


EveryOption = Annotated[bool, typer.Option("--all", help="Show every one.")]


@app.command("quote")
@guarded
def quote_command(
    name: Annotated[
        str | None, _optional_name("[NAME]", "A particular quote: its slug or words from it.")
    ] = None,
    seed: SeedOption = None,
    every: EveryOption = False,
    as_json: JsonOption = False,
) -> None:
    """A quote at random (or a chosen one, or --all)."""
    from genai_cli.reference.article import loose_find, pick

    kb = _knowledge()
    if every:
        _article_output(kb, as_json, "quotes_view", kb.quotes, entries=kb.quotes)
        return
    quote = loose_find(kb.quotes, name, "quote") if name else pick(kb.quotes, _rng(seed))
    _article_output(kb, as_json, "quote_view", quote, entry=quote)


@app.command("poem")
@guarded
def poem_command(
    title: Annotated[
        list[str] | None,
        _optional_name(
            "[TITLE...]",
            'Part of the title, e.g. canvas or "digital canvas"; none for a random poem.',
            complete_poem,
        ),
    ] = None,
    seed: SeedOption = None,
    every: EveryOption = False,
    as_json: JsonOption = False,
) -> None:
    """A poem, laid out as one, with the quote that closes it."""
    from genai_cli.reference.article import loose_find, pick

    kb = _knowledge()
    if every:
        _article_output(kb, as_json, "poems_view", kb.poems, entries=kb.poems)
        return
    wanted = " ".join(title or [])
    poem = loose_find(kb.poems, wanted, "poem") if wanted.strip() else pick(kb.poems, _rng(seed))
    _article_output(kb, as_json, "poem_view", poem, entry=poem)


# --- quiz, stats and today (issue 4) ----------------------------------------------


def _utc_now() -> Any:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def _local_zone() -> Any:
    from datetime import datetime

    return datetime.now().astimezone().tzinfo


def _progress_store(now: Any) -> Any:
    """The progress database; a corrupt one moved aside is reported on stderr."""
    from genai_cli.study.store import default_path, open_store

    store = open_store(default_path(), now)
    for notice in store.notices:
        runner.tell(notice)
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

    from genai_cli.errors import Interrupted
    from genai_cli.study import session
    from genai_cli.study.questions import QuestionMaker, candidates
    from genai_cli.views import quiz as render_quiz
    from genai_cli.views.prompts import make_asker

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
    from genai_cli.study.stats import compute, to_json

    kb = _knowledge()
    with _progress_store(now) as store:
        stats = compute(kb, store.cards(), store.reviews(), now, tz=_local_zone())
    if as_json:
        _print_json(to_json(stats))
        return
    from genai_cli.views.quiz import stats_view

    _show(stats_view(stats, now))


@app.command("today")
@guarded
def today_command(as_json: JsonOption = False) -> None:
    """A term of the day: your weakest or most overdue term, else one picked for the date."""
    from genai_cli.paths import progress_db
    from genai_cli.study.stats import term_of_the_day

    kb = _knowledge()
    now = _utc_now()
    zone = _local_zone()
    states = {}
    if progress_db().exists():  # looking at a term creates no database
        with _progress_store(now) as store:
            states = store.cards()
    pick = term_of_the_day(kb, states, now, tz=zone)
    if as_json:
        from genai_cli.knowledge.serialize import entry_to_json

        _print_json(
            {
                "reason": pick.reason,
                "due": pick.due.isoformat() if pick.due else None,
                "term": entry_to_json(pick.term),
            }
        )
        return
    from genai_cli.views.quiz import today_view

    _show(today_view(pick, kb, now.astimezone(zone).date()))


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
    from genai_cli.views.decks import decks_table

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
    from genai_cli.knowledge.decks import discover, expand
    from genai_cli.knowledge.loader import validate
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
        sys.stdout.write(runner.one_line(line) + "\n")
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
    from genai_cli.formats.export import export

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
    from genai_cli.views.decks import exported

    _show(exported(result.path, result.counts))


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
