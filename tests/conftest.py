"""Shared fixtures: each test gets its own GENAI_HOME and a fixed, colourless terminal."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from genai_cli.cli import app

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).resolve().parent.parent

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True, scope="session")
def interruptible() -> None:
    """Child processes that the tests interrupt must see Ctrl-C.

    A shell starts a background job with SIGINT ignored, and an ignored signal stays
    ignored across exec: run that way, every genai the tests spawn would shrug off
    SIGINT. A handled signal is reset to the default on exec, so handling it here gives
    the children Python's usual KeyboardInterrupt however pytest itself was started.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "genai-home"
    monkeypatch.setenv("GENAI_HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")
    for name in (
        "GENAI_DECKS",
        "FORCE_COLOR",
        "NO_COLOR",
        "GENAI_DEBUG",
        "GENAI_CACHE_DIR",
        "GENAI_NOW",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture
def cli() -> Invoke:
    """Run the app in-process; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


def assert_golden(name: str, text: str) -> None:
    """Compare rendered output with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def flat(text: str) -> str:
    """Rendered text with box edges and line breaks folded to single spaces."""
    return " ".join(text.replace("│", " ").split())
