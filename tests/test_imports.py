"""The lookup path imports only what it uses (a subprocess, so the test sees a cold start)."""

from __future__ import annotations

import json
import subprocess
import sys

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
from genai_cli.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES=" + json.dumps(sorted(sys.modules)))
"""


def _modules(*args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        check=True,
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
            ("--deck", "missing.yaml", "term", "latent-space"),
            ("decks",),
            ("validate",),
        ],
    )
    def test_lookup_path_stays_light(self, args: tuple[str, ...]) -> None:
        loaded = _modules(*args)
        heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
        assert heavy == []
        assert "genai_cli.cli" in loaded  # the probe really ran the program
        assert "genai_cli.export" not in loaded
