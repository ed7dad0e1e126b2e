"""Shell completion of option values, and the install message that says how to use it now.

Option values complete from the same constants the commands check them against, so
`genai quiz --mode <Tab>` offers the modes instead of file names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

CompleteFn = Callable[[Any, Any, str], list[str]]


def _choices(values: Callable[[], Sequence[str]]) -> CompleteFn:
    def complete(_ctx: Any, _param: Any, incomplete: str) -> list[str]:
        try:
            return [v for v in values() if v.startswith(incomplete.casefold())]
        except Exception:
            return []

    return complete


def _modes() -> Sequence[str]:
    from genai_cli.study.questions import MODES

    return MODES


def _quiz_topics() -> Sequence[str]:
    from genai_cli.study.cards import CARD_TOPICS
    from genai_cli.study.questions import TOPICS

    return (*TOPICS, *CARD_TOPICS)


def _levels() -> Sequence[str]:
    from genai_cli.knowledge.model import LEVELS

    return LEVELS


def _tags(*plurals: str) -> Callable[[], Sequence[str]]:
    def tags() -> Sequence[str]:
        from genai_cli import runner

        kb = runner.loaded(warn_user=False)[0].kb
        return sorted({t for p in plurals for e in kb.of_kind(p) for t in e.tags})

    return tags


def _export_topics() -> Sequence[str]:
    from genai_cli.formats.export import TOPICS

    return TOPICS


def _export_formats() -> Sequence[str]:
    from genai_cli.formats.export import FORMATS

    return FORMATS


def _origins() -> Sequence[str]:
    from genai_cli.knowledge.model import ORIGINS

    return ORIGINS


def _deck_names() -> Sequence[str]:
    from genai_cli import runner

    return [r.name for r in runner.loaded(warn_user=False)[0].sources]


# (command, option) -> completion of its values, for options declared without one.
OPTION_VALUES: dict[tuple[str, str], CompleteFn] = {
    ("quiz", "--mode"): _choices(_modes),
    ("quiz", "--topic"): _choices(_quiz_topics),
    ("quiz", "--tag"): _choices(_tags("terms", "algorithms", "myths", "questions", "cloze")),
    ("quiz", "--deck"): _choices(_deck_names),
    ("learn", "--mode"): _choices(_modes),
    ("interview", "--level"): _choices(_levels),
    ("interview", "--tag"): _choices(_tags("questions")),
    ("export", "--topic"): _choices(_export_topics),
    ("export", "--format"): _choices(_export_formats),
    ("export", "--deck"): _choices(_deck_names),
    ("terms", "--origin"): _choices(_origins),
}


def _unfiltered(complete: Any) -> CompleteFn | None:
    """Typer's wrapper around an ``autocompletion`` function, minus its filter.

    Typer keeps only candidates that start with the typed text, case and all, so
    ``ga`` could never offer ``GAN``; our functions match case-insensitively themselves.
    """
    cells = dict(zip(complete.__code__.co_freevars, complete.__closure__ or (), strict=False))
    cell = cells.get("autocompletion")
    if cell is None:
        return None
    original = cell.cell_contents

    def unfiltered(ctx: Any, _param: Any, incomplete: str) -> list[str]:
        return [c[0] if isinstance(c, tuple) else c for c in original(ctx, [], incomplete)]

    return unfiltered


def add_value_completion(command: Any) -> None:
    """Complete the values of ``command``'s options listed in OPTION_VALUES, and let the
    completion functions of its arguments match case-insensitively."""
    for param in command.params:
        current = param._custom_shell_complete
        if current is not None:
            param._custom_shell_complete = _unfiltered(current) or current
            continue
        for option in getattr(param, "opts", ()):
            complete = OPTION_VALUES.get((command.name, option))
            if complete is not None:
                param._custom_shell_complete = complete


def installed_message(shell: str, path: str) -> str:
    """What `--install-completion` says: where, and the line that turns it on now."""
    if shell in ("bash", "zsh"):
        return (
            f"{shell} completion installed in {path}\n"
            f"New terminals load it; to use it in this one now, run:\n"
            f"  source {path}\n"
        )
    return f"{shell} completion installed in {path}\nNew terminals load it.\n"


def install_callback(ctx: Any, _param: Any, value: Any) -> Any:
    """--install-completion: Typer's installer, with a message that gives the source line."""
    if not value or ctx.resilient_parsing:
        return value
    import sys

    from typer._completion_shared import install

    shell, path = install(shell=value if isinstance(value, str) else None)
    sys.stdout.write(installed_message(shell, str(path)))
    sys.exit(0)
