"""The progress store: SQLite at ``$GENAI_HOME/progress.db``.

* WAL mode and a busy timeout, so two quizzes can run at once;
* each answer (card state and review log together) is one ``BEGIN IMMEDIATE`` transaction,
  committed before the next question is shown, and the card state is re-read inside it, so
  concurrent quizzes reviewing the same card lose nothing;
* the schema is versioned (``PRAGMA user_version``) with ordered migrations; a database from
  a newer genai is refused and left untouched; a corrupt one is moved aside (never deleted)
  and a fresh one started.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from genai_cli.errors import StoreError
from genai_cli.paths import display_path, progress_db
from genai_cli.study.rows import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Recorded,
    ReviewRecord,
    SessionRecord,
    TypedAnswer,
    card_row,
    put_card,
    session_row,
    state_from_json,
    state_json,
    ts,
)
from genai_cli.study.scheduler import CardState, utc

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Recorded",
    "ReviewRecord",
    "SessionRecord",
    "Store",
    "TypedAnswer",
    "default_path",
    "open_store",
]

BUSY_TIMEOUT_MS = 15_000


def default_path() -> Path:
    return progress_db()


class _Corrupt(Exception):
    pass


def _peek_version(path: Path) -> int:
    """The schema version of an existing file, read-only; _Corrupt if it is not a database.

    Without a WAL file next to it the file is complete, and is opened ``immutable`` so that
    not even an empty -wal or -shm file is created beside a database we may refuse.
    """
    wal = path.with_name(path.name + "-wal")
    uri = f"file:{quote(str(path))}?mode=ro" + ("" if wal.exists() else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open {display_path(path)}: {exc}") from exc
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot read {display_path(path)}: {exc}") from exc
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        raise _Corrupt(str(exc)) from exc
    finally:
        conn.close()
    if check != "ok":
        raise _Corrupt(check)
    return version


def _aside_name(path: Path, label: str, now: datetime) -> Path:
    stamp = utc(now).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{number}")
    return candidate


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename the database (and its WAL files) to a timestamped name next to it."""
    aside = _aside_name(path, "corrupt", now)
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside


