"""Hostile YAML shared by the tests: each is refused quickly, with nothing executed."""

from __future__ import annotations

from pathlib import Path


def billion_laughs(levels: int = 9) -> str:
    """Nine aliases of nine aliases of ... : 9**levels strings if expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def deep_flow(levels: int = 5000) -> str:
    return "terms: " + "[" * levels + "]" * levels + "\n"


def deep_block(levels: int = 5000) -> str:
    """Block sequences nested on one line ("- - - x"): deep without a huge file."""
    return "terms:\n  " + "- " * levels + "x\n"


def python_tag(marker: Path) -> str:
    """A tag PyYAML's unsafe loader would run; running it would create ``marker``."""
    return (
        "terms:\n"
        "  - slug: pwned\n"
        f"    name: !!python/object/apply:os.system ['touch {marker}']\n"
        "    definition: nothing\n"
    )


SYNTAX_ERROR = "terms:\n  - slug: broken\n    name: [unclosed\n    definition: x\n"

NEW_TERM = """\
terms:
  - slug: socratic-prompting
    name: Socratic Prompting
    aliases: [SocP, question ladder]
    definition: Teaching with a model that answers a student's question with a question.
    tags: [education, prompting]
    see_also: [large-language-model]
"""
