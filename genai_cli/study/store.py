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
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from genai_cli.errors import StoreError
from genai_cli.paths import display_path, progress_db
from genai_cli.study import storecheck
from genai_cli.study.rows import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Recorded,
    ReviewRecord,
    SessionRecord,
    Stopped,
    TypedAnswer,
    put_card,
    review_row,
    session_row,
    state_from_json,
    state_json,
    ts,
)
from genai_cli.study.scheduler import CardState

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Recorded",
    "ReviewRecord",
    "SessionRecord",
    "Stopped",
    "Store",
    "TypedAnswer",
    "default_path",
    "open_store",
]

BUSY_TIMEOUT_MS = 15_000


def default_path() -> Path:
    return progress_db()


class Store:
    """An open progress database. Use :func:`open_store`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, notices: list[str]) -> None:
        self.path = path
        self._conn = conn
        self.notices = notices  # one-line warnings for the user (a corrupt file moved aside)
        self._watch: storecheck.Watch | None = None  # set by open_store (M5)

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()
        if self._watch is not None:  # after the connection: see storecheck.Watch
            self._watch.close(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _immediate(self, unsaved: str = "nothing was changed") -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that concurrent writers queue up.

        Inside it, before anything is written, the file must still be the one opened
        (M5): ``unsaved`` says what that refusal means for the learner.
        """
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{display_path(self.path)}: {exc}") from exc
        try:
            self._check_same_file(unsaved)
            yield conn
        except BaseException as exc:
            with suppress(sqlite3.Error):  # the failure below is the one to report
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):  # "attempt to write a readonly database"
                raise StoreError(f"{display_path(self.path)}: {exc}") from exc
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
                for statement in storecheck.statements(MIGRATIONS[current]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {current + 1}")

    # -- reading -------------------------------------------------------------------------

    def cards(self) -> dict[str, CardState]:
        """Every card whose row genai could have written; other rows are skipped."""
        rows = self._query("SELECT * FROM cards")
        checked = (storecheck.checked_card(row) for row in rows)
        return {card.card_id: card for card in checked if card is not None}

    def card(self, card_id: str) -> CardState | None:
        rows = self._query("SELECT * FROM cards WHERE card_id = ?", (card_id,))
        return storecheck.checked_card(rows[0]) if rows else None

    def reviews(self) -> list[ReviewRecord]:
        """Every logged answer whose row genai could have written; other rows are skipped."""
        rows = self._query("SELECT * FROM reviews ORDER BY id")
        return [review_row(row) for row in rows if storecheck.review_row_ok(row)]

    def session_reviews(self, session_id: int) -> list[ReviewRecord]:
        """The reviews of one session, in the order given."""
        return [r for r in self.reviews() if r.session_id == session_id]

    def last_session(self, *, resumable: bool = False) -> SessionRecord | None:
        """The most recent session; with ``resumable``, only if it stopped before the end
        (quit, interrupted or killed) and has not been resumed yet. A latest row genai
        could not have written means there is none (an older session is not resumed)."""
        rows = self._query("SELECT * FROM sessions ORDER BY id DESC LIMIT 1")
        if not rows or not storecheck.session_row_ok(rows[0]):
            return None
        found = session_row(rows[0])
        if resumable and (found.resumed or found.stopped == "done"):
            return None
        return found

    def unreadable_rows(self) -> int:
        """How many rows are not ones genai writes (they are skipped)."""
        cards = self._query("SELECT * FROM cards")
        reviews = self._query("SELECT * FROM reviews")
        sessions = self._query("SELECT * FROM sessions")
        typed = len(self._query("SELECT 1 FROM typed_answers")) - len(self.typed_answers())
        return (
            sum(1 for r in cards if storecheck.checked_card(r) is None)
            + sum(1 for r in reviews if not storecheck.review_row_ok(r))
            + sum(1 for r in sessions if not storecheck.session_row_ok(r))
            + typed
        )

    def check_writable(self) -> None:
        """StoreError now, before any question, if answers could not be saved.

        A write is tried and rolled back: file modes say nothing about a read-only mount
        or a process that may ignore them.
        """
        try:
            with self._immediate() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                conn.execute(f"PRAGMA user_version = {int(version)}")
                raise _Probe
        except _Probe:
            return
        except StoreError as exc:
            raise StoreError(
                f"{display_path(self.path)} cannot be written ({exc.__cause__ or exc}); nothing was"
                " asked, so nothing is lost; make it writable or point GENAI_HOME elsewhere"
            ) from exc

    def _check_same_file(self, unsaved: str) -> None:
        """StoreError if the database file was removed, replaced or truncated since opening.

        Answers after an ``rm`` or a ``mv`` over it would be acknowledged and lost, and a
        truncated file only noticed by the next run. Checked inside each write transaction.
        """
        if self._watch is not None and not self._watch.still(self.path):
            raise StoreError(
                f"{display_path(self.path)} was removed, replaced or truncated while the quiz"
                f" ran; {unsaved}"
            )

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
        return [  # rows genai could not have written are skipped, like cards and reviews
            TypedAnswer(
                row["card_id"],
                datetime.fromisoformat(row["answered_at"]),
                row["text"],
                row["rating"],
            )
            for row in rows
            if storecheck.typed_row_ok(row)
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
        with self._immediate("this answer was not saved, and the quiz stopped") as conn:
            row = conn.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
            before = storecheck.checked_card(row) if row else None  # a bad row starts afresh
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
        restoring it would lose that answer; and if the review's row is not one genai
        wrote (its kept state could not be trusted).
        """
        with self._immediate("nothing was undone, and the quiz stopped") as conn:
            row = conn.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                raise StoreError(f"no review {review_id} to undo")
            if not storecheck.review_row_ok(row):
                raise StoreError(f"cannot undo review {review_id}: genai did not write its row")
            card_id = row["card_id"]
            later = conn.execute(
                "SELECT count(*) FROM reviews WHERE card_id = ? AND id > ?", (card_id, review_id)
            ).fetchone()[0]
            if later:
                raise StoreError(f"cannot undo: {card_id} was answered again since (another quiz?)")
            before = state_from_json(card_id, row["previous"])
            if before is None:
                conn.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))
            else:
                put_card(conn, before)
            conn.execute("DELETE FROM typed_answers WHERE review_id = ?", (review_id,))
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        return before

    def start_session(self, now: datetime, planned: Sequence[str]) -> int:
        """Record a new session and the cards it plans to ask; returns its id."""
        with self._immediate("nothing was asked, and the quiz stopped") as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, planned) VALUES (?, ?)",
                (ts(now), json.dumps(list(planned))),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    def end_session(self, session_id: int, now: datetime, stopped: Stopped) -> None:
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
        self.check_writable()
        with self._immediate() as conn:
            # Inside the write transaction: an answer committed by another quiz is either
            # in the backup and deleted, or after the reset; never in neither file.
            # A second, reading connection makes the copy (a connection cannot back itself up
            # inside its own transaction); under WAL it reads past our lock.
            backup = storecheck.claim_aside_name(self.path, "backup", now)
            source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            target = sqlite3.connect(backup)
            try:
                source.backup(target)
            except sqlite3.Error as exc:
                backup.unlink(missing_ok=True)
                raise StoreError(f"cannot write {display_path(backup)}: {exc}") from exc
            finally:
                target.close()
                source.close()
            for table in ("typed_answers", "reviews", "cards", "sessions"):
                conn.execute(f"DELETE FROM {table}")
        return backup


class _Probe(Exception):
    """Rolls back check_writable's trial write."""


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
    storecheck.refuse_non_file(path)
    if path.exists():
        try:
            version = storecheck.peek_version(path, MIGRATIONS, BUSY_TIMEOUT_MS)
        except storecheck.Foreign as exc:
            aside = storecheck.move_aside(path, now, "foreign")
            notices.append(
                f"{display_path(path)} is not a genai progress database ({exc}); kept it"
                f" untouched as {aside.name} and started a fresh one"
            )
        except storecheck.Corrupt as exc:
            aside = storecheck.move_aside(path, now)
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
        store._watch = storecheck.Watch(path)
        skipped = store.unreadable_rows()
    except OSError as exc:
        store.close()
        raise StoreError(f"cannot open {display_path(path)}: {exc.strerror or exc}") from exc
    except BaseException:
        store.close()
        raise
    if skipped:
        notices.append(
            f"{display_path(path)}: skipped {skipped} row{'s' if skipped != 1 else ''} that"
            " genai did not write (bad timestamps, states or numbers)"
        )
    return store
