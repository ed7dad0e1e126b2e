"""What `genai term` and `genai search` need, cached so neither decodes the whole base.

With a 100,000-term deck, decoding every entry costs seconds and hundreds of MB; showing
one term needs its name index entry, the term, the entries it links to and the
algorithms and concepts (which may link back to it); a search needs the entries its
words can match. This record holds, in pages decoded only when used
(genai_cli.knowledge.pages.Pages):

- ``names``: normalised term name → slug;
- ``rows``: slug → [position in the full base, search order or -1, kind, entry row];
- ``posts``: word → the searchable entries it occurs in (an inverted index): their
  search orders, each shifted left past the fields it is in (FIELD_BITS) and
  whether the entry is a term (TERM_BIT) below, stored as differences from the
  previous one (small numbers: a tenth of the size);
- ``slug_at``: search order → slug;
- ``first``: word of 3 or more letters → where it first occurs in search order (typo
  correction prefers the earliest of equally close words, as reference.lookup does),

and, read whole, the sorted vocabulary of search words, the slugs of the algorithms and
concepts, and the deck warnings. It is cached under the same sources as the knowledge
base (genai_cli.knowledge.cache), so it is rebuilt whenever a data file or deck changes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from genai_cli.knowledge.cache import (
    NOWHERE,
    Places,
    SourceSpec,
    cached,
    check_fields,
    decode_row,
    encode_row,
    field_names,
    relocate,
)
from genai_cli.knowledge.model import KINDS, Entry, KnowledgeBase, Term
from genai_cli.knowledge.names import normalize
from genai_cli.knowledge.pages import Pages, encode_pages
from genai_cli.reference.lookup import (
    MAX_QUERY_CHARS,
    SEARCHABLE,
    Found,
    Hit,
    Index,
    forgiving,
    query_words,
    rank,
)
from genai_cli.reference.searchindex import FIELD_BITS, entry_words, matching_words, score_bound

# Kinds whose entries are always part of a term's context: related() looks through them
# for links back to the term.
_REVERSE_KINDS = ("algorithms", "concepts")
# In a posting, below the search order: the fields (FIELD_BITS), then whether it is a term.
TERM_BIT = 1 << len(FIELD_BITS)
_SHIFT = len(FIELD_BITS) + 1
_FIELDS_MASK = TERM_BIT - 1


class TermLookup:
    """Term names, every entry as a row, and the search index, decoded only when asked."""

    def __init__(self, pages: Pages, places: Places = NOWHERE) -> None:
        self.pages = pages
        self.places = places
        vocabulary, reverse, warnings = pages.extra
        if not all(isinstance(w, str) for w in (*vocabulary, *reverse)):
            raise ValueError("bad lookup record")
        self.vocabulary: list[str] = vocabulary
        self.reverse: tuple[str, ...] = tuple(reverse)
        self.warnings: tuple[str, ...] = relocate(warnings, places)
        self._decoded: dict[str, Entry] = {}
        self._position: dict[str, int] = {}
        self._order: dict[str, int] = {}
        self._data: bytes | memoryview = b""

    @property
    def rows(self) -> range:
        """As many items as there are entries (the rows table)."""
        return range(self.pages.count("rows"))

    @staticmethod
    def encode_base(kb: KnowledgeBase, warnings: Sequence[str]) -> bytes:
        rows: dict[str, Any] = {}
        posts: dict[str, list[int]] = {}  # word -> [order << _SHIFT | term? | where]
        first: dict[str, int] = {}
        slug_at: dict[str, str] = {}
        searchable = {e.slug for kind in SEARCHABLE for e in kb.of_kind(kind)}
        order = 0
        for plural in KINDS:
            for entry in kb.of_kind(plural):
                searched = -1
                if plural in SEARCHABLE and entry.slug in searchable:
                    order += 1
                    searched = order
                    slug_at[str(order)] = entry.slug
                    term = TERM_BIT if plural == "terms" else 0
                    for word, where in entry_words(entry).items():
                        posts.setdefault(word, []).append(order << _SHIFT | term | where)
                        if len(word) >= 3:
                            first.setdefault(word, len(first))
                rows[entry.slug] = [len(rows), searched, plural, encode_row(entry)]
        names = {key: entry.slug for key, entry in kb.name_keys("terms").items()}
        reverse = [e.slug for plural in _REVERSE_KINDS for e in kb.of_kind(plural)]
        fields = {plural: list(field_names(kind)) for plural, kind in KINDS.items()}
        extra = [sorted(posts), reverse, list(warnings)]
        for word, items in posts.items():  # ascending: store the differences
            posts[word] = [items[0]] + [b - a for a, b in pairwise(items)]
        tables = {
            "names": names,
            "rows": rows,
            "posts": posts,
            "slug_at": slug_at,
            "first": first,
        }
        # Rows are read one by one (a search may read thousands): small pages for them.
        return encode_pages(tables, [fields, extra], {"rows": 8})

    @classmethod
    def of(cls, kb: KnowledgeBase, warnings: Sequence[str]) -> TermLookup:
        return cls.decode(cls.encode_base(kb, warnings))

    def encode(self) -> bytes:
        """The record this lookup was decoded from."""
        return bytes(self._data)

    @classmethod
    def decode(cls, data: bytes | memoryview, places: Places = NOWHERE) -> TermLookup:
        pages = Pages(data)
        fields, extra = pages.extra
        for plural in KINDS:  # rows are checked again when decoded
            check_fields(plural, fields.get(plural))
        pages.extra = extra
        lookup = cls(pages, places)
        lookup._data = data
        return lookup

    def entry(self, slug: str, keep: bool = True) -> Entry | None:
        """The entry ``slug``, decoded once; ``keep=False`` leaves its page undecoded."""
        found = self._decoded.get(slug)
        if found is None:
            stored = self.pages.get("rows", slug, keep)
            if stored is None:
                return None
            position, searched, plural, row = stored
            if type(position) is not int or type(searched) is not int:
                raise ValueError("bad position")
            names = field_names(KINDS[plural])
            found = decode_row(check_fields(plural, list(names)), names, row, self.places)
            self._decoded[slug] = found
            self._position[slug] = position
            self._order[slug] = searched
        return found

    def slug_of(self, key: str) -> str | None:
        slug = self.pages.get("names", key)
        return slug if isinstance(slug, str) else None

    def index(self) -> Index[Term]:
        """Term names for resolve() and suggest(), decoding only the entries they return."""
        return Index.from_keys(_Terms(self), "term")

    def context(self, term: Term) -> KnowledgeBase:
        """A knowledge base holding what the term's panel shows, in the full one's order."""
        links = (*term.see_also, *term.more_precisely, *term.prerequisites)
        wanted = dict.fromkeys([term.slug, *links, *self.reverse])
        entries = [e for e in (self.entry(s) for s in wanted) if e is not None]
        groups: dict[str, list[Entry]] = {plural: [] for plural in KINDS}
        plural_of = {kind.kind: plural for plural, kind in KINDS.items()}
        for entry in entries:
            groups[plural_of[entry.kind]].append(entry)
        order = self._position.__getitem__
        return KnowledgeBase(
            **{p: tuple(sorted(g, key=lambda e: order(e.slug))) for p, g in groups.items()}  # type: ignore[arg-type]
        )

    def search(self, query: str, limit: int) -> list[Hit]:
        """reference.lookup.search over the whole base, decoding only the candidates: the
        entries filed under a word some query word matches (the same hits, same order).

        Candidates are decoded and scored best bound first (score_bound, from where each
        word occurs), and scoring stops once no bound left can reach the ``limit``-th hit.
        """
        words = query_words(query)
        per_word = [self._postings(word) for word in words]
        if not per_word:
            return []
        # Entries matching every word outrank all others, so when there are any, only
        # they need ranking; otherwise every entry matching some word.
        every = set.intersection(*(set(p) for p in per_word))
        candidates = every or set().union(*per_word)
        # The exact-name bonus: only the term named by the whole query can have it (terms'
        # names are indexed), while any other kind's candidate might.
        named = self.slug_of(normalize(query[:MAX_QUERY_CHARS]))

        def most(order: int) -> float:
            masks = [p.get(order, 0) for p in per_word]
            term = any(m & TERM_BIT for m in masks)
            maybe = not term or named == self.pages.get("slug_at", str(order))
            return score_bound(masks, len(words), maybe)

        bounds = sorted(((most(o), o) for o in candidates), reverse=True)
        hits: list[Hit] = []
        best: list[float] = []  # a heap of the ``limit`` best scores so far
        for bound, order in bounds:
            if len(best) >= limit and bound < best[0] - 1e-9:
                break
            slug = self.pages.get("slug_at", str(order))
            entry = self.entry(slug, keep=False) if isinstance(slug, str) else None
            if entry is None or self._order[slug] <= 0:
                continue
            for hit in rank([entry], query, 1):
                hits.append(hit)
                if len(best) < limit:
                    heapq.heappush(best, hit.score)
                else:
                    heapq.heappushpop(best, hit.score)
        hits.sort(key=lambda h: (-h.score, self._order[h.entry.slug]))
        return hits[:limit]

    def forgiving(self, text: str, limit: int) -> Found:
        """reference.lookup.forgiving_search through the index: the same hits."""
        return forgiving(text, limit, self.search, lambda: _Vocabulary(self))

    def _postings(self, word: str) -> dict[int, int]:
        """Search order → where (FIELD_BITS) for every entry a query word matches."""
        found: dict[int, int] = {}
        for match in matching_words(word, self.vocabulary):
            posts = self.pages.get("posts", match)
            if not isinstance(posts, list):
                continue
            at = 0
            for step in posts:
                if type(step) is not int:
                    break
                at += step
                found[at >> _SHIFT] = found.get(at >> _SHIFT, 0) | (at & (TERM_BIT | _FIELDS_MASK))
        return found


class _Vocabulary:
    """The lookup's search words, as reference.lookup.corrected wants them."""

    def __init__(self, lookup: TermLookup) -> None:
        self._lookup = lookup
        self._long = [w for w in lookup.vocabulary if len(w) >= 3]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup.pages.get("first", word) is not None

    def words(self) -> Sequence[str]:
        return self._long

    def first_seen(self, word: str) -> int:
        at = self._lookup.pages.get("first", word)
        return at if type(at) is int else len(self._long)


