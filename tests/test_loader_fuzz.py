"""Fuzzing the loader: mutated valid decks are loaded or refused with ``file:line``, never a crash.

The red team's fuzzer (376k mutated decks) found one loader crash (H1: a bare ``=`` or
``<<``). This keeps the property in the suite, bounded to a few seconds: hypothesis
mutates a valid deck (characters inserted, deleted or replaced with YAML's significant
ones and known trouble makers), and

* parsing never raises and every problem reads ``file:line: ...``;
* ``genai validate`` on the file exits 0 or 2 with no traceback and no internal error;
* nothing takes long (a hang or a blow-up would).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_cli.knowledge.schema import parse_text
from tests.conftest import Invoke

VALID_DECK = """\
terms:
  - slug: fuzz-term
    name: Fuzz Term
    aliases: [FT, fuzzy term]
    definition: 'A term to be mutated, with a "quoted" part and a colon: here.'
    tags: [testing, fuzz]
    see_also: [latent-space]
algorithms:
  - slug: fuzz-algo
    name: Fuzz Algorithm
    description: Shuffles bytes.
    use_case: Finding crashes.
    complexity:
      stated: O(n^2 * d)
      variables: {n: input length, d: mutation depth}
myths:
  - slug: fuzz-myth
    myth: Fuzzing finds every bug.
    fact: It finds the bugs its mutations reach.
"""

# Characters and snippets that mean something to YAML or to the loader.
SNIPPETS = [
    *":-[]{}'\"#&*!|>%@`,?=<~\n\t ",
    "<<",
    "= ",
    "<<: *a",
    "&a ",
    "*a",
    "!!python/name:os.system ",
    "!!merge ",
    "!!value ",
    "!!binary ",
    "!custom ",
    "~",
    "null",
    "no",
    "1:20",
    "2024-01-01",
    ".inf",
    "0x1F",
    "---\n",
    "...\n",
    "%TAG ! tag:x,2000:\n",
    "? ",
    "\ufeff",
    "\x00",
    "\x1b]0;t\x07",
    "\u202e",
    "é",
    "潜在",
]

LOCATED = re.compile(r"^deck\.yaml:\d+: \S")

# Whole values and keys YAML reads as something other than text.
SCALARS = [
    "=",
    "<<",
    "*a",
    "&a x",
    "!!value =",
    "!!merge <<",
    "[",
    "{",
    "",
    "|",
    ">",
    "~",
    "- x",
    "yes",
    "1e400",
    "!!binary AAAA",
    "? x",
    "'",
    '"',
    "[*a]",
    "{a: 1}",
    "& x",
]

# ("chars", position, how many characters to remove, what to insert), or
# ("value" | "key", line number, what to put there on that line).
Mutation = tuple[str, int, int, str]


def mutate(text: str, mutations: list[Mutation]) -> str:
    for how, position, remove, insert in mutations:
        if how == "chars":
            at = position % (len(text) + 1)
            text = text[:at] + insert + text[at + remove :]
            continue
        lines = text.split("\n")
        index = position % len(lines)
        key, colon, value = lines[index].partition(": ")
        if colon:
            indent = key[: len(key) - len(key.lstrip(" -"))]
            lines[index] = f"{key}: {insert}" if how == "value" else f"{indent}{insert}: {value}"
        text = "\n".join(lines)
    return text


mutations = st.lists(
    st.one_of(
        st.tuples(
            st.just("chars"),
            st.integers(0, 10_000),
            st.integers(0, 3),
            st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=3)),
        ),
        st.tuples(
            st.sampled_from(["value", "key"]),
            st.integers(0, 100),
            st.just(0),
            st.sampled_from(SCALARS),
        ),
    ),
    min_size=1,
    max_size=6,
)


class TestLoaderFuzz:
    """Mutated decks: a clean load or file:line problems, quickly, never an exception."""

    def test_the_seed_deck_is_valid(self) -> None:
        parsed = parse_text(VALID_DECK, "deck.yaml", "deck")
        assert parsed.problems == () and len(parsed.entries) == 3

    @settings(max_examples=300, deadline=None, database=None)
    @given(mutations)
    def test_parse_never_raises(self, changes: list[Mutation]) -> None:
        text = mutate(VALID_DECK, changes)
        started = time.perf_counter()
        parsed = parse_text(text.encode("utf-8", "surrogatepass"), "deck.yaml", "deck")
        assert time.perf_counter() - started < 2.0
        for problem in parsed.problems:
            assert LOCATED.match(problem), problem

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(mutations)
    def test_validate_exits_0_or_2(
        self, cli: Invoke, tmp_path: Path, changes: list[Mutation]
    ) -> None:
        deck = tmp_path / "deck.yaml"
        deck.write_bytes(mutate(VALID_DECK, changes).encode("utf-8", "surrogatepass"))
        started = time.perf_counter()
        result = cli("validate", str(deck))
        assert time.perf_counter() - started < 5.0
        assert result.exit_code in (0, 2), (result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        assert "internal error" not in result.stderr
        if result.exit_code == 2:
            problems = result.stdout.splitlines()[:-1]
            assert problems and all(
                re.match(r"^\S.*:\d+: ", line) for line in problems if "warning" not in line
            ), result.stdout
