"""Name normalisation shared by validation and lookup, so both agree on what collides."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalize(name: str) -> str:
    """Fold case, punctuation, spacing, hyphens, underscores and simple plurals.

    ``"Latent Space"``, ``latent_space`` and ``latent-spaces`` all give ``latent-space``;
    ``GANs`` gives ``gan``.
    """
    folded = unicodedata.normalize("NFKC", name).casefold().replace("'", "").replace("\u2019", "")
    return "-".join(_singular(w) for w in _NON_WORD.split(folded) if w)


def is_slug(text: str) -> bool:
    return _SLUG.fullmatch(text) is not None
