"""Questions generated from the knowledge base: pure functions of the data and a seed.

One card per (entry, question kind), identified by ``"<kind>:<slug>"`` so that editing a
definition never resets progress. Questions are built one at a time, only for the cards a
quiz actually asks, from a seeded ``random.Random``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from genai_cli.errors import UsageError
from genai_cli.knowledge.model import Algorithm, Entry, KnowledgeBase, Myth, Term, names_of
from genai_cli.knowledge.names import normalize, whole_number

TOPICS = ("terms", "algorithms", "myths", "all")
MODES = ("choice", "typed", "flashcard", "mixed")

# Question kinds: the first half of a card id.
TERM_DEFINITION = "term-definition"  # a term is shown, pick its definition
DEFINITION_TERM = "definition-term"  # a definition is shown, pick the term
TYPED = "typed"  # a definition is shown, type the name
FLASHCARD = "flashcard"  # front, reveal, grade yourself
MYTH_OR_FACT = "myth-or-fact"  # a statement: myth or fact?
ALGORITHM_PROFILE = "algorithm-profile"  # an algorithm is shown, pick complexity and use
PROFILE_ALGORITHM = "profile-algorithm"  # complexity and use are shown, pick the algorithm

_KINDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("terms", "choice"): (TERM_DEFINITION, DEFINITION_TERM),
    ("terms", "typed"): (TYPED,),
    ("terms", "flashcard"): (FLASHCARD,),
    ("algorithms", "choice"): (ALGORITHM_PROFILE, PROFILE_ALGORITHM),
    ("algorithms", "typed"): (TYPED,),
    ("algorithms", "flashcard"): (FLASHCARD,),
    # A myth has no name to type: typed mode asks myth-or-fact, answered with a word.
    ("myths", "choice"): (MYTH_OR_FACT,),
    ("myths", "typed"): (MYTH_OR_FACT,),
    ("myths", "flashcard"): (FLASHCARD,),
}
_CHOICE_KINDS = (TERM_DEFINITION, DEFINITION_TERM, ALGORITHM_PROFILE, PROFILE_ALGORITHM)

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
MASK = "_____"
CLOSE_RATIO = 85.0  # rapidfuzz ratio (0-100) for "a close misspelling"
_CLOSE_MIN_LENGTH = 5  # shorter names (acronyms) must be typed exactly
FACT, MYTH = "Fact", "Myth"
_TRUTH_WORDS = {FACT: ("fact", "true", "t", "yes", "y"), MYTH: ("myth", "false", "f", "no", "n")}

Style = Literal["choice", "typed", "flashcard"]


def card_id(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"


def split_card_id(card: str) -> tuple[str, str]:
    """``"typed:latent-space"`` → ``("typed", "latent-space")``."""
    kind, _, slug = card.partition(":")
    return kind, slug


@dataclass(frozen=True, slots=True)
class CardRef:
    """A card the quiz could ask: its id, question kind and entry slug."""

    card_id: str
    kind: str
    slug: str


@dataclass(frozen=True, slots=True)
class Question:
    """One question, ready to show and to grade."""

    card_id: str
    kind: str
    slug: str
    title: str  # the entry's name, for summaries
    prompt: str
    options: tuple[str, ...] = ()  # choice answers, or the self-grades of a flashcard
    answer: str = ""  # the right option, name or flashcard back
    accepted: tuple[str, ...] = ()  # other texts that count as right (names, aliases)
    confusable: tuple[str, ...] = ()  # normalised names too close to count as misspellings
    explanation: str = ""  # shown after the answer: the full definition or fact

    @property
    def style(self) -> Style:
        if self.kind == FLASHCARD:
            return "flashcard"
        if self.kind == TYPED:
            return "typed"
        return "choice"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an answer was graded: right or not, the scheduler rating, and what was given."""

    correct: bool
    rating: int
    given: str
    close: bool = False  # accepted as a close misspelling


def kinds_for(topic: str, mode: str) -> dict[str, tuple[str, ...]]:
    """Question kinds per entry kind (plural) for a topic and mode."""
    if topic not in TOPICS:
        raise UsageError(f"--topic must be one of {', '.join(TOPICS)}, not {topic!r}")
    if mode not in MODES:
        raise UsageError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    topics = TOPICS[:-1] if topic == "all" else (topic,)
    modes = MODES[:-1] if mode == "mixed" else (mode,)
    out: dict[str, tuple[str, ...]] = {}
    for t in topics:
        kinds = [k for m in modes for k in _KINDS[(t, m)]]
        out[t] = tuple(dict.fromkeys(kinds))
    return out


def candidates(kb: KnowledgeBase, topic: str, mode: str) -> list[CardRef]:
    """Every card a quiz on ``topic`` in ``mode`` could ask, in data order (cheap: ids only)."""
    refs: list[CardRef] = []
    for plural, kinds in kinds_for(topic, mode).items():
        entries = kb.of_kind(plural)
        for entry in entries:
            for kind in kinds:
                if kind in _CHOICE_KINDS and len(entries) < 2:
                    continue  # no distractor to offer
                refs.append(CardRef(card_id(kind, entry.slug), kind, entry.slug))
    return refs


