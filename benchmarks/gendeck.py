"""Write a large, valid user deck of generated terms for the scale benchmarks.

    python benchmarks/gendeck.py --terms 10000 --output /tmp/big-deck

The deck follows docs/data-format.md: one ``terms:`` list; each term has a unique slug,
a name, a definition of realistic length (the bundled terms average ~250 characters),
1-3 tags from the bundled vocabulary, 0-2 aliases (unique, and never a name the bundled
data already uses) and 0-3 ``see_also`` links to other deck terms or to bundled terms.
The output is deterministic for a given ``--seed``. Slugs follow the pattern
``<words>-<number>``; :func:`probe_slugs` names a few that benchmarks look up.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ADJECTIVES = [
    "sparse",
    "dense",
    "latent",
    "contrastive",
    "causal",
    "masked",
    "residual",
    "adaptive",
    "hierarchical",
    "stochastic",
    "variational",
    "conditional",
    "recurrent",
    "convolutional",
    "autoregressive",
    "multimodal",
    "quantized",
    "distilled",
    "federated",
    "gated",
    "rotary",
    "linear",
    "cross",
    "spectral",
    "bayesian",
    "implicit",
    "explicit",
    "neural",
    "discrete",
    "continuous",
    "robust",
    "efficient",
]
NOUNS = [
    "attention",
    "encoder",
    "decoder",
    "transformer",
    "sampler",
    "tokenizer",
    "embedding",
    "adapter",
    "diffusion",
    "flow",
    "prior",
    "posterior",
    "critic",
    "generator",
    "discriminator",
    "objective",
    "kernel",
    "projection",
    "memory",
    "router",
    "mixture",
    "gradient",
    "schedule",
    "retriever",
    "reranker",
    "alignment",
    "reward",
    "policy",
    "codebook",
    "bottleneck",
    "normalizer",
]
TAGS = [
    "alignment",
    "architecture",
    "attention",
    "decoding",
    "diffusion",
    "efficiency",
    "evaluation",
    "fine-tuning",
    "gan",
    "generative-model",
    "multimodal",
    "nlp",
    "probability",
    "prompting",
    "representation",
    "retrieval",
    "safety",
    "sampling",
    "training",
    "vae",
    "vision",
]
BUNDLED_LINKS = ("latent-space", "self-attention", "transformer-model", "embedding")
SENTENCES = (
    "A {adj} technique in which the {noun} learns to {verb} the {obj} of the training data.",
    "It is commonly used to {verb} {obj} when the {noun} must scale to long inputs.",
    "Compared with earlier methods, it trades a little accuracy for a large gain in {obj}.",
    "Practitioners tune its {obj} carefully, since a poor choice makes the {noun} unstable.",
    "The idea first appeared in work on {adj} models and spread to vision and speech.",
    "In practice it is combined with a {adj} {noun} and evaluated on held-out {obj}.",
)
VERBS = [
    "compress",
    "reconstruct",
    "estimate",
    "align",
    "sample",
    "denoise",
    "rank",
    "predict",
    "regularize",
]
OBJECTS = [
    "distribution",
    "structure",
    "variance",
    "latent",
    "codes",
    "token",
    "order",
    "loss",
    "surface",
    "throughput",
]

_NON_WORD = re.compile(r"[^0-9a-z]+")


def _key(name: str) -> str:
    # The same folding genai uses for names (genai_cli.knowledge.names.normalize), kept simple:
    # every generated name is ASCII, so lower-casing and joining words is enough.
    words = _NON_WORD.split(name.lower())
    return "-".join(_singular(w) for w in words if w)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _definition(rng: random.Random) -> str:
    parts = []
    for template in rng.sample(SENTENCES, rng.randint(2, 4)):
        parts.append(
            template.format(
                adj=rng.choice(ADJECTIVES),
                noun=rng.choice(NOUNS),
                verb=rng.choice(VERBS),
                obj=rng.choice(OBJECTS),
            )
        )
    return " ".join(parts)


def generate(count: int, seed: int = 6) -> list[dict[str, object]]:
    """``count`` terms as plain data, in the order they are written."""
    rng = random.Random(seed)
    used: set[str] = set(_bundled_keys())
    terms: list[dict[str, object]] = []
    for number in range(1, count + 1):
        words = [rng.choice(ADJECTIVES), rng.choice(ADJECTIVES), rng.choice(NOUNS)]
        if words[0] == words[1]:
            words.pop(0)
        name = " ".join(w.capitalize() for w in words) + f" {number}"
        slug = "-".join(words) + f"-{number}"
        used.update((slug, _key(name)))
        term: dict[str, object] = {"slug": slug, "name": name}
        aliases = []
        acronym = "".join(w[0] for w in words).upper() + f"-{number}"
        for alias in (acronym, f"{words[-1]} variant {number}")[: rng.randint(0, 2)]:
            if _key(alias) not in used:
                used.add(_key(alias))
                aliases.append(alias)
        if aliases:
            term["aliases"] = aliases
        term["definition"] = _definition(rng)
        term["tags"] = rng.sample(TAGS, rng.randint(1, 3))
        links = []
        for _ in range(rng.randint(0, 3)):
            if terms and rng.random() < 0.85:
                links.append(str(rng.choice(terms)["slug"]))
            else:
                links.append(rng.choice(BUNDLED_LINKS))
        links = list(dict.fromkeys(links))
        if links:
            term["see_also"] = links
        terms.append(term)
    return terms


def _bundled_keys() -> set[str]:
    """Names the bundled data already uses, so generated names never collide with them."""
    try:
        from genai_cli.knowledge.loader import load_bundled
        from genai_cli.knowledge.model import names_of
    except ImportError:  # run outside the project's venv: the generated names are distinct
        return set()
    return {_key(n) for entry in load_bundled().entries() for n in names_of(entry)}


def _quote(text: str) -> str:
    # Double-quoted YAML scalars: JSON string syntax is valid YAML.
    import json

    return json.dumps(text, ensure_ascii=False)


def to_yaml(terms: list[dict[str, object]]) -> str:
    lines = ["# Generated by benchmarks/gendeck.py: a synthetic deck for scale tests.", "terms:"]
    for term in terms:
        lines.append(f"  - slug: {term['slug']}")
        for key in ("name", "definition"):
            lines.append(f"    {key}: {_quote(str(term[key]))}")
        for key in ("aliases", "tags", "see_also"):
            values = term.get(key)
            if values:
                assert isinstance(values, list)
                lines.append(f"    {key}: [{', '.join(_quote(str(v)) for v in values)}]")
    return "\n".join(lines) + "\n"


def probe_slugs(terms: list[dict[str, object]]) -> dict[str, str]:
    """Names the benchmarks look up: the last term by slug and a middle one by alias."""
    last = terms[-1]
    with_alias = next(
        (t for t in terms[len(terms) // 2 :] if t.get("aliases")), terms[len(terms) // 2]
    )
    aliases = with_alias.get("aliases") or [with_alias["slug"]]
    assert isinstance(aliases, list)
    return {
        "last": str(last["slug"]),
        "alias": str(aliases[0]),
        "alias_slug": str(with_alias["slug"]),
    }


# Files of 1,000 terms by default: genai reads a directory of files as one deck set (links
# may cross files) and caches file by file, so editing one re-reads only that one. One
# file may also hold a whole large deck (``per_file``): 50,000 terms is ~6 MB.
TERMS_PER_FILE = 1_000


def write_deck(
    path: Path, count: int, seed: int = 6, per_file: int = TERMS_PER_FILE
) -> dict[str, str]:
    """Write ``count`` terms into the deck directory ``path`` (part-001.yaml, …)."""
    terms = generate(count, seed)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("part-*.yaml"):
        old.unlink()
    for number, start in enumerate(range(0, len(terms), per_file), 1):
        chunk = terms[start : start + per_file]
        (path / f"part-{number:03d}.yaml").write_text(to_yaml(chunk), encoding="utf-8")
    return probe_slugs(terms)


def deck_size(path: Path) -> int:
    """Bytes in all the deck's files."""
    return sum(p.stat().st_size for p in path.glob("part-*.yaml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=10_000, help="how many terms (10000)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--output", type=Path, required=True, help="the deck directory to write (part-*.yaml)"
    )
    parser.add_argument(
        "--per-file", type=int, default=TERMS_PER_FILE, help="terms in each file (1000)"
    )
    args = parser.parse_args(argv)
    probes = write_deck(args.output, args.terms, args.seed, args.per_file)
    size = deck_size(args.output)
    sys.stdout.write(
        f"wrote {args.terms} terms ({size / 1e6:.1f} MB) to {args.output}; "
        f"e.g. genai term {probes['last']}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
