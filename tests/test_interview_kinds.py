"""The `questions` and `cloze` kinds: validation, cloze text, search, JSON round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genai_cli.formats import jsondeck
from genai_cli.knowledge import clozetext, loader
from genai_cli.knowledge.model import Cloze, Question
from genai_cli.knowledge.serialize import entry_to_data
from tests.conftest import Invoke
from tests.test_decks import write

DECK = """\
questions:
  - slug: gan-q
    question: Why is GAN training unstable?
    answer: >-
      The generator and discriminator chase a moving target.
    points: [two players, non-stationary objective]
    level: intermediate
    tags: [gan]
    see_also: [generative-adversarial-network]
    source: {title: "Generative Adversarial Nets", author: "Goodfellow", year: 2014}
cloze:
  - slug: cloze-gan
    text: "A GAN has a {{generator}} and a {{discriminator::the critic}}."
    tags: [gan]
    see_also: [generative-adversarial-network]
"""


def parse(text: str) -> loader.Parsed:
    return loader.parse_text(text, "deck.yaml", "deck")


class TestKinds:
    """Both kinds load with every field; the labels are the question and the filled sentence."""

    def test_load(self) -> None:
        parsed = parse(DECK)
        assert parsed.problems == ()
        question, cloze = parsed.entries
        assert isinstance(question, Question) and isinstance(cloze, Cloze)
        assert question.points == ("two players", "non-stationary objective")
        assert question.level == "intermediate"
        assert question.label == "Why is GAN training unstable?"
        assert cloze.label == "A GAN has a generator and a discriminator."

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            (
                "points: [two players, non-stationary objective]",
                "points: [one]",
                "deck.yaml:6: question 'gan-q': points must list 2 to 5 key points, not 1",
            ),
            (
                "points: [two players, non-stationary objective]",
                "points: [a, b, c, d, e, f]",
                "points must list 2 to 5 key points, not 6",
            ),
            (
                "level: intermediate",
                "level: expert",
                "deck.yaml:7: question 'gan-q': level must be one of basic, intermediate, advanced",
            ),
            (  # every problem of the entry at once (issue 13), sorted by line
                "answer: >-",
                "answers: >-",
                (
                    "deck.yaml:2: question 'gan-q': missing field 'answer'",
                    "deck.yaml:4: question 'gan-q': unknown field 'answers'",
                ),
            ),
            (
                "{{generator}} and a {{discriminator::the critic}}",
                "generator",
                "deck.yaml:13: cloze 'cloze-gan': text has no deletion",
            ),
            ("the critic}}", "the critic", "text '{{' at character 33 is never closed"),
            ("{{generator}}", "generator}}", "'}}' without an opening"),
            ("{{generator}}", "{{ }}", "deletion 1 hides nothing"),
            ("{{generator}}", "{{gen::}}", "deletion 1 has an empty or doubled hint"),
            ("{{generator}}", "{{a {{b}} }}", "holds another"),
        ],
    )
    def test_problems_are_file_line(
        self, old: str, new: str, message: str | tuple[str, ...]
    ) -> None:
        assert old in DECK
        problems = parse(DECK.replace(old, new)).problems
        expected = (message,) if isinstance(message, str) else message
        assert len(problems) == len(expected), problems
        assert all(m in p for m, p in zip(expected, problems, strict=True)), problems

    def test_unknown_link_is_an_error(self, cli: Invoke, tmp_path: Path) -> None:
        deck = write(
            tmp_path / "d.yaml",
            DECK.replace(
                "[generative-adversarial-network]\n    source", "[no-such-term]\n    source"
            ),
        )
        result = cli("validate", str(deck))
        assert result.exit_code == 2
        assert "d.yaml:2: question 'gan-q': see_also 'no-such-term' is not a known entry" in (
            result.stdout
        )

    def test_valid_deck_validates(self, cli: Invoke, tmp_path: Path) -> None:
        result = cli("validate", str(write(tmp_path / "d.yaml", DECK)))
        assert result.exit_code == 0, result.stdout


class TestClozeText:
    """Deletions parse, fill, hide one at a time, and number as Anki writes them."""

    TEXT = "A {{GAN}} has a {{generator::G}} and a {{discriminator}}."

    def test_parts(self) -> None:
        assert clozetext.deletions(self.TEXT) == (
            clozetext.Deletion("GAN"),
            clozetext.Deletion("generator", "G"),
            clozetext.Deletion("discriminator"),
        )

    def test_masked_hides_only_one(self) -> None:
        assert clozetext.masked(self.TEXT, 1) == "A […] has a generator and a discriminator."
        assert clozetext.masked(self.TEXT, 2) == "A GAN has a [G] and a discriminator."

    def test_anki(self) -> None:
        assert clozetext.to_anki(self.TEXT) == (
            "A {{c1::GAN}} has a {{c2::generator::G}} and a {{c3::discriminator}}."
        )


class TestSearchAndJson:
    """`genai search` finds both kinds; the JSON export of them is itself a valid deck."""

    def test_search(self, cli: Invoke, isolated: Path) -> None:
        write(isolated / "decks" / "mine.yaml", DECK)
        result = cli("search", "gan unstable", "--json")
        hits = {h["slug"]: h for h in json.loads(result.stdout)}
        assert hits["gan-q"]["command"] == "genai interview --history gan-q"
        hits = json.loads(cli("search", "generator discriminator", "--json").stdout)
        assert "cloze-gan" in [h["slug"] for h in hits]

    def test_json_round_trip(self) -> None:
        first = parse(DECK)
        text = jsondeck.to_json(loader.assemble(first.entries), ("questions", "cloze"))
        again = parse(text)
        assert again.problems == ()
        assert [entry_to_data(e) for e in again.entries] == [
            entry_to_data(e) for e in first.entries
        ]


class TestBundledInterviewDeck:
    """At least 80 questions and 60 cloze sentences, each question complete and linked."""

    def test_counts_and_fields(self) -> None:
        kb = loader.load_bundled()
        assert len(kb.questions) >= 80
        assert len(kb.cloze) >= 60
        for question in kb.questions:
            assert 2 <= len(question.points) <= 5, question.slug
            assert question.level is not None, question.slug
            assert question.see_also, question.slug
        for cloze in kb.cloze:
            assert clozetext.deletions(cloze.text), cloze.slug
            assert cloze.see_also, cloze.slug

    def test_every_level_is_asked(self) -> None:
        levels = {q.level for q in loader.load_bundled().questions}
        assert levels == {"basic", "intermediate", "advanced"}

    def test_history_json(self, cli: Invoke) -> None:
        kb = loader.load_bundled()
        slug = kb.questions[0].slug
        data = json.loads(cli("interview", "--history", slug, "--json").stdout)
        assert data["slug"] == slug and data["answers"] == []
        assert json.loads(cli("interview", "--history", "--json").stdout) == []


class TestGentleDecks:
    """Issue 13's gentle decks hold for questions, cloze and more_precisely too."""

    def test_every_problem_of_a_cloze_at_once(self) -> None:
        text = DECK.replace(
            '    text: "A GAN has a {{generator}} and a {{discriminator::the critic}}."\n',
            '    text: "A GAN has a generator."\n    hint: x\n    more_precisely: [Not A Slug]\n',
        )
        problems = parse(text).problems
        assert [p.split(": ", 2)[2] for p in problems] == [
            "text has no deletion: mark the hidden words as {{words}}",
            "unknown field 'hint'",
            "more_precisely item 1 'Not A Slug' is not a slug"
            " (lower-case letters, digits, single hyphens)",
        ], problems

    def test_a_broken_question_loses_only_itself(self, tmp_path: Path) -> None:
        deck = write(tmp_path / "d.yaml", DECK.replace("level: intermediate", "level: expert"))
        loaded = loader.load_knowledge([deck])
        assert loaded.kb.get("gan-q") is None
        assert isinstance(loaded.kb.get("cloze-gan"), Cloze)
        (warning,) = loaded.warnings
        assert "question 'gan-q': level must be one of" in warning
        assert warning.endswith("entry skipped")

    def test_a_more_precisely_link_to_nothing_is_dropped(self, tmp_path: Path) -> None:
        text = DECK.replace(
            "    see_also: [generative-adversarial-network]\n    source",
            "    see_also: [generative-adversarial-network]\n"
            "    more_precisely: [mode-collapse, no-such-entry]\n    source",
        )
        loaded = loader.load_knowledge([write(tmp_path / "d.yaml", text)])
        question = loaded.kb.get("gan-q")
        assert isinstance(question, Question)
        assert question.more_precisely == ("mode-collapse",)
        (warning,) = loaded.warnings
        assert "more_precisely 'no-such-entry' is not a known entry" in warning
        assert warning.endswith("link dropped")
