"""A repeated read command is replayed from the cache: the same bytes, never stale.

Each test runs the real program in fresh processes (entry.main), with its own
GENAI_HOME and GENAI_CACHE_DIR.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genai_cli.knowledge import records

_PROBE = """
import json, sys
sys.argv = ["genai", *json.loads(sys.argv[1])]
from genai_cli.entry import main
code = 0
try:
    main()
except SystemExit as done:
    code = done.code or 0
sys.stderr.write("\\nMODULES=" + json.dumps([code, sorted(sys.modules)]))
"""

DECK = """terms:
  - slug: replayed-term
    name: Replayed Term
    definition: The first wording.
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GENAI_", "PYTEST_")) and k not in ("FORCE_COLOR", "NO_COLOR")
    }
    return {**base, "GENAI_HOME": str(home), "GENAI_CACHE_DIR": str(tmp_path / "cache")}


def run(env: dict[str, str], *args: str, **extra: str) -> tuple[int, str, str, set[str]]:
    """(exit code, stdout, stderr, modules imported) of one run of genai."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        env={**env, **extra},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    err, _, tail = proc.stderr.rpartition("\nMODULES=")
    code, modules = json.loads(tail)
    return code, proc.stdout, err, set(modules)


def replayed(modules: set[str]) -> bool:
    return (
        "genai_cli.entry" in modules
        and not {"rich", "typer", "genai_cli.knowledge.model"} & modules
    )


def outputs(env: dict[str, str]) -> list[Path]:
    versioned = Path(env["GENAI_CACHE_DIR"]) / f"v{records.SCHEMA_VERSION}"
    return list((versioned / "output").glob("*"))


@pytest.mark.parametrize(
    "args",
    [
        ("term", "latent-space"),
        ("term", "latnt-space"),
        ("term", "gan", "--json"),
        ("terms",),
        ("search", "attention"),
        ("compare", "gan", "vae"),
        ("myths",),
        ("quote", "--all"),
        ("--help",),
        ("search", "--help"),
    ],
)
def test_replay_is_byte_for_byte_the_run(env: dict[str, str], args: tuple[str, ...]) -> None:
    fresh = run(env, *args, GENAI_NO_REPLAY="1")
    first = run(env, *args)
    second = run(env, *args)
    assert not replayed(first[3])
    assert replayed(second[3]), "the second run should have been replayed"
    assert fresh[:3] == first[:3] == second[:3]
    assert not {"typer", "click", "rich", "yaml"} & second[3]


class TestNeverStale:
    def test_a_new_deck_is_seen(self, env: dict[str, str]) -> None:
        assert "Replayed Term" not in run(env, "terms")[1]
        assert replayed(run(env, "terms")[3])
        deck = Path(env["GENAI_HOME"]) / "decks" / "new.yaml"
        deck.write_text(DECK, encoding="utf-8")
        code, out, _err, modules = run(env, "terms")
        assert code == 0 and "Replayed Term" in out and not replayed(modules)

    def test_an_edit_with_the_same_size_and_mtime_is_seen(self, env: dict[str, str]) -> None:
        deck = Path(env["GENAI_HOME"]) / "decks" / "d.yaml"
        deck.write_text(DECK, encoding="utf-8")
        os.utime(deck, (1577836800, 1577836800))
        assert "first wording" in run(env, "term", "replayed-term")[1]
        assert replayed(run(env, "term", "replayed-term")[3])
        deck.write_text(DECK.replace("first", "other"), encoding="utf-8")
        os.utime(deck, (1577836800, 1577836800))
        assert "other wording" in run(env, "term", "replayed-term")[1]

    def test_a_deck_named_on_the_command_line_is_watched(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        deck = tmp_path / "elsewhere.yaml"
        code, _out, err, _ = run(env, "--deck", str(deck), "term", "replayed-term")
        assert code == 1 and "no such file" in err
        deck.write_text(DECK, encoding="utf-8")
        code, out, _err, _ = run(env, "--deck", str(deck), "term", "replayed-term")
        assert code == 0 and "Replayed Term" in out

    @pytest.mark.parametrize(
        "change", [{"COLUMNS": "60"}, {"FORCE_COLOR": "1"}, {"NO_COLOR": "1"}, {"LANG": "C"}]
    )
    def test_environment_is_part_of_the_key(
        self, env: dict[str, str], change: dict[str, str]
    ) -> None:
        env = {**env, "COLUMNS": "100"}
        run(env, "term", "latent-space")
        assert replayed(run(env, "term", "latent-space")[3])
        changed = {**env, **change}
        code, out, err, modules = run(changed, "term", "latent-space")
        assert not replayed(modules)
        assert (code, out, err) == run(changed, "term", "latent-space", GENAI_NO_REPLAY="1")[:3]

    def test_another_directory_is_another_output(self, env: dict[str, str], tmp_path: Path) -> None:
        deck = Path(env["GENAI_HOME"]) / "decks" / "d.yaml"
        deck.write_text(DECK + "    see_also: [nowhere]\n", encoding="utf-8")
        here = run(env, "terms")[2]
        os.chdir(tmp_path)
        try:
            there = run(env, "terms")[2]
        finally:
            os.chdir(Path(__file__).parent.parent)
        assert here != there  # the warning names the deck relative to each directory


class TestNotRecorded:
    def test_a_random_quote(self, env: dict[str, str]) -> None:
        run(env, "quote")
        run(env, "poem")
        assert outputs(env) == []

    def test_a_deck_that_could_not_be_read(self, env: dict[str, str]) -> None:
        # A regular file whose reading fails (EIO), as a flaky disk or network share would.
        (Path(env["GENAI_HOME"]) / "decks" / "eio.yaml").symlink_to("/proc/self/mem")
        (Path(env["GENAI_HOME"]) / "decks" / "ok.yaml").write_text(DECK, encoding="utf-8")
        code, out, err, _ = run(env, "term", "replayed-term")
        assert code == 0 and "Replayed Term" in out
        assert "cannot read" in err
        assert outputs(env) == []

    def test_progress_commands(self, env: dict[str, str]) -> None:
        run(env, "today")
        run(env, "stats")
        run(env, "quiz", "--plain", "-n", "1")
        assert outputs(env) == []


class TestPlanted:
    def test_a_record_for_another_key_or_garbage_is_a_miss(self, env: dict[str, str]) -> None:
        expected = run(env, "term", "latent-space")[:3]
        (record,) = outputs(env)
        found = records.read_record(str(record))
        assert found is not None
        header = found[0]
        header["chunks"] = [[1, "planted\n"]]
        header["key"][2] = ["term", "other"]
        records.write_record(str(record), header, b"")
        assert run(env, "term", "latent-space")[:3] == expected
        record.write_bytes(b"garbage")
        assert run(env, "term", "latent-space")[:3] == expected

    def test_a_fifo_is_not_opened(self, env: dict[str, str]) -> None:
        run(env, "term", "latent-space")
        (record,) = outputs(env)
        record.unlink()
        os.mkfifo(record)
        code, out, _err, _ = run(env, "term", "latent-space")  # would hang if opened
        assert code == 0 and "Latent Space" in out


def test_cache_root_without_platformdirs_matches_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from genai_cli.paths import cache_dir

    monkeypatch.delenv("GENAI_CACHE_DIR", raising=False)
    for xdg in ("", "/tmp/xdg-cache"):
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert records.cache_root() == str(cache_dir())


def test_a_query_of_any_length_is_bounded() -> None:
    """L13: only the first 32 distinct words are searched for, however long the query."""
    import time

    from genai_cli.knowledge.loader import load_bundled
    from genai_cli.reference.lookup import MAX_QUERY_WORDS, query_words, search

    assert MAX_QUERY_WORDS == 32
    words = [f"w{i}x" for i in range(20_000)]
    assert query_words(" ".join(words)) == words[:32]
    kb = load_bundled()
    started = time.perf_counter()
    long = search(kb, "attention " + " ".join(words), limit=5)
    assert time.perf_counter() - started < 1.0
    assert long and all("attention" in h.entry.slug for h in long)


def test_replay_on_a_terminal_keeps_colour_and_width(env: dict[str, str]) -> None:
    """On a real terminal (pty, 100 columns, colour on), a replay writes the same bytes."""
    import shutil

    import pexpect

    genai = shutil.which("genai", path=os.path.dirname(sys.executable))
    if genai is None:
        pytest.skip("the genai console script is not installed beside this Python")
    base = {k: v for k, v in env.items() if k not in ("COLUMNS", "NO_COLOR")}
    outputs_seen = []
    for extra in ({"GENAI_NO_REPLAY": "1"}, {}, {}):
        child = pexpect.spawn(
            genai, ["term", "latent-space"], env={**base, **extra}, dimensions=(40, 100)
        )
        child.expect(pexpect.EOF)
        outputs_seen.append(child.before)
    assert b"\x1b[" in outputs_seen[0]  # colour on a terminal
    assert outputs_seen[0] == outputs_seen[1] == outputs_seen[2]
    assert len(outputs(env)) == 1


def test_a_successful_run_with_nothing_on_stdout_is_not_recorded(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Output sent elsewhere (a pager's own process) must never be replayed as nothing."""
    from genai_cli import entry

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(entry, "_run", lambda argv: 0)  # as if a pager had shown it
    monkeypatch.setattr(sys, "argv", ["genai", "terms"])
    with pytest.raises(SystemExit):
        entry.main()
    assert outputs(env) == []


