"""User decks: where they are found, how they merge, `genai decks` and `genai validate`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from genai_cli.knowledge import decks, loader
from tests.conftest import ROOT, Invoke, assert_golden, flat
from tests.hostile import (
    NEW_TERM,
    SYNTAX_ERROR,
    billion_laughs,
    deep_block,
    deep_flow,
    python_tag,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def term_yaml(slug: str, name: str, *, aliases: str = "[]", see_also: str = "[]") -> str:
    return (
        f"terms:\n  - slug: {slug}\n    name: {name}\n    aliases: {aliases}\n"
        f"    definition: The {name} of a deck.\n    see_also: {see_also}\n"
    )


@pytest.fixture
def deck_dir(isolated: Path) -> Path:
    return isolated / "decks"


class TestDiscovery:
    """Decks come from $GENAI_HOME/decks, then GENAI_DECKS, then --deck, each file once."""

    def test_home_decks_yaml_and_yml_sorted_others_ignored(self, deck_dir: Path) -> None:
        b = write(deck_dir / "b.yml", "")
        a = write(deck_dir / "a.yaml", "")
        write(deck_dir / "notes.txt", "")
        write(deck_dir / ".hidden.yaml", "")
        (deck_dir / "sub.yaml").mkdir()
        assert decks.discover().files == (a, b)

    def test_no_home_directory_is_fine(self) -> None:
        assert decks.discover() == decks.Found((), ())

    def test_env_lists_files_and_directories_in_order(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deck_dir: Path
    ) -> None:
        home = write(deck_dir / "h.yaml", "")
        single = write(tmp_path / "one.deck", "")  # named explicitly: any suffix
        folder = tmp_path / "more"
        inner = write(folder / "x.yaml", "")
        monkeypatch.setenv("GENAI_DECKS", os.pathsep.join([str(single), "", str(folder)]))
        option = write(tmp_path / "opt.yaml", "")
        assert decks.discover([str(option)]).files == (home, single, inner, option)

    def test_missing_paths_are_reported_not_fatal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GENAI_DECKS", str(tmp_path / "gone"))
        found = decks.discover([str(tmp_path / "typo.yaml")])
        assert found.files == ()
        assert found.problems == (
            f"GENAI_DECKS: {tmp_path / 'gone'}: no such file or directory",
            f"--deck {tmp_path / 'typo.yaml'}: no such file or directory",
        )

    def test_same_file_twice_is_loaded_once(
        self, deck_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        deck = write(deck_dir / "a.yaml", "")
        monkeypatch.setenv("GENAI_DECKS", str(deck_dir))
        assert decks.discover([str(deck)]).files == (deck,)


class TestNewTermAcceptance:
    """A deck in $GENAI_HOME/decks with one new term: term by alias, search and decks see it."""

    def test_term_found_by_alias_and_names_its_deck(self, cli: Invoke, deck_dir: Path) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        result = cli("term", "socp")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert "Socratic Prompting" in result.stdout
        assert "deck class.yaml ─╯" in result.stdout
        data = json.loads(cli("term", "question ladder", "--json").stdout)
        assert data["slug"] == "socratic-prompting"
        assert data["deck"].endswith("class.yaml")

    def test_search_finds_it(self, cli: Invoke, deck_dir: Path) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        hits = json.loads(cli("search", "socratic", "--json").stdout)
        assert hits[0]["slug"] == "socratic-prompting"

    def test_terms_lists_it(self, cli: Invoke, deck_dir: Path) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        slugs = [t["slug"] for t in json.loads(cli("terms", "--tag", "education", "--json").stdout)]
        assert slugs == ["socratic-prompting"]

    def test_decks_lists_it_with_counts(self, cli: Invoke, deck_dir: Path) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        data = json.loads(cli("decks", "--json").stdout)
        assert [d["name"] for d in data] == ["bundled", "class"]
        assert data[1]["status"] == "loaded"
        assert data[1]["path"].endswith("class.yaml")
        assert data[1]["counts"]["terms"] == 1
        assert sum(data[1]["counts"].values()) == 1
        assert data[0]["counts"]["terms"] > 100
        shown = cli("decks", env={"COLUMNS": "200"}).stdout
        assert "class" in shown and "1 term" in shown and "1 deck" in shown

    def test_global_deck_option(self, cli: Invoke, tmp_path: Path) -> None:
        deck = write(tmp_path / "my.yaml", NEW_TERM)
        assert cli("--deck", str(deck), "term", "socp").exit_code == 0
        assert cli("term", "socp").exit_code == 1  # nothing carries over to the next run

    def test_genai_decks_env(
        self, cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write(tmp_path / "shared" / "class.yml", NEW_TERM)
        monkeypatch.setenv("GENAI_DECKS", str(tmp_path / "shared"))
        assert cli("term", "Socratic Prompting").exit_code == 0

    def test_missing_deck_option_warns_and_carries_on(self, cli: Invoke) -> None:
        result = cli("--deck", "nowhere.yaml", "term", "latent-space")
        assert result.exit_code == 0
        assert result.stderr == "genai: warning: --deck nowhere.yaml: no such file or directory\n"


class TestMerging:
    """A deck entry replaces the bundled one in place; links may cross decks."""

    def test_override_keeps_position_and_names_the_deck(self, cli: Invoke, deck_dir: Path) -> None:
        before = [t["slug"] for t in json.loads(cli("terms", "--json").stdout)]
        write(deck_dir / "mine.yaml", term_yaml("latent-space", "Latent Space"))
        terms = json.loads(cli("terms", "--json").stdout)
        assert [t["slug"] for t in terms] == before
        mine = terms[before.index("latent-space")]
        assert mine["definition"] == "The Latent Space of a deck."
        assert mine["deck"].endswith("mine.yaml")
        panel = cli("term", "latent-space", env={"COLUMNS": "120"}).stdout
        assert "The Latent Space of a deck." in panel
        assert "deck mine.yaml ─╯" in panel

    def test_later_deck_wins(self, cli: Invoke, deck_dir: Path, tmp_path: Path) -> None:
        write(deck_dir / "a.yaml", term_yaml("shared-term", "First"))
        later = write(tmp_path / "b.yaml", term_yaml("shared-term", "Second"))
        data = json.loads(cli("--deck", str(later), "term", "shared-term", "--json").stdout)
        assert data["name"] == "Second"

    def test_see_also_across_decks(self, cli: Invoke, deck_dir: Path) -> None:
        write(deck_dir / "a.yaml", term_yaml("alpha-term", "Alpha", see_also="[beta-term]"))
        write(deck_dir / "b.yaml", term_yaml("beta-term", "Beta", see_also="[alpha-term]"))
        result = cli("term", "alpha")
        assert result.exit_code == 0 and result.stderr == ""
        assert "Beta (beta-term)" in result.stdout

    def test_link_into_a_skipped_deck_is_dropped_with_a_warning(
        self, cli: Invoke, deck_dir: Path
    ) -> None:
        write(deck_dir / "a.yaml", term_yaml("alpha-term", "Alpha", see_also="[beta-term]"))
        write(deck_dir / "b.yaml", SYNTAX_ERROR.replace("broken", "beta-term"))
        result = cli("term", "alpha")
        assert result.exit_code == 0
        assert "The Alpha of a deck." in result.stdout
        lines = result.stderr.splitlines()
        assert len(lines) == 2
        assert lines[0].endswith(
            "a.yaml:2: term 'alpha-term': see_also 'beta-term' is not a known entry; link dropped"
        )
        assert "b.yaml:4: YAML syntax" in lines[1] and lines[1].endswith("deck skipped")

    def test_names_colliding_within_a_deck_skip_it(self, cli: Invoke, deck_dir: Path) -> None:
        write(
            deck_dir / "a.yaml",
            term_yaml("one-term", "One", aliases="[uno]") + term_yaml("two-term", "Uno")[7:],
        )
        result = cli("term", "latent-space")
        assert "name or alias 'uno' is already a name of term 'one-term'" in result.stderr
        assert result.stderr.rstrip().endswith("; entry skipped")
        assert cli("term", "uno").exit_code == 0  # the first of the two stays

    def test_bundled_errors_stay_fatal(
        self, cli: Invoke, deck_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        data = tmp_path / "data"
        write(data / "terms.yaml", SYNTAX_ERROR)
        monkeypatch.setattr(loader, "bundled_data_dir", lambda: data)
        result = cli("term", "socp")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "warning" not in result.stderr
        assert result.stderr.count("\n") == 1 and "terms.yaml:4: YAML syntax" in result.stderr


def hostile_decks(deck_dir: Path, marker: Path) -> dict[str, Path]:
    return {
        "python-tag": write(deck_dir / "python-tag.yaml", python_tag(marker)),
        "laughs": write(deck_dir / "laughs.yaml", billion_laughs()),
        "deep": write(deck_dir / "deep.yaml", deep_flow(5000)),
        "deep-block": write(deck_dir / "deep-block.yml", deep_block(5000)),
        "syntax": write(deck_dir / "syntax.yaml", SYNTAX_ERROR),
    }


class TestHostileDecksAcceptance:
    """Hostile files: validate exits 2 with file:line; among the decks, lookups still work."""

    @pytest.mark.parametrize(
        ("name", "line", "message"),
        [
            ("python-tag", 3, "tag !!python/object/apply:os.system is not allowed"),
            ("laughs", 5, "aliases expand to more than 10000 nodes"),
            ("deep", 1, "YAML syntax: exceeded maximum nesting depth"),  # libyaml's own cap
            ("deep-block", 2, "nesting deeper than 32 levels"),
            ("syntax", 4, "YAML syntax: did not find expected ',' or ']'"),
        ],
    )
    def test_validate_each(
        self, cli: Invoke, tmp_path: Path, name: str, line: int, message: str
    ) -> None:
        marker = tmp_path / "executed"
        files = hostile_decks(tmp_path / "decks", marker)
        result = cli("validate", str(files[name]))
        assert result.exit_code == 2
        first, summary = result.stdout.splitlines()
        assert first.startswith(f"{loader.display_path(files[name])}:{line}: {message}"), first
        assert summary == "1 problem (1 file checked)"
        assert result.stderr == ""
        assert "Traceback" not in result.stdout
        assert not marker.exists()

    def test_lookup_still_works_and_names_the_skipped_files(
        self, cli: Invoke, deck_dir: Path, tmp_path: Path
    ) -> None:
        marker = tmp_path / "executed"
        files = hostile_decks(deck_dir, marker)
        write(deck_dir / "class.yaml", NEW_TERM)
        result = cli("term", "latent-space")
        assert result.exit_code == 0
        assert "A compressed representation of data" in result.stdout
        lines = result.stderr.splitlines()
        assert len(lines) == len(files)
        for path in files.values():
            shown = loader.display_path(path)
            assert sum(line.startswith(f"genai: warning: {shown}:") for line in lines) == 1
        assert all(line.endswith("; deck skipped") for line in lines)
        assert "Traceback" not in result.stderr
        assert cli("term", "socp").exit_code == 0  # the good deck still loads
        assert not marker.exists()

    def test_decks_marks_them_skipped(self, cli: Invoke, deck_dir: Path, tmp_path: Path) -> None:
        hostile_decks(deck_dir, tmp_path / "executed")
        result = cli("decks", "--json")
        assert result.exit_code == 0 and result.stderr == ""
        data = json.loads(result.stdout)
        assert [d["status"] for d in data] == ["loaded"] + ["skipped"] * 5
        assert all(d["problems"] for d in data[1:])
        shown = cli("decks").stdout
        assert shown.count("skipped:") == 5
        assert "5 decks besides the bundled data, 5 skipped" in shown

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
    def test_not_a_regular_file_is_skipped_without_blocking(
        self, cli: Invoke, tmp_path: Path
    ) -> None:
        fifo = tmp_path / "pipe.yaml"
        os.mkfifo(fifo)
        result = cli("--deck", str(fifo), "term", "latent-space")
        assert result.exit_code == 0
        assert "cannot read: not a regular file; deck skipped" in result.stderr


class TestValidate:
    """Every problem at once as file:line lines, exit 2; duplicates are warnings."""

    def test_clean_deck(self, cli: Invoke, deck_dir: Path) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        result = cli("validate")
        assert result.exit_code == 0
        assert result.stdout == "1 file OK\n"

    def test_reports_every_problem_at_once(self, cli: Invoke, tmp_path: Path) -> None:
        deck = write(
            tmp_path / "many.yaml",
            "terms:\n"
            "  - slug: a-term\n    name: no\n    definition: x\n"
            "  - slug: b-term\n    name: B\n    definition: 1:20\n"
            "  - slug: c-term\n    name: C\n    definition: 2024-01-01\n"
            "  - slug: d-term\n    name: D\n    definition: x\n    see_also: [nowhere]\n"
            "glossary: []\n",
        )
        result = cli("validate", str(deck))
        assert result.exit_code == 2
        shown = loader.display_path(deck)
        assert result.stdout.splitlines() == [
            f"{shown}:3: term 'a-term': name must be text, but is read by YAML as a bool ('no');"
            " put it in quotes if text is meant",
            f"{shown}:7: term 'b-term': definition must be text, but is read by YAML as a int"
            " ('1:20'); put it in quotes if text is meant",
            f"{shown}:10: term 'c-term': definition must be text, but is read by YAML as a"
            " timestamp ('2024-01-01'); put it in quotes if text is meant",
            f"{shown}:11: term 'd-term': see_also 'nowhere' is not a known entry",
            f"{shown}:15: unknown kind 'glossary' (expected one of: terms, algorithms, concepts,"
            " applications, myths, quotes, poems, contrasts, questions, cloze)",
            "5 problems (1 file checked)",
        ]

    def test_duplicate_keys(self, cli: Invoke, tmp_path: Path) -> None:
        deck = write(tmp_path / "d.yaml", "terms:\n  - slug: a\n    name: A\n    name: B\n")
        result = cli("validate", str(deck))
        assert result.exit_code == 2
        assert ":4: duplicate key 'name' (first at line 3)" in result.stdout

    def test_directories_and_default_all_decks(
        self, cli: Invoke, deck_dir: Path, tmp_path: Path
    ) -> None:
        write(deck_dir / "good.yaml", NEW_TERM)
        write(deck_dir / "bad.yaml", SYNTAX_ERROR)
        write(tmp_path / "more" / "also.yml", term_yaml("also-term", "Also"))
        assert cli("validate").stdout.endswith("1 problem (2 files checked)\n")
        result = cli("validate", str(tmp_path / "more"))
        assert result.exit_code == 0 and result.stdout == "1 file OK\n"

    def test_links_to_other_decks_are_fine(
        self, cli: Invoke, deck_dir: Path, tmp_path: Path
    ) -> None:
        write(deck_dir / "class.yaml", NEW_TERM)
        mine = write(tmp_path / "m.yaml", term_yaml("m-term", "M", see_also="[socratic-prompting]"))
        assert cli("validate", str(mine)).exit_code == 0

    def test_missing_path(self, cli: Invoke) -> None:
        result = cli("validate", "nowhere.yaml")
        assert result.exit_code == 2
        assert result.stdout.splitlines()[0] == "nowhere.yaml: no such file or directory"

    def test_no_decks(self, cli: Invoke) -> None:
        result = cli("validate")
        assert result.exit_code == 0
        assert result.stdout.startswith("No decks to check: put .yaml files in ")

    def test_likely_duplicates_are_warnings(
        self, cli: Invoke, deck_dir: Path, tmp_path: Path
    ) -> None:
        write(deck_dir / "a.yaml", term_yaml("my-gan", "Generative Adversarial Network"))
        write(deck_dir / "b.yaml", term_yaml("latent", "Hidden Space", aliases="[latent space]"))
        write(deck_dir / "c.yaml", term_yaml("my-gan", "Another", aliases="[Hidden Space]"))
        result = cli("validate")
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        a, b, c = (loader.display_path(deck_dir / n) for n in ("a.yaml", "b.yaml", "c.yaml"))
        assert lines[0] == (
            f"{a}:2: warning: term 'my-gan': same name as bundled term"
            " 'generative-adversarial-network'"
        )
        assert lines[1] == (
            f"{b}:2: warning: term 'latent': alias 'latent space' is the name of bundled term"
            " 'latent-space'"
        )
        assert lines[2].startswith(f"{c}:2: warning: term 'my-gan': slug also in deck {a}:2")
        assert lines[3] == (
            f"{c}:2: warning: term 'my-gan': alias 'Hidden Space' is the name of term 'latent'"
            f" ({b}:2)"
        )
        assert lines[4:] == ["3 files OK, 4 warnings"]


class TestDecksView:
    """`genai decks` at 80 columns: bundled data, each deck, skipped ones and why."""

    def test_golden(self, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(ROOT)  # paths are shown relative to the working directory
        result = cli("--deck", "tests/fixtures/decks", "decks")
        assert result.exit_code == 0
        assert result.stderr == ""
        assert_golden("decks.txt", result.stdout)
        assert "skipped: line 4: YAML syntax" in result.stdout
        assert "data" not in result.stdout.split()  # the bundled install path: --verbose only
        verbose = cli("--deck", "tests/fixtures/decks", "decks", "--verbose").stdout
        assert "data" in verbose.split()

    @pytest.mark.parametrize("width", [40, 60, 100])
    def test_paths_break_only_after_a_slash(
        self, cli: Invoke, monkeypatch: pytest.MonkeyPatch, width: int
    ) -> None:
        monkeypatch.chdir(ROOT)
        out = cli("--deck", "tests/fixtures/decks", "decks", env={"COLUMNS": str(width)}).stdout
        cells = [line.strip() for line in out.splitlines()]
        assert "tests/fixtures/decks/classroom.yaml" in cells or (
            "tests/fixtures/decks/" in cells and "classroom.yaml" in cells
        )


REVIEW_DECK = """\
terms:
  - slug: chain-of-density
    name: Chain of Density
    aliases: [CoD]
    definition: A summarization prompt that asks a model to rewrite a summary, denser each time.
    see_also: [chain-of-thougth]

  - slug: my-rag
    name: Retrieval-Augmented Generation
    definition: My own notes on RAG.

  - slug: toolformer
    name: Toolformer
    verified: no
