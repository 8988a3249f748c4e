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
from itertools import pairwise
from pickle import dumps
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
from whoosh.system import pack_uint

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

    def index_terms(self, value: str, field_boost: float) -> list[tuple[bytes, int, float, bytes]]:
        """The postings of one field value, as Whoosh's ``Positions`` format makes them.

        Exactly what ``TEXT.index(value)`` gives for a field with this analyser and
        ``phrase=True`` (UTF-8 term, frequency, weight, encoded positions; terms in the
        order of their first occurrence; a test compares them), made in one pass: the
        generic path asks the analyser for a token per word, gathers positions per term
        in ``Positions.word_values``, and encodes each term again in ``FieldType.index``
        — three generators per word, about half the time of adding a document.
        """
        words = self.expression.findall(value)
        if not words:
            return []
        # Each word as written -> its term as UTF-8, or b"" for a stop word.
        cache = _INDEX_TERMS
        try:
            terms = [cache[w] for w in words]
        except KeyError:
            if len(cache) >= _INDEX_CACHE_MAX:
                cache.clear()
            for word in {w for w in words if w not in cache}:
                text = word.lower()
                term = b"" if text in ENGLISH_STOP_WORDS else stem_term(text).encode("utf-8")
                cache[word] = term
            terms = [cache[w] for w in words]
        # Positions as StopFilter numbers them: the first kept word keeps its place
        # among all words, the ones after it follow on without gaps.
        kept = [term for term in terms if term]
        if not kept:
            return []
        first = 0 if terms[0] else next(i for i, term in enumerate(terms) if term)
        positions: dict[bytes, list[int]] = {}
        for pos, term in enumerate(kept, first):
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        single = _SINGLE_POSITION
        postings = []
        for term, where in positions.items():
            freq = len(where)
            if freq == 1:
                # A new bytes object each time, like the original: pickle writes a
                # repeated object of a posting block as a reference, so sharing one
                # would change the index files.
                pos = where[0]
                tail = single.get(pos)
                if tail is None:
                    tail = dumps(where, 2)
                    if pos < _SINGLE_POSITION_MAX:
                        single[pos] = tail
                encoded = _ONE + tail
            else:
                deltas = [where[0]]
                deltas.extend([b - a for a, b in pairwise(where)])
                encoded = pack_uint(freq) + dumps(deltas, 2)
            postings.append((term, freq, float(freq) * field_boost, encoded))
        return postings


#: Lower-cased word -> indexed term, for :class:`EnglishTextAnalyzer`.
_STEMS: dict[str, str] = {}
_STEM_CACHE_MAX = 500_000
#: Word as written -> indexed term as UTF-8 (b"" for a stop word), for
#: :meth:`EnglishTextAnalyzer.index_terms`.
_INDEX_TERMS: dict[str, bytes] = {}
_INDEX_CACHE_MAX = 300_000
#: Position -> the pickled list of that one position (for a term found once).
_SINGLE_POSITION: dict[int, bytes] = {}
_ONE = pack_uint(1)
_SINGLE_POSITION_MAX = 1 << 16


_WORDS = re.compile(WORD_PATTERN)


def unstemmed_words(text: str) -> set[str]:
    """The distinct words of ``text`` before stemming: lower case, stop words left out.

    The same set as the ``text`` of the tokens ``text_analyzer()(text, no_morph=True)``
    yields (a test compares them), without making a token per word: the vocabulary
    beside the index wants only the set, and asking the analyser for it cost as much as
    analysing the text for the index.
    """
    words = {word.lower() for word in set(_WORDS.findall(text))}
    words -= ENGLISH_STOP_WORDS
    return words


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
