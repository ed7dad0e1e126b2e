"""The texts questions show: names masked, entries flattened, algorithm profiles.

Pure functions of an entry; what a question shows and what is shown after an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from genai_cli.knowledge.model import Algorithm, Entry, Myth, Term, names_of

MASK = "_____"


def name_pattern(name: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s\-_]+", name.strip()) if w]
    return r"[\s\-_]*".join(words)


def mask(text: str, names: Iterable[str]) -> str:
    """``text`` with every one of ``names`` (any case, spacing or plural) replaced by _____."""
    alternatives = [name_pattern(n) for n in sorted(set(names), key=len, reverse=True)]
    alternatives = [a for a in alternatives if a]
    if not alternatives:
        return text
    pattern = rf"(?<![0-9A-Za-z])(?:{'|'.join(alternatives)})(?:e?s)?(?![0-9A-Za-z])"
    return re.sub(pattern, MASK, text, flags=re.IGNORECASE)


def flat(text: str) -> str:
    return " ".join(text.split())


def variables(algorithm: Algorithm) -> str:
    """``n = the number of samples, m = the number of epochs``."""
    return ", ".join(f"{f.symbol} = {flat(f.meaning)}" for f in algorithm.complexity.factors)


def profile(algorithm: Algorithm) -> str:
    """The stated complexity and what its variables stand for.

    Not the use case: use cases differ mostly in the article's wording, so options built
    from them could be told apart by style rather than by knowing the algorithm.
    """
    meanings = variables(algorithm)
    text = algorithm.complexity.stated + (f", where {meanings}" if meanings else "")
    return mask(text, names_of(algorithm))


def first_sentence(text: str) -> str:
    head, dot, _rest = flat(text).partition(". ")
    return head + (dot.strip() if dot else "")


def explanation(entry: Entry) -> str:
    """What is shown after an answer: the entry in full."""
    if isinstance(entry, Term):
        return f"{entry.name}: {flat(entry.definition)}"
    if isinstance(entry, Algorithm):
        meanings = variables(entry)
        cost = entry.complexity.stated + (f" ({meanings})" if meanings else "")
        return f"{entry.name}, {cost}: {flat(entry.description)} Used for: {flat(entry.use_case)}"
    if isinstance(entry, Myth):
        return f"Myth: {flat(entry.myth)} Fact: {flat(entry.fact)}"
    return entry.label


def unblank(text: str) -> str:
    """``text`` without its blanks: "the number of _____ steps" → "the number of steps"."""
    out = re.sub(r"\s*" + re.escape(MASK) + r"\s*", " ", text)
    return re.sub(r"\s+([,.;:)])", r"\1", out).strip()


def masked_definition(entry: Entry) -> str | None:
    if not isinstance(entry, Term):
        return None
    return mask(flat(entry.definition), names_of(entry))


def short_definition(entry: Entry) -> str:
    return f"“{first_sentence(entry.definition)}”" if isinstance(entry, Term) else entry.label


def short_description(entry: Entry) -> str:
    if isinstance(entry, Algorithm):
        return f"{entry.complexity.stated}: “{first_sentence(entry.description)}”"
    return entry.label


def typed_prompt(entry: Entry) -> str:
    """What a typed question shows: the definition (or description), the name masked."""
    names = names_of(entry)
    if isinstance(entry, Algorithm):
        shown = f"{entry.complexity.stated} · {flat(entry.description)}"
        return f"Type the algorithm:\n{mask(shown, names)}"
    assert isinstance(entry, Term)
    return f"Type the term:\n{mask(flat(entry.definition), names)}"


def flashcard_sides(entry: Entry) -> tuple[str, str]:
    """A flashcard's front and back."""
    if isinstance(entry, Term):
        return entry.name, flat(entry.definition)
    if isinstance(entry, Algorithm):
        back = (
            f"{entry.complexity.stated} · {flat(entry.description)} "
            f"Used for: {flat(entry.use_case)}"
        )
        return entry.name, back
    assert isinstance(entry, Myth)
    return f"A common belief: {flat(entry.myth)}\nWhy is it a myth?", flat(entry.fact)
