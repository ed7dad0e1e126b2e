"""`genai compare` and `genai algorithms`: algorithms side by side, complexity understood."""

from __future__ import annotations

import json

import pytest
import yaml

from genai_cli.errors import NotFoundError, UsageError
from genai_cli.knowledge.complexity import parse_complexity
from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import Factor
from genai_cli.reference.compare import (
    Growth,
    chart_peak,
    growth,
    growth_phrase,
    letter_clashes,
    same_meaning,
    select_algorithms,
)
from genai_cli.views.compare import bar
from tests.conftest import ROOT, Invoke, assert_golden, flat

SEED = yaml.safe_load((ROOT / "data" / "algorithms.yaml").read_text(encoding="utf-8"))["algorithms"]


class TestCompareAcceptance:
    """The issue's acceptance checks for compare, as a new user would run them."""

    def test_gan_vae_is_short_and_about_differences(self, cli: Invoke) -> None:
        result = cli("compare", "gan", "vae", env={"COLUMNS": "100"})
        assert result.exit_code == 0
        assert result.stderr == ""
        assert_golden("compare_gan_vae.txt", result.stdout)
        lines = result.stdout.splitlines()
        assert len(lines) <= 40  # one screen
        assert lines[0] == "GANs vs VAEs"
        text = flat(result.stdout)
        labels = [line[:20].strip() for line in lines]
        for aspect in ("Training", "Samples", "Has an encoder", "Likelihood"):
            assert aspect in labels  # at least three real differences, as rows
        assert "an adversarial game against a" in text
        assert "O(n * m): linear in n and in m" in text  # the algorithms' complexity row
        assert "█" not in text  # identical straight lines are not drawn
        assert "same letter" not in text  # "training samples" and "samples" are one meaning

    @pytest.mark.parametrize(
        ("names", "title", "row"),
        [
            (("gpt", "bert"), "GPT vs BERT", "Architecture"),
            (("rag", "fine-tuning"), "RAG vs fine-tuning", "What changes"),
            (("lora", "fine-tuning"), "LoRA vs full fine-tuning", "Weights trained"),
            (("bert", "gpt"), "GPT vs BERT", "Architecture"),
        ],
    )
    def test_terms_with_a_contrast(
        self, cli: Invoke, names: tuple[str, str], title: str, row: str
    ) -> None:
        result = cli("compare", *names, env={"COLUMNS": "100"})
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0] == title
        assert row in flat(result.stdout)
        assert "In short" in result.stdout  # the definitions side by side

    def test_columns_follow_the_names_given(self, cli: Invoke) -> None:
        data = json.loads(cli("compare", "bert", "gpt", "--json").stdout)
        assert [e["slug"] for e in data["entries"]] == ["bert", "gpt"]
        out = cli("compare", "bert", "gpt", env={"COLUMNS": "100"}).stdout
        header = out.splitlines()[2]
        assert header.index("BERT") < header.index("GPT")

    def test_two_of_a_three_way_contrast(self, cli: Invoke) -> None:
        result = cli("compare", "vae", "diffusion", env={"COLUMNS": "100"})
        assert result.exit_code == 0
        assert result.stdout.splitlines()[0] == "Variational Autoencoder vs Diffusion Model"
        assert "Generative Adversarial" not in result.stdout  # only the two columns asked for
        assert "Likelihood" in result.stdout

    def test_terms_without_a_contrast_side_by_side(self, cli: Invoke) -> None:
        result = cli("compare", "latent-space", "tokenization")
        assert result.exit_code == 0
        text = flat(result.stdout)
        assert "compressed representation" in text
        assert "No contrast lists how these differ yet" in text

    def test_transformer_diffusion_charts_what_differs(self, cli: Invoke) -> None:
        result = cli("compare", "transformer", "diffusion")
        assert result.exit_code == 0
        assert_golden("compare_transformer_diffusion.txt", result.stdout)
        text = flat(result.stdout)
        assert "Transformer Models O(n^2): quadratic in n" in text
        assert "Diffusion Models O(t * n): linear in t and in n" in text
        assert "n ×8 ████████████████████████████████████████ 64x" in text
        assert text.count("█████ 8x") == 0  # the straight lines are said, not drawn

    def test_output_is_honest_about_letters_and_absolute_cost(self, cli: Invoke) -> None:
        text = flat(cli("compare", "transformer", "diffusion").stdout)
        assert "never which algorithm is cheaper" in text
        assert "The same letter means different things" in text
        assert (
            "n means the sequence length for Transformer Models; the number of samples for"
            " Diffusion Models." in text
        )

    def test_all_json_has_every_algorithm_with_parsed_complexity(self, cli: Invoke) -> None:
        result = cli("compare", "--all", "--json")
        assert result.exit_code == 0
        data = json.loads(result.stdout)
        entries = data["algorithms"]
        by_slug = {a["slug"]: a for a in entries}
        assert len(entries) == len(load_bundled().algorithms)
        assert [a["slug"] for a in SEED] == [e["slug"] for e in entries if e["origin"] == "seed"]
        assert len(SEED) == 9
        for seed in SEED:
            entry = by_slug[seed["slug"]]
            assert {"slug", "name", "description", "complexity", "use_case"} <= set(entry)
            assert entry["complexity"]["stated"] == seed["complexity"]["stated"]
            assert entry["complexity"]["variables"] == seed["complexity"]["variables"]
            assert [g["symbol"] for g in entry["complexity"]["growth"]] == list(
                seed["complexity"]["variables"]
            )
        transformer = by_slug["transformer-models"]["complexity"]
        assert transformer["factors"] == [
            {"symbol": "n", "exponent": 2, "meaning": "the sequence length"}
        ]
        assert transformer["growth"][0]["doubling"] == 4
        assert transformer["growth"][0]["times_ten"] == 100
        assert "\x1b" not in result.stdout

    def test_json_names_letter_clashes(self, cli: Invoke) -> None:
        data = json.loads(cli("compare", "gan", "transformer", "--json").stdout)
        assert [a["slug"] for a in data["algorithms"]] == [
            "generative-adversarial-networks",
            "transformer-models",
        ]
        assert data["letter_clashes"] == [
            {
                "symbol": "n",
                "meanings": [
                    {
                        "meaning": "the number of training samples",
                        "algorithms": ["Generative Adversarial Networks"],
                    },
                    {"meaning": "the sequence length", "algorithms": ["Transformer Models"]},
                ],
            }
        ]
        assert "cheaper" in data["caveat"]

    def test_one_name_is_a_usage_error_with_an_example(self, cli: Invoke) -> None:
        result = cli("compare", "gan")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "two different terms or algorithms" in result.stderr
        assert "genai compare gan vae" in result.stderr
        assert "genai term gan shows one" in result.stderr
        assert result.stderr.count("\n") == 1

    def test_no_names_is_a_usage_error(self, cli: Invoke) -> None:
        result = cli("compare")
        assert result.exit_code == 2
        assert result.stderr.startswith("genai: name at least two terms or algorithms")
        assert "--all" in result.stderr

    def test_same_algorithm_twice_is_one(self, cli: Invoke) -> None:
        result = cli("compare", "gan", "GANs")
        assert result.exit_code == 2

    def test_names_and_all_together_is_a_usage_error(self, cli: Invoke) -> None:
        assert cli("compare", "gan", "vae", "--all").exit_code == 2

    def test_typo_suggests_vae(self, cli: Invoke) -> None:
        result = cli("compare", "gan", "vea")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(
            "genai: no term or algorithm 'vea'; did you mean variational-autoencoder"
        )

    @pytest.mark.parametrize(
        ("typed", "slug"),
        [
            ("gan", "generative-adversarial-networks"),
            ("GANs", "generative-adversarial-networks"),
            ("flow-based", "flow-based-models"),
            ("rnn", "recurrent-neural-networks"),
            ("diffusion", "diffusion-models"),
            ("text-to-image", "text-to-image-models"),
            ("Transformer Models", "transformer-models"),
        ],
    )
    def test_names_resolve_like_terms(self, cli: Invoke, typed: str, slug: str) -> None:
        result = cli("compare", typed, "self-supervised", "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["algorithms"][0]["slug"] == slug


class TestCompareLayout:
    """Three or more algorithms stay legible at 80 columns, and nothing is drawn twice."""

    def test_three_fit_in_one_table(self, cli: Invoke) -> None:
        result = cli("compare", "gan", "transformer", "diffusion")
        assert result.exit_code == 0
        assert_golden("compare_three.txt", result.stdout)
        assert all(len(line) <= 80 for line in result.stdout.splitlines())
        header = result.stdout.split("Description")[0]
        assert "Transformer Models" in header and "Diffusion Models" in header

    def test_all_splits_into_tables_whose_columns_hold_every_word(self, cli: Invoke) -> None:
        out = cli("compare", "--all").stdout
        assert all(len(line) <= 80 for line in out.splitlines())
        tables = out.split("How the stated cost grows")[0].count("Description")
        assert tables == 7  # 13 algorithms, two per table: a column never cuts a word
        wide = cli("compare", "--all", env={"COLUMNS": "200"}).stdout
        assert wide.split("How the stated cost grows")[0].count("Description") < tables
        assert all(len(line) <= 100 for line in wide.splitlines())  # a reading measure

    def test_narrow_terminal_keeps_bars_on_screen(self, cli: Invoke) -> None:
        out = cli("compare", "gan", "transformer", env={"COLUMNS": "40"}).stdout
        assert all(len(line) <= 40 for line in out.splitlines())
        assert "    n ×8 ███████████████████████████ 64x" in out.splitlines()

    def test_one_chart_per_meaning_with_every_curve(self, cli: Invoke) -> None:
        out = cli("compare", "transformer", "kv-cache-decoding", env={"COLUMNS": "100"}).stdout
        chart = out.split("How the stated cost grows")[1]
        section = chart.split("The sequence length")[1].split("\n\n")[0]
        assert "Transformer Models" in section and "with a KV Cache" in section
        assert section.count("64x") == 2


class TestAlgorithms:
    """`genai algorithms` lists them all; with a name shows one in full."""

    def test_list(self, cli: Invoke) -> None:
        result = cli("algorithms")
        assert result.exit_code == 0
        assert_golden("algorithms.txt", result.stdout)
        text = flat(result.stdout)
        for seed in SEED:
            assert seed["complexity"]["stated"] in text
        assert "13 algorithms" in text

    def test_one_in_full(self, cli: Invoke) -> None:
        result = cli("algorithms", "transformer")
        assert result.exit_code == 0
        assert_golden("algorithms_transformer.txt", result.stdout)
        text = flat(result.stdout)
        assert "Transformers leverage self-attention mechanisms" in text
        assert "Growth quadratic in n" in text
        assert "n ×2 → 4x cost" in text

    def test_search_command_for_an_algorithm_works(self, cli: Invoke) -> None:
        assert cli("algorithms", "generative-adversarial-networks").exit_code == 0

    def test_json(self, cli: Invoke) -> None:
        listed = json.loads(cli("algorithms", "--json").stdout)
        assert len(listed) == 13
        one = json.loads(cli("algorithms", "rnn", "--json").stdout)
        assert one["slug"] == "recurrent-neural-networks"
        assert one["complexity"]["growth"] == [
            {
                "symbol": "n",
                "meaning": "the sequence length",
                "exponent": 1,
                "doubling": 2,
                "times_ten": 10,
            },
            {
                "symbol": "m",
                "meaning": "the number of epochs",
                "exponent": 1,
                "doubling": 2,
                "times_ten": 10,
            },
        ]

    def test_unknown(self, cli: Invoke) -> None:
        result = cli("algorithms", "trasformer")
        assert result.exit_code == 1
        assert "did you mean transformer-models" in result.stderr


class TestGrowthLogic:
    """The domain functions behind the chart and the sentences."""

    def test_doubling_and_tenfold(self) -> None:
        g = Growth(Factor("n", 2, "the sequence length"))
        assert (g.doubling, g.tenfold) == (4, 100)
        assert g.curve() == ((1, 1), (2, 4), (4, 16), (8, 64))

    @pytest.mark.parametrize(
        ("stated", "variables", "phrase"),
        [
            ("O(n * m)", {"n": "a", "m": "b"}, "linear in n and in m"),
            ("O(n^2)", {"n": "a"}, "quadratic in n"),
            ("O(n^2 * d)", {"n": "a", "d": "b"}, "quadratic in n, linear in d"),
            ("O(n^4)", {"n": "a"}, "power 4 in n"),
        ],
    )
    def test_growth_phrase(self, stated: str, variables: dict[str, str], phrase: str) -> None:
        assert growth_phrase(parse_complexity(stated, variables)) == phrase

    def test_same_meaning_ignores_a_more_precise_wording(self) -> None:
        assert same_meaning("the number of training samples", "the number of samples")
        assert not same_meaning("the number of samples", "the number of epochs")
        assert not same_meaning("the sequence length", "the number of samples")

    def test_clashes_only_for_different_meanings(self) -> None:
        kb = load_bundled()
        gan, vae = kb.algorithms[0], kb.algorithms[1]
        transformer = next(a for a in kb.algorithms if a.slug == "transformer-models")
        assert letter_clashes([gan, vae]) == ()  # n: samples, training samples: one meaning
        assert [c.symbol for c in letter_clashes([gan, transformer])] == ["n"]
        assert letter_clashes([gan]) == ()

    def test_peak_is_the_steepest_curve(self) -> None:
        kb = load_bundled()
        assert chart_peak(kb.algorithms[:2]) == 8
        assert chart_peak(kb.algorithms[:3]) == 64

    def test_select_keeps_order_and_rejects_misuse(self) -> None:
        kb = load_bundled()
        chosen = select_algorithms(kb, ["vae", "gan"])
        assert [a.slug for a in chosen] == [
            "variational-autoencoders",
            "generative-adversarial-networks",
        ]
        with pytest.raises(UsageError):
            select_algorithms(kb, ["gan"])
        with pytest.raises(NotFoundError) as info:
            select_algorithms(kb, ["gan", "vea"])
        assert info.value.suggestions[0] == "variational-autoencoders"
        assert len(select_algorithms(kb, [], everything=True)) == len(kb.algorithms)

    @pytest.mark.parametrize(
        ("value", "peak", "expected"),
        [(0, 8, ""), (8, 8, "█" * 40), (4, 8, "█" * 20), (1, 64, "▋"), (1, 1000, "▏")],
    )
    def test_bar(self, value: int, peak: int, expected: str) -> None:
        assert bar(value, peak) == expected

    def test_growth_follows_stated_order(self) -> None:
        kb = load_bundled()
        diffusion = next(a for a in kb.algorithms if a.slug == "diffusion-models")
        assert [g.symbol for g in growth(diffusion.complexity)] == ["t", "n"]
