"""Parse a stated time complexity such as ``O(n^2 * d)`` into its factors."""

from __future__ import annotations

import re
from collections.abc import Mapping

from genai_cli.knowledge.model import Complexity, Factor
from genai_cli.knowledge.yamlsafe import quoted

_FACTOR = re.compile(r"([a-z][a-z0-9_]*)(?:\s*\^\s*([1-9][0-9]?))?")
_BIG_O = re.compile(r"O\s*\((.*)\)")


class ComplexityError(ValueError):
    """The stated text is not a product of variables with whole exponents."""


def parse_complexity(stated: str, meanings: Mapping[str, str]) -> Complexity:
    """Parse ``stated``; every variable must have a meaning and every meaning a variable.

    The grammar is ``O( factor ( * factor )* )`` with ``factor = name [^ k]``,
    which covers every complexity the article states.
    """
    text = stated.strip()
    whole = _BIG_O.fullmatch(text)
    if whole is None:
        raise ComplexityError(f"complexity {quoted(stated)} is not of the form O(...)")
    factors: list[Factor] = []
    for part in whole.group(1).split("*"):
        match = _FACTOR.fullmatch(part.strip())
        if match is None:
            raise ComplexityError(
                f"complexity {quoted(stated)}: {quoted(part.strip())} is not a variable with an"
                " optional whole exponent (write e.g. n, n^2, t * n)"
            )
        symbol, exponent = match.group(1), int(match.group(2) or 1)
        if any(f.symbol == symbol for f in factors):
            raise ComplexityError(
                f"complexity {quoted(stated)}: {quoted(symbol)} appears twice; write it once"
                " with an exponent"
            )
        if symbol not in meanings:
            raise ComplexityError(
                f"complexity {quoted(stated)}: variable {quoted(symbol)} has no meaning under"
                " 'variables'"
            )
        factors.append(Factor(symbol, exponent, meanings[symbol]))
    unused = sorted(set(meanings) - {f.symbol for f in factors})
    if unused:
        raise ComplexityError(
            f"complexity {quoted(stated)}: 'variables' defines {', '.join(unused)}, which it"
            " does not use"
        )
    return Complexity(stated=text, factors=tuple(factors))


def format_complexity(factors: tuple[Factor, ...]) -> str:
    """The canonical text of a product of factors: ``O(n^2 * d)``."""
    parts = [f.symbol if f.exponent == 1 else f"{f.symbol}^{f.exponent}" for f in factors]
    return f"O({' * '.join(parts)})"
