"""Running a quiz: ask through an :class:`Asker`, relearn misses, record every answer.

Each answer is committed to the store before the next question is shown, so whatever
stops the quiz (end of input, Ctrl-C, SIGKILL) keeps every answer given so far.

A card answered wrong (or graded Again, or Hard while still in its learning steps) comes
back a few cards later, until it is answered right: the session ends when every card asked
has been passed, or when the learner stops. Undo takes back the last answer (its review is
removed and the card's state restored, in one transaction) and asks the card again.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Protocol

from genai_cli.errors import StoreError
from genai_cli.knowledge.model import KnowledgeBase
from genai_cli.knowledge.yamlsafe import clean
from genai_cli.study.grading import grade
from genai_cli.study.questions import (
    AGAIN,
    FLASHCARD,
    HARD,
    CardRef,
    Outcome,
    Question,
    QuestionMaker,
    split_card_id,
)
from genai_cli.study.scheduler import CardState, is_due, new_card, preview, review
from genai_cli.study.store import Recorded, ReviewRecord, SessionRecord, Stopped, Store

RELEARN_GAP = 3  # a missed card comes back after this many other cards (or at the end)
LEECH_THRESHOLD = 8  # lapses that make a card a leech (Anki's default)
_LEARNING_STATES = (1, 3)  # fsrs: Learning, Relearning


class Command(enum.Enum):
    """What a learner can say instead of answering."""

    UNDO = "undo"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the session stands when a question is asked."""

    asked: int  # distinct cards asked so far, this one included
    total: int  # cards planned
    relearn: int  # other cards waiting to be asked again
    retry: bool = False  # this card was missed earlier in the session
    can_undo: bool = False
    next_due: dict[int, datetime] = field(default_factory=dict)  # flashcards: per rating
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the session makes of an answer, beyond right or wrong."""

    comes_back: bool = False  # asked again later in this session
    leech: bool = False  # this answer made the card a leech
    lapses: int = 0  # how often the card has been forgotten


class Asker(Protocol):
    """Shows questions and reads answers (prompt_toolkit, plain lines, or a fake in tests)."""

    def ask(self, question: Question, progress: Progress) -> str | Command | None:
        """A response :func:`grade` accepts, or a command; None on Ctrl-C; raises EOFError
        at end of input."""

    def feedback(self, question: Question, outcome: Outcome, verdict: Verdict) -> Command | None:
        """Tell the learner how the answer was graded; may return a command (undo, quit)."""


@dataclass(frozen=True, slots=True)
class Answered:
    question: Question
    outcome: Outcome
    state: CardState  # after the review: when the card is next due


@dataclass(frozen=True, slots=True)
class Summary:
    """What happened in one quiz."""

    answered: tuple[Answered, ...]  # every answer in order, retries included
    planned: int
    started: datetime
    finished: datetime
    stopped: Stopped
    session_id: int | None = None
    leeches: tuple[str, ...] = ()  # titles of cards that became leeches

    def _firsts(self) -> dict[str, Answered]:
        firsts: dict[str, Answered] = {}
        for a in self.answered:
            firsts.setdefault(a.question.card_id, a)
        return firsts

    def latest(self) -> dict[str, Answered]:
        """Each card's last answer (its state is the card's state now)."""
        return {a.question.card_id: a for a in self.answered}

    @property
    def cards(self) -> int:
        return len(self._firsts())

    @property
    def right(self) -> int:
        """Cards answered right the first time they were asked."""
        return sum(1 for a in self._firsts().values() if a.outcome.correct)

    @property
    def missed(self) -> tuple[Answered, ...]:
        """Cards answered wrong the first time (each once)."""
        return tuple(a for a in self._firsts().values() if not a.outcome.correct)

    @property
    def unasked(self) -> int:
        return max(0, self.planned - self.cards)

    @property
    def seconds(self) -> float:
        return max(0.0, (self.finished - self.started).total_seconds())


@dataclass(slots=True)
class _Step:
    """One answer and what the session looked like before it, for undo."""

    review_id: int
    queue: list[tuple[CardRef, int]]
    passed: set[str]
    asked: set[str]
    answered: int
    leeches: int


def passes(outcome: Outcome, state: CardState, kind: str) -> bool:
    """Whether an answer ends the card's relearning in this session."""
    if outcome.rating == AGAIN or not outcome.correct:
        return False
    return not (kind == FLASHCARD and outcome.rating == HARD and state.state in _LEARNING_STATES)


