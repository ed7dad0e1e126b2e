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
