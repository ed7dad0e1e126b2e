"""`genai export`: Anki, CSV, Markdown and JSON, filtered, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from genai_cli.errors import OutputError
from genai_cli.formats import anki, export, jsondeck, markdown
from genai_cli.knowledge import loader
from genai_cli.knowledge.model import KINDS
from genai_cli.knowledge.serialize import entry_to_data
from tests.conftest import Invoke
from tests.hostile import NEW_TERM
from tests.test_decks import term_yaml, write
from tests.test_untrusted import HOSTILE_TEXT, hostile_deck

HOSTILE_MD = "[x](javascript:alert(1)) <script>alert(1)</script> *em* _u_ `c` # h | t"


def anki_notes(path: Path) -> dict[str, dict[str, object]]:
    """The notes of an .apkg by GUID: fields, tags and note type id."""
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        data = archive.read("collection.anki2")
    db = path.with_suffix(".anki2")
    db.write_bytes(data)
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute("select guid, mid, flds, tags from notes").fetchall()
        models = json.loads(connection.execute("select models from col").fetchone()[0])
        decks = json.loads(connection.execute("select decks from col").fetchone()[0])
    finally:
        connection.close()
    ours = {anki.ANKI_MODEL_ID, anki.ANKI_QUESTION_MODEL_ID, anki.ANKI_CLOZE_MODEL_ID}
    assert {int(m) for m in models} <= ours
    assert str(anki.ANKI_DECK_ID) in decks
    return {
        guid: {"mid": mid, "fields": flds.split("\x1f"), "tags": tags.split()}
        for guid, mid, flds, tags in rows
    }


class TestAnki:
    """An .apkg with fixed ids and slug-derived GUIDs, so re-imports update, not duplicate."""

    def test_notes_fields_and_tags(self, cli: Invoke, tmp_path: Path) -> None:
        out = tmp_path / "genai.apkg"
        result = cli("export", "--format", "anki", "--output", str(out), "--topic", "terms")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("Wrote ") and "terms to" in result.stdout
        notes = anki_notes(out)
        kb = loader.load_bundled()
        assert len(notes) == len(kb.terms)
        assert {n["mid"] for n in notes.values()} == {anki.ANKI_MODEL_ID}
        gan = notes[anki.anki_guid("generative-adversarial-network")]
        front, back, source = gan["fields"]  # type: ignore[misc]
        assert front == "Generative Adversarial Network"
        assert back.startswith("A type of generative model consisting of two networks")
        assert source == "Generative Adversarial Nets (Goodfellow, 2014) · genai, from the article"
        assert gan["tags"] == ["architecture", "generative-model", "vision", "gan"]

    def test_guids_are_stable_and_survive_a_changed_definition(
        self, cli: Invoke, tmp_path: Path, isolated: Path
    ) -> None:
        first, second, third = (tmp_path / f"{n}.apkg" for n in ("a", "b", "c"))
        cli("export", "-f", "anki", "-o", str(first))
        cli("export", "-f", "anki", "-o", str(second))
        assert set(anki_notes(first)) == set(anki_notes(second))
        write(isolated / "decks" / "mine.yaml", term_yaml("latent-space", "Latent Space"))
        cli("export", "-f", "anki", "-o", str(third))
        before, after = anki_notes(first), anki_notes(third)
        assert set(before) == set(after)
        guid = anki.anki_guid("latent-space")
        assert before[guid]["fields"] != after[guid]["fields"]
        assert after[guid]["fields"][1] == "The Latent Space of a deck."  # type: ignore[index]

    def test_tags_without_spaces_and_html_escaped(self, cli: Invoke, isolated: Path) -> None:
        deck = isolated / "decks" / "t.yaml"
        write(
            deck,
            'terms:\n  - slug: t-term\n    name: "<b>T</b>"\n    definition: "a & b\\nc"\n'
            '    tags: ["two words", "x"]\n',
        )
        out = isolated / "t.apkg"
        assert cli("export", "-f", "anki", "-o", str(out), "--deck", "t").exit_code == 0
        (note,) = anki_notes(out).values()
        assert note["tags"] == ["two_words", "x"]
        assert note["fields"] == ["&lt;b&gt;T&lt;/b&gt;", "a &amp; b<br>c", "deck t"]


class TestCsv:
    """A header row, then one row per card; formulas are defused."""

    def test_rows(self, cli: Invoke, tmp_path: Path) -> None:
        out = tmp_path / "cards.csv"
        assert cli("export", "--format", "csv", "--output", str(out)).exit_code == 0
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
        assert rows[0] == ["front", "back", "tags", "kind", "slug"]
        kb = loader.load_bundled()
        kinds = ("terms", "algorithms", "myths", "questions", "cloze")
        assert len(rows) - 1 == sum(len(kb.of_kind(k)) for k in kinds)
        by_slug = {r[4]: r for r in rows[1:]}
        assert by_slug["latent-space"][:2] == [
            "Latent Space",
            kb.get("latent-space").definition,  # type: ignore[union-attr]
        ]
        assert by_slug["latent-space"][2:4] == ["representation", "term"]
        algorithm = by_slug["transformer-models"]
        assert algorithm[3] == "algorithm" and "Complexity: O(n^2)" in algorithm[1]
        assert {r[3] for r in rows[1:]} == {"term", "algorithm", "myth", "question", "cloze"}

    def test_formula_cells_are_quoted(self, cli: Invoke, isolated: Path) -> None:
        write(
            isolated / "decks" / "f.yaml",
            "terms:\n  - slug: f-term\n    name: '=HYPERLINK(\"http://x\")'\n"
            "    definition: '@SUM(1)'\n",
        )
        out = isolated / "f.csv"
        cli("export", "-f", "csv", "-o", str(out), "--deck", "f")
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
        assert rows[1][:2] == ['\'=HYPERLINK("http://x")', "'@SUM(1)"]


class TestMarkdown:
    """A study sheet grouped by kind, with Markdown-significant characters escaped."""

    def test_grouped_by_kind(self, cli: Invoke, tmp_path: Path) -> None:
        out = tmp_path / "sheet.md"
        assert cli("export", "-f", "markdown", "-o", str(out)).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert text.startswith("# genai study sheet\n")
        assert text.index("## Terms") < text.index("## Algorithms") < text.index("## Myths")
        assert "### Latent Space\n\nA compressed representation" in text
        assert "*Tags: representation · Source: genai, from the article*" in text

    def test_escapes(self, cli: Invoke, isolated: Path) -> None:
        write(
            isolated / "decks" / "m.yaml",
            f"terms:\n  - slug: m-term\n    name: '# 1. Not a heading'\n"
            f"    definition: {json.dumps(HOSTILE_MD)}\n",
        )
        out = isolated / "m.md"
        cli("export", "-f", "markdown", "-o", str(out), "--deck", "m")
        text = out.read_text(encoding="utf-8")
        assert "### \\# 1. Not a heading" in text
        assert (
            "\\[x\\](javascript:alert(1)) \\<script\\>alert(1)\\</script\\> \\*em\\* \\_u\\_"
            " \\`c\\` \\# h \\| t"
        ) in text
        assert markdown.md_escape("- item\n+ more") == "\\- item + more"  # one line: + is text
        assert markdown.md_escape("+ more") == "\\+ more"
        assert markdown.md_escape("2. second") == "2\\. second"


class TestJson:
    """The whole knowledge base in the data-file schema: the file is itself a valid deck."""

    def test_round_trip(self, cli: Invoke, isolated: Path, tmp_path: Path) -> None:
        write(isolated / "decks" / "class.yaml", NEW_TERM)
        write(isolated / "decks" / "mine.yaml", term_yaml("latent-space", "Latent Space"))
        out = tmp_path / "kb.json"
        assert cli("export", "--format", "json", "--output", str(out)).exit_code == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        assert list(data) == list(KINDS)
        reloaded = loader.load_files([out])  # on its own, as a data file: no problem at all
        current = loader.load_knowledge(
            sorted((isolated / "decks").glob("*.yaml")),
        ).kb
        assert [entry_to_data(e) for e in reloaded.entries()] == [
            entry_to_data(e) for e in current.entries()
        ]
        assert reloaded.get("socratic-prompting") is not None
        assert reloaded.get("latent-space").definition == "The Latent Space of a deck."  # type: ignore[union-attr]

    def test_exported_deck_loads_as_a_deck(self, cli: Invoke, isolated: Path) -> None:
        write(isolated / "decks" / "class.yaml", NEW_TERM)
        out = isolated / "only-class.json"
        cli("export", "-f", "json", "-o", str(out), "--deck", "class")
        assert json.loads(out.read_text(encoding="utf-8"))["terms"][0]["slug"] == (
            "socratic-prompting"
        )
        (isolated / "decks" / "class.yaml").unlink()
        result = cli("--deck", str(out), "term", "socp")
        assert result.exit_code == 0 and result.stderr == ""

    def test_hostile_text_survives_cleaned(self, cli: Invoke, isolated: Path) -> None:
        hostile_deck(isolated / "decks")
        out = isolated / "h.json"
        cli("export", "-f", "json", "-o", str(out), "--deck", "hostile")
        (entry, _raw) = json.loads(out.read_text(encoding="utf-8"))["terms"]
        assert "[link=https://evil.example]click me[/link]" in entry["definition"]
        assert "\x1b" in HOSTILE_TEXT and "\x1b" not in entry["definition"]
        assert loader.load_files([out]).get("hostile-term") is not None


class TestFilters:
    """--topic picks kinds; --deck picks decks by name, path or 'bundled'."""

    def test_topic(self, cli: Invoke, tmp_path: Path) -> None:
        out = tmp_path / "m.json"
        assert cli("export", "-f", "json", "-o", str(out), "--topic", "myths").exit_code == 0
        assert list(json.loads(out.read_text(encoding="utf-8"))) == ["myths"]

    def test_deck_filter_by_name_path_and_bundled(
        self, cli: Invoke, isolated: Path, tmp_path: Path
    ) -> None:
        deck = write(isolated / "decks" / "class.yaml", NEW_TERM)
        for i, name in enumerate(("class", str(deck))):
            out = tmp_path / f"c{i}.csv"
            assert cli("export", "-f", "csv", "-o", str(out), "--deck", name).exit_code == 0
            assert [r[4] for r in csv.reader(out.open(encoding="utf-8"))][1:] == [
                "socratic-prompting"
            ]
        out = tmp_path / "b.csv"
        cli("export", "-f", "csv", "-o", str(out), "--deck", "bundled")
        assert "socratic-prompting" not in out.read_text(encoding="utf-8")

    def test_unknown_deck_is_a_usage_error(self, cli: Invoke, tmp_path: Path) -> None:
        result = cli("export", "-f", "csv", "-o", str(tmp_path / "x.csv"), "--deck", "nope")
        assert result.exit_code == 2
        assert result.stderr == (
            "genai: --deck 'nope' names no loaded deck (loaded: bundled); to add a deck, put"
            " --deck PATH before the command: genai --deck PATH export ...\n"
        )
        assert not (tmp_path / "x.csv").exists()

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("--format", "pdf", "--format must be one of anki, csv, markdown, json"),
            (
                "--topic",
                "poems",
                "--topic must be one of terms, algorithms, myths, questions, cloze, all",
            ),
        ],
    )
    def test_bad_choices(
        self, cli: Invoke, tmp_path: Path, option: str, value: str, message: str
    ) -> None:
        args = {"--format": "csv", "--topic": "all", option: value}
        result = cli("export", "-o", str(tmp_path / "x"), *[x for kv in args.items() for x in kv])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"genai: {message}")


class TestWriting:
    """Temp file then atomic rename; no overwrite without --force; clear one-line failures."""

    def test_refuses_to_overwrite(self, cli: Invoke, tmp_path: Path) -> None:
        target = tmp_path / "out"
        target.mkdir()
        out = target / "cards.csv"
        out.write_text("precious", encoding="utf-8")
        result = cli("export", "-f", "csv", "-o", str(out))
        assert result.exit_code == 1
        assert result.stderr == f"genai: {out} already exists; add --force to replace it\n"
        assert out.read_text(encoding="utf-8") == "precious"
        assert cli("export", "-f", "csv", "-o", str(out), "--force").exit_code == 0
        assert out.read_text(encoding="utf-8").startswith("front,back")
        assert sorted(p.name for p in target.iterdir()) == ["cards.csv"]  # no temp left

    def test_unwritable_directory(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        if os.access(locked, os.W_OK):  # root writes anywhere: make the OS say no instead

            def denied(*args: object, **kwargs: object) -> tuple[int, str]:
                raise PermissionError(13, "Permission denied")

            monkeypatch.setattr(export.tempfile, "mkstemp", denied)
        try:
            result = cli("export", "-f", "csv", "-o", str(locked / "x.csv"))
        finally:
            locked.chmod(0o700)
        assert result.exit_code == 1
        assert result.stderr == f"genai: cannot write {locked / 'x.csv'}: Permission denied\n"

    def test_path_below_a_file(self, cli: Invoke, tmp_path: Path) -> None:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        result = cli("export", "-f", "csv", "-o", str(tmp_path / "file" / "x.csv"))
        assert result.exit_code == 1
        assert result.stderr == (
            f"genai: cannot write {tmp_path / 'file' / 'x.csv'}: Not a directory\n"
        )

    def test_missing_directory_and_directory_target(self, cli: Invoke, tmp_path: Path) -> None:
        result = cli("export", "-f", "json", "-o", str(tmp_path / "no" / "x.json"))
        assert result.exit_code == 1
        assert result.stderr == (
            f"genai: cannot write {tmp_path / 'no' / 'x.json'}: No such file or directory\n"
        )
        result = cli("export", "-f", "json", "-o", str(tmp_path))
        assert result.exit_code == 1
        assert result.stderr == (
            f"genai: cannot write {tmp_path}: it is a directory, not a file;"
            " name a file to create, or - for standard output\n"
        )

    def test_failure_while_writing_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(path: Path) -> None:
            path.write_text("half", encoding="utf-8")
            raise OSError(28, "No space left on device")

        with pytest.raises(OutputError, match="No space left on device"):
            export.write_atomically(tmp_path / "x.csv", broken, force=False)
        assert list(tmp_path.iterdir()) == []

    def test_race_with_another_writer_is_not_clobbered(self, tmp_path: Path) -> None:
        target = tmp_path / "x.csv"

        def sneaky(path: Path) -> None:
            path.write_text("ours", encoding="utf-8")
            target.write_text("theirs", encoding="utf-8")  # appears while we write

        with pytest.raises(OutputError, match="already exists"):
            export.write_atomically(target, sneaky, force=False)
        assert target.read_text(encoding="utf-8") == "theirs"
        assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]

    def test_file_mode_follows_umask(self, tmp_path: Path) -> None:
        target = tmp_path / "x.md"
        export.write_atomically(target, lambda p: p.write_text("x"), force=False)
        mask = os.umask(0)
        os.umask(mask)
        assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def _import_into_anki(packages: list[Path], tmp_path: Path) -> list[tuple[int, int, int, int]]:
    """Import .apkg files into a fresh Anki collection: (notes, new, updated, unchanged) each."""
    collection_module = pytest.importorskip("anki.collection")
    protos = pytest.importorskip("anki.import_export_pb2")
    if_newer = protos.ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    col = collection_module.Collection(str(tmp_path / "collection.anki2"))
    counts = []
    try:
        for package in packages:
            request = collection_module.ImportAnkiPackageRequest(
                package_path=str(package),
                options=collection_module.ImportAnkiPackageOptions(
                    merge_notetypes=False,
                    update_notes=if_newer,
                    update_notetypes=if_newer,
                    with_scheduling=False,
                    with_deck_configs=False,
                ),
            )
            log = col.import_anki_package(request).log
            counts.append((col.note_count(), len(log.new), len(log.updated), len(log.duplicate)))
    finally:
        col.close()
    return counts


class TestRealAnkiImport:
    """Anki itself (the `anki` package, if installed): re-imports add no duplicate notes."""

    def test_import_twice_then_a_newer_export(
        self, cli: Invoke, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pytest.importorskip("anki")
        import time as time_module

        first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
        write(isolated / "decks" / "class.yaml", NEW_TERM)
        assert cli("export", "-f", "anki", "-o", str(first)).exit_code == 0
        write(isolated / "decks" / "class.yaml", NEW_TERM.replace("Teaching", "Tutoring"))
        later = time_module.time() + 5  # notes of the newer export are newer
        monkeypatch.setattr(time_module, "time", lambda: later)
        assert cli("export", "-f", "anki", "-o", str(second)).exit_code == 0
        total = len(anki_notes(first))
        assert _import_into_anki([first, first, second], tmp_path) == [
            (total, total, 0, 0),
            (total, 0, 0, total),
            (total, 0, total, 0),
        ]


class TestJsonRoundTripProperty:
    """Whatever text a deck holds, the JSON export loads back to the same entries."""

    @settings(max_examples=150, deadline=None)
    @given(
        # a letter at the end keeps most values non-empty once cleaned and stripped
        name=st.text(max_size=30).map(lambda t: t + "n"),
        definition=st.text(min_size=1, max_size=200),
        tags=st.lists(st.text(max_size=10).map(lambda t: "t" + t), max_size=3),
    )
    @example(name="\u202eN\x1b[1m", definition="a\ufffeb\uffff\u2028c\U0001f600", tags=["t a"])
    def test_any_text(self, name: str, definition: str, tags: list[str]) -> None:
        term = {"slug": "any-term", "name": name, "definition": definition, "tags": tags}
        # Raw except for what JSON escapes (controls) and the two characters YAML refuses raw.
        # (Not ensure_ascii: YAML does not accept JSON's surrogate-pair escapes for emoji.)
        deck = json.dumps({"terms": [term]}, ensure_ascii=False)
        deck = deck.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")
        first = loader.parse_text(deck, "deck.json", "deck")
        assume(first.entries)  # empty once cleaned, say: a problem, not an entry
        kb = loader.assemble(first.entries)
        exported = jsondeck.to_json(kb, ("terms",))
        again = loader.parse_text(exported, "export.json", "deck")
        assert again.problems == ()
        assert [entry_to_data(e) for e in again.entries] == [
            entry_to_data(e) for e in first.entries
        ]


class TestQuestionsAndCloze:
    """Interview questions and cloze sentences: Basic and Cloze notes, CSV rows, a sheet."""

    def deck(self, isolated: Path) -> None:
        from tests.test_interview_kinds import DECK

        write(isolated / "decks" / "prep.yaml", DECK)

    def test_anki_note_types(self, cli: Invoke, isolated: Path, tmp_path: Path) -> None:
        self.deck(isolated)
        out = tmp_path / "prep.apkg"
        assert cli("export", "-f", "anki", "-o", str(out), "--deck", "prep").exit_code == 0
        notes = anki_notes(out)
        question = notes[anki.anki_guid("gan-q")]
        cloze = notes[anki.anki_guid("cloze-gan")]
        assert question["mid"] == anki.ANKI_QUESTION_MODEL_ID
        assert question["fields"] == [
            "Why is GAN training unstable?",
            "The generator and discriminator chase a moving target.",
            "two players<br>non-stationary objective",
            "intermediate",
            "gan-q",
            "Generative Adversarial Nets (Goodfellow, 2014) · deck prep",
        ]
        assert cloze["mid"] == anki.ANKI_CLOZE_MODEL_ID
        assert cloze["fields"][0] == (
            "A GAN has a {{c1::generator}} and a {{c2::discriminator::the critic}}."
        )

    def test_csv_and_markdown(self, cli: Invoke, isolated: Path, tmp_path: Path) -> None:
        self.deck(isolated)
        out = tmp_path / "prep.csv"
        args = ("-o", str(out), "--topic", "cloze", "--deck", "prep")
        assert cli("export", "-f", "csv", *args).exit_code == 0
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
        assert rows[1][:2] == [
            "A GAN has a {{generator}} and a {{discriminator::the critic}}.",
            "A GAN has a generator and a discriminator.",
        ]
        sheet = tmp_path / "prep.md"
        assert (
            cli("export", "-f", "markdown", "-o", str(sheet), "--topic", "questions").exit_code == 0
        )
        text = sheet.read_text(encoding="utf-8")
        assert "## Interview questions" in text
        assert "- non-stationary objective" in text and "Level: intermediate" in text

    def test_real_anki_imports_basic_and_cloze(
        self, cli: Invoke, isolated: Path, tmp_path: Path
    ) -> None:
        collection_module = pytest.importorskip("anki.collection")
        self.deck(isolated)
        out = tmp_path / "prep.apkg"
        assert cli("export", "-f", "anki", "-o", str(out), "--deck", "prep").exit_code == 0
        assert _import_into_anki([out], tmp_path) == [(2, 2, 0, 0)]
        col = collection_module.Collection(str(tmp_path / "collection.anki2"))
        try:
            kinds = {
                col.models.get(col.get_note(n).mid)["name"]: col.models.get(col.get_note(n).mid)[
                    "type"
                ]
                for n in col.find_notes("")
            }
            assert kinds == {"genai question": 0, "genai cloze": 1}
            assert col.card_count() == 3  # one question card, one card per deletion
            cloze_note = col.get_note(col.find_notes("note:genai*cloze")[0])
            assert len(cloze_note.cards()) == 2
        finally:
            col.close()