def _name_pattern(name: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s\-_]+", name.strip()) if w]
    return r"[\s\-_]*".join(words)


def mask(text: str, names: Iterable[str]) -> str:
    """``text`` with every one of ``names`` (any case, spacing or plural) replaced by _____."""
    alternatives = [_name_pattern(n) for n in sorted(set(names), key=len, reverse=True)]
    alternatives = [a for a in alternatives if a]
    if not alternatives:
        return text
    pattern = rf"(?<![0-9A-Za-z])(?:{'|'.join(alternatives)})(?:e?s)?(?![0-9A-Za-z])"
    return re.sub(pattern, MASK, text, flags=re.IGNORECASE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _profile(algorithm: Algorithm) -> str:
    use = mask(_flat(algorithm.use_case), names_of(algorithm))
    return f"{algorithm.complexity.stated} · {use}"


def explanation(entry: Entry) -> str:
    """What is shown after an answer: the entry in full."""
    if isinstance(entry, Term):
        return f"{entry.name}: {_flat(entry.definition)}"
    if isinstance(entry, Algorithm):
        return (
            f"{entry.name}, {entry.complexity.stated}: {_flat(entry.description)} "
            f"Used for: {_flat(entry.use_case)}"
        )
    if isinstance(entry, Myth):
        return f"Myth: {_flat(entry.myth)} Fact: {_flat(entry.fact)}"
    return entry.label


class QuestionMaker:
    """Builds questions for one knowledge base; tag indexes are computed once."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def make(self, ref: CardRef, seed: object) -> Question:
        """The question for ``ref``; the same seed always gives the same question."""
        entry = self.kb.get(ref.slug)
        if entry is None:
            raise UsageError(f"card {ref.card_id!r} names no entry")
        rng = random.Random(f"{seed}:{ref.card_id}")
        builder = {
            TERM_DEFINITION: self._term_definition,
            DEFINITION_TERM: self._definition_term,
            TYPED: self._typed,
            FLASHCARD: self._flashcard,
            MYTH_OR_FACT: self._myth_or_fact,
            ALGORITHM_PROFILE: self._algorithm_profile,
            PROFILE_ALGORITHM: self._profile_algorithm,
        }.get(ref.kind)
        if builder is None:
            raise UsageError(f"unknown question kind in card {ref.card_id!r}")
        return builder(entry, ref, rng)

    # -- helpers -------------------------------------------------------------------------

    def _peers(self, entry: Entry) -> tuple[Entry, ...]:
        plural = entry.kind + "s"
        return tuple(e for e in self.kb.of_kind(plural) if e.slug != entry.slug)

    def _options(
        self,
        entry: Entry,
        right: str,
        text_of: dict[str, str],
        rng: random.Random,
        avoid: Iterable[str] = (),
    ) -> tuple[str, ...]:
        """``right`` and up to three distractors, same tags first, no two alike, shuffled."""
        peers = [p for p in self._peers(entry) if p.slug in text_of]
        near = [p for p in peers if set(p.tags) & set(entry.tags)]
        far = [p for p in peers if not set(p.tags) & set(entry.tags)]
        rng.shuffle(near)
        rng.shuffle(far)
        seen = {normalize(right), *(normalize(a) for a in avoid)}
        chosen = [right]
        for peer in near + far:
            text = text_of[peer.slug]
            key = normalize(text)
            if key in seen or not key:
                continue
            seen.add(key)
            chosen.append(text)
            if len(chosen) == 4:
                break
        rng.shuffle(chosen)
        return tuple(chosen)

    def _masked_definitions(self, entries: Sequence[Entry]) -> dict[str, str]:
        return {
            e.slug: mask(_flat(e.definition), names_of(e)) for e in entries if isinstance(e, Term)
        }

    # -- builders ------------------------------------------------------------------------

    def _pick_text(
        self,
        entry: Entry,
        ref: CardRef,
        rng: random.Random,
        prompt: str,
        texts: dict[str, str],
    ) -> Question:
        """Multiple choice: which of the peers' ``texts`` belongs to ``entry``."""
        right = texts[entry.slug]
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            entry.label,
            prompt,
            self._options(entry, right, texts, rng),
            right,
            explanation=explanation(entry),
        )

    def _pick_name(self, entry: Entry, ref: CardRef, rng: random.Random, shown: str) -> Question:
        """Multiple choice: which entry (of the peers' names) ``shown`` describes."""
        names = {e.slug: e.label for e in (entry, *self._peers(entry))}
        accepted = names_of(entry)
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            entry.label,
            f"Which {entry.kind} is this?\n{shown}",
            self._options(entry, entry.label, names, rng, avoid=accepted),
            entry.label,
            accepted,
            explanation=explanation(entry),
        )

    def _term_definition(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Term)
        texts = self._masked_definitions((entry, *self._peers(entry)))
        return self._pick_text(entry, ref, rng, f"What does “{entry.name}” mean?", texts)

    def _definition_term(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Term)
        shown = mask(_flat(entry.definition), names_of(entry))
        return self._pick_name(entry, ref, rng, shown)

    def _typed(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        accepted = names_of(entry)
        if isinstance(entry, Algorithm):
            shown = f"{entry.complexity.stated} · {_flat(entry.description)}"
            prompt = f"Type the algorithm:\n{mask(shown, accepted)}"
        else:
            assert isinstance(entry, Term)
            prompt = f"Type the term:\n{mask(_flat(entry.definition), accepted)}"
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            entry.label,
            prompt,
            (),
            entry.label,
            accepted,
            self._confusable(entry, accepted),
            explanation(entry),
        )

    def _confusable(self, entry: Entry, accepted: Sequence[str]) -> tuple[str, ...]:
        """Other entries' names that a close-misspelling check must not accept."""
        from rapidfuzz import fuzz

        mine = {normalize(a) for a in accepted}
        out: set[str] = set()
        for peer in self._peers(entry):
            for name in names_of(peer):
                key = normalize(name)
                if key not in mine and any(fuzz.ratio(key, m) >= CLOSE_RATIO for m in mine):
                    out.add(key)
        return tuple(sorted(out))

    def _flashcard(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        if isinstance(entry, Term):
            front, back = entry.name, _flat(entry.definition)
        elif isinstance(entry, Algorithm):
            front = entry.name
            back = (
                f"{entry.complexity.stated} · {_flat(entry.description)} "
                f"Used for: {_flat(entry.use_case)}"
            )
        else:
            assert isinstance(entry, Myth)
            front = f"Myth or fact? {_flat(entry.myth)}"
            back = f"Myth. {_flat(entry.fact)}"
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            entry.label,
            front,
            tuple(RATING_NAMES.values()),
            back,
            explanation=back,
        )

    def _myth_or_fact(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Myth)
        answer = rng.choice((MYTH, FACT))
        statement = entry.myth if answer == MYTH else entry.fact
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            _flat(statement),
            f"Myth or fact?\n{_flat(statement)}",
            (FACT, MYTH),
            answer,
            _TRUTH_WORDS[answer],
            explanation=explanation(entry),
        )

    def _algorithm_profile(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Algorithm)
        texts = {
            e.slug: _profile(e) for e in (entry, *self._peers(entry)) if isinstance(e, Algorithm)
        }
        prompt = f"Stated complexity and typical use of {entry.name}?"
        return self._pick_text(entry, ref, rng, prompt, texts)

    def _profile_algorithm(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Algorithm)
        return self._pick_name(entry, ref, rng, _profile(entry))


