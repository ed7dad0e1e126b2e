"""YAML files → validated model objects; every problem as ``file:line: what is wrong``."""

from __future__ import annotations

import stat
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from genai_cli.errors import DataError
from genai_cli.knowledge.cache import NotStored, SourceSpec, load_assembled, parse_cached
from genai_cli.knowledge.codec import KNOWLEDGE, ParsedCodec, ReportsCodec, WithExtra
from genai_cli.knowledge.model import (
    KINDS,
    Entry,
    KnowledgeBase,
    Quote,
)
from genai_cli.knowledge.names import normalize
from genai_cli.knowledge.progress import Progress
from genai_cli.knowledge.schema import Parsed, parse_text
from genai_cli.knowledge.yamlsafe import MAX_BYTES, too_large
from genai_cli.paths import bundled_data_dir, display_path

DATA_SUFFIXES = (".yaml", ".yml")


def _names(entry: Entry) -> Iterable[str]:
    yield entry.slug
    if entry.label != entry.slug and entry.kind not in ("myth", "quote"):
        yield entry.label
    yield from entry.aliases


# A problem found between entries, with the entry it is reported on.
Blame = tuple[Entry, str]


def _slug_problems(entries: Sequence[Entry]) -> list[Blame]:
    problems: list[Blame] = []
    by_slug: dict[str, Entry] = {}
    for entry in entries:
        first = by_slug.setdefault(entry.slug, entry)
        if first is not entry:
            problems.append(
                (
                    entry,
                    f"{entry.location}: {entry.kind} {entry.slug!r}: slug already used by"
                    f" {first.kind} at {first.location}",
                )
            )
    return problems


def _name_problems(entries: Sequence[Entry]) -> list[Blame]:
    problems: list[Blame] = []
    owners: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for name in dict.fromkeys(normalize(n) for n in _names(entry)):
            if not name:
                continue
            owner = owners.setdefault((entry.kind, name), entry)
            if owner is not entry and owner.slug != entry.slug:
                problems.append(
                    (
                        entry,
                        f"{entry.location}: {entry.kind} {entry.slug!r}: name or alias {name!r} is"
                        f" already a name of {owner.kind} {owner.slug!r} ({owner.location})",
                    )
                )
    return problems


def _link_problems(entries: Iterable[Entry], known: Container[str]) -> list[Blame]:
    problems: list[Blame] = []
    for entry in entries:
        links = [("see_also", s) for s in entry.see_also]
        links += [("prerequisites", s) for s in getattr(entry, "prerequisites", ())]
        if isinstance(entry, Quote) and entry.context:
            links.append(("context", entry.context))
        for field_name, target in links:
            where = f"{entry.location}: {entry.kind} {entry.slug!r}: {field_name}"
            if target not in known:
                problems.append((entry, f"{where} {target!r} is not a known entry"))
            elif target == entry.slug:
                problems.append((entry, f"{where} links to itself"))
    return problems


def cross_check(entries: Sequence[Entry]) -> list[str]:
    """Problems between entries: duplicate slugs, colliding names, links to nothing."""
    known = {e.slug for e in entries}
    found = _slug_problems(entries) + _name_problems(entries) + _link_problems(entries, known)
    return [message for _entry, message in found]


def assemble(entries: Iterable[Entry]) -> KnowledgeBase:
    """Group entries by kind, keeping their order."""
    groups: dict[str, list[Entry]] = {kind: [] for kind in KINDS}
    plural = {cls.kind: kind for kind, cls in KINDS.items()}
    for entry in entries:
        groups[plural[entry.kind]].append(entry)
    return KnowledgeBase(**{kind: tuple(items) for kind, items in groups.items()})  # type: ignore[arg-type]


def data_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())


def _read_bounded(path: Path) -> bytes | None:
    """The file's bytes, at most MAX_BYTES + 1 of them; None if it is larger than that."""
    found = path.stat()
    if not stat.S_ISREG(found.st_mode):
        raise OSError(0, "not a regular file")
    if found.st_size > MAX_BYTES:
        return None  # refused without reading it
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def parse_file(path: Path, deck: str | None = None, *, fresh: bool = False) -> Parsed:
    """Read and validate one file on its own (no cross-file checks), cached until it changes.

    ``deck`` is the name entries carry to say where they came from (None for the
    bundled data). Never raises for a bad file: every problem is in the result.
    ``fresh`` reads the file itself, whatever the cache holds (`genai validate`).
    """
    shown = display_path(path)

    def parse() -> Parsed:
        try:
            data = _read_bounded(path)
        except OSError as exc:
            # Never cached (red-team H3): the cause may be gone next time, unseen by stat.
            raise NotStored(
                Parsed(shown, (), (f"{shown}:0: cannot read: {exc.strerror or exc}",))
            ) from None
        if data is None:
            return Parsed(shown, (), (f"{shown}:0: {too_large().message}",))
        return parse_text(data, shown, deck)

    if fresh:
        try:
            return parse()
        except NotStored as signal:
            return signal.value  # type: ignore[no-any-return]
    return parse_cached(SourceSpec(path, deck, shown), parse, ParsedCodec())


