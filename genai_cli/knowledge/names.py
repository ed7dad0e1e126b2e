"""Name normalisation shared by validation and lookup, so both agree on what collides.

Folding is Unicode-aware: NFKC (fullwidth and compatibility forms become plain ones),
casefold, then words of letters, marks and digits of any script. A Greek, Cyrillic, CJK
or Devanagari name folds to itself rather than to nothing, so it can be looked up,
searched and typed as a quiz answer. Invisible format characters (zero-width space and
joiners, soft hyphen, bidi marks) join rather than split, so they cannot make two
spellings of one name differ.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD_ASCII = re.compile(r"[^0-9a-z]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold_words(text: str) -> list[str]:
    """The words of ``text``, NFKC-normalised and casefolded, in order.

    A word is a run of letters, combining marks and digits of any script; apostrophes
    are dropped (``don't`` is one word) and invisible format characters ignored.
    """
    # NFKC again after casefold, which can decompose (ǰ becomes j and a combining caron).
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    folded = folded.replace("'", "").replace("\u2019", "")
    if folded.isascii():  # the common case, at regex speed
        return [w for w in _NON_WORD_ASCII.split(folded) if w]
    words: list[str] = []
    current: list[str] = []
    for char in folded:
        category = unicodedata.category(char)
        if category[0] in "LMN":
            current.append(char)
        elif category != "Cf" and current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def normalize(name: str) -> str:
    """Fold case, punctuation, spacing, hyphens, underscores and simple plurals.

    ``"Latent Space"``, ``latent_space`` and ``latent-spaces`` all give ``latent-space``;
    ``GANs`` gives ``gan``; ``"Αλφα Βήτα"`` gives ``αλφα-βήτα``. A name with no letters
    or digits gives ``""``, which names nothing.
    """
    return "-".join(_singular(w) for w in fold_words(name))


def is_slug(text: str) -> bool:
    return _SLUG.fullmatch(text) is not None


MAX_DIGITS = 18


def whole_number(text: str) -> int | None:
    """``text`` as a whole number when it is 1 to 18 ASCII digits, else None.

    ``str.isdigit`` is also true for ``²``, ``①`` and other scripts' digits, which
    ``int`` rejects (or reads), and ``int`` refuses more than 4,300 digits: typed or
    read text is never a reason for an internal error.
    """
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None