# --- what replay must never serve: each exclusion, and what the key must hold ---------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], False),  # bare `genai`: a due count from progress.db and the clock
        (["--no-pager"], False),
        (["--deck", "term"], False),  # a deck named like a command is no command
        (["--deck=terms"], False),
        (["--version"], False),
        (["today"], False),
        (["stats"], False),
        (["quiz", "--plain"], False),
        (["learn"], False),
        (["interview"], False),
        (["import", "cards.txt"], False),
        (["export", "out.apkg"], False),
        (["validate", "d.yaml"], False),
        (["decks"], False),
        (["graph"], False),
        (["quote"], False),  # random picks
        (["quote", "--json"], False),
        (["poem", "  "], False),
        (["--deck", "d", "quote", "--json"], False),
        (["term", "gan"], True),
        (["--deck", "d", "--no-pager", "term", "gan"], True),
        (["--deck=d", "search", "attention"], True),
        (["quote", "--all"], True),
        (["quote", "--seed", "3"], True),
        (["poem", "canvas"], True),
        (["--help"], True),
    ],
)
def test_only_pure_commands_are_replayable(argv: list[str], expected: bool) -> None:
    from genai_cli.entry import replayable

    assert replayable(argv) is expected


class TestNeverReplayed:
    def test_bare_genai_with_progress(self, env: dict[str, str]) -> None:
        run(env, "quiz", "--plain", "-n", "1")  # may create progress.db
        run(env)
        run(env, "--no-pager")
        assert outputs(env) == []

    def test_a_deck_named_like_a_command(self, env: dict[str, str], tmp_path: Path) -> None:
        (tmp_path / "term").mkdir()
        os.chdir(tmp_path)
        try:
            run(env, "--deck", "term")
        finally:
            os.chdir(Path(__file__).parent.parent)
        assert outputs(env) == []

    def test_study_and_file_commands(self, env: dict[str, str], tmp_path: Path) -> None:
        run(env, "learn", "--plain")
        run(env, "interview", "--plain")
        run(env, "export", str(tmp_path / "out.apkg"))
        run(env, "import", str(tmp_path / "missing.txt"))
        run(env, "validate", str(tmp_path / "missing.yaml"))
        run(env, "decks")
        run(env, "graph")
        assert outputs(env) == []

    def test_a_random_quote_as_json(self, env: dict[str, str]) -> None:
        run(env, "quote", "--json")
        run(env, "poem", "--json")
        assert outputs(env) == []

    def test_a_deck_warning_is_replayed_with_its_deck_watched(self, env: dict[str, str]) -> None:
        deck = Path(env["GENAI_HOME"]) / "decks" / "d.yaml"
        deck.write_text(DECK + "  - slug: Broken\n    name: x\n", encoding="utf-8")
        first = run(env, "term", "replayed-term")
        assert first[0] == 0 and "Broken" in first[2]
        second = run(env, "term", "replayed-term")
        assert replayed(second[3]) and second[:3] == first[:3]
        deck.write_text(DECK, encoding="utf-8")
        third = run(env, "term", "replayed-term")
        assert not replayed(third[3]) and "Broken" not in third[2]


