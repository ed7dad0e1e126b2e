"""Property tests: arbitrary input never crashes the CLI or the name folding."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from genai_cli.cli import app
from genai_cli.knowledge.names import normalize

runner = CliRunner()
_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class TestArbitraryInput:
    """Whatever a user types, the answer is an exit code of 0, 1 or 2, never a traceback."""

    @_SETTINGS
    @given(st.text(max_size=40))
    def test_term_never_raises(self, name: str) -> None:
        result = runner.invoke(app, ["term", "--", name], catch_exceptions=False)
        assert result.exit_code in (0, 1, 2)
        assert "Traceback" not in result.stderr
        if result.exit_code == 1:
            assert result.stderr.startswith("genai: no term ")
            assert result.stderr.count("\n") == 1

    @_SETTINGS
    @given(st.lists(st.text(max_size=20), max_size=4))
    def test_any_arguments_never_raise(self, args: list[str]) -> None:
        result = runner.invoke(app, ["search", "--", *args], catch_exceptions=False)
        assert result.exit_code in (0, 1, 2)

    @given(st.text(max_size=60))
    def test_normalize_is_idempotent(self, name: str) -> None:
        once = normalize(name)
        assert normalize(once) == once
        assert normalize(name.upper().replace("-", " ")) == normalize(
            name.replace("-", " ").upper()
        )
