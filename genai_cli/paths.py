"""Where files live: the only module that knows (GENAI_HOME, bundled data, caches)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from genai_cli.errors import UsageError

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
        home = expand_user(Path(override))
        if home.parts[:1] and home.parts[0].startswith("~"):
            # Left as typed, it would be a directory named "~user" below the working one.
            raise UsageError(f"GENAI_HOME {display_path(home)}: {home.parts[0]} is no known user")
        return home
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
    return [expand_user(Path(part)) for part in value.split(os.pathsep) if part.strip()]


def expand_user(path: Path) -> Path:
    """``~`` and ``~user`` expanded; a path whose user is unknown is returned as given.

    Such a path then names no file, so it is reported like any missing path.
    """
    try:
        return path.expanduser()
    except (RuntimeError, KeyError, OSError):  # "Could not determine home directory"
        return path


# A file name is data too: controls (newline and tab included), bidi marks and invisible
# characters would break one-line messages or make a name read as something else, and
# bytes that are not UTF-8 (kept by Python as lone surrogates) cannot be printed at all.
# Each is shown as a Python escape (\x01, \u202e, \xff for the byte 0xff), so two names
# that differ only there still read differently.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_path(path: Path) -> str:
    """A path as the user gave it: relative to the working directory when below it.

    Symbolic links are not followed: a message names the link the user typed, not
    its target (which may not even exist).
    """
    try:
        absolute = os.path.abspath(path)
        shown = os.path.relpath(absolute, os.getcwd())
        if shown == os.pardir or shown.startswith(os.pardir + os.sep):
            shown = absolute if path.is_absolute() else str(path)
    except (ValueError, OSError):
        shown = str(path)
    return _UNPRINTABLE.sub(_escape, shown)


def cache_dir() -> Path:
    """Parsed-data cache: $GENAI_CACHE_DIR, else the platform's user cache directory."""
    override = os.environ.get("GENAI_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("genai", appauthor=False)