"""


class TestGentleDecks:
    """The UX review's deck (section 7): one broken entry costs only that entry."""

    def test_good_entries_still_served(self, cli: Invoke, deck_dir: Path) -> None:
        deck = write(deck_dir / "mydeck.yaml", REVIEW_DECK)
        result = cli("term", "cod")
        assert result.exit_code == 0
        assert "denser each time" in flat(result.stdout)
        shown = loader.display_path(deck)
        assert result.stderr.splitlines() == [
            f"genai: warning: {shown}:2: term 'chain-of-density': see_also 'chain-of-thougth' is"
            " not a known entry; did you mean chain-of-thought-prompting?; link dropped",
            f"genai: warning: {shown}:12: term 'toolformer': missing field 'definition'; entry"
            f" skipped (1 more: genai validate {shown})",
        ]
        assert cli("term", "toolformer").exit_code == 1
        data = json.loads(cli("decks", "--json").stdout)
        assert data[1]["status"] == "loaded" and data[1]["left_out"] == 1
        assert "1 broken left out" in cli("decks", env={"COLUMNS": "120"}).stdout

    def test_validate_reports_every_problem_sorted(self, cli: Invoke, deck_dir: Path) -> None:
        deck = write(deck_dir / "mydeck.yaml", REVIEW_DECK)
        result = cli("validate", env={"COLUMNS": "100"})
        assert result.exit_code == 2
        shown = loader.display_path(deck)
        assert result.stdout.splitlines() == [
            f"{shown}:2: term 'chain-of-density': see_also 'chain-of-thougth' is not a known"
            " entry; did you mean chain-of-thought-prompting?",
            f"{shown}:12: term 'toolformer': missing field 'definition'",
            f"{shown}:14: term 'toolformer': unknown field 'verified'",
            f"{shown}:8: warning: term 'my-rag': same name as bundled term"
            " 'retrieval-augmented-generation'",
            "3 problems, 1 warning (1 file checked)",
        ]
