"""Long output goes through a pager on a terminal, as git does; never when piped."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from genai_cli import runner
from tests.conftest import Invoke

MARK = "sed -e s/^/PAGED:/"


def _run(args: list[str], env: dict[str, str], rows: int = 30) -> str:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "genai_cli", *args],
        env=env,
        dimensions=(rows, 100),
        encoding="utf-8",
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


@pytest.fixture
def term_env(isolated: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "PAGER", "GENAI_PAGER")}
    env["NO_COLOR"] = "1"
    return env


class TestChoice:
    """$GENAI_PAGER, else $PAGER, else less -FRX; cat or --no-pager turn it off."""

    def test_order(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("GENAI_PAGER", raising=False)
        monkeypatch.delenv("PAGER", raising=False)
        assert runner.pager_command() == ["less", "-FRX"]
        monkeypatch.setenv("PAGER", "more")
        assert runner.pager_command() == ["more"]
        monkeypatch.setenv("GENAI_PAGER", "most -s")
        assert runner.pager_command() == ["most", "-s"]
        monkeypatch.setenv("GENAI_PAGER", "cat")
        assert runner.pager_command() is None
        monkeypatch.setenv("GENAI_PAGER", "")
        assert runner.pager_command() is None


@pytest.mark.slow
class TestOnATerminal:
    """In a real pseudo-terminal, only output taller than the screen is paged."""

    def test_long_output_is_paged(self, term_env: dict[str, str]) -> None:
        out = _run(["terms"], {**term_env, "GENAI_PAGER": MARK})
        lines = [line for line in out.replace("\r", "").splitlines() if line.strip()]
        assert len(lines) > 30 and all(line.startswith("PAGED:") for line in lines)

    def test_pager_env_is_the_fallback(self, term_env: dict[str, str]) -> None:
        assert "PAGED:" in _run(["myths"], {**term_env, "PAGER": MARK})

    def test_short_output_is_not_paged(self, term_env: dict[str, str]) -> None:
        assert "PAGED:" not in _run(["term", "gan"], {**term_env, "GENAI_PAGER": MARK}, rows=40)

    @pytest.mark.parametrize(
        ("args", "extra"),
        [(["--no-pager", "terms"], {"GENAI_PAGER": MARK}), (["terms"], {"GENAI_PAGER": "cat"})],
    )
    def test_turned_off(
        self, term_env: dict[str, str], args: list[str], extra: dict[str, str]
    ) -> None:
        out = _run(args, {**term_env, **extra})
        assert "PAGED:" not in out and "Latent Space" in out

    def test_missing_pager_prints_directly(self, term_env: dict[str, str]) -> None:
        out = _run(["terms"], {**term_env, "GENAI_PAGER": "no-such-pager-here"})
        assert "Latent Space" in out


class TestPiped:
    """Never a pager when stdout is not a terminal."""

    def test_piped(self, cli: Invoke) -> None:
        result = cli("terms", env={"GENAI_PAGER": MARK})
        assert "PAGED:" not in result.stdout