def _fatal(problems: Sequence[str]) -> DataError:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return DataError(problems[0] + more, tuple(problems))


def _checked(paths: Sequence[Path]) -> list[Entry]:
    parsed = [parse_file(p) for p in paths]
    problems = [p for result in parsed for p in result.problems]
    entries = [e for result in parsed for e in result.entries]
    problems += cross_check(entries)
    if problems:
        raise _fatal(problems)
    return entries


def load_files(paths: Sequence[Path]) -> KnowledgeBase:
    """Load and fully validate a set of files as one knowledge base; any problem is fatal."""
    return assemble(_checked(paths))


def _bundled_files() -> list[Path]:
    directory = bundled_data_dir()
    try:
        files = data_files(directory)
    except OSError as exc:
        raise DataError(
            f"{directory}: bundled data cannot be read: {exc.strerror or exc}"
        ) from None
    if not files:
        raise DataError(f"{directory}: no bundled data files found; the installation is broken")
    return files


def load_files_cached(paths: Sequence[Path]) -> KnowledgeBase:
    """:func:`load_files` behind the assembled-data cache (see genai_cli.knowledge.cache).

    A warm run reads one cache file: no YAML, no validation, no cross-check, and the
    term name index comes ready-made.
    """

    def build() -> KnowledgeBase:
        kb = load_files(paths)
        kb.name_keys("terms")  # computed now so the cache stores it
        return kb

    return load_assembled([SourceSpec.of(p) for p in paths], build, KNOWLEDGE)


def load_bundled() -> KnowledgeBase:
    """The knowledge base shipped with genai, behind the assembled-data cache."""
    return load_files_cached(_bundled_files())


# --- decks: the bundled data plus the user's files, which must never take the tool down ---

BUNDLED = "bundled"


