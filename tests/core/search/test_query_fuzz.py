"""Whatever people type or paste into the search bar, the parser answers with a query or
a clear message, and the index runs what the parser gave it.

Generated inputs (hypothesis, derandomised so a run repeats): arbitrary Unicode text,
and text assembled from the query language's own pieces (quotes, brackets, operators,
field names, dates, wildcards, fuzzy marks) in every order, which is where a parser
breaks. 10,000 inputs go to the parser; 1,000 of them are also run against an index.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from reader.core.errors import QueryError
from reader.core.search import SearchIndex
from reader.core.search.queries import MAX_QUERY_CHARS, parse
from tests.core.search.test_search import DOCS

PIECES = [
    '"',
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "AND",
    "OR",
    "NOT",
    "and",
    "-",
    "+",
    "*",
    "?",
    "~",
    "~2",
    "^",
    "^2",
    ":",
    "\\",
    "/",
    "title:",
    "source:",
    "tag:",
    "date:",
    "date:>",
    "date:<=",
    "date:2019",
    "date:2019-01",
    "date:2019-13-45",
    "date:[2018 TO 2019]",
    "TO",
    "lang:en",
    "note:",
    "colour:yellow",
    "putin",
    "Putin's",
    "U.S.",
    "vow*",
    "xi~",
    "the",
    "of",
    "2019",
    "3.5",
    "Путин",
    "普京",
    "ﬁnance",
    "\u200b",
    "\t",
    "\n",
    "\x00",
]

#: Queries for the parser (a tenth of them for the index); ``FUZZ_EXAMPLES`` raises it.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))

pieces = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=25)
queries = st.one_of(
    st.text(max_size=300),
    pieces.map(" ".join),
    pieces.map("".join),
)


def check_parse(text: str) -> None:
    try:
        parsed = parse(text)
    except QueryError as exc:
        assert str(exc).strip(), f"a QueryError without a message for {text!r}"
        return
    assert isinstance(parsed.query, wq.Query)
    assert parsed.mode in {"all", "any", "advanced"}
    assert all(isinstance(n, str) and n for n in parsed.notices)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(queries)
def test_the_parser_answers_every_input_with_a_query_or_a_message(text: str) -> None:
    check_parse(text)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "index"
    with SearchIndex.open(path, create=True) as ix:
        ix.apply(DOCS, [])
        yield ix


@settings(
    max_examples=max(1, EXAMPLES // 10),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(queries)
def test_the_index_runs_whatever_the_parser_accepts(index: SearchIndex, text: str) -> None:
    try:
        page = index.search(text, limit=5)
    except QueryError as exc:
        assert str(exc).strip()
        return
    assert len(page.hits) <= 5
    assert page.total >= len(page.hits)
    assert {h.article_id for h in page.hits} <= {d.article_id for d in DOCS}


def test_a_query_longer_than_the_limit_is_cut_with_a_notice() -> None:
    parsed = parse("putin " * (MAX_QUERY_CHARS // 3))
    assert any("cut" in n for n in parsed.notices)
