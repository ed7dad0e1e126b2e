"""Finding deck files: where they are looked for, never what is in them (that is loader.py)."""

from __future__ import annotations

import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from genai_cli.errors import GenaiError, UsageError
from genai_cli.knowledge.loader import DATA_SUFFIXES
from genai_cli.paths import display_path, env_deck_paths, expand_user, user_decks_dir


@dataclass(frozen=True)
class Found:
    """Deck files in load order (each once), and a line for each path that is not there."""

    files: tuple[Path, ...]
    problems: tuple[str, ...]


def _in_directory(directory: Path) -> list[Path]:
    """The *.yaml and *.yml files directly in ``directory`` (not hidden ones), sorted."""
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix in DATA_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


def expand(paths: Iterable[Path], what: str, *, missing_ok: bool = False) -> Found:
    """Files as given, and the deck files in each directory; ``what`` names the source."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        head = f"{what} {display_path(path)}" if what else display_path(path)
        try:
            mode = path.stat().st_mode
            if stat.S_ISDIR(mode):
                files += _in_directory(path)
            else:
                files.append(path)
        except FileNotFoundError:
            if not missing_ok:
                problems.append(f"{head}: no such file or directory")
        except OSError as exc:  # a symlink loop, a name too long, permission denied
            problems.append(f"{head}: cannot read: {exc.strerror or exc}")
    return Found(tuple(files), tuple(problems))


def _unique(files: Iterable[Path]) -> tuple[Path, ...]:
    seen: set[Path] = set()
    out: list[Path] = []
    for path in files:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
            key = path
        if key not in seen:
            seen.add(key)
            out.append(path)
    return tuple(out)


def discover(options: Sequence[str] = ()) -> Found:
    """Every deck, in load order: $GENAI_HOME/decks, then GENAI_DECKS, then ``--deck`` options.

    A later deck's entry replaces an earlier one with the same slug, so a deck named
    on the command line wins over one that is always there.
    """
    if any(not option.strip() for option in options):
        raise UsageError("--deck needs a path; an empty one names no deck")
    try:
        in_home = expand([user_decks_dir()], "deck directory", missing_ok=True)
    except GenaiError as exc:  # GENAI_HOME unusable: the bundled data still works
        in_home = Found((), (exc.message,))
    parts = [
        in_home,
        expand(env_deck_paths(), "GENAI_DECKS:"),
        expand([expand_user(Path(o)) for o in options], "--deck"),
    ]
    return Found(
        _unique(f for part in parts for f in part.files),
        tuple(p for part in parts for p in part.problems),
    )
