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
from typing import Any

from genai_cli.errors import UsageError
from genai_cli.knowledge.model import Algorithm, Complexity, Factor, KnowledgeBase

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


def doubling_sentence(algorithm: Algorithm, g: Growth) -> str:
    """E.g. "Doubling n (the sequence length) quadruples the stated cost of Transformer Models"."""
    head = f"Doubling {g.symbol} ({g.meaning})"
    what = f"the stated cost of {algorithm.name}"
    verbs = {2: "doubles", 4: "quadruples"}
    if g.doubling in verbs:
        return f"{head} {verbs[g.doubling]} {what}."
    return f"{head} multiplies {what} by {g.doubling}."


@dataclass(frozen=True, slots=True)
class LetterClash:
    """One letter that stands for different things in the algorithms being compared."""

    symbol: str
    # (meaning, names of the algorithms using the letter with that meaning), in first-seen order
    meanings: tuple[tuple[str, tuple[str, ...]], ...]


def letter_clashes(algorithms: Sequence[Algorithm]) -> tuple[LetterClash, ...]:
    """Letters used by at least two of ``algorithms`` with more than one meaning."""
    uses: dict[str, dict[str, list[str]]] = {}
    for algorithm in algorithms:
        for f in algorithm.complexity.factors:
            by_meaning = uses.setdefault(f.symbol, {})
            names = by_meaning.setdefault(f.meaning, [])
            if algorithm.name not in names:
                names.append(algorithm.name)
    return tuple(
        LetterClash(symbol, tuple((m, tuple(names)) for m, names in by_meaning.items()))
        for symbol, by_meaning in uses.items()
        if len(by_meaning) > 1
    )


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


def compare_to_json(algorithms: Sequence[Algorithm]) -> dict[str, Any]:
    """``{"algorithms": [...], "caveat": ..., "letter_clashes": [...]}`` for ``compare --json``."""
    return {
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
