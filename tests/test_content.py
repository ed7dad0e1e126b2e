"""The knowledge base beyond the article: counts, origins, sources and the acceptance lookups."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from genai_cli.knowledge.loader import load_bundled, load_files
from genai_cli.knowledge.names import normalize
from tests.conftest import Invoke, assert_golden, flat


class TestCoverage:
    """Enough material, and the article's part still exactly the article's."""

    def test_counts(self, cli: Invoke) -> None:
        terms = json.loads(cli("terms", "--json").stdout)
        assert len(terms) >= 170
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

    @pytest.mark.parametrize(
        ("name", "slug"),
        [
            ("agent", "ai-agent"),
            ("function calling", "tool-use"),
            ("mcp", "model-context-protocol"),
            ("backpropagation", "backpropagation"),
            ("stable diffusion", "stable-diffusion"),
            ("grpo", "grpo"),
            ("sft", "supervised-fine-tuning"),
            ("vlm", "vision-language-model"),
            ("mamba", "state-space-model"),
            ("rouge", "rouge"),
            # the names people type
            ("ChatGPT", "chatgpt"),
            ("GPT-4", "gpt"),
            ("Llama", "llama"),
            ("LLaMA", "llama"),
            ("Claude", "claude"),
            ("Gemini", "gemini"),
            ("Mistral", "mistral"),
            ("Mixtral", "mistral"),
            ("DALL·E", "dall-e"),
            ("DALL-E", "dall-e"),
            ("dalle", "dall-e"),
            ("Midjourney", "midjourney"),
            ("Sora", "sora"),
        ],
    )
    def test_issue_14_lookups(self, cli: Invoke, name: str, slug: str) -> None:
        result = cli("term", name, "--json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["slug"] == slug
        assert data["tags"] and (data["see_also"] or data["prerequisites"])

    def test_ddpm_is_the_specific_model_not_the_seed_class(self, cli: Invoke) -> None:
        ddpm = json.loads(cli("term", "DDPMs", "--json").stdout)
        assert ddpm["slug"] == "ddpm"
        seed = json.loads(cli("term", "diffusion probabilistic models", "--json").stdout)
        assert seed["origin"] == "seed"


class TestLinksAndSources:
    """Every term is linked; sources are plain citations, never invented identifiers."""

    def test_every_term_is_tagged_linked_and_reachable(self) -> None:
        kb = load_bundled()
        incoming: dict[str, set[str]] = {}
        for entry in kb.entries():
            links = (*entry.see_also, *entry.more_precisely, *getattr(entry, "prerequisites", ()))
            for target in links:
                incoming.setdefault(target, set()).add(entry.slug)
        for term in kb.terms:
            assert term.tags, f"{term.slug} has no tag"
            assert term.see_also or term.prerequisites, f"{term.slug} links nowhere"
            assert incoming.get(term.slug, set()) - {term.slug}, f"nothing links to {term.slug}"

    def test_every_myth_is_reachable_from_a_term_and_tagged_myth(self) -> None:
        kb = load_bundled()
        from_terms = {slug for term in kb.terms for slug in term.see_also}
        for myth in kb.myths:
            assert myth.slug in from_terms, f"no term links to myth {myth.slug}"
            assert "myth" in myth.tags, myth.slug

    def test_prerequisites_have_no_cycle(self) -> None:
        kb = load_bundled()
        needs = {e.slug: tuple(getattr(e, "prerequisites", ())) for e in kb.entries()}
        done: set[str] = set()

        def visit(slug: str, path: tuple[str, ...]) -> None:
            assert slug not in path, " -> ".join((*path, slug))
            if slug not in done:
                for before in needs.get(slug, ()):
                    visit(before, (*path, slug))
                done.add(slug)

        for slug in needs:
            visit(slug, ())

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


class TestReviewFindings:
    """The content review's ERROR and MISLEADING findings stay fixed."""

    def test_ddim_puts_the_non_markovian_process_on_the_noising_side(self) -> None:
        ddim = load_bundled().get("ddim")
        assert ddim is not None
        text = " ".join(ddim.definition.split())  # type: ignore[attr-defined]
        assert "Markovian noising process with a non-Markovian one" in text
        assert "non-Markovian, optionally deterministic reverse" not in text

    def test_kv_cache_decoding_names_the_weight_term(self) -> None:
        row = load_bundled().get("kv-cache-decoding")
        assert row is not None
        text = " ".join(row.description.split())  # type: ignore[attr-defined]
        assert "O(l * n * d^2)" in text and "memory bandwidth" in text
        assert "only linear in n" not in text

    def test_normalizing_flow_counts_the_conditioner_networks(self) -> None:
        row = load_bundled().get("normalizing-flow-models")
        assert row is not None
        complexity = row.complexity  # type: ignore[attr-defined]
        assert complexity.stated == "O(k * f)"
        assert set(complexity.symbols) == {"k", "f"}
        assert "conditioner" in complexity.factor("f").meaning
        assert "small networks" not in row.description  # type: ignore[attr-defined]

    def test_ppo_is_a_soft_limit(self) -> None:
        ppo = load_bundled().get("ppo")
        assert ppo is not None
        text = " ".join(ppo.definition.split())  # type: ignore[attr-defined]
        assert "ratio" in text and "cannot move far" not in text

    def test_memory_myth_says_chats_may_train_later_models(self) -> None:
        myth = load_bundled().get("chatbots-remember-you")
        assert myth is not None
        assert "train later model versions" in " ".join(myth.fact.split())  # type: ignore[attr-defined]


