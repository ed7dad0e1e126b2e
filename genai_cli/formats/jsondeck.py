"""JSON export: the data-file schema, so the file is itself a valid deck."""

from __future__ import annotations

import json
from collections.abc import Sequence

from genai_cli.knowledge.model import KnowledgeBase
from genai_cli.knowledge.serialize import entry_to_data


def to_json(kb: KnowledgeBase, kinds: Sequence[str]) -> str:
    """The data-file schema: one key per kind, so the file is itself a valid deck."""
    data = {kind: [entry_to_data(e) for e in kb.of_kind(kind)] for kind in kinds}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # YAML refuses these two non-characters written raw (a deck may hold them, escaped).
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def deck_limits_exceeded(text: str) -> str | None:
    """Why genai would not load ``text`` back as a deck (too large), or None.

    The export is meant to be itself a valid deck; past the loader's limits it is not, so
    the exporter warns instead of leaving that to the first ``--deck`` that skips it.
    """
    from genai_cli.knowledge import yamlsafe

    size = len(text.encode("utf-8"))
    if size > yamlsafe.MAX_BYTES:
        limit = yamlsafe.MAX_BYTES / (1024 * 1024)
        return f"it is {size / (1024 * 1024):.1f} MiB, more than the {limit:g} MiB of a deck"
    values = _count_values(json.loads(text))
    if values > yamlsafe.MAX_NODES:
        return f"it holds {values} values, more than the {yamlsafe.MAX_NODES} of a deck"
    return None


def _count_values(data: object) -> int:
    """Values as the deck reader counts them: each scalar, list and mapping (keys included)."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count
