"""Study commands: quiz, learn, stats and today."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from genai_cli.cli.app import (
    JsonOption,
    app,
    guarded,
    knowledge,
    print_json,
    session_seed,
    show,
    show_now,
)
from genai_cli.cli.lookup import complete_term
from genai_cli.cli.progress import (
    LEECH_SETTING,
    NEW_PER_DAY_SETTING,
    due_line,
    leech_threshold,
    progress_store,
    setting,
)
from genai_cli.clock import local_zone
from genai_cli.clock import now as clock_now

if TYPE_CHECKING:
    from datetime import datetime

    from genai_cli.knowledge.model import KnowledgeBase


def _choose(
    kb: KnowledgeBase,
    refs: list[Any],
    store: Any,
    states: dict[str, Any],
    now: datetime,
    *,
    count: int,
    seed: object,
    due: bool,
    new: int | None,
    leeches: bool,
    threshold: int,
    quiet: bool = False,
) -> list[Any]:
    """The cards to ask: leeches set aside, new cards in prerequisite order and within
    today's allowance. None to ask: an empty list, after saying why."""
    from genai_cli.study import selection
    from genai_cli.views import plan as render_plan
    from genai_cli.views import quiz as render_quiz

    reviews = store.reviews()
    per_day = setting(NEW_PER_DAY_SETTING, selection.NEW_PER_DAY)
    left_today = max(0, per_day - selection.new_cards_today(reviews, now, local_zone()))
    cap = left_today if new is None else min(new, left_today)
    picked = selection.select(
        refs,
        states,
        now,
        count=count,
        seed=seed,
        due_only=due,
        new_cap=cap,
        prerequisites=selection.prerequisite_map(kb),
        known=selection.known_slugs(reviews),
        leech_threshold=threshold,
        leeches_only=leeches,
    )
    daily_cap = picked.capped > 0 and (new is None or left_today < new)
    if picked.cards:
        if daily_cap:
            show_now(render_plan.daily_cap_note(per_day, NEW_PER_DAY_SETTING, done=False))
        return list(picked.cards)
    if quiet:  # other cards (a resumed session's) will be asked
        return []
    next_due = selection.next_due(refs, states, threshold)
    if leeches:
        show_now(render_plan.no_leeches(threshold))
    elif due or not (daily_cap or picked.locked):
        show_now(render_quiz.nothing_to_ask(next_due, now, due))
    else:
        show_now(render_plan.nothing_new_left(next_due, now))
        if daily_cap:
            show_now(render_plan.daily_cap_note(per_day, NEW_PER_DAY_SETTING, done=True))
        else:
            show_now(render_plan.locked_note(picked.locked))
    return []


def _confirm(question: str) -> bool:
    """Ask ``question`` [y/N] on stdout; only y or yes is yes (end of input is no).

    Ctrl-C raises KeyboardInterrupt: the error boundary makes it exit 130.
    """
    sys.stdout.write(f"{question} [y/N]: ")
    sys.stdout.flush()
    return sys.stdin.readline().strip().casefold() in ("y", "yes")


