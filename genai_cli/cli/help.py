"""Help and usage errors in genai's one voice: the Click classes every command uses.

``genai --help`` lists commands in groups (Look up, Study, Your decks) with a whole
one-line summary each; every command's help ends with examples; Click's own usage
errors come out as one ``genai: …`` line (exit 2), like the tool's own errors.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from genai_cli import runner

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Look up",
        (
            "term",
            "terms",
            "search",
            "compare",
            "algorithms",
            "graph",
            "concepts",
            "myths",
            "apps",
            "quote",
            "poem",
        ),
    ),
    ("Study", ("quiz", "learn", "interview", "stats", "today")),
    ("Your decks", ("decks", "validate", "export", "import")),
)

# One line each, short enough not to wrap at 80 columns beside the command name.
SUMMARIES = {
    "term": "Look up a term by name, alias or acronym.",
    "terms": "List every term with a one-line gloss, by tag or origin.",
    "search": "Search everything; forgives typos.",
    "compare": "How terms or algorithms differ, point by point.",
    "algorithms": "Every algorithm and its stated complexity, or one in full.",
    "graph": "A concept map of terms and their links.",
    "concepts": "The core models (GANs, VAEs, Transformers) explained.",
    "myths": "Common myths, each with the fact that answers it.",
    "apps": "Applications of generative AI by industry.",
    "quote": "A quote at random, a chosen one, or all.",
    "poem": "A poem, laid out as one.",
    "quiz": "Quiz yourself with spaced repetition; every answer is kept.",
    "learn": "Study one term's prerequisites in order, then the term.",
    "interview": "Mock interview: answer, see a model answer, grade yourself.",
    "stats": "Your progress: reviews, accuracy, cards due.",
    "today": "A term of the day, from what you know least.",
    "decks": "The bundled data and your decks, with what each holds.",
    "validate": "Check deck files: every problem at once.",
    "export": "Export cards or everything: Anki, CSV, Markdown, JSON.",
    "import": "Turn Anki, CSV or Markdown cards into a deck of your own.",
}

EXAMPLES: dict[str, tuple[str, ...]] = {
    "genai": ("genai term latent-space", "genai search attention", "genai compare gan vae"),
    "term": ("genai term latent-space", "genai term zero shot learning", "genai term GAN --json"),
    "terms": ("genai terms", "genai terms --tag diffusion", "genai terms --origin seed"),
    "search": ("genai search attention", "genai search how do gans work", "genai search -n 3 rag"),
    "compare": (
        "genai compare gan vae",
        "genai compare gpt bert",
        "genai compare rag fine-tuning",
        "genai compare --all",
    ),
    "algorithms": ("genai algorithms", "genai algorithms transformer"),
    "graph": (
        "genai graph latent-space",
        "genai graph latent-space --depth 2 --format mermaid",
        "genai graph --format dot > map.dot",
        "genai graph --format svg > map.svg",
    ),
    "concepts": ("genai concepts", "genai concepts vae"),
    "myths": ("genai myths", "genai myths 3"),
    "apps": ("genai apps", "genai apps healthcare"),
    "quote": ("genai quote", "genai quote --all"),
    "poem": ("genai poem", "genai poem digital canvas", "genai poem --all"),
    "quiz": (
        "genai quiz",
        "genai quiz --topic myths -n 5",
        "genai quiz --due",
        "genai quiz --plain --mode typed",
    ),
    "learn": (
        "genai learn perplexity",
        "genai learn perplexity --json",
        "genai learn rag --all --mode typed",
    ),
    "interview": (
        "genai interview",
        "genai interview -n 3 --level basic",
        "genai interview --tag retrieval --minutes 3",
        "genai interview --history",
    ),
    "stats": ("genai stats", "genai stats --json"),
    "today": ("genai today",),
    "decks": ("genai decks", "genai decks --verbose"),
    "validate": ("genai validate", "genai validate my-deck.yaml"),
    "export": (
        "genai export --format anki --output genai.apkg",
        "genai export --format csv --topic myths -o myths.csv",
    ),
    "import": (
        "genai import my-anki-deck.apkg --output mine.yaml",
        "genai import cards.csv -o mine.yaml --force",
    ),
}

_CHOICE_KEYS = (
    "Keys: arrow keys and Enter pick an option (or type its number); a flashcard"
    " shows its answer on any key, then you say how well you knew it; Ctrl-C stops and"
    " keeps every answer given so far."
)
NOTES = {
    "quiz": _CHOICE_KEYS,
    "learn": _CHOICE_KEYS,
    "interview": "Type an answer over as many lines as you like; Enter on an empty line (or"
    " Ctrl-D) ends it, and an empty answer skips. Then grade yourself 1-4 (Again, Hard,"
    " Good, Easy); Ctrl-C stops and keeps every graded answer.",
}

# Click internals that should not reach a learner's screen.
_METAVAR_FIXES = (
    (re.compile(r"\{([A-Z][A-Z_.\[\]|]*)\}"), r"\1"),  # Typer's {NAME} for a required argument
    (re.compile(r"<int range>|<int>"), "N"),
    (re.compile(r"<text>|<str>"), "TEXT"),
    (re.compile(r";\s*x>=\d+(?:\.\d+)?\]"), "]"),  # also across a wrapped line
    (re.compile(r"\s*\[x>=\d+(?:\.\d+)?\]"), ""),
)


def plain_metavars(text: str) -> str:
    for pattern, replacement in _METAVAR_FIXES:
        text = pattern.sub(replacement, text)
    return text


def _write_examples(name: str, formatter: click.HelpFormatter) -> None:
    note = NOTES.get(name)
    if note:
        with formatter.section("How to answer"):
            formatter.write_text(note)
    examples = EXAMPLES.get(name)
    if examples:
        with formatter.section("Examples"):
            for line in examples:
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def _clean_buffer(formatter: click.HelpFormatter) -> None:
    formatter.buffer[:] = [plain_metavars("".join(formatter.buffer))]


class GenaiCommand(TyperCommand):
    """A command whose help ends with examples, shows plain metavars, completes values."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from genai_cli.cli.completion import add_value_completion

        add_value_completion(self)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help(ctx, formatter)
        _write_examples(self.name or "", formatter)
        _clean_buffer(formatter)


