"""Flashcards for export: one card per term, algorithm or myth, with its provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genai_cli.knowledge.loader import deck_name
from genai_cli.knowledge.model import (
    Algorithm,
    Cloze,
    Entry,
    KnowledgeBase,
    Myth,
    Question,
    Term,
)

CARD_KINDS = ("terms", "algorithms", "myths", "questions", "cloze")


@dataclass(frozen=True)
class Card:
    """One flashcard: what is asked, the answer, and where it comes from."""

    kind: str
    slug: str
    front: str
    back: str
    source: str
    tags: tuple[str, ...]
    points: tuple[str, ...] = ()  # a question's key points
    level: str = ""  # a question's level


def anki_tag(tag: str) -> str:
    """A tag as Anki accepts it: no whitespace (it separates tags)."""
    return re.sub(r"\s+", "_", tag.strip())


def _provenance(entry: Entry) -> str:
    parts = []
    if entry.source is not None:
        src = entry.source
        parts.append(f"{src.title} ({src.author}, {src.year})")
    if entry.deck is not None:
        parts.append(f"deck {deck_name(entry.deck)}")
    elif entry.origin == "seed":
        parts.append("genai, from the article")
    else:
        parts.append("genai")
    return " · ".join(parts)


def key_points(points: tuple[str, ...]) -> str:
    """A question's key points as text lines under the answer."""
    return "Key points:\n" + "\n".join(f"- {p}" for p in points) if points else ""


def card_for(entry: Entry) -> Card:
    """The flashcard for a term, algorithm, myth, question or cloze sentence.

    A cloze card's front is its text with the ``{{...}}`` deletions, its back the
    sentence filled in; a question's back is its model answer (key points apart).
    """
    tags = tuple(t for t in (anki_tag(x) for x in entry.tags) if t)
    if isinstance(entry, Question):
        return Card(
            entry.kind,
            entry.slug,
            entry.question,
            entry.answer,
            _provenance(entry),
            tags,
            entry.points,
            entry.level or "",
        )
    if isinstance(entry, Cloze):
        return Card(entry.kind, entry.slug, entry.text, entry.label, _provenance(entry), tags)
    if isinstance(entry, Term):
        front, back = entry.name, entry.definition
    elif isinstance(entry, Algorithm):
        variables = ", ".join(f"{f.symbol}: {f.meaning}" for f in entry.complexity.factors)
        back = "\n\n".join(
            (
                entry.description,
                f"Complexity: {entry.complexity.stated} ({variables})",
                f"Use case: {entry.use_case}",
            )
        )
        front = entry.name
    elif isinstance(entry, Myth):
        front, back = f"Myth or fact? {entry.myth}", f"Myth. {entry.fact}"
    else:
        raise TypeError(f"no card for a {entry.kind}")
    return Card(entry.kind, entry.slug, front, back, _provenance(entry), tags)


def cards(kb: KnowledgeBase) -> list[Card]:
    return [card_for(e) for kind in CARD_KINDS for e in kb.of_kind(kind)]