def parse_rating(text: str) -> int | None:
    """A rating: 1-4 or a name (or its start) of Again, Hard, Good, Easy, else None."""
    text = text.strip()
    if text.isdigit():  # also ², ① or a 5,000-digit number: not a rating
        number = whole_number(text)
        return number if number in RATING_NAMES else None
    folded = text.casefold()
    for number, name in RATING_NAMES.items():
        if folded and name.casefold().startswith(folded):
            return number
    return None


def _close(typed: str, accepted: Iterable[str]) -> bool:
    from rapidfuzz import fuzz

    return any(
        len(a) >= _CLOSE_MIN_LENGTH and fuzz.ratio(typed, a) >= CLOSE_RATIO for a in accepted
    )


def _grade_flashcard(text: str) -> Outcome | None:
    rating = parse_rating(text)
    if rating is None:
        return None
    return Outcome(rating != AGAIN, rating, RATING_NAMES[rating])


def _grade_choice(question: Question, text: str) -> Outcome | None:
    if not text:
        return None
    chosen = text
    if text.isdigit():  # also ², ① or a 5,000-digit number: not an option
        number = whole_number(text)
        if number is None or not 1 <= number <= len(question.options):
            return None
        chosen = question.options[number - 1]
    key = normalize(chosen)
    right = key in {normalize(a) for a in (question.answer, *question.accepted)}
    return Outcome(right, GOOD if right else AGAIN, chosen)


def _grade_typed(question: Question, text: str) -> Outcome:
    key = normalize(text)
    accepted = {normalize(a) for a in (question.answer, *question.accepted)}
    if key and key in accepted:
        return Outcome(True, GOOD, text)
    if key and key not in question.confusable and _close(key, accepted):
        return Outcome(True, HARD, text, close=True)
    return Outcome(False, AGAIN, text)


def grade(question: Question, raw: str) -> Outcome | None:
    """Grade a response: an option number or text, a typed name, or a self-grade.

    None means the response is not an answer at all (an option number out of range, an
    empty choice, an unknown grade): ask again.
    """
    text = raw.strip()
    if question.style == "flashcard":
        return _grade_flashcard(text)
    if question.style == "choice":
        return _grade_choice(question, text)
    return _grade_typed(question, text)
