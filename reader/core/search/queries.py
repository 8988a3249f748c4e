"""From what a user types to a Whoosh query.

People type three kinds of query, and each is served differently:

* two or three precise words (``putin gas``): every word must match (``mode="all"``);
* a pasted sentence or paragraph: ranked by how many of its words an article shares,
  with the rarer words weighing more (``mode="any"``);
* an explicit query with operators, quotes, fields, wildcards or ranges
  (``"gas deal" AND source:reuters NOT date:2019``): parsed as written
  (``mode="advanced"``).

Prefix and wildcard terms are expanded against the unstemmed vocabulary and bounded, so
``c*`` can never make a search take seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
    SingleQuotePlugin,
)

from reader.core.errors import QueryError
from reader.core.search.analysis import WORD_PATTERN, stem_term, text_analyzer, words_in
from reader.core.search.expansion import AnyWord
from reader.core.search.schema import DEFAULT_FIELDS, FIELD_ALIASES, build_schema
from reader.core.search.vocabulary import Vocabulary

#: Up to this many words, a query without operators means "all of these words".
ALL_WORDS_MAX = 6
#: A pasted text is reduced to at most this many distinct words.
MAX_TERMS = 200
#: A prefix or wildcard is expanded to at most this many words (the most frequent).
MAX_EXPANSION = 128
#: At most this many words (the most frequent) are read from the vocabulary for one prefix.
MAX_SCAN = 2_000
#: Queries longer than this are cut (a pasted article is plenty at this length).
MAX_QUERY_CHARS = 20_000

_OPERATOR = re.compile(r"(?:^|\s)(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?:\s|$)")
_FIELD = re.compile(r"(?<![\w.])(\w+):(?=\S)")
_SYNTAX = re.compile(r"[\"()\[\]*?~^]|(?:^|\s)[+-]\w")
WORD_RE = re.compile(WORD_PATTERN)
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")
_DATE_VALUE = re.compile(r"(?i)\bdate:\s*(?:[<>]=?)?\s*(\[[^\]]*\]?|\{[^}]*\}?|\S+)")
_ANALYZER = text_analyzer()


@dataclass
class ParsedQuery:
    query: wq.Query
    mode: str
    #: The user's plain words (for spelling suggestions), lower-cased, in order.
    words: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    #: True when an expansion bound cut something short.
    partial: bool = False


_DATE_COMPARISON = re.compile(
    r"(?i)\bdate:\s*(>=|<=|>|<)\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?![\w-])"
)


def _shift_period(year: int, month: int | None, day: int | None, step: int) -> str:
    """The period (year, month or day) ``step`` periods away, as YYYY[MM[DD]]."""
    if day is not None and month is not None:
        moved = date(year, month, day) + timedelta(days=step)
        return f"{moved:%Y%m%d}"
    if month is not None:
        index = year * 12 + (month - 1) + step
        return f"{index // 12:04d}{index % 12 + 1:02d}"
    return f"{year + step:04d}"


def _comparisons_to_ranges(text: str) -> str:
    """``date:>2018`` means from 2019 on, ``date:<2018-09`` up to August 2018."""

    def fix(m: re.Match[str]) -> str:
        op = m.group(1)
        year = int(m.group(2))
        month = int(m.group(3)) if m.group(3) else None
        day = int(m.group(4)) if m.group(4) else None
        try:
            if op == ">":
                return f"date:[{_shift_period(year, month, day, 1)} TO]"
            if op == ">=":
                return f"date:[{_shift_period(year, month, day, 0)} TO]"
            if op == "<":
                return f"date:[TO {_shift_period(year, month, day, -1)}]"
            return f"date:[TO {_shift_period(year, month, day, 0)}]"
        except ValueError:  # not a real day: leave it for the parser to report
            return m.group(0)

    return _DATE_COMPARISON.sub(fix, text)


_DATE_EXACT = re.compile(r"(?i)\bdate:(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?![\w\-:\[\]{}*?~])")


def _exact_dates_to_terms(text: str) -> str:
    """``date:2019`` / ``date:2019-09`` / ``date:2019-09-14`` → one ``ymd:`` term (indexed
    per article), far cheaper than the numeric range Whoosh would make of it."""

    def fix(m: re.Match[str]) -> str:
        year, month, day = m.group(1), m.group(2), m.group(3)
        try:
            if day is not None and month is not None:
                value = f"{date(int(year), int(month), int(day)):%Y%m%d}"
            elif month is not None:
                if not 1 <= int(month) <= 12:
                    return m.group(0)
                value = f"{year}{int(month):02d}"
            else:
                value = year
        except ValueError:  # not a real day: leave it for the parser to report
            return m.group(0)
        return f"ymd:{value}"

    return _DATE_EXACT.sub(fix, text)


#: Language names people type after ``lang:``, and the codes the index holds.
LANGUAGE_NAMES = {
    "english": "en",
    "russian": "ru",
    "chinese": "zh",
    "ukrainian": "uk",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "japanese": "ja",
    "korean": "ko",
    "arabic": "ar",
    "kazakh": "kk",
    "mongolian": "mn",
    "русский": "ru",
    "中文": "zh",
}

_LANGUAGE_VALUE = re.compile(r"(?i)\b(lang|language):([^\s()\[\]\"]+)")


def _language_codes(text: str) -> str:
    """``lang:zh-CN`` / ``lang:Chinese`` / ``lang:RU`` → the code the index holds."""

    def fix(m: re.Match[str]) -> str:
        value = m.group(2).lower().replace("_", "-")
        code = LANGUAGE_NAMES.get(value, value.split("-", 1)[0])
        return f"{m.group(1)}:{code}"

    return _LANGUAGE_VALUE.sub(fix, text)


def _compact_dates(text: str) -> str:
    """``date:2018-09-14`` → ``date:20180914`` (a hyphen would read as NOT), and
    comparisons to ranges."""
    text = _exact_dates_to_terms(text)
    text = _comparisons_to_ranges(text)

    def compact_day(m: re.Match[str]) -> str:
        return m.group(1) + "".join(f"{int(g):02d}" for g in m.groups()[1:] if g)

    def fix(m: re.Match[str]) -> str:
        start, end = m.span(1)
        whole = m.group(0)
        offset = start - m.start(0)
        value = _ISO_DAY.sub(compact_day, m.group(1))
        return whole[:offset] + value + whole[offset + (end - start) :]

    return _DATE_VALUE.sub(fix, text)


def is_advanced(text: str) -> bool:
    if _OPERATOR.search(text) or _SYNTAX.search(text):
        return True
    return any(m.group(1).lower() in FIELD_ALIASES for m in _FIELD.finditer(text))


def _parser(group: Any) -> MultifieldParser:
    parser = MultifieldParser(
        list(DEFAULT_FIELDS), _SCHEMA, fieldboosts=DEFAULT_FIELDS, group=group
    )
    # Apostrophes belong to words ("Russia's"), they do not quote.
    parser.remove_plugin_class(SingleQuotePlugin)
    parser.add_plugin(PlusMinusPlugin())
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    aliases: dict[str, list[str]] = {}
    for alias, name in FIELD_ALIASES.items():
        if alias != name:
            aliases.setdefault(name, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    return parser


_SCHEMA = build_schema()
_AND_PARSER = _parser(AndGroup)
_OR_PARSER = _parser(OrGroup.factory(0.9))


def _terms_query(stems: list[str], *, require_all: bool) -> wq.Query:
    """Each stem matched in any default field (weighted); all of them or any of them."""
    per_term: list[wq.Query] = []
    for stem in stems:
        alternatives = [wq.Term(f, stem, boost=b) for f, b in DEFAULT_FIELDS.items()]
        per_term.append(wq.Or(alternatives))
    if require_all:
        return wq.And(per_term)
    # A small bonus for sharing more of the words (like OrGroup.factory).
    return wq.Or(per_term, scale=0.9)


_FREE_WORD = re.compile(r"(?<![\w:.'’*?~-])" + WORD_PATTERN + r"(?![\w:*?~]|[.'’]\w)")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def free_words(text: str) -> list[str]:
    """Plain words of a query, lower-cased: not field names or field values, operators,
    prefixes or fuzzy terms (the words a spelling suggestion may replace)."""
    words = []
    for m in _FREE_WORD.finditer(text):
        word = m.group(0)
        before = text[: m.start()].rstrip()
        if word in _OPERATORS or before.endswith(":"):
            continue
        words.append(word.lower())
    return words


def plain_words(text: str) -> list[str]:
    """The words of a query, lower-cased (Chinese segmented into its words)."""
    return [w.lower() for w in words_in(text, query=True)]


def parse(text: str, *, vocabulary: Vocabulary | None = None) -> ParsedQuery:
    """Understand ``text``. Prefixes and fuzzy terms are expanded against ``vocabulary``
    (the library's words as written) and bounded."""
    text = text.strip()
    if not text:
        raise QueryError("the query is empty: type one or more words")
    notices: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"The query was cut to its first {MAX_QUERY_CHARS:,} characters.")
    words = plain_words(text)

    if is_advanced(text):
        parsed = _parse_advanced(_language_codes(_compact_dates(text)))
        if parsed is not None:
            result = ParsedQuery(parsed, "advanced", words, notices)
            if vocabulary is not None:
                result.query = _bound_expansions(result.query, vocabulary, result)
            return result
        notices.append("The query's syntax could not be read; searching for its words.")

    stems = [t.text for t in _ANALYZER(text, mode="query")]
    stems = list(dict.fromkeys(stems))
    if not stems:
        if words:
            raise QueryError(
                "the query holds only very common words (like “the” or “and”), which are "
                "not indexed: add a more specific word"
            )
        raise QueryError("the query holds no words to search for")
    if len(words) <= ALL_WORDS_MAX:
        return ParsedQuery(_terms_query(stems, require_all=True), "all", words, notices)
    if len(stems) > MAX_TERMS:
        notices.append(f"Only the first {MAX_TERMS} distinct words of the query were used.")
        stems = stems[:MAX_TERMS]
    return ParsedQuery(_terms_query(stems, require_all=False), "any", words, notices)


