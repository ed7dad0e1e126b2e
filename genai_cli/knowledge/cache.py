"""A cache of parsed data, so YAML is read and validated only when a file changes.

Two levels, both under :func:`genai_cli.paths.cache_dir` (``$GENAI_CACHE_DIR`` or the
platform's user cache directory):

- ``files/``: what :func:`genai_cli.knowledge.loader.parse_file` made of ONE file (its entries and
  problems), so an edit to one deck re-reads only that deck;
- ``assembled/``: the finished, cross-checked result built from a set of files (for the
  bundled data: the :class:`~genai_cli.knowledge.model.KnowledgeBase` with its name index), so a
  warm run neither parses, validates, cross-checks nor indexes anything.

Every record is keyed on each source's resolved path, the path as shown in messages, its
deck name, size and ``st_mtime_ns``, plus :data:`SCHEMA_VERSION`, the genai version and
the Python version. A record is written to a temporary file and renamed into place
(atomic); a missing, stale, truncated, corrupt or unreadable record is silently rebuilt,
and a cache directory that cannot be written only means nothing is cached. The cache can
never turn into an error a user sees.

How a loader plugs in (issue 5's ``load_knowledge(deck_paths)`` for example)::

    from genai_cli.knowledge.cache import KNOWLEDGE, SourceSpec, WithExtra, load_assembled

    def load_knowledge(deck_paths):
        files = bundled files + every deck file, in load order
        specs = [SourceSpec.of(path, deck=name_or_None) for path in files]
        return load_assembled(specs, lambda: _load_knowledge_uncached(...),
                              codec=WithExtra(KNOWLEDGE))

where ``_load_knowledge_uncached`` returns ``(kb, warnings)`` -- parsing each file with
``parse_file`` (per-file cache), applying overrides, ``cross_check``, ``assemble`` and
calling ``kb.name_keys("terms")`` so the name index is cached too. A build that raises
(bundled data broken) caches nothing, so the error is reported on every run. Warnings
about a broken deck are part of the cached value and are printed again on warm runs.
Every file whose content decides the result must be a source, or edits to it go unseen;
a deck directory's listing is covered because the list of files is part of the key.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import pickle
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from genai_cli import __version__
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

# Bump when what is stored changes meaning (model fields, validation rules, encoding).
SCHEMA_VERSION = 5

_MAGIC = b"genai-cache\n"
# magic, the CRC-32 of everything after the header, the length of the fingerprint; then
# the marshalled fingerprint and the codec's body. Body and file are never concatenated
# in memory: a 10,000-term record is ~5 MB, and each copy counted in peak memory.
_HEADER = len(_MAGIC) + 8

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class SourceSpec:
    """One file a cached value was built from."""

    path: Path
    deck: str | None = None
    shown: str = ""  # the path as messages show it (relative to the working directory)

    @classmethod
    def of(cls, path: Path, deck: str | None = None) -> SourceSpec:
        from genai_cli.paths import display_path

        return cls(path, deck, display_path(path))


class Codec(Protocol[T]):
    """Turns a cached value into bytes and back."""

    def encode(self, value: T) -> bytes: ...

    def decode(self, data: bytes | memoryview) -> T: ...


class PickleCodec(Generic[T]):
    """Any picklable value (the default)."""

    def encode(self, value: T) -> bytes:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def decode(self, data: bytes | memoryview) -> T:
        value: T = pickle.loads(data)
        return value


def _source_out(value: Source | None) -> Any:
    return None if value is None else (value.title, value.author, value.year)


def _source_in(value: Any) -> Source | None:
    return None if value is None else Source(*value)


def _complexity_out(value: Complexity) -> Any:
    return (value.stated, tuple((f.symbol, f.exponent, f.meaning) for f in value.factors))


def _complexity_in(value: Any) -> Complexity:
    return Complexity(value[0], tuple(Factor(*f) for f in value[1]))


def _points_out(value: tuple[Point, ...]) -> Any:
    return tuple((p.aspect, p.values) for p in value)


def _points_in(value: Any) -> tuple[Point, ...]:
    return tuple(Point(aspect, tuple(values)) for aspect, values in value)


_Nested = dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]

# Entry fields holding model objects rather than text, numbers or tuples of text.
_NESTED: _Nested = {
    "source": (_source_out, _source_in),
    "complexity": (_complexity_out, _complexity_in),
}
# Per kind: a contrast's points are Point objects, while a question's points are plain text
# and go through as they are.
_NESTED_OF: dict[type[Entry], _Nested] = {cls: _NESTED for cls in KINDS.values()}
_NESTED_OF[Contrast] = {**_NESTED, "points": (_points_out, _points_in)}


def field_names(cls: type[Entry]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def encode_row(entry: Entry, shared: Callable[[Any], Any] = lambda v: v) -> tuple[Any, ...]:
    """An entry's field values in field order, as marshal-able values."""
    row = []
    nested = _NESTED_OF[type(entry)]
    for name in field_names(type(entry)):
        value = getattr(entry, name)
        if name in nested:
            value = nested[name][0](value)
        row.append(shared(value))
    return tuple(row)


