"""YAML files → validated model objects; every problem as ``file:line: what is wrong``."""

from __future__ import annotations

import stat
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from genai_cli.errors import DataError
from genai_cli.knowledge.cache import NotStored, SourceSpec, load_assembled, parse_cached
from genai_cli.knowledge.checks import (
    by_place,
    contrast_problems,
    cross_check,
    link_problems,
    links,
    name_problems,
    slug_problems,
)
from genai_cli.knowledge.codec import KNOWLEDGE, ParsedCodec, ReportsCodec, WithExtra
from genai_cli.knowledge.model import (
    KINDS,
    Concept,
    Entry,
    KnowledgeBase,
    Quote,
    Term,
)
from genai_cli.knowledge.names import normalize
from genai_cli.knowledge.progress import Progress
from genai_cli.knowledge.schema import Parsed, parse_text
from genai_cli.knowledge.yamlsafe import MAX_BYTES, quoted, too_large
from genai_cli.paths import bundled_data_dir, display_path

DATA_SUFFIXES = (".yaml", ".yml")


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
    problems: tuple[str, ...] = ()  # why the whole deck was skipped
    left_out: int = 0  # broken entries skipped from a deck that loaded

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


def entry_skip_warning(problems: Sequence[str], path: str) -> str:
    """One line for an entry left out of a deck: its first problem, and how to see the rest."""
    line = f"{problems[0]}; entry skipped"
    if len(problems) > 1:
        line += f" ({len(problems) - 1} more: genai validate {path})"
    return line


def _without_links(entry: Entry, dropped: Container[str]) -> Entry:
    """``entry`` with its see_also, more_precisely, prerequisites and quote context minus
    ``dropped``."""
    changes: dict[str, object] = {
        "see_also": tuple(s for s in entry.see_also if s not in dropped),
        "more_precisely": tuple(s for s in entry.more_precisely if s not in dropped),
    }
    if isinstance(entry, (Term, Concept)):
        changes["prerequisites"] = tuple(s for s in entry.prerequisites if s not in dropped)
    if isinstance(entry, Quote) and entry.context in dropped:
        changes["context"] = None
    return replace(entry, **changes)  # type: ignore[arg-type]


def _load_knowledge(bundled_files: Sequence[Path], deck_paths: Sequence[Path]) -> Loaded:
    """:func:`load_knowledge` without the cache.

    A deck that is not valid YAML (or not a mapping of kinds) is skipped whole. Otherwise
    only its broken entries are left out, one warning each: a field problem, or a slug or
    name used twice within the deck (the later entry goes), or a contrast naming an entry
    that is nowhere. A link to an entry that is nowhere (links may cross decks) is dropped
    with a warning. A deck entry replaces the bundled or earlier-deck entry with the same slug.
    """
    bundled = _checked(bundled_files)
    progress = Progress(len(deck_paths))
    decks = []
    for number, path in enumerate(deck_paths, 1):
        decks.append(parse_file(path, display_path(path)))
        progress.show(number)
    progress.done()
    warnings: list[str] = []
    whole: dict[str, tuple[str, ...]] = {}
    kept: dict[str, list[Entry]] = {}
    for parsed in decks:
        if parsed.whole_file:
            whole[parsed.path] = parsed.problems
            warnings.append(skip_warning(parsed.problems, parsed.path))
            continue
        warnings += [entry_skip_warning(g, parsed.path) for g in parsed.broken]
        clashes = slug_problems(parsed.entries) + name_problems(parsed.entries)
        gone = {id(e) for e, _m in clashes}
        warnings += [entry_skip_warning([m], parsed.path) for _e, m in clashes]
        kept[parsed.path] = [e for e in parsed.entries if id(e) not in gone]
    while True:
        merged = _merge([*bundled, *(e for entries in kept.values() for e in entries)])
        fresh = [e for e in merged.values() if e.deck is not None]
        broken = contrast_problems(fresh, merged)
        if not broken:
            break
        for entry, message in broken:  # drop the contrast, then look again
            warnings.append(entry_skip_warning([message], entry.path))
            kept[entry.path] = [e for e in kept[entry.path] if e is not entry]
    final: dict[str, Entry] = {}
    for slug, entry in merged.items():
        dangling = link_problems([entry], merged) if entry.deck is not None else []
        warnings += [f"{message}; link dropped" for _e, message in dangling]
        gone_links = {t for _f, t in links(entry) if t not in merged or t == slug}
        final[slug] = _without_links(entry, gone_links) if dangling else entry
    reports = [DeckReport(BUNDLED, display_path(bundled_data_dir()), _counts(bundled))]
    seen: set[str] = {e.slug for e in bundled}
    for parsed in decks:
        if parsed.path in whole:
            report = DeckReport(
                deck_name(parsed.path), parsed.path, _counts(()), 0, whole[parsed.path]
            )
            reports.append(report)
            continue
        entries = kept[parsed.path]
        overrides = sum(1 for e in entries if e.slug in seen)
        seen.update(e.slug for e in entries)
        left_out = len(parsed.entries) - len(entries) + len(parsed.broken)
        reports.append(
            DeckReport(
                deck_name(parsed.path),
                parsed.path,
                _counts(entries),
                overrides,
                left_out=left_out,
            )
        )
    warnings.sort(key=by_place)
    return Loaded(assemble(final.values()), tuple(warnings), tuple(reports))