def _parse_advanced(text: str) -> wq.Query | None:
    try:
        q = _AND_PARSER.parse(text)
    except Exception:  # the parser is forgiving; anything it still chokes on is plain text
        return None
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error is not None:
            if "date:" in text.lower():
                raise QueryError(
                    f"cannot read the date in {text!r}: write a year, a month or a day "
                    "(date:2019, date:2019-01, date:2019-01-02) or a range "
                    "(date:[2018-09 TO 2019-01], date:>2019)"
                )
            raise QueryError(f"cannot read {text!r}: {error}")
    if q is wq.NullQuery or isinstance(q, wq.qcore._NullQuery):
        return None
    return q.normalize()


def _walk(q: wq.Query) -> list[wq.Query]:
    found = [q]
    for child in q.children():
        found.extend(_walk(child))
    return found


def _bound_expansions(q: wq.Query, vocabulary: Vocabulary, result: ParsedQuery) -> wq.Query:
    """Replace prefix/wildcard queries on stemmed text by a bounded set of stems.

    A prefix is matched against the words as written (``negotiat*`` must find
    "negotiations", whose stem is "negoti"), then each word is mapped to its stem.
    """
    if isinstance(q, (wq.Prefix, wq.Wildcard)) and q.fieldname in DEFAULT_FIELDS:
        if isinstance(q, wq.Prefix):
            pattern = None
            prefix = q.text
        else:
            pattern = re.compile(_wildcard_regex(q.text))
            prefix = re.split(r"[*?]", q.text, maxsplit=1)[0]
        words, cut = vocabulary.words_with_prefix(prefix, limit=MAX_SCAN)
        # Stems ranked by how many articles use their words (in the body; a stem the
        # title or notes lack costs the search one lookup).
        stems: dict[str, int] = {}
        for word, count in words.items():
            if pattern is not None and not pattern.fullmatch(word):
                continue
            stem = stem_term(word)
            stems[stem] = stems.get(stem, 0) + count
        if len(stems) > MAX_EXPANSION or cut:
            result.partial = True
            notice = (
                f"“{q.text}” matches too many words; the {MAX_EXPANSION} most common "
                "were searched. Type more letters to narrow it."
            )
            if notice not in result.notices:  # once, not once per field
                result.notices.append(notice)
            keep = sorted(stems, key=lambda s: -stems[s])[:MAX_EXPANSION]
        else:
            keep = sorted(stems)
        if not keep:
            return wq.NullQuery
        return _any_word([wq.Term(q.fieldname, s) for s in keep], q.boost)
    if isinstance(q, wq.FuzzyTerm) and q.fieldname in DEFAULT_FIELDS:
        # Fuzzy matching works on words as written, then searches their stems.
        words_near = vocabulary.words_within(q.text, q.maxdist, prefix=q.prefixlength)
        found = sorted({stem_term(w) for w in words_near} | {stem_term(q.text)})
        return _any_word([wq.Term(q.fieldname, s) for s in found[:MAX_EXPANSION]], q.boost)
    if q.children():
        return q.apply(lambda child: _bound_expansions(child, vocabulary, result))
    return q


def _any_word(terms: list[wq.Query], boost: float) -> wq.Query:
    if len(terms) == 1:
        return terms[0] if boost == 1.0 else terms[0].with_boost(boost)
    return AnyWord(terms, boost=boost)


def _wildcard_regex(pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return "".join(out)
