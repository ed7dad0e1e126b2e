"""Rendering algorithms: the side-by-side comparison, the growth chart, the list and one in full."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from genai_cli.knowledge.model import Algorithm, KnowledgeBase
from genai_cli.knowledge.names import normalize
from genai_cli.reference.compare import (
    CAVEAT,
    CHART_STEPS,
    Growth,
    chart_peak,
    clash_sentences,
    doubling_sentence,
    growth,
    letter_clashes,
)
from genai_cli.views.entries import (
    ACCENT,
    DIM,
    LABEL,
    _field_grid,
    _join,
    entry_panel,
    link_text,
    precisely_rows,
    related,
    source_row,
)

BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"
_LABEL_WIDTH = 11  # "Description", the widest aspect label
_MIN_COLUMN = 20  # narrower than this, a column of prose stops being readable


def bar(value: float, peak: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar ``value / peak`` of ``width`` cells long, in eighths of a cell.

    Any positive value shows at least a sliver, so a small cost never looks like none.
    """
    if peak <= 0 or value <= 0:
        return ""
    eighths = max(1, round(min(value, peak) / peak * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def _times(multiple: int) -> str:
    return f"{multiple:,}x"


def _variables(algorithm: Algorithm) -> Text:
    return _join(
        (
            Text(f.symbol, style="bold").append(f" = {f.meaning}", style="")
            for f in algorithm.complexity.factors
        ),
        "\n",
    )


def _growth_cell(algorithm: Algorithm, multiplier: int) -> Text:
    return _join(
        (
            Text(g.symbol, style="bold").append(
                f" ×{multiplier} → {_times(g.times(multiplier))} cost"
            )
            for g in growth(algorithm.complexity)
        ),
        "\n",
    )


def _name_and_slug(algorithm: Algorithm) -> Text:
    """The name, with the slug beneath when the name alone does not give it away."""
    text = Text(algorithm.name, style="bold")
    if normalize(algorithm.slug) != normalize(algorithm.name):
        text.append(f"\n{algorithm.slug}", style=DIM)
    return text


def _aspects(algorithm: Algorithm, kb: KnowledgeBase) -> list[tuple[str, Text]]:
    terms = related(algorithm, kb, "term")
    return [
        ("Description", Text(algorithm.description)),
        ("Complexity", Text(algorithm.complexity.stated, style="bold")),
        ("Variables", _variables(algorithm)),
        ("Doubling", _growth_cell(algorithm, 2)),
        ("Times ten", _growth_cell(algorithm, 10)),
        ("Use case", Text(algorithm.use_case)),
        ("Terms", _join((t.label for t in terms), "\n") if terms else Text("—", style=DIM)),
    ]


def _balanced(items: Sequence[Algorithm], per: int) -> list[Sequence[Algorithm]]:
    """``items`` in consecutive groups of at most ``per``, sizes differing by at most one."""
    count = -(-len(items) // per)
    size, extra = divmod(len(items), count)
    groups, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        groups.append(items[start:end])
        start = end
    return groups


class SideBySide:
    """One column per algorithm, one row per aspect; split into several tables when narrow."""

    def __init__(self, algorithms: Sequence[Algorithm], kb: KnowledgeBase) -> None:
        self.algorithms = tuple(algorithms)
        self.kb = kb

    def table(self, algorithms: Sequence[Algorithm]) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_lines=True, header_style="", padding=(0, 1))
        table.add_column("", style=LABEL, no_wrap=True, vertical="top")
        for algorithm in algorithms:
            table.add_column(
                Text(algorithm.name, style="bold"), overflow="fold", ratio=1, vertical="top"
            )
        rows = [_aspects(a, self.kb) for a in algorithms]
        for i, (label, _) in enumerate(rows[0]):
            table.add_row(label, *(row[i][1] for row in rows))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table | Text]:
        per = max(1, (options.max_width - _LABEL_WIDTH - 2) // (_MIN_COLUMN + 2))
        for i, group in enumerate(_balanced(self.algorithms, per)):
            if i:
                yield Text("")
            yield self.table(group)


def _indent(renderable: RenderableType, cells: int) -> Padding:
    return Padding(renderable, (0, 0, 0, cells))


class Curve:
    """One variable's relative cost at each chart step, as bars no wider than the screen."""

    def __init__(self, g: Growth, peak: int) -> None:
        self.g = g
        self.peak = peak

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table]:
        points = self.g.curve()
        labels = [f"{self.g.symbol} ×{step}" for step, _ in points]
        values = [f" {_times(cost)}" for _, cost in points]
        room = options.max_width - max(map(len, labels)) - max(map(len, values)) - 1
        width = max(1, min(BAR_WIDTH, room))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style=DIM, no_wrap=True)
        grid.add_column(no_wrap=True)
        for label, value, (_, cost) in zip(labels, values, points, strict=True):
            grid.add_row(label, Text(bar(cost, self.peak, width), style=ACCENT).append(value))
        yield grid


