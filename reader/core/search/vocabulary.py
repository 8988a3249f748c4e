"""The library's vocabulary as written (unstemmed), for prefixes, fuzzy terms and
"did you mean".

Whoosh keeps the unstemmed words of the body in a spelling sub-field (``spell_body``).
Its multi-segment cursor is broken (``MultiCursor._find_low`` never selects a cursor), so
everything here walks each segment's own reader and merges the results.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from reader.core.search.analysis import stem_term

SPELL_FIELD = "spell_body"


def _leaves(reader: Any) -> list[Any]:
    return [leaf for leaf, _offset in reader.leaf_readers()]


def _as_text(raw: Any) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


def words_with_prefix(reader: Any, prefix: str, *, limit: int) -> tuple[dict[str, int], bool]:
    """Distinct words starting with ``prefix`` and in how many articles each is (at most
    ``limit`` words; the flag says if cut). The counts come from the same walk through
    the vocabulary, so ranking the words costs no extra lookups."""
    found: dict[str, int] = {}
    for leaf in _leaves(reader):
        for word, count in _segment_words(leaf, prefix):
            if word in found:
                found[word] += count
                continue
            if len(found) >= limit:
                return found, True
            found[word] = count
    return found, False


def _segment_words(leaf: Any, prefix: str) -> Iterator[tuple[str, int]]:
    try:
        cursor = leaf.cursor(SPELL_FIELD)
    except Exception:  # a segment without the field (an empty index)
        return
    text = cursor.find(prefix) if prefix else cursor.first()
    while cursor.is_valid() and text is not None:
        word = _as_text(text)
        if not word.startswith(prefix):
            return
        yield word, int(cursor.term_info().doc_frequency())
        text = cursor.next()


def words_within(reader: Any, word: str, maxdist: int, *, prefix: int = 1) -> set[str]:
    found: set[str] = set()
    for leaf in _leaves(reader):
        try:
            found.update(_as_text(w) for w in leaf.terms_within("body", word, maxdist, prefix))
        except Exception:  # an empty segment has no spelling words
            continue
    return found


def body_frequency(reader: Any, word: str) -> int:
    return int(reader.doc_frequency("body", stem_term(word)))


def suggest(reader: Any, word: str) -> str | None:
    """The closest frequent word of the library to a word it does not contain."""
    best: tuple[int, int, str] | None = None
    for maxdist in (1, 2):
        for candidate in words_within(reader, word, maxdist, prefix=1):
            if candidate == word:
                continue
            distance = DamerauLevenshtein.distance(word, candidate)
            key = (distance, -body_frequency(reader, candidate), candidate)
            if best is None or key < best:
                best = key
        if best is not None:
            return best[2]
    return None
