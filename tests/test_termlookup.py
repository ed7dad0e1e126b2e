"""The term lookup record answers exactly as the whole knowledge base does."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from genai_cli.knowledge.loader import load_knowledge
from genai_cli.reference.lookup import SEARCHABLE, term_index
from genai_cli.reference.termlookup import TermLookup, load_term_lookup
from genai_cli.views.entries import term_panel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import gendeck


def _text(renderable: object) -> str:
    out = io.StringIO()
    Console(file=out, width=80, color_system=None, markup=False, emoji=False).print(renderable)
    return out.getvalue()


@pytest.fixture
def deck(tmp_path: Path) -> list[Path]:
    gendeck.write_deck(tmp_path / "deck", 300)
    return sorted((tmp_path / "deck").glob("part-*.yaml"))


class TestSameAsTheKnowledgeBase:
    """Panels, names and suggestions from the record equal those from the full base."""

    def test_every_term_renders_the_same(self, deck: list[Path]) -> None:
        kb = load_knowledge(deck).kb
        lookup = TermLookup.decode(TermLookup.of(kb, ()).encode())  # as read from the cache
        for term in kb.terms:
            found = lookup.index().resolve(term.slug)
            assert found == term
            assert _text(term_panel(found, lookup.context(found))) == _text(term_panel(term, kb))

    @pytest.mark.parametrize(
        "name", ["latnt-space", "trasformer", "self-atention", "GANs", "zero shot", "nothing-x"]
    )
    def test_resolve_and_suggest_agree(self, name: str) -> None:
        kb = load_knowledge([]).kb
        lookup = TermLookup.of(kb, ())
        assert lookup.index().find(name) == term_index(kb).find(name)
        assert lookup.index().suggest(name) == term_index(kb).suggest(name)

    def test_decodes_only_what_it_shows(self, deck: list[Path]) -> None:
        lookup = TermLookup.decode(TermLookup.of(load_knowledge(deck).kb, ()).encode())
        term = lookup.index().resolve("latent-space")
        lookup.context(term)
        assert len(lookup._decoded) < 60 < len(lookup.rows)


class TestCachedRecord:
    """The record is cached with the data's sources and follows every change."""

    def test_warm_equals_cold_and_follows_edits(self, deck: list[Path]) -> None:
        cold = load_term_lookup(deck)
        warm = load_term_lookup(deck)
        assert warm.pages.items("names") == cold.pages.items("names")
        assert warm.pages.items("rows") == cold.pages.items("rows")
        assert warm.vocabulary == cold.vocabulary
        deck[0].write_text(
            deck[0].read_text(encoding="utf-8")
            + "  - slug: fresh-term\n    name: Fresh Term\n    definition: Just added.\n",
            encoding="utf-8",
        )
        assert load_term_lookup(deck).index().resolve("fresh term").slug == "fresh-term"

    def test_deck_warnings_are_kept(self, tmp_path: Path) -> None:
        broken = tmp_path / "broken.yaml"
        broken.write_text("terms: [\n", encoding="utf-8")
        for _run in ("cold", "warm"):
            lookup = load_term_lookup([broken])
            assert len(lookup.warnings) == 1 and "deck skipped" in lookup.warnings[0]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, TermLookup]:
    directory = tmp_path_factory.mktemp("deck")
    gendeck.write_deck(directory, 1_200)
    (directory / "part-zz-scripts.yaml").write_text(NON_LATIN, encoding="utf-8")
    kb = load_knowledge(sorted(directory.glob("part-*.yaml"))).kb
    return kb, TermLookup.decode(TermLookup.of(kb, ()).encode())


# Names and text in scripts other than Latin (red-team H4), some without spaces.
NON_LATIN = (
    "terms:\n"
    "  - slug: zh-latent\n    name: 潜在空间\n    definition: 生成模型在其中运行的压缩表示。\n"
    "  - slug: greek\n    name: Αλφα Βήτα\n    definition: Ελληνικά γράμματα.\n"
    "  - slug: cafe\n    name: Café Crème\n    definition: Coffee, ÉCRÉMÉ.\n"
    "  - slug: hindi\n    name: किताब\n    definition: A book, पुस्तक.\n"
)


