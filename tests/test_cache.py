"""The parsed-data cache: fresh when sources change, harmless when broken, right at scale."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from genai_cli.knowledge import records as disk
from genai_cli.knowledge.codec import NOWHERE, KnowledgeCodec
from genai_cli.knowledge.loader import (
    data_files,
    load_bundled,
    load_files,
    load_files_cached,
    load_knowledge,
    parse_file,
)
from genai_cli.knowledge.model import KnowledgeBase, Point
from genai_cli.paths import bundled_data_dir, cache_dir
from genai_cli.reference.lookup import search, term_index

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import gendeck  # noqa: E402


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "genai-cache"
    monkeypatch.setenv("GENAI_CACHE_DIR", str(directory))
    return directory


def _records(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.rec"))


def _deck(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


DECK = """terms:
  - slug: cached-term
    name: Cached Term
    definition: First wording.
"""


class TestCacheDirectory:
    """GENAI_CACHE_DIR wins; otherwise the platform's user cache directory."""

    def test_env_override(self, cache_home: Path) -> None:
        assert cache_dir() == cache_home

    def test_default_is_platformdirs(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from platformdirs import user_cache_path

        monkeypatch.delenv("GENAI_CACHE_DIR", raising=False)
        assert cache_dir() == user_cache_path("genai", appauthor=False)


class TestRoundTrip:
    """A warm load gives exactly what a cold one gave."""

    def test_points_of_contrasts_and_questions_both_survive(self) -> None:
        """A contrast's points are Point rows, a question's are text: the codec keeps both."""
        bundled = load_bundled()
        kb = KnowledgeBase(contrasts=bundled.contrasts[:1], questions=bundled.questions[:1])
        codec = KnowledgeCodec()
        back = codec.decode(codec.encode(kb), NOWHERE)
        assert back == kb
        assert isinstance(back.contrasts[0].points[0], Point)
        assert all(isinstance(p, str) for p in back.questions[0].points)

    def test_bundled_warm_equals_cold(self, cache_home: Path) -> None:
        cold = load_bundled()
        assert _records(cache_home), "the cold run wrote no cache"
        warm = load_bundled()
        assert warm is not cold
        assert warm == cold
        assert list(warm.entries()) == list(cold.entries())
        for a, b in zip(warm.entries(), cold.entries(), strict=True):
            assert (a.path, a.line, a.deck, a.source) == (b.path, b.line, b.deck, b.source)
        assert warm.algorithms[0].complexity == cold.algorithms[0].complexity
        assert dict(warm.name_keys("terms")) == dict(cold.name_keys("terms"))
        # the index entries are the knowledge base's own objects, not copies
        latent = term_index(warm).resolve("Latent Space")
        assert warm.get("latent-space") is latent

    def test_warm_run_reads_no_yaml(
        self, cache_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        load_bundled()

        def fail(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("YAML parsed on a warm run")

        monkeypatch.setattr("genai_cli.knowledge.loader.parse_text", fail)
        assert load_bundled().get("latent-space") is not None

    def test_parse_file_warm_equals_cold(self, cache_home: Path, tmp_path: Path) -> None:
        path = _deck(tmp_path, DECK + "  - slug: broken\n    name: No Definition\n")
        cold = parse_file(path, "mine")
        warm = parse_file(path, "mine")
        assert warm == cold
        assert warm.entries[0].deck == "mine"
        assert warm.problems and "missing field 'definition'" in warm.problems[0]


class TestStaleness:
    """Any change to a source, or a different source list, rebuilds."""

    def test_edited_file_is_reread(self, cache_home: Path, tmp_path: Path) -> None:
        path = _deck(tmp_path, DECK)
        files = [*data_files(bundled_data_dir()), path]
        assert load_files_cached(files).get("cached-term").definition == "First wording."  # type: ignore[union-attr]
        stat = path.stat()
        path.write_text(DECK.replace("First", "Second"), encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: size differs
        assert load_files_cached(files).get("cached-term").definition == "Second wording."  # type: ignore[union-attr]
        path.write_text(DECK.replace("First", "Fifth"), encoding="utf-8")  # same size
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        assert load_files_cached(files).get("cached-term").definition == "Fifth wording."  # type: ignore[union-attr]

    def test_schema_version_is_part_of_the_key(
        self, cache_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        load_bundled()
        monkeypatch.setattr(disk, "SCHEMA_VERSION", disk.SCHEMA_VERSION + 1)
        calls = []
        real = load_files
        monkeypatch.setattr(
            "genai_cli.knowledge.loader.load_files", lambda paths: calls.append(1) or real(paths)
        )
        load_bundled()
        assert calls == [1]

    def test_python_version_is_part_of_the_key(
        self, cache_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        load_bundled()
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
        calls = []
        real = load_files
        monkeypatch.setattr(
            "genai_cli.knowledge.loader.load_files", lambda paths: calls.append(1) or real(paths)
        )
        load_bundled()
        assert calls == [1]

    def test_errors_are_not_cached(self, cache_home: Path, tmp_path: Path) -> None:
        from genai_cli.errors import DataError

        path = _deck(tmp_path, DECK.replace("definition: First wording.", "definition: no"))
        for _ in range(2):
            with pytest.raises(DataError, match=r"deck\.yaml:4"):
                load_files_cached([path])


class TestBrokenCache:
    """Garbage, truncation and an unwritable directory are cache misses, never errors."""

    @pytest.mark.parametrize(
        "damage",
        [
            lambda data: b"garbage" * 100,
            lambda data: data[: len(data) // 2],
            lambda data: data[:5],
            lambda data: b"",
            lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]),
            lambda data: data[:20] + b"\x00" * 64 + data[84:],
        ],
        ids=["garbage", "truncated", "header-only", "empty", "last-byte", "zeroed"],
    )
    def test_damaged_records_are_rebuilt(self, cache_home: Path, damage: object) -> None:
        expected = load_bundled()
        records = _records(cache_home)
        assert records
        for record in records:
            record.write_bytes(damage(record.read_bytes()))  # type: ignore[operator]
        assert load_bundled() == expected
        # and the rebuilt records are sound again
        assert all(r.read_bytes().startswith(disk._MAGIC) for r in _records(cache_home))
        assert load_bundled() == expected

    def test_unreadable_record_is_ignored(self, cache_home: Path) -> None:
        expected = load_bundled()
        for record in _records(cache_home):
            record.unlink()
            record.mkdir()  # reading a directory fails with an OSError
        assert load_bundled() == expected

    def test_unwritable_cache_dir_still_works(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        blocker = tmp_path / "a-file"
        blocker.write_text("not a directory")
        monkeypatch.setenv("GENAI_CACHE_DIR", str(blocker / "cache"))
        assert load_bundled().get("latent-space") is not None
        assert load_bundled().get("latent-space") is not None

    def test_cli_with_broken_cache(self, cli: object, cache_home: Path) -> None:
        load_bundled()
        for record in _records(cache_home):
            record.write_bytes(b"\x80\x05garbage")
        result = cli("term", "latent-space")  # type: ignore[operator]
        assert result.exit_code == 0
        assert result.stderr == ""
        assert "Latent Space" in result.stdout


class TestAtomicWrite:
    """A record appears whole or not at all: written to a temporary file, then renamed."""

    def test_no_temporary_files_left(self, cache_home: Path) -> None:
        load_bundled()
        leftovers = [p for p in cache_home.rglob("*") if p.name.endswith(".tmp")]
        assert leftovers == []

    def test_rename_is_used(self, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        renamed: list[tuple[str, str]] = []
        real = os.replace

        def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
            renamed.append((str(src), str(dst)))
            real(src, dst)

        monkeypatch.setattr(disk.os, "replace", spy)
        load_bundled()
        assert renamed
        assert all(src.endswith(".tmp") and dst.endswith(".rec") for src, dst in renamed)


class TestGeneratedDeck:
    """A generated two-file deck: valid, with the same lookups and search hits cold and warm."""

    def test_lookups_cold_and_warm(self, cache_home: Path, tmp_path: Path) -> None:
        path = tmp_path / "big-deck"
        probes = gendeck.write_deck(path, 1_200)
        files = sorted(path.glob("part-*.yaml"))
        assert len(files) == 2  # links cross files, as a large deck's do
        results = []
        for _run in ("cold", "warm"):
            loaded = load_knowledge(files)
            assert loaded.warnings == ()
            kb = loaded.kb
            index = term_index(kb)
            assert len(kb.terms) == 1_200 + len(load_bundled().terms)
            assert index.resolve(probes["last"]).slug == probes["last"]
            assert index.resolve(probes["alias"]).slug == probes["alias_slug"]
            assert index.resolve("latent space").slug == "latent-space"
            hits = search(kb, "attention", limit=20)
            results.append([(h.entry.slug, h.score, h.field) for h in hits])
        assert results[0] == results[1]
        assert len(results[0]) == 20

    def test_deck_is_valid_and_unique(self, tmp_path: Path) -> None:
        path = tmp_path / "big-deck"
        gendeck.write_deck(path, 300)
        (part,) = sorted(path.glob("part-*.yaml"))
        parsed = parse_file(part)
        assert parsed.problems == ()
        assert len(parsed.entries) == 300
        load_files([*data_files(bundled_data_dir()), part])  # cross-check: no collisions
