"""`genai learn` in a real pseudo-terminal: each step's card, then its question, in path order."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import Term
from genai_cli.study.learn import path_cards, study_path
from genai_cli.study.questions import QuestionMaker
from tests.test_quiz_terminal import env_for, genai, reviews

pytestmark = pytest.mark.slow

KB = load_bundled()


@pytest.mark.parametrize("columns", [60, 100])
def test_learn_perplexity_walks_its_prerequisites_first(isolated: Path, columns: int) -> None:
    target = KB.get("perplexity")
    assert isinstance(target, Term)
    cards = path_cards(KB, study_path(KB, target), mode="choice", seed="7")
    maker = QuestionMaker(KB)
    questions = [maker.make(card, "7") for card in cards]
    child = pexpect.spawn(
        sys.executable,
        genai("learn", "perplexity", "--mode", "choice", "--seed", "7")[1:],
        env=env_for(isolated) | {"COLUMNS": str(columns)},
        dimensions=(50, columns),
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect_exact("Path to Perplexity:")
        for number, (name, question) in enumerate(
            zip(["Softmax", "Cross-Entropy Loss", "Perplexity"], questions, strict=True), 1
        ):
            child.expect_exact(f"{number}/3 · {name}")  # the short card comes first
            child.expect_exact(f"Question {number} of 3")
            child.expect_exact("Your answer:")
            child.send("\x1b[B" * question.options.index(question.answer))  # arrow down
            child.send("\r")
            child.expect_exact("✓ Right.")
        child.expect_exact("3/3 right")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert [r[0] for r in reviews(isolated)] == [q.card_id for q in questions]
    assert [r[2] for r in reviews(isolated)] == [1, 1, 1]
