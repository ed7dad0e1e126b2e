"""Regression tests for the red-team report (docs: ../shared/reviews/redteam.md), one per finding.

Each test is named after the finding it pins (``test_c1_...``, ``test_h4_...``) and failed on the
commit the report was written against.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest

from genai_cli.study.scheduler import CardState
from genai_cli.study.store import ReviewRecord, open_store
from tests.conftest import Invoke
from tests.test_untrusted import assert_clean

NOW = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
EVIL_ID = "typed:\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\x1b]0;TITLE\x1b\\\x1b[31mEVIL\x9b2J\u202e"


def seed_progress(home: Path, card_ids: list[str]) -> Path:
    """A progress database holding one answered card per id, all long overdue."""
    path = home / "progress.db"
    home.mkdir(parents=True, exist_ok=True)
    with open_store(path, NOW) as store:
        for card_id in card_ids:
            state = CardState(card_id, 2, None, 1.0, 5.0, NOW, NOW, 1, 1)
            store.record(card_id, lambda _old, s=state: s, ReviewRecord(card_id, NOW, 1, False))
    return path


HOSTILE_IDS = [
    EVIL_ID,
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07:latent-space",
    "myth-or-fact:\u009b31m\u202eesrever\u2066x\u2069",
    "typed:[bold]x[/bold]\x07\x08\r",
    "\u200b\ufeff:\U000e0041",
]


class TestC1:
    """Strings read from progress.db are data: no escape reaches the terminal."""

    @pytest.mark.parametrize("colour", [True, False], ids=["forced-colour", "piped"])
    def test_c1_every_command_with_a_hostile_progress_db(
        self, cli: Invoke, isolated: Path, colour: bool
    ) -> None:
        """The terminal test of test_untrusted, with the hostile data in progress.db."""
        seed_progress(isolated, [*HOSTILE_IDS, "typed:latent-space"])
        conn = sqlite3.connect(isolated / "progress.db")
        conn.execute("UPDATE reviews SET answer = ?", (EVIL_ID,))
        conn.commit()
        conn.close()
        env = {"FORCE_COLOR": "1", "COLUMNS": "200"} if colour else {"COLUMNS": "200"}
        runs = [
            ("stats",),
            ("stats", "--json"),
            ("today",),
            ("today", "--json"),
            ("quiz", "--plain", "--due", "-n", "3"),
            ("quiz", "--plain", "-n", "2"),
        ]
        for args in runs:
            result = cli(*args, env=env, input="1\n1\n1\n")
            assert result.exit_code == 0, (args, result.stderr)
            assert_clean(result.stdout, coloured=colour and "--json" not in args)
            assert_clean(result.stderr, coloured=False)
            for char in INVISIBLE:
                assert char not in result.stdout + result.stderr, (args, char)

    @pytest.mark.parametrize("colour", [True, False], ids=["forced-colour", "piped"])
    def test_c1_stats_cleans_card_ids(self, cli: Invoke, isolated: Path, colour: bool) -> None:
        seed_progress(isolated, [EVIL_ID, "typed:latent-space"])
        env = {"FORCE_COLOR": "1", "COLUMNS": "200"} if colour else {"COLUMNS": "200"}
        for args in (("stats",), ("stats", "--json"), ("today",), ("today", "--json")):
            result = cli(*args, env=env)
            assert result.exit_code == 0, result.stderr
            assert_clean(result.stdout, coloured=colour and "--json" not in args)
            assert_clean(result.stderr, coloured=False)
        assert "EVIL" in cli("stats", env={"COLUMNS": "200"}).stdout


EQUALS_DECK = "terms:\n  - slug: eq\n    name: Equals\n    definition: =\n"
MERGE_DECK = (
    "base: &b {tags: [x]}\nterms:\n  - slug: m\n    <<: *b\n    name: M\n    definition: D\n"
)


class TestH1:
    """A bare ``=`` or a ``<<`` merge key is a problem of that file, never a crash of the tool."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (EQUALS_DECK, "eq.yaml:4: term 'eq': definition must be text, but is read by YAML"),
            (MERGE_DECK, "eq.yaml:4: merge keys (<<) are not supported"),
            ("terms:\n  - slug: eq\n    name: <<\n    definition: x\n", "eq.yaml:3: term 'eq'"),
        ],
        ids=["value", "merge-key", "merge-value"],
    )
    def test_h1_value_and_merge_are_file_problems(
        self, cli: Invoke, isolated: Path, text: str, expected: str
    ) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "eq.yaml").write_text(text, encoding="utf-8")
        looked = cli("term", "latent-space")
        assert looked.exit_code == 0
        # a field problem skips the entry (issue 13 §4); a YAML-level one the whole file
        assert expected in looked.stderr
        assert ("entry skipped" if "term 'eq'" in expected else "deck skipped") in looked.stderr
        checked = cli("validate")
        assert checked.exit_code == 2
        assert expected in checked.stdout
        assert cli("decks").exit_code == 0

    def test_h1_completion_survives_a_bad_deck(self, isolated: Path) -> None:
        from genai_cli.cli import complete_term

        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "eq.yaml").write_text(EQUALS_DECK, encoding="utf-8")
        assert "latent-space" in complete_term("latent-s")


