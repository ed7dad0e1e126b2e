"""GENAI_NOW fixes the time every command reads, so "tomorrow" can be shown and tested."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from genai_cli import clock
from genai_cli.errors import UsageError
from tests.conftest import Invoke


class TestClock:
    """clock.now reads GENAI_NOW when set, the real clock otherwise."""

    def test_fixed_time(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GENAI_NOW", "2026-12-01T09:00:00+02:00")
        assert clock.now() == datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)

    def test_zulu(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GENAI_NOW", "2026-12-01T09:00:00Z")
        assert clock.now() == datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)

    def test_real_clock_when_unset(self) -> None:
        before = datetime.now(timezone.utc)
        assert before <= clock.now() <= datetime.now(timezone.utc)

    def test_bad_value_is_a_usage_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GENAI_NOW", "tomorrow")
        with pytest.raises(UsageError, match="GENAI_NOW must be an ISO 8601 time"):
            clock.now()


class TestCommandsReadIt:
    """A review made "today" is due "tomorrow" when GENAI_NOW says so."""

    def test_quiz_then_next_day(self, cli: Invoke) -> None:
        today = {"GENAI_NOW": "2026-12-01T09:00:00+00:00"}
        done = cli(
            "quiz",
            "-n",
            "1",
            "--seed",
            "1",
            "--mode",
            "typed",
            "--topic",
            "terms",
            input="\n",
            env=today,
        )
        assert done.exit_code == 0, done.stderr
        same_day = json.loads(cli("stats", "--json", env=today).stdout)
        assert same_day["due"] == 0
        later = {"GENAI_NOW": "2026-12-08T09:00:00+00:00"}
        next_week = json.loads(cli("stats", "--json", env=later).stdout)
        assert next_week["due"] == 1

    def test_bad_value_is_one_line_exit_2(self, cli: Invoke) -> None:
        result = cli("stats", env={"GENAI_NOW": "soon"})
        assert result.exit_code == 2
        assert result.stderr.startswith("genai: GENAI_NOW must be an ISO 8601 time")
        assert len(result.stderr.splitlines()) == 1
