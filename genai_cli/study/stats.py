"""Progress figures and the term of the day: pure functions of stored progress and ``now``."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.model import KnowledgeBase, Term
from genai_cli.knowledge.yamlsafe import clean
from genai_cli.study.questions import split_card_id
from genai_cli.study.scheduler import CardState, is_due, retrievability, utc

if TYPE_CHECKING:  # the store imports sqlite3; `genai today` without progress needs neither
    from genai_cli.study.store import ReviewRecord

HISTORY_DAYS = 30
WEAKEST = 5


@dataclass(frozen=True, slots=True)
class Weak:
    """A card that is likely to be forgotten."""

    card_id: str
    kind: str
    slug: str
    title: str
    retrievability: float
    lapses: int
    due: datetime


@dataclass(frozen=True, slots=True)
class Stats:
    cards: int
    reviews: int
    correct: int
    due_now: int
    due_today: int
    due_week: int
    retention: float | None  # mean retrievability of the cards seen
    weakest: tuple[Weak, ...]
    history: tuple[tuple[date, int], ...]  # reviews per day, oldest first, today last

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.reviews if self.reviews else None


def _frailty(state: CardState) -> tuple[int, float, str]:
    """Tie-breaks between cards of equal recall (fsrs counts whole days): more lapses,
    then lower stability, come first."""
    return (-state.lapses, state.stability or 0.0, state.card_id)


def _title(kb: KnowledgeBase, slug: str) -> str:
    entry = kb.get(slug)
    return entry.label if entry is not None else clean(slug)


def compute(
    kb: KnowledgeBase,
    states: dict[str, CardState],
    reviews: Sequence[ReviewRecord],
    now: datetime,
    tz: tzinfo = timezone.utc,
) -> Stats:
    """Counts, due cards, retention, weakest cards and reviews per day at ``now``.

    "Today" ends at midnight in ``tz`` (the learner's local time zone).
    """
    now = utc(now)
    today = now.astimezone(tz).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    seen = [s for s in states.values() if s.last_review is not None]
    recall = {s.card_id: retrievability(s, now) for s in seen}
    ranked = sorted(seen, key=lambda s: (recall[s.card_id], *_frailty(s)))
    weakest = []
    for state in ranked[:WEAKEST]:
        # Card ids come from progress.db, which may not be genai's own: data, cleaned like
        # deck text before they reach a terminal (or JSON, which keeps C1 and bidi raw).
        kind, slug = (clean(part) for part in split_card_id(state.card_id))
        weakest.append(
            Weak(
                clean(state.card_id),
                kind,
                slug,
                _title(kb, slug),
                recall[state.card_id],
                state.lapses,
                state.due,
            )
        )
    per_day = Counter(r.reviewed_at.astimezone(tz).date() for r in reviews)
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    return Stats(
        cards=len(seen),
        reviews=len(reviews),
        correct=sum(1 for r in reviews if r.correct),
        due_now=sum(1 for s in seen if is_due(s, now)),
        due_today=sum(1 for s in seen if s.due < end_of_today),
        due_week=sum(1 for s in seen if s.due <= now + timedelta(days=7)),
        retention=sum(recall.values()) / len(recall) if recall else None,
        weakest=tuple(weakest),
        history=tuple((day, per_day.get(day, 0)) for day in days),
    )


def to_json(stats: Stats) -> dict[str, Any]:
    """``genai stats --json``: reviews, correct, cards and due are the stable fields."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "reviews": stats.reviews,
        "correct": stats.correct,
        "cards": stats.cards,
        "due": stats.due_now,
        "due_today": stats.due_today,
        "due_week": stats.due_week,
        "accuracy": rounded(stats.accuracy),
        "retention": rounded(stats.retention),
        "weakest": [
            {
                "card": w.card_id,
                "kind": w.kind,
                "slug": w.slug,
                "name": w.title,
                "retrievability": rounded(w.retrievability),
                "lapses": w.lapses,
                "due": w.due.isoformat(),
            }
            for w in stats.weakest
        ],
        "history": [{"date": d.isoformat(), "reviews": n} for d, n in stats.history],
    }


@dataclass(frozen=True, slots=True)
class TodayPick:
    term: Term
    reason: str  # "overdue", "weakest" or "date"
    due: datetime | None = None
    retrievability: float | None = None


def term_of_the_day(
    kb: KnowledgeBase,
    states: dict[str, CardState],
    now: datetime,
    tz: tzinfo = timezone.utc,
) -> TodayPick:
    """The most overdue term card, else the weakest one, else a pick fixed for the date."""
    now = utc(now)
    seen: list[tuple[CardState, Term]] = []
    for state in states.values():
        entry = kb.get(split_card_id(state.card_id)[1])
        if isinstance(entry, Term) and state.last_review is not None:
            seen.append((state, entry))
    overdue = sorted(
        ((s, t) for s, t in seen if is_due(s, now)), key=lambda p: (p[0].due, p[0].card_id)
    )
    if overdue:
        state, term = overdue[0]
        return TodayPick(term, "overdue", state.due, retrievability(state, now))
    if seen:
        state, term = min(seen, key=lambda p: (retrievability(p[0], now), *_frailty(p[0])))
        return TodayPick(term, "weakest", state.due, retrievability(state, now))
    if not kb.terms:
        raise NotFoundError("there are no terms to choose from")
    day = now.astimezone(tz).date()
    return TodayPick(random.Random(day.isoformat()).choice(kb.terms), "date")
