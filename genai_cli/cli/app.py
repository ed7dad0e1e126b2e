"""The Typer app itself, its global options and the helpers every command group shares."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from genai_cli import __version__, runner

if TYPE_CHECKING:
    from random import Random

F = TypeVar("F", bound=Callable[..., Any])


def _new_app() -> typer.Typer:
    from genai_cli.cli.help import GenaiGroup

    return typer.Typer(
        cls=GenaiGroup,
        name="genai",
        help="A command-line reference and study tool for Generative AI.",
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


app = _new_app()

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a rendered view.")]


def guarded(fn: F) -> F:
    """The one error boundary (runner.run): typed errors and Ctrl-C become one line and a code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result: list[Any] = []
        code = runner.run(lambda: result.append(fn(*args, **kwargs)), (typer.Exit, typer.Abort))
        if code:
            raise typer.Exit(code)
        return result[0] if result else None

    return wrapper  # type: ignore[return-value]


show = runner.show
show_now = runner.show_now  # interactive sessions: never through the pager
print_json = runner.print_json
warn = runner.warn


# The global ``--deck PATH`` options of this invocation, set by the app callback (which
# runs before every command, so nothing carries over from one invocation to the next).
_global_options: dict[str, tuple[str, ...]] = {"deck": ()}


def deck_options() -> tuple[str, ...]:
    return _global_options["deck"]


def load_all(*, warn: bool = True) -> Any:
    """Bundled data plus every deck; a deck that cannot be used is one warning, then skipped."""
    return runner.loaded(deck_options(), warn_user=warn)


def knowledge() -> Any:
    return runner.knowledge(deck_options())


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"genai {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
@guarded
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    deck: Annotated[
        list[str] | None,
        typer.Option(
            "--deck",
            metavar="PATH",
            help="Also load this deck file or directory (repeatable).",
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Never page long output (else $GENAI_PAGER, $PAGER or less -FRX on a terminal).",
        ),
    ] = False,
) -> None:
    """A command-line reference and study tool for Generative AI."""
    _global_options["deck"] = tuple(deck or ())
    runner.paging["enabled"] = not no_pager
    if ctx.invoked_subcommand is None:
        from genai_cli.cli.progress import due_footer
        from genai_cli.clock import now
        from genai_cli.views.entries import welcome

        kb = knowledge()
        show(welcome(kb))
        footer = due_footer(kb, now())
        if footer is not None:
            show(footer)


SeedOption = Annotated[
    int | None,
    typer.Option("--seed", metavar="N", help="Pick reproducibly: the same seed, the same pick."),
]


def rng(seed: int | None) -> Random:
    from random import Random

    return Random(seed)


def session_seed(seed: str | None) -> object:
    """The seed a study session runs on: the one given, else a fresh random one."""
    if seed is not None:
        return seed
    import random

    return random.SystemRandom().getrandbits(64)


def optional_name(
    metavar: str, help_text: str, completion: Callable[..., list[str]] | None = None
) -> Any:
    return typer.Argument(
        metavar=metavar, help=help_text, autocompletion=completion, show_default=False
    )
