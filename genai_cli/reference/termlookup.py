"""What `genai term` needs, cached so a lookup never decodes the whole knowledge base.

With a 10,000-term deck, rebuilding every entry from the assembled-data cache costs
~35 ms of a warm lookup. Showing one term needs far less: the names of terms, the term
itself, the entries it links to, and the algorithms and concepts (which may link back
to it). This record keeps each entry as its own marshalled row, decoded on first use,
next to the term name index; it is cached under the same sources as the knowledge base
(see genai_cli.knowledge.cache), so it is rebuilt whenever a data file or deck changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from genai_cli.knowledge.cache import (
    NOWHERE,
    Places,
    SourceSpec,
    cached,
    check_fields,
    decode_row,
    dumps,
    encode_row,
    field_names,
    loads,
    relocate,
)
from genai_cli.knowledge.model import KINDS, Entry, KnowledgeBase, Term
from genai_cli.reference.lookup import Index

# Kinds whose entries are always part of a term's context: related() looks through them
# for links back to the term.
_REVERSE_KINDS = ("algorithms", "concepts")


@dataclass
class TermLookup:
    """Term names, and every entry as an encoded row, decoded only when asked for."""

    names: dict[str, str]  # normalised term name -> slug
    rows: dict[str, str]  # slug -> JSON [position, plural, row]
    reverse: tuple[str, ...]  # slugs of the algorithms and concepts, in order
    warnings: tuple[str, ...]
    places: Places = NOWHERE  # shown paths as stored -> as shown from here
    _decoded: dict[str, Entry] = field(default_factory=dict, repr=False)
    _position: dict[str, int] = field(default_factory=dict, repr=False)  # in the full base

    @classmethod
    def of(cls, kb: KnowledgeBase, warnings: Sequence[str]) -> TermLookup:
        rows: dict[str, str] = {}
        for plural in KINDS:
            for entry in kb.of_kind(plural):
                row = [len(rows), plural, encode_row(entry)]
                rows[entry.slug] = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        names = {key: entry.slug for key, entry in kb.name_keys("terms").items()}
        reverse = tuple(e.slug for plural in _REVERSE_KINDS for e in kb.of_kind(plural))
        return cls(names, rows, reverse, tuple(warnings))

    def entry(self, slug: str) -> Entry | None:
        found = self._decoded.get(slug)
        if found is None and slug in self.rows:
            position, plural, row = json.loads(self.rows[slug])
            names = field_names(KINDS[plural])
            found = decode_row(check_fields(plural, list(names)), names, row, self.places)
            if not isinstance(position, int):
                raise ValueError("bad position")
            self._decoded[slug] = found
            self._position[slug] = position
        return found

    def index(self) -> Index[Term]:
        """Term names for resolve() and suggest(), decoding only the entries they return."""
        return Index.from_keys(_Terms(self), "term")

    def context(self, term: Term) -> KnowledgeBase:
        """A knowledge base holding what the term's panel shows, in the full one's order."""
        wanted = dict.fromkeys([term.slug, *term.see_also, *term.prerequisites, *self.reverse])
        entries = [e for e in (self.entry(s) for s in wanted) if e is not None]
        groups: dict[str, list[Entry]] = {plural: [] for plural in KINDS}
        plural_of = {kind.kind: plural for plural, kind in KINDS.items()}
        for entry in entries:
            groups[plural_of[entry.kind]].append(entry)
        order = self._position.__getitem__
        return KnowledgeBase(
            **{p: tuple(sorted(g, key=lambda e: order(e.slug))) for p, g in groups.items()}  # type: ignore[arg-type]
        )

    def encode(self) -> bytes:
        fields = {plural: list(field_names(kind)) for plural, kind in KINDS.items()}
        return dumps([fields, self.names, self.rows, list(self.reverse), list(self.warnings)])

    @classmethod
    def decode(cls, data: bytes | memoryview, places: Places = NOWHERE) -> TermLookup:
        fields, names, rows, reverse, warnings = loads(data)
        for plural in KINDS:  # rows are checked again when decoded
            check_fields(plural, fields.get(plural))
        if not (isinstance(names, dict) and isinstance(rows, dict)):
            raise ValueError("bad term lookup record")
        if not all(isinstance(v, str) for v in (*rows.values(), *names.values())):
            raise ValueError("bad term lookup record")
        return cls(names, rows, relocate(reverse, NOWHERE), relocate(warnings, places), places)


class _Terms(Mapping[str, Term]):
    """Normalised name -> term, decoding a term the first time it is looked up."""

    def __init__(self, lookup: TermLookup) -> None:
        self._lookup = lookup

    def __getitem__(self, key: str) -> Term:
        entry = self._lookup.entry(self._lookup.names[key])
        if not isinstance(entry, Term):  # only a tampered record could say otherwise
            raise KeyError(key)
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup.names)

    def __len__(self) -> int:
        return len(self._lookup.names)

    def get(self, key: str, default: object = None) -> Term | None:  # type: ignore[override]
        return self[key] if key in self._lookup.names else None


class _Codec:
    def encode(self, value: TermLookup) -> bytes:
        return value.encode()

    def decode(self, data: bytes | memoryview, places: Places) -> TermLookup:
        return TermLookup.decode(data, places)


def load_term_lookup(deck_paths: Sequence[Path]) -> TermLookup:
    """The term lookup record for the bundled data plus these deck files, cached."""
    from genai_cli.knowledge.loader import knowledge_sources, load_knowledge

    def build() -> TermLookup:
        loaded = load_knowledge(deck_paths)
        return TermLookup.of(loaded.kb, loaded.warnings)

    specs: list[SourceSpec] = knowledge_sources(deck_paths)
    return cached("terms", specs, build, _Codec())
