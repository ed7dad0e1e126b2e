"""`genai term`, `genai terms` and `genai search`: lookup as a user types it."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import ROOT, Invoke, assert_golden

SEED_TERMS = yaml.safe_load((ROOT / "data" / "terms.yaml").read_text(encoding="utf-8"))["terms"]


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


class TestTermLookup:
    """Every seed term answers to its name, slug and acronym, with the article's definition."""

    def test_article_has_eighteen_terms(self) -> None:
        assert len(SEED_TERMS) == 18
        assert all(t["origin"] == "seed" for t in SEED_TERMS)

    @pytest.mark.parametrize("entry", SEED_TERMS, ids=[t["slug"] for t in SEED_TERMS])
    def test_resolves_by_name_slug_and_acronym(self, cli: Invoke, entry: dict[str, object]) -> None:
        names = [entry["name"], entry["slug"]]
        names += [a for a in entry.get("aliases", []) if a.isupper()]  # type: ignore[attr-defined]
        for name in names:
            result = cli("term", str(name), "--json")
            assert result.exit_code == 0, (name, result.stderr)
            data = json.loads(result.stdout)
            assert data["slug"] == entry["slug"]
            assert data["definition"] == " ".join(str(entry["definition"]).split())

    @pytest.mark.parametrize(
        ("typed", "slug"),
        [
            ("Latent Space", "latent-space"),
            ("LATENT_SPACE", "latent-space"),
            ("gans", "generative-adversarial-network"),
            ("GAN", "generative-adversarial-network"),
            ("rlhf", "reinforcement-learning-with-human-feedback"),
            ("zero shot learning", "zero-shot-learning"),
            ("Transformers", "transformer-model"),
            ("llms", "large-language-model"),
        ],
    )
    def test_folds_case_spacing_and_plurals(self, cli: Invoke, typed: str, slug: str) -> None:
        result = cli("term", typed, "--json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["slug"] == slug

    def test_panel_shows_everything_about_a_term(self, cli: Invoke) -> None:
        result = cli("term", "latent-space")
        assert result.exit_code == 0
        assert result.stderr == ""
        assert_golden("term_latent_space.txt", result.stdout)
        flat = _flat(result.stdout)
        assert "A compressed representation of data where generative models operate" in flat
        assert "See also" in flat

    def test_panel_names_related_algorithm_and_concept(self, cli: Invoke) -> None:
        result = cli("term", "gan")
        assert_golden("term_gan.txt", result.stdout)
        flat = _flat(result.stdout)
        assert "Algorithm" in flat and "O(n * m)" in flat
        assert "genai algorithms generative-adversarial-networks" in flat
        assert "genai concepts concept-gans" in flat
        assert "Aliases GAN, GANs" in flat

    def test_json_is_plain_data(self, cli: Invoke) -> None:
        result = cli("term", "latent-space", "--json")
        data = json.loads(result.stdout)
        assert {"slug", "name", "aliases", "definition", "tags", "see_also"} <= set(data)
        assert data["name"] == "Latent Space"
        assert "\x1b" not in result.stdout

    @pytest.mark.parametrize(
        ("typo", "expected"),
        [
            ("latnt-space", "latent-space"),
            ("difusion-model", "diffusion-model"),
            ("trasformer", "transformer-model"),
            ("self-atention", "self-attention"),
        ],
    )
    def test_unknown_name_suggests_the_right_term(
        self, cli: Invoke, typo: str, expected: str
    ) -> None:
        result = cli("term", typo)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(f"genai: no term {typo!r}; did you mean ")
        assert expected in result.stderr.split("did you mean", 1)[1].split(",")[0].split(" or ")[0]
        assert result.stderr.count("\n") == 1

    def test_nothing_alike_gives_no_suggestions(self, cli: Invoke) -> None:
        result = cli("term", "qqqqqqqqqqqqq")
        assert result.exit_code == 1
        assert result.stderr == "genai: no term 'qqqqqqqqqqqqq'; genai terms lists them all\n"


class TestTermsList:
    """`genai terms` lists terms, filtered by tag or origin."""

    def test_table_lists_every_term(self, cli: Invoke) -> None:
        result = cli("terms", "--origin", "seed")
        assert result.exit_code == 0
        assert_golden("terms_seed.txt", result.stdout)
        wide = " ".join(cli("terms", "--origin", "seed", env={"COLUMNS": "200"}).stdout.split())
        for entry in SEED_TERMS:
            assert " ".join(entry["name"].split()[:3]) in wide  # a long name wraps, indented

    @pytest.mark.parametrize("width", ["40", "80", "100"])
    def test_sorted_by_name_one_row_each_slug_only_when_it_differs(
        self, cli: Invoke, width: str
    ) -> None:
        out = cli("terms", env={"COLUMNS": width}).stdout
        starts = [line for line in out.splitlines() if line and line[0] not in " ("]
        shown = [line.split("  ")[0].split(" (")[0] for line in starts[:-1]]
        names = sorted(
            (t["name"] for t in json.loads(cli("terms", "--json").stdout)), key=str.casefold
        )
        assert len(shown) == len(names)
        assert all(name.startswith(first) for first, name in zip(shown, names, strict=True))
        assert "FlashAttention (flash-attention)" in out  # differs from the name folded
        assert "(latent-space)" not in out and "(chinchilla-scaling-laws)" not in out
        if width != "40":
            assert any(line.startswith("Alignment   ") and "Making a" in line for line in starts)

    def test_json_lists_seed_terms(self, cli: Invoke) -> None:
        data = json.loads(cli("terms", "--origin", "seed", "--json").stdout)
        assert [t["slug"] for t in data] == [t["slug"] for t in SEED_TERMS]

    def test_tag_filters(self, cli: Invoke) -> None:
        data = json.loads(cli("terms", "--tag", "attention", "--json").stdout)
        assert data and all("attention" in t["tags"] for t in data)
        assert "self-attention" in [t["slug"] for t in data]

    def test_unknown_tag_is_not_found(self, cli: Invoke) -> None:
        result = cli("terms", "--tag", "nope")
        assert result.exit_code == 1
        assert result.stderr.startswith("genai: no term has the tag 'nope'")

    def test_bad_origin_is_a_usage_error(self, cli: Invoke) -> None:
        result = cli("terms", "--origin", "moon")
        assert result.exit_code == 2
        assert "--origin must be one of seed, extended" in result.stderr


class TestSearch:
    """`genai search` finds words anywhere, best first, and says how to see each hit."""

    def test_attention_finds_self_attention_and_transformers(self, cli: Invoke) -> None:
        result = cli("search", "attention", "--limit", "50", "--json")
        hits = json.loads(result.stdout)
        slugs = [h["slug"] for h in hits]
        assert "self-attention" in slugs
        assert "transformer-model" in slugs
        assert "transformer-models" in slugs
        assert slugs.index("self-attention") < slugs.index("transformer-models")
        assert all(h["command"].startswith("genai ") for h in hits)

    def test_rendered_results_name_commands_and_highlight(self, cli: Invoke) -> None:
        result = cli("search", "attention", "--limit", "3")
        assert result.exit_code == 0
        assert_golden("search_attention.txt", result.stdout)
        assert "→ genai term attention" in result.stdout
        forced = cli("search", "attention", "--limit", "1", env={"FORCE_COLOR": "1"})
        assert "\x1b[1;7m" in forced.stdout or "\x1b[7;1m" in forced.stdout

    def test_all_words_must_match_first(self, cli: Invoke) -> None:
        hits = json.loads(cli("search", "image", "generation", "--json").stdout)
        assert hits[0]["slug"] in {"text-to-image-generation", "text-to-image-models"}

    def test_no_match_exits_1_like_grep(self, cli: Invoke) -> None:
        result = cli("search", "qwertyx")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == "genai: nothing matches 'qwertyx'; genai terms lists every term\n"
        as_json = cli("search", "qwertyx", "--json")
        assert (as_json.exit_code, as_json.stdout) == (1, "[]\n")

    def test_forgives_a_typo(self, cli: Invoke) -> None:
        result = cli("search", "hallucinaton")
        assert result.exit_code == 0
        assert "→ genai term hallucination" in result.stdout
        assert "showing 'hallucination'" in result.stdout
        hits = json.loads(cli("search", "hallucinaton", "--json").stdout)
        assert hits[0]["slug"] == "hallucination"

    def test_stop_words_rank_low(self, cli: Invoke) -> None:
        hits = json.loads(cli("search", "how", "do", "gans", "work", "--json").stdout)
        assert all(h["kind"] != "myth" for h in hits[:3])  # "work" no longer pulls in myths
        assert hits[0]["slug"] in {
            "generative-adversarial-networks",
            "generative-adversarial-network",
        }

    def test_searches_myths_and_applications(self, cli: Invoke) -> None:
        slugs = [h["slug"] for h in json.loads(cli("search", "healthcare", "--json").stdout)]
        assert "healthcare" in slugs
        kinds = {h["kind"] for h in json.loads(cli("search", "creativity", "--json").stdout)}
        assert "myth" in kinds


class TestNoDeadEnds:
    """A name that is not found always ends with a next step (UX review, section 3)."""

    @pytest.mark.parametrize(
        ("argv", "ending"),
        [
            (("term", "xyzzy"), "; genai terms lists them all"),
            (("algorithms", "lstm"), "; genai search lstm finds 2 entries"),
            (("poem", "sonnet"), "; poems: "),
            (("term", "embedings"), "; did you mean embedding?"),
            (("compare", "gan", "xyzzy"), "; genai terms or genai algorithms lists them all"),
        ],
    )
    def test_next_step(self, cli: Invoke, argv: tuple[str, ...], ending: str) -> None:
        result = cli(*argv)
        assert result.exit_code == 1
        (line,) = result.stderr.splitlines()
        assert ending in line

    def test_unquoted_words_are_one_name(self, cli: Invoke) -> None:
        quoted = cli("term", "zero shot learning")
        unquoted = cli("term", "zero", "shot", "learning")
        assert unquoted.exit_code == 0
        assert unquoted.stdout == quoted.stdout


class TestColour:
    """Colour follows the conventions: none when piped or with NO_COLOR."""

    def test_no_escape_codes_when_piped(self, cli: Invoke) -> None:
        assert "\x1b" not in cli("term", "gan").stdout

    def test_no_color_wins_over_force_color(self, cli: Invoke) -> None:
        result = cli("term", "gan", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
        assert "\x1b[3" not in result.stdout and "\x1b[9" not in result.stdout

    def test_force_color_colours(self, cli: Invoke) -> None:
        assert "\x1b[" in cli("term", "gan", env={"FORCE_COLOR": "1"}).stdout
