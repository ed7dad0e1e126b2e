"""Progress figures and the term of the day: pure functions of stored progress and ``now``."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.model import KnowledgeBase, Term
from genai_cli.knowledge.yamlsafe import clean
from genai_cli.study.questions import split_card_id
from genai_cli.study.scheduler import REVIEW, CardState, is_due, retrievability, utc
from genai_cli.study.selection import LEECH_THRESHOLD, is_leech

if TYPE_CHECKING:  # the store imports sqlite3; `genai today` without progress needs neither
    from genai_cli.study.store import ReviewRecord

HISTORY_DAYS = 30
FORECAST_DAYS = 14
WEAKEST = 5
RECENT = 5  # how many of a card's latest answers "recent failures" looks at


@dataclass(frozen=True, slots=True)
class Weak:
    """A card the learner has been failing: recently, or often."""

    card_id: str
    kind: str
    slug: str
    title: str
    retrievability: float
    lapses: int
    due: datetime
    recent_failures: int = 0  # wrong among the card's latest RECENT answers
    recent_reviews: int = 0  # how many answers that looked at (RECENT at most)


@dataclass(frozen=True, slots=True)
class Leech:
    """A card failed so often that the quiz sets it aside (see selection.is_leech)."""

    card_id: str
    kind: str
    slug: str
    title: str
    lapses: int


@dataclass(frozen=True, slots=True)
class Stats:
    cards: int
    reviews: int
    correct: int
    due_now: int
    due_today: int
    due_week: int
    retention: float | None  # mean retrievability of the cards learnt (not in learning steps)
    weakest: tuple[Weak, ...]
    history: tuple[tuple[date, int], ...]  # reviews per day, oldest first, today last
    leeches: tuple[Leech, ...] = ()
    forecast: tuple[tuple[date, int], ...] = ()  # cards coming due per day, today first
    streak: int = 0  # days in a row with a review, up to today (or yesterday)
    reviewed_today: bool = False

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.reviews if self.reviews else None


def _mean(values: Iterable[float]) -> float | None:
    """The mean, or None for nothing. Retention counts learnt cards only: a card missed a
    minute ago reads 100% recall (no time has passed), which says nothing about memory."""
    items = list(values)
    return sum(items) / len(items) if items else None


def _parts(card_id: str) -> tuple[str, str]:
    """A card id's kind and slug. Card ids come from progress.db, which may not be
    genai's own: data, cleaned like deck text before they reach a terminal (or JSON,
    which keeps C1 and bidi raw)."""
    kind, slug = split_card_id(card_id)
    return clean(kind), clean(slug)


def _title(kb: KnowledgeBase, slug: str) -> str:
    entry = kb.get(slug)
    return entry.label if entry is not None else clean(slug)


def failure_scores(reviews: Sequence[ReviewRecord]) -> dict[str, tuple[float, int, int]]:
    """Per card: failures among its latest RECENT answers weighted by recency (the latest
    counts 1, the one before 1/2, then 1/4 ...), how many of those were wrong, and how many
    answers were looked at. A miss a minute ago weighs most; one since answered right
    three times weighs little."""
    latest: dict[str, list[bool]] = {}
    for r in sorted(reviews, key=lambda r: r.reviewed_at):
        latest.setdefault(r.card_id, []).append(r.correct)
    out: dict[str, tuple[float, int, int]] = {}
    for card, answers in latest.items():
        recent = answers[-RECENT:][::-1]  # newest first
        score = sum(0.5**age for age, right in enumerate(recent) if not right)
        out[card] = (score, sum(1 for right in recent if not right), len(recent))
    return out


def rank_weakest(
    states: Sequence[CardState], reviews: Sequence[ReviewRecord], now: datetime
) -> list[tuple[CardState, tuple[float, int, int]]]:
    """Cards with a recent failure or a lapse, weakest first: recent failures weighted by
    recency, then lapses, then the lower recall estimate. Not by recall alone: that reads
    100% a minute after a miss, when the card is weakest."""
    scores = failure_scores(reviews)
    found = []
    for state in states:
        score = scores.get(state.card_id, (0.0, 0, 0))
        if score[0] > 0 or state.lapses > 0:
            found.append((state, score))
    found.sort(key=lambda p: (-p[1][0], -p[0].lapses, retrievability(p[0], now), p[0].card_id))
    return found


def _local_day(moment: datetime, tz: tzinfo) -> date:
    return utc(moment).astimezone(tz).date()


def streak(days: Collection[date], today: date) -> int:
    """Days in a row with a review, ending today, or yesterday while today has none yet
    (the day is not over, so the streak is not broken)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def forecast(
    states: Iterable[CardState], now: datetime, tz: tzinfo, days: int = FORECAST_DAYS
) -> tuple[tuple[date, int], ...]:
    """Cards coming due on each of the next ``days`` local days, today first (overdue
    cards count for today)."""
    today = _local_day(now, tz)
    counts = Counter(max(today, _local_day(s.due, tz)) for s in states)
    return tuple(
        (today + timedelta(days=n), counts.get(today + timedelta(days=n), 0)) for n in range(days)
    )


