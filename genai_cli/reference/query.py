"""Selections over the knowledge base that several commands share."""

from __future__ import annotations

from genai_cli.errors import NotFoundError, UsageError
from genai_cli.knowledge.model import ORIGINS, KnowledgeBase, Term
from genai_cli.knowledge.names import normalize
from genai_cli.knowledge.yamlsafe import quoted


def filter_terms(
    kb: KnowledgeBase, *, tag: str | None = None, origin: str | None = None
) -> tuple[Term, ...]:
    """Terms with ``tag`` (folded like names) and from ``origin``; an unknown tag is not found."""
    terms = kb.terms
    if origin is not None:
        if origin not in ORIGINS:
            raise UsageError(f"--origin must be one of {', '.join(ORIGINS)}, not {quoted(origin)}")
        terms = tuple(t for t in terms if t.origin == origin)
    if tag is not None:
        wanted = normalize(tag)
        terms = tuple(t for t in terms if any(normalize(x) == wanted for x in t.tags))
        if not terms:
            known = sorted({x for t in kb.terms for x in t.tags})
            raise NotFoundError(f"no term has the tag {quoted(tag)} (tags: {', '.join(known)})")
    return terms
