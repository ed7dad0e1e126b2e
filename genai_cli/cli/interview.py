"""The interview command: a mock interview, and the history of your answers."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from genai_cli.cli.app import (
    JsonOption,
    app,
    guarded,
    knowledge,
    optional_name,
    print_json,
    session_seed,
    show,
    show_now,
)
from genai_cli.clock import now as clock_now


def _find_question(kb: Any, name: str) -> Any:
    """The question named by its slug or its text (with suggestions when none matches, and
    otherwise the next step, as every lookup command gives)."""
    from genai_cli.reference.lookup import Index, next_step_on_miss

    with next_step_on_miss(kb, name, "question"):
        return Index(kb.questions, "question").resolve(name)


@app.command("interview")
@guarded
def interview_command(
    question: Annotated[
        str | None,
        optional_name("[QUESTION]", "With --history: the question (slug or text) to show."),
    ] = None,
    *,
    count: Annotated[
        int, typer.Option("--count", "-n", metavar="N", min=1, help="How many questions.")
    ] = 5,
    level: Annotated[
        str | None,
        typer.Option(
            "--level", metavar="basic|intermediate|advanced", help="Only questions of this level."
        ),
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="TAG", help="Only questions with this tag.")
    ] = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            "--minutes",
            metavar="M",
            min=0.1,
            help="Show a countdown of M minutes per question (never cuts an answer off).",
        ),
    ] = None,
    seed: Annotated[
        str | None, typer.Option("--seed", metavar="S", help="Reproducible choice of questions.")
    ] = None,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain", help="Plain lines: no colour, symbols or boxes (always so in a pipe)."
        ),
    ] = False,
    show_history: Annotated[
        bool, typer.Option("--history", help="Show your past answers (to QUESTION, or list all).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """A mock interview: answer open questions, compare with a model answer, grade yourself.

    Due questions first, then new ones. An empty line (Enter twice) or Ctrl-D ends an
    answer; an empty answer skips. Every graded answer is kept, with what you typed.
    """
    import sys

    from genai_cli.cli.progress import progress_store
    from genai_cli.errors import Interrupted, UsageError
    from genai_cli.study import interview, selection
    from genai_cli.study.scheduler import is_due
    from genai_cli.views import interview as views

    plain = plain or not sys.stdout.isatty()  # a pipe gets plain lines too
    kb = knowledge()
    now = clock_now()
    if show_history:
        _history(kb, question, now, plain=plain, as_json=as_json)
        return
    if as_json:
        raise UsageError("--json is only for --history")
    if question is not None:
        raise UsageError("QUESTION is only for --history; to choose questions use --tag or --level")

    refs = interview.candidates(kb, level, tag)
    chosen_seed = session_seed(seed)
    with progress_store(now) as store:
        store.check_writable()  # before the first question, not after its answer
        states = store.cards()
        cards = selection.plan(refs, states, now, count=count, seed=chosen_seed)
        if not cards:
            from genai_cli.views.quiz import nothing_to_ask

            show_now(nothing_to_ask(selection.next_due(refs, states), now, False))
            return
        asker = views.make_interviewer(
            show_now, plain=plain, limit=minutes * 60 if minutes is not None else None
        )
        report = interview.run(kb, cards, asker, store, clock_now)
        states = store.cards()
    if report.stopped == "interrupted":
        kept = len(report.graded)
        raise Interrupted(f"interrupted; {kept} answer{'s' if kept != 1 else ''} kept")
    end = clock_now()
    due_now = sum(1 for r in refs if r.card_id in states and is_due(states[r.card_id], end))
    show_now(
        views.summary_view(report, kb, selection.next_due(refs, states), due_now, end, plain=plain)
    )


def _history(kb: Any, name: str | None, now: Any, *, plain: bool, as_json: bool) -> None:
    """`genai interview --history [QUESTION]`: past answers, read-only."""
    from genai_cli.cli.progress import progress_store
    from genai_cli.paths import progress_db
    from genai_cli.study import interview
    from genai_cli.views import interview as views

    target = _find_question(kb, name) if name is not None else None
    if not progress_db().exists():  # looking creates no database
        rows: list[Any] = []
        found = interview.History(target, ()) if target is not None else None
    else:
        with progress_store(now) as store:
            rows = interview.answered_questions(kb, store)
            found = interview.history(kb, store, target) if target is not None else None
    if as_json:
        print_json(interview.history_json(found) if found else interview.answered_json(rows))
    elif found is not None:
        show(views.history_view(found, now, plain=plain))
    else:
        show(views.answered_view(rows, plain=plain))
