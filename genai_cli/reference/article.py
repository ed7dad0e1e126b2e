"""Choosing among the article's myths, concepts, applications, quotes and poems.

Pure functions over the model: randomness comes in as a ``random.Random``.
"""

from __future__ import annotations

from collections.abc import Sequence
from random import Random
from typing import Any, TypeVar

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.model import Concept, Entry, KnowledgeBase, Myth, Quote
from genai_cli.knowledge.names import normalize, whole_number

E = TypeVar("E", bound=Entry)

CORE_MODEL_TAG = "core-model"


def _words(text: str) -> list[str]:
    return [w for w in normalize(text).split("-") if w]


def loose_find(entries: Sequence[E], name: str, noun: str) -> E:
    """The entry called ``name``, or the only one whose words start with every word of it.

    ``canvas`` and ``Digital canvas`` both find the poem "Digital Canvas"; a name
    several entries answer to, or none, is not found (with suggestions).
    """
    from genai_cli.knowledge.model import names_of
    from genai_cli.reference.lookup import Index

    index = Index(entries, noun)
    found = index.find(name)
    if found is not None:
        return found
    wanted = _words(name)
    if wanted:
        matches = []
        for entry in entries:
            words = {w for n in names_of(entry) for w in _words(n)}
            if all(any(w.startswith(part) for w in words) for part in wanted):
                matches.append(entry)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NotFoundError(
                f"{name!r} matches {len(matches)} {noun}s", tuple(e.slug for e in matches)
            )
    return index.resolve(name)


def find_myth(kb: KnowledgeBase, which: str) -> Myth:
    """A myth by its number in ``genai myths`` (1-based), its slug or its wording."""
    myths = kb.myths
    number = whole_number(which)  # not ², ① or 5,000 digits: those are looked up as text
    if number is not None:
        if 1 <= number <= len(myths):
            return myths[number - 1]
        raise NotFoundError(f"no myth number {number} (there are {len(myths)}: 1 to {len(myths)})")
    return loose_find(myths, which, "myth")


def pick(entries: Sequence[E], rng: Random) -> E:
    """One of ``entries`` at random; not found when there are none."""
    if not entries:
        raise NotFoundError("there is nothing to choose from")
    return entries[rng.randrange(len(entries))]


def core_models(kb: KnowledgeBase) -> tuple[Concept, ...]:
    """The concepts describing the core models (GANs, VAEs, Transformers), in article order."""
    return tuple(c for c in kb.concepts if CORE_MODEL_TAG in c.tags)


def quote_source(kb: KnowledgeBase, quote: Quote) -> Entry | None:
    """The entry a quote closes (a concept, a poem …), if it names one that exists."""
    return kb.get(quote.context) if quote.context else None


def closing_quote(kb: KnowledgeBase, slug: str) -> Quote | None:
    """The first quote whose context is ``slug``."""
    quotes = kb.quotes_for(slug)
    return quotes[0] if quotes else None


def intro(kb: KnowledgeBase, slug: str) -> str:
    """The body of the concept ``slug`` (e.g. the line that opens the applications)."""
    entry = kb.get(slug)
    return entry.body if isinstance(entry, Concept) else ""


def to_json(entry: Entry, kb: KnowledgeBase) -> dict[str, Any]:
    """An entry's JSON plus the texts of the quotes that close it (``quotes``)."""
    from genai_cli.knowledge.serialize import entry_to_json

    data = entry_to_json(entry)
    if isinstance(entry, Quote):
        source = quote_source(kb, entry)
        data["context_name"] = source.label if source else None
    else:
        data["quotes"] = [q.text for q in kb.quotes_for(entry.slug)]
    return data


def other_sections(kb: KnowledgeBase) -> tuple[Concept, ...]:
    """The concepts ``genai concepts`` only names: neither a core model nor the core overview."""
    core = core_models(kb)
    return tuple(c for c in kb.concepts if c not in core and c.slug != "core-concepts")
