"""A progress line for the first read of a large deck (100,000 terms: ~15 s)."""

from __future__ import annotations

import sys


class Progress:
    """ "genai: reading decks 37/100" on a terminal's stderr, when reading takes a while.

    Written to the process's real stderr (never part of a command's recorded output),
    only when it is a terminal, only after PROGRESS_AFTER seconds, at most 5 times a second.
    """

    PROGRESS_AFTER = 0.5

    def __init__(self, total: int) -> None:
        import time

        self.total = total
        self.clock = time.monotonic
        self.started = self.last = self.clock()
        self.shown = False

    def show(self, done: int) -> None:
        now = self.clock()
        if now - self.started < self.PROGRESS_AFTER or now - self.last < 0.2:
            return
        stream = sys.__stderr__
        if stream is None or not stream.isatty():
            return
        self.last = now
        self.shown = True
        stream.write(f"\rgenai: reading decks {done}/{self.total} (only after a change)")
        stream.flush()

    def done(self) -> None:
        if self.shown and sys.__stderr__ is not None:
            sys.__stderr__.write("\r\x1b[K")
            sys.__stderr__.flush()
