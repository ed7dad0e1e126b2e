"""`genai learn TERM`: the path to a term, prerequisites first, asked and recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import Term
from genai_cli.study.learn import path_cards, study_path
from genai_cli.study.questions import QuestionMaker
from tests.conftest import Invoke

KB = load_bundled()


def term(slug: str) -> Term:
    entry = KB.get(slug)
    assert isinstance(entry, Term)
    return entry


class TestStudyPath:
    """Prerequisites recursively, each after its own, then the term; each term once."""

    def test_perplexity(self) -> None:
        steps = study_path(KB, term("perplexity"))
        assert [s.term.slug for s in steps] == ["softmax", "cross-entropy-loss", "perplexity"]
        assert not any(s.known for s in steps)

    @pytest.mark.parametrize("slug", [t.slug for t in KB.terms])
    def test_every_term_comes_after_its_prerequisites(self, slug: str) -> None:
        steps = study_path(KB, term(slug))
        order = [s.term.slug for s in steps]
        assert order[-1] == slug and len(order) == len(set(order))
        for n, step in enumerate(steps):
            assert set(step.term.prerequisites) <= set(order[:n])

    def test_known_steps_are_marked_and_skipped_unless_all(self) -> None:
        steps = study_path(KB, term("perplexity"), {"softmax", "perplexity"})
        assert [s.known for s in steps] == [True, False, True]
        cards = path_cards(KB, steps, mode="typed", seed=1)
        assert [c.slug for c in cards] == ["cross-entropy-loss", "perplexity"]  # the target stays
        every = path_cards(KB, steps, mode="typed", seed=1, include_known=True)
        assert [c.card_id for c in every] == [
            "typed:softmax",
            "typed:cross-entropy-loss",
            "typed:perplexity",
        ]


class TestLearnCommand:
    """--json prints the path; a session shows each card, then asks it; answers are kept."""

    def test_json(self, cli: Invoke, isolated: Path) -> None:
        result = cli("learn", "Perplexity", "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == [
            {"slug": "softmax", "name": "Softmax", "known": False},
            {"slug": "cross-entropy-loss", "name": "Cross-Entropy Loss", "known": False},
            {"slug": "perplexity", "name": "Perplexity", "known": False},
        ]
        assert not isolated.exists()  # showing the path creates no progress database

    def test_unknown_term(self, cli: Invoke) -> None:
        result = cli("learn", "perplxity")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == "genai: no term 'perplxity'; did you mean perplexity?\n"

    def test_session_walks_the_path_and_records_it(self, cli: Invoke) -> None:
        steps = study_path(KB, term("perplexity"))
        cards = path_cards(KB, steps, mode="typed", seed="s")
        maker = QuestionMaker(KB)
        answers = [maker.make(c, "s").answer for c in cards]
        result = cli(
            "learn",
            "perplexity",
            "--mode",
            "typed",
            "--seed",
            "s",
            "--plain",
            input="".join(a + "\n" for a in answers),
        )
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert "Path to Perplexity: Softmax → Cross-Entropy Loss → Perplexity" in out
        cards_at = [
            out.index(f"{n}/3 · {name}")
            for n, name in enumerate(["Softmax", "Cross-Entropy Loss", "Perplexity"], 1)
        ]
        questions_at = [out.index(f"Question {n} of 3") for n in (1, 2, 3)]
        assert cards_at[0] < questions_at[0] < cards_at[1] < questions_at[1] < cards_at[2]
        assert out.count("✓ Right.") == 3
        data = json.loads(cli("stats", "--json").stdout)
        assert (data["reviews"], data["correct"]) == (3, 3)
        again = json.loads(cli("learn", "perplexity", "--json").stdout)
        assert [s["known"] for s in again] == [True, True, True]


class TestIntroducing:
    """Each entry is introduced once, before its first question; the rest is delegated."""

    def test_once_per_entry_and_delegates(self) -> None:
        from genai_cli.study.learn import Introducing
        from genai_cli.study.questions import Outcome, Question

        events: list[str] = []

        class Fake:
            extra = "from the wrapped asker"

            def ask(self, question: Question, number: int, total: int) -> str | None:
                events.append(f"ask {question.slug}")
                return "x"

            def feedback(self, question: Question, outcome: Outcome) -> None:
                events.append(f"feedback {question.slug}")

        asker = Introducing(Fake(), lambda slug: events.append(f"card {slug}"))
        a = Question("typed:a", "typed", "a", "A", "?")
        b = Question("typed:b", "typed", "b", "B", "?")
        for question in (a, b, a):  # a again, as relearning would ask it
            asker.ask(question, 1, 3)
        asker.feedback(b, Outcome(False, 1, "x"))
        assert events == ["card a", "ask a", "card b", "ask b", "ask a", "feedback b"]
        assert asker.extra == "from the wrapped asker"
