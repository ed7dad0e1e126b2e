"""Cloze text: a sentence with deletions marked ``{{answer}}`` or ``{{answer::hint}}``.

Pure functions over the text of a ``cloze`` entry: parse it (with a reason when it is not
well formed), fill every gap, hide one gap as a card does, and number the gaps the way
Anki writes them (``{{c1::answer::hint}}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

OPEN, CLOSE, SEP = "{{", "}}", "::"
GAP = "[…]"
_MARK = re.compile(r"\{\{|\}\}")


class ClozeError(ValueError):
    """The text is not a well-formed cloze: the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Deletion:
    """One gap: the hidden words and an optional hint shown in their place."""

    answer: str
    hint: str | None = None


Part = str | Deletion


def parse(text: str) -> tuple[Part, ...]:
    """The text as plain runs and deletions; ClozeError if it is not well formed."""
    parts: list[Part] = []
    position = 0
    count = 0
    while True:
        found = _MARK.search(text, position)
        if found is None:
            break
        if found.group() == CLOSE:
            raise ClozeError(f"'}}}}' without an opening '{{{{' at character {found.start() + 1}")
        end = text.find(CLOSE, found.end())
        if end < 0:
            raise ClozeError(f"'{{{{' at character {found.start() + 1} is never closed")
        inner = text[found.end() : end]
        if OPEN in inner:
            raise ClozeError(f"deletion at character {found.start() + 1} holds another '{{{{'")
        count += 1
        answer, sep, hint = inner.partition(SEP)
        if not answer.strip():
            raise ClozeError(f"deletion {count} hides nothing")
        if sep and (not hint.strip() or SEP in hint):
            raise ClozeError(f"deletion {count} has an empty or doubled hint ('::')")
        if found.start() > position:
            parts.append(text[position : found.start()])
        parts.append(Deletion(answer.strip(), hint.strip() if sep else None))
        position = end + len(CLOSE)
    if position < len(text):
        parts.append(text[position:])
    if not count:
        raise ClozeError("has no deletion: mark the hidden words as {{words}}")
    return tuple(parts)


def well_formed(text: str) -> bool:
    """Whether ``text`` parses as a cloze (see :func:`parse` for why not)."""
    try:
        parse(text)
    except ClozeError:
        return False
    return True


def deletions(text: str) -> tuple[Deletion, ...]:
    return tuple(p for p in parse(text) if isinstance(p, Deletion))


def filled(text: str) -> str:
    """The sentence with every gap filled in."""
    return "".join(p if isinstance(p, str) else p.answer for p in parse(text))


def masked(text: str, number: int | None) -> str:
    """The sentence with gap ``number`` (from 1) hidden and the others filled in, as Anki
    does; with ``number`` None, every gap hidden."""
    out: list[str] = []
    seen = 0
    for part in parse(text):
        if isinstance(part, str):
            out.append(part)
            continue
        seen += 1
        if number is None or seen == number:
            out.append(f"[{part.hint}]" if part.hint else GAP)
        else:
            out.append(part.answer)
    return "".join(out)


def to_anki(text: str, escape: Callable[[str], str] = str) -> str:
    """The text with gaps numbered as Anki's Cloze note type wants: ``{{c1::answer::hint}}``.

    ``escape`` is applied to every run of text (e.g. ``html.escape``).
    """
    convert = escape
    out: list[str] = []
    seen = 0
    for part in parse(text):
        if isinstance(part, str):
            out.append(convert(part))
            continue
        seen += 1
        hint = f"::{convert(part.hint)}" if part.hint else ""
        out.append(f"{{{{c{seen}::{convert(part.answer)}{hint}}}}}")
    return "".join(out)
