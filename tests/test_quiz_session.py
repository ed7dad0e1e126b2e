"""A quiz session through a fake asker: answers graded, committed before the next question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from genai_cli.knowledge.loader import load_bundled
from genai_cli.study import questions as q
from genai_cli.study.questions import Outcome, Question, QuestionMaker, candidates
from genai_cli.study.scheduler import CardState
from genai_cli.study.selection import plan
from genai_cli.study.session import Command, Progress, Verdict, run
from genai_cli.study.store import ReviewRecord, Store, open_store

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

        self.progress: list[Progress] = []
        self.verdicts: list[Verdict] = []

    def ask(self, question: Question, progress: Progress) -> str | Command | None:
        self.asked.append(question)
        self.progress.append(progress)
        self.stored_when_asked.append(len(self.store.reviews()))
        return self.respond(question)

    def feedback(self, question: Question, outcome: Outcome, verdict: Verdict) -> None:
        self.feedback_given.append(outcome)
        self.verdicts.append(verdict)


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


def wrong_until_eof(answers: int) -> Callable[[Question], str]:
    left = [answers]

    def respond(question: Question) -> str:
        left[0] -= 1
        if left[0] < 0:
            raise EOFError
        return wrong(question)

    return respond


def quiz(
    tmp_path: Path, respond: Callable[[Question], str | Command | None], n: int = 4, **kw: object
) -> tuple:  # type: ignore[type-arg]
    store = open_store(tmp_path / "progress.db", T0)
    refs = candidates(KB, "all", "mixed")
    cards = plan(refs, store.cards(), T0, count=n, seed=5)
    asker = FakeAsker(store, respond)
    summary = run(QuestionMaker(KB), cards, asker, store, Clock(), seed=5, fuzz=False, **kw)  # type: ignore[arg-type]
    return store, asker, summary


class TestSession:
    """Each answer is graded, fed back and stored before the next question is shown."""

    def test_all_right(self, tmp_path: Path) -> None:
        store, asker, summary = quiz(tmp_path, right)
        assert summary.stopped == "done"
        assert summary.right == 4 and summary.missed == ()
        assert asker.stored_when_asked == [0, 1, 2, 3]
        assert [p.asked for p in asker.progress] == [1, 2, 3, 4]
        assert all(o.correct for o in asker.feedback_given)
        reviews = store.reviews()
        assert [r.card_id for r in reviews] == [a.question.card_id for a in summary.answered]
        assert all(r.correct for r in reviews)
        assert summary.seconds > 0
        for item in summary.answered:
            assert item.state.due > T0

    def test_missed_cards_come_back_until_passed(self, tmp_path: Path) -> None:
        seen: dict[str, int] = {}

        def first_wrong(question: Question) -> str:
            seen[question.card_id] = seen.get(question.card_id, 0) + 1
            return wrong(question) if seen[question.card_id] == 1 else right(question)

        store, asker, summary = quiz(tmp_path, first_wrong)
        assert summary.stopped == "done"
        assert summary.right == 0 and len(summary.missed) == 4
        assert all(n == 2 for n in seen.values())  # each asked again, then passed
        reviews = store.reviews()
        assert len(reviews) == 8  # every retry is a real review
        assert [r.correct for r in reviews].count(True) == 4
        assert asker.progress[1].relearn == 1 and asker.progress[4].retry
        first = asker.asked[0].card_id
        assert [x.card_id for x in asker.asked].index(first, 1) == 4  # after three others
        assert asker.verdicts[0].comes_back and not asker.verdicts[-1].comes_back

    def test_misses_never_starve_the_cards_not_asked_yet(self, tmp_path: Path) -> None:
        _store, asker, summary = quiz(tmp_path, wrong_until_eof(40), n=6)
        firsts = [p.asked for p in asker.progress if not p.retry]
        assert firsts == [1, 2, 3, 4, 5, 6]  # every card asked, though all keep failing
        assert summary.stopped == "end-of-input"

    def test_flashcard_hard_while_learning_comes_back(self, tmp_path: Path) -> None:
        grades = iter(["hard", "good"])
        store = open_store(tmp_path / "progress.db", T0)
        ref = q.CardRef("flashcard:latent-space", q.FLASHCARD, "latent-space")
        asker = FakeAsker(store, lambda question: next(grades))
        summary = run(QuestionMaker(KB), [ref], asker, store, Clock(), seed=1, fuzz=False)
        assert len(asker.asked) == 2 and summary.stopped == "done"
        assert set(asker.progress[0].next_due) == {1, 2, 3, 4}

    def test_undo_removes_one_review_and_asks_again(self, tmp_path: Path) -> None:
        script = iter(["right", "undo", "undo", "right", "right", "wrong", "undo", "quit"])
        undone: list[int] = []

        def respond(question: Question) -> str | Command:
            step = next(script)
            if step == "undo":
                undone.append(len(asker_ref[0].store.reviews()))
                return Command.UNDO
            if step == "quit":
                return Command.QUIT
            return right(question) if step == "right" else wrong(question)

        asker_ref: list[FakeAsker] = []
        store = open_store(tmp_path / "progress.db", T0)
        cards = plan(candidates(KB, "all", "mixed"), {}, T0, count=4, seed=5)
        asker = FakeAsker(store, respond)
        asker_ref.append(asker)
        summary = run(QuestionMaker(KB), cards, asker, store, Clock(), seed=5, fuzz=False)
        ids = [x.card_id for x in asker.asked]
        c0, c1, c2, c3 = (c.card_id for c in cards)
        assert ids == [c0, c1, c0, c0, c1, c2, c3, c2]  # each undone card is asked again
        assert undone == [1, 0, 3]  # an undo with nothing left to undo changes nothing
        assert summary.stopped == "quit"
        assert [r.card_id for r in store.reviews()] == [cards[0].card_id, cards[1].card_id]
        assert set(store.cards()) == {cards[0].card_id, cards[1].card_id}
        assert len(summary.answered) == 2

    def test_leech_is_said_once_when_lapses_reach_the_threshold(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "progress.db", T0)
        ref = q.CardRef("typed:latent-space", q.TYPED, "latent-space")
        learnt = CardState(ref.card_id, 2, None, 5.0, 5.0, T0, T0 - timedelta(days=5), 4, 1)
        store.answer(  # a learnt card (Review state) with one lapse before this session
            ref.card_id, lambda _old: learnt, ReviewRecord(ref.card_id, T0, q.GOOD, True)
        )
        answers = iter(["no", "latent space"])
        asker = FakeAsker(store, lambda question: next(answers))
        summary = run(
            QuestionMaker(KB), [ref], asker, store, Clock(), seed=1, fuzz=False, leech_threshold=2
        )
        assert store.cards()[ref.card_id].lapses == 2
        assert [v.leech for v in asker.verdicts] == [True, False]
        assert summary.leeches == ("Latent Space",)

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
        asked: list[Question] = []

        def wrong_then_quit(question: Question) -> str | Command:
            asked.append(question)
            return wrong(question) if len(asked) <= 3 else Command.QUIT

        store, _asker, first = quiz(tmp_path, wrong_then_quit, n=3)
        assert first.stopped == "quit" and len(first.missed) == 3
        later = T0 + timedelta(hours=2)
        cards = plan(candidates(KB, "all", "mixed"), store.cards(), later, count=5, seed=9)
        assert {r.card_id for r in cards[:3]} == {a.question.card_id for a in first.answered}
