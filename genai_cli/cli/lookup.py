"""Look-up commands: term, terms, search, compare, algorithms and the article's prose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from genai_cli import runner
from genai_cli.cli.app import (
    JsonOption,
    SeedOption,
    app,
    deck_options,
    guarded,
    knowledge,
    load_all,
    optional_name,
    print_json,
    rng,
    show,
)
from genai_cli.errors import ExitCode

if TYPE_CHECKING:
    pass


@app.command("term")
@guarded
def term_command(
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...",
            help="A name, alias or acronym, quoted or not: latent-space, zero shot learning.",
            autocompletion=complete_term,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Look up a term by name, slug, alias or acronym."""
    runner.term(" ".join(name), as_json=as_json, deck_options=deck_options())


@app.command("terms")
@guarded
def terms_command(
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag", metavar="TAG", help="Only terms with this tag.", autocompletion=complete_tag
        ),
    ] = None,
    origin: Annotated[
        str | None,
        typer.Option(
            "--origin",
            metavar="seed|extended",
            help="Only terms from the article (seed) or written for genai (extended).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List every term, optionally by tag or origin."""
    from genai_cli.reference.query import filter_terms

    kb = knowledge()
    terms = filter_terms(kb, tag=tag, origin=origin)
    if as_json:
        from genai_cli.knowledge.serialize import entry_to_json

        print_json([entry_to_json(t) for t in terms])
        return
    from genai_cli.views.entries import terms_table

    show(terms_table(terms))


@app.command("search")
@guarded
def search_command(
    query: Annotated[
        list[str],
        typer.Argument(metavar="WORDS...", help="Words to look for (the first 32 distinct ones)."),
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, metavar="N", help="At most this many results.")
    ] = 10,
    as_json: JsonOption = False,
) -> None:
    """Search terms, algorithms, concepts, applications and myths; exit 1 if nothing matches."""
    from genai_cli.reference.lookup import command_for, query_words

    text = " ".join(query)
    found = runner.search(text, limit, deck_options())
    hits = found.hits
    if as_json:
        print_json(
            [
                {
                    "kind": h.entry.kind,
                    "slug": h.entry.slug,
                    "name": h.entry.label,
                    "score": round(h.score, 3),
                    "field": h.field,
                    "command": command_for(h.entry),
                }
                for h in hits
            ]
        )
        if not hits:
            raise typer.Exit(ExitCode.NOT_FOUND)
        return
    if not hits:
        from genai_cli.errors import NotFoundError

        raise NotFoundError(f"nothing matches {text!r}", hint="genai terms lists every term")
    from genai_cli.views.entries import search_results

    shown = found.corrected or text
    show(search_results(text, hits, query_words(shown), corrected=found.corrected))


# --- compare, algorithms and the rest of the article ---------------------------


def completions(entries: Any, incomplete: str) -> list[str]:
    """What a learner may type for ``entries``: slugs, aliases and one-word names.

    Matched case-insensitively (``ra`` offers ``RAG``), each form once, sorted; a name
    of several words is offered as its slug, since a shell word has no spaces. With
    nothing typed, just the slugs, one per entry.
    """
    from genai_cli.knowledge.model import names_of
    from genai_cli.knowledge.names import normalize

    if not incomplete:  # nothing typed yet: one candidate per entry
        return [e.slug for e in entries]
    wanted = incomplete.casefold()
    folded = normalize(incomplete)
    found: dict[str, str] = {}
    for entry in entries:
        for form in names_of(entry):
            if " " in form:
                if folded and normalize(form).startswith(folded):
                    found.setdefault(entry.slug.casefold(), entry.slug)
            elif form.casefold().startswith(wanted):
                found.setdefault(form.casefold(), form)
    return sorted(found.values(), key=str.casefold)


def _complete(plurals: tuple[str, ...], incomplete: str, given: Any = ()) -> list[str]:
    """Names of ``plurals`` entries starting with ``incomplete``, except those ``given``.

    Runs inside the user's shell on every Tab: it must never raise, and never print
    (a broken deck's warning would land in the middle of the command line).
    """
    try:
        kb = load_all(warn=False)[0].kb
        entries = tuple(e for plural in plurals for e in kb.of_kind(plural))
        if given:
            from genai_cli.reference.lookup import Index

            named = set()
            for plural in plurals:
                index = Index(kb.of_kind(plural), plural)
                named |= {index.find(str(name)) for name in given}
            entries = tuple(e for e in entries if e not in named)
        return completions(entries, incomplete)
    except Exception:
        return []


def complete_myth(incomplete: str) -> list[str]:
    """Myth numbers and slugs."""
    try:
        myths = load_all(warn=False)[0].kb.myths
        numbers = [str(i) for i in range(1, len(myths) + 1) if str(i).startswith(incomplete)]
        return numbers + completions(myths, incomplete)
    except Exception:
        return []


def complete_concept(incomplete: str) -> list[str]:
    return _complete(("concepts",), incomplete)


def complete_application(incomplete: str) -> list[str]:
    return _complete(("applications",), incomplete)


def complete_tag(incomplete: str) -> list[str]:
    """Tags of terms, for --tag."""
    try:
        kb = load_all(warn=False)[0].kb
        tags = sorted({t for term in kb.terms for t in term.tags})
        return [t for t in tags if t.startswith(incomplete.casefold())]
    except Exception:
        return []


def complete_term(incomplete: str) -> list[str]:
    return _complete(("terms",), incomplete)


def complete_algorithm(incomplete: str) -> list[str]:
    return _complete(("algorithms",), incomplete)


def complete_other_algorithm(ctx: typer.Context, incomplete: str) -> list[str]:
    """Terms and algorithms not yet named on the command line (compare takes both)."""
    return _complete(("terms", "algorithms"), incomplete, ctx.params.get("names") or ())


def complete_poem(incomplete: str) -> list[str]:
    return _complete(("poems",), incomplete)


@app.command("compare")
@guarded
def compare_command(
    names: Annotated[
        list[str] | None,
        optional_name(
            "NAME...",
            "Two to four terms or algorithms: name, alias or acronym (gan vae, gpt bert).",
            complete_other_algorithm,
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Compare every algorithm.")] = False,
    as_json: JsonOption = False,
) -> None:
    """How terms or algorithms differ, point by point, and how their costs grow."""
    from genai_cli.reference.compare import select_comparison

    kb = knowledge()
    comparison = select_comparison(kb, names or [], everything=every)
    if as_json:
        from genai_cli.reference.compare import compare_to_json

        print_json(compare_to_json(comparison))
        return
    from genai_cli.views.compare import compare_view

    show(compare_view(comparison, kb))


@app.command("algorithms")
@guarded
def algorithms_command(
    name: Annotated[
        str | None,
        optional_name(
            "[ALGORITHM]", "Show this one in full (slug, name or acronym).", complete_algorithm
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List every algorithm with its stated complexity, or show one in full."""
    from genai_cli.reference.compare import algorithm_to_json

    kb = knowledge()
    if name is None:
        if as_json:
            print_json([algorithm_to_json(a) for a in kb.algorithms])
            return
        from genai_cli.views.compare import algorithms_table

        show(algorithms_table(kb.algorithms))
        return
    from genai_cli.reference.lookup import Index, next_step_on_miss

    with next_step_on_miss(kb, name, "algorithm"):
        algorithm = Index(kb.algorithms, "algorithm").resolve(name)
    if as_json:
        print_json(algorithm_to_json(algorithm))
        return
    from genai_cli.views.compare import algorithm_panel

    show(algorithm_panel(algorithm, kb))


def _article_output(
    kb: Any,
    as_json: bool,
    view: str,
    *args: Any,
    entry: Any = None,
    entries: Any = (),
) -> None:
    """``entry`` (or all ``entries``) as JSON, or rendered by render_article.``view``."""
    if as_json:
        from genai_cli.reference.article import to_json

        print_json(to_json(entry, kb) if entry is not None else [to_json(e, kb) for e in entries])
        return
    from genai_cli.views import article as render_article

    show(getattr(render_article, view)(*args, kb))


@app.command("myths")
@guarded
def myths_command(
    which: Annotated[
        str | None,
        optional_name(
            "[N|SLUG]", "Show one: its number in the list (1, 2 …) or its slug.", complete_myth
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Common myths about generative AI, each with the fact that answers it."""
    from genai_cli.reference.article import find_myth

    kb = knowledge()
    if which is None:
        _article_output(kb, as_json, "myths_view", entries=kb.myths)
        return
    from genai_cli.reference.lookup import next_step_on_miss

    with next_step_on_miss(kb, which, "myth"):
        myth = find_myth(kb, which)
    _article_output(kb, as_json, "myth_panel", myth, kb.myths.index(myth) + 1, entry=myth)


@app.command("concepts")
@guarded
def concepts_command(
    name: Annotated[
        str | None,
        optional_name(
            "[NAME]", "Show one section: slug or name (gan, vae, transformer).", complete_concept
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The core models (GANs, VAEs, Transformers) with their quotes, or one section in full."""
    from genai_cli.reference.article import core_models, loose_find, other_sections

    kb = knowledge()
    if name is None:
        core = core_models(kb)
        _article_output(kb, as_json, "concepts_view", core, other_sections(kb), entries=kb.concepts)
        return
    from genai_cli.reference.lookup import next_step_on_miss

    with next_step_on_miss(kb, name, "concept"):
        concept = loose_find(kb.concepts, name, "concept")
    _article_output(kb, as_json, "concept_panel", concept, entry=concept)


@app.command("apps")
@guarded
def apps_command(
    name: Annotated[
        str | None,
        optional_name(
            "[NAME]", "Show one application: slug or name (healthcare).", complete_application
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Applications of generative AI by industry."""
    from genai_cli.reference.article import loose_find

    kb = knowledge()
    if name is None:
        _article_output(kb, as_json, "apps_view", kb.applications, entries=kb.applications)
        return
    from genai_cli.reference.lookup import next_step_on_miss

    with next_step_on_miss(kb, name, "application"):
        application = loose_find(kb.applications, name, "application")
    _article_output(kb, as_json, "app_panel", application, entry=application)


EveryOption = Annotated[bool, typer.Option("--all", help="Show every one.")]


@app.command("quote")
@guarded
def quote_command(
    name: Annotated[
        str | None, optional_name("[NAME]", "A particular quote: its slug or words from it.")
    ] = None,
    seed: SeedOption = None,
    every: EveryOption = False,
    as_json: JsonOption = False,
) -> None:
    """A quote at random (or a chosen one, or --all)."""
    from genai_cli.reference.article import loose_find, pick

    kb = knowledge()
    if every:
        _article_output(kb, as_json, "quotes_view", kb.quotes, entries=kb.quotes)
        return
    from genai_cli.reference.lookup import next_step_on_miss

    with next_step_on_miss(kb, name or "", "quote"):
        quote = loose_find(kb.quotes, name, "quote") if name else pick(kb.quotes, rng(seed))
    _article_output(kb, as_json, "quote_view", quote, entry=quote)


@app.command("poem")
@guarded
def poem_command(
    title: Annotated[
        list[str] | None,
        optional_name(
            "[TITLE...]",
            'Part of the title, e.g. canvas or "digital canvas"; none for a random poem.',
            complete_poem,
        ),
    ] = None,
    seed: SeedOption = None,
    every: EveryOption = False,
    as_json: JsonOption = False,
) -> None:
    """A poem, laid out as one, with the quote that closes it."""
    from genai_cli.reference.article import loose_find, pick

    kb = knowledge()
    if every:
        _article_output(kb, as_json, "poems_view", kb.poems, entries=kb.poems)
        return
    wanted = " ".join(title or [])
    from genai_cli.reference.lookup import next_step_on_miss

    with next_step_on_miss(kb, wanted, "poem"):
        poem = loose_find(kb.poems, wanted, "poem") if wanted.strip() else pick(kb.poems, rng(seed))
    _article_output(kb, as_json, "poem_view", poem, entry=poem)
