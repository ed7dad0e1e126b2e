"""Which cards a session asks, and in what order (pure: no I/O, no clock).

* Due cards first, the least likely to be recalled first.
* Leeches (cards failed ``leech_threshold`` times) are set aside until asked for with
  ``leeches_only``, as Anki suspends them: drilling a card that keeps failing teaches
  little; reading its entry again does.
* New cards in the order understanding needs: a topological order over the data's
  ``prerequisites`` (ties broken by a seeded shuffle), and a card whose prerequisites have
  never been answered right is not introduced yet (``genai learn NAME`` asks for one by
  name, prerequisites first).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.loader import BUNDLED, deck_name
from genai_cli.knowledge.model import Algorithm, KnowledgeBase, Myth, Term
from genai_cli.knowledge.names import normalize
from genai_cli.study.questions import CardRef, split_card_id
from genai_cli.study.scheduler import CardState, is_due, retrievability, utc

if TYPE_CHECKING:  # the store imports sqlite3; selection itself needs only its records
    from genai_cli.study.store import ReviewRecord

LEECH_THRESHOLD = 8  # lapses, as Anki's default
NEW_PER_DAY = 20  # new cards a day, as Anki's default

Prerequisites = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class Selection:
    """The cards to ask, and what was held back (for a one-line explanation)."""

    cards: tuple[CardRef, ...]
    locked: int = 0  # new entries waiting for a prerequisite to be answered right
    capped: int = 0  # new entries left out by the cap on new cards
    leeches: int = 0  # leech cards set aside


def is_leech(state: CardState, threshold: int | None) -> bool:
    """Failed ``threshold`` times or more after being learnt (None: never a leech)."""
    return threshold is not None and state.lapses >= threshold


def prerequisite_map(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Each entry's prerequisites that can themselves be quizzed (so can become known)."""
    quizzable = (Term, Algorithm, Myth)
    out: dict[str, tuple[str, ...]] = {}
    for entry in kb.entries():
        wanted = getattr(entry, "prerequisites", ())
        usable = tuple(p for p in wanted if p != entry.slug and isinstance(kb.get(p), quizzable))
        if usable:
            out[entry.slug] = usable
    return out


def known_slugs(reviews: Iterable[ReviewRecord]) -> set[str]:
    """Entries with at least one card ever answered right."""
    return {split_card_id(r.card_id)[1] for r in reviews if r.correct}


def new_cards_today(reviews: Iterable[ReviewRecord], now: datetime, tz: tzinfo) -> int:
    """Cards first answered today (local midnight to midnight in ``tz``)."""
    first: dict[str, datetime] = {}
    for r in reviews:
        if r.card_id not in first or r.reviewed_at < first[r.card_id]:
            first[r.card_id] = r.reviewed_at
    today = utc(now).astimezone(tz).date()
    return sum(1 for moment in first.values() if moment.astimezone(tz).date() == today)


def introduction_order(
    refs: Sequence[CardRef], prerequisites: Prerequisites, seed: object
) -> list[CardRef]:
    """``refs`` shuffled by ``seed``, then reordered so that no card comes before a card of
    each of its prerequisites that is among ``refs`` (Kahn's algorithm; the shuffled rank
    breaks ties). A cycle, which validation should prevent, is broken at its first card."""
    shuffled = list(refs)
    random.Random(f"{seed}:new").shuffle(shuffled)
    present = {r.slug for r in shuffled}
    waiting_on = {
        i: {p for p in prerequisites.get(r.slug, ()) if p in present and p != r.slug}
        for i, r in enumerate(shuffled)
    }
    dependants: dict[str, list[int]] = {}
    for i, needs in waiting_on.items():
        for p in needs:
            dependants.setdefault(p, []).append(i)
    ready = [i for i, needs in waiting_on.items() if not needs]
    heapq.heapify(ready)
    done: set[int] = set()
    introduced: set[str] = set()
    order: list[CardRef] = []
    while len(order) < len(shuffled):
        if not ready:  # a cycle: take the first card still waiting
            heapq.heappush(ready, min(i for i in waiting_on if i not in done))
        i = heapq.heappop(ready)
        if i in done:
            continue
        done.add(i)
        ref = shuffled[i]
        order.append(ref)
        if ref.slug in introduced:
            continue
        introduced.add(ref.slug)
        for j in dependants.get(ref.slug, ()):
            needs = waiting_on[j]
            needs.discard(ref.slug)
            if not needs and j not in done:
                heapq.heappush(ready, j)
    return order


