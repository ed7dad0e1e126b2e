"""Cached values as checked JSON: the knowledge model's fields, messages, shown paths.

A planted or damaged record decodes into nothing it should not: every value is checked
against the model's field types before an entry is built (red-team M7), and a kind
added to the model needs its field types known here (tests/test_cache_safety.py).
See genai_cli.knowledge.cache for how records are keyed and used.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from genai_cli.knowledge.model import (
    KINDS,
    Complexity,
    Contrast,
    Entry,
    Factor,
    KnowledgeBase,
    Point,
    Source,
)
from genai_cli.knowledge.schema import Parsed

T = TypeVar("T")


class Places:
    """Shown paths in a record written from another working directory → today's."""

    def __init__(self, moved: Mapping[str, str]) -> None:
        self.moved = dict(moved)
        # longest first, so "decks/a.yaml" is replaced before "a.yaml" would match in it
        self._order = sorted(self.moved, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.moved)

    def path(self, value: Any) -> Any:
        """A stored path (or deck name) as shown today."""
        return self.moved.get(value, value) if isinstance(value, str) else value

    def text(self, message: str) -> str:
        """A stored message with the shown paths in it as shown today."""
        for old in self._order:
            if old in message:
                message = message.replace(old, f"\0{self._order.index(old)}\0")
        for i, old in enumerate(self._order):
            message = message.replace(f"\0{i}\0", self.moved[old])
        return message


NOWHERE = Places({})


class Codec(Protocol[T]):
    """Turns a cached value into bytes and back; ``decode`` checks what it reads."""

    def encode(self, value: T) -> bytes: ...

    def decode(self, data: bytes | memoryview, places: Places) -> T: ...


class BadRecord(ValueError):
    """A record that does not hold what its codec expects (a miss)."""


def _need(ok: bool, what: str = "record") -> None:
    if not ok:
        raise BadRecord(what)


def _text(value: Any) -> str:
    _need(isinstance(value, str))
    return str(value)


def _texts(value: Any) -> tuple[str, ...]:
    _need(isinstance(value, list) and all(isinstance(v, str) for v in value))
    return tuple(value)


def _int(value: Any) -> int:
    _need(isinstance(value, int) and not isinstance(value, bool))
    return int(value)


def _source_out(value: Source | None) -> Any:
    return None if value is None else [value.title, value.author, value.year]


def _source_in(value: Any) -> Source | None:
    if value is None:
        return None
    _need(isinstance(value, list) and len(value) == 3)
    return Source(_text(value[0]), _text(value[1]), _int(value[2]))


def _complexity_out(value: Complexity) -> Any:
    return [value.stated, [[f.symbol, f.exponent, f.meaning] for f in value.factors]]


def _complexity_in(value: Any) -> Complexity:
    _need(isinstance(value, list) and len(value) == 2 and isinstance(value[1], list))
    factors = []
    for f in value[1]:
        _need(isinstance(f, list) and len(f) == 3)
        factors.append(Factor(_text(f[0]), _int(f[1]), _text(f[2])))
    return Complexity(_text(value[0]), tuple(factors))


def _points_out(value: tuple[Point, ...]) -> Any:
    return [[p.aspect, list(p.values)] for p in value]


def _points_in(value: Any) -> tuple[Point, ...]:
    _need(isinstance(value, list))
    points = []
    for p in value:
        _need(isinstance(p, list) and len(p) == 2)
        points.append(Point(_text(p[0]), _texts(p[1])))
    return tuple(points)


_Nested = dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]

# Entry fields holding model objects rather than text, numbers or tuples of text.
_NESTED: _Nested = {
    "source": (_source_out, _source_in),
    "complexity": (_complexity_out, _complexity_in),
}
# Per kind: a contrast's points are Point objects, while a question's points are plain
# text and are checked as such.
_NESTED_OF: dict[type[Entry], _Nested] = {cls: _NESTED for cls in KINDS.values()}
_NESTED_OF[Contrast] = {**_NESTED, "points": (_points_out, _points_in)}

# How a field is checked and rebuilt, by its annotation. A kind added to the model with
# a field of another type needs a line here (tests/test_cache_safety.py checks every kind).
_TEXT, _MAYBE_TEXT, _INT, _TEXTS = "text", "maybe text", "int", "texts"
_BY_ANNOTATION: dict[str, str] = {
    "str": _TEXT,
    "int": _INT,
    "str | None": _MAYBE_TEXT,
    "Origin | None": _MAYBE_TEXT,
    "tuple[str, ...]": _TEXTS,
}
_PATH_FIELDS = ("path", "deck")


def field_names(cls: type[Entry]) -> tuple[str, ...]:
    found = _FIELD_NAMES.get(cls)
    if found is None:  # dataclasses.fields() costs ~15 us: 1.5 s for 100,000 rows
        found = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


