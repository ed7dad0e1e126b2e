"""Every deck is hostile: bounded reading with both YAML parsers, and text shown literally."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from genai_cli.knowledge import loader, yamlsafe
from genai_cli.knowledge.yamlsafe import MAX_BYTES, MAX_NODES, YamlError, read_yaml
from tests.conftest import ROOT, Invoke
from tests.hostile import billion_laughs, deep_block, deep_flow

PARSERS = {"libyaml": yaml.CSafeLoader, "pure-python": yaml.SafeLoader}


@pytest.fixture(params=list(PARSERS))
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test with libyaml's parser, then with PyYAML's pure-Python one."""
    monkeypatch.setattr(yamlsafe, "_Loader", PARSERS[request.param])
    yield request.param


def _refused(text: str | bytes, match: str) -> float:
    started = time.perf_counter()
    with pytest.raises(YamlError, match=match):
        read_yaml(text)
    return time.perf_counter() - started


class TestBounds:
    """Bombs, deep nesting and too many values are refused fast by either parser."""

    def test_billion_laughs(self, parser: str) -> None:
        assert _refused(billion_laughs(), "aliases expand to more than") < 0.5

    @pytest.mark.parametrize("text", [deep_flow(5000), deep_block(5000), deep_flow(200_000)])
    def test_deep_nesting_is_a_yaml_error_not_recursion(self, parser: str, text: str) -> None:
        assert _refused(text, "nesting") < 1.0

    def test_plain_pyyaml_would_recurse(self) -> None:
        """Why the reader is event-based: PyYAML's own pure-Python loader overflows the stack."""
        with pytest.raises(RecursionError):
            yaml.load(deep_block(5000), Loader=yaml.SafeLoader)

    def test_too_many_values(self, parser: str, monkeypatch: pytest.MonkeyPatch) -> None:
        # The check at a smaller cap, for both parsers (TestCaps uses the real one).
        monkeypatch.setattr(yamlsafe, "MAX_NODES", 50_000)
        text = "[" + "a," * 50_000 + "a]"
        # the pure-Python parser is a fallback only (wheels of PyYAML ship libyaml)
        assert _refused(text, "more than 50000 values") < (0.5 if parser == "libyaml" else 2)

    def test_a_large_anchor_repeated_is_refused(self) -> None:
        anchor = "a: &x [" + ",".join(["v"] * 9_000) + "]\n"
        with pytest.raises(YamlError, match="aliases expand to more than 10000 nodes"):
            read_yaml(anchor + "".join(f"b{i}: *x\n" for i in range(12)))

    def test_size_cap(self, parser: str) -> None:
        assert _refused(b"#" * (MAX_BYTES + 1), "larger than 128 MiB") < 0.5

    def test_a_huge_file_is_not_read_whole(self, tmp_path: Path) -> None:
        huge = tmp_path / "huge.yaml"
        with huge.open("wb") as handle:
            handle.truncate(8 << 30)  # sparse: 8 GiB that take no space
        started = time.perf_counter()
        parsed = loader.parse_file(huge, "huge")
        assert time.perf_counter() - started < 1.0
        (problem,) = parsed.problems
        assert problem.startswith(f"{loader.display_path(huge)}:0: file is larger than 128 MiB")
        assert "split it into several files in one deck directory" in problem

    def test_a_deck_of_50000_values_reads_quickly(self) -> None:
        entry = "  - slug: s{0}\n    name: N{0}\n    definition: d\n"
        text = "terms:\n" + "".join(entry.format(i) for i in range(50_000 // 8))
        started = time.perf_counter()
        assert len(read_yaml(text)["terms"]) == 50_000 // 8
        assert time.perf_counter() - started < 1.0  # libyaml; measured ~0.1 s


class TestCaps:
    """Each documented cap (docs/data-format.md): a file at the limit loads, one past it
    does not. With libyaml, the parser genai uses wherever PyYAML ships it."""

    def test_bytes(self, tmp_path: Path) -> None:
        assert yamlsafe.MAX_BYTES == 128 * 1024 * 1024
        at = b"terms: []\n" + b"#" * (MAX_BYTES - 10)
        assert read_yaml(at) == {"terms": []}
        with pytest.raises(YamlError, match="larger than 128 MiB"):
            read_yaml(at + b"\n")
        path = tmp_path / "big.yaml"
        path.write_bytes(at)
        assert loader.parse_file(path).problems == ()
        with path.open("ab") as handle:
            handle.write(b"\n")
        assert "larger than 128 MiB" in loader.parse_file(path).problems[0]

    def test_values(self) -> None:
        assert MAX_NODES == 3_000_000
        at = "[" + "a," * (MAX_NODES - 2) + "a]"  # the list and its MAX_NODES - 1 items
        assert len(read_yaml(at)) == MAX_NODES - 1
        with pytest.raises(YamlError, match=f"more than {MAX_NODES} values"):
            read_yaml(at[:-1] + ",a]")

    def test_alias_expansion(self) -> None:
        assert yamlsafe.MAX_ALIAS_NODES == 10_000
        anchor = "a: &x [" + ",".join(["v"] * 9_999) + "]\n"  # 10,000 nodes
        assert len(read_yaml(anchor + "b: *x\n")["b"]) == 9_999
        with pytest.raises(YamlError, match="aliases expand to more than 10000 nodes"):
            read_yaml(anchor.replace("[", "[v,") + "b: *x\n")

    def test_depth(self) -> None:
        assert yamlsafe.MAX_DEPTH == 32
        read_yaml("[" * 32 + "]" * 32)
        with pytest.raises(YamlError, match="nesting deeper than 32 levels"):
            read_yaml("[" * 33 + "]" * 33)

    def test_value_length(self) -> None:
        assert yamlsafe.MAX_SCALAR == 100_000
        assert len(read_yaml("a: " + "x" * 100_000)["a"]) == 100_000
        with pytest.raises(YamlError, match="a value longer than 100000 characters"):
            read_yaml("a: " + "x" * 100_001)


_MEMORY_PROBE = """
import resource, sys
sys.path.insert(0, {root!r})
import yaml
from genai_cli.knowledge import yamlsafe
from tests.hostile import billion_laughs, deep_block, deep_flow
yamlsafe._Loader = getattr(yaml, {loader!r})
yamlsafe.MAX_BYTES, yamlsafe.MAX_NODES = 1 << 20, 50_000  # the bombs, not the ordinary caps
texts = [billion_laughs(12), deep_flow(5000), deep_block(5000), b"#" * (yamlsafe.MAX_BYTES + 1),
         "[" + "a," * yamlsafe.MAX_NODES + "a]"]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for text in texts:
    try:
        yamlsafe.read_yaml(text)
    except yamlsafe.YamlError:
        pass
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


class TestMemory:
    """Reading every hostile file in turn grows the process by a few MiB at most."""

    @pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
    @pytest.mark.parametrize("loader_name", ["CSafeLoader", "SafeLoader"])
    def test_peak_memory_stays_small(self, loader_name: str) -> None:
        probe = _MEMORY_PROBE.format(root=str(ROOT), loader=loader_name)
        proc = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        assert int(proc.stdout) < 64, f"grew by {proc.stdout.strip()} MiB"


HOSTILE_TEXT = (
    "[link=https://evil.example]click me[/link] [bold]loud[/bold] [/x] "
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07osc\x1b]8;;\x07 "
    "\x1b]0;title\x07 c1\u009b31m \u202eesrever\u202c back\x08space cr\rreturn \u0085nel"
)
LITERAL = ["[link=https://evil.example]click me[/link]", "[bold]loud[/bold]", "[/x]"]
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RICH_SGR = re.compile("\x1b\\[[0-9;]*m")


def _yaml_quoted(text: str) -> str:
    return json.dumps(text)  # JSON escapes are valid YAML double-quoted escapes


def hostile_deck(directory: Path) -> Path:
    """Markup, ESC/OSC sequences, C1, bidi, backspace and CR, both escaped and raw."""
    directory.mkdir(parents=True, exist_ok=True)
    raw = HOSTILE_TEXT.replace("\r", " ")  # a raw CR is a YAML line break
    text = (
        "terms:\n"
        "  - slug: hostile-term\n"
        f"    name: {_yaml_quoted('Hostile [bold]Term[/bold] ' + chr(0x1B) + '[5m')}\n"
        f"    aliases: [{_yaml_quoted('[red]evil[/red]')}]\n"
        f"    tags: [{_yaml_quoted('x[/y]')}]\n"
        f"    definition: {_yaml_quoted(HOSTILE_TEXT)}\n"
        "  - slug: raw-hostile\n"
        "    name: Raw Hostile\n"
        f"    definition: '{raw}'\n"
    )
    path = directory / "hostile.yaml"
    path.write_bytes(text.encode("utf-8"))
    return path


def assert_clean(output: str, *, coloured: bool) -> None:
    text = RICH_SGR.sub("", output) if coloured else output
    assert UNSAFE.search(text) is None, repr(UNSAFE.search(text))
    assert "\x1b]" not in output  # no OSC: no hyperlinks, no title changes
    assert "\r" not in output


class TestHostileText:
    """Markup and control sequences in a deck come out literally and cleanly in every view."""

    def test_loaded_text_is_clean(self, tmp_path: Path) -> None:
        parsed = loader.parse_file(hostile_deck(tmp_path), "hostile")
        assert parsed.problems == ()
        for entry in parsed.entries:
            assert UNSAFE.search(entry.definition) is None  # type: ignore[attr-defined]
        definition = parsed.entries[0].definition  # type: ignore[attr-defined]
        for literal in LITERAL:
            assert literal in definition
        assert "[31mred[0m" in definition and "esrever" in definition

    @pytest.mark.parametrize(
        "args",
        [
            ("term", "hostile-term"),
            ("term", "raw-hostile"),
            ("terms", "--tag", "x[/y]"),
            ("search", "click"),
            ("search", "evil"),
            ("decks",),
        ],
    )
    @pytest.mark.parametrize("colour", [True, False], ids=["forced-colour", "piped"])
    def test_views(self, cli: Invoke, isolated: Path, args: tuple[str, ...], colour: bool) -> None:
        hostile_deck(isolated / "decks")
        env = {"FORCE_COLOR": "1", "COLUMNS": "200"} if colour else {"COLUMNS": "200"}
        result = cli(*args, env=env)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert_clean(result.stdout, coloured=colour)
        if colour:
            assert "\x1b[" in result.stdout  # colour really was on
        plain = RICH_SGR.sub("", result.stdout)
        if args[:2] == ("term", "hostile-term"):
            for literal in LITERAL:
                assert literal in plain
            assert "Hostile [bold]Term[/bold] [5m" in plain
            assert "[red]evil[/red]" in plain

    def test_real_terminal_process_piped(self, isolated: Path) -> None:
        hostile_deck(isolated / "decks")
        env = {**os.environ, "GENAI_HOME": str(isolated), "FORCE_COLOR": "1", "COLUMNS": "200"}
        proc = subprocess.run(
            [sys.executable, "-m", "genai_cli", "term", "hostile-term"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert_clean(proc.stdout, coloured=True)
        assert "[link=https://evil.example]click me[/link]" in RICH_SGR.sub("", proc.stdout)

    @pytest.mark.skipif(sys.platform == "win32", reason="file names with controls are POSIX-only")
    def test_warnings_and_validate_lines_are_clean(self, cli: Invoke, isolated: Path) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        name = "evil\x1b]8;;x\x07\nname\u202e.yaml"
        (decks / name).write_text(
            'terms:\n  - slug: a\n    "\\e]0;t\\a[bold]x\\u202e": 1\n', encoding="utf-8"
        )
        result = cli("term", "latent-space", env={"FORCE_COLOR": "1"})
        assert result.exit_code == 0
        (line,) = result.stderr.splitlines()
        assert UNSAFE.search(line) is None
        assert "evil\\x1b]8;;x\\x07\\nname\\u202e.yaml:2: term 'a': missing field 'name'" in line
        checked = cli("validate")
        assert checked.exit_code == 2
        assert UNSAFE.search(checked.stdout.replace("\n", "")) is None
        shown = "evil\\x1b]8;;x\\x07\\nname\\u202e.yaml"
        assert f"{shown}:3: term 'a': unknown field ']0;t[bold]x'" in checked.stdout
        assert len(checked.stdout.splitlines()) == 4  # every problem of the entry, and a summary
