"""Rendering algorithms: the side-by-side comparison, the growth chart, the list and one in full."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from genai_cli.knowledge.model import Algorithm, Entry, KnowledgeBase
from genai_cli.knowledge.names import normalize
from genai_cli.reference.compare import (
    CAVEAT,
    CAVEAT_SHORT,
    CHART_STEPS,
    Comparison,
    Growth,
    chart_peak,
    clash_sentences,
    curves_differ,
    growth,
    growth_line,
    letter_clashes,
    meaning_groups,
)
from genai_cli.views.console import MEASURE
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
_MAX_LABEL = 16  # a longer aspect label wraps at a space
_MIN_COLUMN = 18  # narrower than this, a column of prose stops being readable


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
        ("Use case", Text(algorithm.use_case)),
        ("Terms", _join((t.label for t in terms), "\n") if terms else Text("—", style=DIM)),
    ]


def _balanced(items: Sequence[int], per: int) -> list[Sequence[int]]:
    """``items`` in consecutive groups of at most ``per``, sizes differing by at most one."""
    count = -(-len(items) // per)
    size, extra = divmod(len(items), count)
    groups, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        groups.append(items[start:end])
        start = end
    return groups


Row = tuple[str, Sequence[RenderableType]]


class SideBySide:
    """One column per entry, one row per aspect, at most MEASURE wide.

    Split into several tables when the columns would be too narrow to read; on a
    narrow screen that is one entry per table.
    """

    def __init__(self, headers: Sequence[Text], rows: Sequence[Row]) -> None:
        self.headers = tuple(headers)
        self.rows = tuple(rows)

    def _label_width(self, width: int) -> int:
        """Room for the aspect labels: the longest up to a limit, less on a narrow screen."""
        widest = max((len(word) for label, _ in self.rows for word in label.split()), default=0)
        longest = max((len(label) for label, _ in self.rows), default=0)
        return max(widest, min(longest, _MAX_LABEL, width // 5))

    def _longest_word(self) -> int:
        """The longest word in any cell: a column narrower than this would cut it."""
        words = (
            len(word)
            for _label, cells in self.rows
            for cell in cells
            if isinstance(cell, Text)
            for word in cell.plain.split()
        )
        return max(words, default=0)

    def table(self, columns: Sequence[int], width: int) -> Table:
        label_width = self._label_width(width)
        table = Table(
            box=box.SIMPLE_HEAD,
            show_lines=True,
            header_style="",
            padding=(0, 1),
            width=width,
            expand=True,
        )
        table.add_column("", style=LABEL, vertical="top", width=label_width)
        for i in columns:
            table.add_column(self.headers[i], ratio=1, vertical="top")
        for label, cells in self.rows:
            table.add_row(label, *(cells[i] for i in columns))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table | Text]:
        width = min(options.max_width, MEASURE)
        column = max(_MIN_COLUMN, self._longest_word())
        per = max(1, (width - self._label_width(width) - 4) // (column + 3))
        for i, group in enumerate(_balanced(range(len(self.headers)), per)):
            if i:
                yield Text("")
            yield self.table(group, width)


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


def growth_lines(algorithms: Sequence[Algorithm]) -> RenderableType:
    """One line per algorithm: ``Name  O(n * m): linear in n and in m``."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for algorithm in algorithms:
        grid.add_row(algorithm.name, Text(growth_line(algorithm.complexity)))
    return grid


def growth_chart(algorithms: Sequence[Algorithm]) -> RenderableType:
    """Charts of the relative cost as each variable doubles, only when the curves differ.

    One chart per variable meaning, with every algorithm's curve for it, all on one
    scale; each curve is relative to its own algorithm's cost at 1x.
    """
    parts: list[RenderableType] = []
    if curves_differ(algorithms):
        peak = chart_peak(algorithms)
        parts += [
            Text(""),
            Text("How the stated cost grows", style="bold"),
            Text(
                "Each variable multiplied by "
                + ", ".join(f"{s}" for s in CHART_STEPS)
                + ", the others fixed; cost relative to the same algorithm at 1x.",
                style="italic",
            ),
        ]
        for group in meaning_groups(algorithms):
            if not group.worth_a_chart:
                continue  # straight lines only: the growth lines said "linear"
            parts.append(Text(""))
            parts.append(Text(group.meaning[:1].upper() + group.meaning[1:], style="bold"))
            for algorithm, g in group.curves:
                if len(algorithms) > 1:
                    parts.append(_indent(Text(algorithm.name), 2))
                parts.append(_indent(Curve(g, peak), 4))
    clashes = clash_sentences(letter_clashes(algorithms))
    if clashes:
        parts.append(Text(""))
        parts.append(Text("The same letter means different things:", style="italic"))
        parts.extend(_indent(Text(line, style="italic"), 2) for line in clashes)
    parts.append(Text(""))
    parts.append(Text(CAVEAT, style=DIM))
    return Measured(Group(*parts))


