"""Progress figures and the term of the day at fixed times and time zones."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import Term
from genai_cli.study.questions import AGAIN, EASY, GOOD
from genai_cli.study.scheduler import CardState, review
from genai_cli.study.stats import compute, forecast, streak, term_of_the_day, to_json
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


class TestWeakest:
    """Weakest ranks by recent misses (recency-weighted), then lapses; not by recall."""

    def test_cards_missed_just_now_rank_above_cards_answered_right(self) -> None:
        right = ["typed:embedding", "typed:softmax", "typed:attention"]
        wrong = ["typed:latent-space", "typed:tokenization"]
        states = {c: state(c, GOOD, T0 - timedelta(minutes=5)) for c in right}
        states |= {c: state(c, AGAIN, T0 - timedelta(minutes=1)) for c in wrong}
        reviews = [ReviewRecord(c, T0 - timedelta(minutes=5), GOOD, True) for c in right]
        reviews += [ReviewRecord(c, T0 - timedelta(minutes=1), AGAIN, False) for c in wrong]
        stats = compute(KB, states, reviews, T0)
        # Recall reads 100% for every card a minute after the miss: it cannot tell them apart.
        assert all(w.retrievability > 0.99 for w in stats.weakest)
        assert {w.card_id for w in stats.weakest} == set(wrong)
        assert all(w.recent_failures == 1 for w in stats.weakest)

    def test_recent_misses_weigh_more_than_old_ones(self) -> None:
        old, new = "typed:embedding", "typed:softmax"
        states = {c: state(c, GOOD, T0) for c in (old, new)}
        reviews = [
            ReviewRecord(old, T0 - timedelta(days=3), AGAIN, False),
            ReviewRecord(old, T0 - timedelta(days=2), AGAIN, False),
            ReviewRecord(old, T0 - timedelta(days=1), GOOD, True),
            ReviewRecord(old, T0, GOOD, True),  # two misses, then right twice: 1/4 + 1/8
            ReviewRecord(new, T0 - timedelta(days=1), GOOD, True),
            ReviewRecord(new, T0, AGAIN, False),  # one miss, the latest: 1
        ]
        ranked = [w.slug for w in compute(KB, states, reviews, T0).weakest]
        assert ranked == ["softmax", "embedding"]

    def test_lapses_break_ties(self) -> None:
        a, b = "typed:embedding", "typed:softmax"
        states = {
            a: CardState(a, 2, None, 5.0, 5.0, T0 + timedelta(days=3), T0, 6, 1),
            b: CardState(b, 2, None, 5.0, 5.0, T0 + timedelta(days=3), T0, 6, 3),
        }
        reviews = [ReviewRecord(c, T0, AGAIN, False) for c in (a, b)]
        assert [w.slug for w in compute(KB, states, reviews, T0).weakest] == [
            "softmax",
            "embedding",
        ]


class TestLeeches:
    """Cards missed leech_threshold times are listed apart, not counted as due."""

    def test_leeches_in_stats_and_json(self) -> None:
        card = "typed:softmax"
        states = {
            card: CardState(card, 2, None, 1.0, 9.0, T0 - timedelta(hours=1), T0, 12, 8),
            "typed:embedding": state("typed:embedding", AGAIN, T0 - timedelta(hours=1)),
        }
        stats = compute(KB, states, [], T0)
        assert [(x.slug, x.lapses) for x in stats.leeches] == [("softmax", 8)]
        assert stats.due_now == 1  # the leech is set aside, so not due
        assert [w.slug for w in stats.weakest] == []
        data = to_json(stats)
        assert data["leeches"] == [
            {"card": card, "kind": "typed", "slug": "softmax", "name": "Softmax", "lapses": 8}
        ]
        for field in ("reviews", "correct", "cards", "due", "weakest", "history"):
            assert field in data
        assert compute(KB, states, [], T0, leech_threshold=9).leeches == ()


class TestStreakAndForecast:
    """The streak counts local days in a row; the forecast counts cards due per local day."""

    def test_streak(self) -> None:
        today = date(2026, 12, 1)
        days = {today - timedelta(days=n) for n in (0, 1, 2, 4)}
        assert streak(days, today) == 3
        assert streak(days - {today}, today) == 2  # today is not over: yesterday's run counts
        assert streak(days, today + timedelta(days=2)) == 0
        assert streak(set(), today) == 0

    def test_streak_follows_the_local_day(self) -> None:
        first = datetime(2026, 11, 30, 22, 30, tzinfo=timezone.utc)
        second = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
        now = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
        reviews = [ReviewRecord("typed:softmax", t, GOOD, True) for t in (first, second)]
        states = {"typed:softmax": state("typed:softmax", GOOD, second)}
        in_utc = compute(KB, states, reviews, now)
        assert (in_utc.streak, in_utc.reviewed_today) == (2, True)  # 30 Nov and 1 Dec
        west = timezone(timedelta(hours=-3))  # both reviews fall on 30 Nov there
        in_west = compute(KB, states, reviews, now, tz=west)
        assert (in_west.streak, in_west.reviewed_today) == (1, False)

    def test_forecast(self) -> None:
        now = datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc)  # 23:00 in EAST
        cards = [
            CardState("a", 2, None, 1.0, 5.0, now - timedelta(days=2), now, 3, 0),  # overdue
            CardState("b", 2, None, 1.0, 5.0, now + timedelta(hours=2), now, 3, 0),
            CardState("c", 2, None, 1.0, 5.0, now + timedelta(days=13, hours=2), now, 3, 0),
            CardState("d", 2, None, 1.0, 5.0, now + timedelta(days=30), now, 3, 0),
        ]
        in_utc = forecast(cards, now, timezone.utc)
        assert len(in_utc) == 14 and in_utc[0] == (date(2026, 12, 1), 2)  # overdue counts today
        assert in_utc[-1] == (date(2026, 12, 14), 1)  # c, on the last day; d is later
        east = forecast(cards, now, EAST)
        assert east[:2] == ((date(2026, 12, 1), 1), (date(2026, 12, 2), 1))  # b after midnight
        assert sum(n for _, n in east) == 2  # c falls on 15 December there


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

    def test_weakest_term_is_the_one_missed(self) -> None:
        states = {
            "typed:embedding": state("typed:embedding", GOOD, T0),
            "typed:softmax": state("typed:softmax", GOOD, T0),
        }
        reviews = [
            ReviewRecord("typed:embedding", T0, AGAIN, False),
            ReviewRecord("typed:softmax", T0, GOOD, True),
        ]
        pick = term_of_the_day(KB, states, T0, reviews=reviews)
        assert (pick.term.slug, pick.reason) == ("embedding", "weakest")

    def test_weakest_term_when_nothing_is_due(self) -> None:
        states = {
            "typed:embedding": state("typed:embedding", GOOD, T0),
            "typed:softmax": state("typed:softmax", AGAIN, T0),
        }
        pick = term_of_the_day(KB, states, T0)
        assert (pick.term.slug, pick.reason) == ("softmax", "weakest")
