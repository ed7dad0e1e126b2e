"""Faults in progress.db: read-only, removed, replaced, truncated, not a file, foreign rows.

The red-team findings M4, M5, M6, M13 and L12 (../shared/reviews/redteam.md); each test is
named after the finding it pins. The rule they keep: an answer is acknowledged only once it
is stored, a fault is one clear line, and a database genai did not write is never migrated.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import pytest

from genai_cli.errors import StoreError
from genai_cli.study.questions import GOOD
from genai_cli.study.scheduler import review
from genai_cli.study.store import ReviewRecord, Store, open_store
from tests.conftest import ROOT, Invoke

FIXTURES = ROOT / "tests" / "fixtures" / "progress"
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def answer(store: Store, card: str) -> None:
    store.record(
        card,
        partial(review, card_id=card, rating=GOOD, now=T0, fuzz=False),
        ReviewRecord(card, T0, GOOD, True, answer="x"),
    )


def made(home: Path, cards: int = 2) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "progress.db"
    with open_store(path, T0) as store:
        for n in range(cards):
            answer(store, f"typed:card-{n}")
    return path


def reviews(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        count: int = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        return count
    finally:
        conn.close()


def genai(home: Path, *args: str, stdin: str = "", timeout: float = 60) -> tuple[int, str, str]:
    """genai in a child process; as root, without the capabilities that ignore file modes."""
    env = {**os.environ, "GENAI_HOME": str(home), "COLUMNS": "100"}
    env.pop("GENAI_DEBUG", None)
    command = [sys.executable, "-m", "genai_cli", *args]
    if os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", "--", *command]
    proc = subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )
    return proc.returncode, proc.stdout, proc.stderr


needs_setpriv = pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None, reason="root without setpriv"
)


class TestM4ReadOnly:
    """A read-only database is one clear line before the first question; nothing is lost."""

    @needs_setpriv
    def test_m4_quiz_refuses_before_asking(self, isolated: Path) -> None:
        path = made(isolated)
        path.chmod(0o444)
        code, out, err = genai(
            isolated, "quiz", "--plain", "--mode", "choice", "-n", "2", stdin="2\n2\n"
        )
        assert code == 1
        assert "Question" not in out
        assert err.startswith("genai: ") and "cannot be written" in err
        assert "internal" not in err and len(err.splitlines()) == 1
        assert reviews(path) == 2

    @needs_setpriv
    def test_m4_reset_refuses_before_the_backup(self, isolated: Path) -> None:
        path = made(isolated)
        path.chmod(0o444)
        code, _out, err = genai(isolated, "stats", "--reset", "--yes")
        assert code == 1 and "cannot be written" in err and "internal" not in err
        assert sorted(p.name for p in isolated.iterdir() if "backup" in p.name) == []
        assert reviews(path) == 2

    @needs_setpriv
    def test_m4_stats_still_reads(self, isolated: Path) -> None:
        path = made(isolated)
        path.chmod(0o444)
        code, out, err = genai(isolated, "stats", "--json")
        assert code == 0, err
        assert '"reviews": 2' in out

    def test_m4_write_errors_inside_a_transaction_are_store_errors(self, isolated: Path) -> None:
        path = made(isolated)
        with open_store(path, T0) as store:
            store._conn.execute("PRAGMA query_only = 1")  # every write now fails
            with pytest.raises(StoreError, match="cannot be written"):
                store.check_writable()
            with pytest.raises(StoreError, match="readonly"):
                answer(store, "typed:card-9")
        assert reviews(path) == 2


class TestM5MidQuiz:
    """Removed, replaced or truncated while open: the next answer is refused, not lost."""

    @pytest.mark.parametrize("fault", ["removed", "replaced", "foreign", "truncated", "header"])
    def test_m5_fault_is_detected_at_the_next_answer(self, isolated: Path, fault: str) -> None:
        path = made(isolated, cards=0)
        with open_store(path, T0) as store:
            answer(store, "typed:before")
            if fault == "removed":
                for extra in ("", "-wal", "-shm"):
                    Path(f"{path}{extra}").unlink(missing_ok=True)
            elif fault == "replaced":
                other = made(isolated / "other", cards=1)
                os.replace(other, path)
            elif fault == "foreign":
                conn = sqlite3.connect(isolated / "theirs.db")
                conn.execute("CREATE TABLE notes (x)")
                conn.commit()
                conn.close()
                os.replace(isolated / "theirs.db", path)
            elif fault == "truncated":
                os.truncate(path, 0)
            else:
                with path.open("r+b") as handle:
                    handle.write(os.urandom(100))
            with pytest.raises(StoreError, match="removed, replaced or truncated"):
                answer(store, "typed:after")

    def test_m5_quiz_stops_cleanly(
        self, cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Through the CLI: the quiz says the answer was not saved and stops with exit 1."""
        from genai_cli.study import store as store_module

        made(isolated, cards=0)
        original = store_module.Store.record
        calls = {"n": 0}

        def record_then_remove(self: Store, *args: object, **kwargs: object) -> object:
            calls["n"] += 1
            if calls["n"] == 2:
                self.path.unlink()
            return original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(store_module.Store, "record", record_then_remove)
        result = cli(
            "quiz", "--plain", "--mode", "choice", "-n", "3", "--seed", "1", input="1\n1\n1\n"
        )
        assert result.exit_code == 1
        assert "this answer was not saved" in result.stderr
        assert result.stdout.count("Question") == 2  # the third was never asked