class Measured:
    """A renderable kept to MEASURE columns however wide the terminal."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(
            self.renderable, options.update_width(min(options.max_width, MEASURE))
        )


def _summary(entry: Entry) -> str:
    for name in ("definition", "description", "body"):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            return value
    return entry.label


def compare_view(comparison: Comparison, kb: KnowledgeBase) -> RenderableType:
    """The entries side by side: a contrast's points, or the algorithms' aspects; then growth."""
    entries, algorithms = comparison.entries, comparison.algorithms
    parts: list[RenderableType] = [Text(comparison.title, style="bold")]
    if comparison.contrast is None and algorithms == entries:
        headers = [Text(a.name, style="bold") for a in algorithms]
        rows = [
            (label, [_aspects(a, kb)[i][1] for a in algorithms])
            for i, (label, _) in enumerate(_aspects(algorithms[0], kb))
        ]
        parts.append(SideBySide(headers, rows))
        parts.append(Measured(Group(Text(""), growth_lines(algorithms))))
        parts.append(growth_chart(algorithms))
        return Group(*parts)
    headers = [Text(e.label, style="bold") for e in entries]
    table_rows: list[Row] = [("In short", [Text(_summary(e)) for e in entries])]
    table_rows += [
        (aspect[:1].upper() + aspect[1:], [Text(v) for v in values])
        for aspect, values in comparison.points
    ]
    if algorithms:
        table_rows.append(("Complexity", [Text(growth_line(a.complexity)) for a in algorithms]))
    parts.append(SideBySide(headers, table_rows))
    if comparison.contrast is None:
        parts.append(
            Text(
                "No contrast lists how these differ yet; genai term NAME shows each in full.",
                style=DIM,
            )
        )
    elif algorithms:
        parts.append(Text(CAVEAT_SHORT, style=DIM))
    return Group(*parts)


class AlgorithmsList:
    """Every algorithm: name (and slug when it differs), stated complexity, what it is used for.

    A table on a wide screen; on a narrow one each algorithm is a short block.
    """

    def __init__(self, algorithms: Sequence[Algorithm]) -> None:
        self.algorithms = tuple(algorithms)

    def _caption(self) -> Text:
        return Text(
            f"{len(self.algorithms)} algorithms · genai algorithms NAME shows one"
            " · genai compare A B compares",
            style=DIM,
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        names = [_name_and_slug(a).plain for a in self.algorithms]
        name_min = max((len(w) for n in names for w in n.split()), default=0)
        stated = max((len(a.complexity.stated) for a in self.algorithms), default=0)
        if options.max_width >= name_min + stated + 30:
            table = Table(box=box.SIMPLE_HEAD, header_style=LABEL, show_lines=True, expand=True)
            table.add_column("Algorithm", min_width=name_min, max_width=max(name_min, 32))
            table.add_column("Complexity", no_wrap=True)
            table.add_column("Used for", ratio=1)
            for algorithm in self.algorithms:
                table.add_row(
                    _name_and_slug(algorithm),
                    Text(algorithm.complexity.stated),
                    Text(_first_sentence(algorithm)),
                )
            table.caption = self._caption()
            yield table
            return
        for algorithm in self.algorithms:
            head = _name_and_slug(algorithm)
            head.append(f"\n{algorithm.complexity.stated}", style=ACCENT)
            yield head
            yield Padding(Text(_first_sentence(algorithm)), (0, 0, 1, 2))
        yield self._caption()


def algorithms_table(algorithms: Sequence[Algorithm]) -> AlgorithmsList:
    """Every algorithm with its stated complexity and the first sentence of its use."""
    return AlgorithmsList(algorithms)


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
        ("Growth", Text(growth_line(algorithm.complexity).split(": ", 1)[1])),
        ("Variables", _variables(algorithm)),
        ("Doubling", _growth_cell(algorithm, 2)),
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