NON_LATIN_DECK = (
    "terms:\n"
    "  - slug: zh-latent\n    name: 潜在空间\n    definition: 生成模型在其中运行的压缩表示。\n"
    "  - slug: greek\n    name: Αλφα Βήτα\n    definition: Greek.\n"
    "  - slug: cafe\n    name: Café Crème\n    definition: Coffee.\n"
    "  - slug: hindi\n    name: किताब\n    definition: A book.\n"
)


class TestH4:
    """Names of every script fold to themselves; a name with no letters is a usage error."""

    def test_h4_normalize_keeps_every_script(self) -> None:
        from genai_cli.knowledge.names import normalize

        assert normalize("Αλφα Βήτα") == "αλφα-βήτα"
        assert normalize("潜在空间") == "潜在空间"
        assert normalize("Café Crème") == "café-crème"
        assert normalize("Über Model") != normalize("Ber Model")
        assert normalize("किताब") == "किताब"  # vowel signs are marks, not separators
        assert normalize("Latent_Spaces") == "latent-space"
        assert normalize("ＬＡＴＥＮＴ") == "latent"  # NFKC
        assert normalize("lat\u200bent") == "latent"  # invisible format characters join
        assert normalize("!!!") == normalize("   ") == ""
        assert normalize("ǰ") == unicodedata.normalize("NFC", "ǰ")  # casefold decomposes it

    @pytest.mark.parametrize(
        ("query", "name"),
        [("Αλφα Βήτα", "Αλφα Βήτα"), ("αλφα βήτα", "Αλφα Βήτα"), ("潜在空间", "潜在空间")],
    )
    def test_h4_non_latin_lookup(self, cli: Invoke, isolated: Path, query: str, name: str) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "zh.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        result = cli("term", query)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0].startswith(f"╭─ {name} ")

    @pytest.mark.parametrize("query", ["", "!!!", "   ", "—"])
    def test_h4_empty_name_is_a_usage_error(self, cli: Invoke, isolated: Path, query: str) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "zh.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        for args in (("term", query), ("term", query, "--json"), ("algorithms", query)):
            result = cli(*args)
            assert result.exit_code == 2, (args, result.stdout)
            assert result.stdout == ""
            assert "genai: " in result.stderr and "no letters or digits" in result.stderr

    def test_h4_fast_path_agrees(self, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
        from genai_cli.entry import fast_path

        assert fast_path(["term", "!!!"]) == 2
        assert "no letters or digits" in capsys.readouterr().err

    def test_h4_search_finds_non_latin_words(self, cli: Invoke, isolated: Path) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "zh.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        for query, name in (("潜在", "潜在空间"), ("空间", "潜在空间"), ("βήτα", "Αλφα Βήτα")):
            result = cli("search", query, env={"COLUMNS": "120"})
            assert result.exit_code == 0 and name in result.stdout, (query, result.stdout)

    @pytest.mark.parametrize("answer", ["潜在空间", "Άλφα", "Café Crème"])
    def test_h4_exact_non_latin_answer_is_right(self, answer: str) -> None:
        from genai_cli.study.questions import Question, grade

        question = Question("typed:x", "typed", "x", answer, "…", (), answer, ("x", answer))
        outcome = grade(question, answer)
        assert outcome is not None and outcome.correct and not outcome.close
        wrong = grade(question, "潜在时间" if answer != "潜在空间" else "Βήτα")
        assert wrong is not None and not wrong.correct


GOOD_DECK = "terms:\n  - slug: {slug}\n    name: {name}\n    definition: x\n"


def write_deck(directory: Path, name: str | bytes, slug: str = "deck-one", label: str = "") -> Path:
    import os

    directory.mkdir(parents=True, exist_ok=True)
    text = GOOD_DECK.format(slug=slug, name=label or slug.replace("-", " ").title())
    path = os.path.join(os.fsencode(directory), os.fsencode(name))
    with open(path, "wb") as handle:
        handle.write(text.encode())
    return Path(os.fsdecode(path))


class TestM1:
    """A symlink loop or an unknown ~user is one line; everything else still works."""

    def test_m1_decks_dir_is_a_symlink_loop(self, cli: Invoke, isolated: Path) -> None:
        isolated.mkdir(parents=True)
        (isolated / "decks").symlink_to("decks")
        result = cli("term", "latent-space")
        assert result.exit_code == 0
        assert "deck directory" in result.stderr and "symbolic links" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert cli("validate").exit_code == 2

    def test_m1_genai_decks_loop(self, cli: Invoke, tmp_path: Path) -> None:
        (tmp_path / "l2").symlink_to(tmp_path / "l1")
        (tmp_path / "l1").symlink_to(tmp_path / "l2")
        result = cli("terms", env={"GENAI_DECKS": str(tmp_path / "l1")})
        assert result.exit_code == 0 and "latent" in result.stdout.casefold()
        assert result.stderr.startswith("genai: warning: GENAI_DECKS: ")
        assert "l1" in result.stderr and "internal" not in result.stderr

    @pytest.mark.parametrize("how", ["GENAI_DECKS", "--deck"])
    def test_m1_unknown_user_in_deck_paths(self, cli: Invoke, how: str) -> None:
        if how == "--deck":
            result = cli("--deck", "~nosuchuser/x.yaml", "terms")
        else:
            result = cli("terms", env={"GENAI_DECKS": "~nosuchuser/x.yaml"})
        assert result.exit_code == 0, result.stderr
        assert "~nosuchuser/x.yaml: no such file or directory" in result.stderr

    def test_m1_unknown_user_in_genai_home(self, cli: Invoke) -> None:
        env = {"GENAI_HOME": "~nosuchuser/x"}
        looked = cli("terms", env=env)
        assert looked.exit_code == 0
        assert "GENAI_HOME ~nosuchuser/x: ~nosuchuser is no known user" in looked.stderr
        quiz = cli("stats", env=env)
        assert quiz.exit_code == 2 and "internal" not in quiz.stderr
        assert not Path("~nosuchuser").exists()


class TestM2:
    """A deck file name that is not UTF-8 is shown with \\xNN escapes; JSON stays UTF-8."""

    def test_m2_non_utf8_file_names(self, cli: Invoke, isolated: Path) -> None:
        import json

        decks = isolated / "decks"
        write_deck(decks, b"bad\xff.yaml").write_text("terms: [", encoding="utf-8")
        write_deck(decks, b"lat\xe9.yaml", "lat1")
        for args in (("decks",), ("decks", "--json"), ("validate",), ("term", "lat1", "--json")):
            result = cli(*args)
            assert result.exit_code in (0, 2), (args, result.stderr)
            assert "internal" not in result.stderr
            result.stdout.encode("utf-8")  # no lone surrogates
            result.stderr.encode("utf-8")
            if "--json" in args:
                json.loads(result.stdout)
        assert "bad\\xff.yaml" in cli("validate").stdout
        assert json.loads(cli("term", "lat1", "--json").stdout)["deck"].endswith("lat\\xe9.yaml")


class TestM12:
    """Messages name the path the user gave, not where a symlink points."""

    def test_m12_export_names_the_link(self, cli: Invoke, tmp_path: Path) -> None:
        (tmp_path / "precious.txt").write_text("precious")
        (tmp_path / "link.csv").symlink_to(tmp_path / "precious.txt")
        (tmp_path / "dangle.csv").symlink_to(tmp_path / "nowhere" / "x")
        for name in ("link.csv", "dangle.csv"):
            result = cli("export", "--format", "csv", "--output", str(tmp_path / name))
            assert result.exit_code == 1
            assert f"{name} already exists" in result.stderr
            assert "precious" not in result.stderr and "nowhere" not in result.stderr
        assert (tmp_path / "precious.txt").read_text() == "precious"

    def test_m12_deck_warning_names_the_link(self, cli: Invoke, isolated: Path) -> None:
        target = write_deck(isolated / "elsewhere", "target.yaml")
        target.write_text("terms: [", encoding="utf-8")
        (isolated / "decks").mkdir()
        (isolated / "decks" / "mine.yaml").symlink_to(target)
        result = cli("term", "latent-space")
        assert "mine.yaml" in result.stderr and "target.yaml" not in result.stderr


class TestL3:
    """Two decks whose names differ only by a control character are told apart."""

    def test_l3_control_character_names(self, cli: Invoke, isolated: Path) -> None:
        decks = isolated / "decks"
        write_deck(decks, "a\x01.yaml").write_text("terms: [", encoding="utf-8")
        write_deck(decks, "a\x02.yaml", "good-one")
        looked = cli("term", "good-one")
        assert looked.exit_code == 0, looked.stderr
        assert len(looked.stderr.splitlines()) == 1 and "a\\x01.yaml" in looked.stderr


class TestL5:
    """Empty paths are usage errors, and ``--output -`` is standard output."""

    def test_l5_empty_deck_is_a_usage_error(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_deck(tmp_path, "stray.yaml", "stray-one")
        monkeypatch.chdir(tmp_path)
        result = cli("--deck", "", "term", "stray-one")
        assert result.exit_code == 2 and "--deck needs a path" in result.stderr

    def test_l5_empty_output_is_a_usage_error(self, cli: Invoke) -> None:
        result = cli("export", "--format", "csv", "--output", "")
        assert result.exit_code == 2 and "--output needs a file name" in result.stderr


def export_to(cli: Invoke, target: Path, *extra: str) -> object:
    return cli("export", "--format", "csv", "--output", str(target), *extra)


class TestH6:
    """export never replaces a device, FIFO, socket or directory, nor writes through a link."""

    @pytest.mark.parametrize("kind", ["fifo", "socket", "directory", "device"])
    @pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
    def test_h6_non_files_are_refused(
        self, cli: Invoke, tmp_path: Path, kind: str, force: bool
    ) -> None:
        import os
        import socket
        import stat

        target = tmp_path / "target"
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "socket":
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(target))
        elif kind == "directory":
            target.mkdir()
        else:
            target = Path("/dev/null")
        before = target.lstat()
        result = cli("export", "--format", "csv", "--output", str(target), *(["--force"] * force))
        assert result.exit_code == 1
        assert "not a file" in result.stderr and "--force" not in result.stderr
        after = target.lstat()
        assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
            stat.S_IFMT(before.st_mode),
            before.st_ino,
        )
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    def test_h6_force_replaces_a_link_not_its_target(self, cli: Invoke, tmp_path: Path) -> None:
        (tmp_path / "precious.txt").write_text("precious")
        link = tmp_path / "out.csv"
        link.symlink_to(tmp_path / "precious.txt")
        result = cli("export", "--format", "csv", "--output", str(link), "--force")
        assert result.exit_code == 0, result.stderr
        assert not link.is_symlink() and (tmp_path / "precious.txt").read_text() == "precious"

    @pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "anki"])
    def test_h6_dash_is_stdout(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
    ) -> None:
        (tmp_path / "here").mkdir()
        monkeypatch.chdir(tmp_path / "here")
        result = cli("export", "--format", fmt, "--output", "-")
        assert result.exit_code == 0, result.stderr
        assert list((tmp_path / "here").iterdir()) == []  # no file named "-"
        data = result.stdout_bytes
        assert b"Wrote" not in data[-200:]
        if fmt == "anki":
            assert data[:2] == b"PK"
        else:
            assert b"latent" in data.lower()


