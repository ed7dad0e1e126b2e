"""Read untrusted YAML into plain values that remember their line numbers.

Only YAML's event stream is used: no constructor ever runs, so no tag can
execute anything. The reader is iterative, so deep nesting cannot exhaust the
stack, and it bounds nesting depth, alias expansion and file size, so "billion
laughs" and similar files are refused quickly with bounded memory. Mapping keys
must be unique text. Scalars YAML would read as something other than text
(``no``, ``1:20``, ``2024-01-01``) come back as :class:`Plain`, so validation
can say what happened instead of silently storing ``False``.

Limits (documented in docs/data-format.md): a file of at most MAX_BYTES, at most
MAX_NODES values in all (aliases count as the size of what they repeat, so an
alias bomb stops at the cap), at most MAX_ALIAS_NODES of them through aliases, at
most MAX_DEPTH levels of nesting, values of at most MAX_SCALAR characters. They are
set on what costs memory and time, not on bytes: an ordinary large deck (50,000
terms in one ~25 MB file) loads, while a bomb or deep nesting is refused at once by
either parser (tests/test_untrusted.py measures both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# PyYAML is imported inside the functions that parse: a warm run reads the parsed-data
# cache (genai_cli.knowledge.cache) and never needs it, which saves ~12 ms of start-up.

# Set on what costs memory and time (docs/data-format.md): a 50,000-term deck in one file
# is ~25 MB and 816,000 values and reads in ~7 s; every value costs ~3.5 us to build, so
# MAX_NODES bounds a file's time. `genai export --format json` of 100,000 terms is ~68 MB
# and ~2.4 million values, and must load back. The byte cap stops what no deck needs.
MAX_BYTES = 128 * 1024 * 1024
MAX_NODES = 3_000_000
MAX_DEPTH = 32
MAX_ALIAS_NODES = 10_000
MAX_SCALAR = 100_000  # characters in one value (a definition, a name...)

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {
    f"{_CORE}{name}": name for name in ("str", "int", "float", "bool", "null", "timestamp")
}
_COLLECTION_TAGS = {f"{_CORE}map", f"{_CORE}seq"}
# What PyYAML resolves a plain ``=`` and ``<<`` to: read as Plain values with these kinds, so
# the schema says "read by YAML as a ..." like for ``no`` or ``1:20``.
_INDICATOR_TAGS = {f"{_CORE}value": "YAML value indicator", f"{_CORE}merge": "YAML merge key"}

# C0 and C1 controls except tab and newline, DEL, and the bidi controls (marks, embeddings,
# overrides and isolates) that can make text read differently from what it is.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_RAW = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f{_BIDI}]")


# Invisible characters that only hide or disguise text: zero-width space, word joiner,
# zero-width no-break space (a BOM mid-text), soft hyphen, interlinear annotation marks and
# tag characters (which can smuggle a hidden ASCII message). Zero-width (non-)joiners stay:
# emoji sequences and several scripts (Persian, Indic) need them. Line and paragraph
# separators become newlines, which is what they mean.
_INVISIBLE = re.compile("[\xad\u200b\u2060-\u2064\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")
_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})


def clean(text: str) -> str:
    """Remove control, bidi-override and invisible characters, keeping newline and tab."""
    text = _UNSAFE.sub("", text)
    if text.isascii():
        return text
    return _INVISIBLE.sub("", text.translate(_SEPARATORS))


MAX_QUOTED = 80


def quoted(value: object, limit: int = MAX_QUOTED) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters.

    A deck's values are quoted in warnings printed on every command: a 900 KB slug must
    not make a 1.8 MB line.
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 5]}…{text[0]} ({len(str(value))} characters)"


class YamlError(ValueError):
    """The file is not YAML this program accepts; ``line`` is 1-based, 0 if unknown."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Plain:
    """A scalar YAML resolved to a non-text type (bool, int, float, null or timestamp)."""

    kind: str
    text: str
    line: int


