"""`genai myths`, `concepts`, `apps`, `quote`, `poem` and the welcome: the rest of the article."""

from __future__ import annotations

import json
from random import Random

import pytest
import yaml

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.loader import load_bundled
from genai_cli.reference.article import find_myth, loose_find, pick
from tests.conftest import ROOT, Invoke, assert_golden, flat

ARTICLE = yaml.safe_load((ROOT / "data" / "article.yaml").read_text(encoding="utf-8"))


def _words(text: str) -> str:
    return " ".join(text.split())


class TestMyths:
    """Every myth is shown as a Myth / Fact pair, numbered; one by number or slug."""

    def test_all(self, cli: Invoke) -> None:
        result = cli("myths")
        assert result.exit_code == 0
        assert result.stderr == ""
        assert_golden("myths.txt", result.stdout)
        text = flat(result.stdout)
        assert text.startswith("Myths About Generative AI Let’s debunk some common myths")
        for myth in ARTICLE["myths"]:
            assert f"Myth {_words(myth['myth'])} Fact {_words(myth['fact'])}" in text
        assert "“Generative AI is a tool, not a replacement for human imagination.”" in text

    @pytest.mark.parametrize("which", ["2", "something-from-nothing"])
    def test_one_by_number_or_slug(self, cli: Invoke, which: str) -> None:
        result = cli("myths", which)
        assert result.exit_code == 0
        text = flat(result.stdout)
        assert "Myth 2" in text
        assert "Myth Generative AI can create something from nothing." in text

    def test_one_golden(self, cli: Invoke) -> None:
        assert_golden("myths_1.txt", cli("myths", "1").stdout)

    def test_json_is_a_list_of_myth_and_fact(self, cli: Invoke) -> None:
        data = json.loads(cli("myths", "--json").stdout)
        assert isinstance(data, list) and len(data) == len(load_bundled().myths)
        assert data[0]["myth"] == "Generative AI can replace human creativity."
        assert data[0]["fact"] == _words(ARTICLE["myths"][0]["fact"])
        one = json.loads(cli("myths", "1", "--json").stdout)
        assert one == data[0]

    @pytest.mark.parametrize("which", ["0", "99"])
    def test_number_out_of_range(self, cli: Invoke, which: str) -> None:
        result = cli("myths", which)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"genai: no myth number {which} (there are 14")

    def test_unknown_slug_suggests(self, cli: Invoke) -> None:
        result = cli("myths", "somthing-from-nothing")
        assert result.exit_code == 1
        assert "did you mean something-from-nothing" in result.stderr


class TestConcepts:
    """The core models with their quotes, linked to terms and algorithms."""

    def test_core_models(self, cli: Invoke) -> None:
        result = cli("concepts")
        assert result.exit_code == 0
        assert_golden("concepts.txt", result.stdout)
        text = flat(result.stdout)
        for name, quote in (
            ("Generative Adversarial Networks", "GANs turn imagination into reality"),
            ("Variational Autoencoders", "VAEs find beauty in variation"),
            ("Transformer Models", "Transformers are reshaping language"),
        ):
            assert f"╭─ {name} ─" in result.stdout
            assert f"“{quote}" in text
        assert "Algorithm Generative Adversarial Networks O(n * m)" in text
        assert "Other sections of the article" in text
        assert "genai concepts introduction" in text

    @pytest.mark.parametrize(
        ("name", "slug"), [("gan", "concept-gans"), ("VAEs", "concept-vaes"), ("future", "future")]
    )
    def test_one(self, cli: Invoke, name: str, slug: str) -> None:
        data = json.loads(cli("concepts", name, "--json").stdout)
        assert data["slug"] == slug

    def test_one_rendered_with_its_quote(self, cli: Invoke) -> None:
        result = cli("concepts", "concept-transformers")
        assert result.exit_code == 0
        text = flat(result.stdout)
        assert "“Transformers are reshaping language, one word at a time.”" in text
        assert "Terms Transformer Model" in text and "(transformer-model)" not in text

    def test_json_lists_every_concept_with_quotes(self, cli: Invoke) -> None:
        data = json.loads(cli("concepts", "--json").stdout)
        assert [c["slug"] for c in data] == [c["slug"] for c in ARTICLE["concepts"]]
        gans = next(c for c in data if c["slug"] == "concept-gans")
        assert gans["quotes"] == ["GANs turn imagination into reality, one pixel at a time."]

    def test_unknown(self, cli: Invoke) -> None:
        result = cli("concepts", "qqqqqqq")
        assert result.exit_code == 1
        assert result.stderr == "genai: no concept 'qqqqqqq'; genai concepts lists them all\n"


