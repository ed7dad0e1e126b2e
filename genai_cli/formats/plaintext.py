"""Card text from elsewhere made plain: HTML reduced to text, Anki's cloze marks converted.

Everything here treats its input as untrusted data: tags are dropped (never interpreted),
script and style contents are discarded, entities are decoded once, and control and
bidi-override characters are removed, so nothing reaches a terminal but plain text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from genai_cli.knowledge.clozetext import well_formed
from genai_cli.knowledge.yamlsafe import clean

_BLOCK_TAGS = "br p div li ul ol tr table h1 h2 h3 h4 h5 h6 blockquote pre hr dt dd section"
_BLOCK = frozenset(_BLOCK_TAGS.split())
_DROP = frozenset(("script", "style", "head", "title", "template"))
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ANKI_CLOZE = re.compile(r"\{\{c\d+::(.*?)\}\}", re.DOTALL)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.dropping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: line breaks kept, spaces collapsed, nothing unsafe."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = clean(_SOUND.sub("", "".join(parser.parts)))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def flat(text: str) -> str:
    """Text on one line (spaces collapsed), as a question or a cloze sentence is written."""
    return " ".join(text.split())


def from_anki_cloze(text: str) -> str | None:
    """Anki's ``{{c1::answer::hint}}`` as genai's ``{{answer::hint}}``; None if not a
    well-formed cloze (nested deletions, a stray ``{{``, nothing hidden)."""

    def convert(match: re.Match[str]) -> str:
        answer, sep, hint = match.group(1).partition("::")
        return f"{{{{{answer.strip()}{sep}{hint.strip()}}}}}"

    converted = _ANKI_CLOZE.sub(convert, text)
    return converted if well_formed(converted) else None


def is_anki_cloze(text: str) -> bool:
    return _ANKI_CLOZE.search(text) is not None