class Store:
    """An open progress database. Use :func:`open_store`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, notices: list[str]) -> None:
        self.path = path
        self._conn = conn
        self.notices = notices  # one-line warnings for the user (a corrupt file moved aside)

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that concurrent writers queue up."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{display_path(self.path)}: {exc}") from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{display_path(self.path)}: {exc}") from exc

    def version(self) -> int:
        value: int = self._conn.execute("PRAGMA user_version").fetchone()[0]
        return value

    def migrate(self) -> None:
        """Apply every migration the file has not had, in order, one transaction each."""
        while True:
            with self._immediate() as conn:
                current: int = conn.execute("PRAGMA user_version").fetchone()[0]
                if current >= SCHEMA_VERSION:
                    return
                for statement in _statements(MIGRATIONS[current]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {current + 1}")

    # -- reading -------------------------------------------------------------------------

    def cards(self) -> dict[str, CardState]:
        rows = self._query("SELECT * FROM cards")
        return {row["card_id"]: card_row(row) for row in rows}

    def card(self, card_id: str) -> CardState | None:
        rows = self._query("SELECT * FROM cards WHERE card_id = ?", (card_id,))
        return card_row(rows[0]) if rows else None

    def reviews(self) -> list[ReviewRecord]:
        rows = self._query("SELECT * FROM reviews ORDER BY id")
        return [
            ReviewRecord(
                row["card_id"],
                datetime.fromisoformat(row["reviewed_at"]),
                row["rating"],
                bool(row["correct"]),
                bool(row["close"]),
                row["answer"],
                row["duration_ms"],
                row["session_id"],
                row["id"],
            )
            for row in rows
        ]

    def session_reviews(self, session_id: int) -> list[ReviewRecord]:
        """The reviews of one session, in the order given."""
        return [r for r in self.reviews() if r.session_id == session_id]

    def last_session(self, *, resumable: bool = False) -> SessionRecord | None:
        """The most recent session; with ``resumable``, only if it stopped before the end
        (quit, interrupted or killed) and has not been resumed yet."""
        rows = self._query("SELECT * FROM sessions ORDER BY id DESC LIMIT 1")
        if not rows:
            return None
        found = session_row(rows[0])
        if resumable and (found.resumed or found.stopped == "done"):
            return None
        return found

    def typed_answers(self, card_id: str | None = None) -> list[TypedAnswer]:
        """Typed answers, oldest first, each with the grade its review gave (one card or all)."""
        sql = (
            "SELECT t.card_id, t.answered_at, t.text, r.rating FROM typed_answers t"
            " JOIN reviews r ON r.id = t.review_id"
        )
        params: tuple[object, ...] = ()
        if card_id is not None:
            sql += " WHERE t.card_id = ?"
            params = (card_id,)
        rows = self._query(sql + " ORDER BY t.answered_at, t.review_id", params)
        return [
            TypedAnswer(
                row["card_id"],
                datetime.fromisoformat(row["answered_at"]),
                row["text"],
                row["rating"],
            )
            for row in rows
        ]

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{display_path(self.path)}: {exc}") from exc

    # -- writing -------------------------------------------------------------------------

    def answer(
        self,
        card_id: str,
        update: Callable[[CardState | None], CardState],
        review: ReviewRecord,
        typed: str | None = None,
    ) -> Recorded:
        """Apply ``update`` to the card's current state and log ``review``, atomically.

        The state before is kept with the review, so that :meth:`undo` can restore it;
        ``typed``, an interview answer as typed, is kept with the review.
        """
        with self._immediate() as conn:
            row = conn.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
            before = card_row(row) if row else None
            state = update(before)
            put_card(conn, state)
            cursor = conn.execute(
                """
                INSERT INTO reviews (card_id, reviewed_at, rating, correct, close, answer,
                                     duration_ms, session_id, previous)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    card_id,
                    ts(review.reviewed_at),
                    review.rating,
                    int(review.correct),
                    int(review.close),
                    review.answer,
                    review.duration_ms,
                    review.session_id,
                    state_json(before),
                ),
            )
            review_id = cursor.lastrowid
            if typed is not None:
                conn.execute(
                    "INSERT INTO typed_answers (review_id, card_id, answered_at, text)"
                    " VALUES (?, ?, ?, ?)",
                    (review_id, card_id, ts(review.reviewed_at), typed),
                )
        assert review_id is not None
        return Recorded(state, review_id, before)

    def record(
        self,
        card_id: str,
        update: Callable[[CardState | None], CardState],
        review: ReviewRecord,
        typed: str | None = None,
    ) -> CardState:
        """Apply ``update`` to the card's current state and log ``review``, atomically.

        ``typed``, an interview answer as typed, is kept with the review.
        """
        return self.answer(card_id, update, review, typed).state

    def undo(self, review_id: int) -> CardState | None:
        """Remove one review and put its card back as it was before it, in one transaction.

        Returns the restored state (None: the card had never been answered before).
        Refused if the card has been answered since (by another quiz running at once):
        restoring it would lose that answer.
        """
        with self._immediate() as conn:
            row = conn.execute(
                "SELECT card_id, previous FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no review {review_id} to undo")
            later = conn.execute(
                "SELECT count(*) FROM reviews WHERE card_id = ? AND id > ?",
                (row["card_id"], review_id),
            ).fetchone()[0]
            if later:
                raise StoreError(
                    f"cannot undo: {row['card_id']} was answered again since (another quiz?)"
                )
            before = state_from_json(row["card_id"], row["previous"])
            if before is None:
                conn.execute("DELETE FROM cards WHERE card_id = ?", (row["card_id"],))
            else:
                put_card(conn, before)
            conn.execute("DELETE FROM typed_answers WHERE review_id = ?", (review_id,))
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        return before

    def start_session(self, now: datetime, planned: Sequence[str]) -> int:
        """Record a new session and the cards it plans to ask; returns its id."""
        with self._immediate() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, planned) VALUES (?, ?)",
                (ts(now), json.dumps(list(planned))),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    def end_session(self, session_id: int, now: datetime, stopped: str) -> None:
        with self._immediate() as conn:
            conn.execute(
                "UPDATE sessions SET finished_at = ?, stopped = ? WHERE id = ?",
                (ts(now), stopped, session_id),
            )

    def mark_resumed(self, session_id: int) -> None:
        with self._immediate() as conn:
            conn.execute("UPDATE sessions SET resumed = 1 WHERE id = ?", (session_id,))

    def reset(self, now: datetime) -> Path:
        """Copy the database to a timestamped backup next to it, then forget all progress."""
        backup = _aside_name(self.path, "backup", now)
        target = sqlite3.connect(backup)
        try:
            self._conn.backup(target)
        finally:
            target.close()
        with self._immediate() as conn:
            conn.execute("DELETE FROM typed_answers")
            conn.execute("DELETE FROM reviews")
            conn.execute("DELETE FROM cards")
            conn.execute("DELETE FROM sessions")
        return backup


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _set_wal(conn)
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out another process that is creating the same database.

    Changing the journal mode needs a lock that SQLite does not wait for (it answers
    "database is locked" at once, busy timeout or not), so two quizzes started together
    on a new database would see one fail. Retry for up to the busy timeout.
    """
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def open_store(path: Path, now: datetime) -> Store:
    """Open (creating or upgrading) the progress database at ``path``.

    Raises StoreError for a database written by a newer genai, leaving it untouched.
    A corrupt file is moved aside and reported in ``Store.notices``.
    """
    notices: list[str] = []
    if path.exists():
        try:
            version = _peek_version(path)
        except _Corrupt as exc:
            aside = _move_aside(path, now)
            notices.append(
                f"{display_path(path)} could not be read ({exc}); kept it as "
                f"{aside.name} and started a fresh one"
            )
        else:
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{display_path(path)} was written by a newer genai (schema version "
                    f"{version}, this one knows up to {SCHEMA_VERSION}); upgrade genai or "
                    "point GENAI_HOME elsewhere; the file was left untouched"
                )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open {display_path(path)}: {exc}") from exc
    store = Store(path, conn, notices)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
