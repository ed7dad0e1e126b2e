"""Comparing algorithms: which ones, and what their stated complexities say about growth.

Pure functions over the model; nothing here prints or knows about the terminal.
A stated complexity is a product of variables with whole exponents, so multiplying
one variable by ``x`` while the others stay fixed multiplies the cost by ``x ** k``.
The article gives no constant factors, so only growth is meaningful: two
algorithms' absolute costs can never be compared from their stated complexities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, NoReturn

from genai_cli.errors import NotFoundError, UsageError
from genai_cli.knowledge.model import (
    Algorithm,
    Complexity,
    Contrast,
    Entry,
    Factor,
    KnowledgeBase,
    Term,
)

# The multipliers the growth chart shows: each step doubles the variable.
CHART_STEPS: tuple[int, ...] = (1, 2, 4, 8)

COMPARE_EXAMPLE = "genai compare gan vae"


@dataclass(frozen=True, slots=True)
class Growth:
    """How one variable of a stated complexity drives the cost, the others fixed."""

    factor: Factor

    @property
    def symbol(self) -> str:
        return self.factor.symbol

    @property
    def meaning(self) -> str:
        return self.factor.meaning

    def times(self, multiplier: int) -> int:
        """The cost multiple when the variable is multiplied by ``multiplier``."""
        return int(multiplier**self.factor.exponent)

    @property
    def doubling(self) -> int:
        return self.times(2)

    @property
    def tenfold(self) -> int:
        return self.times(10)

    def curve(self, steps: Sequence[int] = CHART_STEPS) -> tuple[tuple[int, int], ...]:
        """(multiplier, relative cost) for each step, relative to the cost at 1x."""
        return tuple((step, self.times(step)) for step in steps)


def growth(complexity: Complexity) -> tuple[Growth, ...]:
    """One Growth per variable, in the order the complexity states them."""
    return tuple(Growth(f) for f in complexity.factors)


@dataclass(frozen=True, slots=True)
class LetterClash:
    """One letter that stands for different things in the algorithms being compared."""

    symbol: str
    # (meaning, names of the algorithms using the letter with that meaning), in first-seen order
    meanings: tuple[tuple[str, tuple[str, ...]], ...]


_FILLER = frozenset({"the", "a", "an", "of", "in", "per"})


def _meaning_words(meaning: str) -> frozenset[str]:
    return frozenset(w for w in meaning.casefold().split() if w not in _FILLER)


def same_meaning(one: str, other: str) -> bool:
    """Whether two variable meanings say the same, one perhaps more precisely.

    "the number of training samples" and "the number of samples" are one meaning;
    "the number of samples" and "the sequence length" are two.
    """
    a, b = _meaning_words(one), _meaning_words(other)
    return a <= b or b <= a


def _meaning_key(uses: dict[str, list[str]], meaning: str) -> str:
    """The meaning already in ``uses`` that ``meaning`` says the same as, else itself."""
    return next((m for m in uses if same_meaning(m, meaning)), meaning)


def letter_clashes(algorithms: Sequence[Algorithm]) -> tuple[LetterClash, ...]:
    """Letters used by at least two of ``algorithms`` with really different meanings."""
    uses: dict[str, dict[str, list[str]]] = {}
    for algorithm in algorithms:
        for f in algorithm.complexity.factors:
            by_meaning = uses.setdefault(f.symbol, {})
            names = by_meaning.setdefault(_meaning_key(by_meaning, f.meaning), [])
            if algorithm.name not in names:
                names.append(algorithm.name)
    return tuple(
        LetterClash(symbol, tuple((m, tuple(names)) for m, names in by_meaning.items()))
        for symbol, by_meaning in uses.items()
        if len(by_meaning) > 1
    )


_POWERS = {1: "linear", 2: "quadratic", 3: "cubic"}


def growth_phrase(complexity: Complexity) -> str:
    """E.g. "linear in n and in m", "quadratic in n, linear in d": how the cost grows."""
    groups: dict[int, list[str]] = {}
    for f in complexity.factors:
        groups.setdefault(f.exponent, []).append(f.symbol)
    parts = []
    for exponent, symbols in sorted(groups.items(), key=lambda item: -item[0]):
        word = _POWERS.get(exponent, f"power {exponent}")
        parts.append(f"{word} in {' and in '.join(symbols)}")
    return ", ".join(parts) or "constant"


def growth_line(complexity: Complexity) -> str:
    """``O(n * m): linear in n and in m``."""
    return f"{complexity.stated}: {growth_phrase(complexity)}"


def curves_differ(algorithms: Sequence[Algorithm]) -> bool:
    """Whether any two variables grow the cost differently (else every curve is the same)."""
    return len({f.exponent for a in algorithms for f in a.complexity.factors}) > 1


@dataclass(frozen=True, slots=True)
class MeaningGroup:
    """The variables, across algorithms, that stand for one thing: one chart."""

    meaning: str
    curves: tuple[tuple[Algorithm, Growth], ...]

    @property
    def worth_a_chart(self) -> bool:
        """Curves that are not all straight lines: a chart shows what a sentence cannot."""
        return any(g.factor.exponent != 1 for _a, g in self.curves)


def meaning_groups(algorithms: Sequence[Algorithm]) -> tuple[MeaningGroup, ...]:
    """One group per distinct variable meaning, with every algorithm's curve for it."""
    groups: dict[str, list[tuple[Algorithm, Growth]]] = {}
    for algorithm in algorithms:
        for g in growth(algorithm.complexity):
            key = next((m for m in groups if same_meaning(m, g.meaning)), g.meaning)
            groups.setdefault(key, []).append((algorithm, g))
    return tuple(MeaningGroup(m, tuple(c)) for m, c in groups.items())