def compute(
    kb: KnowledgeBase,
    states: dict[str, CardState],
    reviews: Sequence[ReviewRecord],
    now: datetime,
    tz: tzinfo = timezone.utc,
    *,
    leech_threshold: int | None = LEECH_THRESHOLD,
) -> Stats:
    """Counts, due cards, retention, weakest cards, leeches, reviews per day, the due
    forecast and the streak at ``now``.

    "Today" ends at midnight in ``tz`` (the learner's local time zone). Leeches are set
    aside by the quiz, so they are not counted as due.
    """
    now = utc(now)
    today = now.astimezone(tz).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    seen = [s for s in states.values() if s.last_review is not None]
    leech_states = [s for s in seen if is_leech(s, leech_threshold)]
    active = [s for s in seen if not is_leech(s, leech_threshold)]
    recall = {s.card_id: retrievability(s, now) for s in seen}
    weakest = []
    for state, (_score, failures, looked) in rank_weakest(active, reviews, now)[:WEAKEST]:
        kind, slug = _parts(state.card_id)
        weakest.append(
            Weak(
                clean(state.card_id),
                kind,
                slug,
                _title(kb, slug),
                recall[state.card_id],
                state.lapses,
                state.due,
                failures,
                looked,
            )
        )
    leeches = []
    for state in sorted(leech_states, key=lambda s: (-s.lapses, s.card_id)):
        kind, slug = _parts(state.card_id)
        leeches.append(Leech(clean(state.card_id), kind, slug, _title(kb, slug), state.lapses))
    per_day = Counter(_local_day(r.reviewed_at, tz) for r in reviews)
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    return Stats(
        cards=len(seen),
        reviews=len(reviews),
        correct=sum(1 for r in reviews if r.correct),
        due_now=sum(1 for s in active if is_due(s, now)),
        due_today=sum(1 for s in active if s.due < end_of_today),
        due_week=sum(1 for s in active if s.due <= now + timedelta(days=7)),
        retention=_mean(recall[s.card_id] for s in seen if s.state == REVIEW),
        weakest=tuple(weakest),
        history=tuple((day, per_day.get(day, 0)) for day in days),
        leeches=tuple(leeches),
        forecast=forecast(active, now, tz),
        streak=streak(per_day.keys(), today),
        reviewed_today=per_day.get(today, 0) > 0,
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
                "recent_failures": w.recent_failures,
                "due": w.due.isoformat(),
            }
            for w in stats.weakest
        ],
        "leeches": [
            {"card": x.card_id, "kind": x.kind, "slug": x.slug, "name": x.title, "lapses": x.lapses}
            for x in stats.leeches
        ],
        "history": [{"date": d.isoformat(), "reviews": n} for d, n in stats.history],
        "forecast": [{"date": d.isoformat(), "due": n} for d, n in stats.forecast],
        "streak": stats.streak,
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
    reviews: Sequence[ReviewRecord] = (),
) -> TodayPick:
    """The most overdue term card, else the weakest one (ranked as in stats: recent
    failures, then lapses, then recall), else a pick fixed for the date."""
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
    ranked = rank_weakest([s for s, _t in seen], reviews, now)
    if ranked:
        state = ranked[0][0]
        term = next(t for s, t in seen if s is state)
        return TodayPick(term, "weakest", state.due, retrievability(state, now))
    if seen:
        state, term = min(
            seen,
            key=lambda p: (retrievability(p[0], now), p[0].stability or 0.0, p[0].card_id),
        )
        return TodayPick(term, "weakest", state.due, retrievability(state, now))
    if not kb.terms:
        raise NotFoundError("there are no terms to choose from")
    day = now.astimezone(tz).date()
    return TodayPick(random.Random(day.isoformat()).choice(kb.terms), "date")
