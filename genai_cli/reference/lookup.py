"""Name resolution, "did you mean" suggestions and full-text search."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from genai_cli.errors import NotFoundError, UsageError
from genai_cli.knowledge.model import (
    Contrast,
    Entry,
    KnowledgeBase,
    Term,
    name_keys,
)
from genai_cli.knowledge.names import fold_words, normalize
from genai_cli.knowledge.yamlsafe import quoted

SEARCHABLE = ("terms", "algorithms", "concepts", "applications", "myths", "questions", "cloze")
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
        key = normalize(name)
        return self._by_key.get(key) if key else None

    def resolve(self, name: str) -> E:
        """The entry called ``name``, or NotFoundError with up to three suggestions.

        A name with no letters or digits (``""``, ``"!!!"``) is a UsageError: it names nothing.
        """
        if not normalize(name):
            raise UsageError(
                f"{quoted(name)} is not a {self.noun} name: it has no letters or digits"
            )
        found = self.find(name)
        if found is not None:
            return found
        suggestions = self.suggest(name)
        raise NotFoundError(f"no {self.noun} {quoted(name)}", tuple(e.slug for e in suggestions))

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
        for match in close_suggestions([(m, float(score)) for m, score, _i in ranked]):
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
    """(field name, text, weight) of an entry, the most telling first.

    The label of a question or a cloze is a whole sentence, not a name: a word in it
    weighs as a tag does, so `how do gans work` finds the GAN entries before a question
    that mentions GANs twice.
    """
    sentence = entry.kind in ("question", "cloze")
    fields: list[tuple[str, str, float]] = [("name", entry.label, 2.0 if sentence else 4.0)]
    if entry.aliases:
        fields.append(("aliases", ", ".join(entry.aliases), 3.0))
    if entry.tags:
        fields.append(("tags", ", ".join(entry.tags), 2.0))
    for name in ("definition", "description", "body", "fact", "use_case", "answer"):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            fields.append((name, value, 1.0))
    return fields


def query_words(query: str) -> list[str]:
    """The distinct words of ``query`` (folded as names are), at most MAX_QUERY_WORDS."""
    return list(dict.fromkeys(fold_words(query[:MAX_QUERY_CHARS])))[:MAX_QUERY_WORDS]


def _word_matches(word: str, words: Sequence[str]) -> bool:
    # Scripts written without spaces (Chinese, Japanese) put several words in one run of
    # letters, so a non-ASCII word of two or more letters matches anywhere inside one.
    inside = not word.isascii() and len(word) >= 2
    for candidate in words:
        if candidate == word:
            return True
        if len(word) >= 3 and candidate.startswith(word):
            return True
        if inside and word in candidate:
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
            text_words = fold_words(text)
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


EXACT_NAME_BONUS = 10.0


def term_index(kb: KnowledgeBase) -> Index[Term]:
    """The index ``genai term`` resolves names with, cached with the knowledge base."""
    keys: Mapping[str, Term] = kb.name_keys("terms")  # type: ignore[assignment]
    return Index.from_keys(keys, "term")


def command_for(entry: Entry) -> str:
    """The command that shows ``entry`` in full."""
    if isinstance(entry, Contrast):
        return f"genai compare {' '.join(entry.between)}"
    kind_commands = {
        "term": "term",
        "algorithm": "algorithms",
        "concept": "concepts",
        "application": "apps",
        "myth": "myths",
        "poem": "poem",
        "quote": "quote",
        "question": "interview --history",
    }
    if entry.kind == "cloze":
        return "genai quiz --topic cloze"
    return f"genai {kind_commands[entry.kind]} {entry.slug}"


# --- forgiving search and next steps: ranking and typo tolerance on top of search() ---

# Words of a question that say nothing about its subject ("how do gans work").
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "between",
        "by",
        "can",
        "compare",
        "difference",
        "do",
        "does",
        "explain",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "mean",
        "means",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "versus",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "work",
        "works",
    ]
)


@dataclass(frozen=True)
class Found:
    """What a forgiving search found, and the words it looked for if it changed them."""

    hits: list[Hit]
    corrected: str | None = None  # the query with typos fixed, when that is what matched


def _content_words(text: str) -> list[str]:
    words = query_words(text)
    content = [w for w in words if w not in STOP_WORDS]
    return content or words


def _vocabulary(kb: KnowledgeBase) -> list[str]:
    """Every word of the searchable fields, once: what a typo is corrected towards."""
    key = "search:vocabulary"
    words: list[str] | None = kb._memo.get(key)
    if words is None:
        seen: dict[str, None] = {}
        for kind in SEARCHABLE:
            for entry in kb.of_kind(kind):
                for _name, text, _weight in _fields(entry):
                    seen.update(dict.fromkeys(fold_words(text)))
        words = kb._memo[key] = [w for w in seen if len(w) >= 3]
    return words


class Vocabulary(Protocol):
    """The words of the searchable fields, for typo correction (see :func:`corrected`)."""

    def __contains__(self, word: object) -> bool: ...

    def words(self) -> Sequence[str]:
        """Every word of 3 or more letters, in any order."""
        ...

    def first_seen(self, word: str) -> int:
        """Where ``word`` first occurs in search order: ties go to the earliest."""
        ...


class _KbVocabulary:
    def __init__(self, kb: KnowledgeBase) -> None:
        self._words = _vocabulary(kb)
        self._at = {w: i for i, w in enumerate(self._words)}

    def __contains__(self, word: object) -> bool:
        return word in self._at

    def words(self) -> Sequence[str]:
        return self._words

    def first_seen(self, word: str) -> int:
        return self._at[word]


def corrected(vocabulary: Vocabulary, words: Sequence[str]) -> list[str]:
    """Each word replaced by the closest word the knowledge base uses, if one is close
    (of equally close ones, the one met first in search order)."""
    from rapidfuzz import fuzz, process

    out = []
    for word in words:
        if len(word) < 4 or word in vocabulary:
            out.append(word)
            continue
        close = process.extract(
            word, vocabulary.words(), scorer=fuzz.ratio, score_cutoff=80, limit=None
        )
        if not close:
            out.append(word)
            continue
        top = max(score for _w, score, _i in close)
        ties = [str(w) for w, score, _i in close if score == top]
        out.append(min(ties, key=vocabulary.first_seen))
    return out


def forgiving_search(kb: KnowledgeBase, text: str, limit: int = 20) -> Found:
    """``search`` that ranks question words low and forgives typos.

    Stop words ("how", "do", "work") are left out when other words remain, so they do
    not pull in entries that merely use them; when nothing matches, each word is
    replaced by the closest word the knowledge base uses (``hallucinaton`` →
    ``hallucination``) and the search is run once more.
    """
    return forgiving(
        text, limit, lambda query, most: search(kb, query, most), lambda: _KbVocabulary(kb)
    )


def forgiving(
    text: str,
    limit: int,
    find: Callable[[str, int], list[Hit]],
    vocabulary: Callable[[], Vocabulary],
) -> Found:
    """:func:`forgiving_search` with any search (``find(query, limit)``) and vocabulary:
    the knowledge base's, or the lookup record's inverted index (reference.termlookup)."""
    words = _content_words(text)
    hits = find(" ".join(words), limit)
    if hits:
        return Found(hits)
    fixed = corrected(vocabulary(), words)
    if fixed == words:
        return Found([])
    query = " ".join(fixed)
    return Found(find(query, limit), query)


LIST_COMMANDS = {
    "term": "genai terms",
    "algorithm": "genai algorithms",
    "term or algorithm": "genai terms or genai algorithms",
    "concept": "genai concepts",
    "application": "genai apps",
    "myth": "genai myths",
    "quote": "genai quote --all",
    "question": "genai interview --history",
}


HINT_WORDS = 6  # a hint names a short search, not a copy of a pasted paragraph


def next_step(kb: KnowledgeBase, name: str, noun: str) -> str:
    """Where to go when ``name`` is no ``noun``: a search that finds it, or the full list."""
    if noun == "poem":
        return "poems: " + ", ".join(p.slug for p in kb.poems)
    found = forgiving_search(kb, name, limit=100)
    if found.hits:
        count = len(found.hits)
        words = " ".join(query_words(name)[:HINT_WORDS])
        return f"genai search {words} finds {count} {'entry' if count == 1 else 'entries'}"
    listing = LIST_COMMANDS.get(noun)
    return f"{listing} lists them all" if listing else ""


def with_next_step(exc: NotFoundError, kb: KnowledgeBase, name: str, noun: str) -> NotFoundError:
    """``exc`` unchanged when it suggests names; else with the next step as its hint."""
    if exc.suggestions or exc.hint:
        return exc
    return NotFoundError(exc.message, (), next_step(kb, name, noun))


@contextmanager
def next_step_on_miss(
    kb: KnowledgeBase | Callable[[], KnowledgeBase], name: str, noun: str
) -> Iterator[None]:
    """Turn a bare "no such name" raised inside into one that says where to go next."""
    try:
        yield
    except NotFoundError as exc:
        if exc.suggestions or exc.hint:
            raise
        base = kb() if callable(kb) else kb
        raise with_next_step(exc, base, name, noun) from None


def close_suggestions(ranked: Sequence[tuple[str, float]], spread: float = 8.0) -> list[str]:
    """The ranked names scoring within ``spread`` of the best: a typo's likely targets only.

    "embedings" is close to "embedding" (94) and loosely to "beam-search" (67); showing
    the loose ones is noise.
    """
    if not ranked:
        return []
    best = ranked[0][1]
    return [name for name, score in ranked if score >= best - spread]