@dataclass(frozen=True)
class DeckReport:
    """One source of entries: the bundled data or a deck, what it gave or why it was skipped."""

    name: str
    path: str
    counts: Mapping[str, int]
    overrides: int = 0
    problems: tuple[str, ...] = ()

    @property
    def skipped(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class Loaded:
    """The knowledge base with every deck that loaded, and a warning per deck that did not."""

    kb: KnowledgeBase
    warnings: tuple[str, ...]
    sources: tuple[DeckReport, ...]


def deck_name(shown: str) -> str:
    """A deck's short name: its file name without the suffix."""
    return Path(shown).stem


def _counts(entries: Iterable[Entry]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    plural = {cls.kind: kind for kind, cls in KINDS.items()}
    for entry in entries:
        counts[plural[entry.kind]] += 1
    return counts


def _merge(entries: Iterable[Entry]) -> dict[str, Entry]:
    """By slug; a later entry replaces an earlier one in its place."""
    merged: dict[str, Entry] = {}
    for entry in entries:
        merged[entry.slug] = entry
    return merged


def skip_warning(problems: Sequence[str], path: str) -> str:
    """One line for a deck that was skipped: its first problem, and how to see the rest."""
    line = f"{problems[0]}; deck skipped"
    if len(problems) > 1:
        line += f" ({len(problems) - 1} more: genai validate {path})"
    return line


def knowledge_sources(
    deck_paths: Sequence[Path], bundled: Sequence[Path] | None = None
) -> list[SourceSpec]:
    """Every file the knowledge base is built from, as cache sources, in load order."""
    files = _bundled_files() if bundled is None else bundled
    specs = [SourceSpec.of(p) for p in files]
    return specs + [SourceSpec.of(p, display_path(p)) for p in deck_paths]


def load_knowledge(deck_paths: Sequence[Path]) -> Loaded:
    """Bundled data (any problem fatal) plus each deck that validates (others skipped).

    Behind the assembled-data cache: a warm run with unchanged files reads one cache
    record (knowledge base, term name index, warnings and deck reports) and parses
    nothing. A broken bundled file raises, and nothing is cached for it.
    """
    bundled = _bundled_files()
    specs = knowledge_sources(deck_paths, bundled)

    def build() -> tuple[KnowledgeBase, tuple[tuple[str, ...], tuple[DeckReport, ...]]]:
        loaded = _load_knowledge(bundled, deck_paths)
        loaded.kb.name_keys("terms")  # computed now so the cache stores it
        return loaded.kb, (loaded.warnings, loaded.sources)

    kb, (warnings, sources) = load_assembled(
        specs, build, WithExtra(KNOWLEDGE, ReportsCodec(DeckReport))
    )
    return Loaded(kb, warnings, sources)


def _load_knowledge(bundled_files: Sequence[Path], deck_paths: Sequence[Path]) -> Loaded:
    """:func:`load_knowledge` without the cache.

    A deck is skipped if it has a problem of its own (YAML, fields, a slug or name used
    twice within it) or links to a slug that is nowhere (links may cross decks).
    A deck entry replaces the bundled or earlier-deck entry with the same slug.
    """
    bundled = _checked(bundled_files)
    progress = Progress(len(deck_paths))
    decks = []
    for number, path in enumerate(deck_paths, 1):
        decks.append(parse_file(path, display_path(path)))
        progress.show(number)
    progress.done()
    rejected: dict[str, list[str]] = {}
    for parsed in decks:
        own = list(parsed.problems)
        own += [m for _e, m in _slug_problems(parsed.entries) + _name_problems(parsed.entries)]
        if own:
            rejected[parsed.path] = own
    while True:
        usable = [d for d in decks if d.path not in rejected]
        merged = _merge([*bundled, *(e for d in usable for e in d.entries)])
        dangling = _link_problems((e for e in merged.values() if e.deck is not None), merged)
        if not dangling:
            break
        for entry, message in dangling:
            rejected.setdefault(entry.path, []).append(message)
    reports = [DeckReport(BUNDLED, display_path(bundled_data_dir()), _counts(bundled))]
    seen: set[str] = {e.slug for e in bundled}
    for parsed in decks:
        problems = rejected.get(parsed.path, [])
        if problems:
            reports.append(
                DeckReport(deck_name(parsed.path), parsed.path, _counts(()), 0, tuple(problems))
            )
            continue
        overrides = sum(1 for e in parsed.entries if e.slug in seen)
        seen.update(e.slug for e in parsed.entries)
        reports.append(
            DeckReport(deck_name(parsed.path), parsed.path, _counts(parsed.entries), overrides)
        )
    warnings = tuple(skip_warning(r.problems, r.path) for r in reports if r.skipped)
    return Loaded(assemble(merged.values()), warnings, tuple(reports))


@dataclass(frozen=True)
class Validation:
    """`genai validate`: every problem (each makes the exit code 2) and likely duplicates."""

    files: tuple[str, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...]


def validate(paths: Sequence[Path], context: Sequence[Path] = ()) -> Validation:
    """Check ``paths`` as decks on top of the bundled data and the ``context`` decks.

    Links may point to the bundled data, to a context deck or to any checked file.
    """
    targets = {_identity(p) for p in paths}
    base = load_knowledge([c for c in context if _identity(c) not in targets]).kb
    parsed = [parse_file(p, display_path(p), fresh=True) for p in paths]
    fresh = [e for d in parsed for e in d.entries]
    known = {e.slug for e in base.entries()} | {e.slug for e in fresh}
    problems: list[str] = []
    for d in parsed:
        problems += d.problems
        found = _slug_problems(d.entries) + _name_problems(d.entries)
        found += _link_problems(d.entries, known)
        problems += [m for _e, m in found]
    warnings = likely_duplicates(fresh, list(base.entries()))
    return Validation(tuple(d.path for d in parsed), tuple(problems), tuple(warnings))


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def likely_duplicates(fresh: Sequence[Entry], base: Sequence[Entry]) -> list[str]:
    """Entries of ``fresh`` that look like another entry of the same kind in another file.

    Same name, an alias equal to another entry's name (or the other way round), or a slug
    that another deck also defines (the deck loaded last wins). Within one file these are
    errors, reported by the validation itself, so they are not repeated here.
    """
    seen = _Seen()
    for entry in base:
        seen.add(entry)
    warnings: list[str] = []
    for entry in fresh:
        warnings += seen.twins(entry)
        seen.add(entry)
    return warnings


class _Seen:
    """Names, aliases and deck slugs of the entries met so far, by kind."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, str], Entry] = {}
        self.aliases: dict[tuple[str, str], Entry] = {}
        self.slugs: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        self.names.setdefault((entry.kind, normalize(entry.label)), entry)
        for alias in entry.aliases:
            self.aliases.setdefault((entry.kind, normalize(alias)), entry)
        if entry.deck is not None:
            self.slugs.setdefault(entry.slug, entry)

    @staticmethod
    def _other(table: Mapping[tuple[str, str], Entry], entry: Entry, name: str) -> Entry | None:
        found = table.get((entry.kind, normalize(name)))
        if found is None or found.slug == entry.slug or found.path == entry.path:
            return None
        return found

    def twins(self, entry: Entry) -> list[str]:
        def ref(other: Entry) -> str:
            return f"{other.kind} {other.slug!r} ({other.location})"

        head = f"{entry.location}: warning: {entry.kind} {entry.slug!r}"
        out: list[str] = []
        twin = self.slugs.get(entry.slug)
        if twin is not None and twin.path != entry.path:
            out.append(f"{head}: slug also in deck {twin.location}; the deck loaded last wins")
        told: list[Entry] = []  # one warning per pair of entries is enough

        def tell(other: Entry | None, message: str) -> None:
            if other is not None and other not in told:
                told.append(other)
                out.append(f"{head}: {message} {ref(other)}")

        tell(self._other(self.names, entry, entry.label), "same name as")
        tell(
            self._other(self.aliases, entry, entry.label),
            f"name {entry.label!r} is an alias of",
        )
        for alias in entry.aliases:
            tell(self._other(self.names, entry, alias), f"alias {alias!r} is the name of")
        return out
