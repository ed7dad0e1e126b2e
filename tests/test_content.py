"""The knowledge base beyond the article: counts, origins, sources and the acceptance lookups."""

from __future__ import annotations

import json
import re

import pytest

from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.names import normalize
from tests.conftest import Invoke, assert_golden


class TestCoverage:
    """Enough material, and the article's part still exactly the article's."""

    def test_counts(self, cli: Invoke) -> None:
        terms = json.loads(cli("terms", "--json").stdout)
        assert len(terms) >= 78
        seed = json.loads(cli("terms", "--origin", "seed", "--json").stdout)
        assert len(seed) == 18 and {t["origin"] for t in seed} == {"seed"}
        extended = json.loads(cli("terms", "--origin", "extended", "--json").stdout)
        assert len(extended) == len(terms) - 18
        kb = load_bundled()
        assert len(kb.myths) >= 10
        assert len(kb.algorithms) >= 12
        assert sum(a.origin == "extended" for a in kb.algorithms) >= 3
        assert sum(m.origin == "extended" for m in kb.myths) >= 8

    def test_every_entry_records_its_origin(self) -> None:
        for entry in load_bundled().entries():
            if entry.kind == "contrast":  # written for genai; the format leaves origin out
                assert entry.origin is None, entry.slug
                continue
            assert entry.origin in ("seed", "extended"), entry.slug

    @pytest.mark.parametrize(
        "topic",
        [
            "tokenization",
            "embedding",
            "context window",
            "temperature",
            "top-k",
            "top-p",
            "beam search",
            "hallucination",
            "rag",
            "lora",
            "peft",
            "quantization",
            "kv cache",
            "multi-head attention",
            "positional encoding",
            "encoder",
            "decoder",
            "bert",
            "gpt",
            "t5",
            "clip",
            "u-net",
            "latent diffusion",
            "classifier-free guidance",
            "ddpm",
            "ddim",
            "score-based model",
            "elbo",
            "kl divergence",
            "reparameterization trick",
            "mode collapse",
            "wasserstein gan",
            "stylegan",
            "normalizing flow",
            "instruction tuning",
            "reward model",
            "ppo",
            "dpo",
            "in-context learning",
            "few-shot learning",
            "chain-of-thought prompting",
            "mixture of experts",
            "knowledge distillation",
            "perplexity",
            "bleu",
            "fid",
            "clipscore",
            "bpe",
        ],
    )
    def test_issue_topics_resolve(self, cli: Invoke, topic: str) -> None:
        result = cli("term", topic, "--json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["origin"] == "extended" or data["slug"] == "diffusion-probabilistic-models"
        assert len(data["definition"]) > 60

    @pytest.mark.parametrize(
        ("name", "slug", "phrase"),
        [
            ("kv cache", "kv-cache", "keys and values"),
            ("lora", "lora", "low-rank"),
            ("rag", "retrieval-augmented-generation", "retriev"),
            ("temperature", "temperature", "logits"),
            ("classifier-free guidance", "classifier-free-guidance", "unconditional"),
            ("elbo", "elbo", "lower bound"),
            ("mode collapse", "mode-collapse", "generator"),
            ("tokenization", "tokenization", "tokens"),
            ("hallucination", "hallucination", "false"),
            ("mixture of experts", "mixture-of-experts", "router"),
        ],
    )
    def test_acceptance_lookups(self, cli: Invoke, name: str, slug: str, phrase: str) -> None:
        data = json.loads(cli("term", name, "--json").stdout)
        assert data["slug"] == slug
        assert phrase in data["definition"].lower()

    def test_ddpm_is_the_specific_model_not_the_seed_class(self, cli: Invoke) -> None:
        ddpm = json.loads(cli("term", "DDPMs", "--json").stdout)
        assert ddpm["slug"] == "ddpm"
        seed = json.loads(cli("term", "diffusion probabilistic models", "--json").stdout)
        assert seed["origin"] == "seed"


class TestLinksAndSources:
    """Every term is linked; sources are plain citations, never invented identifiers."""

    def test_sources_are_title_author_year_only(self) -> None:
        for entry in load_bundled().entries():
            if entry.source is None:
                continue
            src = entry.source
            assert 1900 < src.year <= 2026, entry.slug
            blob = f"{src.title} {src.author}"
            assert not re.search(r"https?:|doi|arxiv|\d{4}\.\d{4,5}", blob, re.I), entry.slug

    def test_every_term_links_to_existing_entries(self) -> None:
        kb = load_bundled()
        for term in kb.terms:
            linked = [kb.get(s) for s in term.see_also]
            assert all(e is not None for e in linked)
            assert term.see_also, term.slug

    def test_prerequisites_come_before(self) -> None:
        kb = load_bundled()
        transformer = kb.get("transformer-model")
        assert transformer is not None
        assert "self-attention" in transformer.prerequisites  # type: ignore[attr-defined]

    def test_names_do_not_collide(self) -> None:
        seen: dict[str, str] = {}
        for term in load_bundled().terms:
            for name in {normalize(n) for n in (term.slug, term.name, *term.aliases)}:
                assert seen.setdefault(name, term.slug) == term.slug, name


class TestPanelShowsOrigin:
    """The term panel says discreetly where an entry comes from, and its paper."""

    def test_extended_term_panel(self, cli: Invoke) -> None:
        result = cli("term", "lora")
        assert result.exit_code == 0
        assert_golden("term_lora.txt", result.stdout)
        assert "beyond the article" in result.stdout  # not the jargon "extended"
        assert "Source" in result.stdout and "Hu, 2022" in result.stdout

    def test_seed_term_panel_says_article(self, cli: Invoke) -> None:
        assert "from the article" in cli("term", "latent-space").stdout