class TestL4:
    """--force keeps the replaced file's permissions."""

    def test_l4_force_keeps_mode(self, cli: Invoke, tmp_path: Path) -> None:
        target = tmp_path / "private.csv"
        target.write_text("old")
        target.chmod(0o600)
        result = cli("export", "--format", "csv", "--output", str(target), "--force")
        assert result.exit_code == 0, result.stderr
        assert target.stat().st_mode & 0o777 == 0o600 and target.read_text() != "old"


def run_closed(home: Path, args: list[str], close: int, stdin: str = "") -> tuple[int, str, str]:
    """Run genai in a child whose descriptor ``close`` (0, 1 or 2) is closed."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "GENAI_HOME": str(home), "COLUMNS": "80"}
    env.pop("GENAI_DEBUG", None)
    streams: dict[str, object] = {"stdin": subprocess.PIPE}
    if close == 0:
        streams["stdin"] = None
    proc = subprocess.Popen(
        [sys.executable, "-c", "from genai_cli.entry import main; main()", *args],
        stdout=subprocess.PIPE if close != 1 else None,
        stderr=subprocess.PIPE if close != 2 else None,
        env=env,
        text=True,
        preexec_fn=lambda: os.close(close),  # noqa: PLW1509 - the point of the test
        **streams,  # type: ignore[arg-type]
    )
    out, err = proc.communicate(stdin if close != 0 else None, timeout=60)
    return proc.returncode, out or "", err or ""


class TestH7:
    """Closed stdin, stdout or stderr: a sensible exit code and no traceback."""

    @pytest.mark.parametrize(
        "args",
        [["--version"], ["term", "latent-space", "--json"], ["validate"], ["stats", "--json"]],
    )
    def test_h7_stdout_closed(self, isolated: Path, args: list[str]) -> None:
        code, _out, err = run_closed(isolated, args, close=1)
        assert code == 1
        assert err == "genai: standard output is closed; nothing was done\n"

    @pytest.mark.parametrize("args", [["quiz", "--plain", "-n", "2"], ["quiz", "-n", "2"]])
    def test_h7_stdin_closed_is_end_of_input(self, isolated: Path, args: list[str]) -> None:
        code, out, err = run_closed(isolated, args, close=0)
        assert code == 0, err
        assert "Traceback" not in err and "internal" not in err
        assert "No answers recorded" in out

    def test_h7_stderr_closed_keeps_the_exit_code(self, isolated: Path) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "broken.yaml").write_text("terms: [", encoding="utf-8")
        code, out, _err = run_closed(isolated, ["term", "latent-space"], close=2)
        assert code == 0 and "Latent Space" in out
        code, _out, _err = run_closed(isolated, ["term", "no-such-thing"], close=2)
        assert code == 1

    def test_h7_unwritable_stderr(self, isolated: Path) -> None:
        import os
        import subprocess
        import sys

        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "broken.yaml").write_text("terms: [", encoding="utf-8")
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "genai_cli", "term", "latent-space"],
                env={**os.environ, "GENAI_HOME": str(isolated)},
                stdout=subprocess.PIPE,
                stderr=full,
                check=False,
            )
        assert proc.returncode == 0 and b"Latent Space" in proc.stdout


VIEWS = [
    [],
    ["term", "latent-space"],
    ["terms"],
    ["search", "diffusion"],
    ["compare", "gan", "vae"],
    ["algorithms"],
    ["myths"],
    ["concepts"],
    ["apps"],
    ["quote", "--all"],
    ["poem"],
    ["decks"],
    ["today"],
    ["stats"],
    ["validate"],
    ["term", "latent-space", "--json"],
    ["terms", "--json"],
]


class TestM3:
    """Legacy and ASCII output encodings: every view works, --json stays exact."""

    @pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
    def test_m3_every_view(self, isolated: Path, encoding: str) -> None:
        import json
        import os
        import subprocess
        import sys

        env = {**os.environ, "GENAI_HOME": str(isolated), "PYTHONIOENCODING": encoding}
        for args in VIEWS:
            proc = subprocess.run(
                [sys.executable, "-m", "genai_cli", *args],
                env=env,
                capture_output=True,
                check=False,
            )
            assert proc.returncode == 0, (args, proc.stderr)
            assert proc.stderr == b"", (args, proc.stderr)
            proc.stdout.decode(encoding)
            if "--json" in args:
                json.loads(proc.stdout.decode("utf-8"))
        proc = subprocess.run(
            [sys.executable, "-m", "genai_cli", "quiz", "--plain", "--mode", "choice", "-n", "3"],
            env=env,
            input=b"1\n1\n1\n",
            capture_output=True,
            check=False,
        )
        assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
        assert b"Quiz summary" in proc.stdout  # the summary after the last answer


class TestL8:
    """At the reset prompt, no is "Nothing changed." (exit 0), Ctrl-C is exit 130."""

    @pytest.mark.parametrize("answer", ["n\n", "\n", "", "maybe\n"])
    def test_l8_no_changes_nothing(self, cli: Invoke, isolated: Path, answer: str) -> None:
        seed_progress(isolated, ["typed:latent-space"])
        result = cli("stats", "--reset", input=answer)
        assert result.exit_code == 0
        assert result.stdout.endswith("Nothing changed.\n") and "Aborted" not in result.stdout
        assert result.stderr == ""
        assert not [p for p in isolated.iterdir() if "backup" in p.name]

    def test_l8_yes_resets(self, cli: Invoke, isolated: Path) -> None:
        seed_progress(isolated, ["typed:latent-space"])
        result = cli("stats", "--reset", input="y\n")
        assert result.exit_code == 0 and "Progress reset" in result.stdout

    def test_l8_ctrl_c_is_130(self, isolated: Path) -> None:
        import os
        import sys

        import pexpect

        seed_progress(isolated, ["typed:latent-space"])
        env = {**os.environ, "GENAI_HOME": str(isolated)}
        child = pexpect.spawn(
            sys.executable, ["-m", "genai_cli", "stats", "--reset"], env=env, timeout=30
        )
        child.expect_exact("[y/N]: ")
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130
        said = (child.before or b"").replace(b"\x1b[1;31m", b"").replace(b"\x1b[0m", b"")
        assert b"genai: interrupted" in said  # coloured on a terminal


class TestL9:
    """A quiz whose reader goes away keeps its answers and exits 0 quietly."""

    def test_l9_broken_pipe(self, isolated: Path) -> None:
        import os
        import subprocess
        import sys

        env = {**os.environ, "GENAI_HOME": str(isolated)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "genai_cli", "quiz", "--plain", "-n", "20", "--mode", "choice"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(b"1\n" * 3)
        proc.stdin.flush()
        seen = b""
        while seen.count(b"Your answer") < 2:  # two questions shown: the reader goes away
            seen += os.read(proc.stdout.fileno(), 4096)
        proc.stdout.close()
        proc.stdin.write(b"1\n" * 17)
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        assert proc.stderr is not None and proc.stderr.read() == b""
        conn = sqlite3.connect(isolated / "progress.db")
        kept = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        conn.close()
        assert kept >= 1

    def test_l9_rich_output_into_a_closed_pipe_is_exit_0(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Rich's own handler raised SystemExit(1) past the error boundary."""
        import os

        from rich.text import Text

        from genai_cli import runner

        read, write = os.pipe()
        os.close(read)
        with os.fdopen(write, "w") as closed:
            monkeypatch.setattr("sys.stdout", closed)
            assert runner.run(lambda: runner.show(Text("x" * 100_000))) == 0