_FIELD_NAMES: dict[type[Entry], tuple[str, ...]] = {}


class _Plan:
    """Which positions of a kind's row hold which type: checked in bulk when decoding."""

    def __init__(self, cls: type[Entry]) -> None:
        self.names = field_names(cls)
        self.by_type: dict[str, list[int]] = {_TEXT: [], _MAYBE_TEXT: [], _INT: [], _TEXTS: []}
        self.nested: list[tuple[int, Callable[[Any], Any], Callable[[Any], Any]]] = []
        nested = _NESTED_OF[cls]
        for i, f in enumerate(dataclasses.fields(cls)):
            if f.name in nested:
                self.nested.append((i, nested[f.name][0], nested[f.name][1]))
            else:
                annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
                self.by_type[_BY_ANNOTATION[annotation]].append(i)
        self.paths = [self.names.index(n) for n in _PATH_FIELDS]


_PLANS: dict[type[Entry], _Plan] = {}


def _plan(cls: type[Entry]) -> _Plan:
    found = _PLANS.get(cls)
    if found is None:
        found = _PLANS[cls] = _Plan(cls)
    return found


def encode_row(entry: Entry) -> list[Any]:
    """An entry's field values in field order, as JSON values."""
    plan = _plan(type(entry))
    values = entry.__dict__
    row = [values[name] for name in plan.names]
    for i, out, _back in plan.nested:
        row[i] = out(row[i])
    return row


def _check_plain(plan: _Plan, row: list[Any]) -> None:
    """Text, optional text, numbers and lists of text where the plan says; lists → tuples."""
    by_type = plan.by_type
    for i in by_type[_TEXT]:
        if type(row[i]) is not str:
            raise BadRecord("text")
    for i in by_type[_MAYBE_TEXT]:
        if row[i] is not None and type(row[i]) is not str:
            raise BadRecord("text")
    for i in by_type[_INT]:
        if type(row[i]) is not int:
            raise BadRecord("int")
    for i in by_type[_TEXTS]:
        value = row[i]
        if type(value) is not list or not all(type(item) is str for item in value):
            raise BadRecord("texts")
        row[i] = tuple(value)


def decode_row(cls: type[Entry], names: Sequence[str], row: Any, places: Places = NOWHERE) -> Entry:
    """The entry ``encode_row`` gave ``row`` for, checked field by field.

    Built without running ``__init__`` (filling ``__dict__``), with the types checked
    position by position without a call per field: 10,000 entries in ~60 ms.
    Raises BadRecord if a value has the wrong type. ``row`` is changed in place.
    """
    plan = _plan(cls)
    if type(row) is not list or len(row) != len(plan.names):
        raise BadRecord("row")
    _check_plain(plan, row)
    for i, _out, back in plan.nested:
        row[i] = back(row[i])
    if places:
        for i in plan.paths:
            row[i] = places.path(row[i])
    entry = object.__new__(cls)
    entry.__dict__.update(zip(plan.names, row, strict=True))
    return entry


def check_fields(plural: str, names: Any) -> type[Entry]:
    """The model class of ``plural`` if a record's field list still matches it."""
    _need(plural in KINDS, "unknown kind")
    cls = KINDS[plural]
    _need(isinstance(names, list) and tuple(names) == field_names(cls), "fields differ")
    return cls


class KnowledgeCodec:
    """A KnowledgeBase as JSON rows per kind, with the name indexes as name → position."""

    def encode(self, value: KnowledgeBase) -> bytes:
        kinds = []
        for plural, cls in KINDS.items():
            rows = [encode_row(entry) for entry in value.of_kind(plural)]
            kinds.append([plural, list(field_names(cls)), rows])
        memo = {}
        for plural in KINDS:
            keys = value._memo.get(f"names:{plural}")
            if keys is not None:
                at = {id(e): i for i, e in enumerate(value.of_kind(plural))}
                memo[plural] = {name: at[id(e)] for name, e in keys.items()}
        return dumps([kinds, memo])

    def decode(self, data: bytes | memoryview, places: Places) -> KnowledgeBase:
        kinds, memo = loads(data)
        groups: dict[str, tuple[Entry, ...]] = {}
        for plural, names, rows in kinds:
            cls = check_fields(plural, names)
            _need(isinstance(rows, list))
            groups[plural] = tuple(decode_row(cls, names, row, places) for row in rows)
        _need(set(groups) == set(KINDS), "kinds differ")
        kb = KnowledgeBase(**groups)  # type: ignore[arg-type]
        _need(isinstance(memo, dict))
        for plural, keys in memo.items():
            entries_of_kind = groups[plural]
            _need(isinstance(keys, dict))
            _need(all(type(i) is int for i in keys.values()))
            kb._memo[f"names:{plural}"] = {name: entries_of_kind[i] for name, i in keys.items()}
        return kb


