"""The mock interview: open questions, typed answers, a coverage hint, self-grades.

One card per question (``interview:<slug>``), scheduled by the same store and scheduler
as the quiz. Each graded answer, with the text typed, is committed before the next
question is shown, so Ctrl-C, end of input or SIGKILL lose nothing already graded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Literal, Protocol

from genai_cli.errors import UsageError
from genai_cli.knowledge.model import LEVELS, KnowledgeBase, Question, Term
from genai_cli.knowledge.yamlsafe import clean
from genai_cli.study.grading import parse_rating
from genai_cli.study.questions import AGAIN, GOOD, RATING_NAMES, CardRef, card_id
from genai_cli.study.scheduler import CardState, review
from genai_cli.study.store import ReviewRecord, Store

INTERVIEW = "interview"  # the question kind of an interview card: "interview:<slug>"
Stopped = Literal["done", "end-of-input", "interrupted"]

# Words too common to say whether an answer covers a point.
_STOP_WORDS = (
    "a an the and or but of to in on at by for with from into as is are was were be been "
    "being it its this that these those than then there their they them which who whom "
    "what when where why how can could may might must should would will shall do does did "
    "not no so such more most less very also each other both either any all some one two "
    "use used using uses via per about over under between because while if"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[0-9a-z]+")
_SUFFIXES = ("ization", "isation", "ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly")
COVERED_SHARE = 0.5  # a point counts as covered when half its telling words appear


def interview_card(slug: str) -> str:
    return card_id(INTERVIEW, slug)


def candidates(
    kb: KnowledgeBase, level: str | None = None, tag: str | None = None
) -> list[CardRef]:
    """One card per question, in data order, filtered by level and tag."""
    if level is not None and level not in LEVELS:
        raise UsageError(f"--level must be one of {', '.join(LEVELS)}, not {level!r}")
    wanted = tag.casefold() if tag else None
    refs = []
    for question in kb.questions:
        if level is not None and question.level != level:
            continue
        if wanted is not None and wanted not in (t.casefold() for t in question.tags):
            continue
        refs.append(CardRef(interview_card(question.slug), INTERVIEW, question.slug))
    return refs


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def telling_words(text: str) -> set[str]:
    """The stems of the words of ``text`` that say something (no stop words, no 1-2 letters)."""
    words = _WORD.findall(text.casefold())
    return {_stem(w) for w in words if w not in _STOP and (len(w) > 2 or w.isdigit())}


def _matches(stem: str, said: set[str]) -> bool:
    if stem in said:
        return True
    # "quantize" and "quantization", "attend" and "attention": a shared start of 5 letters
    return len(stem) >= 5 and any(len(s) >= 5 and s[:5] == stem[:5] for s in said)


def coverage(answer: str, points: Sequence[str]) -> tuple[bool, ...]:
    """For each key point, whether the answer seems to mention it: a lenient word overlap.

    A hint for the learner, never a verdict: it cannot tell a right claim from a wrong one.
    """
    said = telling_words(answer)
    out = []
    for point in points:
        words = telling_words(point)
        hits = sum(1 for w in words if _matches(w, said))
        out.append(bool(words) and hits / len(words) >= COVERED_SHARE)
    return tuple(out)


def parse_grade(text: str) -> int | None:
    """A self-grade: 1-4 or a name (or its start) of Again, Hard, Good, Easy; graded as a
    flashcard is."""
    return parse_rating(text)


class Interviewer(Protocol):
    """Shows a question and reads the answer and the self-grade (terminal or a fake)."""

    def answer(self, question: Question, number: int, total: int) -> str | None:
        """The typed answer ("" to skip); None on Ctrl-C; raises EOFError at end of input."""

    def model(self, question: Question, typed: str, covered: tuple[bool, ...]) -> None:
        """Show the model answer and the key points, those the answer covers marked."""

    def grade(self, question: Question) -> int | None:
        """A rating 1-4; None on Ctrl-C; raises EOFError at end of input."""


@dataclass(frozen=True, slots=True)
class Graded:
    """One question answered and graded."""

    question: Question
    typed: str
    covered: tuple[bool, ...]
    rating: int
    state: CardState

    @property
    def skipped(self) -> bool:
        return not self.typed.strip()


@dataclass(frozen=True, slots=True)
class Report:
    """What happened in one interview."""

    graded: tuple[Graded, ...]
    planned: int
    started: datetime
    finished: datetime
    stopped: Stopped

    @property
    def good(self) -> int:
        """Answers graded Good or Easy."""
        return sum(1 for g in self.graded if g.rating >= GOOD)

    @property
    def revisit(self) -> tuple[Graded, ...]:
        """Skipped, or graded Again or Hard."""
        return tuple(g for g in self.graded if g.rating < GOOD)


def run(
    kb: KnowledgeBase,
    cards: Sequence[CardRef],
    asker: Interviewer,
    store: Store,
    clock: Callable[[], datetime],
    *,
    fuzz: bool = True,
) -> Report:
    """Ask each question in turn, committing each graded answer before the next one."""
    started = clock()
    graded: list[Graded] = []
    stopped: Stopped = "done"
    for number, ref in enumerate(cards, 1):
        question = kb.get(ref.slug)
        if not isinstance(question, Question):
            raise UsageError(f"card {ref.card_id!r} names no question")
        shown = clock()
        typed: str | None = ""
        try:
            typed = asker.answer(question, number, len(cards))
            if typed is None:
                stopped = "interrupted"
                break
            covered = coverage(typed, question.points)
            asker.model(question, typed, covered)
            # an empty answer is "I don't know": shown the answer, graded Again without asking
            rating = asker.grade(question) if typed.strip() else AGAIN
        except EOFError:
            stopped = "end-of-input"
            break
        except KeyboardInterrupt:
            rating = None
        if rating is None or typed is None:
            stopped = "interrupted"
            break
        now = clock()
        state = store.record(
            ref.card_id,
            partial(review, card_id=ref.card_id, rating=rating, now=now, fuzz=fuzz),
            ReviewRecord(
                ref.card_id,
                now,
                rating,
                rating != AGAIN,
                False,
                RATING_NAMES[rating],
                int((now - shown).total_seconds() * 1000),
            ),
            typed=typed,
        )
        graded.append(Graded(question, typed, covered, rating, state))
    return Report(tuple(graded), len(cards), started, clock(), stopped)


def term_pointers(kb: KnowledgeBase, question: Question) -> tuple[str, ...]:
    """The terms a question draws on, as ``genai term`` commands."""
    return tuple(
        f"genai term {slug}" for slug in question.see_also if isinstance(kb.get(slug), Term)
    )


@dataclass(frozen=True, slots=True)
class History:
    """Past answers to one question, oldest first: (when, text, rating)."""

    question: Question
    answers: tuple[tuple[datetime, str, int], ...]


def history(kb: KnowledgeBase, store: Store, question: Question) -> History:
    rows = store.typed_answers(interview_card(question.slug))
    # progress.db may not be genai's own: its text is data, cleaned like deck text before
    # it reaches a terminal or JSON (no escape, C1 or bidi control from it).
    return History(question, tuple((r.answered_at, clean(r.text), r.rating) for r in rows))


def answered_questions(kb: KnowledgeBase, store: Store) -> list[tuple[Question, int, datetime]]:
    """Every question answered at least once: (question, answers, last answered), latest first."""
    seen: dict[str, tuple[int, datetime]] = {}
    for row in store.typed_answers():
        count, _last = seen.get(row.card_id, (0, row.answered_at))
        seen[row.card_id] = (count + 1, row.answered_at)
    out = []
    for card, (count, last) in seen.items():
        entry = kb.get(card.partition(":")[2])
        if card.startswith(INTERVIEW + ":") and isinstance(entry, Question):
            out.append((entry, count, last))
    out.sort(key=lambda item: item[2], reverse=True)
    return out


def history_json(found: History) -> dict[str, Any]:
    """``genai interview --history QUESTION --json``: the question and every answer."""
    from genai_cli.knowledge.serialize import entry_to_json

    return {
        **entry_to_json(found.question),
        "answers": [
            {"at": moment.isoformat(), "text": text, "grade": RATING_NAMES.get(rating, "")}
            for moment, text, rating in found.answers
        ],
    }


def answered_json(rows: Sequence[tuple[Question, int, datetime]]) -> list[dict[str, Any]]:
    return [
        {"slug": q.slug, "question": q.question, "answers": n, "last": last.isoformat()}
        for q, n, last in rows
    ]
