"""Scheduling with fsrs at fixed UTC times, and which cards a quiz asks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from genai_cli.study.questions import AGAIN, EASY, GOOD, HARD, CardRef
from genai_cli.study.scheduler import CardState, is_due, new_card, retrievability, review
from genai_cli.study.selection import next_due, plan

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def reviewed(card: str, *ratings: int, start: datetime = T0) -> CardState:
    state: CardState | None = None
    now = start
    for rating in ratings:
        state = review(state, card, rating, now, fuzz=False)
        now = state.due
    assert state is not None
    return state


class TestScheduler:
    """Ratings move due dates the fsrs way; all times are aware UTC and passed in."""

    def test_new_card_is_due_now_and_unseen(self) -> None:
        card = new_card("typed:x", T0)
        assert card.due == T0 and card.last_review is None and card.reps == 0
        assert retrievability(card, T0) == 0.0

    def test_first_ratings_follow_learning_steps(self) -> None:
        again = review(None, "typed:x", AGAIN, T0, fuzz=False)
        good = review(None, "typed:x", GOOD, T0, fuzz=False)
        easy = review(None, "typed:x", EASY, T0, fuzz=False)
        assert again.due == T0 + timedelta(minutes=1)
        assert good.due == T0 + timedelta(minutes=10)
        assert easy.due > T0 + timedelta(days=1)
        assert good.last_review == T0 and good.reps == 1

    def test_intervals_grow_with_good_answers(self) -> None:
        state = reviewed("typed:x", GOOD, GOOD, GOOD, GOOD)
        assert state.reps == 4
        assert state.due - state.last_review > timedelta(days=3)  # type: ignore[operator]

    def test_hard_is_sooner_than_good(self) -> None:
        base = reviewed("typed:x", GOOD, GOOD)
        hard = review(base, "typed:x", HARD, base.due, fuzz=False)
        good = review(base, "typed:x", GOOD, base.due, fuzz=False)
        assert hard.due < good.due

    def test_forgetting_a_learned_card_counts_a_lapse(self) -> None:
        learned = reviewed("typed:x", GOOD, GOOD, GOOD)
        lapsed = review(learned, "typed:x", AGAIN, learned.due, fuzz=False)
        assert lapsed.lapses == 1
        assert lapsed.due - learned.due < timedelta(hours=1)

    def test_misses_while_learning_are_not_lapses(self) -> None:
        missed = reviewed("typed:x", AGAIN, AGAIN, AGAIN, AGAIN)
        assert missed.lapses == 0 and missed.reps == 4

    def test_retrievability_falls_with_time(self) -> None:
        state = reviewed("typed:x", GOOD, GOOD)
        later = [retrievability(state, state.due + timedelta(days=d)) for d in (0, 5, 30)]
        assert 1.0 >= later[0] > later[1] > later[2] > 0

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            review(None, "typed:x", GOOD, datetime(2024, 3, 1), fuzz=False)

    def test_is_due(self) -> None:
        state = review(None, "typed:x", GOOD, T0, fuzz=False)
        assert not is_due(state, T0)
        assert is_due(state, T0 + timedelta(minutes=10))


def refs(*ids: str) -> list[CardRef]:
    out = []
    for card in ids:
        kind, slug = card.split(":")
        out.append(CardRef(card, kind, slug))
    return out


class TestPlan:
    """Due cards first, lowest retrievability first, then new ones; one card per entry."""

    def test_due_cards_first_weakest_first_then_new(self) -> None:
        cards = refs("typed:a", "typed:b", "typed:c", "typed:d")
        strong = reviewed("typed:a", GOOD, GOOD, GOOD)
        weak = reviewed("typed:b", AGAIN)
        later = strong.due + timedelta(days=2)
        states = {"typed:a": strong, "typed:b": weak}
        assert retrievability(weak, later) < retrievability(strong, later)
        chosen = plan(cards, states, later, count=4, seed=1)
        assert [r.card_id for r in chosen[:2]] == ["typed:b", "typed:a"]
        assert {r.card_id for r in chosen[2:]} == {"typed:c", "typed:d"}

    def test_not_yet_due_cards_wait(self) -> None:
        cards = refs("typed:a", "typed:b")
        states = {"typed:a": review(None, "typed:a", GOOD, T0, fuzz=False)}
        assert [r.card_id for r in plan(cards, states, T0, count=5, seed=1)] == ["typed:b"]
        assert next_due(cards, states) == T0 + timedelta(minutes=10)

    def test_due_only_and_new_cap(self) -> None:
        cards = refs("typed:a", "typed:b", "typed:c", "typed:d")
        states = {"typed:a": review(None, "typed:a", AGAIN, T0, fuzz=False)}
        later = T0 + timedelta(hours=1)
        assert [r.card_id for r in plan(cards, states, later, count=9, seed=1, due_only=True)] == [
            "typed:a"
        ]
        capped = plan(cards, states, later, count=9, seed=1, new_cap=1)
        assert len(capped) == 2 and capped[0].card_id == "typed:a"
        assert plan(cards, {}, later, count=9, seed=1, new_cap=0) == []

    def test_count_and_one_card_per_entry(self) -> None:
        cards = refs("typed:a", "flashcard:a", "typed:b", "flashcard:b", "typed:c")
        chosen = plan(cards, {}, T0, count=10, seed=3)
        assert sorted(r.slug for r in chosen) == ["a", "b", "c"]
        assert len(plan(cards, {}, T0, count=2, seed=3)) == 2

    def test_seed_makes_selection_reproducible(self) -> None:
        cards = refs(*(f"typed:e{n}" for n in range(40)))
        one = plan(cards, {}, T0, count=5, seed="s")
        assert one == plan(cards, {}, T0, count=5, seed="s")
        assert one != plan(cards, {}, T0, count=5, seed="t")