_PLURAL = {cls.kind: plural for plural, cls in KINDS.items()}


def encode_entries(entries: Sequence[Entry]) -> Any:
    """Entries of any kinds, in order, as JSON: the field names of each kind, then rows."""
    return [
        {plural: list(field_names(cls)) for plural, cls in KINDS.items()},
        [[_PLURAL[e.kind], encode_row(e)] for e in entries],
    ]


def decode_entries(value: Any, places: Places = NOWHERE) -> tuple[Entry, ...]:
    _need(isinstance(value, list) and len(value) == 2 and isinstance(value[0], dict))
    names, rows = value
    classes = {plural: check_fields(plural, fields) for plural, fields in names.items()}
    _need(isinstance(rows, list))
    out = []
    for item in rows:
        _need(isinstance(item, list) and len(item) == 2 and item[0] in classes)
        out.append(decode_row(classes[item[0]], names[item[0]], item[1], places))
    return tuple(out)


class MessagesCodec:
    """Any JSON value made of messages (warnings, problems): relocated as text."""

    def encode(self, value: Any) -> bytes:
        return dumps(value)

    def decode(self, data: bytes | memoryview, places: Places) -> Any:
        return relocate(loads(data), places)


def relocate(value: Any, places: Places) -> Any:
    """Lists of lists and strings, with every string relocated; lists become tuples."""
    if isinstance(value, str):
        return places.text(value) if places else value
    _need(isinstance(value, list))
    return tuple(relocate(v, places) for v in value)


class WithExtra(Generic[T]):
    """A pair: a value for ``codec`` and an extra for ``extra`` (warnings, for example)."""

    def __init__(self, codec: Codec[T], extra: Codec[Any] | None = None) -> None:
        self.codec = codec
        self.extra = extra if extra is not None else MessagesCodec()

    def encode(self, value: tuple[T, Any]) -> bytes:
        first = self.codec.encode(value[0])
        return len(first).to_bytes(8, "big") + first + self.extra.encode(value[1])

    def decode(self, data: bytes | memoryview, places: Places) -> tuple[T, Any]:
        view = memoryview(data)
        split = 8 + int.from_bytes(view[:8], "big")
        _need(split <= len(view))
        return self.codec.decode(view[8:split], places), self.extra.decode(view[split:], places)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | memoryview) -> Any:
    return json.loads(bytes(data) if isinstance(data, memoryview) else data)


KNOWLEDGE = KnowledgeCodec()


class ParsedCodec:
    """What one file parsed into (genai_cli.knowledge.loader.parse_file)."""

    def encode(self, value: Parsed) -> bytes:
        broken = [list(group) for group in value.broken]
        return dumps([value.path, encode_entries(value.entries), list(value.problems), broken])

    def decode(self, data: bytes | memoryview, places: Places) -> Parsed:
        found = loads(data)
        _need(isinstance(found, list) and len(found) == 4)
        path, entries, problems, broken = found
        _need(isinstance(path, str) and isinstance(broken, list))
        _need(all(isinstance(g, list) and all(isinstance(m, str) for m in g) for g in broken))
        return Parsed(
            relocate(path, places),
            decode_entries(entries, places),
            relocate(problems, places),
            relocate(broken, places),
        )


class ReportsCodec:
    """Warnings and deck reports (loader.DeckReport, given as ``report``), as stored
    beside the knowledge base; each report is (name, path, counts, overrides, problems,
    left_out)."""

    def __init__(self, report: Callable[..., Any]) -> None:
        self.report = report

    def encode(self, value: tuple[Sequence[str], Sequence[Any]]) -> bytes:
        warnings, reports = value
        rows = [
            [r.name, r.path, dict(r.counts), r.overrides, list(r.problems), r.left_out]
            for r in reports
        ]
        return dumps([list(warnings), rows])

    def decode(self, data: bytes | memoryview, places: Places) -> tuple[tuple[str, ...], Any]:
        warnings, rows = loads(data)
        reports = []
        _need(isinstance(rows, list) and all(isinstance(r, list) and len(r) == 6 for r in rows))
        for name, path, counts, overrides, problems, left_out in rows:
            _need(isinstance(counts, dict) and all(type(n) is int for n in counts.values()))
            _need(type(overrides) is int and type(left_out) is int and isinstance(name, str))
            _need(isinstance(path, str))
            shown, found = relocate(path, places), relocate(problems, places)
            reports.append(self.report(name, shown, counts, overrides, found, left_out))
        return relocate(warnings, places), tuple(reports)
