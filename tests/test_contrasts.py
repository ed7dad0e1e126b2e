"""The `contrasts` kind: its schema, its cross-checks, the bundled set and user decks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genai_cli.knowledge import loader
from genai_cli.knowledge.model import Contrast
from genai_cli.knowledge.schema import parse_text
from genai_cli.knowledge.serialize import entry_to_data
from tests.conftest import Invoke

# Contrasts between terms that came with issue 14's new terms (SFT, QLoRA, GRPO, ...).
NEWER = (
    ("encoder-only-model", "decoder-only-model", "encoder-decoder-model"),
    ("lora", "qlora"),
    ("supervised-fine-tuning", "reinforcement-learning-with-human-feedback"),
    ("state-space-model", "transformer-model"),
    ("flow-matching", "diffusion-model"),
    ("grpo", "ppo"),
    ("rlvr", "reinforcement-learning-with-human-feedback"),
    ("bleu", "rouge"),
    ("embedding-model", "reranker"),
)

GOOD = """\
contrasts:
  - slug: my-contrast
    name: Mine vs theirs
    between: [latent-space, embedding]
    points:
      - aspect: what
        values: [a space, a vector]
      - aspect: where
        values: [inside a model, anywhere]
      - aspect: learned
        values: ["yes", "yes, or fixed"]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class TestSchema:
    """Each rule of docs/data-format.md is a file:line problem, all of an entry at once."""

    def test_good_contrast_parses(self) -> None:
        parsed = parse_text(GOOD, "x.yaml")
        assert parsed.problems == ()
        (contrast,) = parsed.entries
        assert isinstance(contrast, Contrast)
        assert contrast.between == ("latent-space", "embedding")
        assert [p.aspect for p in contrast.points] == ["what", "where", "learned"]
        assert entry_to_data(contrast)["points"][2] == {
            "aspect": "learned",
            "values": ["yes", "yes, or fixed"],
        }

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            ("[latent-space, embedding]", "[latent-space]", "between must name 2 to 4 entries"),
            ("[latent-space, embedding]", "[embedding, embedding]", "names 'embedding' twice"),
            ("[a space, a vector]", "[a space]", "point 1 ('what') has 1 values for 2 entries"),
            ("aspect: where", "aspect: What", "aspect 'What' appears twice"),
            ('["yes", "yes, or fixed"]', "[yes, x]", "read by YAML as a bool"),
            ("[a space, a vector]", f"[a space, {'v' * 71}]", "longer than 70 characters"),
            ("      - aspect: learned\n", "      - aspect: learned\n        extra: 1\n", "extra"),
        ],
    )
    def test_each_rule(self, old: str, new: str, message: str) -> None:
        assert old in GOOD
        parsed = parse_text(GOOD.replace(old, new), "x.yaml")
        assert parsed.entries == ()
        assert any(message in p for p in parsed.problems), parsed.problems
        assert all(p.startswith("x.yaml:") for p in parsed.problems)

    def test_too_few_points(self) -> None:
        text = GOOD[: GOOD.index("      - aspect: where")]
        (problem,) = parse_text(text, "x.yaml").problems
        assert problem == "x.yaml:5: contrast 'my-contrast': points must list 3 to 6 points, not 1"

    def test_every_problem_of_an_entry_at_once(self) -> None:
        text = GOOD.replace("name: Mine vs theirs\n", "verified: no\n").replace(
            "[a space, a vector]", "[a space]"
        )
        problems = parse_text(text, "x.yaml").problems
        assert problems == (
            "x.yaml:2: contrast 'my-contrast': missing field 'name'",
            "x.yaml:3: contrast 'my-contrast': unknown field 'verified'",
            "x.yaml:6: contrast 'my-contrast': points: point 1 ('what') has 1 values for 2"
            " entries in between",
        )


class TestCrossChecks:
    """Slugs in between must exist and be terms or algorithms; a set is contrasted once."""

    def test_unknown_slug_is_a_file_line_error_with_a_guess(
        self, cli: Invoke, tmp_path: Path
    ) -> None:
        deck = write(tmp_path / "c.yaml", GOOD.replace("embedding]", "embeding]"))
        result = cli("validate", str(deck))
        assert result.exit_code == 2
        assert result.stdout.splitlines()[0] == (
            f"{loader.display_path(deck)}:2: contrast 'my-contrast': between 'embeding' is not a"
            " known entry; did you mean embedding?"
        )

    def test_not_a_term_or_algorithm(self, cli: Invoke, tmp_path: Path) -> None:
        deck = write(tmp_path / "c.yaml", GOOD.replace("embedding]", "introduction]"))
        result = cli("validate", str(deck))
        assert "between 'introduction' is a concept, not a term or algorithm" in result.stdout

    def test_same_set_twice(self, cli: Invoke, tmp_path: Path) -> None:
        second = GOOD.replace("contrasts:\n", "").replace("my-contrast", "again")
        second = second.replace("[latent-space, embedding]", "[embedding, latent-space]")
        deck = write(tmp_path / "c.yaml", GOOD + second)
        result = cli("validate", str(deck))
        assert "names the same entries as contrast 'my-contrast'" in result.stdout

    def test_a_deck_contrast_naming_nothing_is_skipped_alone(
        self, cli: Invoke, isolated: Path
    ) -> None:
        write(isolated / "decks" / "c.yaml", GOOD.replace("embedding]", "nowhere]"))
        result = cli("compare", "latent-space", "embedding")
        assert result.exit_code == 0
        assert "between 'nowhere' is not a known entry; entry skipped" in result.stderr


class TestBundled:
    """The bundled contrasts load, and cover what a learner asks for."""

    def test_at_least_twenty_and_all_valid(self) -> None:
        kb = loader.load_bundled()
        assert len(kb.contrasts) >= 20
        wanted = [
            {"generative-adversarial-network", "variational-autoencoder"},
        ]
        sets = [set(c.between) for c in kb.contrasts]
        for pair in wanted:
            assert pair in sets

    def test_usable_in_a_user_deck(self, cli: Invoke, isolated: Path) -> None:
        write(isolated / "decks" / "c.yaml", GOOD)
        result = cli("compare", "latent space", "embedding")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert "Mine vs theirs" in result.stdout
        assert "inside a model" in result.stdout

    def test_json_has_the_points(self, cli: Invoke) -> None:
        data = json.loads(cli("compare", "gan", "vae", "--json").stdout)
        assert data["contrast"]["slug"] == "gan-vs-vae"
        assert data["contrast"]["points"][0]["aspect"]

    def test_contrasts_of_the_newer_terms(self, cli: Invoke) -> None:
        """The contrasts that waited for issue 14's terms are bundled, between terms."""
        kb = loader.load_bundled()
        found = {frozenset(c.between): c for c in kb.contrasts}
        for between in NEWER:
            assert frozenset(between) in found, between
            assert all(kb.get(slug).kind == "term" for slug in between)  # type: ignore[union-attr]
        result = cli("compare", "lora", "qlora")
        assert result.exit_code == 0, result.stderr
        assert "LoRA vs QLoRA" in result.stdout and "NormalFloat" in result.stdout