class _Session:
    """The queue of cards still to ask, what was answered, and the undo history."""

    def __init__(self, store: Store, cards: Sequence[CardRef], session_id: int) -> None:
        self.store = store
        self.session_id = session_id
        self.total = len(cards)
        self.queue: list[tuple[CardRef, int]] = [(ref, 0) for ref in cards]
        self.answered: list[Answered] = []
        self.history: list[_Step] = []
        self.passed: set[str] = set()
        self.asked: set[str] = set()
        self.leeches: list[str] = []

    def progress(self, question: Question, attempt: int, now: datetime) -> Progress:
        card = question.card_id
        flashcard = question.style == "flashcard"
        return Progress(
            asked=len(self.asked | {card}),
            total=self.total,
            relearn=len({r.card_id for r, n in self.queue[1:] if n > 0} - {card}),
            retry=attempt > 0,
            can_undo=bool(self.history),
            next_due=preview(self.store.card(card), card, now) if flashcard else {},
            now=now,
        )

    def record(
        self, question: Question, outcome: Outcome, record: ReviewRecord, *, fuzz: bool
    ) -> Recorded:
        """Commit the answer, then move the card on: passed, or back in a few cards."""
        step = _Step(
            0,
            list(self.queue),
            set(self.passed),
            set(self.asked),
            len(self.answered),
            len(self.leeches),
        )
        recorded = self.store.answer(
            question.card_id,
            partial(
                review,
                card_id=question.card_id,
                rating=outcome.rating,
                now=record.reviewed_at,
                fuzz=fuzz,
            ),
            record,
        )
        step.review_id = recorded.review_id
        self.history.append(step)
        self.answered.append(Answered(question, outcome, recorded.state))
        ref, attempt = self.queue.pop(0)
        self.asked.add(ref.card_id)
        if passes(outcome, recorded.state, question.kind):
            self.passed.add(ref.card_id)
        else:
            self.queue.insert(self._comeback_at(), (ref, attempt + 1))
        return recorded

    def _comeback_at(self) -> int:
        """Where a missed card goes back in the queue: after RELEARN_GAP other cards (or at
        the end), and never ahead of the next card not asked yet, so that a run of misses
        cannot keep the rest of the session from being asked."""
        fresh = next((i for i, (_, n) in enumerate(self.queue) if n == 0), None)
        at = RELEARN_GAP if fresh is None else max(RELEARN_GAP, fresh + 1)
        return min(at, len(self.queue))

    def undo(self) -> None:
        """Take back the last answer: remove its review, restore the card and the queue."""
        if not self.history:
            return
        step = self.history.pop()
        self.store.undo(step.review_id)
        del self.answered[step.answered :]
        del self.leeches[step.leeches :]
        self.queue, self.passed, self.asked = step.queue, step.passed, step.asked


def run(
    maker: QuestionMaker,
    cards: Sequence[CardRef],
    asker: Asker,
    store: Store,
    clock: Callable[[], datetime],
    *,
    seed: object,
    fuzz: bool = True,
    leech_threshold: int = LEECH_THRESHOLD,
) -> Summary:
    """Ask every card, again until passed, committing each answer before the next question."""
    maker.prepare(cards)
    started = clock()
    session = _Session(store, cards, store.start_session(started, [c.card_id for c in cards]))
    stopped: Stopped = "interrupted"  # until the loop ends some other way
    try:
        stopped = _loop(maker, session, asker, clock, seed, fuzz, leech_threshold)
    finally:
        with contextlib.suppress(StoreError):  # the answers are kept whatever happens here
            store.end_session(session.session_id, clock(), stopped)
    return Summary(
        tuple(session.answered),
        len(cards),
        started,
        clock(),
        stopped,
        session.session_id,
        tuple(session.leeches),
    )


def _loop(  # noqa: PLR0917
    maker: QuestionMaker,
    session: _Session,
    asker: Asker,
    clock: Callable[[], datetime],
    seed: object,
    fuzz: bool,
    leech_threshold: int,
) -> Stopped:
    while session.queue:
        ref, attempt = session.queue[0]
        question = maker.make(ref, seed if attempt == 0 else f"{seed}:{attempt}")
        shown = clock()
        try:
            raw = asker.ask(question, session.progress(question, attempt, shown))
        except EOFError:
            return "end-of-input"
        except KeyboardInterrupt:
            raw = None
        if raw is None or raw is Command.QUIT:
            return "quit" if raw is Command.QUIT else "interrupted"
        if raw is Command.UNDO:
            session.undo()
            continue
        outcome = grade(question, raw, maker.names) or Outcome(False, AGAIN, raw)
        now = clock()
        record = ReviewRecord(
            question.card_id,
            now,
            outcome.rating,
            outcome.correct,
            outcome.close,
            outcome.given,
            int((now - shown).total_seconds() * 1000),
            session.session_id,
        )
        recorded = session.record(question, outcome, record, fuzz=fuzz)
        before = recorded.previous.lapses if recorded.previous else 0
        leech = before < leech_threshold <= recorded.state.lapses
        if leech:
            session.leeches.append(question.title)
        comes_back = ref.card_id not in session.passed
        try:
            command = asker.feedback(
                question, outcome, Verdict(comes_back, leech, recorded.state.lapses)
            )
        except KeyboardInterrupt:
            return "interrupted"
        if command is Command.UNDO:
            session.undo()
        elif command is Command.QUIT:
            return "quit"
    return "done"


