"""A cache of parsed data, so YAML is read and validated only when a file changes.

Namespaces under :func:`genai_cli.paths.cache_dir` (``$GENAI_CACHE_DIR`` or the
platform's user cache directory), in ``v{SCHEMA_VERSION}/``:

- ``files/``: what :func:`genai_cli.knowledge.loader.parse_file` made of ONE file (its
  entries and problems), so an edit to one deck re-reads only that deck;
- ``assembled/``: the finished, cross-checked result built from a set of files, so a
  warm run neither parses, validates, cross-checks nor indexes anything;
- ``terms/`` and ``search/``: the records `genai term` and `genai search` read
  (genai_cli.reference.termlookup), and ``output/``: whole command outputs (entry.py).

**Never stale** (red-team H2, H3). A record is keyed on each source's *resolved* path
and its stamp: size, ``st_mtime_ns``, ``st_ctime_ns`` (which no user can set: ``touch
-r``, ``cp -p``, ``tar`` and ``rsync -t`` all change it), inode and device. A source
whose mtime or ctime is within :data:`RACY_NS` of the moment the record is written
could still change within the same timestamp tick, so its content digest (BLAKE2b) is
stored too and compared on every read (as git does for "racily clean" files). A value
built from a file that could not be read is never stored (:class:`NotStored`).

**Never code** (M7). Records are JSON with a small binary header, decoded by codecs that
check every field's type against the model before anything is built: a planted record
can at most be a miss. Records are opened without following symlinks and without
blocking, and only regular files owned by this user, of bounded size, are read; the
cache's own directories are created 0700 and not used if another user owns them or
others can write to them.

**Shared across working directories** (M10). Keys hold resolved paths only. What a
message shows (a path relative to the working directory) is stored beside the value,
and a record written from another directory is *relocated*: stored shown paths are
replaced by today's (:class:`Places`). Records that can never be hit again (a source
gone or changed, another schema) are pruned whenever a record is written.

A record is written to a temporary file and renamed into place (atomic); a missing,
stale, truncated, corrupt or unreadable record is silently rebuilt, and a cache
directory that cannot be written only means nothing is cached. The cache can never turn
into an error a user sees. Figures: docs/performance.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat as stat_module
import sys
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from genai_cli import __version__
from genai_cli.knowledge.model import KINDS, Complexity, Entry, Factor, KnowledgeBase, Source

# Bump when what is stored changes meaning (model fields, validation rules, encoding).
SCHEMA_VERSION = 4

_MAGIC = b"genai-cache json 4\n"
# magic, the header's length (4 bytes), the CRC-32 of everything after the first 8 bytes
# of the prefix; then the header (JSON) and the codec's body.
_PREFIX = len(_MAGIC) + 8
# A record is never larger than this (a 100,000-term knowledge base is ~60 MB).
MAX_RECORD = 1 << 30
# Files larger than this are never read as data (yamlsafe.MAX_BYTES), so never hashed.
MAX_HASHED = 256 * 1024 * 1024
# Timestamps this close to "now" may still change without the stamp changing (coarse
# filesystem clocks tick once a second, FAT's once in two): such sources are hashed.
RACY_NS = 3_000_000_000

# Records kept per namespace built from a set of files (assembled, terms...): one per
# set of decks used lately (a deck added leaves the record without it behind).
MOST_SETS = 8

T = TypeVar("T")


class NotStored(Exception):
    """Raised by a build whose ``value`` must not be cached (e.g. a file could not be read)."""

    def __init__(self, value: Any) -> None:
        super().__init__("not stored")
        self.value = value


class _State:
    # How many values were built but not stored in this process: a value built on top of
    # one (the assembled knowledge base, a command's output) must not be stored either.
    unstored = 0


_STATE = _State()


def forbid_storing() -> None:
    """Nothing built from now on in this process is cached (a read error, a pager...)."""
    _STATE.unstored += 1


def unstored() -> int:
    return _STATE.unstored


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


def _maybe_text(value: Any) -> str | None:
    return None if value is None else _text(value)


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


# Entry fields holding model objects rather than text, numbers or tuples of text.
_NESTED: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "source": (_source_out, _source_in),
    "complexity": (_complexity_out, _complexity_in),
}

# How a field is checked and rebuilt, by its annotation. A kind added to the model with
# a field of another type needs a line here (tests/test_cache.py checks every kind).
_BY_ANNOTATION: dict[str, Callable[[Any], Any]] = {
    "str": _text,
    "int": _int,
    "str | None": _maybe_text,
    "Origin | None": _maybe_text,
    "tuple[str, ...]": _texts,
}
_PATH_FIELDS = ("path", "deck")


def field_names(cls: type[Entry]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _converters(cls: type[Entry]) -> tuple[Callable[[Any], Any], ...]:
    found = _CONVERTERS.get(cls)
    if found is None:
        out = []
        for f in dataclasses.fields(cls):
            if f.name in _NESTED:
                out.append(_NESTED[f.name][1])
            else:
                annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
                out.append(_BY_ANNOTATION[annotation])
        found = _CONVERTERS[cls] = tuple(out)
    return found


_CONVERTERS: dict[type[Entry], tuple[Callable[[Any], Any], ...]] = {}


def encode_row(entry: Entry) -> list[Any]:
    """An entry's field values in field order, as JSON values."""
    row = []
    for name in field_names(type(entry)):
        value = getattr(entry, name)
        if name in _NESTED:
            value = _NESTED[name][0](value)
        row.append(value)
    return row


