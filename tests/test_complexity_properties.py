"""Property tests: the complexity parser round-trips and growth follows the exponents."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_cli.knowledge.complexity import ComplexityError, format_complexity, parse_complexity
from genai_cli.knowledge.model import Factor
from genai_cli.reference.compare import Growth, growth

_SYMBOL = st.from_regex(re.compile(r"[a-z][a-z0-9_]{0,3}"), fullmatch=True)
_SPACE = st.sampled_from(["", " ", "  "])


@st.composite
def stated_complexities(draw: st.DrawFn) -> tuple[str, str, dict[str, str], list[int]]:
    """(messy stated text, its canonical form, meanings, exponents)."""
    symbols = draw(st.lists(_SYMBOL, min_size=1, max_size=5, unique=True))
    exponents = [draw(st.integers(min_value=1, max_value=99)) for _ in symbols]
    parts, canonical = [], []
    for symbol, k in zip(symbols, exponents, strict=True):
        canonical.append(symbol if k == 1 else f"{symbol}^{k}")
        if k == 1 and draw(st.booleans()):
            parts.append(symbol)
        else:
            parts.append(f"{symbol}{draw(_SPACE)}^{draw(_SPACE)}{k}")
    sep = [f"{draw(_SPACE)}*{draw(_SPACE)}" for _ in parts[1:]]
    body = parts[0] + "".join(s + p for s, p in zip(sep, parts[1:], strict=True))
    messy = f"{draw(_SPACE)}O{draw(_SPACE)}({draw(_SPACE)}{body}{draw(_SPACE)}){draw(_SPACE)}"
    meanings = {s: f"the meaning of {s}" for s in symbols}
    return messy, f"O({' * '.join(canonical)})", meanings, exponents


class TestParserRoundTrip:
    """Any stated product of variables parses, and formats back to its normal form."""

    @settings(max_examples=200, deadline=None)
    @given(stated_complexities())
    def test_round_trip(self, case: tuple[str, str, dict[str, str], list[int]]) -> None:
        messy, canonical, meanings, exponents = case
        parsed = parse_complexity(messy, meanings)
        assert format_complexity(parsed.factors) == canonical
        assert [f.exponent for f in parsed.factors] == exponents
        assert [f.meaning for f in parsed.factors] == [meanings[s] for s in parsed.symbols]
        again = parse_complexity(canonical, meanings)
        assert again.factors == parsed.factors

    @settings(max_examples=100, deadline=None)
    @given(stated_complexities(), st.sampled_from(["+", "/", "log", "-", "2"]))
    def test_other_operators_are_data_errors(
        self, case: tuple[str, str, dict[str, str], list[int]], junk: str
    ) -> None:
        _messy, canonical, meanings, _ = case
        broken = canonical[:-1] + f" {junk} x)"
        try:
            parse_complexity(broken, {**meanings, "x": "an extra"})
        except ComplexityError:
            return
        raise AssertionError(f"{broken!r} parsed")

    @given(stated_complexities())
    def test_unexplained_variable_is_rejected(
        self, case: tuple[str, str, dict[str, str], list[int]]
    ) -> None:
        messy, _canonical, meanings, _ = case
        missing = dict(list(meanings.items())[1:])
        try:
            parse_complexity(messy, missing)
        except ComplexityError as exc:
            assert "has no meaning" in str(exc)
            return
        raise AssertionError("a variable without a meaning was accepted")


class TestScaling:
    """Multiplying a variable with exponent k by x multiplies the stated cost by x**k."""

    @given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=20))
    def test_factor_scaling(self, exponent: int, multiplier: int) -> None:
        g = Growth(Factor("n", exponent, "something"))
        assert g.doubling == 2**exponent
        assert g.tenfold == 10**exponent
        assert g.times(multiplier) == multiplier**exponent
        steps = [cost for _step, cost in g.curve()]
        assert steps == sorted(steps) and steps[0] == 1

    @given(stated_complexities(), st.integers(min_value=2, max_value=10))
    def test_complexity_scaling_matches_growth(
        self, case: tuple[str, str, dict[str, str], list[int]], multiplier: int
    ) -> None:
        messy, _canonical, meanings, exponents = case
        complexity = parse_complexity(messy, meanings)
        for g, k in zip(growth(complexity), exponents, strict=True):
            # Complexity.scaling works in floats: exact up to rounding for large powers
            assert complexity.scaling(g.symbol, multiplier) == pytest.approx(
                multiplier**k, rel=1e-12
            )
            assert g.times(multiplier) == multiplier**k
        # scaling every variable at once multiplies the cost by x to the total degree
        total = 1
        for g in growth(complexity):
            total *= g.times(multiplier)
        assert total == multiplier ** sum(exponents)


class TestCompareNeverCrashes:
    """Whatever names are typed, compare answers with 0, 1 or 2 and one line of error."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.text(max_size=15), max_size=4))
    def test_arbitrary_names(self, names: list[str]) -> None:
        from typer.testing import CliRunner

        from genai_cli.cli import app

        result = CliRunner().invoke(app, ["compare", "--", *names], catch_exceptions=False)
        assert result.exit_code in (0, 1, 2)
        if result.exit_code:
            assert result.stderr.startswith("genai: ")
            assert result.stderr.count("\n") == 1