def chart_peak(algorithms: Sequence[Algorithm], steps: Sequence[int] = CHART_STEPS) -> int:
    """The largest relative cost any curve reaches: the common scale of one chart."""
    peaks = [g.times(max(steps)) for a in algorithms for g in growth(a.complexity)]
    return max(peaks, default=1)


def select_algorithms(
    kb: KnowledgeBase, names: Sequence[str], *, everything: bool = False
) -> tuple[Algorithm, ...]:
    """The algorithms called ``names`` (in that order, each once), or all with ``everything``.

    Fewer than two distinct algorithms is a usage error; an unknown name is not found,
    with suggestions.
    """
    from genai_cli.reference.lookup import Index

    if everything:
        if names:
            raise UsageError("give algorithm names or --all, not both")
        if len(kb.algorithms) < 2:
            raise UsageError("there are fewer than two algorithms to compare")
        return kb.algorithms
    if not names:
        raise UsageError(
            f"name at least two algorithms to compare, e.g. {COMPARE_EXAMPLE}, or use --all"
        )
    index = Index(kb.algorithms, "algorithm")
    chosen: list[Algorithm] = []
    for name in names:
        algorithm = index.resolve(name)
        if algorithm not in chosen:
            chosen.append(algorithm)
    if len(chosen) < 2:
        raise UsageError(
            f"compare needs at least two different algorithms, e.g. {COMPARE_EXAMPLE}"
            f" (genai algorithms {names[0]} shows one)"
        )
    return tuple(chosen)