class TestM13NotAFile:
    """A FIFO, directory or device at progress.db is a clear error, never a hang."""

    @pytest.mark.parametrize("kind", ["fifo", "directory"])
    @pytest.mark.parametrize("command", [("stats",), ("today",), ("quiz", "--plain", "-n", "1")])
    def test_m13_not_a_regular_file(
        self, isolated: Path, kind: str, command: tuple[str, ...]
    ) -> None:
        isolated.mkdir(parents=True)
        path = isolated / "progress.db"
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()
        code, _out, err = genai(isolated, *command, timeout=30)
        assert code == 1
        assert "progress.db is not a regular file" in err and "internal" not in err

    def test_m13_symlink_to_a_device(self, isolated: Path) -> None:
        isolated.mkdir(parents=True)
        (isolated / "progress.db").symlink_to("/dev/zero")
        with pytest.raises(StoreError, match="not a regular file"):
            open_store(isolated / "progress.db", T0)


FOREIGN_ROWS = [
    ("UPDATE cards SET due = 'not a date'", 1),
    ("UPDATE cards SET due = 12345", 1),
    ("UPDATE cards SET due = '2020-01-01T00:00:00', last_review = '2020-01-01T00:00:00'", 2),
    ("UPDATE cards SET state = 99", 2),
    ("UPDATE cards SET stability = -1, difficulty = 1e308", 2),
    ("UPDATE cards SET reps = -3", 1),
    ("UPDATE reviews SET reviewed_at = 'yesterday'", 2),
    ("UPDATE reviews SET rating = 7", 2),
]


class TestM6ForeignRows:
    """Rows genai never writes are skipped with one notice, never an internal error."""

    @pytest.mark.parametrize(("sql", "bad"), FOREIGN_ROWS)
    def test_m6_bad_rows_are_skipped(self, cli: Invoke, isolated: Path, sql: str, bad: int) -> None:
        path = made(isolated)
        conn = sqlite3.connect(path)
        where = " WHERE rowid = (SELECT min(rowid) FROM cards)" if "cards" in sql else ""
        conn.execute(sql + where)
        conn.commit()
        conn.close()
        for args in (("stats",), ("stats", "--json"), ("today",)):
            result = cli(*args)
            assert result.exit_code == 0, (args, result.stderr)
            assert "skipped" in result.stderr and "genai did not write" in result.stderr
        quiz = cli("quiz", "--plain", "--mode", "typed", "-n", "3", input="x\nx\nx\n")
        assert quiz.exit_code == 0, quiz.stderr
        assert "internal" not in quiz.stderr
        assert cli("stats", "--reset", "--yes").exit_code == 0

    def test_m6_a_bad_row_is_overwritten_by_the_next_answer(self, isolated: Path) -> None:
        path = made(isolated, cards=1)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE cards SET state = 99")
        conn.commit()
        conn.close()
        with open_store(path, T0) as store:
            assert store.cards() == {}
            answer(store, "typed:card-0")
            assert store.cards()["typed:card-0"].state in (1, 2, 3)