# The bridges content-review.md §10 proposes from a verbatim seed statement to the
# extended entries that say it accurately.
BRIDGES = [
    ("transformer-models", ("kv-cache-decoding", "flash-attention")),
    ("text-to-image-models", ("latent-diffusion-models",)),
    ("multimodal-model", ("clip", "vision-language-model")),
    ("large-language-model", ("bert", "decoder-only-model")),
    ("zero-shot-learning", ("zero-shot-prompting",)),
    ("diffusion-probabilistic-models", ("ddpm", "stable-diffusion")),
    ("neural-rendering", ("nerf", "gaussian-splatting")),
    ("something-from-nothing", ("test-time-compute", "reasoning-model")),
]


class TestMorePrecisely:
    """`more_precisely` bridges a seed statement to the entry a researcher would sign."""

    @pytest.mark.parametrize(("slug", "targets"), BRIDGES, ids=[b[0] for b in BRIDGES])
    def test_the_review_s_bridges_exist(self, slug: str, targets: tuple[str, ...]) -> None:
        entry = load_bundled().get(slug)
        assert entry is not None and entry.origin == "seed"
        assert entry.more_precisely == targets

    def test_a_deck_may_use_it_on_any_kind(self, tmp_path: Path) -> None:
        deck = tmp_path / "deck.yaml"
        deck.write_text(
            "terms:\n"
            "  - slug: attention-sketch\n"
            "    name: Attention Sketch\n"
            "    definition: A loose picture of attention.\n"
            "    more_precisely: [attention-exact]\n"
            "  - slug: attention-exact\n"
            "    name: Attention Exact\n"
            "    definition: The exact picture.\n"
            "myths:\n"
            "  - slug: attention-myth\n"
            "    myth: Attention reads everything equally.\n"
            "    fact: It weighs positions.\n"
            "    more_precisely: [attention-exact, attention-sketch]\n",
            encoding="utf-8",
        )
        kb = load_files([deck])
        sketch, myth = kb.get("attention-sketch"), kb.get("attention-myth")
        assert sketch is not None and sketch.more_precisely == ("attention-exact",)
        assert myth is not None and myth.more_precisely == ("attention-exact", "attention-sketch")

    def test_term_panel_names_each_entry_and_its_command(self, cli: Invoke) -> None:
        shown = flat(cli("term", "multimodal-model").stdout)
        assert (
            "More precisely CLIP → genai term clip"
            " Vision-Language Model → genai term vision-language-model"
        ) in shown
        see_also = shown.split("See also", 1)[1]
        assert "CLIP" not in see_also.split("Algorithm", 1)[0]  # shown once, as a bridge

    def test_algorithm_panel_shows_the_row_beside_the_complexity(self, cli: Invoke) -> None:
        shown = flat(cli("algorithms", "transformer-models").stdout)  # golden: test_compare
        assert "Doubling n ×2 → 4x cost More precisely" in shown
        assert (
            "More precisely Autoregressive Decoding with a KV Cache O(l * n^2 * d) → genai" in shown
        )
        assert "algorithms kv-cache-decoding FlashAttention → genai term flash-attention" in shown

    def test_myth_panel_shows_the_row(self, cli: Invoke) -> None:
        shown = flat(cli("myths", "2").stdout)
        assert "More precisely Test-Time Compute → genai term test-time-compute" in shown

    def test_json_includes_it(self, cli: Invoke) -> None:
        term = json.loads(cli("term", "neural-rendering", "--json").stdout)
        assert term["more_precisely"] == ["nerf", "gaussian-splatting"]
        algorithms = json.loads(cli("algorithms", "--json").stdout)
        row = next(a for a in algorithms if a["slug"] == "transformer-models")
        assert row["more_precisely"] == ["kv-cache-decoding", "flash-attention"]
        plain = json.loads(cli("term", "lora", "--json").stdout)
        assert plain["more_precisely"] == []
