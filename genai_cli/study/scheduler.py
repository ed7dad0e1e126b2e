"""Spaced repetition through the ``fsrs`` package; the only module that imports it.

Card state travels as :class:`CardState`, a plain frozen record the store can persist
without knowing fsrs. Every datetime is timezone-aware UTC and passed in.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

LEARNING, REVIEW, RELEARNING = 1, 2, 3  # fsrs.State values, without importing fsrs


@dataclass(frozen=True, slots=True)
class CardState:
    """One card's scheduling state (fsrs fields) plus counters for stats."""

    card_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0


def utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC; a naive datetime is refused (it is always a bug here)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass timezone-aware UTC times")
    return moment.astimezone(timezone.utc)


@lru_cache(maxsize=2)
def _scheduler(fuzz: bool) -> Any:
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=fuzz)


def _to_fsrs(state: CardState) -> Any:
    import fsrs

    return fsrs.Card(
        card_id=zlib.crc32(state.card_id.encode()),
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def new_card(card_id: str, now: datetime) -> CardState:
    """A card never reviewed: due now."""
    import fsrs

    card = fsrs.Card(card_id=zlib.crc32(card_id.encode()), due=utc(now))
    return CardState(
        card_id, int(card.state), card.step, card.stability, card.difficulty, utc(now), None
    )


def review(
    previous: CardState | None,
    card_id: str,
    rating: int,
    now: datetime,
    *,
    fuzz: bool = True,
) -> CardState:
    """The card's state after answering with ``rating`` (1 Again … 4 Easy) at ``now``."""
    import fsrs

    before = previous if previous is not None else new_card(card_id, now)
    card, _log = _scheduler(fuzz).review_card(_to_fsrs(before), fsrs.Rating(rating), utc(now))
    return CardState(
        card_id,
        int(card.state),
        card.step,
        card.stability,
        card.difficulty,
        utc(card.due),
        utc(card.last_review) if card.last_review else None,
        before.reps + 1,
        before.lapses + (1 if rating == 1 and before.last_review is not None else 0),
    )


def retrievability(state: CardState, now: datetime) -> float:
    """The estimated chance (0-1) of recalling the card at ``now``; 0 for a card never seen."""
    if state.last_review is None:
        return 0.0
    value: float = _scheduler(False).get_card_retrievability(_to_fsrs(state), utc(now))
    return value


def is_due(state: CardState, now: datetime) -> bool:
    return state.due <= utc(now)
