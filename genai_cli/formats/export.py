"""`genai export`: select what to export, convert it, and write it atomically.

Not on the lookup path: the CLI imports this module only inside the export command.
Each format lives in its own module (anki, csvfile, markdown, jsondeck); genanki is
imported only when an Anki package is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_cli.errors import NotFoundError, OutputError, UsageError
from genai_cli.formats.anki import write_anki
from genai_cli.formats.cards import CARD_KINDS, cards
from genai_cli.formats.csvfile import to_csv
from genai_cli.formats.jsondeck import to_json
from genai_cli.formats.markdown import to_markdown
from genai_cli.knowledge.loader import BUNDLED, DeckReport
from genai_cli.knowledge.model import KINDS, KnowledgeBase
from genai_cli.paths import display_path

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
        return Path(name).expanduser().resolve() == Path(report.path).resolve()
    except OSError:
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


def write_atomically(target: Path, produce: Callable[[Path], None], *, force: bool) -> None:
    """Write through a temporary file in the target's directory, then an atomic rename.

    An existing file is left alone unless ``force``; every failure is an OutputError.
    """
    shown = display_path(target)
    if target.is_dir():
        raise OutputError(f"cannot write {shown}: it is a directory")
    if not force and (target.exists() or target.is_symlink()):
        raise OutputError(f"{shown} already exists; add --force to replace it")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        produce(temporary)
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


def export(
    kb: KnowledgeBase,
    *,
    fmt: str,
    output: Path,
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
    output = output.expanduser()
    produce: Callable[[Path], None]
    if fmt == "json":
        produce = _text_writer(to_json(chosen, kinds))
    elif fmt == "csv":
        produce = _text_writer(to_csv(cards(chosen)))
    elif fmt == "markdown":
        produce = _text_writer(to_markdown(cards(chosen)))
    else:
        items = cards(chosen)

        def produce(path: Path) -> None:
            write_anki(items, path)

    write_atomically(output, produce, force=force)
    return Exported(display_path(output), counts)
