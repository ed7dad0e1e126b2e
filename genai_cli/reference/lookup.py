"""Name resolution, "did you mean" suggestions and full-text search."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.model import (
    Entry,
    KnowledgeBase,
    Term,
    name_keys,
)
from genai_cli.knowledge.names import normalize

SEARCHABLE = ("terms", "algorithms", "concepts", "applications", "myths")
_WORD = re.compile(r"[0-9a-z]+")
# A query's first this many distinct words are searched for (red-team L13: a
# 20,000-word query took 21 s); the rest are ignored. Said in `genai search --help`.
MAX_QUERY_WORDS = 32
# Characters of a query looked at: enough for MAX_QUERY_WORDS long words.
MAX_QUERY_CHARS = 4096


E = TypeVar("E", bound=Entry)


class Index(Generic[E]):
    """Normalised names of one kind of entry, for exact and fuzzy lookup."""

    def __init__(self, entries: Iterable[E], noun: str) -> None:
        self.noun = noun
        self._by_key: Mapping[str, E] = name_keys(entries)

    @classmethod
    def from_keys(cls, keys: Mapping[str, E], noun: str) -> Index[E]:
        """An index over names already normalised (see KnowledgeBase.name_keys)."""
        index = cls.__new__(cls)
        index.noun = noun
        index._by_key = keys
        return index

    def __len__(self) -> int:
        return len(self._by_key)

    def find(self, name: str) -> E | None:
        return self._by_key.get(normalize(name))

    def resolve(self, name: str) -> E:
        """The entry called ``name``, or NotFoundError with up to three suggestions."""
        found = self.find(name)
        if found is not None:
            return found
        suggestions = self.suggest(name)
        raise NotFoundError(f"no {self.noun} {name!r}", tuple(e.slug for e in suggestions))

    def suggest(self, name: str, limit: int = 3) -> list[E]:
        """Entries whose names are most like ``name``, best first."""
        key = normalize(name)
        if not key or not self._by_key:
            return []
        from rapidfuzz import fuzz, process

        ranked = process.extract(
            key, list(self._by_key), scorer=fuzz.ratio, limit=limit * 6, score_cutoff=60
        )
        out: list[E] = []
        for match, _score, _index in ranked:
            entry = self._by_key[match]
            if entry not in out:
                out.append(entry)
            if len(out) == limit:
                break
        return out


@dataclass(frozen=True)
class Hit:
    """One search result: the entry, its score and the field text that matched best."""

    entry: Entry
    score: float
    field: str
    text: str

    @property
    def context(self) -> str:
        """The text to show under the hit: the matching field, or the entry's main text."""
        if self.field not in ("name", "aliases", "tags"):
            return self.text
        for name, text, _weight in _fields(self.entry)[1:]:
            if name not in ("aliases", "tags"):
                return text
        return ""


def _fields(entry: Entry) -> list[tuple[str, str, float]]:
    """(field name, text, weight) of an entry, the most telling first."""
    fields: list[tuple[str, str, float]] = [("name", entry.label, 4.0)]
    if entry.aliases:
        fields.append(("aliases", ", ".join(entry.aliases), 3.0))
    if entry.tags:
        fields.append(("tags", ", ".join(entry.tags), 2.0))
    for name in ("definition", "description", "body", "fact", "use_case"):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            fields.append((name, value, 1.0))
    return fields


def query_words(query: str) -> list[str]:
    """The distinct words of ``query``, at most MAX_QUERY_WORDS of them."""
    words = dict.fromkeys(_WORD.findall(query[:MAX_QUERY_CHARS].casefold()))
    return list(words)[:MAX_QUERY_WORDS]


def _word_matches(word: str, words: Sequence[str]) -> bool:
    for candidate in words:
        if candidate == word:
            return True
        if len(word) >= 3 and candidate.startswith(word):
            return True
        if len(candidate) >= 4 and word.startswith(candidate) and len(word) - len(candidate) <= 2:
            return True  # "transformers" finds "transformer"
    return False


def search(kb: KnowledgeBase, query: str, limit: int = 20) -> list[Hit]:
    """Entries matching every word of ``query`` (or, failing that, any word), best first."""
    return rank((e for kind in SEARCHABLE for e in kb.of_kind(kind)), query, limit)


