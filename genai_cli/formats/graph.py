"""The concept map as text other tools read: Graphviz DOT, Mermaid, and SVG via Graphviz.

Prerequisite edges are drawn differently from see_also ones: bold, labelled "learn
first", pointing from what to learn first to the term that needs it.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from genai_cli.errors import GenaiError
from genai_cli.knowledge.graph import ConceptMap, Edge

FORMATS = ("text", "dot", "mermaid", "svg")


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _arrow(edge: Edge) -> tuple[str, str]:
    """(from, to) as drawn: a prerequisite points from what to learn first."""
    if edge.kind == "prerequisite":
        return edge.target, edge.source
    return edge.source, edge.target


def to_dot(graph: ConceptMap) -> str:
    """A ``digraph``: one node per term (its name as label), see_also plain, prerequisites bold."""
    lines = [
        "digraph genai {",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
    ]
    for term in graph.terms:
        extra = ", penwidth=2" if term.slug == graph.root else ""
        lines.append(f"  {_dot_string(term.slug)} [label={_dot_string(term.name)}{extra}];")
    for edge in graph.edges:
        start, end = _arrow(edge)
        style = (
            ' [style=bold, color="#b35900", label="learn first"]'
            if edge.kind == "prerequisite"
            else " [color=gray40]"
        )
        lines.append(f"  {_dot_string(start)} -> {_dot_string(end)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid_id(slug: str) -> str:
    """A Mermaid node id: letters, digits and underscores only."""
    return "t_" + re.sub(r"[^0-9A-Za-z]", "_", slug)


def _mermaid_label(text: str) -> str:
    return '"' + text.replace('"', "#quot;").replace("\n", " ") + '"'


def to_mermaid(graph: ConceptMap) -> str:
    """A ``flowchart LR``: see_also as ``-->``, prerequisites as thick ``==>`` "learn first"."""
    lines = ["flowchart LR"]
    for term in graph.terms:
        lines.append(f"  {mermaid_id(term.slug)}[{_mermaid_label(term.name)}]")
    for edge in graph.edges:
        start, end = (mermaid_id(s) for s in _arrow(edge))
        arrow = "==>|learn first|" if edge.kind == "prerequisite" else "-->"
        lines.append(f"  {start} {arrow} {end}")
    if graph.root is not None:
        lines.append(f"  style {mermaid_id(graph.root)} stroke-width:3px")
    return "\n".join(lines) + "\n"


class GraphvizMissing(GenaiError):
    """SVG needs the Graphviz ``dot`` program."""


def to_svg(graph: ConceptMap) -> str:
    """The DOT laid out by Graphviz's ``dot`` program; one clear error when it is not there."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(
            "--format svg needs Graphviz's dot program, which is not installed;"
            " --format dot or --format mermaid print a map other tools can draw"
        )
    done = subprocess.run(
        [program, "-Tsvg"], input=to_dot(graph), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise GenaiError(f"dot failed: {done.stderr.strip() or done.returncode}")
    return done.stdout