def decode_row(cls: type[Entry], names: Sequence[str], row: Any, places: Places = NOWHERE) -> Entry:
    """The entry ``encode_row`` gave ``row`` for, checked field by field.

    Built without running ``__init__`` (filling ``__dict__``): what makes 10,000 entries
    load in tens of milliseconds. Raises BadRecord if a value has the wrong type.
    """
    _need(isinstance(row, list) and len(row) == len(names))
    converters = _converters(cls)
    values = {name: convert(v) for name, convert, v in zip(names, converters, row, strict=True)}
    if places:
        for name in _PATH_FIELDS:
            values[name] = places.path(values[name])
    entry = object.__new__(cls)
    entry.__dict__.update(values)
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
            kb._memo[f"names:{plural}"] = {
                _text(name): entries_of_kind[_int(i)] for name, i in keys.items()
            }
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


# --- stamps: what a source looks like now ------------------------------------------


def stamp(path: str) -> list[int] | None:
    """Size, mtime, ctime, inode, device and type of ``path``; None if it is not there."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode]


def is_racy(found: list[int] | None, now_ns: int) -> bool:
    """True if the file may still change without its stamp changing."""
    return found is not None and max(found[1], found[2]) >= now_ns - RACY_NS


def digest(path: str) -> str | None:
    """BLAKE2b of a file's bytes, or of a directory's sorted listing; None if unreadable."""
    try:
        from _blake2 import blake2b  # the hashlib module costs ~10 ms to import
    except ImportError:  # pragma: no cover - other Python implementations
        from hashlib import blake2b
    try:
        if os.path.isdir(path):
            data = "\n".join(sorted(os.listdir(path))).encode("utf-8", "surrogateescape")
        else:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                found = os.fstat(fd)
                if not stat_module.S_ISREG(found.st_mode) or found.st_size > MAX_HASHED:
                    return None  # a FIFO, a device, or more than any source may hold
                data = handle.read()
    except (OSError, ValueError):
        return None
    return blake2b(data, digest_size=16).hexdigest()


def witness(path: str, now_ns: int) -> list[Any]:
    """[path, stamp, digest or None]: what must still hold for a record to be used."""
    found = stamp(path)
    return [path, found, digest(path) if is_racy(found, now_ns) else None]


def still_holds(witnesses: Any) -> bool:
    """True if every witnessed path still has the stamp (and digest) it was recorded with."""
    if not isinstance(witnesses, list):
        return False
    for item in witnesses:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)):
            return False
        path, found, hashed = item
        if stamp(path) != found:
            return False
        if hashed is not None and digest(path) != hashed:
            return False
    return True


# --- records ---------------------------------------------------------------------------


def _version() -> list[Any]:
    return [SCHEMA_VERSION, __version__, sys.version, sys.implementation.cache_tag]


def _resolved(path: Path) -> str | None:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return None


def _private_dir(path: Path) -> bool:
    """Create ``path`` (and parents) 0700 if missing; True if it is ours alone."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    if not stat_module.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return False
    return not st.st_mode & 0o022