def rank(entries: Iterable[Entry], query: str, limit: int = 20) -> list[Hit]:
    """:func:`search` over ``entries``, given in SEARCHABLE order (all, or a superset of
    those any query word matches: see :func:`entry_words` and :func:`matching_words`)."""
    words = query_words(query)
    if not words:
        return []
    phrase = " ".join(words)
    wanted_name = normalize(query[:MAX_QUERY_CHARS])
    scored: list[tuple[float, int, Hit]] = []
    partial: list[tuple[float, int, Hit]] = []
    for order, entry in enumerate(entries, 1):
        matched: set[str] = set()
        score = 0.0
        best: tuple[float, str, str] | None = None
        for name, text, weight in _fields(entry):
            folded = text.casefold()
            text_words = _WORD.findall(folded)
            hits = [w for w in words if _word_matches(w, text_words)]
            if not hits:
                continue
            matched.update(hits)
            gain = weight * len(hits)
            if len(words) > 1 and phrase in " ".join(text_words):
                gain += weight * 2
            if name == "name" and normalize(text) == wanted_name:
                gain += EXACT_NAME_BONUS
            score += gain
            if best is None or gain > best[0]:
                best = (gain, name, text)
        if best is None:
            continue
        hit = Hit(entry, score * len(matched) / len(words), best[1], best[2])
        bucket = scored if len(matched) == len(words) else partial
        bucket.append((-hit.score, order, hit))
    chosen = scored or partial
    chosen.sort(key=lambda item: (item[0], item[1]))
    return [hit for _, _, hit in chosen[:limit]]


# Each field search scores, as a bit of a word's "where" mask in the inverted index.
FIELD_BITS = {
    name: 1 << i
    for i, name in enumerate(
        ("name", "aliases", "tags", "definition", "description", "body", "fact", "use_case")
    )
}
FIELD_WEIGHTS = {FIELD_BITS["name"]: 4.0, FIELD_BITS["aliases"]: 3.0, FIELD_BITS["tags"]: 2.0}
EXACT_NAME_BONUS = 10.0


def entry_words(entry: Entry) -> dict[str, int]:
    """Every word search can match ``entry`` by, with the fields it is in (FIELD_BITS):
    what an inverted index files the entry under."""
    found: dict[str, int] = {}
    for name, text, _weight in _fields(entry):
        for word in _WORD.findall(text.casefold()):
            found[word] = found.get(word, 0) | FIELD_BITS[name]
    return found


def score_bound(masks: Sequence[int], words: int, named: bool = True) -> float:
    """The most :func:`rank` can score an entry whose fields hold the query's words as
    ``masks`` say (one mask per query word, 0 if absent), for pruning before decoding;
    ``named=False`` when the entry's name is known not to be the whole query."""
    total = 0.0
    phrase = 2 if words > 1 else 0
    for bit in FIELD_BITS.values():
        count = sum(1 for m in masks if m & bit)
        if count:
            total += FIELD_WEIGHTS.get(bit, 1.0) * (count + phrase)
    if named and any(m & FIELD_BITS["name"] for m in masks):
        total += EXACT_NAME_BONUS
    matched = sum(1 for m in masks if m)
    return total * matched / words


def matching_words(word: str, vocabulary: Sequence[str]) -> list[str]:
    """The words of a sorted ``vocabulary`` that query word ``word`` matches (the rules of
    ``_word_matches``: the word itself, a longer word it begins, a word of 4 or more
    letters it extends by at most 2)."""
    from bisect import bisect_left

    found = [c for c in {word, word[:-1], word[:-2]} if c == word or len(c) >= 4]
    if len(word) >= 3:
        at = bisect_left(vocabulary, word)
        while at < len(vocabulary) and vocabulary[at].startswith(word):
            found.append(vocabulary[at])
            at += 1
    return [w for w in dict.fromkeys(found) if _in_sorted(vocabulary, w)]


def _in_sorted(vocabulary: Sequence[str], word: str) -> bool:
    from bisect import bisect_left

    at = bisect_left(vocabulary, word)
    return at < len(vocabulary) and vocabulary[at] == word


def term_index(kb: KnowledgeBase) -> Index[Term]:
    """The index ``genai term`` resolves names with, cached with the knowledge base."""
    keys: Mapping[str, Term] = kb.name_keys("terms")  # type: ignore[assignment]
    return Index.from_keys(keys, "term")


def command_for(entry: Entry) -> str:
    """The command that shows ``entry`` in full."""
    kind_commands = {
        "term": "term",
        "algorithm": "algorithms",
        "concept": "concepts",
        "application": "apps",
        "myth": "myths",
        "poem": "poem",
        "quote": "quote",
    }
    return f"genai {kind_commands[entry.kind]} {entry.slug}"
