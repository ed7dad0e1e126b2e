"""YAML files → validated model objects; every problem as ``file:line: what is wrong``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_cli.cache import KNOWLEDGE, SourceSpec, load_assembled, parse_cached
from genai_cli.complexity import ComplexityError, parse_complexity
from genai_cli.errors import DataError
from genai_cli.model import (
    KINDS,
    ORIGINS,
    Entry,
    KnowledgeBase,
    Quote,
    Source,
)
from genai_cli.names import is_slug, normalize
from genai_cli.paths import bundled_data_dir, display_path
from genai_cli.yamlsafe import LList, LMap, Plain, YamlError, read_yaml

DATA_SUFFIXES = (".yaml", ".yml")


class _Problem(Exception):
    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _describe(value: Any) -> str:
    if isinstance(value, Plain):
        if value.kind == "null":
            return "empty"
        return f"read by YAML as a {value.kind} ({value.text!r}); put it in quotes if text is meant"
    if isinstance(value, LMap):
        return "a mapping"
    if isinstance(value, LList):
        return "a list"
    return f"{type(value).__name__}"


def _text(value: Any, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise _Problem(f"must be text, but is {_describe(value)}", getattr(value, "line", 0))
    if not empty_ok and not value.strip():
        raise _Problem("must not be empty")
    return value.strip() if not empty_ok else value


def _slug(value: Any) -> str:
    text = _text(value)
    if not is_slug(text):
        raise _Problem(f"{text!r} is not a slug (lower-case letters, digits, single hyphens)")
    return text


def _list(value: Any, item: Callable[[Any], str]) -> tuple[str, ...]:
    if not isinstance(value, LList):
        raise _Problem(f"must be a list, but is {_describe(value)}", getattr(value, "line", 0))
    out = []
    for index, element in enumerate(value):
        try:
            out.append(item(element))
        except _Problem as problem:
            raise _Problem(f"item {index + 1} {problem.message}", value.item_lines[index]) from None
    return tuple(out)


def _texts(value: Any) -> tuple[str, ...]:
    return _list(value, _text)


def _slugs(value: Any) -> tuple[str, ...]:
    return _list(value, _slug)


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(line.rstrip() for line in _list(value, lambda v: _text(v, empty_ok=True)))


def _origin(value: Any) -> str:
    text = _text(value)
    if text not in ORIGINS:
        raise _Problem(f"must be one of {', '.join(ORIGINS)}, not {text!r}")
    return text


def _mapping(value: Any, fields: Sequence[str]) -> LMap:
    if not isinstance(value, LMap):
        raise _Problem(f"must be a mapping, but is {_describe(value)}", getattr(value, "line", 0))
    unknown = [k for k in value if k not in fields]
    if unknown:
        key = unknown[0]
        raise _Problem(
            f"unknown field {key!r} (expected {', '.join(fields)})",
            value.key_lines[key],
        )
    missing = [f for f in fields if f not in value]
    if missing:
        raise _Problem(f"missing field {missing[0]!r}", value.line)
    return value


def _source(value: Any) -> Source:
    mapping = _mapping(value, ("title", "author", "year"))
    year = mapping["year"]
    if not (isinstance(year, Plain) and year.kind == "int" and year.text.isdigit()):
        raise _Problem("year must be a whole number such as 2017", mapping.key_lines["year"])
    return Source(
        title=_text(mapping["title"]),
        author=_text(mapping["author"]),
        year=int(year.text),
    )


def _complexity(value: Any) -> Any:
    mapping = _mapping(value, ("stated", "variables"))
    variables = mapping["variables"]
    if not isinstance(variables, LMap):
        raise _Problem(f"variables must be a mapping, but is {_describe(variables)}", mapping.line)
    meanings = {}
    for symbol, meaning in variables.items():
        try:
            meanings[symbol] = _text(meaning)
        except _Problem as problem:
            raise _Problem(
                f"variable {symbol!r} {problem.message}", variables.key_lines[symbol]
            ) from None
    try:
        return parse_complexity(_text(mapping["stated"]), meanings)
    except ComplexityError as exc:
        raise _Problem(str(exc), mapping.key_lines["stated"]) from None


_Parse = Callable[[Any], Any]

_COMMON: dict[str, _Parse] = {
    "aliases": _texts,
    "tags": _texts,
    "see_also": _slugs,
    "origin": _origin,
    "source": _source,
}
_TEXT: _Parse = _text
_FIELDS: dict[str, tuple[dict[str, _Parse], dict[str, _Parse]]] = {
    # kind: (required fields, optional fields beyond the common ones)
    "terms": ({"name": _TEXT, "definition": _TEXT}, {"prerequisites": _slugs}),
    "algorithms": (
        {
            "name": _TEXT,
            "description": _TEXT,
            "complexity": _complexity,
            "use_case": _TEXT,
        },
        {},
    ),
    "concepts": ({"name": _TEXT, "body": _TEXT}, {"prerequisites": _slugs}),
    "applications": ({"name": _TEXT, "description": _TEXT}, {}),
    "myths": ({"myth": _TEXT, "fact": _TEXT}, {}),
    "quotes": ({"text": _TEXT}, {"context": _slug}),
    "poems": ({"title": _TEXT, "lines": _lines}, {}),
}


def _singular(kind: str) -> str:
    return KINDS[kind].kind


@dataclass(frozen=True)
class Parsed:
    """What one file gave: the entries that validated, and every problem found."""

    path: str
    entries: tuple[Entry, ...]
    problems: tuple[str, ...]


def parse_text(data: str | bytes, path: str, deck: str | None = None) -> Parsed:
    """Validate one file's text; entries with problems are left out and reported."""
    try:
        root = read_yaml(data)
    except YamlError as exc:
        return Parsed(path, (), (f"{path}:{exc.line}: {exc.message}",))
    if root is None:
        return Parsed(path, (), ())
    if not isinstance(root, LMap):
        line = getattr(root, "line", 1)
        return Parsed(
            path,
            (),
            (f"{path}:{line}: the file must be a mapping of kinds ({', '.join(KINDS)}) to lists",),
        )
    entries: list[Entry] = []
    problems: list[str] = []
    for kind, items in root.items():
        key_line = root.key_lines[kind]
        if kind not in KINDS:
            problems.append(
                f"{path}:{key_line}: unknown kind {kind!r} (expected one of: {', '.join(KINDS)})"
            )
            continue
        if isinstance(items, Plain) and items.kind == "null":
            continue
        if not isinstance(items, LList):
            problems.append(
                f"{path}:{key_line}: {kind} must be a list of entries, but is {_describe(items)}"
            )
            continue
        for index, item in enumerate(items):
            line = items.item_lines[index]
            try:
                entries.append(_entry(kind, item, path, line, deck))
            except _Problem as problem:
                label = _entry_label(kind, item, index)
                problems.append(f"{path}:{problem.line or line}: {label}: {problem.message}")
    return Parsed(path, tuple(entries), tuple(problems))


