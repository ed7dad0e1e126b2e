"""Ordinary large decks load: one file of 10,000 or 50,000 terms, and any JSON export
(red-team M11; issue 16). The caps refuse what is dangerous, not what is big."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from genai_cli.knowledge.loader import parse_file
from tests.conftest import ROOT, Invoke

sys.path.insert(0, str(ROOT / "benchmarks"))
import gendeck


@pytest.fixture(scope="module")
def one_file_10k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    directory = tmp_path_factory.mktemp("deck10k")
    probes = gendeck.write_deck(directory, 10_000, per_file=10_000)
    (path,) = directory.glob("*.yaml")
    return path, probes


def test_a_10000_term_deck_in_one_file_loads(
    cli: Invoke, one_file_10k: tuple[Path, dict[str, str]]
) -> None:
    path, probes = one_file_10k
    assert path.stat().st_size > 4_000_000  # well past the old 1 MiB cap
    result = cli("--deck", str(path), "term", probes["last"], "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["slug"] == probes["last"]


def test_the_json_export_of_it_is_a_deck(
    cli: Invoke, one_file_10k: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, probes = one_file_10k
    out = tmp_path / "all.json"
    assert (
        cli("--deck", str(path), "export", "--format", "json", "--output", str(out)).exit_code == 0
    )
    assert out.stat().st_size > 6_000_000
    parsed = parse_file(out, "all")
    assert parsed.problems == ()
    assert len(parsed.entries) > 10_000
    result = cli("--deck", str(out), "term", probes["alias"], "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["slug"] == probes["alias_slug"]


def test_a_50000_term_deck_in_one_file_loads(tmp_path: Path) -> None:
    gendeck.write_deck(tmp_path, 50_000, per_file=50_000)
    (path,) = tmp_path.glob("*.yaml")
    parsed = parse_file(path, "big")
    assert parsed.problems == ()
    assert len(parsed.entries) == 50_000