@dataclass(frozen=True)
class Comparison:
    """What `genai compare` shows: the entries as columns, a contrast's points, complexity.

    ``columns`` gives, for each entry, its position in the contrast's ``between`` (a
    contrast of three may answer a question about two). ``algorithms`` holds the
    algorithm each name also stands for, when every name stands for one.
    """

    entries: tuple[Entry, ...]
    contrast: Contrast | None = None
    columns: tuple[int, ...] = ()
    algorithms: tuple[Algorithm, ...] = ()

    @property
    def points(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(aspect, one value per entry) for each point of the contrast."""
        if self.contrast is None:
            return ()
        return tuple(
            (p.aspect, tuple(p.values[i] for i in self.columns)) for p in self.contrast.points
        )

    @property
    def title(self) -> str:
        if self.contrast is not None and len(self.columns) == len(self.contrast.between):
            return self.contrast.name
        if len(self.entries) > 4:
            return f"Comparing {len(self.entries)} algorithms"
        return " vs ".join(e.label for e in self.entries)


def _readings(kb: KnowledgeBase, name: str) -> list[Entry]:
    """Every entry ``name`` may stand for: the term, then the algorithm of that name."""
    from genai_cli.reference.lookup import Index

    found: list[Entry] = []
    for plural, noun in (("terms", "term"), ("algorithms", "algorithm")):
        entry = Index.from_keys(kb.name_keys(plural), noun).find(name)
        if entry is not None:
            found.append(entry)
    return found


def _not_found(kb: KnowledgeBase, name: str) -> NotFoundError:
    from genai_cli.reference.lookup import Index, next_step

    entries = [*kb.terms, *kb.algorithms]
    suggestions = tuple(e.slug for e in Index(entries, "entry").suggest(name))
    hint = "" if suggestions else next_step(kb, name, "term or algorithm")
    return NotFoundError(f"no term or algorithm {name!r}", suggestions, hint)


def _find_contrast(
    kb: KnowledgeBase, readings: Sequence[Sequence[Entry]]
) -> tuple[tuple[Entry, ...], Contrast, tuple[int, ...]] | None:
    """A contrast naming exactly one reading of each name; failing that, one naming more."""
    combos = [c for c in product(*readings) if len({e.slug for e in c}) == len(c)]
    for combo in combos:
        contrast = kb.contrast_for(e.slug for e in combo)
        if contrast is not None:
            return combo, contrast, tuple(contrast.between.index(e.slug) for e in combo)
    for combo in combos:
        for contrast in kb.contrasts:
            if {e.slug for e in combo} <= set(contrast.between):
                return combo, contrast, tuple(contrast.between.index(e.slug) for e in combo)
    return None


def select_comparison(
    kb: KnowledgeBase, names: Sequence[str], *, everything: bool = False
) -> Comparison:
    """What `genai compare NAMES` shows.

    Each name may be a term or an algorithm (``gan`` is both). A contrast naming the
    entries given wins; algorithms keep their complexity rows; otherwise terms are
    shown side by side. Fewer than two different entries is a usage error.
    """
    if everything:
        algorithms = select_algorithms(kb, names, everything=True)
        return Comparison(algorithms, algorithms=algorithms)
    if not names:
        raise UsageError(
            f"name at least two terms or algorithms to compare, e.g. {COMPARE_EXAMPLE},"
            " or use --all"
        )
    readings = []
    for name in names:
        found = _readings(kb, name)
        if not found:
            raise _not_found(kb, name)
        readings.append(found)
    first_each = [r[0] for r in readings]
    if len({tuple(e.slug for e in r) for r in readings}) < 2:  # "gan GANs": one thing twice
        _one_entry(first_each[0], names[0])
    stand_for = [next((e for e in r if isinstance(e, Algorithm)), None) for r in readings]
    with_complexity = tuple(dict.fromkeys(a for a in stand_for if a is not None))
    if len(with_complexity) != len(names) or len(with_complexity) < 2:
        with_complexity = ()
    found_contrast = _find_contrast(kb, readings)
    if found_contrast is not None:
        entries, contrast, columns = found_contrast
        return Comparison(entries, contrast, columns, with_complexity)
    if with_complexity:
        return Comparison(with_complexity, algorithms=with_complexity)
    entries = tuple(dict.fromkeys(first_each))
    if len(entries) < 2:
        _one_entry(entries[0], names[0])
    return Comparison(entries)


def _one_entry(entry: Entry, name: str) -> NoReturn:
    command = "term" if isinstance(entry, Term) else "algorithms"
    raise UsageError(
        f"compare needs two different terms or algorithms, e.g. {COMPARE_EXAMPLE};"
        f" genai {command} {name} shows one"
    )


def growth_to_json(complexity: Complexity) -> list[dict[str, Any]]:
    """Per variable: symbol, meaning, exponent and the cost multiple at 2x and 10x."""
    return [
        {
            "symbol": g.symbol,
            "meaning": g.meaning,
            "exponent": g.factor.exponent,
            "doubling": g.doubling,
            "times_ten": g.tenfold,
        }
        for g in growth(complexity)
    ]


CAVEAT = (
    "The article states complexities without constant factors, so they show how each"
    " algorithm's own cost grows, never which algorithm is cheaper."
)


CAVEAT_SHORT = "Stated complexities show how each cost grows, never which is cheaper."


def clash_sentences(clashes: Sequence[LetterClash]) -> list[str]:
    """E.g. "n means the sequence length for Transformer Models; the number of samples for …"."""
    out = []
    for clash in clashes:
        parts = [f"{meaning} for {_and(names)}" for meaning, names in clash.meanings]
        out.append(f"{clash.symbol} means {'; '.join(parts)}.")
    return out


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def algorithm_to_json(algorithm: Algorithm) -> dict[str, Any]:
    """The entry's JSON with, under ``complexity``, what doubling and 10x each variable does."""
    from genai_cli.knowledge.serialize import entry_to_json

    data = entry_to_json(algorithm)
    data["complexity"]["growth"] = growth_to_json(algorithm.complexity)
    return data


def compare_to_json(comparison: Comparison) -> dict[str, Any]:
    """Entries, the contrast (or null), algorithms with growth, caveat and letter clashes."""
    from genai_cli.knowledge.serialize import entry_to_json

    algorithms = comparison.algorithms
    contrast = comparison.contrast
    return {
        "entries": [entry_to_json(e) for e in comparison.entries],
        "contrast": None if contrast is None else entry_to_json(contrast),
        "algorithms": [algorithm_to_json(a) for a in algorithms],
        "caveat": CAVEAT,
        "letter_clashes": [
            {
                "symbol": clash.symbol,
                "meanings": [
                    {"meaning": meaning, "algorithms": list(names)}
                    for meaning, names in clash.meanings
                ],
            }
            for clash in letter_clashes(algorithms)
        ],
    }
