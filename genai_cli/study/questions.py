"""Questions generated from the knowledge base: pure functions of the data and a seed.

One card per (entry, question kind), identified by ``"<kind>:<slug>"`` so that editing a
definition never resets progress. Questions are built one at a time, only for the cards a
quiz actually asks, from a seeded ``random.Random``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from genai_cli.errors import UsageError
from genai_cli.knowledge.model import Algorithm, Entry, KnowledgeBase, Myth, Term, names_of
from genai_cli.knowledge.names import normalize

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
_CHOICE_KINDS = (
    TERM_DEFINITION,
    DEFINITION_TERM,
    ALGORITHM_PROFILE,
    PROFILE_ALGORITHM,
    MYTH_OR_FACT,
)

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
MASK = "_____"
CLOSE_RATIO = 85.0  # rapidfuzz ratio (0-100) for "a close misspelling"
_CLOSE_MIN_LENGTH = 5  # shorter names (acronyms) must be typed exactly
_SAMPLE = 24  # distractor candidates drawn per tag and from the whole kind: bounded work
_WIDE_SAMPLE = 240  # a second, wider draw when the first gave too few of the right form
_TOO_SIMILAR = 90.0  # rapidfuzz token_set_ratio: two options saying the same thing
_MAX_OPTION_NUMBER = 3  # digits: longer "numbers" are not options (and int() may refuse them)

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


def _variables(algorithm: Algorithm) -> str:
    """``n = the number of samples, m = the number of epochs``."""
    return ", ".join(f"{f.symbol} = {_flat(f.meaning)}" for f in algorithm.complexity.factors)


def _profile(algorithm: Algorithm) -> str:
    """The stated complexity and what its variables stand for.

    Not the use case: use cases differ mostly in the article's wording, so options built
    from them could be told apart by style rather than by knowing the algorithm.
    """
    variables = _variables(algorithm)
    text = algorithm.complexity.stated + (f", where {variables}" if variables else "")
    return mask(text, names_of(algorithm))


def _first_sentence(text: str) -> str:
    flat = _flat(text)
    head, dot, _rest = flat.partition(". ")
    return head + (dot.strip() if dot else "")


def explanation(entry: Entry) -> str:
    """What is shown after an answer: the entry in full."""
    if isinstance(entry, Term):
        return f"{entry.name}: {_flat(entry.definition)}"
    if isinstance(entry, Algorithm):
        variables = _variables(entry)
        cost = entry.complexity.stated + (f" ({variables})" if variables else "")
        return f"{entry.name}, {cost}: {_flat(entry.description)} Used for: {_flat(entry.use_case)}"
    if isinstance(entry, Myth):
        return f"Myth: {_flat(entry.myth)} Fact: {_flat(entry.fact)}"
    return entry.label


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
            chosen = [(_unblank(c), e) for c, e in chosen]
        rng.shuffle(chosen)
        return tuple(c for c, _ in chosen), tuple(e for _, e in chosen)

    # -- builders ------------------------------------------------------------------------

    def _question(
        self,
        entry: Entry,
        ref: CardRef,
        prompt: str,
        *,
        options: tuple[str, ...],
        answer: str,
        notes: tuple[str, ...] = (),
        accepted: tuple[str, ...] = (),
    ) -> Question:
        return Question(
            ref.card_id,
            ref.kind,
            entry.slug,
            entry.label,
            prompt,
            options,
            answer,
            accepted,
            explanation=explanation(entry),
            notes=notes,
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
            text_of=_masked_definition,
            what="you chose the definition of {}",
        )

    def _definition_term(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Term)
        shown = mask(_flat(entry.definition), names_of(entry))
        return self._pick_name(entry, ref, rng, shown, _short_definition)

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
            self._confusable(accepted),
            explanation(entry),
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
            front = f"A common belief: {_flat(entry.myth)}\nWhy is it a myth?"
            back = _flat(entry.fact)
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
        """A myth, and four facts to choose from: which one sets this myth right?

        Every option is a fact written in the same voice, so no option can be told from
        the others by its style; a bare "myth or fact?" of one statement could (the facts
        are long, hedged, and some open by replying to the myth).
        """
        assert isinstance(entry, Myth)
        prompt = f"A common belief, and a myth:\n“{_flat(entry.myth)}”\nWhich fact sets it right?"
        return self._pick_text(
            entry,
            ref,
            rng,
            prompt,
            text_of=lambda e: _flat(e.fact) if isinstance(e, Myth) else None,
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
            text_of=lambda e: _profile(e) if isinstance(e, Algorithm) else None,
            what="you chose the complexity of {}",
        )

    def _profile_algorithm(self, entry: Entry, ref: CardRef, rng: random.Random) -> Question:
        assert isinstance(entry, Algorithm)
        shown = f"{_profile(entry)}\n{mask(_flat(entry.description), names_of(entry))}"
        return self._pick_name(entry, ref, rng, shown, _short_description)


def _unblank(text: str) -> str:
    """``text`` without its blanks: "the number of _____ steps" → "the number of steps"."""
    out = re.sub(r"\s*" + re.escape(MASK) + r"\s*", " ", text)
    return re.sub(r"\s+([,.;:)])", r"\1", out).strip()


def _masked_definition(entry: Entry) -> str | None:
    if not isinstance(entry, Term):
        return None
    return mask(_flat(entry.definition), names_of(entry))


def _short_definition(entry: Entry) -> str:
    return f"“{_first_sentence(entry.definition)}”" if isinstance(entry, Term) else entry.label


def _short_description(entry: Entry) -> str:
    if isinstance(entry, Algorithm):
        return f"{entry.complexity.stated}: “{_first_sentence(entry.description)}”"
    return entry.label


# -- grading -------------------------------------------------------------------------------


def option_index(question: Question, text: str) -> int | None:
    """The 0-based option a response names: ``1``-``4``, ``a``-``d``, or an option's text.

    Only ASCII digits count (``²`` and ``١`` are digits to Python, not option numbers), and
    only a few of them (``int()`` refuses numbers of more than 4,300 digits).
    """
    count = len(question.options)
    if text.isascii() and text.isdigit() and len(text) <= _MAX_OPTION_NUMBER:
        number = int(text)
        return number - 1 if 1 <= number <= count else None
    if len(text) == 1 and "a" <= text.casefold() <= "z":
        index = ord(text.casefold()) - ord("a")
        return index if index < count else None
    key = normalize(text)
    if not key:
        return None
    for index, option in enumerate(question.options):
        if normalize(option) == key:
            return index
    return None


def _rating(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) <= _MAX_OPTION_NUMBER:
        number = int(text)
        return number if number in RATING_NAMES else None
    folded = text.casefold()
    for number, name in RATING_NAMES.items():
        if folded and name.casefold().startswith(folded):
            return number
    return None


def _closest(typed: str, accepted: Iterable[str]) -> str | None:
    from rapidfuzz import fuzz

    best: tuple[float, str] | None = None
    for a in accepted:
        if len(a) < _CLOSE_MIN_LENGTH:
            continue
        score = fuzz.ratio(typed, a)
        if score >= CLOSE_RATIO and (best is None or score > best[0]):
            best = (score, a)
    return None if best is None else best[1]


def _grade_flashcard(text: str) -> Outcome | None:
    rating = _rating(text)
    if rating is None:
        return None
    return Outcome(rating != AGAIN, rating, RATING_NAMES[rating])


def _grade_choice(question: Question, text: str) -> Outcome | None:
    index = option_index(question, text)
    if index is None:
        return None
    chosen = question.options[index]
    right = normalize(chosen) in {normalize(a) for a in (question.answer, *question.accepted)}
    note = ""
    if not right and index < len(question.notes):
        note = question.notes[index]
    return Outcome(right, GOOD if right else AGAIN, chosen, note=note)


def _grade_typed(question: Question, text: str, names: Mapping[str, str]) -> Outcome:
    if not text:
        return Outcome(False, AGAIN, "", dont_know=True)
    key = normalize(text)
    main = normalize(question.answer)
    by_key = {normalize(a): a for a in (question.answer, *question.accepted)}
    if key and key in by_key:
        return Outcome(True, GOOD, text)
    other = names.get(key)
    if other is not None and other != question.answer:
        return Outcome(False, AGAIN, text, note=f"“{text}” is {other}")
    if key and key not in question.confusable:
        near = _closest(key, by_key)
        if near == main:
            return Outcome(True, HARD, text, close=True)
        if near is not None:  # close to another name of the answer: a synonym, not a typo
            return Outcome(True, GOOD, text, note=f"also called {by_key[near]}")
    return Outcome(False, AGAIN, text)


def grade(question: Question, raw: str, names: Mapping[str, str] | None = None) -> Outcome | None:
    """Grade a response: an option number, letter or text, a typed name, or a self-grade.

    None means the response is not an answer at all (not one of the options, an unknown
    grade): ask again. An empty typed answer is "I don't know". ``names`` (normalised name
    → entry label, :attr:`QuestionMaker.names`) lets a typed answer that names another
    entry say which one.
    """
    text = raw.strip()
    if question.style == "flashcard":
        return _grade_flashcard(text)
    if question.style == "choice":
        return _grade_choice(question, text)
    return _grade_typed(question, text, names or {})
