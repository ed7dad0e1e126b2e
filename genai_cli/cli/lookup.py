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

if TYPE_CHECKING:
    pass


@app.command("term")
@guarded
def term_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="Slug, name, alias or acronym, e.g. latent-space.",
            autocompletion=complete_term,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Look up a term by name, slug, alias or acronym."""
    runner.term(name, as_json=as_json, deck_options=deck_options())


@app.command("terms")
@guarded
def terms_command(
    tag: Annotated[str | None, typer.Option("--tag", help="Only terms with this tag.")] = None,
    origin: Annotated[
        str | None,
        typer.Option("--origin", help="Only terms from the article (seed) or added (extended)."),
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
        int, typer.Option("--limit", "-n", min=1, help="At most this many results.")
    ] = 10,
    as_json: JsonOption = False,
) -> None:
    """Search terms, algorithms, concepts, applications and myths."""
    from genai_cli.reference.lookup import command_for, query_words

    text = " ".join(query)
    hits = runner.search(text, limit, deck_options())
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
        return
    from genai_cli.views.entries import search_results

    show(search_results(text, hits, query_words(text)))


# --- compare, algorithms and the rest of the article ---------------------------


def _complete(plural: str, incomplete: str, given: Any = ()) -> list[str]:
    """Slugs of ``plural`` entries starting with ``incomplete``, except those ``given``.

    Runs inside the user's shell on every Tab: it must never raise, and never print
    (a broken deck's warning would land in the middle of the command line).
    """
    try:
        entries = load_all(warn=False)[0].kb.of_kind(plural)
        if given:
            from genai_cli.reference.lookup import Index

            index = Index(entries, plural)
            named = {index.find(str(name)) for name in given}
            entries = tuple(e for e in entries if e not in named)
        return [e.slug for e in entries if e.slug.startswith(incomplete)]
    except Exception:
        return []


def complete_term(incomplete: str) -> list[str]:
    return _complete("terms", incomplete)


def complete_algorithm(incomplete: str) -> list[str]:
    return _complete("algorithms", incomplete)


def complete_other_algorithm(ctx: typer.Context, incomplete: str) -> list[str]:
    """Algorithms not yet named on the command line."""
    return _complete("algorithms", incomplete, ctx.params.get("names") or ())


def complete_poem(incomplete: str) -> list[str]:
    return _complete("poems", incomplete)


@app.command("compare")
@guarded
def compare_command(
    names: Annotated[
        list[str] | None,
        optional_name(
            "ALGORITHM...",
            "Two or more algorithms: slug, name, alias or acronym (gan, vae, diffusion).",
            complete_other_algorithm,
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Compare every algorithm.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare algorithms side by side, and what their stated complexities mean."""
    from genai_cli.reference.compare import select_algorithms

    kb = knowledge()
    algorithms = select_algorithms(kb, names or [], everything=every)
    if as_json:
        from genai_cli.reference.compare import compare_to_json

        print_json(compare_to_json(algorithms))
        return
    from genai_cli.views.compare import compare_view

    show(compare_view(algorithms, kb))


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
    from genai_cli.reference.lookup import Index

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
        optional_name("[N|SLUG]", "Show one: its number in the list (1, 2 …) or its slug."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Common myths about generative AI, each with the fact that answers it."""
    from genai_cli.reference.article import find_myth

    kb = knowledge()
    if which is None:
        _article_output(kb, as_json, "myths_view", entries=kb.myths)
        return
    myth = find_myth(kb, which)
    _article_output(kb, as_json, "myth_panel", myth, kb.myths.index(myth) + 1, entry=myth)


@app.command("concepts")
@guarded
def concepts_command(
    name: Annotated[
        str | None,
        optional_name("[NAME]", "Show one section: slug or name (gan, vae, transformer)."),
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
    concept = loose_find(kb.concepts, name, "concept")
    _article_output(kb, as_json, "concept_panel", concept, entry=concept)


@app.command("apps")
@guarded
def apps_command(
    name: Annotated[
        str | None, optional_name("[NAME]", "Show one application: slug or name (healthcare).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Applications of generative AI by industry."""
    from genai_cli.reference.article import loose_find

    kb = knowledge()
    if name is None:
        _article_output(kb, as_json, "apps_view", kb.applications, entries=kb.applications)
        return
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
    poem = loose_find(kb.poems, wanted, "poem") if wanted.strip() else pick(kb.poems, rng(seed))
    _article_output(kb, as_json, "poem_view", poem, entry=poem)
