"""A study path to one term: its prerequisites, recursively and in order, then the term.

``genai learn TERM`` shows each step as a short card, then asks it, through the same
session, asker and store as any quiz; this module decides the path and the cards (pure:
no I/O, no clock).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genai_cli.knowledge.model import KnowledgeBase, Term
from genai_cli.study.questions import CardRef, Outcome, Question, candidates

if TYPE_CHECKING:  # the session imports the store (sqlite3); `learn --json` needs neither
    from genai_cli.study.session import Asker


@dataclass(frozen=True, slots=True)
class Step:
    """One term on the path, and whether the learner has ever answered a card of it right."""

    term: Term
    known: bool


def study_path(kb: KnowledgeBase, target: Term, known: Collection[str] = ()) -> list[Step]:
    """``target``'s prerequisites, each after its own prerequisites (depth first, in the
    order the data lists them; each term once, a cycle cut where it closes), then ``target``."""
    order: list[Term] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def visit(term: Term) -> None:
        if term.slug in placed or term.slug in visiting:
            return
        visiting.add(term.slug)
        for slug in term.prerequisites:
            before = kb.get(slug)
            if isinstance(before, Term):
                visit(before)
        visiting.discard(term.slug)
        placed.add(term.slug)
        order.append(term)

    visit(target)
    return [Step(term, term.slug in known) for term in order]


def path_cards(
    kb: KnowledgeBase,
    steps: Sequence[Step],
    *,
    mode: str,
    seed: object,
    include_known: bool = False,
) -> list[CardRef]:
    """One card per step to ask, of a kind ``mode`` allows (picked by ``seed``); steps
    already known are left out unless ``include_known``, the last step (the target) never."""
    refs = candidates(kb, "terms", mode)
    by_slug: dict[str, list[CardRef]] = {}
    for ref in refs:
        by_slug.setdefault(ref.slug, []).append(ref)
    cards = []
    for number, step in enumerate(steps, 1):
        last = number == len(steps)
        options = by_slug.get(step.term.slug)
        if not options or (step.known and not include_known and not last):
            continue
        cards.append(random.Random(f"{seed}:learn:{step.term.slug}").choice(options))
    return cards


class Introducing:
    """An asker that first introduces each entry (``introduce(slug)``, once per entry),
    then asks through ``asker``: a short card, then the question on it."""

    def __init__(self, asker: Asker, introduce: Callable[[str], None]) -> None:
        self._asker = asker
        self._introduce = introduce
        self._introduced: set[str] = set()

    def ask(self, question: Question, number: int, total: int) -> str | None:
        if question.slug not in self._introduced:
            self._introduced.add(question.slug)
            self._introduce(question.slug)
        return self._asker.ask(question, number, total)

    def feedback(self, question: Question, outcome: Outcome) -> None:
        self._asker.feedback(question, outcome)

    def __getattr__(self, name: str) -> Any:
        """Anything else the session asks of an asker goes to the wrapped one."""
        return getattr(self._asker, name)