class TestApps:
    """Applications by industry, introduced by the article's own line."""

    def test_all(self, cli: Invoke) -> None:
        result = cli("apps")
        assert result.exit_code == 0
        assert_golden("apps.txt", result.stdout)
        text = flat(result.stdout)
        assert text.startswith(
            "Applications of Generative AI Generative AI has practical applications"
        )
        for app in ARTICLE["applications"]:
            assert app["name"] in text
        assert "“Generative AI unlocks a new world of creative possibilities.”" in text

    def test_one(self, cli: Invoke) -> None:
        result = cli("apps", "healthcare")
        assert result.exit_code == 0
        assert "AI is used to generate synthetic medical data" in flat(result.stdout)
        assert json.loads(cli("apps", "art", "--json").stdout)["slug"] == "art-and-design"

    def test_json(self, cli: Invoke) -> None:
        data = json.loads(cli("apps", "--json").stdout)
        assert [a["slug"] for a in data] == [a["slug"] for a in ARTICLE["applications"]]


class TestQuote:
    """A random quote, reproducible with --seed; --all gives the article's eleven."""

    def test_all(self, cli: Invoke) -> None:
        result = cli("quote", "--all")
        assert result.exit_code == 0
        assert_golden("quote_all.txt", result.stdout)
        text = flat(result.stdout)
        for quote in ARTICLE["quotes"]:
            assert f"“{_words(quote['text'])}”" in text
        assert "11 quotes" in text
        assert "— closing “Digital Canvas”" in text

    def test_all_json(self, cli: Invoke) -> None:
        data = json.loads(cli("quote", "--all", "--json").stdout)
        assert len(data) == 11
        assert data[0]["text"] == _words(ARTICLE["quotes"][0]["text"])
        assert data[0]["context_name"] == "Generative AI: The Future of Content Creation"

    def test_seed_is_reproducible(self, cli: Invoke) -> None:
        first = cli("quote", "--seed", "7").stdout
        assert first == cli("quote", "--seed", "7").stdout
        picks = {cli("quote", "--seed", str(s), "--json").stdout for s in range(12)}
        assert len(picks) > 1

    def test_random_without_seed_is_a_real_quote(self, cli: Invoke) -> None:
        data = json.loads(cli("quote", "--json").stdout)
        assert data["slug"] in {q["slug"] for q in ARTICLE["quotes"]}

    def test_by_slug_or_words(self, cli: Invoke) -> None:
        result = cli("quote", "one-pixel-at-a-time")
        assert flat(result.stdout).startswith("“GANs turn imagination into reality")
        assert json.loads(cli("quote", "pixel", "--json").stdout)["slug"] == "one-pixel-at-a-time"


class TestPoem:
    """Poems laid out as poems: title, lines, their closing quote; titles match loosely."""

    def test_all(self, cli: Invoke) -> None:
        result = cli("poem", "--all")
        assert result.exit_code == 0
        assert_golden("poem_all.txt", result.stdout)
        for poem in ARTICLE["poems"]:
            assert poem["title"] in result.stdout
            for line in poem["lines"]:
                assert f"    {line}" in result.stdout

    @pytest.mark.parametrize(
        "typed", [["digital canvas"], ["canvas"], ["Digital", "Canvas"], ["digital-canvas"]]
    )
    def test_title_matches_loosely(self, cli: Invoke, typed: list[str]) -> None:
        result = cli("poem", *typed)
        assert result.exit_code == 0
        assert result.stdout.lstrip().startswith("Digital Canvas")

    def test_digital_canvas_golden(self, cli: Invoke) -> None:
        result = cli("poem", "digital canvas")
        assert_golden("poem_digital_canvas.txt", result.stdout)
        lines = [line.strip() for line in result.stdout.splitlines()]
        assert lines[:2] == ["Digital Canvas", "──────────────"]
        assert "“Generative AI: where art, science, and creativity collide.”" in lines

    def test_random_with_seed(self, cli: Invoke) -> None:
        assert cli("poem", "--seed", "1").stdout == cli("poem", "--seed", "1").stdout
        assert json.loads(cli("poem", "--json").stdout)["slug"] in {
            p["slug"] for p in ARTICLE["poems"]
        }

    def test_json_has_lines_and_quote(self, cli: Invoke) -> None:
        data = json.loads(cli("poem", "whispers", "--json").stdout)
        assert data["title"] == "Whispers of Innovation"
        assert len(data["lines"]) == 4
        assert data["quotes"] == [
            "Generative AI: crafting tomorrow’s visions from today’s imagination."
        ]

    def test_unknown_title(self, cli: Invoke) -> None:
        result = cli("poem", "sonnet of despair")
        assert result.exit_code == 1
        assert result.stderr.startswith("genai: no poem 'sonnet of despair'")


