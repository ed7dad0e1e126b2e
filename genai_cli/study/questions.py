"""Questions generated from the knowledge base: pure functions of the data and a seed.

One card per (entry, question kind), identified by ``"<kind>:<slug>"`` so that editing a
definition never resets progress. Questions are built one at a time, only for the cards a
quiz actually asks, from a seeded ``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from genai_cli.errors import UsageError
from genai_cli.knowledge.model import Algorithm, Entry, KnowledgeBase, Myth, Term, names_of
from genai_cli.knowledge.names import normalize
from genai_cli.study.texts import (
    MASK,
    explanation,
    flashcard_sides,
    flat,
    mask,
    masked_definition,
    profile,
    short_definition,
    short_description,
    typed_prompt,
    unblank,
)

TOPICS = ("terms", "algorithms", "myths", "all")
MODES = ("choice", "typed", "flashcard", "mixed")

# Question kinds: the first half of a card id.
TERM_DEFINITION = "term-definition"  # a term is shown, pick its definition
DEFINITION_TERM = "definition-term"  # a definition is shown, pick the term
TYPED = "typed"  # a definition is shown, type the name
CLOZE = "cloze"  # a sentence with a gap is shown, type the hidden words
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
_CHOICE_KINDS = (
    TERM_DEFINITION,
    DEFINITION_TERM,
    ALGORITHM_PROFILE,
    PROFILE_ALGORITHM,
    MYTH_OR_FACT,
)

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
CLOSE_RATIO = 85.0  # rapidfuzz ratio (0-100) for "a close misspelling"
_SAMPLE = 24  # distractor candidates drawn per tag and from the whole kind: bounded work
_WIDE_SAMPLE = 240  # a second, wider draw when the first gave too few of the right form
_TOO_SIMILAR = 90.0  # rapidfuzz token_set_ratio: two options saying the same thing

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
    notes: tuple[str, ...] = ()  # per option: what it actually is ("the definition of X")
    entry_kind: str = ""  # "term", "algorithm", "myth": which command shows the entry

    @property
    def style(self) -> Style:
        if self.kind == FLASHCARD:
            return "flashcard"
        if self.kind in (TYPED, CLOZE):
            return "typed"
        return "choice"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an answer was graded: right or not, the scheduler rating, and what was given."""

    correct: bool
    rating: int
    given: str
    close: bool = False  # accepted as a close misspelling
    note: str = ""  # what a wrong answer actually is ("you chose the definition of X")
    dont_know: bool = False  # an empty answer: "I don't know"


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


