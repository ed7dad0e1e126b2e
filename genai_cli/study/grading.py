"""Grading a response: an option number, letter or text, a typed name, or a self-grade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from genai_cli.knowledge.names import normalize, whole_number
from genai_cli.study.questions import (
    AGAIN,
    CLOSE_RATIO,
    CLOZE,
    GOOD,
    HARD,
    RATING_NAMES,
    Outcome,
    Question,
)

_CLOSE_MIN_LENGTH = 5  # shorter names (acronyms) must be typed exactly


def option_index(question: Question, text: str) -> int | None:
    """The 0-based option a response names: ``1``-``4``, ``a``-``d``, or an option's text.

    ``²``, ``①``, Arabic-Indic digits or a 5,000-digit number are digits to Python but not
    option numbers (:func:`whole_number`): not an option, never an internal error.
    """
    count = len(question.options)
    if text.isdigit():
        number = whole_number(text)
        return number - 1 if number is not None and 1 <= number <= count else None
    if len(text) == 1 and "a" <= text.casefold() <= "z":
        index = ord(text.casefold()) - ord("a")
        return index if index < count else None
    key = normalize(text)
    if not key:
        return None
    for index, option in enumerate(question.options):
        if normalize(option) == key:
            return index
    return None


def parse_rating(text: str) -> int | None:
    """A rating: 1-4 or a name (or its start) of Again, Hard, Good, Easy, else None."""
    text = text.strip()
    if text.isdigit():  # also ², ① or a 5,000-digit number: not a rating
        number = whole_number(text)
        return number if number in RATING_NAMES else None
    folded = text.casefold()
    for number, name in RATING_NAMES.items():
        if folded and name.casefold().startswith(folded):
            return number
    return None


def _closest(typed: str, accepted: Iterable[str]) -> str | None:
    from rapidfuzz import fuzz

    best: tuple[float, str] | None = None
    for a in accepted:
        if len(a) < _CLOSE_MIN_LENGTH:
            continue
        score = fuzz.ratio(typed, a)
        if score >= CLOSE_RATIO and (best is None or score > best[0]):
            best = (score, a)
    return None if best is None else best[1]


def _grade_flashcard(text: str) -> Outcome | None:
    rating = parse_rating(text)
    if rating is None:
        return None
    return Outcome(rating != AGAIN, rating, RATING_NAMES[rating])


def _grade_choice(question: Question, text: str) -> Outcome | None:
    index = option_index(question, text)
    if index is None:
        return None
    chosen = question.options[index]
    right = normalize(chosen) in {normalize(a) for a in (question.answer, *question.accepted)}
    note = ""
    if not right and index < len(question.notes):
        note = question.notes[index]
    return Outcome(right, GOOD if right else AGAIN, chosen, note=note)


def _grade_typed(question: Question, text: str, names: Mapping[str, str]) -> Outcome:
    if not text:
        return Outcome(False, AGAIN, "", dont_know=True)
    key = normalize(text)
    main = normalize(question.answer)
    by_key = {normalize(a): a for a in (question.answer, *question.accepted)}
    if key and key in by_key:
        return Outcome(True, GOOD, text)
    other = names.get(key)
    # another entry's name is worth saying for a name asked, not for a sentence's gap
    if other is not None and other != question.answer and question.kind != CLOZE:
        return Outcome(False, AGAIN, text, note=f"“{text}” is {other}")
    if key and key not in question.confusable:
        near = _closest(key, by_key)
        if near == main:
            return Outcome(True, HARD, text, close=True)
        if near is not None:  # close to another name of the answer: a synonym, not a typo
            return Outcome(True, GOOD, text, note=f"also called {by_key[near]}")
    return Outcome(False, AGAIN, text)


def grade(question: Question, raw: str, names: Mapping[str, str] | None = None) -> Outcome | None:
    """Grade a response: an option number, letter or text, a typed name, or a self-grade.

    None means the response is not an answer at all (not one of the options, an unknown
    grade): ask again. An empty typed answer is "I don't know". ``names`` (normalised name
    → entry label, :attr:`QuestionMaker.names`) lets a typed answer that names another
    entry say which one.
    """
    text = raw.strip()
    if question.style == "flashcard":
        return _grade_flashcard(text)
    if question.style == "choice":
        return _grade_choice(question, text)
    return _grade_typed(question, text, names or {})
