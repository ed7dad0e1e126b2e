"""A quiz session through a fake asker: answers graded, committed before the next question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study import questions as q
from genai_cli.study.questions import Outcome, Question, QuestionMaker, candidates
from genai_cli.study.selection import plan
from genai_cli.study.session import run
from genai_cli.study.store import Store, open_store

KB = load_bundled()
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    """A fake clock advancing five seconds per reading."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now


class FakeAsker:
    """Answers with ``respond(question)``; records what it saw, and reviews stored when asked."""

    def __init__(self, store: Store, respond: Callable[[Question], str | None]) -> None:
        self.store = store
        self.respond = respond
        self.asked: list[Question] = []
        self.stored_when_asked: list[int] = []
        self.feedback_given: list[Outcome] = []

    def ask(self, question: Question, number: int, total: int) -> str | None:
        self.asked.append(question)
        self.stored_when_asked.append(len(self.store.reviews()))
        return self.respond(question)

    def feedback(self, question: Question, outcome: Outcome) -> None:
        self.feedback_given.append(outcome)


def right(question: Question) -> str:
    if question.style == "flashcard":
        return "good"
    if question.style == "typed":
        return question.answer.upper()
    return str(question.options.index(question.answer) + 1)


def wrong(question: Question) -> str:
    if question.style == "flashcard":
        return "again"
    if question.style == "typed":
        return "no idea"
    return str(next(i for i, o in enumerate(question.options, 1) if o != question.answer))


def quiz(tmp_path: Path, respond: Callable[[Question], str | None], n: int = 4) -> tuple:  # type: ignore[type-arg]
    store = open_store(tmp_path / "progress.db", T0)
    refs = candidates(KB, "all", "mixed")
    cards = plan(refs, store.cards(), T0, count=n, seed=5)
    asker = FakeAsker(store, respond)
    summary = run(QuestionMaker(KB), cards, asker, store, Clock(), seed=5, fuzz=False)
    return store, asker, summary


class TestSession:
    """Each answer is graded, fed back and stored before the next question is shown."""

    def test_all_right(self, tmp_path: Path) -> None:
        store, asker, summary = quiz(tmp_path, right)
        assert summary.stopped == "done"
        assert summary.right == 4 and summary.missed == ()
        assert asker.stored_when_asked == [0, 1, 2, 3]
        assert all(o.correct for o in asker.feedback_given)
        reviews = store.reviews()
        assert [r.card_id for r in reviews] == [a.question.card_id for a in summary.answered]
        assert all(r.correct for r in reviews)
        assert summary.seconds > 0
        for item in summary.answered:
            assert item.state.due > T0

    def test_missed_items_are_listed_with_answers(self, tmp_path: Path) -> None:
        store, _asker, summary = quiz(tmp_path, wrong)
        assert summary.right == 0
        assert len(summary.missed) == 4
        assert {r.rating for r in store.reviews()} == {q.AGAIN}

    def test_end_of_input_keeps_answers_and_stops(self, tmp_path: Path) -> None:
        answers = iter(["first", "second"])

        def respond(question: Question) -> str:
            try:
                next(answers)
            except StopIteration:
                raise EOFError from None
            return right(question)

        store, asker, summary = quiz(tmp_path, respond)
        assert summary.stopped == "end-of-input"
        assert len(summary.answered) == 2 and summary.planned == 4
        assert len(store.reviews()) == 2
        assert len(asker.asked) == 3

    def test_ctrl_c_keeps_answers_and_stops(self, tmp_path: Path) -> None:
        calls = []

        def respond(question: Question) -> str | None:
            calls.append(question)
            return right(question) if len(calls) == 1 else None

        store, _asker, summary = quiz(tmp_path, respond)
        assert summary.stopped == "interrupted"
        assert len(store.reviews()) == 1

    def test_keyboard_interrupt_from_the_asker_is_an_interruption(self, tmp_path: Path) -> None:
        def respond(question: Question) -> str:
            raise KeyboardInterrupt

        store, _asker, summary = quiz(tmp_path, respond)
        assert summary.stopped == "interrupted"
        assert store.reviews() == []

    def test_second_quiz_asks_due_cards_first(self, tmp_path: Path) -> None:
        store, _asker, first = quiz(tmp_path, wrong, n=3)
        later = T0 + timedelta(hours=2)
        cards = plan(candidates(KB, "all", "mixed"), store.cards(), later, count=5, seed=9)
        assert {r.card_id for r in cards[:3]} == {a.question.card_id for a in first.answered}
