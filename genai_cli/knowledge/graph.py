"""The concept map: terms as nodes, their see_also and prerequisites links as edges.

Pure functions over the model. Rendering (a tree, DOT, Mermaid) is elsewhere; this
module only chooses the nodes and edges, for the whole knowledge base or around one
term up to a depth.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from genai_cli.knowledge.model import KnowledgeBase, Term

EdgeKind = Literal["see_also", "prerequisite"]


@dataclass(frozen=True)
class Edge:
    """``source`` links to ``target``: see_also, or ``target`` is to be learnt first."""

    source: str
    target: str
    kind: EdgeKind


@dataclass(frozen=True)
class ConceptMap:
    """Terms (in knowledge-base order) and the links between them; ``root`` if centred."""

    terms: tuple[Term, ...]
    edges: tuple[Edge, ...]
    root: str | None = None

    def out_of(self, slug: str) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.source == slug)


def _edges_of(term: Term, slugs: set[str]) -> list[Edge]:
    edges = [Edge(term.slug, s, "prerequisite") for s in term.prerequisites if s in slugs]
    seen = {e.target for e in edges}
    edges += [Edge(term.slug, s, "see_also") for s in term.see_also if s in slugs and s not in seen]
    return edges


def concept_map(kb: KnowledgeBase, root: Term | None = None, depth: int = 2) -> ConceptMap:
    """Every term and link, or those within ``depth`` links of ``root`` (either direction)."""
    slugs = {t.slug for t in kb.terms}
    every = [e for t in kb.terms for e in _edges_of(t, slugs)]
    if root is None:
        return ConceptMap(kb.terms, tuple(every))
    neighbours: dict[str, set[str]] = {}
    for edge in every:
        neighbours.setdefault(edge.source, set()).add(edge.target)
        neighbours.setdefault(edge.target, set()).add(edge.source)
    distance = {root.slug: 0}
    queue = deque([root.slug])
    while queue:
        slug = queue.popleft()
        if distance[slug] == depth:
            continue
        for other in sorted(neighbours.get(slug, ())):
            if other not in distance:
                distance[other] = distance[slug] + 1
                queue.append(other)
    terms = tuple(t for t in kb.terms if t.slug in distance)
    edges = tuple(e for e in every if e.source in distance and e.target in distance)
    return ConceptMap(terms, edges, root.slug)
