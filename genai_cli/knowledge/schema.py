"""The schema of every kind and the parsing of one file's text into model objects.

Field parsers, the field tables per kind and ``parse_text``: YAML text in, validated
entries and ``file:line: what is wrong`` problems out. No file system access here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from genai_cli.knowledge.clozetext import ClozeError
from genai_cli.knowledge.clozetext import parse as parse_cloze
from genai_cli.knowledge.complexity import ComplexityError, parse_complexity
from genai_cli.knowledge.model import (
    KINDS,
    LEVELS,
    ORIGINS,
    Entry,
    Point,
    Source,
)
from genai_cli.knowledge.names import is_slug
from genai_cli.knowledge.yamlsafe import LList, LMap, Plain, YamlError, quoted, read_yaml


class _Problem(Exception):
    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _describe(value: Any) -> str:
    if isinstance(value, Plain):
        if value.kind == "null":
            return "empty"
        return (
            f"read by YAML as a {value.kind} ({quoted(value.text)});"
            " put it in quotes if text is meant"
        )
    if isinstance(value, LMap):
        return "a mapping"
    if isinstance(value, LList):
        return "a list"
    return f"{type(value).__name__}"


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only spaces and invisible format characters."""
    return any(not c.isspace() and unicodedata.category(c) != "Cf" for c in text)


def _text(value: Any, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise _Problem(f"must be text, but is {_describe(value)}", getattr(value, "line", 0))
    if not empty_ok and not _visible(value):
        raise _Problem("must not be empty")
    return value.strip() if not empty_ok else value


def _slug(value: Any) -> str:
    text = _text(value)
    if not is_slug(text):
        raise _Problem(f"{quoted(text)} is not a slug (lower-case letters, digits, single hyphens)")
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
        raise _Problem(f"must be one of {', '.join(ORIGINS)}, not {quoted(text)}")
    return text


def _mapping(value: Any, fields: Sequence[str]) -> LMap:
    if not isinstance(value, LMap):
        raise _Problem(f"must be a mapping, but is {_describe(value)}", getattr(value, "line", 0))
    unknown = [k for k in value if k not in fields]
    if unknown:
        key = unknown[0]
        raise _Problem(
            f"unknown field {quoted(key)} (expected {', '.join(fields)})",
            value.key_lines[key],
        )
    missing = [f for f in fields if f not in value]
    if missing:
        raise _Problem(f"missing field {quoted(missing[0])}", value.line)
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
                f"variable {quoted(symbol)} {problem.message}", variables.key_lines[symbol]
            ) from None
    try:
        return parse_complexity(_text(mapping["stated"]), meanings)
    except ComplexityError as exc:
        # The field name already says "complexity": not "complexity complexity 'O(n)'".
        raise _Problem(str(exc).removeprefix("complexity "), mapping.key_lines["stated"]) from None


# Limits of the contrasts kind (docs/data-format.md).
BETWEEN_RANGE = (2, 4)
POINTS_RANGE = (3, 6)
MAX_VALUE = 70  # characters in one value of a point: a phrase, not a sentence


def _between(value: Any) -> tuple[str, ...]:
    slugs = _slugs(value)
    low, high = BETWEEN_RANGE
    if not low <= len(slugs) <= high:
        raise _Problem(f"must name {low} to {high} entries, not {len(slugs)}")
    repeated = [s for i, s in enumerate(slugs) if s in slugs[:i]]
    if repeated:
        raise _Problem(f"names {quoted(repeated[0])} twice")
    return slugs


def _value(value: Any) -> str:
    text = _text(value)
    if len(text) > MAX_VALUE:
        raise _Problem(f"is longer than {MAX_VALUE} characters; say it as a phrase")
    return text


def _point(value: Any) -> Point:
    mapping = _mapping(value, ("aspect", "values"))
    try:
        aspect = _text(mapping["aspect"])
    except _Problem as problem:
        raise _Problem(f"aspect {problem.message}", mapping.key_lines["aspect"]) from None
    try:
        values = _list(mapping["values"], _value)
    except _Problem as problem:
        raise _Problem(
            f"values {problem.message}", problem.line or mapping.key_lines["values"]
        ) from None
    return Point(aspect, values)


def _points(value: Any) -> tuple[Point, ...]:
    if not isinstance(value, LList):
        raise _Problem(f"must be a list, but is {_describe(value)}", getattr(value, "line", 0))
    low, high = POINTS_RANGE
    if not low <= len(value) <= high:
        raise _Problem(f"must list {low} to {high} points, not {len(value)}")
    out: list[Point] = []
    for index, element in enumerate(value):
        try:
            out.append(_point(element))
        except _Problem as problem:
            line = problem.line or value.item_lines[index]
            raise _Problem(f"point {index + 1}: {problem.message}", line) from None
    return tuple(out)


