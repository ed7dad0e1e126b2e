"""`genai import`: Anki packages, CSV, Anki text, Markdown and genai JSON as decks.

Round trips (export then import gives the same cards), a genanki-built package with
Basic and Cloze notes, and hostile input: one line, exit 2, nothing written.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from genai_cli.formats import apkg, importer
from genai_cli.formats.plaintext import from_anki_cloze, html_to_text
from genai_cli.knowledge import loader
from genai_cli.knowledge.serialize import entry_to_data
from genai_cli.study import cards as study_cards
from tests.conftest import Invoke
from tests.test_decks import write
from tests.test_interview_kinds import DECK


def deck_entries(path: Path) -> list[dict[str, object]]:
    parsed = loader.parse_text(path.read_bytes(), str(path), "x")
    assert parsed.problems == ()
    return [{"kind": e.kind, **entry_to_data(e)} for e in parsed.entries]


def validates(cli: Invoke, path: Path) -> None:
    result = cli("validate", str(path))
    assert result.exit_code == 0, result.stdout
    assert "1 file OK" in result.stdout


def genanki_package(path: Path, tmp_path: Path, *, media: bool = True) -> Path:
    """A package as another tool would make it: stock Basic and Cloze note types, HTML."""
    deck = genanki.Deck(2_059_400_110, "Elsewhere")
    deck.add_note(
        genanki.Note(
            model=genanki.BASIC_MODEL,
            fields=[
                "What is <b>attention</b>?",
                "A weighting of inputs<br>by relevance &amp; more",
            ],
            tags=["nlp", "attention"],
        )
    )
    deck.add_note(
        genanki.Note(
            model=genanki.CLOZE_MODEL,
            fields=["A {{c1::transformer}} uses {{c2::self-attention::a mechanism}}.", ""],
            tags=["nlp"],
        )
    )
    one_field = genanki.Model(
        1_607_392_319,
        "Just a word",
        fields=[{"name": "Word"}],
        templates=[{"name": "c", "qfmt": "{{Word}}", "afmt": "{{Word}}"}],
    )
    deck.add_note(genanki.Note(model=one_field, fields=["lonely"]))
    files = []
    if media:
        picture = tmp_path / "picture.png"
        picture.write_bytes(b"\x89PNG fake")
        files.append(str(picture))
    genanki.Package(deck, media_files=files).write_to_file(str(path))
    return path


def rezip_collection(source: Path, target: Path, sql: str, params: tuple[object, ...] = ()) -> Path:
    """A copy of ``source`` with ``sql`` run on its collection."""
    scratch = target.with_suffix(".db")
    with zipfile.ZipFile(source) as archive:
        scratch.write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(scratch)
    conn.execute(sql, params)
    conn.commit()
    conn.close()
    with zipfile.ZipFile(target, "w") as archive:
        archive.write(scratch, "collection.anki2")
        archive.writestr("media", "{}")
    return target


class TestAnkiPackages:
    """Basic notes become questions, Cloze notes cloze; media and odd note types are counted."""

    def test_genanki_package(self, cli: Invoke, tmp_path: Path, isolated: Path) -> None:
        package = genanki_package(tmp_path / "other.apkg", tmp_path)
        out = isolated / "decks" / "other.yaml"
        out.parent.mkdir(parents=True)
        result = cli("import", str(package), "--output", str(out))
        assert result.exit_code == 0, result.stderr
        assert "Wrote 1 question, 1 cloze to" in result.stdout
        assert "1 media files" in result.stdout
        assert "1 notes of note type 'Just a word'" in result.stdout
        validates(cli, out)
        question, cloze = deck_entries(out)
        assert question["question"] == "What is attention?"
        assert question["answer"] == "A weighting of inputs\nby relevance & more"
        assert question["tags"] == ["nlp", "attention"]
        assert cloze["text"] == "A {{transformer}} uses {{self-attention::a mechanism}}."
        kb = loader.load_knowledge([out]).kb
        assert [
            r.slug for r in study_cards.candidates(kb, "cloze") if r.slug.startswith("cloze-a-")
        ]
        asked = cli("quiz", "--topic", "cloze", "--deck", "other", "--plain", input="\n" * 5)
        shown = ("A […] uses self-attention.", "A transformer uses [a mechanism].")
        assert sum(s in asked.stdout for s in shown) == 1  # one deletion of a note per quiz
        asked = cli("quiz", "--topic", "questions", "--deck", "other", "--plain", input="\n1\n")
        assert "What is attention?" in asked.stdout

    def test_export_then_import_gives_the_same_cards(
        self, cli: Invoke, tmp_path: Path, isolated: Path
    ) -> None:
        write(isolated / "decks" / "prep.yaml", DECK)
        package = tmp_path / "prep.apkg"
        assert cli("export", "-f", "anki", "-o", str(package), "--deck", "prep").exit_code == 0
        out = tmp_path / "back.yaml"
        assert cli("import", str(package), "-o", str(out)).exit_code == 0
        validates(cli, out)
        before = {e["slug"]: e for e in deck_entries(isolated / "decks" / "prep.yaml")}
        after = {e["slug"]: e for e in deck_entries(out)}
        assert set(after) == {"gan-q", "cloze-gan"}
        for slug, entry in after.items():
            for field in ("question", "answer", "points", "level", "tags", "text"):
                assert entry.get(field) == before[slug].get(field), (slug, field)

    def test_bundled_export_round_trip(self, cli: Invoke, tmp_path: Path) -> None:
        package = tmp_path / "all.apkg"
        assert (
            cli("export", "-f", "anki", "-o", str(package), "--topic", "questions").exit_code == 0
        )
        out = tmp_path / "q.yaml"
        assert cli("import", str(package), "-o", str(out)).exit_code == 0
        kb = loader.load_bundled()
        got = {e["slug"]: e for e in deck_entries(out)}
        assert len(got) == len(kb.questions)
        for question in kb.questions:
            data = got[question.slug]
            assert (data["question"], data["answer"]) == (question.question, question.answer)
            assert tuple(data["points"]) == question.points  # type: ignore[arg-type]

    def test_colpkg_reads_like_an_apkg(self, cli: Invoke, tmp_path: Path) -> None:
        package = genanki_package(tmp_path / "a.apkg", tmp_path, media=False)
        colpkg = package.rename(tmp_path / "a.colpkg")
        out = tmp_path / "a.yaml"
        result = cli("import", str(colpkg), "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert [e["kind"] for e in deck_entries(out)] == ["question", "cloze"]

    def test_unknown_note_type_id_is_skipped(self, cli: Invoke, tmp_path: Path) -> None:
        package = genanki_package(tmp_path / "a.apkg", tmp_path, media=False)
        odd = rezip_collection(
            package,
            tmp_path / "odd.apkg",
            "UPDATE notes SET mid = 42 WHERE id = (SELECT min(id) FROM notes)",
        )
        result = cli("import", str(odd), "-o", str(tmp_path / "odd.yaml"))
        assert result.exit_code == 0, result.stderr
        assert "1 notes of an unknown note type" in result.stdout


class TestRealAnkiPackages:
    """Packages exported by Anki itself (the `anki` package): legacy read, newer refused."""

    def export(self, tmp_path: Path, legacy: bool) -> Path:
        collection_module = pytest.importorskip("anki.collection")
        col = collection_module.Collection(str(tmp_path / "c.anki2"))
        try:
            basic = col.new_note(col.models.by_name("Basic"))
            basic["Front"], basic["Back"] = "What is <b>RLHF</b>?", "Learning from human feedback"
            basic.tags = ["rl"]
            col.add_note(basic, col.decks.id("Default"))
            cloze = col.new_note(col.models.by_name("Cloze"))
            cloze["Text"] = "{{c1::DPO}} skips the {{c2::reward model::what?}}."
            col.add_note(cloze, col.decks.id("Default"))
            out = tmp_path / ("legacy.apkg" if legacy else "new.apkg")
            options = collection_module.ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
            )
            col.export_anki_package(out_path=str(out), options=options, limit=None)
        finally:
            col.close()
        return out

    def test_legacy_export(self, cli: Invoke, tmp_path: Path) -> None:
        package = self.export(tmp_path, legacy=True)
        out = tmp_path / "real.yaml"
        assert cli("import", str(package), "-o", str(out)).exit_code == 0
        question, cloze = deck_entries(out)
        assert (question["slug"], question["question"]) == ("what-is-rlhf", "What is RLHF?")
        assert cloze["text"] == "{{DPO}} skips the {{reward model::what?}}."
        assert cloze["slug"] == "cloze-dpo-skips-the-reward-model"
        validates(cli, out)

    def test_newer_format_is_refused_with_advice(self, cli: Invoke, tmp_path: Path) -> None:
        package = self.export(tmp_path, legacy=False)
        result = cli("import", str(package), "-o", str(tmp_path / "x.yaml"))
        assert result.exit_code == 2
        assert "export it again with 'Support older Anki versions' ticked" in result.stderr


class TestJson:
    """Importing genai's own JSON export is the identity."""

    def test_identity(self, cli: Invoke, tmp_path: Path, isolated: Path) -> None:
        write(isolated / "decks" / "prep.yaml", DECK)
        exported = tmp_path / "all.json"
        assert cli("export", "-f", "json", "-o", str(exported)).exit_code == 0
        out = tmp_path / "all.yaml"
        assert cli("import", str(exported), "-o", str(out)).exit_code == 0
        assert deck_entries(out) == deck_entries(exported)
        validates(cli, out)