class LMap(dict[str, Any]):
    """A mapping with the line it starts on and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class LList(list[Any]):
    """A sequence with the line it starts on and the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def _line(event: Any) -> int:
    mark = getattr(event, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else 0


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_line", "start")

    def __init__(self, container: LMap | LList, anchor: str | None, start: int) -> None:
        self.container = container
        self.anchor = anchor
        self.start = start
        self.key: str | None = None
        self.key_line = 0


# The YAML loader class; None means the fastest available. Tests set it to run both.
_Loader: Any = None


def _default_loader() -> Any:
    """libyaml's parser when PyYAML was built with it (~4x faster), else the pure-Python one."""
    try:
        from yaml import CSafeLoader

        return CSafeLoader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader

        return SafeLoader


def too_large() -> YamlError:
    return YamlError(
        0,
        f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB, the most one deck file may"
        " hold: split it into several files in one deck directory",
    )


def read_yaml(data: str | bytes) -> Any:
    """Parse one YAML document of at most MAX_BYTES into LMap/LList/str/Plain values."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise too_large()
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlError(0, f"not UTF-8 text (byte {exc.start})") from None
    elif len(data) > MAX_BYTES:
        raise too_large()
    import yaml

    loader = (_Loader or _default_loader())(_UNSAFE_RAW.sub("", data))
    try:
        return _Builder(loader).run()
    except RecursionError:  # pragma: no cover - the reader is iterative; kept as a backstop
        raise YamlError(0, f"nesting deeper than {MAX_DEPTH} levels") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlError(line, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlError(0, f"YAML: {exc}") from None
    finally:
        loader.dispose()


class _Builder:
    """Turns the event stream into values; one method per kind of event."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.alias_nodes = 0
        self.documents = 0
        self.root: Any = None

    def run(self) -> Any:
        import yaml

        handlers = {
            yaml.DocumentStartEvent: self.document,
            yaml.AliasEvent: self.alias,
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
        }
        while self.loader.check_event():
            event = self.loader.get_event()
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self.root

    def place(self, value: Any, line: int) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame.container
        if isinstance(container, LList):
            container.append(value)
            container.item_lines.append(line)
        elif frame.key is None:
            if isinstance(value, Plain) and value.kind == _INDICATOR_TAGS[f"{_CORE}merge"]:
                raise YamlError(line, "merge keys (<<) are not supported; write the fields out")
            if not isinstance(value, str):
                what = value.text if isinstance(value, Plain) else "a collection"
                raise YamlError(line, f"mapping key {quoted(what)} must be text")
            if value in container:
                first = container.key_lines[value]
                raise YamlError(line, f"duplicate key {quoted(value)} (first at line {first})")
            frame.key, frame.key_line = value, line
        else:
            container[frame.key] = value
            container.key_lines[frame.key] = frame.key_line
            frame.key = None

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise YamlError(_line(event), "more than one YAML document in the file")

    def count(self, size: int, event: Any) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise YamlError(_line(event), f"more than {MAX_NODES} values in one file")

    def alias(self, event: Any) -> None:
        if event.anchor not in self.anchors:
            raise YamlError(_line(event), f"unknown alias *{event.anchor}")
        value, size = self.anchors[event.anchor]
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise YamlError(_line(event), f"aliases expand to more than {MAX_ALIAS_NODES} nodes")
        self.count(size, event)
        self.place(value, _line(event))

    def scalar(self, event: Any) -> None:
        self.count(1, event)
        line = _line(event)
        if len(event.value) > MAX_SCALAR:
            raise YamlError(line, f"a value longer than {MAX_SCALAR} characters")
        value = _scalar(self.loader, event, line)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self.place(value, line)

    def start(self, event: Any) -> None:
        self.count(1, event)
        line = _line(event)
        if event.tag is not None and event.tag not in _COLLECTION_TAGS and event.tag != "!":
            raise YamlError(line, f"tag {_shown_tag(event.tag)} is not allowed")
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(line, f"nesting deeper than {MAX_DEPTH} levels")
        from yaml import MappingStartEvent

        mapping = isinstance(event, MappingStartEvent)
        container: LMap | LList = LMap(line) if mapping else LList(line)
        self.stack.append(_Frame(container, event.anchor, self.nodes))

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, self.nodes - frame.start + 1)
        self.place(frame.container, frame.container.line)


def _shown_tag(tag: str | None) -> str:
    """A tag as it is written in YAML: ``!!python/name:x`` rather than its full URI."""
    if tag is None:
        return "(none)"
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _scalar(loader: Any, event: Any, line: int) -> str | Plain:
    tag = event.tag
    if tag is None or tag == "!":
        from yaml import ScalarNode

        tag = loader.resolve(ScalarNode, event.value, event.implicit)
    kind = _SCALAR_TAGS.get(tag) or _INDICATOR_TAGS.get(tag)
    if kind is None:
        raise YamlError(line, f"tag {_shown_tag(event.tag or tag)} is not allowed")
    if kind == "str":
        return clean(event.value)
    return Plain(kind, clean(event.value), line)
