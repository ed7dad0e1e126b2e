"""Running a quiz: choose the cards, ask through an :class:`Asker`, record every answer.

Each answer is committed to the store before the next question is shown, so whatever
stops the quiz (end of input, Ctrl-C, SIGKILL) keeps every answer given so far.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Literal, Protocol

from genai_cli.study.questions import AGAIN, CardRef, Outcome, Question, QuestionMaker, grade
from genai_cli.study.scheduler import CardState, review
from genai_cli.study.store import ReviewRecord, Store

Stopped = Literal["done", "end-of-input", "interrupted"]


class Asker(Protocol):
    """Shows questions and reads answers (questionary, plain lines, or a fake in tests)."""

    def ask(self, question: Question, number: int, total: int) -> str | None:
        """A response :func:`grade` accepts; None on Ctrl-C; raises EOFError at end of input."""

    def feedback(self, question: Question, outcome: Outcome) -> None:
        """Tell the learner how the answer was graded."""


@dataclass(frozen=True, slots=True)
class Answered:
    question: Question
    outcome: Outcome
    state: CardState  # after the review: when the card is next due


@dataclass(frozen=True, slots=True)
class Summary:
    """What happened in one quiz."""

    answered: tuple[Answered, ...]
    planned: int
    started: datetime
    finished: datetime
    stopped: Stopped

    @property
    def right(self) -> int:
        return sum(1 for a in self.answered if a.outcome.correct)

    @property
    def missed(self) -> tuple[Answered, ...]:
        return tuple(a for a in self.answered if not a.outcome.correct)

    @property
    def seconds(self) -> float:
        return max(0.0, (self.finished - self.started).total_seconds())


def run(
    maker: QuestionMaker,
    cards: Sequence[CardRef],
    asker: Asker,
    store: Store,
    clock: Callable[[], datetime],
    *,
    seed: object,
    fuzz: bool = True,
) -> Summary:
    """Ask every card in turn, committing each answer before the next question."""
    started = clock()
    answered: list[Answered] = []
    stopped: Stopped = "done"
    for number, ref in enumerate(cards, 1):
        question = maker.make(ref, seed)
        shown = clock()
        try:
            raw = asker.ask(question, number, len(cards))
        except EOFError:
            stopped = "end-of-input"
            break
        except KeyboardInterrupt:
            raw = None
        if raw is None:
            stopped = "interrupted"
            break
        outcome = grade(question, raw) or Outcome(False, AGAIN, raw)
        now = clock()
        state = store.record(
            question.card_id,
            partial(review, card_id=question.card_id, rating=outcome.rating, now=now, fuzz=fuzz),
            ReviewRecord(
                question.card_id,
                now,
                outcome.rating,
                outcome.correct,
                outcome.close,
                outcome.given,
                int((now - shown).total_seconds() * 1000),
            ),
        )
        answered.append(Answered(question, outcome, state))
        asker.feedback(question, outcome)
    return Summary(tuple(answered), len(cards), started, clock(), stopped)
