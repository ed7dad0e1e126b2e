"""Question generation and grading: seeded, no duplicate options, names masked, lenient."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_cli.errors import UsageError
from genai_cli.knowledge.loader import load_bundled
from genai_cli.knowledge.model import names_of
from genai_cli.knowledge.names import normalize
from genai_cli.study import questions as q
from genai_cli.study.questions import CardRef, QuestionMaker, candidates, grade, mask

KB = load_bundled()
MAKER = QuestionMaker(KB)
ALL_REFS = candidates(KB, "all", "mixed")


def make(kind: str, slug: str, seed: object = 1) -> q.Question:
    return MAKER.make(CardRef(q.card_id(kind, slug), kind, slug), seed)


def _mentions(text: str, name: str) -> bool:
    words = [re.escape(w) for w in re.split(r"[\s\-_]+", name) if w]
    pattern = r"(?<![0-9a-z])" + r"[\s\-_]*".join(words) + r"(?![0-9a-z])"
    return re.search(pattern, text, re.IGNORECASE) is not None


class TestCandidates:
    """Card ids are kind:slug, one per entry and question kind, chosen by topic and mode."""

    def test_every_topic_and_mode_has_cards(self) -> None:
        for topic in q.TOPICS:
            for mode in q.MODES:
                assert candidates(KB, topic, mode), (topic, mode)

    def test_ids_are_derived_from_slugs(self) -> None:
        ids = {r.card_id for r in ALL_REFS}
        assert "typed:latent-space" in ids
        assert "definition-term:latent-space" in ids
        assert "myth-or-fact:replace-human-creativity" in ids
        assert "profile-algorithm:transformer-models" in ids
        assert len(ids) == len(ALL_REFS)
        for ref in ALL_REFS:
            assert q.split_card_id(ref.card_id) == (ref.kind, ref.slug)

    def test_topic_limits_kinds_of_entry(self) -> None:
        slugs = {r.slug for r in candidates(KB, "myths", "mixed")}
        assert slugs == {m.slug for m in KB.myths}
        kinds = {r.kind for r in candidates(KB, "terms", "typed")}
        assert kinds == {q.TYPED}

    @pytest.mark.parametrize(("topic", "mode"), [("poems", "mixed"), ("all", "essay")])
    def test_unknown_topic_or_mode_is_a_usage_error(self, topic: str, mode: str) -> None:
        with pytest.raises(UsageError, match="must be one of"):
            candidates(KB, topic, mode)


class TestGeneration:
    """The same seed gives the same question; options are four, distinct, and hold the answer."""

    @pytest.mark.parametrize("ref", ALL_REFS[::7], ids=lambda r: r.card_id)
    def test_seeded_and_well_formed(self, ref: CardRef) -> None:
        one = MAKER.make(ref, 42)
        assert one == MAKER.make(ref, 42)
        if one.style != "typed":
            keys = [normalize(o) for o in one.options]
            assert len(keys) == len(set(keys)), one.options
        if one.style == "choice":
            assert one.answer in one.options
            expected = 2 if one.kind == q.MYTH_OR_FACT else 4
            assert len(one.options) == expected

    def test_different_seeds_shuffle_options(self) -> None:
        orders = {make(q.DEFINITION_TERM, "latent-space", seed).options for seed in range(12)}
        assert len(orders) > 1

    def test_distractors_share_tags_where_possible(self) -> None:
        question = make(q.DEFINITION_TERM, "self-attention", 3)
        by_name = {t.name: t for t in KB.terms}
        target = by_name["Self-Attention"]
        for option in question.options:
            assert set(by_name[option].tags) & set(target.tags), option

    @settings(max_examples=60, deadline=None)
    @given(st.sampled_from(KB.terms), st.integers())
    def test_term_name_is_masked_in_shown_definitions(self, term: object, seed: int) -> None:
        for kind in (q.DEFINITION_TERM, q.TYPED):
            question = make(kind, term.slug, seed)  # type: ignore[attr-defined]
            shown = question.prompt.split("\n", 1)[1]
            for name in names_of(term):  # type: ignore[arg-type]
                assert not _mentions(shown, name), (name, shown)

    @settings(max_examples=60, deadline=None)
    @given(st.sampled_from(ALL_REFS), st.integers())
    def test_never_two_identical_options(self, ref: CardRef, seed: int) -> None:
        question = MAKER.make(ref, seed)
        keys = [normalize(o) for o in question.options]
        assert len(keys) == len(set(keys))

    def test_myth_or_fact_uses_myth_and_fact_statements(self) -> None:
        myth = KB.get("replace-human-creativity")
        seen = {make(q.MYTH_OR_FACT, "replace-human-creativity", s).answer for s in range(20)}
        assert seen == {q.MYTH, q.FACT}
        for seed in range(20):
            question = make(q.MYTH_OR_FACT, "replace-human-creativity", seed)
            statement = myth.myth if question.answer == q.MYTH else myth.fact  # type: ignore[union-attr]
            assert question.prompt.endswith(statement)

    def test_algorithm_questions_show_complexity_and_use(self) -> None:
        question = make(q.PROFILE_ALGORITHM, "transformer-models")
        assert "O(n^2)" in question.prompt
        assert "Language translation" in question.prompt
        assert question.answer == "Transformer Models"
        profile = make(q.ALGORITHM_PROFILE, "transformer-models")
        assert profile.answer.startswith("O(n^2) · ")

    def test_ten_questions_are_fast(self) -> None:
        import rapidfuzz  # noqa: F401  (the import is start-up cost, not generation)

        started = time.perf_counter()
        maker = QuestionMaker(KB)
        for ref in ALL_REFS[:: len(ALL_REFS) // 10][:10]:
            maker.make(ref, 7)
        assert time.perf_counter() - started < 1.0  # about 0.05 s on a laptop


class TestMask:
    """Names are masked whatever their case, spacing, hyphenation or plural."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Latent space is big", "_____ is big"),
            ("in LATENT-SPACES we", "in _____ we"),
            ("the latent_space", "the _____"),
            ("latentspace stays", "_____ stays"),
            ("not latently spaced", "not latently spaced"),
        ],
    )
    def test_mask(self, text: str, expected: str) -> None:
        assert mask(text, ["Latent Space"]) == expected

    def test_acronym_masked_only_as_a_word(self) -> None:
        assert mask("A GAN, GANs, organ", ["GAN"]) == "A _____, _____, organ"


