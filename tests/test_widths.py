"""Readable at any width: no word broken mid-word at 40 to 160 columns (UX review, 4.2)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from genai_cli.cli import app
from genai_cli.knowledge.loader import load_bundled
from genai_cli.views import console
from tests.conftest import ROOT, Invoke

WIDTHS = ("40", "60", "80", "100", "160")

# Every command's --help, then the read commands (the interactive ones only as --help).
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    *((name, "--help") for name in sorted(i.name for i in app.registered_commands if i.name)),
    ("term", "latent-space"),
    ("term", "rlhf"),
    ("terms",),
    ("terms", "--tag", "foo"),
    ("search", "attention"),
    ("compare", "gan", "vae"),
    ("compare", "gpt", "bert"),
    ("compare", "gan", "transformer", "diffusion"),
    ("compare", "gan"),
    ("algorithms",),
    ("algorithms", "transformer"),
    ("concepts",),
    ("myths",),
    ("apps",),
    ("quote", "--all"),
    ("poem", "--all"),
    ("--deck", "tests/fixtures/decks", "decks"),
    ("--deck", "tests/fixtures/decks", "decks", "--verbose"),
    ("validate", "tests/fixtures/decks"),
    ("graph", "latent-space"),
    ("stats",),
    ("today",),
    (),
    ("graph", "--depth", "1"),
    # content beyond the article: the bridge rows and the contrasts of the newer terms
    ("term", "qlora"),
    ("term", "flow-matching"),
    ("term", "grpo"),
    ("compare", "lora", "qlora"),
    ("compare", "encoder-only-model", "decoder-only-model", "encoder-decoder-model"),
    ("myths", "1"),
    ("concepts", "transformers"),
    ("interview", "--history"),
)

_EDGES = "│╭╮╰╯─┃━┌┐└┘├┤┬┴┼╴╶"
_STRIP = "\"'“”‘’()[]{},.;:!?…→·*`"


def tokens(text: str) -> Iterable[str]:
    for raw in re.sub(f"[{_EDGES}]", " ", text).split():
        token = raw.strip(_STRIP)
        if token and any(c.isalpha() for c in token):
            yield token


def _pieces(token: str) -> Iterable[str]:
    """A path token and every run of its parts that a wrap after '/' can leave."""
    parts = re.split(r"(?<=/)", token)
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            yield "".join(parts[i:j]).strip(_STRIP)


def _data_words() -> set[str]:
    words: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            words.update(tokens(value))
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))

    for entry in load_bundled().entries():
        walk(entry)
    return words


@pytest.fixture(scope="module")
def data_words() -> set[str]:
    return _data_words()


def _run(cli: Invoke, args: tuple[str, ...], width: str) -> str:
    result = cli(*args, env={"COLUMNS": width})
    return result.stdout + result.stderr


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_word_broken(
    cli: Invoke,
    monkeypatch: pytest.MonkeyPatch,
    data_words: set[str],
    args: tuple[str, ...],
) -> None:
    """Every word at a narrow width is a word of the unwrapped output or of the data."""
    monkeypatch.chdir(ROOT)
    with monkeypatch.context() as wide:
        wide.setattr(console, "MEASURE", 100_000)
        reference = _run(cli, args, "2000")
    known = set(data_words)
    for token in tokens(reference):
        known.update(_pieces(token))
    for width in WIDTHS:
        shown = _run(cli, args, width)
        broken = sorted({t for t in tokens(shown) if t not in known})
        assert not broken, (width, broken[:10])


@pytest.mark.parametrize("width", WIDTHS)
def test_panels_keep_a_reading_measure(cli: Invoke, width: str) -> None:
    lines = cli("term", "retrieval-augmented-generation", env={"COLUMNS": width}).stdout
    assert max(len(line) for line in lines.splitlines()) <= min(int(width), 100)


def test_tokens_find_a_broken_word() -> None:
    """The check can fail: a word cut in two gives pieces that are not words."""
    text = "the bundled path is cut inside a word: site-package\ns/genai_cli/data"
    assert "s/genai_cli/data" in set(tokens(text))
    assert "site-packages/genai_cli/data" not in set(tokens(text))
