"""Running a command without Typer: the error boundary, output, and the knowledge base.

cli.py (the Typer app) and the fast path in entry.py share these, so a lookup prints
the same output, messages and exit codes whichever way it was started.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from genai_cli.errors import ExitCode, GenaiError, NotFoundError
from genai_cli.knowledge.records import forbid_storing
from genai_cli.knowledge.yamlsafe import clean

if TYPE_CHECKING:
    from genai_cli.knowledge.decks import Found
    from genai_cli.knowledge.loader import Loaded
    from genai_cli.knowledge.model import KnowledgeBase
    from genai_cli.reference.lookup import Found as Searched
    from genai_cli.reference.termlookup import TermLookup


def one_line(text: str) -> str:
    """``text`` cleaned of control characters, with its line breaks turned into spaces."""
    return " ".join(clean(text).split("\n"))


def terminal_width(stream: Any) -> int | None:
    """The width of the terminal ``stream`` writes to, or None when it is not one."""
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return None


def wrap_for(text: str, width: int | None, indent: int) -> str:
    """``text`` broken at spaces to ``width`` (continuation lines indented), never mid-word.

    A message is one line for a pipe or a log; only on a terminal is it wrapped here,
    where the terminal would otherwise cut it inside a word.
    """
    if width is None or len(text) <= width:
        return text
    import textwrap

    return "\n".join(
        textwrap.wrap(
            text,
            width=max(width, indent + 20),
            subsequent_indent=" " * indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def colour(stream: Any) -> bool:
    return terminal_width(stream) is not None and not os.environ.get("NO_COLOR")


_STYLES = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m"}


def tell(message: str, *, level: str = "error") -> None:
    """Write ``genai: message`` on stderr: one line, wrapped at spaces only on a terminal.

    On a terminal (and without NO_COLOR) the ``genai:`` of an error is red, the
    ``warning:`` of a warning yellow.

    Best effort: a message that cannot be written (stderr closed, a full disk, a reader
    gone) is dropped, and never changes what the command does or its exit code.
    """
    try:
        stream = sys.stderr
        text = wrap_for(f"genai: {one_line(message)}", terminal_width(stream), len("genai: "))
        if colour(stream):
            head = "genai: warning:" if level == "warning" else "genai:"
            text = text.replace(head, f"{_STYLES[level]}{head}\x1b[0m", 1)
        stream.write(text + "\n")
        stream.flush()
    except (OSError, ValueError, AttributeError):
        pass


def fail(message: str, code: int) -> int:
    """Tell ``message``; return ``code``."""
    tell(message)
    return code


def warn(message: str) -> None:
    tell(f"warning: {message}", level="warning")


def did_you_mean(suggestions: Sequence[str]) -> str:
    if not suggestions:
        return ""
    if len(suggestions) == 1:
        return f"; did you mean {suggestions[0]}?"
    return f"; did you mean {', '.join(suggestions[:-1])} or {suggestions[-1]}?"


def run(action: Callable[[], object], passthrough: tuple[type[BaseException], ...] = ()) -> int:
    """The one error boundary: run ``action``, turn what it raises into a line and a code.

    Exceptions of the ``passthrough`` types (the CLI framework's own exits) propagate.
    """
    try:
        action()
    except passthrough:
        raise
    except NotFoundError as exc:
        hint = f"; {exc.hint}" if exc.hint else ""
        return fail(exc.message + did_you_mean(exc.suggestions) + hint, exc.exit_code)
    except GenaiError as exc:
        return fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`genai terms | head`): stop quietly, as Unix tools do.
        forbid_storing()  # what was written is not the whole output: never replay it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        forbid_storing()  # an internal error may not happen next time: never replay it
        if os.environ.get("GENAI_DEBUG"):
            raise
        return fail(
            f"internal error: {type(exc).__name__}: {exc} (GENAI_DEBUG=1 shows the traceback)",
            ExitCode.RUNTIME,
        )
    return ExitCode.OK


# Set by `genai --no-pager`; GENAI_PAGER=cat does the same.
paging = {"enabled": True}

DEFAULT_PAGER = "less -FRX"


def pager_command() -> list[str] | None:
    """The pager to use, as git chooses: $GENAI_PAGER, else $PAGER, else ``less -FRX``.

    None when paging is off: ``--no-pager``, an empty value or ``cat``.
    """
    import shlex

    if not paging["enabled"]:
        return None
    for name in ("GENAI_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            words = shlex.split(value)
            return None if not words or words == ["cat"] else words
    return shlex.split(DEFAULT_PAGER)


def page(text: str, command: Sequence[str]) -> bool:
    """Send ``text`` through the pager ``command``; False if it cannot be started."""
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git does: quit if one screen, keep colours
    try:
        process = subprocess.Popen(list(command), stdin=subprocess.PIPE, env=env, text=True)
    except OSError:
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text)
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager early
    process.wait()
    return True


def show(renderable: Any, *, paged: bool = True) -> None:
    """Print ``renderable``; through a pager when stdout is a terminal it would overflow.

    ``paged=False`` (see :func:`show_now`) prints it straight away, whatever its height.
    """
    from genai_cli.views.console import make_console

    console = make_console()
    command = pager_command() if paged and sys.stdout.isatty() else None
    if command is None:
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    text = captured.get()
    if text.count("\n") < console.height:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    forbid_storing()  # the pager shows it, not stdout: never replay what was recorded
    if not page(text, command):
        sys.stdout.write(text)
        sys.stdout.flush()


def show_now(renderable: Any) -> None:
    """Print ``renderable`` straight away, never through the pager.

    For what an interactive session (quiz, learn, interview) shows between its prompts: a
    pager there would take the screen over in the middle of the session, and a question
    taller than the screen would wait behind ``less`` instead of being answered.
    """
    show(renderable, paged=False)


def _utf(stream: Any) -> bool:
    # as entry.utf (which runs before anything is imported; runner must not import entry)
    return str(getattr(stream, "encoding", "") or "").lower().replace("_", "-").startswith("utf")


def print_json(data: Any) -> None:
    import json

    # Outside UTF-8, \u escapes keep the JSON exact (and valid UTF-8) whatever the encoding.
    text = json.dumps(data, ensure_ascii=not _utf(sys.stdout), indent=2)
    sys.stdout.write(text + "\n")


def loaded(deck_options: Sequence[str] = (), *, warn_user: bool = True) -> tuple[Loaded, Found]:
    """Bundled data plus every deck; a deck that cannot be used is one warning, then skipped."""
    from genai_cli.knowledge.decks import discover
    from genai_cli.knowledge.loader import load_knowledge

    found = discover(deck_options)
    result = load_knowledge(found.files)
    if warn_user:
        for message in (*found.problems, *result.warnings):
            warn(message)
    return result, found


def knowledge(deck_options: Sequence[str] = ()) -> KnowledgeBase:
    return loaded(deck_options)[0].kb


def _term_lookup(deck_options: Sequence[str]) -> TermLookup:
    """The term lookup record for the bundled data and every deck, its warnings told."""
    from genai_cli.knowledge.decks import discover
    from genai_cli.reference.termlookup import load_term_lookup

    found = discover(deck_options)
    lookup = load_term_lookup(found.files)
    for message in (*found.problems, *lookup.warnings):
        warn(message)
    return lookup


def term(name: str, *, as_json: bool, deck_options: Sequence[str] = ()) -> None:
    """`genai term NAME`: one term in full, or as JSON.

    Reads the term lookup record (genai_cli.reference.termlookup), not the whole knowledge base:
    the same answer, without decoding every entry of a large deck.
    """
    lookup = _term_lookup(deck_options)
    from genai_cli.reference.lookup import next_step_on_miss

    # The deck warnings were told above, from the lookup record: not a second time.
    with next_step_on_miss(lambda: loaded(deck_options, warn_user=False)[0].kb, name, "term"):
        entry = lookup.index().resolve(name)
    if as_json:
        from genai_cli.knowledge.serialize import entry_to_json

        print_json(entry_to_json(entry))
        return
    from genai_cli.views.entries import term_panel

    show(term_panel(entry, lookup.context(entry)))


def search(text: str, limit: int, deck_options: Sequence[str] = ()) -> Searched:
    """`genai search`: reference.lookup.forgiving_search over everything, through the lookup
    record's inverted index (genai_cli.reference.termlookup): only candidates are decoded."""
    return _term_lookup(deck_options).forgiving(text, limit)
