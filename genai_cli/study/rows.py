"""Rows of the progress database as records: card states, reviews, sessions.

Conversions only (no connection handling, which is store.py's); every time is stored as
fixed-width UTC text, so that text order is time order in SQL.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from genai_cli.study.scheduler import CardState, utc

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
    # v3: interview answers: the text a learner typed for an open question, one row per
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
    # v4: quiz sessions (the cards each planned, how it stopped) so that an interrupted one
    # can be resumed and `stats --last` can show it; each review names its session and
    # keeps the card's state before it (JSON, NULL for a new card) so it can be undone.
    """
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        stopped     TEXT,
        planned     TEXT NOT NULL DEFAULT '[]',
        resumed     INTEGER NOT NULL DEFAULT 0
    );
    ALTER TABLE reviews ADD COLUMN session_id INTEGER;
    ALTER TABLE reviews ADD COLUMN previous TEXT;
    CREATE INDEX reviews_by_session ON reviews (session_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# How a session ended (sessions.stopped; NULL while it runs, or if it was killed).
Stopped = Literal["done", "end-of-input", "interrupted", "quit"]
STOPPED: tuple[str, ...] = get_args(Stopped)


def ts(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order in SQL."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


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
    session_id: int | None = None
    id: int | None = None  # set when read back from the store


@dataclass(frozen=True, slots=True)
class TypedAnswer:
    """An interview answer as the learner typed it, and the grade they gave it."""

    card_id: str
    answered_at: datetime
    text: str
    rating: int


@dataclass(frozen=True, slots=True)
class Recorded:
    """An answer as stored: the card's new state and the id of its review row."""

    state: CardState
    review_id: int
    previous: CardState | None = None  # the card's state before this answer


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One quiz session: when, how it stopped, and the cards it planned to ask."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    stopped: Stopped | None
    planned: tuple[str, ...]
    resumed: bool


def put_card(conn: sqlite3.Connection, state: CardState) -> None:
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
            state.card_id,
            state.state,
            state.step,
            state.stability,
            state.difficulty,
            ts(state.due),
            ts(state.last_review) if state.last_review else None,
            state.reps,
            state.lapses,
        ),
    )


def state_json(state: CardState | None) -> str | None:
    if state is None:
        return None
    data: dict[str, object] = {
        "state": state.state,
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": ts(state.due),
        "last_review": ts(state.last_review) if state.last_review else None,
        "reps": state.reps,
        "lapses": state.lapses,
    }
    return json.dumps(data)


def state_from_json(card_id: str, text: str | None) -> CardState | None:
    """A card's state kept with a review (checked first: storecheck.previous_ok)."""
    if text is None:
        return None
    data = json.loads(text)
    due = dt(data["due"])
    assert due is not None
    return CardState(
        card_id,
        int(data["state"]),
        data["step"],
        data["stability"],
        data["difficulty"],
        due,
        dt(data["last_review"]),
        int(data["reps"]),
        int(data["lapses"]),
    )


def review_row(row: sqlite3.Row) -> ReviewRecord:
    """A ``reviews`` row as a record (checked first: storecheck.review_row_ok)."""
    return ReviewRecord(
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


def session_row(row: sqlite3.Row) -> SessionRecord:
    """A ``sessions`` row as a record (checked first: storecheck.session_row_ok)."""
    started = dt(row["started_at"])
    assert started is not None
    return SessionRecord(
        row["id"],
        started,
        dt(row["finished_at"]),
        row["stopped"],
        tuple(json.loads(row["planned"])),
        bool(row["resumed"]),
    )
