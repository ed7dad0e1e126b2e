"""The red-team regressions (../shared/reviews/redteam.md) on the commands main gained after
the report: `genai learn`, `genai interview` (and `--history`), `genai import` and
`genai quiz --topic questions|cloze`.

Each test is named after the finding it extends (C1, H4, H5, H7, M3, M4, M6).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from genai_cli.study.scheduler import CardState
from genai_cli.study.store import ReviewRecord, open_store
from tests.conftest import Invoke
from tests.test_redteam import EVIL_ID, HOSTILE_IDS, INVISIBLE, NOW, run_closed
from tests.test_store_faults import genai as store_genai
from tests.test_store_faults import needs_setpriv
from tests.test_untrusted import assert_clean

QUESTION = "why-llms-hallucinate"  # a bundled interview question
EVIL_TEXT = (
    "first line\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\nEVIL\x9b31m\u202eesrever\u2066x\u2069"
    "[bold]markup[/bold]\r\x08" + INVISIBLE
)


def seed_interview(home: Path) -> Path:
    """A progress database with interview answers as genai writes them, but hostile text
    in the answers and hostile card ids beside them (from a restored or shared file)."""
    path = home / "progress.db"
    home.mkdir(parents=True, exist_ok=True)
    ids = [f"interview:{QUESTION}", f"interview:{EVIL_ID}", *HOSTILE_IDS, "cloze-1:x\x1b[31m"]
    with open_store(path, NOW) as store:
        for card_id in ids:
            state = CardState(card_id, 2, None, 1.0, 5.0, NOW, NOW, 1, 1)
            store.record(
                card_id,
                lambda _old, s=state: s,  # type: ignore[misc]
                ReviewRecord(card_id, NOW, 3, True, answer=EVIL_ID),
                typed=EVIL_TEXT,
            )
    return path


STUDY_RUNS: list[tuple[tuple[str, ...], str]] = [
    (("interview", "--history"), ""),
    (("interview", "--history", "--json"), ""),
    (("interview", "--history", QUESTION), ""),
    (("interview", "--history", QUESTION, "--json"), ""),
    (("interview", "-n", "2", "--seed", "1"), "an answer\n\n3\n\n"),
    (("learn", "latent-space", "--json"), ""),
    (("learn", "latent-space", "--plain", "--seed", "1"), "1\n" * 12),
    (("quiz", "--plain", "--topic", "questions", "-n", "2"), "\n3\n\n3\n"),
    (("quiz", "--plain", "--topic", "cloze", "-n", "2"), "x\ny\n"),
    (("quiz", "--plain", "--leeches"), "1\n"),
    (("stats",), ""),
    (("stats", "--json"), ""),
]


class TestC1StudyCommands:
    """Text read from progress.db, typed interview answers included, is data in every
    command main gained: no ESC, C1, bidi or invisible character reaches the output."""

    @pytest.mark.parametrize("colour", [True, False], ids=["forced-colour", "piped"])
    def test_c1_new_commands_with_a_hostile_progress_db(
        self, cli: Invoke, isolated: Path, colour: bool
    ) -> None:
        seed_interview(isolated)
        env = {"FORCE_COLOR": "1", "COLUMNS": "200"} if colour else {"COLUMNS": "200"}
        for args, stdin in STUDY_RUNS:
            result = cli(*args, env=env, input=stdin)
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
            assert_clean(result.stdout, coloured=colour and "--json" not in args)
            assert_clean(result.stderr, coloured=False)
            for char in INVISIBLE:
                assert char not in result.stdout + result.stderr, (args, char)

    def test_c1_history_shows_the_answer_cleaned(self, cli: Invoke, isolated: Path) -> None:
        """The hostile answer is shown (so the test above can fail), minus its controls."""
        seed_interview(isolated)
        shown = cli("interview", "--history", QUESTION, env={"COLUMNS": "200"}).stdout
        assert "first line" in shown and "EVIL" in shown and "[bold]markup[/bold]" in shown
        data = json.loads(cli("interview", "--history", QUESTION, "--json").stdout)
        (answer,) = data["answers"]
        assert answer["text"].startswith("first line") and "esrever" in answer["text"]
        assert_clean(answer["text"], coloured=False)


class TestM6TypedAnswers:
    """typed_answers rows genai could not have written are skipped, not internal errors."""

    @pytest.mark.parametrize(
        ("column", "value"),
        [("answered_at", "yesterday"), ("answered_at", "2024-03-01T12:00:00"), ("text", b"\xff")],
        ids=["bad-timestamp", "naive-timestamp", "blob-text"],
    )
    def test_m6_bad_typed_answer_rows(
        self, cli: Invoke, isolated: Path, column: str, value: object
    ) -> None:
        path = seed_interview(isolated)
        conn = sqlite3.connect(path)
        conn.execute(f"UPDATE typed_answers SET {column} = ?", (value,))
        conn.commit()
        conn.close()
        for args in (("interview", "--history"), ("interview", "--history", QUESTION, "--json")):
            result = cli(*args)
            assert result.exit_code == 0, (args, result.stderr)
            assert "internal" not in result.stderr
            assert "skipped" in result.stderr and "genai did not write" in result.stderr
        assert "You have not answered this question yet" in (
            cli("interview", "--history", QUESTION).stdout
        )


NON_LATIN_DECK = (
    "questions:\n"
    "  - slug: greek-question\n"
    "    question: Τι είναι ο λανθάνων χώρος;\n"
    "    answer: Ένας συμπιεσμένος χώρος αναπαράστασης.\n"
    "    tags: [nonlatin]\n"
    "cloze:\n"
    "  - slug: zh-cloze\n"
    '    text: "{{潜在空间}}是生成模型运行的压缩表示。"\n'
    "    tags: [nonlatin]\n"
    "  - slug: hindi-cloze\n"
    '    text: "एक {{किताब}} पढ़ो।"\n'
    "    tags: [nonlatin]\n"
)


class TestH4StudyCards:
    """A non-Latin question or cloze in a deck is found, asked and graded like any other."""

    @pytest.fixture(autouse=True)
    def _deck(self, isolated: Path) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "nl.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")

    def test_h4_validates_and_searches(self, cli: Invoke) -> None:
        assert cli("validate").exit_code == 0
        for query, found in (("潜在空间", "zh-cloze"), ("λανθάνων", "greek-question")):
            result = cli("search", query, "--json")
            assert result.exit_code == 0, result.stderr
            assert found in {hit["slug"] for hit in json.loads(result.stdout)}, query

    @pytest.mark.parametrize("answer", ["潜在空间", "किताब"])
    def test_h4_exact_cloze_answer_is_right(self, cli: Invoke, answer: str) -> None:
        result = cli(
            "quiz", "--plain", "--topic", "cloze", "--tag", "nonlatin", "-n", "2",
            input=f"{answer}\n{answer}\n",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert result.stdout.count("Right.") == 1 and "Score  1/2" in result.stdout

    def test_h4_question_by_its_text(self, cli: Invoke) -> None:
        answered = cli("interview", "--tag", "nonlatin", "-n", "1", input="Ένας χώρος\n\n3\n")
        assert answered.exit_code == 0, answered.stderr
        shown = cli("interview", "--history", "τι ΕΊΝΑΙ ο λανθάνων χώρος")
        assert shown.exit_code == 0, shown.stderr
        assert "Ένας χώρος" in shown.stdout and "Good" in shown.stdout

    def test_h4_question_as_a_flashcard(self, cli: Invoke) -> None:
        flash = cli("quiz", "--plain", "--topic", "questions", "--tag", "nonlatin", input="\n3\n")
        assert flash.exit_code == 0, flash.stderr
        assert "Τι είναι ο λανθάνων χώρος;" in flash.stdout and "Graded Good" in flash.stdout


ODD = ("²", "٣", "9" * 5000)  # isdigit() is true for each; int() rejects or reads them


class TestH5Grades:
    """², other scripts' digits and 5,000-digit numbers at a grade prompt: ask again."""

    def test_h5_interview_grade(self, cli: Invoke) -> None:
        from genai_cli.study.interview import parse_grade

        assert [parse_grade(text) for text in ODD] == [None, None, None]
        result = cli("interview", "-n", "1", input="an answer\n\n" + "\n".join(ODD) + "\n3\n")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.count("Please answer 1, 2, 3 or 4") == 3
        assert "1 of 1 graded Good or Easy" in result.stdout

    def test_h5_question_card_grade(self, cli: Invoke) -> None:
        stdin = "\n" + "\n".join(ODD) + "\n3\n"
        result = cli("quiz", "--plain", "--topic", "questions", "-n", "1", input=stdin)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.count("Please answer with a number from 1 to 4") == 3

    def test_h5_choice_prompt_and_myth_number(self, cli: Invoke) -> None:
        """The helper also serves the older prompts the report names (H5 itself)."""
        stdin = "\n".join(ODD) + "\n1\n"
        result = cli("quiz", "--plain", "--mode", "choice", "-n", "1", input=stdin)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.count("Please answer with a number from 1 to") == 3
        for odd in ODD:
            looked = cli("myths", odd)
            assert looked.exit_code == 1 and looked.stderr.startswith("genai: no myth"), odd

    def test_h5_odd_column_numbers_in_an_import(self, cli: Invoke, tmp_path: Path) -> None:
        source = tmp_path / "notes.txt"
        source.write_text(
            "#separator:tab\n#tags column:²\n#deck column:" + "9" * 5000 + "\nfront\tback\n",
            encoding="utf-8",
        )
        result = cli("import", str(source), "--output", str(tmp_path / "deck.yaml"))
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / "deck.yaml").exists()