def _entry_label(kind: str, item: Any, index: int) -> str:
    slug = item.get("slug") if isinstance(item, LMap) else None
    if isinstance(slug, str) and slug:
        return f"{_singular(kind)} {slug!r}"
    return f"{_singular(kind)} #{index + 1}"


def _entry(kind: str, item: Any, path: str, line: int, deck: str | None) -> Entry:
    if not isinstance(item, LMap):
        raise _Problem(f"must be a mapping of fields, but is {_describe(item)}", line)
    required, optional = _FIELDS[kind]
    known = {"slug": _slug, **required, **_COMMON, **optional}
    for key in item:
        if key not in known:
            raise _Problem(f"unknown field {key!r}", item.key_lines[key])
    for key in ("slug", *required):
        if key not in item:
            raise _Problem(f"missing field {key!r}", item.line)
    values: dict[str, Any] = {}
    for key, parse in known.items():
        if key not in item:
            continue
        raw = item[key]
        if key not in required and key != "slug" and isinstance(raw, Plain) and raw.kind == "null":
            continue
        try:
            values[key] = parse(raw)
        except _Problem as problem:
            raise _Problem(
                f"{key} {problem.message}", problem.line or item.key_lines[key]
            ) from None
    return KINDS[kind](**values, path=path, line=item.line, deck=deck)


