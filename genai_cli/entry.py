"""The `genai` program: the most used lookup runs at once, everything else goes to Typer.

Importing Typer and building its app costs ~35 ms of a lookup's ~110 ms (see
docs/performance.md). `genai term NAME [--json]` is what people type dozens of times a
day, so that exact shape runs through runner.term without Typer; any other argument
list (options, help, completion, other commands) is handed to the Typer app in cli.py,
which calls the same runner.term. tests/test_entry.py checks the two agree.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def fast_path(argv: Sequence[str]) -> int | None:
    """The exit code of `term NAME... [--json]` run directly, or None if Typer must parse argv.

    The words of an unquoted name are joined with spaces, as the Typer command does.
    """
    if os.environ.get("_GENAI_COMPLETE") or not argv or argv[0] != "term":
        return None
    names = [a for a in argv[1:] if not a.startswith("-")]
    flags = [a for a in argv[1:] if a.startswith("-")]
    if not names or flags not in ([], ["--json"]):
        return None
    from genai_cli import runner

    return runner.run(lambda: runner.term(" ".join(names), as_json=bool(flags)))


def main() -> None:
    """Console-script entry point."""
    from genai_cli import runner

    if not runner.claim_stdio():
        sys.exit(runner.fail("standard output is closed; nothing was done", 1))
    try:
        code = fast_path(sys.argv[1:])
        if code is None:
            from genai_cli.cli import main as typer_main

            typer_main()
            return
    except KeyboardInterrupt:
        sys.stderr.write("genai: interrupted\n")
        code = 130
    sys.exit(code)