def _foreign_db(path: Path, sql: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    if "user_version = 3" in sql:  # genai's own tables up to version 2, then the rest
        conn.executescript((FIXTURES / "v2.sql").read_text(encoding="utf-8"))
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return path.read_bytes()


FOREIGN_FILES = {
    "negative-version": "CREATE TABLE cards (x); PRAGMA user_version = -1;",
    "own-cards-table": "CREATE TABLE cards (id INTEGER PRIMARY KEY, front TEXT);",
    "unrelated-tables": "CREATE TABLE invoices (id INTEGER, total REAL);",
    "version-2-no-tables": "PRAGMA user_version = 2;",
    "version-1-wrong-columns": "CREATE TABLE cards (a); CREATE TABLE reviews (b);"
    " PRAGMA user_version = 1;",
    # Version 3 (interview answers): genai's v2 tables, but no typed_answers table, or
    # one of someone else's.
    "version-3-no-typed-answers": "PRAGMA user_version = 3;",
    "version-3-own-typed-answers": "CREATE TABLE typed_answers (id INTEGER, body BLOB);"
    " PRAGMA user_version = 3;",
}


class TestM6ForeignFiles:
    """A SQLite file genai did not write is moved aside untouched, never migrated."""

    @pytest.mark.parametrize("name", list(FOREIGN_FILES))
    def test_m6_foreign_database_is_kept_aside(
        self, cli: Invoke, isolated: Path, name: str
    ) -> None:
        path = isolated / "progress.db"
        before = _foreign_db(path, FOREIGN_FILES[name])
        result = cli("stats")
        assert result.exit_code == 0, result.stderr
        assert "is not a genai progress database" in result.stderr
        (aside,) = [p for p in isolated.iterdir() if ".foreign-" in p.name]
        assert aside.read_bytes() == before  # untouched: no tables added, no WAL switch
        assert not Path(f"{aside}-wal").exists()
        assert cli("quiz", "--plain", "-n", "1", input="x\n").exit_code == 0

    @pytest.mark.parametrize("version", [1, 2, 3])
    def test_m6_every_schema_version_genai_wrote_is_its_own(
        self, cli: Invoke, isolated: Path, version: int
    ) -> None:
        """Each migration version's database (the fixtures of test_quiz_store, and one this
        genai writes) is upgraded and read, never reported as foreign."""
        from genai_cli.study.store import SCHEMA_VERSION

        path = isolated / "progress.db"
        if version < SCHEMA_VERSION:
            _foreign_db(path, (FIXTURES / f"v{version}.sql").read_text(encoding="utf-8"))
        else:
            made(isolated)
        result = cli("stats", "--json")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert not [p for p in isolated.iterdir() if ".foreign-" in p.name]
        assert version <= SCHEMA_VERSION == 3  # a new migration: add its fixture and case

    def test_m6_user_version_minus_one_on_our_own_schema(self, cli: Invoke, isolated: Path) -> None:
        path = made(isolated)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = -1")
        conn.commit()
        conn.close()
        result = cli("stats")
        assert result.exit_code == 0 and "not a genai progress database" in result.stderr


class TestL12ConcurrentResets:
    """Resets at the same moment never share a backup name, and no answer falls between."""

    def test_l12_claimed_names_are_unique(self, tmp_path: Path) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from genai_cli.study.storecheck import claim_aside_name

        path = tmp_path / "progress.db"
        with ThreadPoolExecutor(8) as pool:
            names = list(pool.map(lambda _n: claim_aside_name(path, "backup", T0), range(40)))
        assert len(set(names)) == 40

    def test_l12_three_resets_at_once(self, isolated: Path) -> None:
        made(isolated, cards=3)
        env = {**os.environ, "GENAI_HOME": str(isolated), "GENAI_NOW": "2024-03-01T09:00:00Z"}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "genai_cli", "stats", "--reset", "--yes"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outs = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], outs
        backups = sorted(
            p
            for p in isolated.iterdir()
            if ".backup-" in p.name and "-wal" not in p.name and "-shm" not in p.name
        )
        assert len(backups) == 3
        assert sorted(reviews(b) for b in backups) == [0, 0, 3]
