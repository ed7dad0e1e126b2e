"""`genai quiz --topic questions` and `--topic cloze`: the new kinds studied as cards.

A question is a flashcard (the question, then the model answer and key points, graded
by yourself) on the same card as `genai interview` (``interview:<slug>``). A cloze
sentence gives one typed card per deletion (``cloze-<n>:<slug>``): the sentence with
that deletion hidden, the hidden words typed and graded leniently, as typed names are.
"""

from __future__ import annotations

from genai_cli.errors import UsageError
from genai_cli.knowledge.clozetext import deletions, masked
from genai_cli.knowledge.model import Cloze, KnowledgeBase, Question
from genai_cli.knowledge.names import whole_number
from genai_cli.study.interview import INTERVIEW, interview_card
from genai_cli.study.questions import (
    CLOZE,
    FLASHCARD,
    RATING_NAMES,
    CardRef,
    QuestionMaker,
    card_id,
)
from genai_cli.study.questions import Question as Card

CARD_TOPICS = ("questions", "cloze")
# Card kinds are "cloze-1", "cloze-2", ...: one per deletion, prefixed by the question kind.


def cloze_kind(number: int) -> str:
    return f"{CLOZE}-{number}"


def _cloze_number(kind: str) -> int | None:
    head, _, number = kind.partition("-")
    return whole_number(number) if head == CLOZE else None


def candidates(kb: KnowledgeBase, topic: str) -> list[CardRef]:
    """Every card of ``topic`` (questions or cloze), in data order."""
    if topic == "questions":
        return [CardRef(interview_card(q.slug), INTERVIEW, q.slug) for q in kb.questions]
    if topic == "cloze":
        return [
            CardRef(card_id(cloze_kind(n), c.slug), cloze_kind(n), c.slug)
            for c in kb.cloze
            for n in range(1, len(deletions(c.text)) + 1)
        ]
    raise UsageError(f"no cards for topic {topic!r}")


def _back(question: Question) -> str:
    points = "".join(f"\n- {p}" for p in question.points)
    return question.answer + (f"\nKey points:{points}" if points else "")


class StudyMaker(QuestionMaker):
    """A QuestionMaker that also builds question and cloze cards."""

    def make(self, ref: CardRef, seed: object) -> Card:
        number = _cloze_number(ref.kind)
        if ref.kind != INTERVIEW and number is None:
            return super().make(ref, seed)
        entry = self.kb.get(ref.slug)
        if isinstance(entry, Question) and ref.kind == INTERVIEW:
            back = _back(entry)
            return Card(
                ref.card_id,
                FLASHCARD,
                entry.slug,
                entry.question,
                entry.question,
                tuple(RATING_NAMES.values()),
                back,
                explanation=back,
            )
        if isinstance(entry, Cloze) and number is not None:
            gaps = deletions(entry.text)
            if number <= len(gaps):
                return Card(
                    ref.card_id,
                    CLOZE,
                    entry.slug,
                    entry.label,
                    f"Type the hidden words:\n{masked(entry.text, number)}",
                    (),
                    gaps[number - 1].answer,
                    (),
                    (),
                    entry.label,
                )
        raise UsageError(f"card {ref.card_id!r} names no entry")
