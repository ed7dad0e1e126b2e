"""Problems between entries: slugs and names used twice, links and contrasts to nothing.

Each finder returns (entry, ``file:line: what is wrong``) pairs, so that the loader can
leave out just the entry concerned while ``genai validate`` prints every message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from genai_cli.knowledge.model import Contrast, Entry, Quote
from genai_cli.knowledge.names import normalize
from genai_cli.knowledge.yamlsafe import quoted


def _names(entry: Entry) -> Iterable[str]:
    yield entry.slug
    if entry.label != entry.slug and entry.kind not in ("myth", "quote"):
        yield entry.label
    yield from entry.aliases


# A problem found between entries, with the entry it is reported on.
Blame = tuple[Entry, str]


def slug_problems(entries: Sequence[Entry]) -> list[Blame]:
    problems: list[Blame] = []
    by_slug: dict[str, Entry] = {}
    for entry in entries:
        first = by_slug.setdefault(entry.slug, entry)
        if first is not entry:
            problems.append(
                (
                    entry,
                    f"{entry.location}: {entry.kind} {quoted(entry.slug)}: slug already used by"
                    f" {first.kind} at {first.location}",
                )
            )
    return problems


def name_problems(entries: Sequence[Entry]) -> list[Blame]:
    problems: list[Blame] = []
    owners: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for name in dict.fromkeys(normalize(n) for n in _names(entry)):
            if not name:
                continue
            owner = owners.setdefault((entry.kind, name), entry)
            if owner is not entry and owner.slug != entry.slug:
                problems.append(
                    (
                        entry,
                        f"{entry.location}: {entry.kind} {quoted(entry.slug)}: name or alias"
                        f" {quoted(name)} is already a name of {owner.kind}"
                        f" {quoted(owner.slug)} ({owner.location})",
                    )
                )
    return problems


def closest(target: str, known: Iterable[str]) -> str | None:
    """The known slug most like ``target`` (a likely typo), if any is close enough."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(target, list(known), scorer=fuzz.ratio, score_cutoff=70)
    return None if found is None else str(found[0])


def _unknown(target: str, known: Mapping[str, Entry]) -> str:
    guess = closest(target, known)
    hint = f"; did you mean {guess}?" if guess else ""
    return f"{quoted(target)} is not a known entry{hint}"


def links(entry: Entry) -> list[tuple[str, str]]:
    """(field, slug) of every link an entry may lose: see_also, more_precisely,
    prerequisites, context."""
    links = [("see_also", s) for s in entry.see_also]
    links += [("more_precisely", s) for s in entry.more_precisely]
    links += [("prerequisites", s) for s in getattr(entry, "prerequisites", ())]
    if isinstance(entry, Quote) and entry.context:
        links.append(("context", entry.context))
    return links


def link_problems(entries: Iterable[Entry], known: Mapping[str, Entry]) -> list[Blame]:
    problems: list[Blame] = []
    for entry in entries:
        for field_name, target in links(entry):
            where = f"{entry.location}: {entry.kind} {quoted(entry.slug)}: {field_name}"
            if target not in known:
                problems.append((entry, f"{where} {_unknown(target, known)}"))
            elif target == entry.slug:
                problems.append((entry, f"{where} links to itself"))
    return problems


CONTRASTABLE = ("term", "algorithm")


def contrast_problems(entries: Iterable[Entry], known: Mapping[str, Entry]) -> list[Blame]:
    """Contrasts naming an entry that is not there, or not a term or algorithm, or a set twice."""
    problems: list[Blame] = []
    sets: dict[frozenset[str], Contrast] = {}
    for entry in entries:
        if not isinstance(entry, Contrast):
            continue
        where = f"{entry.location}: contrast {quoted(entry.slug)}: between"
        for target in entry.between:
            other = known.get(target)
            if other is None:
                problems.append((entry, f"{where} {_unknown(target, known)}"))
            elif other.kind not in CONTRASTABLE:
                problems.append(
                    (entry, f"{where} {quoted(target)} is a {other.kind}, not a term or algorithm")
                )
        first = sets.setdefault(frozenset(entry.between), entry)
        if first is not entry:
            problems.append(
                (entry, f"{where} names the same entries as contrast {quoted(first.slug)}")
            )
    return problems


def cross_check(entries: Sequence[Entry]) -> list[str]:
    """Problems between entries: duplicate slugs, colliding names, links to nothing."""
    known = {e.slug: e for e in entries}
    found = slug_problems(entries) + name_problems(entries) + link_problems(entries, known)
    found += contrast_problems(entries, known)
    return [message for _entry, message in found]


_PLACE = re.compile(r"(.*?):(\d+): ")


def by_place(message: str) -> tuple[str, int]:
    """A ``file:line: …`` message's file and line, to sort messages as a compiler does."""
    match = _PLACE.match(message)
    return (match.group(1), int(match.group(2))) if match else (message, 0)