@dataclass(frozen=True, slots=True)
class Outlook:
    """Progress beyond this session: cards due now, and the next due time."""

    due_now: int
    next_due: datetime | None
    unasked: int = 0  # cards of a stopped session a plain `genai quiz` resumes


def outlook(store: Store, now: datetime, unasked: int = 0) -> Outlook:
    """How many cards are due at ``now``, and when the next one is."""
    states = store.cards().values()
    due_now = sum(1 for s in states if is_due(s, now))
    later = [s.due for s in states if not is_due(s, now)]
    return Outlook(due_now, min(later) if later else None, unasked)


def last_summary(store: Store, kb: KnowledgeBase, now: datetime) -> Summary | None:
    """The most recent session as a :class:`Summary` (for `genai stats --last`)."""
    last = store.last_session()
    if last is None:
        return None
    states = store.cards()
    answered = []
    for record in store.session_reviews(last.id):
        # progress.db may not be genai's own: its card ids and answers are data, cleaned
        # like deck text before they reach a terminal or JSON (C1).
        card_id = clean(record.card_id)
        kind, slug = split_card_id(card_id)
        entry = kb.get(slug)
        title = entry.label if entry is not None else slug
        question = Question(card_id, kind, slug, title, "", entry_kind=entry.kind if entry else "")
        outcome = Outcome(record.correct, record.rating, clean(record.answer), record.close)
        state = states.get(record.card_id) or new_card(card_id, now)
        answered.append(Answered(question, outcome, state))
    stopped: Stopped = last.stopped or "interrupted"  # not set: killed while it ran
    return Summary(
        tuple(answered),
        len(last.planned),
        last.started_at,
        last.finished_at or last.started_at,
        stopped,
        last.id,
    )


def summary_to_json(summary: Summary) -> dict[str, object]:
    """A session for `stats --last --json`: one entry per card, its answers in order."""
    cards: dict[str, dict[str, object]] = {}
    for item in summary.answered:
        q = item.question
        card = cards.setdefault(
            q.card_id, {"card_id": q.card_id, "title": q.title, "kind": q.kind, "answers": []}
        )
        answers = card["answers"]
        assert isinstance(answers, list)
        answers.append(
            {
                "answer": item.outcome.given,
                "correct": item.outcome.correct,
                "rating": item.outcome.rating,
            }
        )
        card["next_due"] = item.state.due.isoformat()
    return {
        "session": summary.session_id,
        "started": summary.started.isoformat(),
        "finished": summary.finished.isoformat(),
        "stopped": summary.stopped,
        "planned": summary.planned,
        "right_first_time": summary.right,
        "cards": list(cards.values()),
    }


def resume(
    store: Store, refs: Sequence[CardRef], count: int
) -> tuple[list[CardRef], SessionRecord | None]:
    """The unanswered cards of the last session if it was stopped early (quit, Ctrl-C,
    killed) and not resumed yet, limited to ``refs`` and ``count``; marks it resumed."""
    last = store.last_session(resumable=True)
    if last is None:
        return [], None
    answered = {r.card_id for r in store.session_reviews(last.id)}
    known = {r.card_id: r for r in refs}
    left = [known[c] for c in last.planned if c not in answered and c in known]
    store.mark_resumed(last.id)
    return left[:count], (last if left else None)


def merge(first: Sequence[CardRef], planned: Sequence[CardRef], count: int) -> list[CardRef]:
    """``first``, then ``planned`` (one card per entry), ``count`` in all."""
    out = list(first)
    slugs = {split_card_id(r.card_id)[1] for r in out}
    for ref in planned:
        if len(out) >= count:
            break
        if ref.slug not in slugs:
            out.append(ref)
            slugs.add(ref.slug)
    return out[:count]
