"""`genai graph`: the concept map as a tree, DOT (parsed by pydot) and Mermaid (a grammar check)."""

from __future__ import annotations

import re
import shutil

import pydot
import pytest

from genai_cli.formats.graph import mermaid_id
from genai_cli.knowledge.graph import concept_map
from genai_cli.knowledge.loader import load_bundled
from tests.conftest import Invoke

# One statement per line after the header: a node, an edge, or a style line.
_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_LABEL = r'"[^"]*"'
MERMAID_LINE = re.compile(
    rf"^  (?:{_ID}\[{_LABEL}\]"
    rf"|{_ID} (?:-->|==>\|[^|]+\|) {_ID}"
    rf"|style {_ID} [a-z-]+:[^\s,]+(?:,[a-z-]+:[^\s,]+)*)$"
)


def check_mermaid(text: str) -> tuple[set[str], list[tuple[str, str, str]]]:
    """The nodes and edges of a flowchart; AssertionError on any line that is not valid."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    nodes: set[str] = set()
    edges: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        assert MERMAID_LINE.match(line), line
        node = re.match(rf"^  ({_ID})\[", line)
        if node:
            assert node.group(1) not in nodes, f"node declared twice: {line}"
            nodes.add(node.group(1))
            continue
        edge = re.match(rf"^  ({_ID}) (-->|==>\|[^|]+\|) ({_ID})$", line)
        if edge:
            edges.append((edge.group(1), edge.group(2), edge.group(3)))
    for start, _arrow, end in edges:
        assert start in nodes and end in nodes, (start, end)
    return nodes, edges


class TestMermaid:
    """`--format mermaid` is a valid flowchart with prerequisite edges drawn thick."""

    def test_latent_space(self, cli: Invoke) -> None:
        result = cli("graph", "latent-space", "--format", "mermaid")
        assert result.exit_code == 0
        nodes, edges = check_mermaid(result.stdout)
        assert mermaid_id("latent-space") in nodes
        arrows = {arrow for _s, arrow, _e in edges}
        assert "-->" in arrows
        assert any(a.startswith("==>") for a in arrows)
        assert "style t_latent_space" in result.stdout

    def test_checker_can_fail(self) -> None:
        with pytest.raises(AssertionError):
            check_mermaid("flowchart LR\n  a --> b\n")  # undeclared nodes
        with pytest.raises(AssertionError):
            check_mermaid('flowchart LR\n  a["x"]\n  a -> a\n')  # not an arrow

    def test_quotes_in_names_are_escaped(self) -> None:
        from genai_cli.formats.graph import to_mermaid
        from genai_cli.knowledge.graph import ConceptMap
        from genai_cli.knowledge.model import Term

        term = Term(slug="q", name='A "quoted" name', definition="d")
        check_mermaid(to_mermaid(ConceptMap((term,), ())))


class TestDot:
    """`--format dot` parses as one digraph with every term and link."""

    def test_whole_knowledge_base(self, cli: Invoke) -> None:
        result = cli("graph", "--format", "dot")
        assert result.exit_code == 0
        (graph,) = pydot.graph_from_dot_data(result.stdout)
        assert graph.get_type() == "digraph"
        kb = load_bundled()
        expected = concept_map(kb)
        names = {n.get_name().strip('"') for n in graph.get_nodes()} - {"node"}
        assert names == {t.slug for t in kb.terms}
        edges = graph.get_edges()
        assert len(edges) == len(expected.edges)
        bold = [e for e in edges if e.get("style") == "bold"]
        assert len(bold) == sum(1 for e in expected.edges if e.kind == "prerequisite") > 0
        assert all(e.get("label") == '"learn first"' for e in bold)

    def test_around_a_term_with_depth(self, cli: Invoke) -> None:
        one = pydot.graph_from_dot_data(cli("graph", "latent-space", "-d", "1", "-f", "dot").stdout)
        two = pydot.graph_from_dot_data(cli("graph", "latent-space", "-f", "dot").stdout)
        assert 1 < len(one[0].get_nodes()) < len(two[0].get_nodes())


class TestText:
    """`--format text` (the default) is a tree in the terminal."""

    def test_tree(self, cli: Invoke) -> None:
        result = cli("graph", "latent-space", env={"COLUMNS": "80"})
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert lines[0] == "Latent Space"
        assert any(line.startswith("├── ") for line in lines)
        assert "learn first: Latent Space ↑" in result.stdout

    def test_unknown_term_has_a_next_step(self, cli: Invoke) -> None:
        result = cli("graph", "latnt-space")
        assert result.exit_code == 1
        assert "did you mean latent-space?" in result.stderr

    def test_bad_format(self, cli: Invoke) -> None:
        result = cli("graph", "--format", "png")
        assert result.exit_code == 2
        assert "text, dot, mermaid, svg" in result.stderr


class TestSvg:
    """`--format svg` draws with Graphviz's dot when present; else one line, exit 1."""

    def test_svg(self, cli: Invoke) -> None:
        result = cli("graph", "latent-space", "--format", "svg")
        if shutil.which("dot"):
            assert result.exit_code == 0
            assert "<svg" in result.stdout
        else:
            assert result.exit_code == 1
            assert result.stdout == ""
            assert result.stderr.count("\n") == 1
            assert "Graphviz's dot program" in result.stderr
