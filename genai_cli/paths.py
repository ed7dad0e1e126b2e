"""Where files live: the only module that knows (GENAI_HOME, bundled data, caches)."""

from __future__ import annotations

import os
import re
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_data_dir() -> Path:
    """The bundled YAML: inside the package in a wheel, the checkout's data/ otherwise."""
    shipped = _PACKAGE / "data"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / "data"


def genai_home() -> Path:
    """User data: $GENAI_HOME, else the platform's user data directory."""
    override = os.environ.get("GENAI_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("genai", appauthor=False)


def progress_db() -> Path:
    """The quiz progress database (SQLite)."""
    return genai_home() / "progress.db"


def user_decks_dir() -> Path:
    """Where decks are picked up without being named: $GENAI_HOME/decks."""
    return genai_home() / "decks"


def env_deck_paths() -> list[Path]:
    """Each file or directory listed in GENAI_DECKS (os.pathsep-separated), in order."""
    value = os.environ.get("GENAI_DECKS", "")
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part.strip()]


# A file name is data too: controls (newline and tab included) and bidi marks would break
# one-line messages or make a name read as something else, so they are shown as "?".
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def display_path(path: Path) -> str:
    """A path as a user would type it: relative to the working directory when below it."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        shown = str(path)
    return _UNPRINTABLE.sub("?", shown)


def cache_dir() -> Path:
    """Parsed-data cache: $GENAI_CACHE_DIR, else the platform's user cache directory."""
    override = os.environ.get("GENAI_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("genai", appauthor=False)
