"""The first read of a large deck shows its progress on a terminal, and only there."""

from __future__ import annotations

import io
import sys

import pytest

from genai_cli.knowledge import progress


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, tty: bool) -> None:
    stream = FakeTerminal(tty)
    monkeypatch.setattr(sys, "__stderr__", stream)
    ticks = iter([0.0, 0.1, 1.0, 1.1, 2.0])
    monkeypatch.setattr(progress.Progress, "PROGRESS_AFTER", 0.5)
    monkeypatch.setattr("time.monotonic", lambda: next(ticks))
    shown = progress.Progress(100)
    for done in (1, 50, 99, 100):
        shown.show(done)
    shown.done()
    text = stream.getvalue()
    if tty:
        assert "genai: reading decks 50/100" in text and text.endswith("\r\x1b[K")
        assert "1/100" not in text  # nothing in the first half second
    else:
        assert text == ""