def decode_row(cls: type[Entry], names: Sequence[str], row: Sequence[Any]) -> Entry:
    """The entry ``encode_row`` gave ``row`` for, rebuilt without running ``__init__``.

    Filling ``__dict__`` directly is what makes 10,000 entries load in ~25 ms.
    """
    entry = object.__new__(cls)
    values = dict(zip(names, row, strict=True))
    for name, (_out, back) in _NESTED_OF[cls].items():
        if name in values:
            values[name] = back(values[name])
    entry.__dict__.update(values)
    return entry


class KnowledgeCodec:
    """A KnowledgeBase as marshalled tuples: about 2x faster to load than pickle.

    The name indexes computed by ``KnowledgeBase.name_keys`` are stored as
    name → position.
    """

    def encode(self, value: KnowledgeBase) -> bytes:
        # Equal strings (paths, tags, linked slugs) are stored once: marshal writes a
        # reference for an object it has seen, and loading creates fewer objects.
        pool: dict[str, str] = {}

        def shared(item: Any) -> Any:
            if isinstance(item, str):
                return pool.setdefault(item, item)
            if isinstance(item, tuple):
                return tuple(shared(i) for i in item)
            return item

        kinds = []
        for plural, cls in KINDS.items():
            rows = [encode_row(entry, shared) for entry in value.of_kind(plural)]
            kinds.append((plural, field_names(cls), rows))
        memo = {}
        for plural in KINDS:
            keys = value._memo.get(f"names:{plural}")
            if keys is not None:
                at = {id(e): i for i, e in enumerate(value.of_kind(plural))}
                memo[plural] = {name: at[id(e)] for name, e in keys.items()}
        return marshal.dumps((kinds, memo))

    def decode(self, data: bytes | memoryview) -> KnowledgeBase:
        kinds, memo = marshal.loads(data)
        groups: dict[str, tuple[Entry, ...]] = {}
        for plural, names, rows in kinds:
            cls = KINDS[plural]
            if tuple(names) != field_names(cls):
                raise ValueError(f"stored fields of {plural} differ from the model")
            groups[plural] = tuple(decode_row(cls, names, row) for row in rows)
        kb = KnowledgeBase(**groups)  # type: ignore[arg-type]
        for plural, keys in memo.items():
            entries_of_kind = groups[plural]
            kb._memo[f"names:{plural}"] = {name: entries_of_kind[i] for name, i in keys.items()}
        return kb


class WithExtra(Generic[T]):
    """A pair: a value for ``codec`` and any picklable extra (e.g. warnings)."""

    def __init__(self, codec: Codec[T]) -> None:
        self.codec = codec

    def encode(self, value: tuple[T, Any]) -> bytes:
        return pickle.dumps(
            (self.codec.encode(value[0]), value[1]), protocol=pickle.HIGHEST_PROTOCOL
        )

    def decode(self, data: bytes | memoryview) -> tuple[T, Any]:
        first, extra = pickle.loads(data)
        return self.codec.decode(first), extra


