"""`genai quiz --topic questions` and `--topic cloze`: the new kinds studied as cards."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from genai_cli.knowledge import loader
from genai_cli.study import cards
from genai_cli.study.grading import grade
from tests.conftest import Invoke
from tests.test_decks import write
from tests.test_interview_kinds import DECK

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def kb_with_deck() -> object:
    parsed = loader.parse_text(DECK, "deck.yaml", "deck")
    return loader.assemble([*loader.load_bundled().entries(), *parsed.entries])


class TestCards:
    """One card per question, one per cloze deletion; cloze answers graded leniently."""

    def test_card_ids(self) -> None:
        kb = kb_with_deck()
        refs = cards.candidates(kb, "cloze")  # type: ignore[arg-type]
        mine = [r.card_id for r in refs if r.slug == "cloze-gan"]
        assert mine == ["cloze-1:cloze-gan", "cloze-2:cloze-gan"]
        questions = cards.candidates(kb, "questions")  # type: ignore[arg-type]
        assert "interview:gan-q" in [r.card_id for r in questions]

    def test_cloze_card_hides_one_gap(self) -> None:
        kb = kb_with_deck()
        maker = cards.StudyMaker(kb)  # type: ignore[arg-type]
        ref = next(r for r in cards.candidates(kb, "cloze") if r.card_id == "cloze-2:cloze-gan")  # type: ignore[arg-type]
        card = maker.make(ref, "s")
        assert card.prompt.endswith("A GAN has a generator and a [the critic].")
        assert card.answer == "discriminator"
        close = grade(card, "Discriminater")
        assert close is not None and close.correct and close.close
        wrong = grade(card, "generator")
        assert wrong is not None and not wrong.correct

    def test_question_card_is_a_flashcard(self) -> None:
        kb = kb_with_deck()
        maker = cards.StudyMaker(kb)  # type: ignore[arg-type]
        ref = next(r for r in cards.candidates(kb, "questions") if r.slug == "gan-q")  # type: ignore[arg-type]
        card = maker.make(ref, "s")
        assert card.style == "flashcard"
        assert card.answer.endswith("Key points:\n- two players\n- non-stationary objective")


class TestQuizCommand:
    """The quiz asks the new cards from a pipe and records them under their card ids."""

    def test_cloze_quiz(self, cli: Invoke, isolated: Path) -> None:
        one_gap = "cloze:\n  - slug: one-gap\n    text: 'A GAN has a {{generator}} network.'\n"
        write(isolated / "decks" / "gap.yaml", one_gap)
        args = ("quiz", "--topic", "cloze", "--deck", "gap", "--plain")
        result = cli(*args, input="Generater\n")
        assert result.exit_code == 0, result.stderr
        assert "A GAN has a […] network." in result.stdout
        assert "1/1 right first time (100%)" in result.stdout  # a close misspelling is accepted
        assert progress_cards(isolated) == ["cloze-1:one-gap"]

    def test_questions_quiz(self, cli: Invoke, isolated: Path) -> None:
        result = cli("quiz", "--topic", "questions", "-n", "1", "--plain", input="\n4\n")
        assert result.exit_code == 0, result.stderr
        assert "Key points:" in result.stdout and "1/1 right" in result.stdout
        (card,) = progress_cards(isolated)
        assert card.startswith("interview:")


def progress_cards(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "progress.db")
    try:
        return [row[0] for row in conn.execute("SELECT card_id FROM cards")]
    finally:
        conn.close()


class TestClozeWording:
    """A cloze card asks for the hidden words, not for "the name", and a wrong word that
    happens to be an entry's name is not answered with "that is X" (it is a gap, not a
    name)."""

    def test_plain_quiz_asks_for_the_hidden_words(self, cli: Invoke) -> None:
        result = cli(
            "quiz", "--topic", "cloze", "-n", "1", "--seed", "2", "--plain", input="generator\n\n"
        )
        assert result.exit_code == 0
        assert "fill the gap" in result.stdout
        assert "Your answer (the hidden words; empty: I don't know):" in result.stdout
        assert "(the name" not in result.stdout
        assert "“generator” is" not in result.stdout
