"""The lookup path imports only what it uses (a subprocess, so the test sees a cold start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "questionary",
    "prompt_toolkit",
    "fsrs",
    "genanki",
    "pydantic",
    "sqlite3",
    "pexpect",
    "csv",
    "zipfile",
)

_PROBE = """
import json, sys
sys.argv = ["genai", *{args!r}]
from genai_cli.entry import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES=" + json.dumps(sorted(sys.modules)))
"""


def _modules(*args: str, env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return set(json.loads(proc.stderr.rsplit("MODULES=", 1)[1]))


class TestLazyImports:
    """No prompt toolkit, scheduler, exporter or pydantic behind a lookup."""

    @pytest.mark.parametrize(
        "args",
        [
            ("term", "latent-space"),
            ("terms",),
            ("search", "attention"),
            ("term", "latnt-space"),
            ("compare", "gan", "vae"),
            ("compare", "--all", "--json"),
            ("algorithms",),
            ("myths",),
            ("concepts",),
            ("apps",),
            ("quote", "--all"),
            ("poem", "canvas"),
            (),
            ("--deck", "missing.yaml", "term", "latent-space"),
            ("decks",),
            ("validate",),
        ],
    )
    def test_lookup_path_stays_light(self, args: tuple[str, ...]) -> None:
        loaded = _modules(*args)
        heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
        assert heavy == []
        assert "genai_cli.entry" in loaded  # the probe really ran the program
        assert "genai_cli.formats.export" not in loaded

    def test_term_of_the_day_without_progress_stays_light(self) -> None:
        loaded = _modules("today")
        assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []
        assert "genai_cli.study.stats" in loaded

    # `today` with progress estimates recall for its pick, so it may load the scheduler.
    @pytest.mark.parametrize(
        ("args", "allowed"), [((), ()), (("today",), ("fsrs",))], ids=["bare", "today"]
    )
    def test_due_line_with_progress_needs_only_the_store(
        self, args: tuple[str, ...], allowed: tuple[str, ...], isolated: Path
    ) -> None:
        from datetime import datetime, timezone

        from genai_cli.study.scheduler import CardState
        from genai_cli.study.store import ReviewRecord, open_store

        at = datetime(2026, 12, 1, tzinfo=timezone.utc)
        with open_store(isolated / "progress.db", at) as store:
            state = CardState("typed:softmax", 2, None, 1.0, 5.0, at, at, 1, 0)
            store.record(
                state.card_id, lambda _old: state, ReviewRecord(state.card_id, at, 3, True)
            )
        loaded = _modules(*args)
        assert "genai_cli.study.store" in loaded  # the due count was really read
        prompts = ("questionary", "prompt_toolkit", "fsrs", "genanki", "pexpect", "pydantic")
        found = {m.split(".")[0] for m in loaded}
        assert sorted(found & set(prompts) - set(allowed)) == []

    def test_stats_loads_no_prompt_library(self) -> None:
        loaded = _modules("stats", "--json")
        prompts = ("questionary", "prompt_toolkit", "genanki", "pexpect", "pydantic")
        assert sorted(m for m in loaded if m.split(".")[0] in prompts) == []
        assert "genai_cli.study.store" in loaded


class TestFastPath:
    """`genai term NAME [--json]` runs without Typer; anything else still gets Typer."""

    @pytest.mark.parametrize(
        "args", [("term", "latent-space"), ("term", "latnt-space"), ("term", "gan", "--json")]
    )
    def test_term_does_not_import_typer(self, args: tuple[str, ...]) -> None:
        loaded = _modules(*args)
        assert "genai_cli.runner" in loaded
        assert sorted(m for m in loaded if m.split(".")[0] in ("typer", "click")) == []

    @pytest.mark.parametrize("args", [("term", "--help"), ("--deck", "x.yaml", "term", "gan")])
    def test_other_shapes_go_through_typer(self, args: tuple[str, ...]) -> None:
        assert "genai_cli.cli" in _modules(*args)


class TestWarmCacheImports:
    """Once the parsed-data cache is warm, a lookup does not even import the YAML library."""

    @pytest.mark.parametrize(
        "args", [("term", "latent-space"), ("search", "attention"), ("term", "latnt-space")]
    )
    def test_no_yaml_when_warm(self, args: tuple[str, ...], tmp_path: Path) -> None:
        # GENAI_NO_REPLAY: the data cache alone, not the replay of the whole output
        env = {**os.environ, "GENAI_CACHE_DIR": str(tmp_path / "cache"), "GENAI_NO_REPLAY": "1"}
        cold = _modules(*args, env=env)
        assert "yaml" in cold  # the first run parses the bundled data
        warm = _modules(*args, env=env)
        assert "genai_cli.runner" in warm
        assert sorted(m for m in warm if m.split(".")[0] in ("yaml", "_yaml")) == []
        assert sorted(m for m in warm if m.split(".")[0] in HEAVY) == []


class TestReplayImports:
    """A replayed command (entry.py) imports none of genai's model, Rich, Typer or YAML,
    nor typing, pathlib or platformdirs: it reads one record and stats its sources."""

    @pytest.mark.parametrize(
        "args", [("term", "latent-space"), ("search", "attention"), ("terms",), ("--help",)]
    )
    def test_replay_is_light(self, args: tuple[str, ...], tmp_path: Path) -> None:
        env = {**os.environ, "GENAI_CACHE_DIR": str(tmp_path / "cache")}
        _modules(*args, env=env)
        replay = _modules(*args, env=env)
        ours = sorted(m for m in replay if m.startswith("genai_cli"))
        assert ours == [
            "genai_cli",
            "genai_cli.entry",
            "genai_cli.knowledge",
            "genai_cli.knowledge.records",
        ]
        heavy = (
            "rich",
            "typer",
            "click",
            "yaml",
            "pathlib",
            "platformdirs",
            "typing",
            "json.encoder",
        )
        assert sorted(m for m in replay if m.split(".")[0] in heavy and m in heavy) == []