class QuestionMaker:
    """Builds questions for one knowledge base.

    Peers are indexed once (by kind and by kind and tag), and distractors are drawn as a
    bounded random sample of them, so a question costs the same with 100 or 100,000
    entries. ``texts_built`` counts option texts computed (for tests of that bound).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.texts_built = 0
        self._tagged: dict[str, dict[str, tuple[Entry, ...]]] = {}
        self._names: dict[str, str] | None = None
        self._name_keys: list[str] | None = None

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
        return replace(builder(entry, ref, rng), entry_kind=entry.kind)

    def prepare(self, refs: Iterable[CardRef]) -> None:
        """Build the indexes the questions for ``refs`` need, once, before the first one,
        so that no answer waits for them mid-session."""
        entries = (self.kb.get(r.slug) for r in refs if r.kind in _CHOICE_KINDS)
        for kind in {e.kind for e in entries if e is not None}:
            self._by_tag(kind)
        _ = self.names  # grading looks typed answers up in it

    @property
    def names(self) -> dict[str, str]:
        """Normalised name or alias → the label of the entry it names (terms, algorithms)."""
        if self._names is None:
            names: dict[str, str] = {}
            for plural in ("terms", "algorithms"):
                for entry in self.kb.of_kind(plural):
                    for name in names_of(entry):
                        names.setdefault(normalize(name), entry.label)
            self._names = names
        return self._names

    # -- peers ---------------------------------------------------------------------------

    def _by_tag(self, kind: str) -> dict[str, tuple[Entry, ...]]:
        """Tag → the entries of ``kind`` carrying it; built once per kind."""
        index = self._tagged.get(kind)
        if index is None:
            lists: dict[str, list[Entry]] = {}
            for e in self.kb.of_kind(kind + "s"):
                for tag in e.tags:
                    lists.setdefault(tag, []).append(e)
            index = self._tagged[kind] = {t: tuple(es) for t, es in lists.items()}
        return index

    def _draw(
        self, entry: Entry, rng: random.Random, size: int, *, prefer_far: bool = False
    ) -> list[Entry]:
        """A bounded random sample of ``entry``'s peers: most tags in common first (or,
        with ``prefer_far``, fewest: for myths, whose near neighbours answer each other)."""
        by_tag = self._by_tag(entry.kind)
        drawn: dict[str, Entry] = {}
        for tag in entry.tags:
            pool = by_tag.get(tag, ())
            for peer in rng.sample(pool, min(size, len(pool))):
                drawn.setdefault(peer.slug, peer)
        everyone = self.kb.of_kind(entry.kind + "s")
        for peer in rng.sample(everyone, min(size, len(everyone))):
            drawn.setdefault(peer.slug, peer)
        drawn.pop(entry.slug, None)
        mine = set(entry.tags)
        ranked = list(drawn.values())
        sign = 1 if prefer_far else -1
        return sorted(ranked, key=lambda p: sign * len(mine & set(p.tags)))  # stable

    def _options(
        self,
        entry: Entry,
        right: str,
        text_of: Callable[[Entry], str | None],
        rng: random.Random,
        avoid: Iterable[str] = (),
        *,
        prefer_far: bool = False,
    ) -> tuple[tuple[str, ...], tuple[Entry, ...]]:
        """``right`` and up to three distractors, shuffled, with the entry of each option.

        Distractors share tags where possible, no two options say the same thing, and
        the term's blank (its own name, masked) is in every option or in none.
        """
        from rapidfuzz import fuzz

        blank = MASK in right
        seen = {normalize(right), *(normalize(a) for a in avoid)}
        chosen: list[tuple[str, Entry]] = [(right, entry)]
        tried: set[str] = set()
        # Two draws keep the blank in every option or in none; if even the wider draw
        # finds too few of the right form, the blanks are dropped from every option.
        for size, same_form in ((_SAMPLE, True), (_WIDE_SAMPLE, True), (_WIDE_SAMPLE, False)):
            for peer in self._draw(entry, rng, size, prefer_far=prefer_far):
                if len(chosen) == 4:
                    break
                if peer.slug in tried:
                    continue
                text = text_of(peer)
                self.texts_built += 1
                if text is None or (same_form and (MASK in text) != blank):
                    continue
                tried.add(peer.slug)
                key = normalize(text)
                if not key or key in seen:
                    continue
                if any(fuzz.token_set_ratio(text, c) >= _TOO_SIMILAR for c, _ in chosen):
                    continue
                seen.add(key)
                chosen.append((text, peer))
            if len(chosen) == 4:
                break
        if len({MASK in c for c, _ in chosen}) > 1:
            chosen = [(unblank(c), e) for c, e in chosen]
        rng.shuffle(chosen)
        return tuple(c for c, _ in chosen), tuple(e for _, e in chosen)

    # -- builders ------------------------------------------------------------------------

    def _question(
        self,
        entry: Entry,
        ref: CardRef,
        prompt: str,
        *,
        answer: str,
        options: tuple[str, ...] = (),
        notes: tuple[str, ...] = (),
        accepted: tuple[str, ...] = (),
        confusable: tuple[str, ...] = (),
        shown_after: str | None = None,
    ) -> Question:
        after = explanation(entry) if shown_after is None else shown_after
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            entry.label,
            prompt,
            options,
            answer,
            accepted,
            confusable,
            after,
            notes,
        )

    def _pick_text(
        self,
        entry: Entry,
        ref: CardRef,
        rng: random.Random,
        prompt: str,
        *,
        text_of: Callable[[Entry], str | None],
        what: str,
        prefer_far: bool = False,
    ) -> Question:
        """Multiple choice: which of the peers' texts belongs to ``entry``."""
        right = text_of(entry)
        assert right is not None
        options, owners = self._options(entry, right, text_of, rng, prefer_far=prefer_far)
        right = next(o for o, e in zip(options, owners, strict=True) if e is entry)
        notes = tuple(what.format(o.label) for o in owners)
        return self._question(entry, ref, prompt, options=options, answer=right, notes=notes)

    def _pick_name(
        self,
        entry: Entry,
        ref: CardRef,
        rng: random.Random,
        shown: str,
        about: Callable[[Entry], str],
    ) -> Question:
        """Multiple choice: which entry (of the peers' names) ``shown`` describes."""
        accepted = names_of(entry)
        options, owners = self._options(entry, entry.label, lambda e: e.label, rng, accepted)
        notes = tuple(f"{o.label} is {about(o)}" for o in owners)
        prompt = f"Which {entry.kind} is this?\n{shown}"
        return self._question(
            entry, ref, prompt, options=options, answer=entry.label, notes=notes, accepted=accepted
        )

    def _term_definition(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Term)
        prompt = f"What does “{entry.name}” mean?"
        return self._pick_text(
            entry,
            ref,
            rng,
            prompt,
            text_of=masked_definition,
            what="you chose the definition of {}",
        )

    def _definition_term(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Term)
        shown = mask(flat(entry.definition), names_of(entry))
        return self._pick_name(entry, ref, rng, shown, short_definition)

    def _typed(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        accepted = names_of(entry)
        confusable = self._confusable(accepted)
        return self._question(
            entry,
            ref,
            typed_prompt(entry),
            answer=entry.label,
            accepted=accepted,
            confusable=confusable,
        )

    def _confusable(self, accepted: Sequence[str]) -> tuple[str, ...]:
        """Other entries' names that a close-misspelling check must not accept."""
        from rapidfuzz import fuzz, process

        if self._name_keys is None:
            self._name_keys = list(self.names)
        mine = {normalize(a) for a in accepted}
        out: set[str] = set()
        for m in mine:
            for key, _score, _i in process.extract_iter(
                m, self._name_keys, scorer=fuzz.ratio, score_cutoff=CLOSE_RATIO
            ):
                if key not in mine:
                    out.add(key)
        return tuple(sorted(out))

    def _flashcard(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        front, back = flashcard_sides(entry)
        options = tuple(RATING_NAMES.values())
        return self._question(entry, ref, front, options=options, answer=back, shown_after=back)

    def _myth_or_fact(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        """A myth, and four facts to choose from: which one sets this myth right?

        Every option is a fact written in the same voice, so no option can be told from
        the others by its style; a bare "myth or fact?" of one statement could (the facts
        are long, hedged, and some open by replying to the myth).
        """
        assert isinstance(entry, Myth)
        prompt = f"A common belief, and a myth:\n“{flat(entry.myth)}”\nWhich fact sets it right?"
        return self._pick_text(
            entry,
            ref,
            rng,
            prompt,
            text_of=lambda e: flat(e.fact) if isinstance(e, Myth) else None,
            what="you chose the fact that answers the myth “{}”",
            prefer_far=True,
        )

    def _algorithm_profile(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Algorithm)
        prompt = f"The stated complexity of {entry.name}, and what its variables stand for?"
        return self._pick_text(
            entry,
            ref,
            rng,
            prompt,
            text_of=lambda e: profile(e) if isinstance(e, Algorithm) else None,
            what="you chose the complexity of {}",
        )

    def _profile_algorithm(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Algorithm)
        shown = f"{profile(entry)}\n{mask(flat(entry.description), names_of(entry))}"
        return self._pick_name(entry, ref, rng, shown, short_description)
