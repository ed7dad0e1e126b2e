"""`stats`, the due line and `learn` views: golden at 60 columns, no word broken at 40-160."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import Term
from genai_cli.study.learn import study_path
from genai_cli.study.questions import AGAIN, GOOD
from genai_cli.study.scheduler import CardState, review
from genai_cli.study.stats import Stats, compute
from genai_cli.study.store import ReviewRecord
from genai_cli.views import learn as learn_views
from genai_cli.views import stats as stats_views
from genai_cli.views.quiz import _KIND_LABELS
from tests.conftest import assert_golden

KB = load_bundled()
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
WIDTHS = (40, 60, 80, 100, 160)


def render(renderable: object, width: int = 60) -> str:
    out = io.StringIO()
    Console(
        file=out, width=width, color_system=None, markup=False, emoji=False, highlight=False
    ).print(renderable)
    return out.getvalue()


def tokens(text: str) -> set[str]:
    return set(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


def sample() -> Stats:
    """A learner five days in: a learnt card, cards missed just now, a leech."""
    reviews: list[ReviewRecord] = []
    states: dict[str, CardState] = {}

    def answer(card: str, rating: int, at: datetime) -> None:
        states[card] = review(states.get(card), card, rating, at, fuzz=False)
        reviews.append(ReviewRecord(card, at, rating, rating > AGAIN))

    for day in range(4, -1, -1):
        at = NOW - timedelta(days=day, hours=1)
        answer("typed:softmax", GOOD, at)
        answer("definition-term:cross-entropy-loss", AGAIN, at)
    answer("term-definition:perplexity", GOOD, NOW - timedelta(minutes=30))
    answer("myth-or-fact:replace-human-creativity", AGAIN, NOW - timedelta(minutes=2))
    answer("flashcard:ddim", AGAIN, NOW - timedelta(minutes=1))
    return compute(KB, states, reviews, NOW, leech_threshold=4)


class TestStatsView:
    """Streak, 30-day axis, forecast, weakest by misses and leeches with their pointer."""

    def test_golden_at_60_columns(self) -> None:
        stats = sample()
        assert [x.slug for x in stats.leeches] == ["cross-entropy-loss"]
        assert stats.streak == 5 and stats.retention is not None
        assert_golden("stats_60.txt", render(stats_views.stats_view(stats, NOW)))

    @pytest.mark.parametrize("width", WIDTHS)
    def test_no_word_is_broken(self, width: int) -> None:
        stats = sample()
        seen = tokens(render(stats_views.stats_view(stats, NOW), width))
        words = set()
        for item in stats.weakest:
            words.update(item.title.split())
            words.update(_KIND_LABELS[item.kind].split())
        for leech in stats.leeches:
            words.update(leech.title.split())
        words.update(("Retention", "learnt,", "genai", "cross-entropy-loss", "--leeches"))
        assert sorted(w for w in words if w not in seen) == []

    def test_plain_words_for_retention_and_the_day_axis(self) -> None:
        text = render(stats_views.stats_view(sample(), NOW), 100)
        assert re.search(
            r"of the cards you have learnt, you would likely recall about \d+% now", text
        )
        assert "2 Nov" in text and "1 Dec" in text  # the 30-day chart's first and last days
        assert "today" in text and "14 Dec" in text  # the forecast's first and last days
        assert "Streak      5 days" in text
        assert "missed 4 times · genai term cross-entropy-loss" in text


class TestDueLine:
    """`12 cards due · genai quiz --due`; nothing without progress."""

    def test_lines(self) -> None:
        assert stats_views.due_line(0, None, NOW) is None
        line = stats_views.due_line(12, NOW, NOW)
        assert line is not None and line.plain == "12 cards due · genai quiz --due"
        one = stats_views.due_line(1, NOW, NOW)
        assert one is not None and one.plain == "1 card due · genai quiz --due"
        later = stats_views.due_line(0, NOW + timedelta(hours=5), NOW)
        assert later is not None
        assert later.plain == "No cards due now; the next is due in 5 h · genai quiz adds new ones"


class TestLearnViews:
    """The path line and a step's short card."""

    def test_path_and_card(self) -> None:
        target = KB.get("perplexity")
        assert isinstance(target, Term)
        steps = study_path(KB, target, {"softmax"})
        text = render(learn_views.path_view(steps, 2), 100)
        assert "Path to Perplexity: Softmax → Cross-Entropy Loss → Perplexity" in text
        assert "2 to study, each shown first, then asked; already known: Softmax." in text
        card = render(learn_views.step_card(target, 2, 2), 60)
        assert "2/2 · Perplexity" in card and "genai term perplexity" in card
