"""Text analysis for the index: how article text becomes searchable terms.

English text is stemmed with the Snowball stemmer from PyStemmer (a C extension, about
ten times faster than Whoosh's own pure-Python stemmer), so ``vowing`` finds ``vow``.
Metadata fields (source, dateline, author) are tokenised and lower-cased but not stemmed.

Whoosh pickles the analysers into the index's table of contents, so everything here is a
module-level name that pickles by reference; a change to the analysis must come with a
new ``SCHEMA_VERSION`` in :mod:`reader.core.search.schema`, which rebuilds the index.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import Stemmer
from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.lang.stopwords import stoplists

#: Words (letters, digits, and inner apostrophes/dots as in "U.S." or "don't").
WORD_PATTERN = r"\w+(?:[.'’]\w+)*"

_ENGLISH = Stemmer.Stemmer("english")
ENGLISH_STOP_WORDS = frozenset(stoplists["en"])


@lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    """Snowball English stem of a lower-cased word."""
    stem: str = _ENGLISH.stemWord(word)
    return stem


def stem_term(word: str) -> str:
    """The indexed form of one lower-cased word.

    Typographic apostrophes are folded so "Russia’s" and "Russia's" are the same term
    (and the stemmer drops the possessive); acronyms and numbers ("u.s", "3.5", "2019")
    are kept whole.
    """
    word = word.replace("’", "'")
    if "." in word or word[:1].isdigit() or "*" in word or "?" in word:
        return word
    return english_stem(word)


class WordTokenizer(RegexTokenizer):  # type: ignore[misc]
    """Words by :data:`WORD_PATTERN`; marks an untokenised value (the query parser passes
    prefix, wildcard and fuzzy terms that way) so it is not stemmed: ``negotiat*`` must
    stay a prefix of the words as written."""

    def __init__(self) -> None:
        super().__init__(WORD_PATTERN)

    def __call__(self, value: str, tokenize: bool = True, **kwargs: Any) -> Iterator[Token]:
        for token in super().__call__(value, tokenize=tokenize, **kwargs):
            token.verbatim = not tokenize
            yield token


class EnglishStemFilter(Filter):  # type: ignore[misc]
    """Stems each token with :func:`stem_term` (keeps positions and character offsets)."""

    #: Tells Whoosh this filter changes words, so it keeps the unstemmed words apart for
    #: spelling suggestions and prefixes.
    is_morph = True

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped and not getattr(t, "verbatim", False):
                t.text = stem_term(t.text)
            yield t


def text_analyzer() -> Analyzer:
    """Article text and titles: words, lower case, stop words out, English stems."""
    return (
        WordTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=ENGLISH_STOP_WORDS, minsize=1)
        | EnglishStemFilter()
    )


def name_analyzer() -> Analyzer:
    """Sources, datelines and authors: words and lower case, nothing removed."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter()
