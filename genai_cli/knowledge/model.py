"""The knowledge base as pure, frozen types: no I/O, no parsing, no rendering."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, ClassVar, Literal, TypeVar

from genai_cli.knowledge.clozetext import filled
from genai_cli.knowledge.names import normalize


class _Value:
    """Equality, hashing and repr from the dataclass fields, written once for every type.

    ``dataclass`` compiles each generated method with ``exec``: with ``__eq__``,
    ``__hash__`` and ``__repr__`` generated for each of the twelve types below, importing
    this module took ~13 ms, a tenth of a lookup. These inherited versions behave the
    same (fields compared in order, only between objects of the same type).
    """

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{type(self).__name__}({', '.join(shown)})"


Origin = Literal["seed", "extended"]
ORIGINS: tuple[str, ...] = ("seed", "extended")


@dataclass(frozen=True, eq=False, repr=False)
class Source(_Value):
    """The paper an idea clearly comes from."""

    title: str
    author: str
    year: int


@dataclass(frozen=True, eq=False, repr=False)
class Factor(_Value):
    """One variable of a stated complexity, e.g. ``n^2`` with what n stands for."""

    symbol: str
    exponent: int
    meaning: str


@dataclass(frozen=True, eq=False, repr=False)
class Complexity(_Value):
    """A stated time complexity such as ``O(n * m)``, parsed into its factors."""

    stated: str
    factors: tuple[Factor, ...]

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(f.symbol for f in self.factors)

    def factor(self, symbol: str) -> Factor:
        for f in self.factors:
            if f.symbol == symbol:
                return f
        raise KeyError(symbol)

    def scaling(self, symbol: str, multiplier: float) -> float:
        """How many times the cost grows when ``symbol`` is multiplied by ``multiplier``."""
        return float(multiplier) ** self.factor(symbol).exponent


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Entry(_Value):
    """Fields every kind of entry shares."""

    kind: ClassVar[str] = "entry"
    slug: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    # Entries that say more accurately what this one says loosely: the bridge from a
    # verbatim seed statement to the extended entry a researcher would sign.
    more_precisely: tuple[str, ...] = ()
    origin: Origin | None = None
    source: Source | None = None
    path: str = ""
    line: int = 0
    deck: str | None = None

    @property
    def label(self) -> str:
        """The entry's human name."""
        return self.slug

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Term(Entry):
    kind: ClassVar[str] = "term"
    name: str
    definition: str
    prerequisites: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Algorithm(Entry):
    kind: ClassVar[str] = "algorithm"
    name: str
    description: str
    complexity: Complexity
    use_case: str

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Concept(Entry):
    kind: ClassVar[str] = "concept"
    name: str
    body: str
    prerequisites: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Application(Entry):
    kind: ClassVar[str] = "application"
    name: str
    description: str

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Myth(Entry):
    kind: ClassVar[str] = "myth"
    myth: str
    fact: str

    @property
    def label(self) -> str:
        return self.myth


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Quote(Entry):
    kind: ClassVar[str] = "quote"
    text: str
    context: str | None = None

    @property
    def label(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Poem(Entry):
    kind: ClassVar[str] = "poem"
    title: str
    lines: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.title


@dataclass(frozen=True, eq=False, repr=False)
class Point(_Value):
    """One row of a contrast: what is compared, and one value per entry contrasted."""

    aspect: str
    values: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Contrast(Entry):
    """How two to four terms or algorithms differ, point by point (`genai compare`)."""

    kind: ClassVar[str] = "contrast"
    name: str
    between: tuple[str, ...]
    points: tuple[Point, ...]

    @property
    def label(self) -> str:
        return self.name


LEVELS: tuple[str, ...] = ("basic", "intermediate", "advanced")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Question(Entry):
    """An open interview question with a model answer and the key points it covers."""

    kind: ClassVar[str] = "question"
    question: str
    answer: str
    points: tuple[str, ...] = ()  # 2-5 when given; imported cards may have none
    level: str | None = None

    @property
    def label(self) -> str:
        return self.question


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Cloze(Entry):
    """A sentence with deletions marked ``{{answer}}`` or ``{{answer::hint}}``."""

    kind: ClassVar[str] = "cloze"
    text: str

    @property
    def label(self) -> str:
        return filled(self.text)


def names_of(entry: Entry) -> tuple[str, ...]:
    """Every name an entry answers to: slug, label and aliases."""
    names = [entry.slug, entry.label, *entry.aliases]
    return tuple(dict.fromkeys(n for n in names if n))


_E = TypeVar("_E", bound=Entry)


def name_keys(entries: Iterable[_E]) -> dict[str, _E]:
    """Normalised name → entry; on a clash the earlier entry keeps the name."""
    keys: dict[str, _E] = {}
    for entry in entries:
        for name in names_of(entry):
            key = normalize(name)
            if key:  # a name of punctuation only names nothing
                keys.setdefault(key, entry)
    return keys


# The top-level keys of a data file, in display order, and the type each holds.
KINDS: Mapping[str, type[Entry]] = MappingProxyType(
    {
        "terms": Term,
        "algorithms": Algorithm,
        "concepts": Concept,
        "applications": Application,
        "myths": Myth,
        "quotes": Quote,
        "poems": Poem,
        "contrasts": Contrast,
        "questions": Question,
        "cloze": Cloze,
    }
)


@dataclass(frozen=True)
class KnowledgeBase:
    """Every entry, by kind, in file order, with slugs unique across kinds."""

    terms: tuple[Term, ...] = ()
    algorithms: tuple[Algorithm, ...] = ()
    concepts: tuple[Concept, ...] = ()
    applications: tuple[Application, ...] = ()
    myths: tuple[Myth, ...] = ()
    quotes: tuple[Quote, ...] = ()
    poems: tuple[Poem, ...] = ()
    contrasts: tuple[Contrast, ...] = ()
    questions: tuple[Question, ...] = ()
    cloze: tuple[Cloze, ...] = ()
    _by_slug: Mapping[str, Entry] = field(init=False, repr=False, compare=False)
    # Derived lookup tables (see name_keys), kept with the object so the parsed-data cache
    # stores them too and a warm run does not recompute them.
    _memo: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", MappingProxyType({e.slug: e for e in self.entries()}))
        object.__setattr__(self, "_memo", {})

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_by_slug"] = dict(self._by_slug)  # a mappingproxy cannot be pickled
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state["_by_slug"] = MappingProxyType(state["_by_slug"])
        self.__dict__.update(state)

    def name_keys(self, plural: str) -> Mapping[str, Entry]:
        """Normalised name → entry for one kind, computed once per knowledge base."""
        key = f"names:{plural}"
        keys: Mapping[str, Entry] | None = self._memo.get(key)
        if keys is None:
            keys = self._memo[key] = name_keys(self.of_kind(plural))
        return keys

    def of_kind(self, plural: str) -> tuple[Entry, ...]:
        entries: tuple[Entry, ...] = getattr(self, plural)
        return entries

    def entries(self) -> Iterator[Entry]:
        for plural in KINDS:
            yield from self.of_kind(plural)

    def get(self, slug: str) -> Entry | None:
        return self._by_slug.get(slug)

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def linking_to(self, slug: str, kind: str | None = None) -> tuple[Entry, ...]:
        """Entries (of ``kind``, e.g. "algorithm", if given) whose see_also names ``slug``."""
        if kind is None:
            return tuple(e for e in self.entries() if slug in e.see_also)
        plural = next(p for p, cls in KINDS.items() if cls.kind == kind)
        return tuple(e for e in self.of_kind(plural) if slug in e.see_also)

    def contrast_for(self, slugs: Iterable[str]) -> Contrast | None:
        """The contrast whose ``between`` names exactly these entries, in any order."""
        wanted = frozenset(slugs)
        return next((c for c in self.contrasts if frozenset(c.between) == wanted), None)

    def quotes_for(self, slug: str) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if q.context == slug)