class TestTextFormats:
    """CSV with a header, Anki's tab-separated text and Markdown blocks."""

    def test_csv(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(
            tmp_path / "cards.csv",
            "Front,Back,Tags\n"
            '"What is RAG?","Retrieval, then generation.","rag search"\n'
            "A {{c1::GAN}} has two networks.,,gan\n"
            ",no front,\n",
        )
        out = tmp_path / "cards.yaml"
        result = cli("import", str(source), "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert "1 cards with an empty front or back" in result.stdout
        question, cloze = deck_entries(out)
        assert (question["question"], question["answer"]) == (
            "What is RAG?",
            "Retrieval, then generation.",
        )
        assert question["tags"] == ["rag", "search"]
        assert cloze["text"] == "A {{GAN}} has two networks."
        validates(cli, out)

    def test_genai_csv_export_round_trip(self, cli: Invoke, tmp_path: Path, isolated: Path) -> None:
        write(isolated / "decks" / "prep.yaml", DECK)
        exported = tmp_path / "prep.csv"
        assert cli("export", "-f", "csv", "-o", str(exported), "--deck", "prep").exit_code == 0
        out = tmp_path / "prep.yaml"
        assert cli("import", str(exported), "-o", str(out)).exit_code == 0
        got = {e["slug"]: e for e in deck_entries(out)}
        assert (
            got["cloze-gan"]["text"]
            == "A GAN has a {{generator}} and a {{discriminator::the critic}}."
        )
        assert got["gan-q"]["question"] == "Why is GAN training unstable?"

    def test_csv_needs_a_header(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(tmp_path / "x.csv", "a,b\nc,d\n")
        result = cli("import", str(source), "-o", str(tmp_path / "x.yaml"))
        assert result.exit_code == 2
        assert "the first row must name the columns: front,back[,tags]" in result.stderr
        assert not (tmp_path / "x.yaml").exists()

    def test_anki_text(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(
            tmp_path / "notes.txt",
            "#separator:tab\n#html:true\n#tags column:3\n"
            "What is <i>top-p</i>?\tSampling from the smallest set<br>of likely tokens\tdecoding\n"
            "The {{c1::KV cache}} stores keys and values.\t\tinference\n",
        )
        out = tmp_path / "notes.yaml"
        assert cli("import", str(source), "-o", str(out)).exit_code == 0
        question, cloze = deck_entries(out)
        assert question["question"] == "What is top-p?"
        assert question["answer"] == "Sampling from the smallest set\nof likely tokens"
        assert question["tags"] == ["decoding"]
        assert cloze["text"] == "The {{KV cache}} stores keys and values."
        validates(cli, out)

    def test_markdown(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(
            tmp_path / "cards.md",
            "# My cards\n\nQ: What does a VAE learn?\nA: An encoder and a decoder.\n\n"
            "It regularises the latent space.\nTags: vae, generative\n\n"
            "C: Diffusion models learn to {{reverse a noising process}}.\n"
            "Q: Unanswered?\n",
        )
        out = tmp_path / "cards.yaml"
        result = cli("import", str(source), "-o", str(out))
        assert result.exit_code == 0, result.stderr
        question, cloze = deck_entries(out)
        assert question["answer"] == "An encoder and a decoder.\n\nIt regularises the latent space."
        assert question["tags"] == ["vae", "generative"]
        assert cloze["text"] == "Diffusion models learn to {{reverse a noising process}}."
        assert "1 cards with an empty front or back" in result.stdout
        validates(cli, out)


class TestPlainText:
    """HTML is reduced to text: no tags, no scripts, no control characters."""

    def test_html(self) -> None:
        text = html_to_text(
            "<div>One&nbsp;<b>two</b></div><script>alert(1)</script>\x1b[31m<style>x</style>"
            "three [sound:a.mp3]<br>four &lt;five&gt;"
        )
        assert text == "One two\n[31mthree\nfour <five>"

    def test_anki_cloze(self) -> None:
        assert from_anki_cloze("{{c1::a}} and {{c1::b::hint}}") == "{{a}} and {{b::hint}}"
        assert from_anki_cloze("{{c1::a {{c2::b}} }}") is None
        assert from_anki_cloze("no deletion") is None


class TestHostile:
    """Bad input is one line on stderr, exit 2, and no output file."""

    def check(self, cli: Invoke, source: Path, tmp_path: Path, message: str) -> None:
        out = tmp_path / "out.yaml"
        result = cli("import", str(source), "-o", str(out))
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert len(result.stderr.splitlines()) == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.yaml")] == []

    def test_not_a_zip(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(tmp_path / "fake.apkg", "just text")
        self.check(cli, source, tmp_path, "not an Anki package (not a readable zip file")

    def test_zip_without_collection(self, cli: Invoke, tmp_path: Path) -> None:
        source = tmp_path / "empty.apkg"
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("media", "{}")
        self.check(cli, source, tmp_path, "no collection.anki2 inside")

    def test_zip_bomb_by_declared_size(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(apkg, "MAX_UNPACKED", 1024 * 1024)
        source = tmp_path / "bomb.apkg"
        with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("collection.anki2", b"\0" * (2 * 1024 * 1024))
        assert source.stat().st_size < 20_000
        self.check(cli, source, tmp_path, "would unpack to 2097152 bytes")

    def test_zip_bomb_by_copied_size(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(apkg, "MAX_COLLECTION", 1024 * 1024)
        source = tmp_path / "bomb.apkg"
        with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("collection.anki2", b"\0" * (3 * 1024 * 1024))
        self.check(cli, source, tmp_path, "the collection unpacks to more than 1048576 bytes")

    def test_too_many_members(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(apkg, "MAX_MEMBERS", 3)
        source = tmp_path / "many.apkg"
        with zipfile.ZipFile(source, "w") as archive:
            for n in range(5):
                archive.writestr(str(n), "x")
        self.check(cli, source, tmp_path, "the archive holds 5 files, more than 3")

    @pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "a/../../b", "..\\x"])
    def test_path_traversal_member(self, cli: Invoke, tmp_path: Path, name: str) -> None:
        package = genanki_package(tmp_path / "a.apkg", tmp_path, media=False)
        source = tmp_path / "evil.apkg"
        with zipfile.ZipFile(package) as original, zipfile.ZipFile(source, "w") as archive:
            archive.writestr("collection.anki2", original.read("collection.anki2"))
            archive.writestr(name, "pwned")
        self.check(cli, source, tmp_path, "the archive has an unsafe file name")
        assert not (tmp_path.parent / "evil").exists()

    def test_huge_field_in_a_package(self, cli: Invoke, tmp_path: Path) -> None:
        package = genanki_package(tmp_path / "a.apkg", tmp_path, media=False)
        huge = rezip_collection(
            package,
            tmp_path / "huge.apkg",
            "UPDATE notes SET flds = ?",
            ("x" * 2_000_000 + "\x1fy",),
        )
        self.check(cli, huge, tmp_path, "a huge field")

    def test_bad_utf8_in_a_package(self, cli: Invoke, tmp_path: Path) -> None:
        package = genanki_package(tmp_path / "a.apkg", tmp_path, media=False)
        bad = rezip_collection(
            package, tmp_path / "bad.apkg", "UPDATE notes SET flds = CAST(x'66ff1f62' AS TEXT)"
        )
        self.check(cli, bad, tmp_path, "is not valid UTF-8")

    def test_not_a_database(self, cli: Invoke, tmp_path: Path) -> None:
        source = tmp_path / "nodb.apkg"
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("collection.anki2", "not sqlite at all " * 100)
        self.check(cli, source, tmp_path, "the collection cannot be read")

    def test_bad_utf8_csv(self, cli: Invoke, tmp_path: Path) -> None:
        source = tmp_path / "bad.csv"
        source.write_bytes(b"front,back\nok,\xff\xfe\n")
        self.check(cli, source, tmp_path, "not valid UTF-8 (byte 15)")

    def test_huge_field_csv(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(tmp_path / "huge.csv", "front,back\nq," + "a" * 30_000 + "\n")
        self.check(cli, source, tmp_path, "a field of 30000 characters, more than 20000")

    def test_huge_csv_cell_beyond_the_csv_limit(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(tmp_path / "huge.csv", 'front,back\nq,"' + "a" * 200_000 + '"\n')
        self.check(cli, source, tmp_path, "not readable as CSV")

    def test_unknown_suffix_is_usage(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(tmp_path / "cards.docx", "x")
        result = cli("import", str(source), "-o", str(tmp_path / "o.yaml"))
        assert result.exit_code == 2 and "the file name must end in one of" in result.stderr

    def test_refuses_to_overwrite(self, cli: Invoke, tmp_path: Path) -> None:
        source = write(tmp_path / "c.md", "Q: a?\nA: b\n")
        out = write(tmp_path / "o.yaml", "keep me\n")
        result = cli("import", str(source), "-o", str(out))
        assert result.exit_code == 1 and "already exists; add --force" in result.stderr
        assert out.read_text() == "keep me\n"
        assert cli("import", str(source), "-o", str(out), "--force").exit_code == 0
        assert "question: a?" in out.read_text()

    def test_slugs_never_replace_bundled_entries(self) -> None:
        card = apkg.ImportedCard("question", "Latent space", "x")
        deck = importer.cards_to_deck(
            [card], {"latent-space": "term"}, __import__("collections").Counter()
        )
        assert deck["questions"][0]["slug"] == "latent-space-2"


class TestAnyCards:
    """Whatever text the cards hold, the deck built from them validates (or is refused)."""

    @settings(max_examples=120, deadline=None)
    @given(
        cards=st.lists(
            st.tuples(st.text(max_size=40), st.text(max_size=80), st.booleans()), max_size=8
        )
    )
    @example(cards=[("GANs", "x", False), ("GAN", "y", False), ("gan-2", "z", False)])
    @example(cards=[("A {{b}}", "", True), ("A {{b::c}}", "", True), ("{{c1::x}}", "", False)])
    @example(cards=[("A {{\x1b}} b", "", True), ("{{x}} \x1b", "", True)])
    def test_deck_validates(self, cards: list[tuple[str, str, bool]]) -> None:
        from collections import Counter

        reading = apkg.Reading()
        for front, back, cloze in cards:
            textcards_add(reading, front, back, cloze)
        known = {"latent-space": "term", "gan": "term"}
        deck = importer.cards_to_deck(reading.cards, known, Counter())
        if not deck:
            return
        text = importer._dump(deck, "any")
        parsed = loader.parse_text(text, "any.yaml", "any")
        assert parsed.problems == ()
        problems = [p for p in loader.cross_check(parsed.entries) if "not a known entry" not in p]
        assert problems == []
        assert not {e.slug for e in parsed.entries} & set(known)

    @settings(max_examples=150, deadline=None)
    @given(st.text(max_size=200))
    def test_html_becomes_plain_text(self, markup: str) -> None:
        text = html_to_text(markup)
        assert not any(ch in text for ch in "\x1b\x07\x00\u202e")


def textcards_add(reading: apkg.Reading, front: str, back: str, cloze: bool) -> None:
    from genai_cli.formats import textcards

    textcards._add(reading, front, back, (), cloze=cloze)
