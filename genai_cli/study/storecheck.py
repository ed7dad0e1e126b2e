"""What the progress store checks about a database it did not necessarily write.

progress.db may come from elsewhere (restored, shared, synced, edited by hand) or be
changed under a running quiz. These checks keep that from becoming an internal error,
a hang or a silent loss; study/store.py decides what to do about each.

* the path must be a regular file (SQLite blocks for ever opening a FIFO);
* while a quiz runs it must stay the file that was opened, with a SQLite header;
* its schema must be one genai wrote at its version, else it is someone else's;
* each row must be one genai could have written (aware timestamps, known states,
  numbers in range, a card state kept for undo that is one, a session's planned cards
  as a JSON list of card ids), else it is skipped.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import stat
import threading
from collections.abc import Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from genai_cli.errors import StoreError
from genai_cli.paths import display_path
from genai_cli.study.rows import STOPPED
from genai_cli.study.scheduler import CardState, utc

SQLITE_HEADER = b"SQLite format 3\x00"

# What fsrs can hold: states Learning, Review and Relearning; difficulty 1-10; stability
# positive (bounded far above any real interval, in days).
STATES = (1, 2, 3)
MAX_STABILITY = 1e6


# -- the file ---------------------------------------------------------------------------


def refuse_non_file(path: Path) -> None:
    """StoreError for a FIFO, device, socket or directory where the database should be."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot open {display_path(path)}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO, device or socket"
        raise StoreError(
            f"{display_path(path)} is not a regular file (it is {kind}); move it away or"
            " point GENAI_HOME elsewhere"
        )


def identity(path: Path) -> tuple[int, int]:
    """(device, inode): what stays the same while the file is the one that was opened."""
    info = path.stat()
    return info.st_dev, info.st_ino


# Descriptors of open databases, one per file, with how many stores use each.
_HELD: dict[tuple[int, int], list[int]] = {}
_WAL_FILES = ("-wal", "-shm")
_HELD_LOCK = threading.Lock()


class Watch:
    """Tells whether ``path`` is still the database file that was opened (M5).

    It reads the header through a descriptor held while any store has the file open,
    never through a new open and close: closing *any* descriptor of a file drops every
    POSIX lock the process holds on it, SQLite's included, and another genai closing
    would then take itself for the last user and delete the WAL under a running quiz.
    """

    def __init__(self, path: Path) -> None:
        self.opened = identity(path)
        self._wal = _identities(path)  # SQLite's WAL files, to drop if left stale
        with _HELD_LOCK:
            held = _HELD.get(self.opened)
            if held is None:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                held = _HELD[self.opened] = [fd, 0]  # a moment's replacement: see still
            held[1] += 1
        self._fd: int | None = held[0]

    def still(self, path: Path) -> bool:
        """Whether ``path`` is still the file opened: not removed, replaced or truncated
        (SQLite would go on writing to an unlinked inode, or over nothing)."""
        if self._fd is None:
            return False
        try:
            same = identity(path) == self.opened == _fd_identity(self._fd)
            header = os.pread(self._fd, len(SQLITE_HEADER), 0)
        except OSError:
            return False
        return same and header == SQLITE_HEADER

    def close(self, path: Path) -> None:
        """Give the descriptor back; the last store on the file closes it (after SQLite
        has closed its own connection, so no lock is dropped early).

        If the file was removed or replaced meanwhile, SQLite leaves its WAL files behind
        (it cannot checkpoint a moved file); the next genai would read them as the new
        file's and mix two databases. They are removed if they are still the ones it had.
        """
        if self._fd is None:
            return
        self._fd = None
        with _HELD_LOCK:
            held = _HELD[self.opened]
            held[1] -= 1
            if held[1] > 0:
                return
            del _HELD[self.opened]
            os.close(held[0])
        try:
            moved = identity(path) != self.opened
        except OSError:
            moved = True
        if moved and _unused(Path(f"{path}-shm")):
            for suffix, ident in _identities(path).items():
                if self._wal.get(suffix) == ident:
                    with suppress(OSError):
                        Path(f"{path}{suffix}").unlink()


_SHM_DMS = 128  # the byte of the WAL index SQLite read-locks while a connection uses it