def filter_refs(
    refs: Sequence[CardRef],
    kb: KnowledgeBase,
    *,
    tag: str | None = None,
    deck: str | None = None,
) -> list[CardRef]:
    """The cards whose entry has ``tag`` (folded like names) and comes from ``deck`` (a name
    as `genai decks` shows it, or ``bundled``); an unknown tag or deck is not found."""
    out = list(refs)
    if tag is not None:
        wanted = normalize(tag)
        entries = {r.slug: kb.get(r.slug) for r in out}
        out = [
            r
            for r in out
            if (e := entries[r.slug]) is not None and any(normalize(t) == wanted for t in e.tags)
        ]
        if not out:
            tags = sorted({t for e in entries.values() if e is not None for t in e.tags})
            raise NotFoundError(f"no card has the tag {tag!r} (tags: {', '.join(tags)})")
    if deck is not None:
        names = {r.slug: deck_of(kb, r.slug) for r in refs}
        out = [r for r in out if names[r.slug] == deck]
        if not out:
            decks = sorted(set(names.values()))
            raise NotFoundError(
                f"no card comes from a deck named {deck!r} (decks: {', '.join(decks)})"
            )
    return out


def deck_of(kb: KnowledgeBase, slug: str) -> str:
    """The deck name of an entry as `genai decks` shows it: ``bundled`` or the file's stem."""
    entry = kb.get(slug)
    return BUNDLED if entry is None or entry.deck is None else deck_name(entry.deck)


def select(
    refs: Sequence[CardRef],
    states: dict[str, CardState],
    now: datetime,
    *,
    count: int,
    seed: object,
    due_only: bool = False,
    new_cap: int | None = None,
    prerequisites: Prerequisites | None = None,
    known: Collection[str] = (),
    leech_threshold: int | None = LEECH_THRESHOLD,
    leeches_only: bool = False,
) -> Selection:
    """Due cards first (lowest retrievability first), then new ones; one card per entry.

    With ``leeches_only``, only leeches, most lapses first, due or not.
    """
    seen = [r for r in refs if r.card_id in states]
    leeches = [r for r in seen if is_leech(states[r.card_id], leech_threshold)]
    if leeches_only:
        due = sorted(
            leeches, key=lambda r: (-states[r.card_id].lapses, states[r.card_id].due, r.card_id)
        )
    else:
        due = [
            r
            for r in seen
            if is_due(states[r.card_id], now) and not is_leech(states[r.card_id], leech_threshold)
        ]
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
    aside = 0 if leeches_only else len(leeches)
    if due_only or leeches_only:
        return Selection(tuple(chosen), leeches=aside)
    needs = prerequisites or {}
    fresh = introduction_order([r for r in refs if r.card_id not in states], needs, seed)
    cap = count if new_cap is None else new_cap
    added = 0
    locked: set[str] = set()
    capped: set[str] = set()
    for ref in fresh:
        if ref.slug in slugs:
            continue
        if any(p not in known for p in needs.get(ref.slug, ())):
            locked.add(ref.slug)
            continue
        if len(chosen) >= count:
            continue
        if added >= cap:
            capped.add(ref.slug)
            continue
        added += take(ref)
    return Selection(tuple(chosen), len(locked - slugs), len(capped - slugs), aside)


def plan(
    refs: Sequence[CardRef], states: dict[str, CardState], now: datetime, **options: Any
) -> list[CardRef]:
    """The cards :func:`select` picks (same options), in the order they are asked."""
    return list(select(refs, states, now, **options).cards)


def next_due(
    refs: Sequence[CardRef],
    states: dict[str, CardState],
    leech_threshold: int | None = LEECH_THRESHOLD,
) -> datetime | None:
    """When the earliest of ``refs`` already seen (leeches aside) is due again."""
    dues = [
        states[r.card_id].due
        for r in refs
        if r.card_id in states and not is_leech(states[r.card_id], leech_threshold)
    ]
    return min(dues) if dues else None


def due_summary(
    states: Mapping[str, CardState],
    now: datetime,
    *,
    exists: Collection[str] | None = None,
    leech_threshold: int | None = LEECH_THRESHOLD,
) -> tuple[int, datetime | None]:
    """How many cards are due at ``now`` and when the earliest is due, leeches aside;
    with ``exists``, only cards of those entries (a deck no longer loaded is not asked)."""
    waiting = [
        s
        for s in states.values()
        if s.last_review is not None
        and not is_leech(s, leech_threshold)
        and (exists is None or split_card_id(s.card_id)[1] in exists)
    ]
    due = sum(1 for s in waiting if is_due(s, now))
    return due, min((s.due for s in waiting), default=None)
