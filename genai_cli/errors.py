"""Typed errors: library code raises these, only the CLI turns them into messages."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, one place for all of them."""

    OK = 0
    NOT_FOUND = 1
    RUNTIME = 1
    USAGE = 2
    DATA = 2
    INTERRUPTED = 130


class GenaiError(Exception):
    """Base of every error the CLI reports as one line on stderr."""

    exit_code: ExitCode = ExitCode.RUNTIME

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(GenaiError):
    """A name, title or number that matches nothing."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, suggestions: tuple[str, ...] = (), hint: str = "") -> None:
        super().__init__(message)
        self.suggestions = suggestions
        self.hint = hint  # the next step when nothing is close: a search, a list command


class UsageError(GenaiError):
    """The command line asks for something that cannot be done."""

    exit_code = ExitCode.USAGE


class DataError(GenaiError):
    """A data file or deck is malformed; message is `file:line: what is wrong`."""

    exit_code = ExitCode.DATA

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


class StoreError(GenaiError):
    """The progress database cannot be used."""

    exit_code = ExitCode.RUNTIME


class Interrupted(GenaiError):
    """The user pressed Ctrl-C."""

    exit_code = ExitCode.INTERRUPTED


class OutputError(GenaiError):
    """A file cannot be written: it exists (and --force was not given) or the path is unusable."""

    exit_code = ExitCode.RUNTIME
