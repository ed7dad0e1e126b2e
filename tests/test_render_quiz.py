"""Quiz views at 80 columns without colour, at fixed times (golden files)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study import questions as q
from genai_cli.study.questions import CardRef, Outcome, QuestionMaker
from genai_cli.study.scheduler import review
from genai_cli.study.session import Answered, Outlook, Progress, Summary
from genai_cli.study.stats import compute
from genai_cli.study.store import ReviewRecord
from genai_cli.views import quiz as render_quiz
from genai_cli.views import stats as stats_views
from tests.conftest import assert_golden

KB = load_bundled()
MAKER = QuestionMaker(KB)
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def render(renderable: object) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=80, color_system=None, markup=False, emoji=False, highlight=False
    )
    console.print(renderable)
    return out.getvalue()


def make(kind: str, slug: str) -> q.Question:
    return MAKER.make(CardRef(q.card_id(kind, slug), kind, slug), 1)


def answered() -> tuple[Answered, ...]:
    items = [
        (make(q.TYPED, "latent-space"), Outcome(True, q.HARD, "latnt space", close=True)),
        (make(q.DEFINITION_TERM, "self-attention"), Outcome(True, q.GOOD, "Self-Attention")),
        (make(q.MYTH_OR_FACT, "replace-human-creativity"), Outcome(False, q.AGAIN, "x")),
    ]
    out = []
    for n, (question, outcome) in enumerate(items):
        when = T0 + timedelta(seconds=20 * n)
        state = review(None, question.card_id, outcome.rating, when, fuzz=False)
        out.append(Answered(question, outcome, state))
    return tuple(out)


class TestQuizViews:
    """Questions, feedback, summary and stats render as the golden files show."""

    def test_plain_question_with_numbered_options(self) -> None:
        view = render_quiz.question_view(
            make(q.DEFINITION_TERM, "latent-space"), Progress(2, 10, 1)
        )
        assert_golden("quiz_question_plain.txt", render(view))

    @pytest.mark.parametrize(
        ("outcome", "expected"),
        [
            (Outcome(True, q.GOOD, "Latent Space"), "✓ Right."),
            (Outcome(True, q.HARD, "latnt space", close=True), "≈ Right, but check"),
            (Outcome(False, q.AGAIN, "embedding"), "✗ Wrong."),
            (Outcome(False, q.AGAIN, "", dont_know=True), "✗ No answer: counted as Again."),
        ],
    )
    def test_feedback(self, outcome: Outcome, expected: str) -> None:
        text = render(render_quiz.feedback(make(q.TYPED, "latent-space"), outcome))
        assert text.startswith(expected)
        assert text.count("Latent Space: A compressed representation") == 1

    def test_summary(self) -> None:
        summary = Summary(answered(), 5, T0, T0 + timedelta(seconds=75), "end-of-input")
        outlook = Outlook(3, T0 + timedelta(minutes=1), 2)
        assert_golden("quiz_summary.txt", render(render_quiz.summary_view(summary, T0, outlook)))

    def test_stats(self) -> None:
        items = answered()
        states = {a.state.card_id: a.state for a in items}
        reviews = [
            ReviewRecord(
                a.question.card_id, T0 - timedelta(days=d), a.outcome.rating, a.outcome.correct
            )
            for d, a in zip((0, 0, 3), items, strict=True)
        ]
        now = T0 + timedelta(hours=1)
        stats = compute(KB, states, reviews, now)
        assert (stats.reviews, stats.correct, stats.cards, stats.due_now) == (3, 2, 3, 3)
        assert_golden("quiz_stats.txt", render(stats_views.stats_view(stats, now)))

    @pytest.mark.parametrize(
        ("offset", "expected"),
        [
            (timedelta(0), "now"),
            (timedelta(minutes=10), "in 10 min"),
            (timedelta(hours=5), "in 5 h"),
            (timedelta(days=1), "in 1 day"),
            (timedelta(days=12), "in 12 days"),
            (timedelta(days=400), "on 2025-04-05"),
        ],
    )
    def test_when(self, offset: timedelta, expected: str) -> None:
        assert render_quiz.when(T0 + offset, T0) == expected