def _unused(shm: Path) -> bool:
    """Whether no process uses the WAL index ``shm`` (else its files are left alone)."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks to ask: leave the files
        return False
    try:
        fd = os.open(shm, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _identities(path: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for suffix in _WAL_FILES:
        with suppress(OSError):
            found[suffix] = identity(Path(f"{path}{suffix}"))
    return found


def _fd_identity(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def aside_name(path: Path, label: str, now: datetime) -> Path:
    """``progress.db.LABEL-<UTC time>`` next to ``path``, numbered if taken."""
    stamp = utc(now).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{number}")
    return candidate


def claim_aside_name(path: Path, label: str, now: datetime) -> Path:
    """Like aside_name, but the name is created (empty) at once, so that two processes
    doing this at the same moment never pick the same one."""
    while True:
        candidate = aside_name(path, label, now)
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        except OSError as exc:
            raise StoreError(f"cannot write {display_path(candidate)}: {exc.strerror}") from exc
        return candidate


def move_aside(path: Path, now: datetime, label: str = "corrupt") -> Path:
    """Rename the database (and its WAL files) to a timestamped name next to it."""
    aside = claim_aside_name(path, label, now)
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside


# -- the schema -------------------------------------------------------------------------


class Corrupt(Exception):
    """Not a SQLite database, or a damaged one."""


class Foreign(Exception):
    """A good SQLite file that genai did not write (someone else's database)."""


def peek_version(path: Path, migrations: tuple[str, ...], busy_timeout_ms: int) -> int:
    """The schema version of an existing file, read-only; Corrupt if it is not a database,
    Foreign if its schema is not genai's at its version (up to ``len(migrations)``).

    Without a WAL file next to it the file is complete, and is opened ``immutable`` so that
    not even an empty -wal or -shm file is created beside a database we may refuse.
    """
    wal = path.with_name(path.name + "-wal")
    uri = f"file:{quote(str(path))}?mode=ro" + ("" if wal.exists() else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open {display_path(path)}: {exc}") from exc
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check == "ok" and version <= len(migrations):
            why = foreign(migrations, version, schema(conn))
            if why is not None:
                raise Foreign(why)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot read {display_path(path)}: {exc}") from exc
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        raise Corrupt(str(exc)) from exc
    finally:
        conn.close()
    if check != "ok":
        raise Corrupt(check)
    return version


def statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@cache
def expected_schema(migrations: tuple[str, ...], version: int) -> dict[str, frozenset[str]]:
    """Table -> columns of a genai database at ``version``, made by running the migrations."""
    conn = sqlite3.connect(":memory:")
    try:
        for script in migrations[:version]:
            for statement in statements(script):
                conn.execute(statement)
        return schema(conn)
    finally:
        conn.close()


def schema(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Table -> columns of the database ``conn`` is open on (SQLite's own tables left out)."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: frozenset(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")'))
        for table in tables
    }


def foreign(
    migrations: Sequence[str], version: int, found: dict[str, frozenset[str]]
) -> str | None:
    """Why a database is not one genai wrote, or None if it is (``version`` <= ours)."""
    if version < 0:
        return f"schema version {version}"
    if version == 0:
        return "it has tables genai did not create" if found else None
    for table, columns in expected_schema(tuple(migrations), version).items():
        if table not in found:
            return f"no {table} table"
        if not columns <= found[table]:
            missing = ", ".join(sorted(columns - found[table]))
            return f"the {table} table lacks {missing}"
    return None


# -- the rows ---------------------------------------------------------------------------


def aware(text: object) -> datetime | None:
    """A timestamp as genai writes it (ISO 8601 with an offset), else None."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def _between(value: object, low: float, high: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high


def card_row_ok(row: sqlite3.Row | Mapping[str, Any]) -> bool:
    """Whether a ``cards`` row (or a card state kept for undo) is one genai could have
    written."""
    last = row["last_review"]
    return (
        isinstance(row["card_id"], str)
        and type(row["state"]) is int
        and row["state"] in STATES
        and aware(row["due"]) is not None
        and (last is None or aware(last) is not None)
        and (row["step"] is None or _count(row["step"]))
        and (row["stability"] is None or _between(row["stability"], 1e-9, MAX_STABILITY))
        and (row["difficulty"] is None or _between(row["difficulty"], 1.0, 10.0))
        and _count(row["reps"])
        and _count(row["lapses"])
    )


def review_row_ok(row: sqlite3.Row) -> bool:
    """Whether a ``reviews`` row is one genai could have written."""
    session = row["session_id"]
    return (
        aware(row["reviewed_at"]) is not None
        and isinstance(row["card_id"], str)
        and row["rating"] in (1, 2, 3, 4)
        and row["correct"] in (0, 1)
        and row["close"] in (0, 1)
        and isinstance(row["answer"], str)
        and (row["duration_ms"] is None or _count(row["duration_ms"]))
        and (session is None or (type(session) is int and session > 0))
        and previous_ok(row["previous"])
    )


_STATE_FIELDS = frozenset(
    ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
)


def previous_ok(text: object) -> bool:
    """Whether a review's ``previous`` (the card's state before it, JSON, kept for undo;
    NULL for a new card) is one genai could have written."""
    if text is None:
        return True
    if not isinstance(text, str):
        return False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(data, dict)
        and set(data) == _STATE_FIELDS
        and card_row_ok({**data, "card_id": ""})
    )


def session_row_ok(row: sqlite3.Row) -> bool:
    """Whether a ``sessions`` row is one genai could have written."""
    finished = row["finished_at"]
    try:
        planned = json.loads(row["planned"]) if isinstance(row["planned"], str) else None
    except (ValueError, RecursionError):
        planned = None
    return (
        type(row["id"]) is int
        and aware(row["started_at"]) is not None
        and (finished is None or aware(finished) is not None)
        and (row["stopped"] is None or row["stopped"] in STOPPED)
        and row["resumed"] in (0, 1)
        and isinstance(planned, list)
        and all(isinstance(card, str) for card in planned)
    )


def checked_card(row: sqlite3.Row) -> CardState | None:
    """The card of a row genai could have written, else None (the row is skipped)."""
    if not card_row_ok(row):
        return None
    last = row["last_review"]
    return CardState(
        row["card_id"],
        row["state"],
        row["step"],
        row["stability"],
        row["difficulty"],
        datetime.fromisoformat(row["due"]),
        None if last is None else datetime.fromisoformat(last),
        row["reps"],
        row["lapses"],
    )


def typed_row_ok(row: sqlite3.Row) -> bool:
    """Whether a ``typed_answers`` row (joined with its review's rating) is one genai
    could have written."""
    return (
        isinstance(row["card_id"], str)
        and aware(row["answered_at"]) is not None
        and isinstance(row["text"], str)
        and row["rating"] in (1, 2, 3, 4)
    )
