"""Text analysis for the index: how article text becomes searchable terms.

One analysis serves every language, so one query searches them all; each word is
treated by its script:

* Latin: Snowball English stems (PyStemmer, a C extension about ten times faster than
  Whoosh's own stemmer), so ``vowing`` finds ``vow``;
* Cyrillic: Snowball Russian stems, ``ё`` read as ``е``, so ``Путин``, ``Путина`` and
  ``Путину`` find each other;
* Chinese (Han characters): segmented into words by jieba with its bundled dictionary,
  so ``普京`` and ``习近平`` are found inside running text. A long word is also indexed
  under the dictionary words inside it, at its own position (``中俄关系`` is found by
  ``中俄``), as jieba's search mode does;
* anything else: lower-cased words, not stemmed.

English and Russian stop words, and a few Chinese function words, are not indexed.
Character offsets are offsets in the Python string (characters, never bytes).
Metadata fields (source, dateline, author) are tokenised and lower-cased but not stemmed.

Whoosh pickles the analysers into the index's table of contents, so everything here is a
module-level name that pickles by reference; a change to the analysis must come with a
new ``SCHEMA_VERSION`` in :mod:`reader.core.search.schema`, which rebuilds the index.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
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

#: Han characters (CJK unified ideographs, extensions A–F, compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{HAN}]")
_HAN_OR_NOT = re.compile(f"[{HAN}]+|[^{HAN}]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN_WORD = re.compile("[0-9A-Za-z\u00c0-\u024f'.]+")

_ENGLISH = Stemmer.Stemmer("english")
_RUSSIAN = Stemmer.Stemmer("russian")
ENGLISH_STOP_WORDS = frozenset(stoplists["en"])
RUSSIAN_STOP_WORDS = frozenset(stoplists["ru"])
#: Function words of written Chinese that are single words on their own.
CHINESE_STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "是", "在", "也", "而", "或", "之", "其", "着", "把", "被"]
)
STOP_WORDS = ENGLISH_STOP_WORDS | RUSSIAN_STOP_WORDS | CHINESE_STOP_WORDS


@lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    """Snowball English stem of a lower-cased word."""
    stem: str = _ENGLISH.stemWord(word)
    return stem


def stem_term(word: str) -> str:
    """The indexed form of one lower-cased word.

    Typographic apostrophes are folded so "Russia’s" and "Russia's" are the same term
    (and the stemmer drops the possessive); acronyms and numbers ("u.s", "3.5", "2019")
    are kept whole. Cyrillic words get Russian stems (``ё`` read as ``е``), Latin words
    English stems; other scripts (Chinese words among them) are kept as they are.
    """
    word = word.replace("’", "'")
    if "." in word or word[:1].isdigit() or "*" in word or "?" in word:
        return word
    if _LATIN_WORD.fullmatch(word):
        return english_stem(word)
    if _CYRILLIC.search(word):
        stem: str = _RUSSIAN.stemWord(word.replace("ё", "е"))
        return stem
    return word


# -- Chinese words -------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba_tokenizer: Any = None


def _segmenter() -> Any:
    """jieba's tokenizer, loaded on first use (about half a second, and some 60 MB: only
    a library with Chinese text pays for it). Its dictionary cache goes to the user's
    cache folder, not a shared temporary folder."""
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                import jieba
                import platformdirs

                jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…"
                tokenizer = jieba.Tokenizer()
                cache = Path(platformdirs.user_cache_dir("coverage-reader", appauthor=False))
                try:
                    cache.mkdir(parents=True, exist_ok=True)
                    tokenizer.tmp_dir = str(cache)
                except OSError:
                    tokenizer.cache_file = None  # then jieba builds it in memory each time
                tokenizer.initialize()
                _jieba_tokenizer = tokenizer
    return _jieba_tokenizer


def split_word(word: str, *, query: bool = False) -> list[tuple[str, int, int]]:
    """A run of word characters as words ``(word, start, end)``: Chinese segmented by
    jieba, the rest (numbers, Latin letters inside Chinese text) kept whole.

    In a ``query``, a run of Chinese that is a dictionary word is kept whole: jieba
    splits a short word such as ``中俄`` into its characters when it stands alone, but
    the index holds it (as a word, or inside a longer one such as ``中俄关系``)."""
    if not _HAN.search(word):
        return [(word, 0, len(word))]
    out: list[tuple[str, int, int]] = []
    for piece in _HAN_OR_NOT.finditer(word):
        start = piece.start()
        text = piece.group(0)
        if _HAN.match(text):
            if query and len(text) > 1 and _segmenter().FREQ.get(text):
                out.append((text, start, start + len(text)))
                continue
            for w, s, e in _segmenter().tokenize(text, HMM=True):
                out.append((w, start + s, start + e))
        else:
            stripped = text.strip(".'’")
            if stripped:
                offset = start + text.index(stripped)
                out.append((stripped, offset, offset + len(stripped)))
    return out


def subwords(word: str) -> list[tuple[str, int, int]]:
    """The dictionary words inside a long Chinese word (two and three characters, as
    jieba's search mode finds them), with their offsets in it."""
    if len(word) <= 2 or not _HAN.match(word):
        return []
    freq = _segmenter().FREQ
    found = []
    for size in (2, 3):
        if len(word) > size:
            for i in range(len(word) - size + 1):
                gram = word[i : i + size]
                if freq.get(gram):
                    found.append((gram, i, i + size))
    return found


_WORDS = re.compile(WORD_PATTERN)


def iter_words(text: str, *, query: bool = False) -> Iterator[tuple[str, int, int]]:
    """The words of ``text`` as written, with their character offsets (Chinese
    segmented; see :func:`split_word` for ``query``); sub-words are not included."""
    for m in _WORDS.finditer(text):
        word = m.group(0)
        if _HAN.search(word):
            base = m.start()
            for w, s, e in split_word(word, query=query):
                yield w, base + s, base + e
        else:
            yield word, m.start(), m.end()


def words_in(text: str, *, query: bool = False) -> list[str]:
    """The words of ``text`` as written (Chinese segmented)."""
    if not _HAN.search(text):
        return _WORDS.findall(text)
    return [w for w, _, _ in iter_words(text, query=query)]


class WordTokenizer(RegexTokenizer):  # type: ignore[misc]
    """Words by :data:`WORD_PATTERN`, Chinese runs segmented into words; marks an
    untokenised value (the query parser passes prefix, wildcard and fuzzy terms that way)
    so it is not stemmed: ``negotiat*`` must stay a prefix of the words as written."""

    def __init__(self) -> None:
        super().__init__(WORD_PATTERN)

    def __call__(self, value: str, tokenize: bool = True, **kwargs: Any) -> Iterator[Token]:
        if not tokenize or not _HAN.search(value):
            for token in super().__call__(value, tokenize=tokenize, **kwargs):
                token.verbatim = not tokenize
                yield token
            return
        positions = kwargs.get("positions", False)
        chars = kwargs.get("chars", False)
        keeporiginal = kwargs.get("keeporiginal", False)
        start_pos = kwargs.get("start_pos", 0)
        start_char = kwargs.get("start_char", 0)
        t = Token(
            positions,
            chars,
            removestops=kwargs.get("removestops", True),
            mode=kwargs.get("mode", ""),
        )
        query = kwargs.get("mode", "") == "query"
        for n, (word, s, e) in enumerate(iter_words(value, query=query)):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            t.verbatim = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + n
            if chars:
                t.startchar = start_char + s
                t.endchar = start_char + e
            yield t


class StemFilter(Filter):  # type: ignore[misc]
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


class SubwordFilter(Filter):  # type: ignore[misc]
    """After a kept Chinese word of three or more characters, the dictionary words inside
    it, at the same position (when indexing; a query searches the words it was given)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            yield t
            if t.mode == "query" or t.stopped or getattr(t, "verbatim", False):
                continue
            parts = subwords(t.text)
            if not parts:
                continue
            word = t.text
            startchar = getattr(t, "startchar", None)
            for sub, s, e in parts:
                if sub in STOP_WORDS:
                    continue
                t.text = sub
                if startchar is not None:
                    t.startchar, t.endchar = startchar + s, startchar + e
                yield t
            t.text = word
            if startchar is not None:
                t.startchar, t.endchar = startchar, startchar + len(word)


class TextAnalyzer(Tokenizer):  # type: ignore[misc]
    """Article text and titles: words (Chinese segmented), lower case, stop words out,
    stems by script, Chinese sub-words.

    The same tokens as ``WordTokenizer() | LowercaseFilter() | StopFilter(...) |
    StemFilter() | SubwordFilter()`` (a test compares them in every mode), in one loop
    over one reused token: the chain of generators cost more than the stemming itself
    when indexing. Honours what Whoosh asks of an analyser: positions (renumbered past
    stop words, as StopFilter does), character offsets, ``removestops``,
    ``tokenize=False`` (kept verbatim) and ``no_morph`` (unstemmed words).
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
        stops = STOP_WORDS
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
        with_subwords = mode != "query"
        if _HAN.search(value):
            words: Iterator[tuple[str, int, int]] = iter_words(value, query=not with_subwords)
        else:
            words = ((m.group(0), m.start(), m.end()) for m in self.expression.finditer(value))
        for n, (word, begin, end) in enumerate(words):
            text = word.lower()
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + begin
                t.endchar = start_char + end
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
                    term = stem
                else:
                    term = text
                t.text = term
                t.stopped = False
                yield t
                if with_subwords and len(text) > 2 and _HAN.match(text):
                    for sub, s, e in subwords(text):
                        if sub in stops:
                            continue
                        t.text = sub
                        if keeporiginal:
                            t.original = word
                        if chars:
                            t.startchar = start_char + begin + s
                            t.endchar = start_char + begin + e
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
        # Each word as written -> its term as UTF-8, or b"" for a stop word; a run of
        # Chinese -> its words, each with the sub-words indexed at its position.
        cache = _INDEX_TERMS
        try:
            found_terms = [cache[w] for w in words]
        except KeyError:
            if len(cache) >= _INDEX_CACHE_MAX:
                cache.clear()
            for word in {w for w in words if w not in cache}:
                cache[word] = _index_term(word)
            found_terms = [cache[w] for w in words]
        subs: dict[int, tuple[bytes, ...]] = {}
        terms: list[bytes] = []
        if any(type(t) is tuple for t in found_terms):
            for item in found_terms:
                if isinstance(item, bytes):
                    terms.append(item)
                    continue
                for main, inside in item:
                    if inside:
                        subs[len(terms)] = inside
                    terms.append(main)
        else:
            terms = found_terms  # type: ignore[assignment]  # all bytes
        # Positions as StopFilter numbers them: the first kept word keeps its place
        # among all words, the ones after it follow on without gaps.
        kept = [term for term in terms if term]
        if not kept:
            return []
        first = 0 if terms[0] else next(i for i, term in enumerate(terms) if term)
        positions: dict[bytes, list[int]] = {}
        if subs:
            pos = first - 1
            for i, term in enumerate(terms):
                if not term:
                    continue
                pos += 1
                for each in (term, *subs.get(i, ())):
                    found = positions.get(each)
                    if found is None:
                        positions[each] = [pos]
                    else:
                        found.append(pos)
        else:
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


_Slots = tuple[tuple[bytes, tuple[bytes, ...]], ...]


def _index_term(word: str) -> bytes | _Slots:
    """What :meth:`TextAnalyzer.index_terms` caches for one word as written."""
    if not _HAN.search(word):
        text = word.lower()
        return b"" if text in STOP_WORDS else stem_term(text).encode("utf-8")
    slots: list[tuple[bytes, tuple[bytes, ...]]] = []
    for part, _, _ in split_word(word):
        text = part.lower()
        if text in STOP_WORDS:
            slots.append((b"", ()))
            continue
        inside: tuple[bytes, ...] = ()
        if len(text) > 2 and _HAN.match(text):
            inside = tuple(
                sub.encode("utf-8") for sub, _, _ in subwords(text) if sub not in STOP_WORDS
            )
        slots.append((stem_term(text).encode("utf-8"), inside))
    return tuple(slots)


#: Lower-cased word -> indexed term, for :class:`TextAnalyzer`.
_STEMS: dict[str, str] = {}
_STEM_CACHE_MAX = 500_000
#: Word as written -> indexed term as UTF-8 (b"" for a stop word), or the words of a run
#: of Chinese with their sub-words, for :meth:`TextAnalyzer.index_terms`.
_INDEX_TERMS: dict[str, bytes | _Slots] = {}
_INDEX_CACHE_MAX = 300_000
#: Position -> the pickled list of that one position (for a term found once).
_SINGLE_POSITION: dict[int, bytes] = {}
_ONE = pack_uint(1)
_SINGLE_POSITION_MAX = 1 << 16


def unstemmed_words(text: str) -> set[str]:
    """The distinct words of ``text`` before stemming: lower case, stop words left out,
    Chinese segmented (with its sub-words).

    The same set as the ``text`` of the tokens ``text_analyzer()(text, no_morph=True)``
    yields (a test compares them), without making a token per word: the vocabulary
    beside the index wants only the set, and asking the analyser for it cost as much as
    analysing the text for the index.
    """
    if not _HAN.search(text):
        words = {word.lower() for word in set(_WORDS.findall(text))}
    else:
        words = set()
        for word in set(_WORDS.findall(text)):
            for part, _, _ in split_word(word):
                part = part.lower()
                words.add(part)
                if part not in STOP_WORDS:
                    words.update(sub for sub, _, _ in subwords(part))
    words -= STOP_WORDS
    return words


def text_analyzer() -> Analyzer:
    """Article text and titles: words, lower case, stop words out, stems by script."""
    return TextAnalyzer()


def text_analyzer_chain() -> Analyzer:
    """The same analysis as a chain of Whoosh filters (the reference the single-loop
    analyser is tested against)."""
    return (
        WordTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter()
        | SubwordFilter()
    )


def name_analyzer() -> Analyzer:
    """Sources, datelines and authors: words and lower case, nothing removed (Chinese
    segmented)."""
    return WordTokenizer() | LowercaseFilter()
