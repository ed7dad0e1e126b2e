"""`genai graph`: the concept map of terms and their links."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from genai_cli.cli.app import app, guarded, knowledge, show
from genai_cli.cli.lookup import complete_term
from genai_cli.errors import UsageError

FORMAT_CHOICES = ("text", "dot", "mermaid", "svg")


def complete_format(incomplete: str) -> list[str]:
    return [f for f in FORMAT_CHOICES if f.startswith(incomplete)]


@app.command("graph")
@guarded
def graph_command(
    name: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[TERM...]",
            help="Centre the map on this term; none for every term.",
            autocompletion=complete_term,
            show_default=False,
        ),
    ] = None,
    depth: Annotated[
        int,
        typer.Option("--depth", "-d", min=1, metavar="N", help="Links to follow from TERM."),
    ] = 2,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="text|dot|mermaid|svg",
            help="A tree here, or a map for Graphviz or Mermaid, or an SVG picture.",
            autocompletion=complete_format,
        ),
    ] = "text",
) -> None:
    """A concept map of terms and their links: see also, and what to learn first."""
    from genai_cli.knowledge.graph import concept_map
    from genai_cli.reference.lookup import next_step_on_miss, term_index

    if fmt not in FORMAT_CHOICES:
        raise UsageError(f"--format must be one of {', '.join(FORMAT_CHOICES)}, not {fmt!r}")
    kb = knowledge()
    root = None
    if name:
        wanted = " ".join(name)
        with next_step_on_miss(kb, wanted, "term"):
            root = term_index(kb).resolve(wanted)
    graph = concept_map(kb, root, depth if root else 10**6)
    if fmt == "text":
        from genai_cli.views.graph import concept_tree

        show(concept_tree(graph, depth))
        return
    from genai_cli.formats import graph as formats

    writer = {"dot": formats.to_dot, "mermaid": formats.to_mermaid, "svg": formats.to_svg}[fmt]
    sys.stdout.write(writer(graph))