def _names(entry: Entry) -> Iterable[str]:
    yield entry.slug
    if entry.label != entry.slug and entry.kind not in ("myth", "quote"):
        yield entry.label
    yield from entry.aliases


def cross_check(entries: Sequence[Entry]) -> list[str]:
    """Problems between entries: duplicate slugs, colliding names, links to nothing."""
    problems: list[str] = []
    by_slug: dict[str, Entry] = {}
    for entry in entries:
        first = by_slug.get(entry.slug)
        if first is not None:
            problems.append(
                f"{entry.location}: {entry.kind} {entry.slug!r}: slug already used by"
                f" {first.kind} at {first.location}"
            )
        else:
            by_slug[entry.slug] = entry
    owners: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for name in dict.fromkeys(normalize(n) for n in _names(entry)):
            if not name:
                continue
            owner = owners.setdefault((entry.kind, name), entry)
            if owner is not entry and owner.slug != entry.slug:
                problems.append(
                    f"{entry.location}: {entry.kind} {entry.slug!r}: name or alias {name!r} is"
                    f" already a name of {owner.kind} {owner.slug!r} ({owner.location})"
                )
    for entry in entries:
        links = [("see_also", s) for s in entry.see_also]
        links += [("prerequisites", s) for s in getattr(entry, "prerequisites", ())]
        if isinstance(entry, Quote) and entry.context:
            links.append(("context", entry.context))
        for field_name, target in links:
            if target not in by_slug:
                problems.append(
                    f"{entry.location}: {entry.kind} {entry.slug!r}: {field_name} {target!r}"
                    " is not a known entry"
                )
            elif target == entry.slug:
                problems.append(
                    f"{entry.location}: {entry.kind} {entry.slug!r}: {field_name} links to itself"
                )
    return problems


def assemble(entries: Iterable[Entry]) -> KnowledgeBase:
    """Group entries by kind, keeping their order."""
    groups: dict[str, list[Entry]] = {kind: [] for kind in KINDS}
    plural = {cls.kind: kind for kind, cls in KINDS.items()}
    for entry in entries:
        groups[plural[entry.kind]].append(entry)
    return KnowledgeBase(**{kind: tuple(items) for kind, items in groups.items()})  # type: ignore[arg-type]


def data_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())


def parse_file(path: Path, deck: str | None = None) -> Parsed:
    """Read and validate one file; the result is cached until the file changes."""
    shown = display_path(path)

    def parse() -> Parsed:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return Parsed(shown, (), (f"{shown}:0: cannot read: {exc.strerror or exc}",))
        return parse_text(data, shown, deck)

    return parse_cached(SourceSpec(path, deck, shown), parse)


def load_files(paths: Sequence[Path]) -> KnowledgeBase:
    """Load and fully validate a set of files as one knowledge base; any problem is fatal."""
    parsed = [parse_file(p) for p in paths]
    problems = [p for result in parsed for p in result.problems]
    entries = [e for result in parsed for e in result.entries]
    problems += cross_check(entries)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DataError(problems[0] + more, tuple(problems))
    return assemble(entries)


def load_bundled() -> KnowledgeBase:
    """The knowledge base shipped with genai."""
    directory = bundled_data_dir()
    try:
        files = data_files(directory)
    except OSError as exc:
        raise DataError(
            f"{directory}: bundled data cannot be read: {exc.strerror or exc}"
        ) from None
    if not files:
        raise DataError(f"{directory}: no bundled data files found; the installation is broken")
    return load_files_cached(files)


def load_files_cached(paths: Sequence[Path]) -> KnowledgeBase:
    """:func:`load_files` behind the assembled-data cache (see genai_cli.cache).

    A warm run reads one cache file: no YAML, no validation, no cross-check, and the
    term name index comes ready-made.
    """

    def build() -> KnowledgeBase:
        kb = load_files(paths)
        kb.name_keys("terms")  # computed now so the cache stores it
        return kb

    return load_assembled([SourceSpec.of(p) for p in paths], build, KNOWLEDGE)
