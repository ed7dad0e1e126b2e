"""Which cards a quiz asks: prerequisites first, locked cards held back, leeches set aside,
a daily cap on new cards, filters by tag and deck (unit level, then as a user runs them)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from genai_cli.errors import NotFoundError
from genai_cli.knowledge.loader import load_bundled
from genai_cli.study.questions import GOOD, CardRef, candidates
from genai_cli.study.scheduler import CardState
from genai_cli.study.selection import (
    filter_refs,
    introduction_order,
    known_slugs,
    new_cards_today,
    plan,
    prerequisite_map,
    select,
)
from genai_cli.study.store import ReviewRecord
from tests.conftest import Invoke

KB = load_bundled()
NEEDS = prerequisite_map(KB)
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
ALL = candidates(KB, "all", "mixed")


def before_prerequisite(order: list[CardRef]) -> list[tuple[str, str]]:
    """(card, prerequisite) pairs where a card comes before every card of a prerequisite
    that is in ``order``."""
    present = {r.slug for r in order}
    first: dict[str, int] = {}
    for n, ref in enumerate(order):
        first.setdefault(ref.slug, n)
    return [
        (ref.card_id, p)
        for n, ref in enumerate(order)
        for p in NEEDS.get(ref.slug, ())
        if p in present and first[p] > n
    ]


def leech(card: str, lapses: int, due: datetime = T0) -> CardState:
    return CardState(card, 2, None, 1.0, 8.0, due, due - timedelta(days=1), lapses + 2, lapses)


class TestPrerequisiteOrder:
    """New cards come in a topological order over the data's prerequisites."""

    def test_bundled_data_has_chains(self) -> None:
        assert NEEDS["perplexity"] == ("cross-entropy-loss",)
        assert NEEDS["cross-entropy-loss"] == ("softmax",)

    @pytest.mark.parametrize("seed", [0, 1, "x", 12345])
    def test_no_card_before_its_prerequisites(self, seed: object) -> None:
        order = introduction_order(ALL, NEEDS, seed)
        assert sorted(r.card_id for r in order) == sorted(r.card_id for r in ALL)
        assert before_prerequisite(order) == []
        # The shuffle alone would break the order: the test can fail.
        assert before_prerequisite(introduction_order(ALL, {}, seed)) != []

    def test_ties_follow_the_seeded_shuffle(self) -> None:
        assert introduction_order(ALL, NEEDS, 1) == introduction_order(ALL, NEEDS, 1)
        assert introduction_order(ALL, NEEDS, 1) != introduction_order(ALL, NEEDS, 2)

    def test_a_cycle_does_not_hang(self) -> None:
        refs = [CardRef(f"typed:{s}", "typed", s) for s in ("a", "b", "c")]
        order = introduction_order(refs, {"a": ("b",), "b": ("a",)}, 0)
        assert sorted(r.slug for r in order) == ["a", "b", "c"]


class TestLockedCards:
    """A card whose prerequisites were never answered right is not introduced yet."""

    def test_first_session_asks_only_cards_without_unknown_prerequisites(self) -> None:
        picked = select(ALL, {}, T0, count=400, seed=3, prerequisites=NEEDS)
        assert picked.cards and picked.locked > 0
        assert all(r.slug not in NEEDS for r in picked.cards)

    def test_a_known_prerequisite_unlocks_the_next_step(self) -> None:
        chain = [r for r in ALL if r.slug in ("softmax", "cross-entropy-loss", "perplexity")]
        slugs = lambda known: {  # noqa: E731
            r.slug for r in plan(chain, {}, T0, count=9, seed=1, prerequisites=NEEDS, known=known)
        }
        assert slugs(set()) == {"softmax"}
        assert slugs({"softmax"}) == {"softmax", "cross-entropy-loss"}
        assert slugs({"softmax", "cross-entropy-loss"}) == {
            "softmax",
            "cross-entropy-loss",
            "perplexity",
        }

    def test_only_right_answers_make_an_entry_known(self) -> None:
        reviews = [
            ReviewRecord("typed:softmax", T0, 1, False),
            ReviewRecord("flashcard:attention", T0, 3, True),
        ]
        assert known_slugs(reviews) == {"attention"}


