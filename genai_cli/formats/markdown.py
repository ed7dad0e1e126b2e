"""Markdown export: a study sheet whose text Markdown shows literally."""

from __future__ import annotations

import re
from collections.abc import Sequence

from genai_cli.formats.cards import Card
from genai_cli.knowledge.clozetext import masked

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
_MD_LIST_START = re.compile(r"^([-+=])|^(\d+)([.)])")


# GitHub-flavoured Markdown turns bare URLs, www. names and e-mail addresses into links
# (its "extended autolinks"). Each trigger is written as a character reference, which
# every renderer shows as the character itself but no autolink rule matches.
_AUTOLINK = re.compile(r"(?i)(?<=:)//|(?<=www)\.|@")
_AUTOLINK_REFS = {"//": "&#47;&#47;", ".": "&#46;", "@": "&#64;"}


def md_escape(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, links, HTML, headings or lists."""
    flat = " ".join(text.split())
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    escaped = _AUTOLINK.sub(lambda m: _AUTOLINK_REFS[m.group()], escaped)
    return _MD_LIST_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), escaped
    )


def _paragraphs(text: str) -> list[str]:
    return [md_escape(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def to_markdown(items: Sequence[Card]) -> str:
    """A study sheet: a section per kind, a heading per card, the answer beneath."""
    titles = {
        "term": "Terms",
        "algorithm": "Algorithms",
        "myth": "Myths",
        "question": "Interview questions",
        "cloze": "Cloze",
    }
    lines = ["# genai study sheet", ""]
    for kind, title in titles.items():
        group = [c for c in items if c.kind == kind]
        if not group:
            continue
        lines += [f"## {title}", ""]
        for card in group:
            front = masked(card.front, None) if card.kind == "cloze" else card.front
            lines += [f"### {md_escape(front)}", ""]
            for paragraph in _paragraphs(card.back):
                lines += [paragraph, ""]
            if card.points:
                lines += ["Key points:", ""]
                lines += [f"- {md_escape(p)}" for p in card.points]
                lines += [""]
            if card.level:
                lines += [f"Level: {md_escape(card.level)}", ""]
            meta = []
            if card.tags:
                meta.append("Tags: " + md_escape(", ".join(card.tags)))
            meta.append("Source: " + md_escape(card.source))
            lines += ["*" + " · ".join(meta) + "*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