class _Terms(Mapping[str, Term]):
    """Normalised name -> term, decoding a term the first time it is looked up."""

    def __init__(self, lookup: TermLookup) -> None:
        self._lookup = lookup
        self._all: list[str] | None = None

    def __getitem__(self, key: str) -> Term:
        slug = self._lookup.slug_of(key)
        entry = self._lookup.entry(slug) if slug is not None else None
        if not isinstance(entry, Term):  # not a name (or a tampered record)
            raise KeyError(key)
        return entry

    def _names(self) -> list[str]:  # every name: only for suggestions after a miss
        if self._all is None:
            self._all = [key for key, _slug in self._lookup.pages.items("names")]
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return self._lookup.pages.count("names")

    def get(self, key: str, default: object = None) -> Term | None:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return None


class _Encoded:
    """A lookup record just built: its bytes, decoded like a cached one."""

    def __init__(self, data: bytes) -> None:
        self.data = data


class _Codec:
    paged = True  # the cache maps the record and leaves each page's check to Pages

    def encode(self, value: TermLookup | _Encoded) -> bytes:
        if not isinstance(value, _Encoded):
            raise TypeError("only a record just built is stored")
        return value.data

    def decode(self, data: bytes | memoryview, places: Places) -> TermLookup | _Encoded:
        return TermLookup.decode(data, places)


def load_term_lookup(deck_paths: Sequence[Path]) -> TermLookup:
    """The lookup record for the bundled data plus these deck files, cached."""
    from genai_cli.knowledge.loader import knowledge_sources, load_knowledge

    def build() -> TermLookup | _Encoded:
        loaded = load_knowledge(deck_paths)
        return _Encoded(TermLookup.encode_base(loaded.kb, loaded.warnings))

    specs: list[SourceSpec] = knowledge_sources(deck_paths)
    value = cached("terms", specs, build, _Codec())
    return TermLookup.decode(value.data) if isinstance(value, _Encoded) else value
