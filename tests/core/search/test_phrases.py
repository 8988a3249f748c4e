"""Exact phrases: our position check finds exactly what Whoosh's span matcher finds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh.query.spans import SpanNear2

from reader.core.search import IndexDocument, SearchIndex, phrases

WORDS = ["china", "russia", "gas", "pipeline", "deal", "talks", "the", "of", "minister"]


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    rng = random.Random(5)
    docs = [
        IndexDocument(i, f"h{i}", f"Story {i}", " ".join(rng.choices(WORDS, k=rng.randint(5, 60))))
        for i in range(1, 401)
    ]
    index = SearchIndex.open(tmp_path / "ix", create=True)
    index.apply(docs[:200], [])
    index.apply(docs[200:], [])
    index.apply([], [3, 250])  # deletions in both segments
    return index


QUERIES = [
    '"china russia"',
    '"china china"',
    '"gas pipeline deal"',
    '"pipeline gas"',
    '"minister of china"',  # a stop word inside
    '"russia gas" talks',
    '"deal deal deal"',
    'title:"story 7"',
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_articles_as_whoosh(
    index: SearchIndex, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = index.search(query, limit=1000)
    with monkeypatch.context() as patch:
        patch.setattr(SpanNear2.SpanNear2Matcher, "_get_spans", phrases._original_get_spans)
        theirs = index.search(query, limit=1000)
    assert ours.total == theirs.total
    assert {h.article_id for h in ours.hits} == {h.article_id for h in theirs.hits}
    assert [round(h.score, 6) for h in ours.hits] == [round(h.score, 6) for h in theirs.hits]
    index.close()


def test_a_phrase_needs_its_words_in_order_and_adjacent(tmp_path: Path) -> None:
    docs = [
        IndexDocument(1, "a", "A", "gas pipeline deal signed"),
        IndexDocument(2, "b", "B", "pipeline gas deal signed"),
        IndexDocument(3, "c", "C", "gas new pipeline deal"),
        IndexDocument(4, "d", "D", "gas pipeline news, deal pending"),
    ]
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply(docs, [])
        assert {h.article_id for h in index.search('"gas pipeline"').hits} == {1, 4}
        assert {h.article_id for h in index.search('"gas pipeline deal"').hits} == {1}
        assert {h.article_id for h in index.search('"pipeline deal"').hits} == {1, 3}
