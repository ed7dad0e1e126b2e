"""Reading an Anki package (.apkg or .colpkg) safely: zipfile and sqlite3, nothing else.

The package is untrusted. Before anything is read: at most MAX_MEMBERS members, no
member name that is absolute or climbs out (``..``), at most MAX_UNPACKED bytes in all
as declared, and the collection is copied out with a byte cap whatever its header says
(a zip bomb stops at the cap). The collection is opened read-only from a private
temporary directory; media files are never extracted, only counted.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from genai_cli.errors import DataError
from genai_cli.formats.plaintext import flat, from_anki_cloze, html_to_text, is_anki_cloze
from genai_cli.knowledge.yamlsafe import clean
from genai_cli.paths import display_path

MAX_MEMBERS = 50_000
MAX_UNPACKED = 512 * 1024 * 1024  # declared size of all members together
MAX_COLLECTION = 256 * 1024 * 1024  # bytes actually copied out for the collection
MAX_FIELD_BYTES = 1024 * 1024  # one field of one note, as stored (HTML)
MAX_FIELD_CHARS = 20_000  # one field once reduced to plain text
_COLLECTIONS = ("collection.anki21", "collection.anki2")  # newest readable first
_NEWER = "collection.anki21b"
_CLOZE_TYPE = 1


@dataclass
class ImportedCard:
    """A card read from another format, before it gets its slug."""

    kind: str  # "question" or "cloze"
    front: str  # the question, or the cloze text in genai's {{...}} syntax
    back: str = ""
    tags: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    level: str | None = None
    slug: str | None = None  # the slug genai exported it with, if it says


@dataclass
class Reading:
    """The cards found, and what was skipped (reason → count)."""

    cards: list[ImportedCard] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def _refuse(path: Path, why: str) -> DataError:
    return DataError(f"{display_path(path)}: {why}; nothing written")


def _check_members(path: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(path, f"the archive holds {len(members)} files, more than {MAX_MEMBERS}")
    total = 0
    for info in members:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise _refuse(path, f"the archive has an unsafe file name {name!r}")
        total += info.file_size
    if total > MAX_UNPACKED:
        raise _refuse(path, f"the archive would unpack to {total} bytes, more than {MAX_UNPACKED}")
    return members


def _copy_capped(archive: zipfile.ZipFile, name: str, target: Path, path: Path) -> None:
    copied = 0
    with archive.open(name) as source, target.open("wb") as sink:
        while chunk := source.read(1024 * 1024):
            copied += len(chunk)
            if copied > MAX_COLLECTION:
                raise _refuse(path, f"the collection unpacks to more than {MAX_COLLECTION} bytes")
            sink.write(chunk)


def _media_count(archive: zipfile.ZipFile, names: set[str]) -> int:
    if "media" in names:
        try:
            mapping = json.loads(archive.read("media")[: 16 * 1024 * 1024])
            if isinstance(mapping, dict):
                return len(mapping)
        except (ValueError, zipfile.BadZipFile, OSError):
            pass
    return sum(1 for n in names if n not in (*_COLLECTIONS, _NEWER, "media", "meta"))


@contextmanager
def _collection(path: Path) -> Iterator[tuple[sqlite3.Connection, int]]:
    """The package's collection opened read-only, and how many media files it holds."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(path, f"not an Anki package (not a readable zip file: {exc})") from None
    with archive, tempfile.TemporaryDirectory(prefix="genai-import-") as scratch:
        names = {m.filename for m in _check_members(path, archive)}
        chosen = next((n for n in _COLLECTIONS if n in names), None)
        if chosen is None or (_NEWER in names and chosen == "collection.anki2"):
            if _NEWER in names:
                raise _refuse(
                    path,
                    "the package uses Anki's newer compressed format; in Anki, export it"
                    " again with 'Support older Anki versions' ticked",
                )
            raise _refuse(path, "not an Anki package (no collection.anki2 inside)")
        database = Path(scratch) / "collection.db"
        try:
            _copy_capped(archive, chosen, database, path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _refuse(path, f"the archive is damaged ({exc})") from None
        media = _media_count(archive, names)
        try:
            conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise _refuse(path, f"the collection cannot be opened ({exc})") from None
        conn.text_factory = bytes
        try:
            yield conn, media
        finally:
            conn.close()


def _text(value: Any, path: Path, what: str) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(path, f"{what} is not valid UTF-8") from None
    return "" if value is None else str(value)


def _note_types(conn: sqlite3.Connection, path: Path) -> dict[int, dict[str, Any]]:
    """Note type id → {"name", "cloze", "fields"}, from the legacy JSON or newer tables."""
    found: dict[int, dict[str, Any]] = {}
    row = conn.execute("SELECT models FROM col").fetchone()
    raw = _text(row[0], path, "the note types") if row else ""
    models = json.loads(raw) if raw.strip() else {}
    if isinstance(models, dict):
        for key, model in models.items():
            if isinstance(model, dict):
                fields = [
                    str(f.get("name", "")) for f in model.get("flds", []) if isinstance(f, dict)
                ]
                found[int(key)] = {
                    "name": str(model.get("name", "")),
                    "cloze": model.get("type") == _CLOZE_TYPE,
                    "fields": fields,
                }
    if found:
        return found
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if b"notetypes" in tables or "notetypes" in tables:
        for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
            fields = [
                _text(r[0], path, "a field name")
                for r in conn.execute(
                    "SELECT name FROM fields WHERE ntid = ? ORDER BY ord", (ntid,)
                )
            ]
            cloze = isinstance(config, bytes) and config[:2] == b"\x08\x01"  # kind: CLOZE
            found[int(ntid)] = {
                "name": _text(name, path, "a note type name"),
                "cloze": cloze,
                "fields": fields,
            }
    return found


def _field_texts(flds: str, note: int, path: Path) -> list[str]:
    out = []
    for raw in flds.split("\x1f"):
        if len(raw) > MAX_FIELD_BYTES:
            raise _refuse(path, f"note {note} has a field of {len(raw)} characters (a huge field)")
        text = html_to_text(raw)
        if len(text) > MAX_FIELD_CHARS:
            raise _refuse(
                path,
                f"note {note} has a field of {len(text)} characters, more than {MAX_FIELD_CHARS}",
            )
        out.append(text)
    return out


def _card(model: dict[str, Any], fields: list[str], tags: tuple[str, ...]) -> ImportedCard | str:
    """The card for one note, or why it was skipped."""
    names = {name.casefold(): index for index, name in enumerate(model["fields"])}

    def named(name: str) -> str:
        index = names.get(name)
        return fields[index] if index is not None and index < len(fields) else ""

    slug = named("slug") or None
    if model["cloze"] or (fields and is_anki_cloze(fields[0]) and len(fields) <= 3):
        converted = from_anki_cloze(flat(fields[0])) if fields else None
        if converted is None:
            return "cloze notes that could not be read"
        return ImportedCard("cloze", converted, tags=tags, slug=slug)
    if len(fields) < 2:
        return f"notes of note type {model['name']!r}"
    front, back = flat(fields[0]), fields[1].strip()
    if not front or not back:
        return "notes with an empty front or back (images only?)"
    points = tuple(p.strip() for p in named("points").split("\n") if p.strip())
    level = named("level").strip() or None
    return ImportedCard("question", front, back, tags, points, level, slug)


def read_apkg(path: Path) -> Reading:
    """Basic-like notes as questions, Cloze notes as cloze; the rest counted as skipped."""
    reading = Reading()
    with _collection(path) as (conn, media):
        if media:
            reading.skipped["media files"] += media
        try:
            models = _note_types(conn, path)
            rows = conn.execute("SELECT id, mid, flds, tags FROM notes ORDER BY id").fetchall()
        except (sqlite3.Error, ValueError, TypeError, AttributeError) as exc:
            raise _refuse(path, f"the collection cannot be read ({exc})") from None
        for note, mid, flds, tags in rows:
            model = models.get(int(mid))
            if model is None:
                reading.skipped["notes of an unknown note type"] += 1
                continue
            fields = _field_texts(_text(flds, path, f"note {note}"), note, path)
            tag_text = _text(tags, path, f"the tags of note {note}")
            card = _card(model, fields, tuple(t for t in clean(tag_text).split() if t))
            if isinstance(card, str):
                reading.skipped[card] += 1
            else:
                reading.cards.append(card)
    return reading
