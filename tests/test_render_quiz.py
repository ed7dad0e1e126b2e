"""Quiz views at 80 columns without colour, at fixed times (golden files)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study import questions as q
from genai_cli.study.questions import CardRef, Outcome, QuestionMaker, candidates
from genai_cli.study.scheduler import review
from genai_cli.study.session import Answered, Outlook, Progress, Summary, Verdict
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

    def test_leech_feedback_says_so_with_the_pointer(self) -> None:
        question = make(q.TYPED, "latent-space")
        verdict = Verdict(comes_back=True, leech=True, lapses=8)
        text = render(render_quiz.feedback(question, Outcome(False, q.AGAIN, "x"), verdict))
        assert "Missed 8 times: this card is a leech. Relearn it with genai term latent-space" in (
            " ".join(text.split())
        )
        assert "It comes back in a few cards." in text

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


def render_at(renderable: object, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, markup=False, emoji=False).print(renderable)
    return out.getvalue()


class TestCompactSummary:
    """The end of a session fits one screen: score, missed with pointers, due buckets, next."""

    def twenty(self, wrong_every: int) -> Summary:
        refs = candidates(KB, "all", "mixed")[::9][:20]
        items = []
        for n, ref in enumerate(refs):
            question = MAKER.make(ref, 1)
            correct = n % wrong_every != 0
            rating = q.GOOD if correct else q.AGAIN
            state = review(None, ref.card_id, rating, T0, fuzz=False)
            items.append(Answered(question, Outcome(correct, rating, "x"), state))
        return Summary(tuple(items), 20, T0, T0 + timedelta(seconds=300), "done")

    @pytest.mark.parametrize("wrong_every", [1, 2, 5, 21])
    def test_twenty_questions_fit_twenty_lines_at_100_columns(self, wrong_every: int) -> None:
        summary = self.twenty(wrong_every)
        outlook = Outlook(6, T0, 4)
        lines = render_at(render_quiz.summary_view(summary, T0, outlook), 100).splitlines()
        assert len(lines) <= 20, "\n".join(lines)
        assert "right first time" in lines[1]
        if wrong_every < 21:
            assert any("genai term " in line or "genai myths " in line for line in lines)

    def test_due_buckets(self) -> None:
        def state(delta: timedelta) -> object:
            s = review(None, "typed:gan", q.GOOD, T0, fuzz=False)
            return type(s)(s.card_id, s.state, s.step, s.stability, s.difficulty, T0 + delta, T0)

        states = [state(timedelta(minutes=1))] * 3 + [state(timedelta(minutes=10))] * 11
        states += [state(timedelta(days=d)) for d in (2, 3, 5, 9, 9, 2)]
        text = render_quiz.due_buckets(states, T0)  # type: ignore[arg-type]
        assert text == "14 in 1–10 min · 6 in 2–9 days"

    @pytest.mark.parametrize(
        ("delta", "label"),
        [
            (timedelta(seconds=20), "1m"),
            (timedelta(minutes=6), "6m"),
            (timedelta(hours=5), "5h"),
            (timedelta(days=4), "4d"),
            (timedelta(days=90), "3mo"),
            (timedelta(days=730), "2y"),
        ],
    )
    def test_interval_labels(self, delta: timedelta, label: str) -> None:
        assert render_quiz.interval(delta) == label

    def test_grade_labels_come_from_the_scheduler(self) -> None:
        from genai_cli.study.scheduler import preview

        question = make(q.FLASHCARD, "latent-space")
        progress = Progress(1, 1, 0, next_due=preview(None, question.card_id, T0), now=T0)
        labels = render_quiz.grade_labels(question, progress)
        assert labels[:3] == ("Again 1m", "Hard 6m", "Good 10m")
        assert labels[3].startswith("Easy ") and labels[3].endswith("d")
        seen = review(None, question.card_id, q.GOOD, T0, fuzz=False)
        later = T0 + timedelta(minutes=10)
        again = preview(seen, question.card_id, later)
        assert again[3] > preview(None, question.card_id, later)[3]  # a known card grows