class TestLeeches:
    """A card failed N times is set aside until --leeches asks for it."""

    def test_plan_leaves_leeches_out_and_leeches_only_asks_them(self) -> None:
        refs = [CardRef("typed:a", "typed", "a"), CardRef("typed:b", "typed", "b")]
        states = {"typed:a": leech("typed:a", 8), "typed:b": leech("typed:b", 7)}
        assert [r.slug for r in plan(refs, states, T0, count=9, seed=0)] == ["b"]
        picked = select(refs, states, T0, count=9, seed=0)
        assert picked.leeches == 1
        only = plan(refs, states, T0, count=9, seed=0, leeches_only=True)
        assert [r.slug for r in only] == ["a"]

    def test_threshold_is_configurable(self) -> None:
        refs = [CardRef("typed:a", "typed", "a")]
        states = {"typed:a": leech("typed:a", 3)}
        assert plan(refs, states, T0, count=9, seed=0, leech_threshold=3) == []
        assert len(plan(refs, states, T0, count=9, seed=0, leech_threshold=4)) == 1

    def test_leeches_only_asks_them_even_when_not_due(self) -> None:
        refs = [CardRef("typed:a", "typed", "a")]
        states = {"typed:a": leech("typed:a", 9, due=T0 + timedelta(days=5))}
        assert plan(refs, states, T0, count=9, seed=0) == []
        assert len(plan(refs, states, T0, count=9, seed=0, leeches_only=True)) == 1


class TestDailyCap:
    """New cards are counted per local day, from each card's first review."""

    def test_counts_cards_first_seen_today_in_local_time(self) -> None:
        east = timezone(timedelta(hours=10))  # 09:00 UTC is 19:00 there
        reviews = [
            ReviewRecord("typed:a", T0 - timedelta(hours=8), GOOD, True),  # 01:00 UTC
            ReviewRecord(
                "typed:b", T0 - timedelta(hours=10), GOOD, True
            ),  # 23:00 UTC the day before
            ReviewRecord("typed:b", T0, GOOD, True),  # seen before: not new today
            ReviewRecord("typed:c", T0, GOOD, True),
        ]
        assert new_cards_today(reviews, T0, timezone.utc) == 2
        assert new_cards_today(reviews, T0, east) == 3  # all three first seen on 1 Dec there


class TestFilters:
    """--tag and --deck keep the cards of matching entries; an unknown one is not found."""

    def test_tag(self) -> None:
        tagged = filter_refs(ALL, KB, tag="Diffusion")
        assert tagged and all("diffusion" in KB.get(r.slug).tags for r in tagged)  # type: ignore[union-attr]
        with pytest.raises(NotFoundError, match="no card has the tag 'nope'"):
            filter_refs(ALL, KB, tag="nope")

    def test_deck(self) -> None:
        assert filter_refs(ALL, KB, deck="bundled") == list(ALL)
        with pytest.raises(NotFoundError, match=r"decks: bundled"):
            filter_refs(ALL, KB, deck="mine")


def quiz(cli: Invoke, *args: str, now: str, env: dict[str, str] | None = None) -> str:
    """A plain quiz answered 'x' (wrong) to every question; its stdout."""
    result = cli(
        "quiz",
        "--plain",
        "--mode",
        "typed",
        *args,
        input="x\n" * 40,
        env={"GENAI_NOW": now, **(env or {})},
    )
    assert result.exit_code == 0, result.stderr
    out: str = result.stdout
    return out


def write_deck(home: Path, name: str, text: str) -> None:
    deck = home / "decks" / f"{name}.yaml"
    deck.parent.mkdir(parents=True, exist_ok=True)
    deck.write_text(text, encoding="utf-8")


def asked(out: str) -> int:
    """How many questions were shown (typed, or myth-or-fact for a myth)."""
    return len(re.findall(r"^Question \d+ of \d+", out, re.MULTILINE))