def _usage_message(exc: click.ClickException) -> str:
    """Click's message as one line: lower-case start, no full stop, the help to read."""
    message = plain_metavars(exc.format_message()).strip()
    message = re.sub(r"(-?[\d.]+) is not in the range x>=([\d.]+)", r"\1 is less than \2", message)
    message = message.replace("\n", " ").rstrip(".")
    if message[:1].isupper() and not message[:2].isupper():
        message = message[0].lower() + message[1:]
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (genai {' '.join(ctx.command_path.split()[1:])} -h for help)".replace(
            "genai  -h", "genai -h"
        )
    return message


class GenaiGroup(TyperGroup):
    """The top-level command: grouped help, and usage errors as one ``genai:`` line."""

    def _own_install_message(self) -> None:
        """Typer appends --install-completion after building the group: take over its message."""
        from genai_cli.cli.completion import install_callback

        for param in self.params:
            if "--install-completion" in getattr(param, "opts", ()):
                param.callback = install_callback

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help(ctx, formatter)
        _write_examples("genai", formatter)
        _clean_buffer(formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        placed: set[str] = set()
        for title, members in GROUPS:
            rows = []
            for name in members:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                placed.add(name)
                rows.append((name, SUMMARIES.get(name) or command.get_short_help_str(200)))
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        rest = [(n, c) for n in names if n not in placed and (c := self.get_command(ctx, n))]
        if rest:
            with formatter.section("Other"):
                formatter.write_dl([(n, c.get_short_help_str(200)) for n, c in rest])

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        self._own_install_message()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            sys.stdout.write(exc.ctx.get_help() + "\n")
            sys.exit(0)
        except click.ClickException as exc:
            runner.tell(_usage_message(exc))
            sys.exit(exc.exit_code)
        except typer.Abort:
            runner.tell("stopped; nothing was changed")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)
