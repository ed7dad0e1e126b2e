"""The progress store: migrations, newer-version refusal, corrupt files, atomic answers."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from genai_cli.errors import StoreError
from genai_cli.study.questions import AGAIN, GOOD
from genai_cli.study.scheduler import review
from genai_cli.study.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    ReviewRecord,
    Store,
    open_store,
)
from tests.conftest import ROOT

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
FIXTURES = ROOT / "tests" / "fixtures" / "progress"


def answer(store: Store, card: str, rating: int, now: datetime) -> None:
    store.record(
        card,
        partial(review, card_id=card, rating=rating, now=now, fuzz=False),
        ReviewRecord(card, now, rating, rating != AGAIN, answer="x"),
    )


def columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def fixture_db(tmp_path: Path, version: int) -> Path:
    path = tmp_path / "progress.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / f"v{version}.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


class TestMigrations:
    """A blank database gets the latest schema; every earlier version is upgraded in order."""

    def test_fixture_for_every_earlier_version(self) -> None:
        for version in range(1, SCHEMA_VERSION):
            assert (FIXTURES / f"v{version}.sql").exists(), f"add a v{version} fixture"

    def test_blank_database(self, tmp_path: Path) -> None:
        path = tmp_path / "new" / "progress.db"
        with open_store(path, T0) as store:
            assert store.version() == SCHEMA_VERSION == len(MIGRATIONS)
            assert store.cards() == {} and store.reviews() == []
            assert store.notices == []
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        assert "duration_ms" in columns(path, "reviews")

    @pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
    def test_earlier_version_is_upgraded_keeping_progress(
        self, tmp_path: Path, version: int
    ) -> None:
        path = fixture_db(tmp_path, version)
        with open_store(path, T0) as store:
            assert store.version() == SCHEMA_VERSION
            cards = store.cards()
            reviews = store.reviews()
        assert set(cards) == {"typed:latent-space", "myth-or-fact:replace-human-creativity"}
        assert cards["typed:latent-space"].reps == 2
        assert cards["typed:latent-space"].due == datetime(2024, 1, 4, 9, tzinfo=timezone.utc)
        assert [(r.card_id, r.correct, r.close) for r in reviews] == [
            ("typed:latent-space", True, False),
            ("typed:latent-space", True, False),
            ("myth-or-fact:replace-human-creativity", False, False),
        ]
        assert reviews[0].duration_ms is None

    def test_upgraded_fixture_takes_new_answers(self, tmp_path: Path) -> None:
        path = fixture_db(tmp_path, 1)
        with open_store(path, T0) as store:
            answer(store, "typed:latent-space", GOOD, datetime(2024, 1, 5, tzinfo=timezone.utc))
            assert store.cards()["typed:latent-space"].reps == 3
            assert len(store.reviews()) == 4

    def test_opening_twice_migrates_once(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        open_store(path, T0).close()
        with open_store(path, T0) as store:
            assert store.version() == SCHEMA_VERSION


class TestRefusals:
    """A newer database is refused untouched; a corrupt one is moved aside, never deleted."""

    def test_newer_version_is_refused_and_left_byte_identical(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        with open_store(path, T0) as store:
            answer(store, "typed:a", GOOD, T0)
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
        before = path.read_bytes()
        listing = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(StoreError, match="newer genai") as caught:
            open_store(path, T0)
        assert "\n" not in caught.value.message
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == listing

    @pytest.mark.parametrize(
        "garbage",
        [b"this is not a database\n" * 40, b"SQLite format 3\x00" + b"\xff" * 4000],
        ids=["text", "bad-header"],
    )
    def test_corrupt_file_is_moved_aside_and_a_fresh_one_started(
        self, tmp_path: Path, garbage: bytes
    ) -> None:
        path = tmp_path / "progress.db"
        path.write_bytes(garbage)
        with open_store(path, T0) as store:
            assert len(store.notices) == 1
            notice = store.notices[0]
            answer(store, "typed:a", GOOD, T0)
            assert len(store.reviews()) == 1
        aside = tmp_path / "progress.db.corrupt-20240301T090000Z"
        assert aside.read_bytes() == garbage
        assert aside.name in notice and "\n" not in notice

    def test_second_corrupt_file_the_same_second_gets_its_own_name(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        for _ in range(2):
            path.write_bytes(b"garbage" * 100)
            open_store(path, T0).close()
            path.unlink()
        names = sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name)
        assert names == [
            "progress.db.corrupt-20240301T090000Z",
            "progress.db.corrupt-20240301T090000Z-2",
        ]

    def test_unopenable_location_is_a_store_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(StoreError, match="cannot open"):
            open_store(blocker / "progress.db", T0)


class TestRecording:
    """Card state and review log are written together; concurrent writers lose nothing."""

    def test_record_writes_card_and_review(self, tmp_path: Path) -> None:
        with open_store(tmp_path / "progress.db", T0) as store:
            answer(store, "typed:a", GOOD, T0)
            answer(store, "typed:a", AGAIN, T0 + timedelta(minutes=10))
            card = store.cards()["typed:a"]
            assert card.reps == 2
            assert card.last_review == T0 + timedelta(minutes=10)
            assert [r.rating for r in store.reviews()] == [GOOD, AGAIN]
            assert store.card("typed:a") == card

    def test_failed_update_writes_nothing(self, tmp_path: Path) -> None:
        def broken(_previous: object) -> object:
            raise RuntimeError("boom")

        with open_store(tmp_path / "progress.db", T0) as store:
            with pytest.raises(RuntimeError):
                store.record("typed:a", broken, ReviewRecord("typed:a", T0, GOOD, True))  # type: ignore[arg-type]
            assert store.cards() == {} and store.reviews() == []

    def test_two_writers_on_the_same_cards_lose_nothing(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        open_store(path, T0).close()
        per_writer = 40
        errors: list[BaseException] = []

        def writer() -> None:
            try:
                with open_store(path, T0) as store:
                    for n in range(per_writer):
                        answer(store, f"typed:e{n % 5}", GOOD, T0 + timedelta(seconds=n))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with open_store(path, T0) as store:
            assert len(store.reviews()) == 2 * per_writer
            assert sum(c.reps for c in store.cards().values()) == 2 * per_writer

    def test_reset_keeps_a_backup(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        with open_store(path, T0) as store:
            answer(store, "typed:a", GOOD, T0)
            backup = store.reset(T0)
            assert store.cards() == {} and store.reviews() == []
        assert backup.name == "progress.db.backup-20240301T090000Z"
        with open_store(backup, T0) as saved:
            assert len(saved.reviews()) == 1


def _open_at_once(path: str, barrier: Any) -> str:
    barrier.wait()
    try:
        open_store(Path(path), datetime(2026, 11, 29, tzinfo=timezone.utc)).close()
    except StoreError as exc:
        return str(exc)
    return "ok"


class TestOpeningTogether:
    """Quizzes started at the same moment on a new database all open it: none is refused."""

    def test_many_processes_create_the_same_database(self, tmp_path: Path) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        for attempt in range(8):
            path = str(tmp_path / f"progress-{attempt}.db")
            with context.Manager() as manager:
                barrier = manager.Barrier(6)
                with context.Pool(6) as pool:
                    results = pool.starmap(_open_at_once, [(path, barrier)] * 6)
            assert results == ["ok"] * 6


def recorded(store: Store, card: str, rating: int, now: datetime, session: int | None = None):  # type: ignore[no-untyped-def]
    return store.answer(
        card,
        partial(review, card_id=card, rating=rating, now=now, fuzz=False),
        ReviewRecord(card, now, rating, rating != AGAIN, answer="x", session_id=session),
    )


def dump(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        cards = conn.execute("SELECT * FROM cards ORDER BY card_id").fetchall()
        reviews = conn.execute("SELECT id, card_id FROM reviews ORDER BY id").fetchall()
        return cards, reviews
    finally:
        conn.close()


class TestUndo:
    """Undo removes one review and restores the card's previous state, in one transaction."""

    @pytest.mark.parametrize("version", [0, *range(1, SCHEMA_VERSION)], ids=lambda v: f"v{v}")
    def test_undo_restores_exactly_the_state_before(self, tmp_path: Path, version: int) -> None:
        path = fixture_db(tmp_path, version) if version else tmp_path / "progress.db"
        with open_store(path, T0) as store:
            recorded(store, "typed:gan", GOOD, T0)
            before = dump(path)
            second = recorded(store, "typed:gan", AGAIN, T0 + timedelta(days=3))
            new_card = recorded(store, "typed:vae", GOOD, T0 + timedelta(days=3))
            assert store.undo(new_card.review_id) is None  # never answered before: gone
            restored = store.undo(second.review_id)
            assert restored is not None and restored.reps == 1
            assert dump(path) == before
            with pytest.raises(StoreError):
                store.undo(second.review_id)  # undone already

    def test_undo_refused_when_the_card_was_answered_since(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        with open_store(path, T0) as store, open_store(path, T0) as other:
            mine = recorded(store, "typed:gan", GOOD, T0)
            recorded(other, "typed:gan", AGAIN, T0 + timedelta(minutes=1))
            before = dump(path)
            with pytest.raises(StoreError, match="answered again since"):
                store.undo(mine.review_id)
            assert dump(path) == before

    def test_undo_is_one_transaction(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.db"
        with open_store(path, T0) as store:
            recorded(store, "typed:gan", GOOD, T0)
            last = recorded(store, "typed:gan", AGAIN, T0 + timedelta(days=3))
            before = dump(path)
            conn = sqlite3.connect(path)
            conn.execute(
                "CREATE TRIGGER no_delete BEFORE DELETE ON reviews "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
            conn.commit()
            conn.close()
            with pytest.raises(StoreError, match="refused"):
                store.undo(last.review_id)
            assert dump(path) == before  # the card was not restored without its review going


class TestSessions:
    """Sessions record their planned cards and how they stopped."""

    def test_resumable_only_until_done_or_resumed(self, tmp_path: Path) -> None:
        with open_store(tmp_path / "progress.db", T0) as store:
            assert store.last_session(resumable=True) is None
            first = store.start_session(T0, ["typed:gan", "typed:vae"])
            recorded(store, "typed:gan", GOOD, T0, session=first)
            store.end_session(first, T0, "quit")
            found = store.last_session(resumable=True)
            assert found is not None and found.planned == ("typed:gan", "typed:vae")
            assert [r.card_id for r in store.session_reviews(first)] == ["typed:gan"]
            store.mark_resumed(first)
            assert store.last_session(resumable=True) is None
            second = store.start_session(T0, ["typed:vae"])
            store.end_session(second, T0, "done")
            assert store.last_session(resumable=True) is None
            last = store.last_session()
            assert last is not None and last.id == second and last.stopped == "done"