class TestL10:
    """COLUMNS out of range falls back to the real width."""

    @pytest.mark.parametrize("columns", ["99999999999999999999", "100000", "0"])
    def test_l10_columns_out_of_range(self, cli: Invoke, columns: str) -> None:
        for args in VIEWS:
            result = cli(*args, env={"COLUMNS": columns})
            assert result.exit_code == 0, (args, result.stderr)
            longest = max((len(line) for line in result.stdout.splitlines()), default=0)
            assert longest <= 1000, args


INVISIBLE = "\u200b\u2060\ufeff\u00ad\ufff9\ufffa\ufffb\U000e0041\U000e0042"


class TestL1:
    """Invisible characters are removed like controls; an invisible-only text is empty."""

    def test_l1_invisible_characters_do_not_reach_the_output(
        self, cli: Invoke, isolated: Path
    ) -> None:

        decks = isolated / "decks"
        decks.mkdir(parents=True)
        definition = f'"Vis{INVISIBLE}ible\\u2028next line\\u2029and more."'  # YAML escapes
        (decks / "inv.yaml").write_text(
            f"terms:\n  - slug: inv\n    name: Inv Term\n    definition: {definition}\n",
            encoding="utf-8",
        )
        for args in (("term", "inv"), ("term", "inv", "--json"), ("search", "visible")):
            result = cli(*args)
            assert result.exit_code == 0, result.stderr
            assert not any(c in result.stdout for c in INVISIBLE + "\u2028\u2029"), args
        assert "Visible" in cli("term", "inv").stdout

    def test_l1_invisible_only_definition_is_empty(self, cli: Invoke, isolated: Path) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "inv.yaml").write_text(
            'terms:\n  - slug: inv\n    name: Inv\n    definition: "\\u200b\\u200d "\n',
            encoding="utf-8",
        )
        result = cli("validate")
        assert result.exit_code == 2 and "definition must not be empty" in result.stdout


