"""Study commands: quiz, stats and today."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from genai_cli import runner
from genai_cli.cli.app import (
    JsonOption,
    app,
    guarded,
    knowledge,
    print_json,
    show,
)
from genai_cli.clock import local_zone
from genai_cli.clock import now as clock_now

if TYPE_CHECKING:
    pass


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
    from genai_cli.study import selection, session
    from genai_cli.study.questions import QuestionMaker, candidates
    from genai_cli.views import quiz as render_quiz
    from genai_cli.views.prompts import make_asker

    kb = knowledge()
    refs = candidates(kb, topic, mode)
    chosen_seed: object = seed if seed is not None else random.SystemRandom().getrandbits(64)
    now = clock_now()
    with _progress_store(now) as store:
        states = store.cards()
        cards = selection.plan(
            refs, states, now, count=count, seed=chosen_seed, due_only=due, new_cap=new
        )
        resumed, _last = session.resume(store, refs, count)
        if resumed:
            cards = session.merge(resumed, cards, count)
            show(render_quiz.resuming(len(resumed)))
        if not cards:
            show(render_quiz.nothing_to_ask(selection.next_due(refs, states), now, due))
            return
        asker = make_asker(show, plain=plain)
        summary = session.run(QuestionMaker(kb), cards, asker, store, clock_now, seed=chosen_seed)
        unasked = summary.unasked if summary.stopped != "done" else 0
        outlook = session.outlook(store, clock_now(), unasked)
    if summary.stopped == "interrupted":
        kept = len(summary.answered)
        raise Interrupted(
            f"interrupted; {kept} answer{'s' if kept != 1 else ''} kept; "
            + render_quiz.next_step_line(outlook, clock_now())
        )
    show(render_quiz.summary_view(summary, clock_now(), outlook))


def _last_session(as_json: bool) -> None:
    """`genai stats --last`: the most recent quiz, one row per card."""
    from genai_cli.study import session

    kb = knowledge()
    now = clock_now()
    with _progress_store(now) as store:
        summary = session.last_summary(store, kb, now)
    if as_json:
        print_json(None if summary is None else session.summary_to_json(summary))
        return
    from genai_cli.views import quiz as render_quiz

    if summary is None:
        sys.stdout.write("No quiz yet: genai quiz\n")
        return
    show(render_quiz.last_session_view(summary, now))


@app.command("stats")
@guarded
def stats_command(
    as_json: JsonOption = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Forget all progress (a backup copy is kept).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Reset without asking.")] = False,
    last: Annotated[
        bool, typer.Option("--last", help="Your most recent quiz: every card, its answers, due.")
    ] = False,
) -> None:
    """Your progress: reviews, accuracy, cards due, estimated retention, weakest items."""
    from genai_cli.paths import display_path, progress_db

    if last:
        _last_session(as_json)
        return
    now = clock_now()
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

    kb = knowledge()
    with _progress_store(now) as store:
        stats = compute(kb, store.cards(), store.reviews(), now, tz=local_zone())
    if as_json:
        print_json(to_json(stats))
        return
    from genai_cli.views.stats import stats_view

    show(stats_view(stats, now))


@app.command("today")
@guarded
def today_command(as_json: JsonOption = False) -> None:
    """A term of the day: your weakest or most overdue term, else one picked for the date."""
    from genai_cli.paths import progress_db
    from genai_cli.study.stats import term_of_the_day

    kb = knowledge()
    now = clock_now()
    zone = local_zone()
    states = {}
    if progress_db().exists():  # looking at a term creates no database
        with _progress_store(now) as store:
            states = store.cards()
    pick = term_of_the_day(kb, states, now, tz=zone)
    if as_json:
        from genai_cli.knowledge.serialize import entry_to_json

        print_json(
            {
                "reason": pick.reason,
                "due": pick.due.isoformat() if pick.due else None,
                "term": entry_to_json(pick.term),
            }
        )
        return
    from genai_cli.views.stats import today_view

    show(today_view(pick, kb, now.astimezone(zone).date()))
