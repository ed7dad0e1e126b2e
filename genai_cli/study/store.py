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

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from genai_cli.errors import StoreError
from genai_cli.paths import display_path, progress_db
from genai_cli.study import storecheck
from genai_cli.study.scheduler import CardState, utc

BUSY_TIMEOUT_MS = 15_000

# Ordered migrations: MIGRATIONS[i] takes the schema from version i to version i + 1.
MIGRATIONS: tuple[str, ...] = (
    # v1: card state (fsrs fields) and one row per answer.
    """
    CREATE TABLE cards (
        card_id     TEXT PRIMARY KEY,
        state       INTEGER NOT NULL,
        step        INTEGER,
        stability   REAL,
        difficulty  REAL,
        due         TEXT NOT NULL,
        last_review TEXT,
        reps        INTEGER NOT NULL DEFAULT 0,
        lapses      INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        card_id     TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        rating      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        answer      TEXT NOT NULL DEFAULT ''
    );
    """,
    # v2: whether an answer was accepted as a close misspelling, how long it took, and
    # indexes for the due-card and reviews-per-day queries.
    """
    ALTER TABLE reviews ADD COLUMN close INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE reviews ADD COLUMN duration_ms INTEGER;
    CREATE INDEX reviews_by_time ON reviews (reviewed_at);
    CREATE INDEX cards_by_due ON cards (due);
    """,
    # Interview answers: the text a learner typed for an open question, one row per
    # review (self-contained, so it can be renumbered when migrations are merged).
    """
    CREATE TABLE IF NOT EXISTS typed_answers (
        review_id   INTEGER PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
        card_id     TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        text        TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS typed_answers_by_card ON typed_answers (card_id, answered_at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_path() -> Path:
    return progress_db()


def _ts(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order in SQL."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One answer as logged."""

    card_id: str
    reviewed_at: datetime
    rating: int
    correct: bool
    close: bool = False
    answer: str = ""
    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class TypedAnswer:
    """An interview answer as the learner typed it, and the grade they gave it."""

    card_id: str
    answered_at: datetime
    text: str
    rating: int


class Store:
    """An open progress database. Use :func:`open_store`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, notices: list[str]) -> None:
        self.path = path
        self._conn = conn
        self.notices = notices  # one-line warnings for the user (a corrupt file moved aside)
        self._identity: tuple[int, int] | None = None  # set by open_store: (device, inode)

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
                for statement in _statements(MIGRATIONS[current]):
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
        checked = (_checked_review(row) for row in rows)
        return [review for review in checked if review is not None]

    def unreadable_rows(self) -> int:
        """How many card and review rows are not ones genai writes (they are skipped)."""
        cards = self._query("SELECT * FROM cards")
        reviews = self._query("SELECT * FROM reviews")
        typed = len(self._query("SELECT 1 FROM typed_answers")) - len(self.typed_answers())
        return (
            sum(1 for r in cards if storecheck.checked_card(r) is None)
            + sum(1 for r in reviews if _checked_review(r) is None)
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

    def _check_same_file(self) -> None:
        """StoreError if the database file was removed, replaced or truncated since opening.

        Answers after an ``rm`` or a ``mv`` over it would be acknowledged and lost, and a
        truncated file only noticed by the next run. Checked inside each answer's transaction.
        """
        if self._identity is not None and not storecheck.still_the_file(self.path, self._identity):
            raise StoreError(
                f"{display_path(self.path)} was removed, replaced or truncated while the quiz"
                " ran; this answer was not saved, and the quiz stopped"
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
        with self._immediate() as conn:
            self._check_same_file()
            row = conn.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
            state = update(storecheck.checked_card(row) if row else None)  # a bad row starts afresh
            conn.execute(
                """
                INSERT INTO cards (card_id, state, step, stability, difficulty, due,
                                   last_review, reps, lapses)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (card_id) DO UPDATE SET
                    state = excluded.state, step = excluded.step,
                    stability = excluded.stability, difficulty = excluded.difficulty,
                    due = excluded.due, last_review = excluded.last_review,
                    reps = excluded.reps, lapses = excluded.lapses
                """,
                (
                    card_id,
                    state.state,
                    state.step,
                    state.stability,
                    state.difficulty,
                    _ts(state.due),
                    _ts(state.last_review) if state.last_review else None,
                    state.reps,
                    state.lapses,
                ),
            )
            cursor = conn.execute(
                """
                INSERT INTO reviews (card_id, reviewed_at, rating, correct, close, answer,
                                     duration_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    card_id,
                    _ts(review.reviewed_at),
                    review.rating,
                    int(review.correct),
                    int(review.close),
                    review.answer,
                    review.duration_ms,
                ),
            )
            if typed is not None:
                conn.execute(
                    "INSERT INTO typed_answers (review_id, card_id, answered_at, text)"
                    " VALUES (?, ?, ?, ?)",
                    (cursor.lastrowid, card_id, _ts(review.reviewed_at), typed),
                )
        return state

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
            conn.execute("DELETE FROM typed_answers")
            conn.execute("DELETE FROM reviews")
            conn.execute("DELETE FROM cards")
        return backup


_statements = storecheck.statements


def _checked_review(row: sqlite3.Row) -> ReviewRecord | None:
    """The answer logged in a row genai could have written, else None."""
    if not storecheck.review_row_ok(row):
        return None
    return ReviewRecord(
        row["card_id"],
        datetime.fromisoformat(row["reviewed_at"]),
        row["rating"],
        bool(row["correct"]),
        bool(row["close"]),
        row["answer"],
        row["duration_ms"],
    )


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
        store._identity = storecheck.identity(path)
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