def namespace_dir(namespace: str) -> Path | None:
    """The directory of ``namespace``'s records, or None if there is no safe one."""
    from genai_cli.paths import cache_dir

    try:
        root = cache_dir()
    except Exception:  # no usable cache directory (odd HOME): just do not cache
        return None
    versioned = root / f"v{SCHEMA_VERSION}"
    if not _private_dir(versioned):
        return None
    directory = versioned / namespace
    return directory if _private_dir(directory) else None


def record_name(identity: Any) -> str:
    """A record's file name from what it is about (not its state)."""
    text = json.dumps(identity, ensure_ascii=True).encode("ascii")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}.rec"


def read_record(  # noqa: PLR0911 - each refusal is one line
    path: Path, header_only: bool = False
) -> tuple[Any, memoryview] | None:
    """(header, body) of a sound record, or None. Never follows a link, never blocks.

    With ``header_only`` the body is neither read nor checked (for pruning).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode) or st.st_size > MAX_RECORD:
            return None
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            if header_only:
                start = handle.read(_PREFIX)
                size = int.from_bytes(start[len(_MAGIC) : len(_MAGIC) + 4], "big")
                if len(start) < _PREFIX or start[: len(_MAGIC)] != _MAGIC or size > MAX_RECORD:
                    return None
                return json.loads(handle.read(size)), memoryview(b"")
            data = memoryview(handle.read(MAX_RECORD + 1))
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    if len(data) < _PREFIX or data[: len(_MAGIC)] != _MAGIC or len(data) > MAX_RECORD:
        return None
    size = int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + 4], "big")
    crc = int.from_bytes(data[len(_MAGIC) + 4 : _PREFIX], "big")
    if _PREFIX + size > len(data) or zlib.crc32(data[_PREFIX:]) != crc:
        return None
    try:
        header = json.loads(bytes(data[_PREFIX : _PREFIX + size]))
    except ValueError:
        return None
    return header, data[_PREFIX + size :]


def write_record(path: Path, header: Any, body: bytes) -> None:
    head = dumps(header)
    crc = zlib.crc32(body, zlib.crc32(head))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + len(head).to_bytes(4, "big") + crc.to_bytes(4, "big"))
            handle.write(head)
            handle.write(body)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


_pruned: set[Path] = set()


def prune(directory: Path, keep: Path, live: Callable[[Any], bool], most: int = 0) -> None:
    """Remove the records in ``directory`` (other than ``keep``) that can never be used again.

    A record is dead if ``live(header)`` says so (a source gone or changed, another
    version), or if it is not a sound record at all. Runs only when a record is written,
    which is when something changed, and once per namespace and process. With ``most``,
    only the ``most`` records used last are kept (a record is touched when it is used).
    """
    if directory in _pruned:
        return
    _pruned.add(directory)
    kept: list[tuple[int, str]] = []
    with contextlib.suppress(OSError):
        for item in os.scandir(directory):
            if item.name == keep.name:
                continue
            path = Path(item.path)
            if item.name.startswith(".") and item.name.endswith(".tmp"):
                continue  # another process's write in progress
            found = read_record(path, True) if item.is_file(follow_symlinks=False) else None
            if found is None or not live(found[0]):
                with contextlib.suppress(OSError):
                    path.unlink()
            else:
                with contextlib.suppress(OSError):
                    kept.append((item.stat(follow_symlinks=False).st_mtime_ns, item.path))
    if most:
        for _used, old in sorted(kept, reverse=True)[max(most - 1, 0) :]:
            with contextlib.suppress(OSError):
                os.unlink(old)
    with contextlib.suppress(OSError):
        for item in os.scandir(directory.parent.parent):  # older schemas' records
            if item.name.startswith("v") and item.name != f"v{SCHEMA_VERSION}":
                import shutil

                shutil.rmtree(item.path, ignore_errors=True)


def _data_live(header: Any) -> bool:
    return (
        isinstance(header, dict)
        and header.get("version") == _version()
        and still_holds(header.get("sources"))
    )


def cached(
    namespace: str,
    sources: Sequence[SourceSpec],
    build: Callable[[], T],
    codec: Codec[T],
) -> T:
    """``build()``, or the value it gave last time if no source has changed since."""
    resolved = [_resolved(spec.path) for spec in sources]
    directory = namespace_dir(namespace)
    if directory is None or None in resolved:
        return build()
    paths = [str(r) for r in resolved]
    identity = [[p, spec.deck is not None] for p, spec in zip(paths, sources, strict=True)]
    path = directory / record_name([namespace, identity])
    shown = [[spec.shown, spec.deck] for spec in sources]
    hit = _hit(path, identity, shown, codec)
    if hit is not None:
        return hit[0]
    before = _STATE.unstored
    # Taken before building: a file changed while it is read gets a new stamp, so the
    # record is a miss next time rather than stale.
    now = _now_ns()
    witnesses = [witness(p, now) for p in paths]
    try:
        value = build()
    except NotStored as signal:
        forbid_storing()
        return signal.value  # type: ignore[no-any-return]
    if _STATE.unstored != before:
        return value
    try:
        body = codec.encode(value)
    except Exception:  # a value the codec cannot store is simply not cached
        return value
    header = {"identity": identity, "version": _version(), "sources": witnesses, "shown": shown}
    write_record(path, header, body)
    prune(directory, path, _data_live, 0 if namespace == "files" else MOST_SETS)
    return value


def _moved(stored: list[Any], shown: list[list[Any]]) -> Places:
    """How paths shown when the record was written are shown from here."""
    moved: dict[str, str] = {}
    for old, new in zip(stored, shown, strict=True):
        if isinstance(old, list) and old != new:
            for a, b in zip(old, new, strict=False):
                if isinstance(a, str) and isinstance(b, str) and a != b:
                    moved[a] = b
    return Places(moved)


def _hit(path: Path, identity: Any, shown: list[list[Any]], codec: Codec[T]) -> tuple[T] | None:
    """The stored value (in a 1-tuple) if the record is sound and every source unchanged."""
    found = read_record(path)
    if found is None:
        return None
    header, body = found
    if not (
        isinstance(header, dict)
        and header.get("identity") == identity
        and _data_live(header)
        and isinstance(header.get("shown"), list)
        and len(header["shown"]) == len(shown)
    ):
        return None
    try:
        value = codec.decode(body, _moved(header["shown"], shown))
    except Exception:  # a record that does not decode is a miss
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used lately: kept by prune()
    return (value,)


def _now_ns() -> int:
    import time

    return time.time_ns()


def load_assembled(
    sources: Sequence[SourceSpec],
    build: Callable[[], T],
    codec: Codec[T],
) -> T:
    """The second level: a value assembled from all ``sources`` (see the module docstring)."""
    return cached("assembled", sources, build, codec)


def parse_cached(spec: SourceSpec, build: Callable[[], T], codec: Codec[T]) -> T:
    """The first level: what one file parsed into."""
    return cached("files", [spec], build, codec)
