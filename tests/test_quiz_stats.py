"""Progress figures and the term of the day at fixed times and time zones."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import Term
from genai_cli.study.questions import AGAIN, EASY, GOOD
from genai_cli.study.scheduler import CardState, review
from genai_cli.study.stats import compute, term_of_the_day, to_json
from genai_cli.study.store import ReviewRecord

KB = load_bundled()
T0 = datetime(2024, 3, 1, 22, 0, tzinfo=timezone.utc)
EAST = timezone(timedelta(hours=3))  # already 1 a.m. on 2 March there


def state(card: str, rating: int, at: datetime) -> CardState:
    return review(None, card, rating, at, fuzz=False)


class TestCompute:
    """Counts, accuracy, due now/today/week, history per local day, weakest first."""

    def test_empty(self) -> None:
        stats = compute(KB, {}, [], T0)
        assert (stats.cards, stats.reviews, stats.accuracy, stats.retention) == (0, 0, None, None)
        assert len(stats.history) == 30 and stats.history[-1] == (date(2024, 3, 1), 0)
        assert to_json(stats)["due"] == 0

    def test_counts_and_due_windows(self) -> None:
        states = {
            "typed:latent-space": state("typed:latent-space", AGAIN, T0 - timedelta(hours=1)),
            "typed:embedding": state("typed:embedding", GOOD, T0),  # due 22:10
            "typed:softmax": state("typed:softmax", EASY, T0 - timedelta(days=3)),  # due 6 Mar
        }
        reviews = [
            ReviewRecord("typed:latent-space", T0 - timedelta(hours=1), AGAIN, False),
            ReviewRecord("typed:embedding", T0, GOOD, True),
            ReviewRecord("typed:softmax", T0 - timedelta(days=3, hours=1), AGAIN, False),
            ReviewRecord("typed:softmax", T0 - timedelta(days=3), EASY, True),
        ]
        stats = compute(KB, states, reviews, T0)
        assert (stats.cards, stats.reviews, stats.correct) == (3, 4, 2)
        assert stats.due_now == 1  # latent-space, answered wrong an hour ago
        assert stats.due_today == 2  # embedding is due at 22:10 UTC
        assert stats.due_week == 3  # softmax on 6 March
        # Missed an hour ago beats missed, then answered right; never missed is not weak.
        assert [w.slug for w in stats.weakest] == ["latent-space", "softmax"]
        assert dict(stats.history)[date(2024, 2, 27)] == 2
        east = compute(KB, states, reviews, T0, tz=EAST)
        assert east.history[-1][0] == date(2024, 3, 2)
        assert dict(stats.history)[date(2024, 3, 1)] == 2
        assert dict(east.history)[date(2024, 3, 2)] == 2  # 21:00 and 22:00 UTC: 2 March there
        assert dict(east.history)[date(2024, 3, 1)] == 0
        data = to_json(stats)
        assert data["weakest"][0]["name"] == "Latent Space"
        assert data["accuracy"] == 0.5


class TestTermOfTheDay:
    """Overdue first, then weakest, else a pick fixed for the local date."""

    def test_stable_for_the_date_without_progress(self) -> None:
        morning = term_of_the_day(KB, {}, T0.replace(hour=1))
        evening = term_of_the_day(KB, {}, T0.replace(hour=23))
        assert morning == evening and morning.reason == "date"
        assert isinstance(morning.term, Term)
        picks = {term_of_the_day(KB, {}, T0 + timedelta(days=d)).term.slug for d in range(10)}
        assert len(picks) > 1

    def test_local_date_decides(self) -> None:
        utc_pick = term_of_the_day(KB, {}, T0)
        east_pick = term_of_the_day(KB, {}, T0, tz=EAST)
        next_day = term_of_the_day(KB, {}, T0 + timedelta(hours=3))
        assert east_pick == next_day
        assert utc_pick == term_of_the_day(KB, {}, T0.replace(hour=0))

    def test_most_overdue_term_wins(self) -> None:
        states = {
            "typed:embedding": state("typed:embedding", AGAIN, T0 - timedelta(hours=2)),
            "typed:softmax": state("typed:softmax", AGAIN, T0 - timedelta(hours=5)),
            "myth-or-fact:replace-human-creativity": state(
                "myth-or-fact:replace-human-creativity", AGAIN, T0 - timedelta(days=9)
            ),
        }
        pick = term_of_the_day(KB, states, T0)
        assert (pick.term.slug, pick.reason) == ("softmax", "overdue")

    def test_weakest_term_when_nothing_is_due(self) -> None:
        states = {
            "typed:embedding": state("typed:embedding", GOOD, T0),
            "typed:softmax": state("typed:softmax", AGAIN, T0),
        }
        pick = term_of_the_day(KB, states, T0)
        assert (pick.term.slug, pick.reason) == ("softmax", "weakest")