class TestL2:
    """Quoted values in warnings are capped; one bad value never makes a huge line."""

    def test_l2_long_slug_and_complexity(self, cli: Invoke, isolated: Path) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "slug.yaml").write_text(
            f"terms:\n  - slug: {'X' * 900_000}\n    name: A\n    definition: d\n",
            encoding="utf-8",
        )
        stated = "O(" + "(" * 40_000 + ")"
        (decks / "algo.yaml").write_text(
            "algorithms:\n  - slug: al\n    name: Al\n    description: d\n    use_case: u\n"
            f"    complexity:\n      stated: '{stated}'\n      variables: {{n: x}}\n",
            encoding="utf-8",
        )
        looked = cli("term", "latent-space")
        assert looked.exit_code == 0
        assert len(looked.stderr.splitlines()) == 2
        assert max(len(line) for line in looked.stderr.splitlines()) < 600
        assert "characters)" in looked.stderr
        assert "complexity complexity" not in looked.stderr
        checked = cli("validate")
        assert len(checked.stdout) < 2000
        assert len(cli("decks").stdout.splitlines()) < 60


class TestL6:
    """--json paths are absolute: the same from any working directory."""

    def test_l6_json_paths_do_not_depend_on_the_cwd(
        self, cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import json

        deck = write_deck(isolated / "decks", "d.yaml", "dee-one")
        seen = set()
        for where in (isolated / "decks", isolated, Path("/")):
            monkeypatch.chdir(where)
            term = json.loads(cli("term", "dee-one", "--json").stdout)
            decks = json.loads(cli("decks", "--json").stdout)
            seen.add((term["deck"], decks[-1]["path"]))
        assert seen == {(str(deck), str(deck))}


class TestL7:
    """The Markdown export leaves nothing for GFM's extended autolinks to turn into a link."""

    def test_l7_bare_urls_are_neutralised(self) -> None:
        from markdown_it import MarkdownIt

        from genai_cli.formats.markdown import md_escape

        hostile = "see https://evil.example/auto, WWW.evil.example and mail me@evil.example"
        escaped = md_escape(hostile)
        assert "://" not in escaped and "www." not in escaped.casefold() and "@" not in escaped
        html = MarkdownIt("commonmark").render(escaped)
        assert "<a" not in html
        assert "https://evil.example/auto, WWW.evil.example and mail me@evil.example" in html


class TestL11:
    """validate warns when a deck replaces a bundled entry, and says when the kind changes."""

    def test_l11_bundled_override_and_kind_change(self, cli: Invoke, isolated: Path) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "over.yaml").write_text(
            "terms:\n  - slug: embedding\n    name: My Embedding\n    definition: mine\n"
            "myths:\n  - slug: latent-space\n    myth: A myth.\n    fact: A fact.\n",
            encoding="utf-8",
        )
        result = cli("validate")
        assert result.exit_code == 0, result.stdout
        lines = result.stdout.splitlines()
        assert any(
            "term 'embedding': replaces the bundled term" in line and "turning" not in line
            for line in lines
        )
        assert any(
            "myth 'latent-space': replaces the bundled term" in line
            and "turning a term into a myth" in line
            for line in lines
        )
        assert "2 warnings" in lines[-1]


class TestM11:
    """An export genai would not load back as a deck is warned about when it is written."""

    def test_m11_large_json_export_warns(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from genai_cli.knowledge import yamlsafe

        small = cli("export", "--format", "json", "--output", str(tmp_path / "ok.json"))
        assert small.exit_code == 0 and small.stderr == ""
        monkeypatch.setattr(yamlsafe, "MAX_BYTES", 10_000)  # the bundled data is larger
        big = cli("export", "--format", "json", "--output", str(tmp_path / "big.json"))
        assert big.exit_code == 0 and (tmp_path / "big.json").exists()
        assert "will not load this export as a deck" in big.stderr
        monkeypatch.setattr(yamlsafe, "MAX_BYTES", 1 << 30)
        monkeypatch.setattr(yamlsafe, "MAX_NODES", 100)
        many = cli("export", "--format", "json", "--output", str(tmp_path / "many.json"))
        assert "values, more than the 100 of a deck" in many.stderr