class TestIndexedSearch:
    """Search through the inverted index gives exactly the full scan's hits, in order."""

    @staticmethod
    def _same(both: tuple[object, TermLookup], query: str, limit: int = 20) -> None:
        from genai_cli.reference.lookup import search

        kb, lookup = both
        full = [(h.entry.slug, h.score, h.field, h.text) for h in search(kb, query, limit)]  # type: ignore[arg-type]
        indexed = [(h.entry.slug, h.score, h.field, h.text) for h in lookup.search(query, limit)]
        assert indexed == full

    @pytest.mark.parametrize(
        "query",
        [
            "attention",
            "att",
            "at",
            "transformers",
            "self attention mechanism",
            "latent space",
            "GAN",
            "diffusion models",
            "rotary continuous",
            "1200",
            "zzzz",
            "the of and",
            "",
            "潜在",
            "空间",
            "生成模型",
            "αλφα",
            "ΒΉΤΑ",
            "café crème",
            "ecreme",
            "किताब",
            "how do gans work",
        ],
    )
    def test_fixed_queries(self, both: tuple[object, TermLookup], query: str) -> None:
        self._same(both, query)
        self._same(both, query, limit=500)

    def test_every_name_as_a_query(self, both: tuple[object, TermLookup]) -> None:
        """Whole names get the exact-name bonus: the index's bound must allow for it."""
        kb = both[0]
        for kind in SEARCHABLE:
            for entry in kb.of_kind(kind)[:40]:  # type: ignore[attr-defined]
                self._same(both, entry.label, limit=5)

    @staticmethod
    def _same_forgiving(both: tuple[object, TermLookup], query: str, limit: int = 20) -> None:
        from genai_cli.reference.lookup import forgiving_search

        kb, lookup = both
        full = forgiving_search(kb, query, limit)  # type: ignore[arg-type]
        indexed = lookup.forgiving(query, limit)
        assert indexed.corrected == full.corrected
        assert [(h.entry.slug, h.score, h.field) for h in indexed.hits] == [
            (h.entry.slug, h.score, h.field) for h in full.hits
        ]

    @pytest.mark.parametrize(
        "query",
        [
            "hallucinaton",  # a typo: corrected, then found
            "atention mechanizm",
            "how do gans work",  # stop words left out
            "what is the",  # only stop words: kept
            "zzzzzzzz qqqqqqq",  # nothing near: no hits, exit 1 in the CLI
            "difusion",
            "embedings",
            "潜在空间",
            "Αλφα",
            "cafe creme",
            "latent space",
        ],
    )
    def test_forgiving_search_is_the_same(
        self, both: tuple[object, TermLookup], query: str
    ) -> None:
        self._same_forgiving(both, query)
        self._same_forgiving(both, query, limit=200)

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.data())
    def test_forgiving_with_typos_from_the_vocabulary(
        self, both: tuple[object, TermLookup], data: st.DataObject
    ) -> None:
        _kb, lookup = both
        word = data.draw(st.sampled_from([w for w in lookup.vocabulary if len(w) >= 5]))
        at = data.draw(st.integers(1, len(word) - 1))
        typo = data.draw(st.sampled_from([word[:at] + word[at + 1 :], word[:at] + "x" + word[at:]]))
        self._same_forgiving(both, typo, limit=10)

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.data())
    def test_words_from_the_vocabulary(
        self, both: tuple[object, TermLookup], data: st.DataObject
    ) -> None:
        _kb, lookup = both
        words = data.draw(st.lists(st.sampled_from(lookup.vocabulary), min_size=1, max_size=3))
        cut = data.draw(st.lists(st.integers(-3, 2), min_size=len(words), max_size=len(words)))
        query = " ".join(
            w[: len(w) + c] if c < 0 else w + "s" * c for w, c in zip(words, cut, strict=True)
        )
        self._same(both, query, limit=50)
