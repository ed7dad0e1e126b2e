"""Long output goes through a pager on a terminal, as git does; never when piped."""

from __future__ import annotations

import io
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


class TestInteractiveSessions:
    """quiz, learn and interview show things between prompts: never through the pager.

    A question taller than the screen must be answered where it is, not wait behind
    `less` in the middle of a session.
    """

    def test_show_now_never_pages(self, monkeypatch: pytest.MonkeyPatch) -> None:
        paged: list[str] = []
        monkeypatch.setattr(runner, "page", lambda text, command: paged.append(text) or True)
        monkeypatch.setattr(runner, "pager_command", lambda: ["less"])
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        tall = "\n".join(f"line {n}" for n in range(500))
        runner.show_now(tall)
        assert paged == []
        runner.show(tall)  # the same text through show is paged: the test can fail
        assert len(paged) == 1

    @pytest.mark.slow
    @pytest.mark.parametrize(
        ("args", "typed", "done"),
        [
            (
                ["quiz", "--plain", "--mode", "typed", "--topic", "terms", "-n", "2"],
                ["no idea", "no idea"],
                "0/2 right",
            ),
            (["learn", "perplexity", "--plain", "--mode", "typed"], ["x", "x", "x"], "0/3 right"),
            (["interview", "--plain", "-n", "1"], ["attention", "", "3"], "Score: 1 of 1"),
        ],
        ids=["quiz", "learn", "interview"],
    )
    def test_sessions_print_straight_to_the_terminal(
        self, term_env: dict[str, str], args: list[str], typed: list[str], done: str
    ) -> None:
        # Eight rows: every question, card and model answer is taller than the screen.
        child = pexpect.spawn(
            sys.executable,
            ["-m", "genai_cli", *args, "--seed", "7"],
            env={**term_env, "GENAI_PAGER": MARK},
            dimensions=(8, 60),
            encoding="utf-8",
            timeout=30,
        )
        seen = io.StringIO()
        child.logfile_read = seen
        try:
            for line in typed:
                child.sendline(line)
            child.expect_exact(done)
            child.expect(pexpect.EOF)
        finally:
            child.close()
        out = seen.getvalue()
        assert child.exitstatus == 0, out
        assert "PAGED:" not in out
