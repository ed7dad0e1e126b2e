"""`genai export`: select what to export, convert it, and write it atomically.

Not on the lookup path: the CLI imports this module only inside the export command.
Each format lives in its own module (anki, csvfile, markdown, jsondeck); genanki is
imported only when an Anki package is written.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_cli.errors import NotFoundError, OutputError, UsageError
from genai_cli.formats.anki import write_anki
from genai_cli.formats.cards import CARD_KINDS, cards
from genai_cli.formats.csvfile import to_csv
from genai_cli.formats.jsondeck import deck_limits_exceeded, to_json
from genai_cli.formats.markdown import to_markdown
from genai_cli.knowledge.loader import BUNDLED, DeckReport
from genai_cli.knowledge.model import KINDS, KnowledgeBase
from genai_cli.paths import display_path, expand_user

STDOUT = "-"

FORMATS = ("anki", "csv", "markdown", "json")
TOPICS = ("terms", "algorithms", "myths", "questions", "cloze", "all")


def kinds_for(topic: str, fmt: str) -> tuple[str, ...]:
    """The kinds an export holds: ``all`` is every kind for JSON, every card kind otherwise."""
    if topic not in TOPICS:
        raise UsageError(f"--topic must be one of {', '.join(TOPICS)}, not {topic!r}")
    if topic != "all":
        return (topic,)
    return tuple(KINDS) if fmt == "json" else CARD_KINDS


def _names_deck(report: DeckReport, name: str) -> bool:
    if name in (report.name, report.path):
        return True
    if report.name == BUNDLED:
        return False
    try:
        return expand_user(Path(name)).resolve() == Path(report.path).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return False


def select(
    kb: KnowledgeBase, kinds: Sequence[str], decks: Sequence[str], sources: Sequence[DeckReport]
) -> KnowledgeBase:
    """The entries of ``kinds``; with ``decks``, only those from the decks named.

    A deck is named by its name (file name without suffix), its path, or ``bundled``;
    ``sources`` are the decks that were loaded.
    """
    loaded = [r for r in sources if not r.skipped]
    wanted: set[str | None] = set()
    for name in decks:
        matches = [r for r in loaded if _names_deck(r, name)]
        if not matches:
            names = ", ".join(r.name for r in loaded)
            raise UsageError(
                f"--deck {name!r} names no loaded deck (loaded: {names}); to add a deck,"
                " put --deck PATH before the command: genai --deck PATH export ..."
            )
        wanted.update(None if r.name == BUNDLED else r.path for r in matches)
    groups: dict[str, Any] = {}
    for kind in KINDS:
        chosen = kb.of_kind(kind) if kind in kinds else ()
        if decks:
            chosen = tuple(e for e in chosen if e.deck in wanted)
        groups[kind] = chosen
    return KnowledgeBase(**groups)


# --- writing -------------------------------------------------------------------------------


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    return write


def _publish(temporary: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # atomic, and never replaces an existing file
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temporary, target)


_NOT_FILES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _existing_mode(target: Path, shown: str) -> int | None:
    """The mode of what is at ``target`` itself (a link is not followed), None if nothing.

    A directory, device, FIFO or socket is refused whatever ``--force`` says: renaming a
    file over ``/dev/null`` would replace the device for every program on the machine.
    """
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    for test, what in _NOT_FILES:
        if test(mode):
            raise OutputError(
                f"cannot write {shown}: it is {what}, not a file; name a file to create,"
                f" or {STDOUT} for standard output"
            )
    return mode


def write_stdout(produce: Callable[[Path], None]) -> None:
    """Produce the export into a private temporary file, then copy it to standard output."""
    with tempfile.TemporaryDirectory(prefix="genai-export-") as directory:
        temporary = Path(directory) / "export"
        produce(temporary)
        out = sys.stdout.buffer
        with temporary.open("rb") as handle:
            while chunk := handle.read(1 << 16):
                out.write(chunk)
        out.flush()


def write_atomically(target: Path, produce: Callable[[Path], None], *, force: bool) -> None:
    """Write through a temporary file in the target's directory, then an atomic rename.

    An existing file is left alone unless ``force``; every failure is an OutputError.
    """
    shown = display_path(target)
    mode = _existing_mode(target, shown)
    if mode is not None and not force:
        link = " (a symbolic link)" if stat.S_ISLNK(mode) else ""
        raise OutputError(f"{shown} already exists{link}; add --force to replace it")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        produce(temporary)
        if mode is not None and stat.S_ISREG(mode):
            temporary.chmod(stat.S_IMODE(mode))  # --force keeps the file's permissions
        else:
            mask = os.umask(0)
            os.umask(mask)
            temporary.chmod(0o666 & ~mask)
        _publish(temporary, target, force)
    except FileExistsError:
        raise OutputError(f"{shown} already exists; add --force to replace it") from None
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class Exported:
    """What an export wrote: how many entries of each kind, and where."""

    path: str
    counts: dict[str, int]
    warnings: tuple[str, ...] = ()


def export(
    kb: KnowledgeBase,
    *,
    fmt: str,
    output: Path | str,
    topic: str = "all",
    decks: Sequence[str] = (),
    sources: Sequence[DeckReport] = (),
    force: bool = False,
) -> Exported:
    """Select, convert and write; raises UsageError, NotFoundError or OutputError."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    kinds = kinds_for(topic, fmt)
    chosen = select(kb, kinds, decks, sources)
    counts = {k: len(chosen.of_kind(k)) for k in kinds if chosen.of_kind(k)}
    if not counts:
        raise NotFoundError("nothing to export with these filters")
    if not str(output).strip():
        raise UsageError("--output needs a file name, or - for standard output")
    to_stdout = str(output) == STDOUT
    output = expand_user(Path(output))
    produce: Callable[[Path], None]
    warnings: tuple[str, ...] = ()
    if fmt == "json":
        text = to_json(chosen, kinds)
        too_large = deck_limits_exceeded(text)
        if too_large:
            warnings = (
                f"genai will not load this export as a deck: {too_large}; export less"
                " at a time with --topic or --deck",
            )
        produce = _text_writer(text)
    elif fmt == "csv":
        produce = _text_writer(to_csv(cards(chosen)))
    elif fmt == "markdown":
        produce = _text_writer(to_markdown(cards(chosen)))
    else:
        items = cards(chosen)

        def produce(path: Path) -> None:
            write_anki(items, path)

    if to_stdout:
        write_stdout(produce)
        return Exported(STDOUT, counts, warnings)
    write_atomically(output, produce, force=force)
    return Exported(display_path(output), counts, warnings)