@dataclass(frozen=True)
class Validation:
    """`genai validate`: every problem (each makes the exit code 2) and likely duplicates."""

    files: tuple[str, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...]


def validate(paths: Sequence[Path], context: Sequence[Path] = ()) -> Validation:
    """Check ``paths`` as decks on top of the bundled data and the ``context`` decks.

    Links may point to the bundled data, to a context deck or to any checked file.
    Every problem of every entry is reported, sorted by file and line.
    """
    targets = {_identity(p) for p in paths}
    base = load_knowledge([c for c in context if _identity(c) not in targets]).kb
    parsed = [parse_file(p, display_path(p), fresh=True) for p in paths]
    fresh = [e for d in parsed for e in d.entries]
    known = {e.slug: e for e in base.entries()} | {e.slug: e for e in fresh}
    problems: list[str] = []
    for d in parsed:
        problems += d.problems
        found = slug_problems(d.entries) + name_problems(d.entries)
        found += link_problems(d.entries, known) + contrast_problems(d.entries, known)
        problems += [m for _e, m in found]
    warnings = likely_duplicates(fresh, list(base.entries()))
    return Validation(
        tuple(d.path for d in parsed),
        tuple(sorted(problems, key=by_place)),
        tuple(sorted(warnings, key=by_place)),
    )


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
        self.bundled: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        self.names.setdefault((entry.kind, normalize(entry.label)), entry)
        for alias in entry.aliases:
            self.aliases.setdefault((entry.kind, normalize(alias)), entry)
        if entry.deck is not None:
            self.slugs.setdefault(entry.slug, entry)
        else:
            self.bundled.setdefault(entry.slug, entry)

    @staticmethod
    def _other(table: Mapping[tuple[str, str], Entry], entry: Entry, name: str) -> Entry | None:
        found = table.get((entry.kind, normalize(name)))
        if found is None or found.slug == entry.slug or found.path == entry.path:
            return None
        return found

    def twins(self, entry: Entry) -> list[str]:
        def ref(other: Entry) -> str:
            if other.deck is None:  # bundled: its slug says it all, not an install path
                return f"bundled {other.kind} {quoted(other.slug)}"
            return f"{other.kind} {quoted(other.slug)} ({other.location})"

        head = f"{entry.location}: warning: {entry.kind} {quoted(entry.slug)}"
        out: list[str] = []
        twin = self.slugs.get(entry.slug)
        if twin is not None and twin.path != entry.path:
            out.append(
                f"{head}: slug also in deck {twin.location}; the deck loaded last wins"
                + _kind_change(twin, entry)
            )
        bundled = self.bundled.get(entry.slug)
        if twin is None and bundled is not None:
            out.append(
                f"{head}: replaces the bundled {bundled.kind} of that slug"
                + _kind_change(bundled, entry)
            )
        told: list[Entry] = []  # one warning per pair of entries is enough

        def tell(other: Entry | None, message: str) -> None:
            if other is not None and other not in told:
                told.append(other)
                out.append(f"{head}: {message} {ref(other)}")

        tell(self._other(self.names, entry, entry.label), "same name as")
        tell(
            self._other(self.aliases, entry, entry.label),
            f"name {quoted(entry.label)} is an alias of",
        )
        for alias in entry.aliases:
            tell(self._other(self.names, entry, alias), f"alias {quoted(alias)} is the name of")
        return out


def _kind_change(earlier: Entry, entry: Entry) -> str:
    """The clause saying an override changes the kind (a term becoming a myth)."""
    if earlier.kind == entry.kind:
        return ""
    return f", turning a {earlier.kind} into a {entry.kind}"