class TestGrading:
    """Typed recall is lenient, a close misspelling is Hard, choices go by number or text."""

    @pytest.mark.parametrize(
        "typed", ["Latent Space", "latent-space", "  LATENT_SPACE ", "latent spaces"]
    )
    def test_typed_exact_forms_are_good(self, typed: str) -> None:
        outcome = grade(make(q.TYPED, "latent-space"), typed)
        assert outcome == q.Outcome(True, q.GOOD, typed.strip())

    @pytest.mark.parametrize("typed", ["GAN", "gans", "generative adversarial networks"])
    def test_aliases_and_acronyms_are_good(self, typed: str) -> None:
        outcome = grade(make(q.TYPED, "generative-adversarial-network"), typed)
        assert outcome is not None and outcome.correct and outcome.rating == q.GOOD

    def test_close_misspelling_is_accepted_as_hard(self) -> None:
        outcome = grade(make(q.TYPED, "latent-space"), "latnt space")
        assert outcome == q.Outcome(True, q.HARD, "latnt space", close=True)

    def test_short_names_must_be_exact(self) -> None:
        outcome = grade(make(q.TYPED, "generative-adversarial-network"), "GAM")
        assert outcome is not None and not outcome.correct

    def test_another_terms_name_is_not_a_misspelling(self) -> None:
        question = make(q.TYPED, "encoder")
        assert "decoder" in question.confusable
        outcome = grade(question, "decoder")
        assert outcome == q.Outcome(False, q.AGAIN, "decoder")

    def test_wrong_and_empty_typed_answers_are_again(self) -> None:
        question = make(q.TYPED, "latent-space")
        assert grade(question, "embedding") == q.Outcome(False, q.AGAIN, "embedding")
        assert grade(question, "") == q.Outcome(False, q.AGAIN, "")

    def test_choice_by_number_or_text(self) -> None:
        question = make(q.DEFINITION_TERM, "latent-space")
        right = question.options.index("Latent Space") + 1
        wrong = 1 if right != 1 else 2
        assert grade(question, str(right)) == q.Outcome(True, q.GOOD, "Latent Space")
        assert grade(question, "latent space") == q.Outcome(True, q.GOOD, "latent space")
        outcome = grade(question, str(wrong))
        assert outcome is not None and not outcome.correct and outcome.rating == q.AGAIN

    @pytest.mark.parametrize("raw", ["", "0", "5", "  "])
    def test_choice_that_is_no_answer_asks_again(self, raw: str) -> None:
        assert grade(make(q.DEFINITION_TERM, "latent-space"), raw) is None

    def test_myth_or_fact_accepts_words(self) -> None:
        question = make(q.MYTH_OR_FACT, "replace-human-creativity", 0)
        truth = "true" if question.answer == q.FACT else "false"
        lie = "false" if truth == "true" else "true"
        assert grade(question, truth).correct  # type: ignore[union-attr]
        assert not grade(question, lie).correct  # type: ignore[union-attr]
        assert grade(question, question.answer.lower()).correct  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("raw", "rating"), [("1", 1), ("hard", 2), ("G", 3), ("4", 4), ("Easy", 4)]
    )
    def test_flashcard_uses_the_learners_grade(self, raw: str, rating: int) -> None:
        outcome = grade(make(q.FLASHCARD, "latent-space"), raw)
        assert outcome is not None
        assert outcome.rating == rating
        assert outcome.correct == (rating != q.AGAIN)

    def test_flashcard_unknown_grade_asks_again(self) -> None:
        assert grade(make(q.FLASHCARD, "latent-space"), "meh") is None
