"""Which cards a session asks, and in what order (pure: no I/O, no clock)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from genai_cli.study.questions import CardRef
from genai_cli.study.scheduler import CardState, is_due, retrievability


def plan(
    refs: Sequence[CardRef],
    states: dict[str, CardState],
    now: datetime,
    *,
    count: int,
    seed: object,
    due_only: bool = False,
    new_cap: int | None = None,
) -> list[CardRef]:
    """Due cards first (lowest retrievability first), then new ones; one card per entry."""
    due = [r for r in refs if r.card_id in states and is_due(states[r.card_id], now)]
    due.sort(
        key=lambda r: (
            retrievability(states[r.card_id], now),
            states[r.card_id].stability or 0.0,
            r.card_id,
        )
    )
    chosen: list[CardRef] = []
    slugs: set[str] = set()

    def take(ref: CardRef) -> bool:
        if len(chosen) >= count or ref.slug in slugs:
            return False
        chosen.append(ref)
        slugs.add(ref.slug)
        return True

    for ref in due:
        take(ref)
    if due_only:
        return chosen
    fresh = [r for r in refs if r.card_id not in states]
    random.Random(f"{seed}:new").shuffle(fresh)
    cap = count if new_cap is None else new_cap
    added = 0
    for ref in fresh:
        if added >= cap or len(chosen) >= count:
            break
        added += take(ref)
    return chosen


def next_due(refs: Sequence[CardRef], states: dict[str, CardState]) -> datetime | None:
    """When the earliest of ``refs`` already seen is due again."""
    dues = [states[r.card_id].due for r in refs if r.card_id in states]
    return min(dues) if dues else None