def genai(
    home: Path, *args: str, encoding: str, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GENAI_HOME": str(home), "PYTHONIOENCODING": encoding}
    return subprocess.run(
        [sys.executable, "-m", "genai_cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
    )


class TestM3StudyCommands:
    """ASCII and Latin-1 output: every new command works, --json stays exact UTF-8."""

    @pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
    def test_m3_new_commands(self, isolated: Path, tmp_path: Path, encoding: str) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "nl.yaml").write_text(NON_LATIN_DECK, encoding="utf-8")
        source = tmp_path / "cards.csv"
        source.write_text("front,back\nΤι;,潜在空间 — “quoted”\n", encoding="utf-8")
        typed = "café" if encoding == "latin-1" else "cafe"  # typed in the terminal's encoding
        runs: list[tuple[tuple[str, ...], bytes]] = [
            (("learn", "latent-space", "--plain", "--seed", "1"), b"1\n" * 12),
            (("learn", "latent-space", "--json"), b""),
            (("interview", "-n", "1", "--tag", "nonlatin"), f"{typed}\n\n3\n".encode(encoding)),
            (("interview", "--history"), b""),
            (("interview", "--history", "greek-question"), b""),
            (("interview", "--history", "greek-question", "--json"), b""),
            (("quiz", "--plain", "--topic", "questions", "--tag", "nonlatin"), b"\n3\n"),
            (
                ("quiz", "--plain", "--topic", "cloze", "--tag", "nonlatin"),
                "潜在空间\nx\n".encode(),
            ),
            (("import", str(source), "--output", str(tmp_path / "out.yaml")), b""),
            (("search", "潜在空间"), b""),
            (("stats",), b""),
        ]
        for args, stdin in runs:
            proc = genai(isolated, *args, encoding=encoding, stdin=stdin)
            assert proc.returncode == 0, (args, proc.stderr)
            assert b"Traceback" not in proc.stderr and b"internal" not in proc.stderr, args
            if "--json" in args:
                json.loads(proc.stdout.decode("utf-8"))
            else:
                proc.stdout.decode(encoding)
        history = genai(isolated, "interview", "--history", "greek-question", "--json",
                        encoding=encoding)  # fmt: skip
        assert json.loads(history.stdout)["answers"][0]["text"] == typed


class TestH7StudyCommands:
    """Closed stdin, stdout or stderr in the new commands: sensible exit, no traceback."""

    @pytest.mark.parametrize(
        "args",
        [
            ["interview", "-n", "2"],
            ["learn", "latent-space", "--plain"],
            ["learn", "latent-space"],
            ["quiz", "--plain", "--topic", "questions", "-n", "2"],
            ["quiz", "--plain", "--topic", "cloze", "-n", "2"],
        ],
    )
    def test_h7_stdin_closed_is_end_of_input(self, isolated: Path, args: list[str]) -> None:
        code, out, err = run_closed(isolated, args, close=0)
        assert code == 0, err
        assert "Traceback" not in err and "internal" not in err
        assert "No answers recorded" in out

    @pytest.mark.parametrize(
        "args",
        [
            ["interview", "--history", "--json"],
            ["learn", "latent-space", "--json"],
            ["import", "{source}", "--output", "{target}"],
        ],
    )
    def test_h7_stdout_closed(self, isolated: Path, tmp_path: Path, args: list[str]) -> None:
        source = tmp_path / "cards.csv"
        source.write_text("front,back\nQ,A\n", encoding="utf-8")
        target = tmp_path / "deck.yaml"
        args = [a.format(source=source, target=target) for a in args]
        code, _out, err = run_closed(isolated, args, close=1)
        assert code == 1
        assert err == "genai: standard output is closed; nothing was done\n"
        assert not target.exists()

    def test_h7_stderr_closed_keeps_the_exit_code(self, isolated: Path, tmp_path: Path) -> None:
        (isolated / "decks").mkdir(parents=True)
        (isolated / "decks" / "broken.yaml").write_text("terms: [", encoding="utf-8")
        code, out, _err = run_closed(isolated, ["interview", "-n", "1"], close=2, stdin="x\n\n3\n")
        assert code == 0 and "1 of 1 graded Good or Easy" in out
        bad = tmp_path / "bad.apkg"
        bad.write_bytes(b"not a zip")
        code, _out, _err = run_closed(
            isolated, ["import", str(bad), "--output", str(tmp_path / "d.yaml")], close=2
        )
        assert code == 2


class TestM4StudyCommands:
    """A read-only progress database: one clear line before the first question."""

    @needs_setpriv
    @pytest.mark.parametrize(
        "args",
        [
            ["interview", "-n", "1"],
            ["learn", "latent-space", "--plain"],
            ["quiz", "--plain", "--topic", "questions", "-n", "1"],
        ],
    )
    def test_m4_read_only_before_the_first_question(self, isolated: Path, args: list[str]) -> None:
        path = seed_interview(isolated)
        path.chmod(0o444)
        code, out, err = store_genai(isolated, *args, stdin="an answer\n\n3\n" + "1\n" * 12)
        assert code == 1, out
        assert err.startswith("genai: ") and "cannot be written" in err and "nothing is lost" in err
        assert "Question 1" not in out and "Grade yourself" not in out


class TestH6Import:
    """import writes its deck as export writes its file: never into a FIFO, device or
    directory, never through a link, and ``--output -`` is standard output."""

    @pytest.fixture
    def source(self, tmp_path: Path) -> Path:
        path = tmp_path / "cards.csv"
        path.write_text("front,back\nWhat is Q?,A\n", encoding="utf-8")
        return path

    @pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
    def test_h6_non_files_are_refused(
        self, cli: Invoke, tmp_path: Path, source: Path, kind: str
    ) -> None:
        target = tmp_path / "target"
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "directory":
            target.mkdir()
        else:
            target = Path("/dev/null")
        before = target.lstat()
        result = cli("import", str(source), "--output", str(target), "--force")
        assert result.exit_code == 1
        assert "not a file" in result.stderr and "--force" not in result.stderr
        after = target.lstat()
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)

    def test_h6_force_replaces_a_link_not_its_target(
        self, cli: Invoke, tmp_path: Path, source: Path
    ) -> None:
        (tmp_path / "precious.yaml").write_text("precious")
        link = tmp_path / "deck.yaml"
        link.symlink_to(tmp_path / "precious.yaml")
        result = cli("import", str(source), "--output", str(link), "--force")
        assert result.exit_code == 0, result.stderr
        assert not link.is_symlink() and (tmp_path / "precious.yaml").read_text() == "precious"

    def test_h6_dash_is_stdout(
        self, cli: Invoke, tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "here").mkdir()
        monkeypatch.chdir(tmp_path / "here")
        result = cli("import", str(source), "--output", "-")
        assert result.exit_code == 0, result.stderr
        assert list((tmp_path / "here").iterdir()) == []  # no file named "-"
        assert result.stdout.startswith("# Imported by `genai import`")
        assert "question: What is Q?" in result.stdout and "Wrote" not in result.stdout