def _check_contrast(values: dict[str, Any], item: LMap) -> list[_Problem]:
    """What the fields of a contrast must agree on: one value per entry, distinct aspects."""
    between, points = values.get("between"), values.get("points")
    if between is None or points is None:
        return []
    problems: list[_Problem] = []
    seen: set[str] = set()
    for number, point in enumerate(points, 1):
        where = item["points"].item_lines[number - 1]
        if len(point.values) != len(between):
            problems.append(
                _Problem(
                    f"points: point {number} ({quoted(point.aspect)}) has"
                    f" {len(point.values)} values for {len(between)} entries in between",
                    where,
                )
            )
        if point.aspect.casefold() in seen:
            problems.append(_Problem(f"points: aspect {quoted(point.aspect)} appears twice", where))
        seen.add(point.aspect.casefold())
    return problems


def _key_points(value: Any) -> tuple[str, ...]:
    points = _texts(value)
    if not 2 <= len(points) <= 5:
        raise _Problem(f"must list 2 to 5 key points, not {len(points)}")
    return points


def _level(value: Any) -> str:
    text = _text(value)
    if text not in LEVELS:
        raise _Problem(f"must be one of {', '.join(LEVELS)}, not {quoted(text)}")
    return text


def _cloze_text(value: Any) -> str:
    text = _text(value)
    try:
        parse_cloze(text)
    except ClozeError as exc:
        raise _Problem(str(exc)) from None
    return text


_Parse = Callable[[Any], Any]

_COMMON: dict[str, _Parse] = {
    "aliases": _texts,
    "tags": _texts,
    "see_also": _slugs,
    "more_precisely": _slugs,
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
    "contrasts": ({"name": _TEXT, "between": _between, "points": _points}, {}),
    # points and level may be left out by imported cards (Anki has neither); bundled
    # questions always give them (tests/test_content.py).
    "questions": ({"question": _TEXT, "answer": _TEXT}, {"points": _key_points, "level": _level}),
    "cloze": ({"text": _cloze_text}, {}),
}

# Checks across the fields of one entry, run once each field has parsed.
_CHECKS: dict[str, Callable[[dict[str, Any], LMap], list[_Problem]]] = {
    "contrasts": _check_contrast,
}


def _singular(kind: str) -> str:
    return KINDS[kind].kind


@dataclass(frozen=True)
class Parsed:
    """What one file gave: the entries that validated, and every problem found."""

    path: str
    entries: tuple[Entry, ...]
    problems: tuple[str, ...]
    # The problems of each entry left out, one group per entry (``problems`` has them all,
    # with those of the file as a whole). Empty when the file itself could not be read.
    broken: tuple[tuple[str, ...], ...] = ()

    @property
    def whole_file(self) -> bool:
        """Whether a problem concerns the file rather than entries (YAML, top level)."""
        return len(self.problems) > sum(len(group) for group in self.broken)


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
    broken: list[tuple[str, ...]] = []
    for kind, items in root.items():
        key_line = root.key_lines[kind]
        if kind not in KINDS:
            problems.append(
                f"{path}:{key_line}: unknown kind {quoted(kind)}"
                f" (expected one of: {', '.join(KINDS)})"
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
            except _Problems as found:
                label = _entry_label(kind, item, index)
                group = [f"{path}:{p.line or line}: {label}: {p.message}" for p in found.problems]
                problems += group
                broken.append(tuple(group))
    return Parsed(path, tuple(entries), tuple(problems), tuple(broken))


def _entry_label(kind: str, item: Any, index: int) -> str:
    slug = item.get("slug") if isinstance(item, LMap) else None
    if isinstance(slug, str) and slug:
        return f"{_singular(kind)} {quoted(slug)}"
    return f"{_singular(kind)} #{index + 1}"


class _Problems(Exception):
    """Every problem of one entry, so that validate can report them all at once."""

    def __init__(self, problems: list[_Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = sorted(problems, key=lambda p: p.line)


def _entry(kind: str, item: Any, path: str, line: int, deck: str | None) -> Entry:
    if not isinstance(item, LMap):
        raise _Problems([_Problem(f"must be a mapping of fields, but is {_describe(item)}", line)])
    required, optional = _FIELDS[kind]
    known = {"slug": _slug, **required, **_COMMON, **optional}
    problems: list[_Problem] = []
    for key in item:
        if key not in known:
            problems.append(_Problem(f"unknown field {quoted(key)}", item.key_lines[key]))
    for key in ("slug", *required):
        if key not in item:
            problems.append(_Problem(f"missing field {quoted(key)}", item.line))
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
            problems.append(
                _Problem(f"{key} {problem.message}", problem.line or item.key_lines[key])
            )
    check = _CHECKS.get(kind)
    if check is not None:
        problems += check(values, item)
    if problems:
        raise _Problems(problems)
    return KINDS[kind](**values, path=path, line=item.line, deck=deck)