class TestQuizCommand:
    """The filters, the daily cap and the mode note as a learner meets them."""

    def test_daily_cap_across_two_sessions_and_the_next_day(self, cli: Invoke) -> None:
        cap = {"GENAI_NEW_PER_DAY": "3"}
        first = quiz(cli, "-n", "2", now="2026-12-01T09:00:00+00:00", env=cap)
        assert asked(first) == 2
        second = quiz(cli, "-n", "5", now="2026-12-01T09:00:20+00:00", env=cap)
        assert asked(second) == 1  # one new card left today
        assert "At most 3 new cards a day; the rest wait for tomorrow" in second
        third = quiz(cli, "-n", "5", "--new", "5", now="2026-12-01T09:00:40+00:00", env=cap)
        assert asked(third) == 0  # --new caps a session; it does not lift the daily cap
        assert "Today's 3 new cards are done" in third
        tomorrow = quiz(cli, "-n", "9", now="2026-12-02T10:00:00+00:00", env=cap)
        # the three cards seen yesterday are due, and three new ones are allowed again
        assert asked(tomorrow) == 6

    def test_bad_setting_is_one_line(self, cli: Invoke) -> None:
        result = cli("quiz", "--plain", input="", env={"GENAI_NEW_PER_DAY": "many"})
        assert result.exit_code == 2
        assert result.stderr == "genai: GENAI_NEW_PER_DAY must be a whole number, not 'many'\n"

    def test_tag_filter(self, cli: Invoke) -> None:
        out = quiz(cli, "--topic", "terms", "-n", "3", "--tag", "gan", now="2026-12-01T09:00:00Z")
        data = json.loads(cli("stats", "--json").stdout)
        slugs = {w["slug"] for w in data["weakest"]}
        assert asked(out) == 3 and len(slugs) == 3
        assert all("gan" in KB.get(s).tags for s in slugs)  # type: ignore[union-attr]

    def test_deck_filter(self, cli: Invoke, isolated: Path) -> None:
        write_deck(
            isolated,
            "mine",
            "terms:\n"
            "  - {slug: deck-one, name: Deck One, definition: The first term of a deck.}\n"
            "  - {slug: deck-two, name: Deck Two, definition: The second term of a deck.}\n",
        )
        out = quiz(cli, "--topic", "terms", "--deck", "mine", now="2026-12-01T09:00:00Z")
        assert asked(out) == 2
        data = json.loads(cli("stats", "--json").stdout)
        assert {w["slug"] for w in data["weakest"]} == {"deck-one", "deck-two"}
        unknown = cli("quiz", "--plain", "--deck", "theirs", input="")
        assert unknown.exit_code == 1
        assert "no card comes from a deck named 'theirs' (decks: bundled, mine)" in unknown.stderr

    def test_typed_myths_say_why_they_are_myth_or_fact(self, cli: Invoke) -> None:
        out = quiz(cli, "--topic", "myths", "-n", "1", now="2026-12-01T09:00:00Z")
        assert out.startswith("Myths have no name to type, so they are asked as myth or fact.")
        assert "· myth or fact" in out
        terms = quiz(cli, "--topic", "terms", "-n", "1", now="2026-12-01T09:00:00Z")
        assert "Myths have no name" not in terms

    def test_leeches_from_the_command_line(self, cli: Invoke) -> None:
        # Two misses with a threshold of 1: the second makes a lapse (the first is a new card's).
        quiz(cli, "--topic", "terms", "-n", "1", "--seed", "4", now="2026-12-01T09:00:00Z")
        data = json.loads(cli("stats", "--json", env={"GENAI_LEECH_THRESHOLD": "1"}).stdout)
        assert data["leeches"] == []
        quiz(cli, "--topic", "terms", "--due", now="2026-12-03T09:00:00Z")
        env = {"GENAI_LEECH_THRESHOLD": "1"}
        data = json.loads(cli("stats", "--json", env=env).stdout)
        assert [x["lapses"] for x in data["leeches"]] == [1]
        card = data["leeches"][0]["card"]
        later = "2026-12-09T09:00:00Z"
        due_only = quiz(cli, "--topic", "terms", "--due", now=later, env=env)
        assert asked(due_only) == 0
        only = quiz(cli, "--topic", "terms", "--leeches", now=later, env=env)
        assert asked(only) == 1
        assert data["leeches"][0]["name"] in only
        still = quiz(cli, "--topic", "terms", "--due", now="2026-12-20T09:00:00Z", env=env)
        assert asked(still) == 0  # still a leech after --leeches asked it
        flag = quiz(
            cli, "--topic", "terms", "--due", "--leech-threshold", "5", now="2026-12-20", env=env
        )
        assert asked(flag) == 1  # the option overrides the setting
        assert card.startswith("typed:")


class TestHeldBack:
    """When nothing can be asked, the quiz says why: locked cards, no leeches."""

    def test_locked_card_waits_for_its_prerequisite(self, cli: Invoke, isolated: Path) -> None:
        write_deck(
            isolated,
            "chain",
            "terms:\n"
            "  - {slug: base-idea, name: Base Idea, definition: What everything rests on.}\n"
            "  - slug: built-idea\n"
            "    name: Built Idea\n"
            "    definition: What rests on the base.\n"
            "    prerequisites: [base-idea]\n",
        )
        args = ("--topic", "terms", "--deck", "chain", "-n", "5")
        first = quiz(cli, *args, now="2026-12-01T09:00:00Z")
        assert asked(first) == 1 and "Base Idea" in first  # answered wrong ("x")
        held = quiz(cli, *args, now="2026-12-01T09:00:10Z")
        assert asked(held) == 0
        assert "Nothing is due; the next card is due in 1 min." in held
        assert "1 new entry waits for a prerequisite to be answered right first" in held
        right = cli(
            "quiz", "--plain", *args, input="base idea\n", env={"GENAI_NOW": "2026-12-01T09:05:00Z"}
        )
        assert "✓ Right." in right.stdout
        unlocked = quiz(cli, *args, now="2026-12-01T09:05:10Z")
        assert asked(unlocked) == 1 and "Built Idea" in unlocked

    def test_no_leeches(self, cli: Invoke) -> None:
        out = quiz(cli, "--leeches", now="2026-12-01T09:00:00Z")
        assert out == "No leeches: no card has been missed 8 times after it was learnt.\n"
