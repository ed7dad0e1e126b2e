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
    from genai_cli.reference.lookup import Hit


def one_line(text: str) -> str:
    """``text`` cleaned of control characters, with its line breaks turned into spaces."""
    return " ".join(clean(text).split("\n"))


def tell(message: str) -> None:
    """Write ``genai: message`` on stderr as one line, whatever the message holds."""
    sys.stderr.write(f"genai: {one_line(message)}\n")
    sys.stderr.flush()


def fail(message: str, code: int) -> int:
    """Tell ``message``; return ``code``."""
    tell(message)
    return code


def warn(message: str) -> None:
    tell(f"warning: {message}")


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
        return fail(exc.message + did_you_mean(exc.suggestions), exc.exit_code)
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


def show(renderable: Any) -> None:
    from genai_cli.views.console import make_console

    make_console().print(renderable)


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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


def term(name: str, *, as_json: bool, deck_options: Sequence[str] = ()) -> None:
    """`genai term NAME`: one term in full, or as JSON.

    Reads the term lookup record (genai_cli.reference.termlookup), not the whole knowledge base:
    the same answer, without decoding every entry of a large deck.
    """
    from genai_cli.knowledge.decks import discover
    from genai_cli.reference.termlookup import load_term_lookup

    found = discover(deck_options)
    lookup = load_term_lookup(found.files)
    for message in (*found.problems, *lookup.warnings):
        warn(message)
    entry = lookup.index().resolve(name)
    if as_json:
        from genai_cli.knowledge.serialize import entry_to_json

        print_json(entry_to_json(entry))
        return
    from genai_cli.views.entries import term_panel

    show(term_panel(entry, lookup.context(entry)))


def search(text: str, limit: int, deck_options: Sequence[str] = ()) -> list[Hit]:
    """`genai search`: reference.lookup.search over everything, through the lookup record's
    inverted index (genai_cli.reference.termlookup): only candidate entries are decoded."""
    from genai_cli.knowledge.decks import discover
    from genai_cli.reference.termlookup import load_term_lookup

    found = discover(deck_options)
    lookup = load_term_lookup(found.files)
    for message in (*found.problems, *lookup.warnings):
        warn(message)
    return lookup.search(text, limit)