def test_paged_output_is_never_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    from genai_cli import runner

    monkeypatch.setattr(records._STATE, "unstored", 0)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(runner, "pager_command", lambda: ["less"])
    monkeypatch.setattr(runner, "page", lambda text, command: True)
    runner.show("\n".join(["line"] * 500))
    assert records.unstored() == 1
    monkeypatch.setattr(records._STATE, "unstored", 0)
    runner.show("one line")  # fits the screen: written to stdout as it is
    assert records.unstored() == 0


def _key_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> object:
    from genai_cli.entry import replay_key

    for name in ("GENAI_NOW", "NO_COLOR", "COLUMNS", "GENAI_NO_REPLAY", "_GENAI_COMPLETE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return replay_key(["term", "gan"])


def test_the_clock_override_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _key_with(monkeypatch)
    assert plain is not None
    assert _key_with(monkeypatch, GENAI_NOW="2030-01-01T00:00:00") != plain
    assert _key_with(monkeypatch, GENAI_NOW="2031-01-01T00:00:00") != _key_with(
        monkeypatch, GENAI_NOW="2030-01-01T00:00:00"
    )


def test_colour_width_and_terminal_are_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """runner.tell colours and wraps on a terminal: its output differs with each of these."""
    plain = _key_with(monkeypatch)
    assert _key_with(monkeypatch, NO_COLOR="1") != plain
    assert _key_with(monkeypatch, COLUMNS="60") != plain
    monkeypatch.setattr(os, "isatty", lambda fd: fd == 2)
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((80, 24)))
    on_tty = _key_with(monkeypatch)
    assert on_tty != plain
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((120, 24)))
    assert _key_with(monkeypatch) != on_tty


def test_a_term_miss_tells_each_deck_warning_once(env: dict[str, str]) -> None:
    deck = Path(env["GENAI_HOME"]) / "decks" / "d.yaml"
    deck.write_text(DECK + "    see_also: [nowhere]\n", encoding="utf-8")
    for extra in ({"GENAI_NO_REPLAY": "1"}, {}, {}):
        code, _out, err, _ = run(env, "term", "zzzzqq", **extra)
        assert code == 1
        assert err.count("'nowhere' is not a known entry") == 1, err
