"""Progress for every command that shows it: the store, study settings, the due line.

Apart from ``app`` so that bare `genai` (in ``app``) and the study commands share it
without importing each other.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from genai_cli import runner
from genai_cli.errors import UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from genai_cli.knowledge.model import KnowledgeBase

LEECH_SETTING = "GENAI_LEECH_THRESHOLD"
NEW_PER_DAY_SETTING = "GENAI_NEW_PER_DAY"


def setting(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole-number setting from the environment, else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise UsageError(f"{name} must be at least {minimum}, not {value}")
    return value


def leech_threshold(option: int | None = None) -> int:
    """``--leech-threshold``, else GENAI_LEECH_THRESHOLD, else 8 (Anki's default)."""
    from genai_cli.study.selection import LEECH_THRESHOLD

    return option if option is not None else setting(LEECH_SETTING, LEECH_THRESHOLD, minimum=1)


def due_footer(kb: KnowledgeBase, now: datetime) -> Any:
    """``12 cards due · genai quiz --due`` for bare `genai` and `today`; None without
    progress (and then no database is opened, nor sqlite3 imported)."""
    from genai_cli.paths import progress_db

    if not progress_db().exists():
        return None
    with progress_store(now) as store:
        states = store.cards()
    return due_line(kb, states, now)


def due_line(kb: KnowledgeBase, states: dict[str, Any], now: datetime) -> Any:
    from genai_cli.study.selection import due_summary
    from genai_cli.views.stats import due_line as render_due_line

    exists = {e.slug for e in kb.entries()}
    due, first = due_summary(states, now, exists=exists, leech_threshold=leech_threshold())
    return render_due_line(due, first, now)


def progress_store(now: Any) -> Any:
    """The progress database; a corrupt one moved aside is reported on stderr."""
    from genai_cli.study.store import default_path, open_store

    store = open_store(default_path(), now)
    for notice in store.notices:
        runner.tell(notice)
    return store
