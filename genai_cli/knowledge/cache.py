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
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from genai_cli.knowledge.codec import (
    KNOWLEDGE,
    NOWHERE,
    Codec,
    KnowledgeCodec,
    Places,
    WithExtra,
    check_fields,
    decode_entries,
    decode_row,
    dumps,
    encode_entries,
    encode_row,
    field_names,
    loads,
    relocate,
)
from genai_cli.knowledge.records import (
    _STATE,
    SCHEMA_VERSION,
    _version,
    forbid_storing,
    namespace_dir,
    note_sources,
    prune,
    read_record,
    record_name,
    settled,
    still_holds,
    witness,
    write_record,
)

__all__ = [
    "KNOWLEDGE",
    "NOWHERE",
    "SCHEMA_VERSION",
    "Codec",
    "KnowledgeCodec",
    "Places",
    "WithExtra",
    "check_fields",
    "decode_entries",
    "decode_row",
    "dumps",
    "encode_entries",
    "encode_row",
    "field_names",
    "forbid_storing",
    "loads",
    "read_record",
    "relocate",
    "write_record",
]

# Records kept per namespace built from a set of files (assembled, terms...): one per
# set of decks used lately (a deck added leaves the record without it behind).
MOST_SETS = 8

T = TypeVar("T")


class NotStored(Exception):
    """Raised by a build whose ``value`` must not be cached (e.g. a file could not be read)."""

    def __init__(self, value: Any) -> None:
        super().__init__("not stored")
        self.value = value


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


def _resolved(path: Path) -> str | None:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return None


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
    if None in resolved:
        forbid_storing()  # a source that cannot be named cannot be watched for changes
    if directory is None or None in resolved:
        return build()
    paths = [str(r) for r in resolved]
    note_sources(paths)
    identity = [[p, spec.deck is not None] for p, spec in zip(paths, sources, strict=True)]
    path = os.path.join(directory, record_name([namespace, identity]))
    shown = [[spec.shown, spec.deck] for spec in sources]
    hit = _hit(path, identity, shown, codec)
    if hit is not None:
        return hit[0]
    before = _STATE.unstored
    # Taken before building: a file changed while it is read gets a new stamp, so the
    # record is a miss next time rather than stale.
    now = time.time_ns()
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


def _hit(path: str, identity: Any, shown: list[list[Any]], codec: Codec[T]) -> tuple[T] | None:
    """The stored value (in a 1-tuple) if the record is sound and every source unchanged."""
    found = read_record(path, check_body=not getattr(codec, "paged", False))
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
    calm = settled(header["sources"], time.time_ns())
    if calm is not None:  # rewritten once, so that later runs need not hash anything
        write_record(path, {**header, "sources": calm}, bytes(body))
    else:
        with contextlib.suppress(OSError):
            os.utime(path)  # used lately: kept by prune()
    return (value,)


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
