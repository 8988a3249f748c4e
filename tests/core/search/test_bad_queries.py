"""Bad queries through the Library, as the search bar sends them (snippets are cut from
the stored bodies): 10,000 characters of the query language's own syntax, a pasted
10,000-character passage, unbalanced quotes and brackets around real words. Each gets
results or a message, within seconds, and the words still find their articles.

Already covered and not repeated: the index alone with ``"x" * 10_000``,
``"putin " * 2_000`` and single unbalanced marks
(``tests/core/search/test_search.py::test_odd_queries_never_crash``), and 10,000
generated queries of up to 300 characters (``tests/core/search/test_query_fuzz.py``).
"""

from __future__ import annotations

import time

import pytest

from reader.core.errors import QueryError
from reader.core.library import Library
from reader.core.models import SearchPage

LONG = 10_000
#: Generous: the slowest of these takes about 1.5 s on the 2-core test machine.
SECONDS = 15


def timed_search(library: Library, query: str) -> SearchPage | QueryError:
    started = time.monotonic()
    try:
        answer: SearchPage | QueryError = library.search(query)
    except QueryError as exc:
        answer = exc
    assert time.monotonic() - started < SECONDS, f"{query[:40]!r}… took too long"
    return answer


def seed_ids(library: Library) -> dict[str, int]:
    by_title = {a.title: a.id for a in library.list_articles()}
    vladivostok = by_title["Xi and Putin vow to enhance ties between China and Russia"]
    other = next(i for i in by_title.values() if i != vladivostok)
    return {"vladivostok": vladivostok, "other": other}


@pytest.mark.parametrize(
    "query",
    [
        '"' * LONG,
        "(" * LONG,
        ")" * LONG,
        "[" * LONG,
        "]" * LONG,
        "{" * LONG,
        "*" * LONG,
        ":" * LONG,
        "~" * LONG,
        "\\" * LONG,
        "NOT " * (LONG // 4),
        "putin OR " * (LONG // 9),
        "((putin " * (LONG // 8),
        '"putin ' * (LONG // 7),
        "title:" * (LONG // 6),
        "putin~ " * (LONG // 7),
        "xi* " * (LONG // 4),
        "date:2019 " * (LONG // 10),
        "中俄关系" * (LONG // 4),
        "Путин " * (LONG // 6),
    ],
    ids=lambda q: f"{q[:8]!r}x{len(q)}",
)
def test_ten_thousand_characters_of_query_syntax(library: Library, query: str) -> None:
    assert len(query) >= LONG - 10
    answer = timed_search(library, query)
    if isinstance(answer, QueryError):
        assert str(answer).strip()
        return
    ids = {a.id for a in library.list_articles()}
    assert {h.article_id for h in answer.hits} <= ids
    assert answer.total >= len(answer.hits)
    for hit in answer.hits:
        assert "<script" not in hit.snippet


def test_a_pasted_ten_thousand_character_passage_finds_its_source(library: Library) -> None:
    ids = seed_ids(library)
    text = library.get_article(ids["vladivostok"]).text
    passage = "(" + " ".join([text] * (LONG // len(text) + 1))  # whole copies of the text
    assert len(passage) >= LONG
    answer = timed_search(library, passage)
    assert isinstance(answer, SearchPage), answer
    assert answer.hits[0].article_id == ids["vladivostok"]


@pytest.mark.xfail(
    strict=True,
    reason="found by this test, not fixed here (reader/core/search/queries.py): text with "
    "a quotation mark is parsed as an advanced query, where every word is required, so a "
    "pasted passage with one word its source lacks (here a word cut in two at the end of "
    "the 10,000 characters) finds nothing; without quotation marks it would be ranked "
    "by the words it shares (mode 'any')",
)
def test_a_pasted_passage_cut_mid_word_still_finds_its_source(library: Library) -> None:
    ids = seed_ids(library)
    text = library.get_article(ids["vladivostok"]).text
    assert '"' in text  # the article quotes someone, as news does
    passage = " ".join([text] * (LONG // len(text) + 1))[:LONG]
    assert passage.split()[-1] not in text.split()  # cut in the middle of a word
    answer = timed_search(library, passage)
    assert isinstance(answer, SearchPage), answer
    assert [h.article_id for h in answer.hits][:1] == [ids["vladivostok"]]


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ('"Vladivostok', {"vladivostok"}),
        ('Vladivostok"', {"vladivostok"}),
        ('"Vladivostok" "', {"vladivostok"}),
        ("(Vladivostok", {"vladivostok"}),
        ("Vladivostok)", {"vladivostok"}),
        ("((Vladivostok) OR", {"vladivostok"}),
        ("[Vladivostok", {"vladivostok"}),
        ("(Putin AND Xi", {"vladivostok", "other"}),
        ("Putin) Xi", {"vladivostok", "other"}),
        ('title:"Xi and Putin', {"vladivostok"}),
    ],
)
def test_unbalanced_quotes_and_brackets_still_find_the_words(
    library: Library, query: str, finds: set[str]
) -> None:
    ids = seed_ids(library)
    answer = timed_search(library, query)
    assert isinstance(answer, SearchPage), answer
    found = {h.article_id for h in answer.hits}
    assert {ids[name] for name in finds} <= found, (query, found)