KNOWLEDGE = KnowledgeCodec()
_PICKLE: PickleCodec[Any] = PickleCodec()


def _fingerprint(namespace: str, sources: Sequence[SourceSpec]) -> tuple[Any, ...] | None:
    """Everything the cached value depends on; None if a source cannot be examined."""
    parts: list[Any] = [
        namespace,
        SCHEMA_VERSION,
        __version__,
        sys.version,
        sys.implementation.cache_tag,
    ]
    for spec in sources:
        try:
            resolved = str(spec.path.resolve())
            stat = os.stat(resolved)
        except (OSError, RuntimeError):
            return None
        parts.append((resolved, spec.shown, spec.deck, stat.st_size, stat.st_mtime_ns))
    return tuple(parts)


def _record_path(namespace: str, fingerprint: tuple[Any, ...]) -> Path | None:
    from genai_cli.paths import cache_dir

    # The name depends on which files, not on their state, so a changed file overwrites
    # its own record instead of piling up new ones.
    identity = repr([p[:3] for p in fingerprint[5:]]).encode("utf-8", "surrogatepass")
    name = f"{zlib.crc32(identity):08x}{zlib.adler32(identity):08x}.bin"
    try:
        return cache_dir() / f"v{SCHEMA_VERSION}" / namespace / name
    except Exception:  # no usable cache directory (odd HOME): just do not cache
        return None


def _read(path: Path, fingerprint: tuple[Any, ...], codec: Codec[T]) -> tuple[T] | None:
    """The stored value (in a 1-tuple), or None if there is none that is fresh and sound."""
    try:
        data = memoryview(path.read_bytes())
        if len(data) < _HEADER or data[: len(_MAGIC)] != _MAGIC:
            return None
        crc = int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + 4], "big")
        if zlib.crc32(data[_HEADER:]) != crc:
            return None
        split = _HEADER + int.from_bytes(data[len(_MAGIC) + 4 : _HEADER], "big")
        if marshal.loads(data[_HEADER:split]) != fingerprint:
            return None
        return (codec.decode(data[split:]),)
    except Exception:  # a cache that cannot be read is a cache miss
        return None


def _write(path: Path, fingerprint: tuple[Any, ...], body: bytes) -> None:
    head = marshal.dumps(fingerprint)
    crc = zlib.crc32(body, zlib.crc32(head))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(_MAGIC + crc.to_bytes(4, "big") + len(head).to_bytes(4, "big"))
            handle.write(head)
            handle.write(body)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def cached(
    namespace: str,
    sources: Sequence[SourceSpec],
    build: Callable[[], T],
    codec: Codec[T] | None = None,
) -> T:
    """``build()``, or the value it gave last time if no source has changed since."""
    chosen: Codec[T] = codec if codec is not None else _PICKLE
    fingerprint = _fingerprint(namespace, sources)
    path = _record_path(namespace, fingerprint) if fingerprint is not None else None
    if fingerprint is None or path is None:
        return build()
    hit = _read(path, fingerprint, chosen)
    if hit is not None:
        return hit[0]
    value = build()
    try:
        body = chosen.encode(value)
    except Exception:  # a value the codec cannot store is simply not cached
        return value
    _write(path, fingerprint, body)
    return value


def load_assembled(
    sources: Sequence[SourceSpec],
    build: Callable[[], T],
    codec: Codec[T] | None = None,
) -> T:
    """The second level: a value assembled from all ``sources`` (see the module docstring)."""
    return cached("assembled", sources, build, codec)


def parse_cached(spec: SourceSpec, build: Callable[[], T]) -> T:
    """The first level: what one file parsed into."""
    return cached("files", [spec], build)