@app.command("quiz")
@guarded
def quiz_command(
    *,
    topic: Annotated[
        str,
        typer.Option(
            "--topic",
            metavar="terms|algorithms|myths|questions|cloze|all",
            help="What to be asked about.",
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
    tag: Annotated[
        str | None,
        typer.Option("--tag", metavar="TAG", help="Only cards of entries with this tag."),
    ] = None,
    deck: Annotated[
        str | None,
        typer.Option(
            "--deck",
            metavar="NAME",
            help="Only cards from this deck: a name `genai decks` shows, or bundled.",
        ),
    ] = None,
    leeches: Annotated[
        bool,
        typer.Option("--leeches", help="Only leeches: cards missed so often they are set aside."),
    ] = False,
    leech_limit: Annotated[
        int | None,
        typer.Option(
            "--leech-threshold",
            metavar="N",
            min=1,
            help=f"Misses that make a card a leech (default 8, or {LEECH_SETTING}).",
        ),
    ] = None,
) -> None:
    """Quiz yourself: cards due for review first, then new ones; every answer is kept.

    New cards come in the order understanding needs (prerequisites first), at most
    20 a day (GENAI_NEW_PER_DAY).
    """

    from genai_cli.study import cards as cards_topics
    from genai_cli.study import selection, session
    from genai_cli.study.questions import MYTH_OR_FACT, QuestionMaker, candidates
    from genai_cli.views import plan as render_plan
    from genai_cli.views import quiz as render_quiz
    from genai_cli.views.prompts import make_asker

    kb = knowledge()
    maker = QuestionMaker(kb)
    if topic in cards_topics.CARD_TOPICS:  # interview questions and cloze, as cards
        refs = cards_topics.candidates(kb, topic)
        maker = cards_topics.StudyMaker(kb)
    else:
        refs = candidates(kb, topic, mode)
    refs = selection.filter_refs(refs, kb, tag=tag, deck=deck)
    chosen_seed = session_seed(seed)
    now = clock_now()
    threshold = leech_threshold(leech_limit)  # also session.run's, to announce a new leech
    with progress_store(now) as store:
        store.check_writable()  # before the first question, not after its answer
        states = store.cards()
        # A stopped session's unasked cards come first (not with --due or --leeches).
        resumed = [] if due or leeches else session.resume(store, refs, count)[0]
        resumed = [
            c
            for c in resumed
            if c.card_id not in states or not selection.is_leech(states[c.card_id], threshold)
        ]
        cards = _choose(
            kb,
            refs,
            store,
            states,
            now,
            count=count,
            seed=chosen_seed,
            due=due,
            new=new,
            leeches=leeches,
            threshold=threshold,
            quiet=bool(resumed),
        )
        if resumed:
            show_now(render_quiz.resuming(len(resumed)))
            cards = session.merge(resumed, cards, count)
        if not cards:
            return
        if mode == "typed" and any(c.kind == MYTH_OR_FACT for c in cards):
            show_now(render_plan.typed_myths_note())
        asker = make_asker(show_now, plain=plain)
        summary = session.run(
            maker, cards, asker, store, clock_now, seed=chosen_seed, leech_threshold=threshold
        )
        outlook = session.outlook(store, clock_now(), _unasked(summary))
    _end(summary, outlook)


def _unasked(summary: Any) -> int:
    return int(summary.unasked) if summary.stopped != "done" else 0


def _end(summary: Any, outlook: Any) -> None:
    """The end of a quiz: the summary, or after Ctrl-C one line with the next step."""
    from genai_cli.errors import Interrupted
    from genai_cli.views import quiz as render_quiz

    if summary.stopped == "interrupted":
        kept = len(summary.answered)
        raise Interrupted(
            f"interrupted; {kept} answer{'s' if kept != 1 else ''} kept; "
            + render_quiz.next_step_line(outlook, clock_now())
        )
    show_now(render_quiz.summary_view(summary, clock_now(), outlook))


def _last_session(as_json: bool) -> None:
    """`genai stats --last`: the most recent quiz, one row per card."""
    from genai_cli.study import session

    kb = knowledge()
    now = clock_now()
    with progress_store(now) as store:
        summary = session.last_summary(store, kb, now)
    if as_json:
        print_json(None if summary is None else session.summary_to_json(summary))
        return
    from genai_cli.views import quiz as render_quiz

    if summary is None:
        sys.stdout.write("No quiz yet: genai quiz\n")
        return
    show(render_quiz.last_session_view(summary, now))


@app.command("learn")
@guarded
def learn_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="TERM",
            help="The term to reach: slug, name, alias or acronym, e.g. perplexity.",
            autocompletion=complete_term,
        ),
    ],
    *,
    mode: Annotated[
        str,
        typer.Option(
            "--mode", metavar="choice|typed|flashcard|mixed", help="How each step is asked."
        ),
    ] = "mixed",
    include_known: Annotated[
        bool, typer.Option("--all", help="Also ask the prerequisites you already know.")
    ] = False,
    seed: Annotated[
        str | None,
        typer.Option("--seed", metavar="S", help="Reproducible questions and option order."),
    ] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="Plain lines: numbered options, one line per answer.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Study the path to one term: its prerequisites in order, each shown then asked, then
    the term itself. Answers are kept like any quiz's."""

    from genai_cli.paths import progress_db
    from genai_cli.reference.lookup import term_index
    from genai_cli.study.learn import path_cards, study_path
    from genai_cli.study.selection import known_slugs

    kb = knowledge()
    target = term_index(kb).resolve(name)
    now = clock_now()
    known: set[str] = set()
    if progress_db().exists():  # showing the path creates no database
        with progress_store(now) as store:
            known = known_slugs(store.reviews())
    steps = study_path(kb, target, known)
    if as_json:
        print_json([{"slug": s.term.slug, "name": s.term.name, "known": s.known} for s in steps])
        return
    chosen_seed = session_seed(seed)
    cards = path_cards(kb, steps, mode=mode, seed=chosen_seed, include_known=include_known)
    from genai_cli.study import session
    from genai_cli.study.learn import Introducing
    from genai_cli.study.questions import QuestionMaker
    from genai_cli.views.learn import path_view, step_card
    from genai_cli.views.prompts import make_asker

    show_now(path_view(steps, len(cards)))
    order = {c.slug: n for n, c in enumerate(cards, 1)}

    def introduce(slug: str) -> None:
        term = kb.get(slug)
        if term is not None:
            show_now(step_card(term, order[slug], len(cards)))

    with progress_store(now) as store:
        store.check_writable()  # before the first step, not after its answer
        asker = Introducing(make_asker(show_now, plain=plain), introduce)
        summary = session.run(QuestionMaker(kb), cards, asker, store, clock_now, seed=chosen_seed)
        outlook = session.outlook(store, clock_now(), _unasked(summary))
    _end(summary, outlook)


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
        if not yes and not _confirm("Forget all quiz progress? A backup copy is kept."):
            sys.stdout.write("Nothing changed.\n")  # the user said no: not a failure
            return
        with progress_store(now) as store:
            backup = store.reset(now)
        sys.stdout.write(f"Progress reset; the old progress is kept in {display_path(backup)}\n")
        return
    from genai_cli.study.stats import compute, to_json

    kb = knowledge()
    threshold = leech_threshold()
    with progress_store(now) as store:
        stats = compute(
            kb, store.cards(), store.reviews(), now, tz=local_zone(), leech_threshold=threshold
        )
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
    states: dict[str, Any] = {}
    reviews: list[Any] = []
    if progress_db().exists():  # looking at a term creates no database
        with progress_store(now) as store:
            states = store.cards()
            reviews = store.reviews()
    pick = term_of_the_day(kb, states, now, tz=zone, reviews=reviews)
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

    footer = due_line(kb, states, now) if states else None
    show(today_view(pick, kb, now.astimezone(zone).date(), footer))
