"""Help and errors in one voice (UX review, sections 2 and 3)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from genai_cli.cli import app
from genai_cli.cli.help import EXAMPLES, GROUPS
from tests.conftest import Invoke

COMMANDS = sorted(i.name for i in app.registered_commands if i.name)


class TestTopLevelHelp:
    """`genai --help`: grouped, every summary whole on one line."""

    @pytest.mark.parametrize("width", ["60", "100", "160"])
    def test_summaries_are_never_cut(self, cli: Invoke, width: str) -> None:
        out = cli("--help", env={"COLUMNS": width}).stdout
        assert "..." not in out.split("Look up:")[1]
        for title, _names in GROUPS:
            if title == "Look up" or title in out:
                assert f"{title}:" in out
        for name in COMMANDS:
            assert re.search(rf"^  {name} +\S", out, re.MULTILINE), name

    def test_grouped_in_order(self, cli: Invoke) -> None:
        out = cli("--help", env={"COLUMNS": "100"}).stdout
        assert out.index("Look up:") < out.index("Study:") < out.index("Your decks:")
        study = out.split("Study:")[1].split("Your decks:")[0]
        assert "  quiz " in study and "  term " not in study


class TestCommandHelp:
    """Each command's help ends with examples and shows plain metavars."""

    @pytest.mark.parametrize("width", ["60", "100"])
    @pytest.mark.parametrize("name", COMMANDS)
    def test_examples_and_metavars(self, cli: Invoke, name: str, width: str) -> None:
        out = cli(name, "--help", env={"COLUMNS": width}).stdout
        assert "Examples:" in out
        assert all(example in out for example in EXAMPLES[name])
        for internal in ("{", "<int", "<str", "x>=", "range>"):
            assert internal not in out, (name, internal)

    def test_quiz_says_which_keys_do_what(self, cli: Invoke) -> None:
        out = " ".join(cli("quiz", "--help").stdout.split())
        assert "arrow keys and Enter" in out and "Ctrl-C" in out


class TestUsageErrors:
    """Click's usage errors: one `genai:` line, exit 2, naming valid choices where Click does."""

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (("quiz", "-n", "0"), "genai: invalid value for '--count' / '-n': 0 is less than 1"),
            (("term",), "genai: missing argument 'NAME...'"),
            (("trem", "x"), "genai: no such command 'trem'. Did you mean 'term', 'terms'?"),
            (("term", "--deck", "x"), "genai: no such option: --deck"),
        ],
    )
    def test_one_line(self, cli: Invoke, argv: tuple[str, ...], expected: str) -> None:
        result = cli(*argv)
        assert result.exit_code == 2
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(expected), line
        assert line.endswith("-h for help)")


def _spawn(args: list[str], columns: int, env: dict[str, str], cwd: Path | None = None) -> str:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "genai_cli", *args],
        env=env,
        cwd=cwd,
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


@pytest.mark.slow
class TestOnATerminal:
    """On a real terminal: messages wrap at spaces, errors red, warnings yellow; NO_COLOR off."""

    def _env(self, isolated: Path, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
        env.update(more)
        return env

    def test_long_error_wraps_at_spaces_in_red(self, isolated: Path) -> None:
        out = _spawn(["terms", "--tag", "foo"], 60, self._env(isolated))
        assert "\x1b[1;31mgenai:\x1b[0m" in out
        lines = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r", "").splitlines()
        assert len(lines) > 2 and all(len(line) <= 60 for line in lines)
        words = " ".join(lines).split()
        assert "efficiency," in words and "representation," in words  # no word cut

    def test_no_color(self, isolated: Path) -> None:
        out = _spawn(["term", "xyzzy"], 100, self._env(isolated, NO_COLOR="1"))
        assert "\x1b[" not in out
        assert "genai: no term 'xyzzy'" in out


@pytest.mark.slow
class TestValidateOnATerminal:
    """validate on a terminal: errors red, warnings yellow, lines wrapped at spaces."""

    def test_colours_and_wrapping(self, isolated: Path) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "mine.yaml").write_text(
            "terms:\n  - slug: my-rag\n    name: Retrieval-Augmented Generation\n"
            "    definition: Mine.\n    see_also: [chain-of-thougth]\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        out = _spawn(["validate", "mine.yaml"], 60, env, cwd=decks)
        assert "\x1b[1;31m" in out and "\x1b[1;33mwarning\x1b[0m" in out
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r", "")
        assert all(len(line) <= 60 for line in plain.splitlines())
        assert "chain-of-thought-prompting?" in plain.split()


class TestDeclining:
    """Answering no to a question is not an "Aborted!" (UX review, section 3)."""

    def test_stats_reset_declined(self, cli: Invoke) -> None:
        from tests.test_quiz_cli import expected_questions, typed_quiz

        typed_quiz(cli, "7", [q.answer for q in expected_questions("7", 2)])
        declined = cli("stats", "--reset", input="n\n")
        assert declined.exit_code == 0  # the learner said no: not a failure (red-team L8)
        assert "Aborted" not in declined.output
        assert "Nothing changed." in declined.output


def test_topic_choices_written_out_alike(cli: Invoke) -> None:
    """quiz and export show the same --topic choices (UX review 2.3), not a bare TOPIC."""
    for command in ("quiz", "export"):
        out = cli(command, "--help", env={"COLUMNS": "120"}).stdout
        assert "--topic terms|algorithms|myths|questions|cloze|all" in out, command
