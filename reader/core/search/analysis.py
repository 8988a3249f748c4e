"""Text analysis for the index: how article text becomes searchable terms.

English text is stemmed with the Snowball stemmer from PyStemmer (a C extension, about
ten times faster than Whoosh's own pure-Python stemmer), so ``vowing`` finds ``vow``.
Metadata fields (source, dateline, author) are tokenised and lower-cased but not stemmed.

Whoosh pickles the analysers into the index's table of contents, so everything here is a
module-level name that pickles by reference; a change to the analysis must come with a
new ``SCHEMA_VERSION`` in :mod:`reader.core.search.schema`, which rebuilds the index.
"""

from __future__ import annotations

import re
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
    Tokenizer,
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


class EnglishTextAnalyzer(Tokenizer):  # type: ignore[misc]
    """Article text and titles: words, lower case, stop words out, English stems.

    The same tokens as ``WordTokenizer() | LowercaseFilter() | StopFilter(...) |
    EnglishStemFilter()`` (a test compares them in every mode), in one loop over one
    reused token: the chain of four generators cost more than the stemming itself when
    indexing. Honours what Whoosh asks of an analyser: positions (renumbered past stop
    words, as StopFilter does), character offsets, ``removestops``, ``tokenize=False``
    (kept verbatim) and ``no_morph`` (unstemmed words, for the spelling field).
    """

    is_morph = True

    def __init__(self) -> None:
        self.expression = re.compile(WORD_PATTERN)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stops = ENGLISH_STOP_WORDS
        if not tokenize:
            t.original = value
            text = value.lower()
            t.text = text
            t.boost = 1.0
            t.verbatim = True
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            if text and text not in stops:
                t.stopped = False
                yield t
            elif not removestops:
                t.stopped = True
                yield t
            return
        t.verbatim = False
        cache = _STEMS
        pos = None
        for n, match in enumerate(self.expression.finditer(value)):
            word = match.group(0)
            text = word.lower()
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if text not in stops:
                if positions:
                    if pos is None:
                        pos = start_pos + n
                    else:
                        pos += 1
                    t.pos = pos
                if not no_morph:
                    stem = cache.get(text)
                    if stem is None:
                        if len(cache) >= _STEM_CACHE_MAX:
                            cache.clear()
                        stem = cache[text] = stem_term(text)
                    text = stem
                t.text = text
                t.stopped = False
                yield t
            elif not removestops:
                if positions:
                    t.pos = start_pos + n
                t.text = text
                t.stopped = True
                yield t


#: Lower-cased word -> indexed term, for :class:`EnglishTextAnalyzer`.
_STEMS: dict[str, str] = {}
_STEM_CACHE_MAX = 500_000


def text_analyzer() -> Analyzer:
    """Article text and titles: words, lower case, stop words out, English stems."""
    return EnglishTextAnalyzer()


def text_analyzer_chain() -> Analyzer:
    """The same analysis as a chain of Whoosh filters (what indexes made before the
    single-loop analyser pickled; kept so they open, and to test against)."""
    return (
        WordTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=ENGLISH_STOP_WORDS, minsize=1)
        | EnglishStemFilter()
    )


def name_analyzer() -> Analyzer:
    """Sources, datelines and authors: words and lower case, nothing removed."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter()