class TestWelcome:
    """`genai` alone greets with the article's opening line and the useful commands."""

    def test_welcome(self, cli: Invoke) -> None:
        result = cli()
        assert result.exit_code == 0
        assert_golden("welcome.txt", result.stdout)
        text = flat(result.stdout)
        assert "Generative AI is a subset of artificial intelligence" in text
        for command in ("genai term NAME", "genai compare A B", "genai myths", "genai poem"):
            assert command in text


class TestArticleLogic:
    """Selection rules: loose titles, ambiguity, numbering, random picks."""

    def test_ambiguous_loose_name_lists_candidates(self) -> None:
        kb = load_bundled()
        with pytest.raises(NotFoundError) as info:
            loose_find(kb.quotes, "generative ai", "quote")
        assert "matches" in info.value.message
        assert len(info.value.suggestions) > 1

    def test_myth_numbers_are_one_based(self) -> None:
        kb = load_bundled()
        assert find_myth(kb, "1") is kb.myths[0]
        assert find_myth(kb, str(len(kb.myths))) is kb.myths[-1]

    def test_pick_is_driven_by_the_rng(self) -> None:
        kb = load_bundled()
        assert pick(kb.quotes, Random(3)) is pick(kb.quotes, Random(3))
        with pytest.raises(NotFoundError):
            pick((), Random(0))


class TestPoemLayout:
    """An empty line in a poem's data is a stanza break, kept as a blank line."""

    def test_stanza_break(self) -> None:
        from rich.console import Console

        from genai_cli.knowledge.model import KnowledgeBase, Poem
        from genai_cli.views.article import poem_view

        poem = Poem(slug="two-stanzas", title="Two", lines=("one a", "one b", "", "two a"))
        console = Console(width=40, record=True, color_system=None)
        console.print(poem_view(poem, KnowledgeBase(poems=(poem,))))
        lines = [line.rstrip() for line in console.export_text().splitlines()]
        assert lines == ["  Two", "  ───", "", "      one a", "      one b", "", "      two a"]


class TestSearchCommandsWork:
    """Every command `genai search` suggests for an entry really shows that entry."""

    def test_every_entry(self, cli: Invoke) -> None:
        from genai_cli.reference.lookup import command_for

        kb = load_bundled()
        for entry in kb.entries():
            if entry.kind == "cloze":
                # A hit shows the whole sentence; its command studies cloze cards.
                assert command_for(entry) == "genai quiz --topic cloze"
                continue
            words = command_for(entry).split()[1:]
            result = cli(*words, "--json")
            assert result.exit_code == 0, (words, result.stderr)
            data = json.loads(result.stdout)
            if entry.kind == "contrast":
                data = data["contrast"]
            assert data["slug"] == entry.slug, words


class TestReadmeTour:
    """The README's compare and article tour shows what the commands really print."""

    def _examples(self) -> list[tuple[list[str], str]]:
        import shlex

        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        start = readme.index("### Compare terms and algorithms")
        end = readme.index("\nColour follows the usual conventions", start)
        examples: list[tuple[list[str], str]] = []
        for block in readme[start:end].split("```console\n")[1:]:
            body = block.split("```", 1)[0]
            for chunk in body.split("$ ")[1:]:
                command, _, shown = chunk.partition("\n")
                if command.startswith("genai ") and "|" not in command and "…" not in shown:
                    examples.append((shlex.split(command)[1:], shown))
        return examples

    def test_examples_are_real(self, cli: Invoke) -> None:
        examples = self._examples()
        assert len(examples) >= 5
        for args, shown in examples:
            result = cli(*args)
            printed = "\n".join(line.rstrip() for line in result.output.splitlines())
            assert printed.strip("\n") == shown.strip("\n"), args
