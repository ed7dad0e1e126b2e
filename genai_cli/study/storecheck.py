"""What the progress store checks about a database it did not necessarily write.

progress.db may come from elsewhere (restored, shared, synced, edited by hand) or be
changed under a running quiz. These checks keep that from becoming an internal error,
a hang or a silent loss; study/store.py decides what to do about each.

* the path must be a regular file (SQLite blocks for ever opening a FIFO);
* while a quiz runs it must stay the file that was opened, with a SQLite header;
* its schema must be one genai wrote at its version, else it is someone else's;
* each row must be one genai could have written (aware timestamps, known states,
  numbers in range), else it is skipped.
"""

from __future__ import annotations

import math
import os
import sqlite3
import stat
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

from genai_cli.errors import StoreError
from genai_cli.paths import display_path
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


def still_the_file(path: Path, opened: tuple[int, int]) -> bool:
    """Whether ``path`` is still the database opened as ``opened``: not removed, replaced
    or truncated (SQLite would go on writing to an unlinked inode, or over nothing)."""
    try:
        now = identity(path)
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return now == opened and header == SQLITE_HEADER


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


def card_row_ok(row: sqlite3.Row) -> bool:
    """Whether a ``cards`` row is one genai could have written."""
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
    return (
        aware(row["reviewed_at"]) is not None
        and isinstance(row["card_id"], str)
        and row["rating"] in (1, 2, 3, 4)
        and row["correct"] in (0, 1)
        and row["close"] in (0, 1)
        and isinstance(row["answer"], str)
        and (row["duration_ms"] is None or _count(row["duration_ms"]))
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
