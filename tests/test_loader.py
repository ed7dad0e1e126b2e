"""The loader: every kind of broken file gives one `file:line: what is wrong`."""

from __future__ import annotations

from pathlib import Path

import pytest

from genai_cli.errors import DataError
from genai_cli.knowledge import loader
from genai_cli.knowledge.model import KINDS, Cloze
from tests.conftest import Invoke

BROKEN = Path(__file__).parent / "fixtures" / "broken"

CASES = [
    ("syntax.yaml", 5, "YAML syntax"),
    ("unknown_kind.yaml", 2, "unknown kind 'glossary' (expected one of: terms, algorithms"),
    ("unknown_field.yaml", 5, "term 'latent-space': unknown field 'defintion'"),
    ("missing_field.yaml", 2, "term 'latent-space': missing field 'definition'"),
    ("wrong_type.yaml", 5, "term 'latent-space': definition must be text, but is a list"),
    ("boolean.yaml", 5, "aliases item 2 must be text, but is read by YAML as a bool ('no')"),
    ("duplicate_slug.yaml", 6, "myth 'latent-space': slug already used by term at"),
    ("duplicate_alias.yaml", 6, "name or alias 'gan' is already a name of term"),
    (
        "dangling_see_also.yaml",
        5,
        "term 'latent-space': see_also 'latent-spce' is not a known entry",
    ),
    (
        "dangling_more_precisely.yaml",
        5,
        "term 'self-attention': more_precisely 'flash-atention' is not a known entry",
    ),
    (
        "bad_more_precisely.yaml",
        12,
        "algorithm 'transformer-models': more_precisely item 2 'Flash Attention' is not a slug",
    ),
    ("bad_complexity.yaml", 6, "'n log n' is not a variable with an optional whole exponent"),
    ("duplicate_key.yaml", 4, "duplicate key 'name' (first at line 3)"),
    ("python_tag.yaml", 3, "tag !!python/object/apply:os.system is not allowed"),
    ("not_a_mapping.yaml", 1, "the file must be a mapping of kinds"),
    ("bad_slug.yaml", 2, "slug 'Latent Space' is not a slug"),
    ("bad_origin.yaml", 5, "origin must be one of seed, extended, not 'article'"),
]


class TestBrokenFiles:
    """One fixture per kind of mistake, each reported with its file and line."""

    @pytest.mark.parametrize(("name", "line", "message"), CASES, ids=[c[0] for c in CASES])
    def test_reports_file_line_and_problem(self, name: str, line: int, message: str) -> None:
        path = BROKEN / name
        with pytest.raises(DataError) as caught:
            loader.load_files([path])
        first = caught.value.problems[0]
        assert first.startswith(f"{loader.display_path(path)}:{line}: "), first
        assert message in first

    def test_every_fixture_is_covered(self) -> None:
        assert {c[0] for c in CASES} == {p.name for p in BROKEN.glob("*.yaml")}

    def test_python_tag_executes_nothing(self) -> None:
        with pytest.raises(DataError):
            loader.load_files([BROKEN / "python_tag.yaml"])
        assert not Path("/tmp/genai-pwned").exists()

    @pytest.mark.parametrize("name", [c[0] for c in CASES])
    def test_cli_prints_one_line_and_exits_2(
        self, cli: Invoke, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        data = tmp_path / "data"
        data.mkdir()
        (data / name).write_bytes((BROKEN / name).read_bytes())
        monkeypatch.setattr(loader, "bundled_data_dir", lambda: data)
        result = cli("term", "latent-space")
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"genai: {loader.display_path(data / name)}:")
        assert "Traceback" not in result.stderr


class TestBundledData:
    """The shipped data loads cleanly and holds the whole article."""

    def test_article_counts(self) -> None:
        kb = loader.load_bundled()
        seed = {k: [e for e in kb.of_kind(k) if e.origin == "seed"] for k in KINDS}
        counts = {k: len(v) for k, v in seed.items()}
        assert counts == {
            "terms": 18,
            "algorithms": 9,
            "concepts": 9,
            "applications": 4,
            "myths": 2,
            "quotes": 11,
            "poems": 3,
            "contrasts": 0,
            "questions": 0,
            "cloze": 43,
        }

    def test_article_wording_is_kept(self) -> None:
        """Seed text is the article's, word for word (a copy of it lives in fixtures/)."""
        article = " ".join(
            (Path(__file__).parent / "fixtures" / "article.txt").read_text(encoding="utf-8").split()
        )
        kb = loader.load_bundled()
        for entry in kb.entries():
            if entry.origin != "seed":
                continue
            for field in ("definition", "description", "use_case", "body", "myth", "fact", "text"):
                value = getattr(entry, field, None)
                if isinstance(entry, Cloze) and field == "text":
                    value = entry.label  # the sentence with its deletions filled in
                if isinstance(value, str):
                    assert " ".join(value.split()) in article, (entry.slug, field)

    def test_every_term_is_tagged_and_linked(self) -> None:
        kb = loader.load_bundled()
        for term in kb.terms:
            assert term.tags, term.slug
            assert term.see_also, term.slug

    def test_control_characters_are_stripped(self) -> None:
        parsed = loader.parse_text(
            'terms:\n  - slug: x\n    name: "X\\e[31m\\u202e"\n    definition: "a\\rb\\x9bc\\td"\n',
            "deck.yaml",
        )
        (term,) = parsed.entries
        assert term.label == "X[31m"  # type: ignore[attr-defined]
        assert term.definition == "abc\td"  # type: ignore[attr-defined]
