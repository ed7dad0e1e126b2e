"""What an inverted index over search needs to give :func:`reference.lookup.search`'s
exact hits: the words each entry is filed under, which stored words a query word
matches, and the most an entry can score (to stop decoding early).
See genai_cli.reference.termlookup, which builds and reads the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from genai_cli.knowledge.model import Entry
from genai_cli.knowledge.names import fold_words
from genai_cli.reference.lookup import EXACT_NAME_BONUS, _fields

# Each field search scores, as a bit of a word's "where" mask in the inverted index.
FIELD_BITS = {
    name: 1 << i
    for i, name in enumerate(
        (
            "name",
            "aliases",
            "tags",
            "definition",
            "description",
            "body",
            "fact",
            "use_case",
            "answer",
        )
    )
}
# The most a word in each field can weigh (a question's or cloze's name weighs less).
FIELD_WEIGHTS = {FIELD_BITS["name"]: 4.0, FIELD_BITS["aliases"]: 3.0, FIELD_BITS["tags"]: 2.0}


def entry_words(entry: Entry) -> dict[str, int]:
    """Every word search can match ``entry`` by, with the fields it is in (FIELD_BITS):
    what an inverted index files the entry under."""
    found: dict[str, int] = {}
    for name, text, _weight in _fields(entry):
        for word in fold_words(text):
            found[word] = found.get(word, 0) | FIELD_BITS[name]
    return found


def score_bound(masks: Sequence[int], words: int, named: bool = True) -> float:
    """The most :func:`rank` can score an entry whose fields hold the query's words as
    ``masks`` say (one mask per query word, 0 if absent), for pruning before decoding;
    ``named=False`` when the entry's name is known not to be the whole query."""
    total = 0.0
    phrase = 2 if words > 1 else 0
    for bit in FIELD_BITS.values():
        count = sum(1 for m in masks if m & bit)
        if count:
            total += FIELD_WEIGHTS.get(bit, 1.0) * (count + phrase)
    if named and any(m & FIELD_BITS["name"] for m in masks):
        total += EXACT_NAME_BONUS
    matched = sum(1 for m in masks if m)
    return total * matched / words


def matching_words(word: str, vocabulary: Sequence[str]) -> list[str]:
    """The words of a sorted ``vocabulary`` that query word ``word`` matches (the rules of
    ``_word_matches``: the word itself, a longer word it begins, a word of 4 or more
    letters it extends by at most 2, and for a non-ASCII word of 2 or more letters any
    word holding it)."""
    from bisect import bisect_left

    found = [c for c in {word, word[:-1], word[:-2]} if c == word or len(c) >= 4]
    if len(word) >= 3:
        at = bisect_left(vocabulary, word)
        while at < len(vocabulary) and vocabulary[at].startswith(word):
            found.append(vocabulary[at])
            at += 1
    if not word.isascii() and len(word) >= 2:  # scripts without spaces: a rare, slow case
        found += [w for w in vocabulary if word in w]
    return [w for w in dict.fromkeys(found) if _in_sorted(vocabulary, w)]


def _in_sorted(vocabulary: Sequence[str], word: str) -> bool:
    from bisect import bisect_left

    at = bisect_left(vocabulary, word)
    return at < len(vocabulary) and vocabulary[at] == word
