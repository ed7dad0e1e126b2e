"""Cache records on disk: stamps, safe reading and writing, pruning (no model, no pathlib).

The lowest level of the cache (genai_cli.knowledge.cache builds on it), light enough
for entry.py to check a recorded command output before importing anything else:
os, stat, json and zlib only. Paths are strings. See cache.py for the rules (never
stale, never code, private directories, pruning).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat as stat_module
import sys
import zlib

from genai_cli import __version__

# `typing` and `collections.abc` cost milliseconds that a replayed command (entry.py)
# would spend on nothing else: imported for the type checker only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# Bump when what is stored changes meaning (model fields, validation rules, encoding).
SCHEMA_VERSION = 6

_MAGIC = b"genai-cache json 6\n"
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


class _State:
    # How many values were built but not stored in this process: a value built on top of
    # one (the assembled knowledge base, a command's output) must not be stored either.
    unstored = 0
    seen: list[str] = []  # noqa: RUF012 - one per process, like the counter


_STATE = _State()


def note_sources(paths: list[str]) -> None:
    """Remember files a value was built from (the output recorder depends on them too)."""
    _STATE.seen.extend(paths)


def sources_seen() -> list[str]:
    return list(_STATE.seen)


def forbid_storing() -> None:
    """Nothing built from now on in this process is cached (a read error, a pager...)."""
    _STATE.unstored += 1


def unstored() -> int:
    return _STATE.unstored


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


def settled(witnesses: list[Any], now_ns: int) -> list[Any] | None:
    """``witnesses`` (just checked by still_holds) without the digests no longer needed.

    A digest guards an edit within the timestamp tick of the recorded stamp. Once the
    stamp is RACY_NS old, and the content was found unchanged after that, any later
    edit gives a new stamp: the digest can go, and later checks need no hashing (git
    does the same for "racily clean" entries). None if there is nothing to drop.
    """
    if not any(w[2] is not None and not is_racy(w[1], now_ns) for w in witnesses):
        return None
    return [[p, found, None if not is_racy(found, now_ns) else h] for p, found, h in witnesses]


# --- records ---------------------------------------------------------------------------


def _version() -> list[Any]:
    return [SCHEMA_VERSION, __version__, sys.version, sys.implementation.cache_tag]


def _private_dir(path: str) -> bool:
    """Create ``path`` (and parents) 0700 if missing; True if it is ours alone."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    if not stat_module.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return False
    return not st.st_mode & 0o022


def cache_root() -> str | None:
    """genai_cli.paths.cache_dir(), without importing pathlib or platformdirs on Linux."""
    override = os.environ.get("GENAI_CACHE_DIR")
    if override:
        return os.path.expanduser(override)
    if sys.platform.startswith("linux"):  # what platformdirs answers there
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return os.path.join(base, "genai")
    try:
        from genai_cli.paths import cache_dir

        return str(cache_dir())
    except Exception:  # no usable cache directory (odd HOME): just do not cache
        return None


def namespace_dir(namespace: str, create: bool = True) -> str | None:
    """The directory of ``namespace``'s records, or None if there is no safe one."""
    root = cache_root()
    if root is None:
        return None
    versioned = os.path.join(root, f"v{SCHEMA_VERSION}")
    directory = os.path.join(versioned, namespace)
    if not create:
        return directory
    return directory if _private_dir(versioned) and _private_dir(directory) else None


def record_name(identity: Any) -> str:
    """A record's file name from what it is about (not its state)."""
    text = json.dumps(identity, ensure_ascii=True).encode("ascii")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}.rec"


def read_record(  # noqa: PLR0911 - each refusal is one line
    path: str, header_only: bool = False, check_body: bool = True
) -> tuple[Any, memoryview] | None:
    """(header, body) of a sound record, or None. Never follows a link, never blocks.

    The file is mapped, not read: a paged record (``check_body=False``; its codec checks
    each page it reads) costs only the pages used. With ``header_only`` the body is not
    even mapped (for pruning).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode) or not _PREFIX <= st.st_size <= MAX_RECORD:
            return None
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            return None
        start = os.pread(fd, _PREFIX, 0)
        size = int.from_bytes(start[len(_MAGIC) : len(_MAGIC) + 4], "big")
        crc = int.from_bytes(start[len(_MAGIC) + 4 : _PREFIX], "big")
        if start[: len(_MAGIC)] != _MAGIC or _PREFIX + size > st.st_size:
            return None
        head = os.pread(fd, size, _PREFIX)
        if zlib.crc32(head) != crc:
            return None
        stored = json.loads(head)
        if not (isinstance(stored, dict) and "h" in stored):
            return None
        if header_only:
            return stored["h"], memoryview(b"")
        length, body_crc = stored["body"]
        if _PREFIX + size + length != st.st_size:
            return None
        if length == 0:
            return stored["h"], memoryview(b"")
        import mmap

        body = memoryview(mmap.mmap(fd, 0, access=mmap.ACCESS_READ))[_PREFIX + size :]
    except (OSError, ValueError, TypeError):
        return None
    finally:
        os.close(fd)
    if check_body and zlib.crc32(body) != body_crc:
        return None
    return stored["h"], body


def write_record(path: str, header: Any, body: bytes) -> None:
    """Write a record atomically (a private temporary file, then renamed into place).

    Layout: magic, the header's length and CRC-32, the header (JSON, holding the body's
    length and CRC-32), the body.
    """
    stored = {"h": header, "body": [len(body), zlib.crc32(body)]}
    try:
        head = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except ValueError:  # text that is not Unicode (a file name's stray bytes): not stored
        return
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            prefix = len(head).to_bytes(4, "big") + zlib.crc32(head).to_bytes(4, "big")
            handle.write(_MAGIC + prefix)
            handle.write(head)
            handle.write(body)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


_pruned: set[str] = set()


def prune(directory: str, keep: str, live: Callable[[Any], bool], most: int = 0) -> None:
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
            if item.path == keep:
                continue
            path = item.path
            if item.name.startswith(".") and item.name.endswith(".tmp"):
                continue  # another process's write in progress
            found = read_record(path, True) if item.is_file(follow_symlinks=False) else None
            if found is None or not live(found[0]):
                with contextlib.suppress(OSError):
                    os.unlink(path)
            else:
                with contextlib.suppress(OSError):
                    kept.append((item.stat(follow_symlinks=False).st_mtime_ns, item.path))
    if most:
        for _used, old in sorted(kept, reverse=True)[max(most - 1, 0) :]:
            with contextlib.suppress(OSError):
                os.unlink(old)
    with contextlib.suppress(OSError):
        for item in os.scandir(os.path.dirname(os.path.dirname(directory))):  # older schemas
            if item.name.startswith("v") and item.name != f"v{SCHEMA_VERSION}":
                import shutil

                shutil.rmtree(item.path, ignore_errors=True)
