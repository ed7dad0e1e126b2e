"""The cache never serves stale data, never caches a read error, never runs code,
and is shared across working directories (red-team H2, H3, M7, M10)."""

from __future__ import annotations

import errno
import json
import os
import pickle
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genai_cli.knowledge import cache, codec, loader, records
from genai_cli.knowledge.loader import load_knowledge, parse_file, validate

DECK = """terms:
  - slug: fact-one
    name: Fact One
    definition: The answer is 42.
"""


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "genai-cache"
    monkeypatch.setenv("GENAI_CACHE_DIR", str(directory))
    monkeypatch.setattr(records, "_pruned", set())
    return directory


def _deck(tmp_path: Path, text: str = DECK) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    path = decks / "d.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _definition(path: Path) -> str:
    term = load_knowledge([path]).kb.get("fact-one")
    return getattr(term, "definition", "")


def _old(path: Path) -> None:
    """Give ``path`` a timestamp of 2020, as `touch -d`, `cp -p` or `tar x` would."""
    os.utime(path, (1577836800, 1577836800))


class TestNeverStale:
    """H2: a change the size and mtime do not show is still seen."""

    def test_same_size_same_mtime_edit(self, cache_home: Path, tmp_path: Path) -> None:
        path = _deck(tmp_path)
        _old(path)
        assert _definition(path) == "The answer is 42."
        path.write_text(DECK.replace("42", "41"), encoding="utf-8")
        _old(path)  # mtime and size as before: only the ctime (and content) changed
        assert _definition(path) == "The answer is 41."

    def test_same_tick_edit_on_a_coarse_clock(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A filesystem with 1-second timestamps: an edit within the same second changes
        # neither mtime nor ctime. The file was racy when cached, so its digest decides.
        path = _deck(tmp_path)
        frozen = records.stamp(str(path))
        monkeypatch.setattr(records, "stamp", lambda p: frozen if p == str(path) else None)
        assert _definition(path) == "The answer is 42."
        path.write_text(DECK.replace("42", "41"), encoding="utf-8")
        assert _definition(path) == "The answer is 41."

    def test_digests_are_dropped_once_the_stamp_is_old(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = _deck(tmp_path)  # just written: racy, so its digest is recorded

        def digests() -> list[object]:
            header = cache.read_record(str(_assembled_record(cache_home)))[0]  # type: ignore[index]
            return [w[2] for w in header["sources"] if w[0] == str(path.resolve())]

        assert _definition(path) == "The answer is 42."
        assert digests() != [None]
        monkeypatch.setattr(records, "RACY_NS", 0)  # as if three seconds had passed
        assert _definition(path) == "The answer is 42."  # checked, then the record settled
        assert digests() == [None]
        path.write_text(DECK.replace("42", "41"), encoding="utf-8")  # a new stamp
        assert _definition(path) == "The answer is 41."

    def test_validate_reads_the_file_itself(self, cache_home: Path, tmp_path: Path) -> None:
        path = _deck(tmp_path)
        _old(path)
        assert validate([path]).problems == ()
        path.write_text(
            DECK.replace(": The answer is 42.", ": [The answer is 4."), encoding="utf-8"
        )
        _old(path)
        assert any("YAML syntax" in p for p in validate([path]).problems)


class TestReadErrorsNotCached:
    """H3: a file that could not be read once is read again next time."""

    def test_permission_error_is_forgotten(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = _deck(tmp_path)
        real = loader._read_bounded

        def denied(p: Path) -> bytes:
            if p == path:
                raise PermissionError(errno.EACCES, "Permission denied")
            return real(p)

        monkeypatch.setattr(loader, "_read_bounded", denied)
        first = load_knowledge([path])
        assert any("Permission denied" in w for w in first.warnings)
        monkeypatch.setattr(loader, "_read_bounded", real)  # chmod fixed it; stat unchanged
        second = load_knowledge([path])
        assert second.warnings == ()
        assert second.kb.get("fact-one") is not None
        assert parse_file(path).problems == ()


def _assembled_record(cache_home: Path) -> Path:
    (record,) = (cache_home / f"v{cache.SCHEMA_VERSION}" / "assembled").glob("*.rec")
    return record


class Boom:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"echo PWNED > {os.environ['PWNED_AT']}",))


@pytest.fixture
def no_hang() -> Iterator[None]:
    def expire(*_: object) -> None:
        raise TimeoutError("genai hung on a planted record")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


class TestNeverCode:
    """M7: records are data; a planted record is a miss, never run, never read forever."""

    def _planted(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> tuple[Path, Path, Path]:
        path = _deck(tmp_path)
        _old(path)
        load_knowledge([path])
        record = _assembled_record(cache_home)
        flag = tmp_path / "pwned.txt"
        monkeypatch.setenv("PWNED_AT", str(flag))
        return path, record, flag

    def test_pickle_payload_with_a_valid_header_is_not_run(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path, record, flag = self._planted(cache_home, tmp_path, monkeypatch)
        found = cache.read_record(str(record))
        assert found is not None
        cache.write_record(str(record), found[0], pickle.dumps(Boom()))
        assert _definition(path) == "The answer is 42."
        assert not flag.exists()

    def test_json_with_wrong_types_is_a_miss(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path, record, _flag = self._planted(cache_home, tmp_path, monkeypatch)
        header, body = cache.read_record(str(record))  # type: ignore[misc]
        text = bytes(body).replace(b'"The answer is 42."', b'["not", "text"]')
        cache.write_record(str(record), header, text)
        assert _definition(path) == "The answer is 42."

    @pytest.mark.parametrize("plant", ["fifo", "dev-zero", "symlink", "other-owner"])
    def test_planted_files_are_not_read(
        self,
        cache_home: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        no_hang: None,
        plant: str,
    ) -> None:
        path, record, _flag = self._planted(cache_home, tmp_path, monkeypatch)
        good = record.read_bytes()
        record.unlink()
        if plant == "fifo":
            os.mkfifo(record)
        elif plant == "dev-zero":
            record.symlink_to("/dev/zero")
        elif plant == "symlink":
            elsewhere = tmp_path / "elsewhere.rec"
            elsewhere.write_bytes(good.replace(b"42", b"43"))
            record.symlink_to(elsewhere)
        else:
            if os.geteuid() != 0:
                pytest.skip("only root can give a file to another user")
            record.write_bytes(good.replace(b"42", b"43"))
            os.chown(record, 65534, 65534)
        assert cache.read_record(str(record)) is None
        assert _definition(path) == "The answer is 42."

    def test_directories_are_private(self, cache_home: Path, tmp_path: Path) -> None:
        load_knowledge([_deck(tmp_path)])
        for directory in (cache_home / f"v{cache.SCHEMA_VERSION}").rglob("*"):
            if directory.is_dir():
                assert stat.S_IMODE(directory.stat().st_mode) == 0o700
            else:
                assert stat.S_IMODE(directory.stat().st_mode) == 0o600

    def test_a_directory_others_can_write_is_not_used(
        self, cache_home: Path, tmp_path: Path
    ) -> None:
        versioned = cache_home / f"v{cache.SCHEMA_VERSION}"
        versioned.mkdir(parents=True)
        versioned.chmod(0o777)
        load_knowledge([_deck(tmp_path)])
        assert not list(versioned.rglob("*.rec"))


class TestSharedAcrossDirectories:
    """M10: one set of records whatever the working directory, shown paths as from there."""

    def test_another_cwd_parses_nothing(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = _deck(tmp_path)
        monkeypatch.chdir(tmp_path)
        first = load_knowledge([path])
        assert first.kb.get("fact-one").path == "decks/d.yaml"  # type: ignore[union-attr]
        records = sorted(cache_home.rglob("*.rec"))

        def fail(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("parsed again from another directory")

        monkeypatch.setattr(loader, "parse_text", fail)
        monkeypatch.setattr(loader, "cross_check", fail)
        monkeypatch.chdir(tmp_path / "decks")
        again = load_knowledge([path])
        entry = again.kb.get("fact-one")
        assert entry is not None and entry.path == "d.yaml" and entry.deck == "d.yaml"
        assert sorted(cache_home.rglob("*.rec")) == records

    def test_warnings_are_shown_from_here(
        self, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = _deck(tmp_path, DECK + "    see_also: [nowhere]\n")
        monkeypatch.chdir(tmp_path)
        assert load_knowledge([path]).warnings[0].startswith("decks/d.yaml:2:")
        monkeypatch.chdir(tmp_path / "decks")
        assert load_knowledge([path]).warnings[0].startswith("d.yaml:2:")

    def test_dead_records_are_pruned(self, cache_home: Path, tmp_path: Path) -> None:
        path = _deck(tmp_path)
        load_knowledge([path])
        gone = tmp_path / "decks" / "gone.yaml"
        gone.write_text(DECK.replace("fact-one", "fact-two"), encoding="utf-8")
        load_knowledge([path, gone])
        assert len(list(cache_home.rglob("assembled/*.rec"))) == 2
        gone.unlink()
        records._pruned.clear()  # a new process
        path.write_text(DECK.replace("42", "43"), encoding="utf-8")
        load_knowledge([path])
        # both older records named a file that changed or is gone: nothing refers to them
        assert len(list(cache_home.rglob("assembled/*.rec"))) == 1
        assert len(list(cache_home.rglob("files/*.rec"))) == len(loader._bundled_files()) + 1

    def test_old_schemas_are_removed(self, cache_home: Path, tmp_path: Path) -> None:
        old = cache_home / "v3" / "assembled"
        old.mkdir(parents=True)
        (old / "x.bin").write_bytes(b"old pickle")
        load_knowledge([_deck(tmp_path)])
        assert not (cache_home / "v3").exists()


def test_every_model_field_has_a_checked_codec() -> None:
    """A kind added to the model with a new field type must say how the cache reads it."""
    from genai_cli.knowledge.model import KINDS

    for cls in KINDS.values():
        assert len(codec._plan(cls).names) == len(codec.field_names(cls))


def test_python_version_in_the_key_is_public() -> None:
    assert records._version()[2] == sys.version


def test_the_new_kinds_are_checked_field_by_field() -> None:
    """Contrasts (Point rows), questions (text points), cloze and more_precisely: a
    stored value of the wrong shape is a miss, never an entry holding it."""
    from genai_cli.knowledge.loader import load_bundled
    from genai_cli.knowledge.model import Point

    kb = load_bundled()
    for entry in (kb.contrasts[0], kb.questions[0], kb.cloze[0], kb.terms[0]):
        cls = type(entry)
        names = codec.field_names(cls)
        row = codec.encode_row(entry)
        back = codec.decode_row(cls, names, json.loads(json.dumps(row)))
        assert back == entry
        for name in ("points", "text", "more_precisely", "between"):
            if name not in names:
                continue
            for bad in (3, [[1, ["a"]]], [["aspect", "not a list"]], {"a": 1}, None):
                tampered = json.loads(json.dumps(row))
                tampered[names.index(name)] = bad
                with pytest.raises(codec.BadRecord):
                    codec.decode_row(cls, names, tampered)
    assert isinstance(
        codec.decode_row(
            type(kb.contrasts[0]),
            codec.field_names(type(kb.contrasts[0])),
            json.loads(json.dumps(codec.encode_row(kb.contrasts[0]))),
        ).points[0],
        Point,
    )  # type: ignore[attr-defined]


def test_a_parsed_deck_keeps_its_broken_entries() -> None:
    from genai_cli.knowledge.schema import parse_text

    text = "terms:\n  - slug: ok\n    name: Ok\n    definition: x.\n  - slug: Bad\n    name: B\n"
    parsed = parse_text(text, "d.yaml", "d")
    assert parsed.broken and not parsed.whole_file
    back = codec.ParsedCodec().decode(codec.ParsedCodec().encode(parsed), codec.NOWHERE)
    assert back == parsed and back.broken == parsed.broken and not back.whole_file
    data = json.loads(codec.ParsedCodec().encode(parsed))
    data[3] = [[1]]
    with pytest.raises(codec.BadRecord):
        codec.ParsedCodec().decode(json.dumps(data).encode(), codec.NOWHERE)