def growth_chart(algorithms: Sequence[Algorithm]) -> RenderableType:
    """Relative cost as each variable doubles, the others fixed, one curve per variable.

    All bars share one scale so that the speed of growth can be compared; each is
    relative to its own algorithm's cost at 1x, never to another algorithm's.
    """
    peak = chart_peak(algorithms)
    parts: list[RenderableType] = [
        Text(""),
        Text("How the stated cost grows", style="bold"),
        Text(""),
        Text(
            "Each curve multiplies one variable by "
            + ", ".join(f"{s}" for s in CHART_STEPS)
            + " with the others fixed, and shows the cost relative to that algorithm's"
            " own cost at 1x. " + CAVEAT,
            style="italic",
        ),
    ]
    clashes = clash_sentences(letter_clashes(algorithms))
    if clashes:
        parts.append(Text(""))
        parts.append(Text("The same letter means different things in different rows:", "italic"))
        parts.extend(_indent(Text(line, style="italic"), 2) for line in clashes)
    for algorithm in algorithms:
        parts.append(Text(""))
        head = Text(algorithm.name, style="bold")
        head.append(f"  {algorithm.complexity.stated}", style=ACCENT)
        parts.append(head)
        for g in growth(algorithm.complexity):
            parts.append(_indent(Text(doubling_sentence(algorithm, g)), 2))
            parts.append(_indent(Curve(g, peak), 4))
    return Group(*parts)


def compare_view(algorithms: Sequence[Algorithm], kb: KnowledgeBase) -> RenderableType:
    """The side-by-side table followed by the growth chart."""
    title = Text(f"Comparing {len(algorithms)} algorithms", style="bold")
    return Group(title, SideBySide(algorithms, kb), growth_chart(algorithms))


def algorithms_table(algorithms: Sequence[Algorithm]) -> Table:
    """Every algorithm: name and slug, stated complexity, the first sentence of its use."""
    table = Table(box=box.SIMPLE_HEAD, header_style=LABEL, show_lines=True, expand=True)
    table.add_column("Algorithm", overflow="fold", ratio=3)
    table.add_column("Complexity", no_wrap=True)
    table.add_column("Used for", overflow="fold", ratio=5)
    for algorithm in algorithms:
        table.add_row(
            _name_and_slug(algorithm),
            Text(algorithm.complexity.stated),
            Text(_first_sentence(algorithm)),
        )
    table.caption = Text(
        f"{len(algorithms)} algorithms · genai algorithms NAME shows one"
        " · genai compare A B compares",
        style=DIM,
    )
    return table


def _first_sentence(algorithm: Algorithm) -> str:
    text = algorithm.use_case
    cut = text.find("; ")
    if cut == -1:
        cut = text.find(". ")
    return text if cut == -1 else text[:cut] + ("." if text[cut] == "." else " …")


def algorithm_panel(algorithm: Algorithm, kb: KnowledgeBase) -> RenderableType:
    """One algorithm in full, with what its complexity means and how its cost grows."""
    rows: list[tuple[str, RenderableType]] = [
        ("Complexity", Text(algorithm.complexity.stated, style="bold")),
        ("Variables", _variables(algorithm)),
        ("Doubling", _growth_cell(algorithm, 2)),
        ("Times ten", _growth_cell(algorithm, 10)),
        *precisely_rows(algorithm, kb),
        ("Use case", Text(algorithm.use_case)),
    ]
    if algorithm.aliases:
        rows.append(("Aliases", _join(algorithm.aliases)))
    for kind, label in (("term", "Terms"), ("concept", "Concept"), ("algorithm", "See also")):
        entries = related(algorithm, kb, kind)
        if entries:
            rows.append((label, _join((link_text(e) for e in entries), "\n")))
    rows += source_row(algorithm)
    panel = entry_panel(
        algorithm.name, [Text(algorithm.description), Text(""), _field_grid(rows)], algorithm
    )
    return Group(panel, growth_chart([algorithm]))
