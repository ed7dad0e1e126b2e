"""The concept map as a tree in the terminal."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from genai_cli.knowledge.graph import ConceptMap
from genai_cli.knowledge.model import Term
from genai_cli.views.entries import ACCENT, DIM


def _label(term: Term, kind: str | None) -> Text:
    text = Text()
    if kind == "prerequisite":
        text.append("learn first: ", style=ACCENT)
    text.append(term.name, style="bold" if kind is None else "")
    return text


def concept_tree(graph: ConceptMap, depth: int) -> RenderableType:
    """Each root with its links below it, to ``depth``; a term met before is not expanded."""
    by_slug = {t.slug: t for t in graph.terms}
    roots = [by_slug[graph.root]] if graph.root else _roots(graph)
    shown: set[str] = set()
    trees: list[RenderableType] = []

    def grow(node: Tree, slug: str, level: int) -> None:
        if level >= depth:
            return
        for edge in graph.out_of(slug):
            child = by_slug[edge.target]
            label = _label(child, edge.kind)
            if edge.target in shown:
                label.append(" ↑", style=DIM)
                node.add(label)
                continue
            shown.add(edge.target)
            grow(node.add(label), edge.target, level + 1)

    for root in roots:
        if root.slug in shown:
            continue
        shown.add(root.slug)
        tree = Tree(_label(root, None), guide_style=DIM)
        grow(tree, root.slug, 0)
        trees.append(tree)
    note = Text(
        "learn first: a prerequisite · ↑ shown above · --format dot|mermaid|svg for a picture",
        style=DIM,
    )
    return Group(*trees, Text(""), note)


def _roots(graph: ConceptMap) -> list[Term]:
    """Terms nothing links to first, then any left, each in knowledge-base order."""
    targets = {e.target for e in graph.edges}
    first = [t for t in graph.terms if t.slug not in targets]
    rest = [t for t in graph.terms if t not in first]
    return sorted(first, key=lambda t: t.name.casefold()) + rest
