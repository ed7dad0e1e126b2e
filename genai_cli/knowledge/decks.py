"""Finding deck files: where they are looked for, never what is in them (that is loader.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from genai_cli.knowledge.loader import DATA_SUFFIXES
from genai_cli.paths import display_path, env_deck_paths, user_decks_dir


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
            if path.is_dir():
                files += _in_directory(path)
            elif path.exists():
                files.append(path)
            elif not missing_ok:
                problems.append(f"{head}: no such file or directory")
        except OSError as exc:
            problems.append(f"{head}: cannot read: {exc.strerror or exc}")
    return Found(tuple(files), tuple(problems))


def _unique(files: Iterable[Path]) -> tuple[Path, ...]:
    seen: set[Path] = set()
    out: list[Path] = []
    for path in files:
        try:
            key = path.resolve()
        except OSError:
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
    home = user_decks_dir()
    parts = [
        expand([home], "deck directory", missing_ok=True),
        expand(env_deck_paths(), "GENAI_DECKS:"),
        expand([Path(o).expanduser() for o in options], "--deck"),
    ]
    return Found(
        _unique(f for part in parts for f in part.files),
        tuple(p for part in parts for p in part.problems),
    )
