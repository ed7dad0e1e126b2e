"""The term lookup record answers exactly as the whole knowledge base does."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

from genai_cli.knowledge.loader import load_knowledge
from genai_cli.reference.lookup import term_index
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
        assert warm.names == cold.names and warm.rows == cold.rows
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
