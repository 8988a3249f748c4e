"""Expanded prefixes and fuzzy terms: every matching article is found and counted, the
best ones first, in indexes of many segments and with deleted articles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import query as wq

from reader.core.search import IndexDocument, SearchIndex
from reader.core.search import index as index_module
from reader.core.search.expansion import AnyWord

WORDS = [f"con{c}{d}ation" for c in "abcdefgh" for d in "ijklmnop"]  # 64 words, one prefix
FILLER = ["russia", "china", "trade", "energy", "summit", "border", "pipeline", "visit"]


def _corpus(seed: int = 3) -> list[IndexDocument]:
    rng = random.Random(seed)
    docs = []
    for i in range(1, 601):
        words = [rng.choice(FILLER) for _ in range(rng.randint(20, 80))]
        if i % 3:  # two thirds of the articles have some con… words
            words += rng.sample(WORDS, rng.randint(1, 4))
        rng.shuffle(words)
        title = f"Story {i} " + (rng.choice(WORDS) if i % 7 == 0 else "")
        docs.append(IndexDocument(i, f"h{i}", title, " ".join(words) + "."))
    return docs


def _expected(docs: list[IndexDocument], deleted: set[int]) -> set[int]:
    return {
        d.article_id
        for d in docs
        if ("con" in d.body or "con" in d.title) and d.article_id not in deleted
    }


def _many_segments(path: Path, docs: list[IndexDocument]) -> SearchIndex:
    index = SearchIndex.open(path, create=True)
    for start in range(0, len(docs), 150):  # four commits of 150: four segments
        index.apply(docs[start : start + 150], [])
    return index


def test_a_prefix_finds_and_counts_every_article_across_segments(tmp_path: Path) -> None:
    docs = _corpus()
    with _many_segments(tmp_path / "ix", docs) as index:
        assert index.segment_count() > 1
        page = index.search("con*", limit=20)
        expected = _expected(docs, set())
        # Whoosh's top-N shortcuts turned the OR into an AND once twenty good hits were
        # found, and the count came out short.
        assert page.total == len(expected) > 400
        every = index.search("con*", limit=1000)
        assert {h.article_id for h in every.hits} == expected
        # Sorted by date the count is the same.
        assert index.search("con*", limit=5, sort="date").total == len(expected)


def test_deleted_articles_are_not_found_by_a_prefix(tmp_path: Path) -> None:
    docs = _corpus()
    with _many_segments(tmp_path / "ix", docs) as index:
        gone = {2, 5, 301, 598}
        index.apply([], sorted(gone))
        every = index.search("con*", limit=1000)
        assert {h.article_id for h in every.hits} == _expected(docs, gone)
        assert every.total == len(_expected(docs, set())) - len(gone)


def test_articles_with_more_of_the_words_rank_higher(tmp_path: Path) -> None:
    docs = [
        IndexDocument(1, "a", "One", "russia " * 30 + WORDS[0]),
        IndexDocument(2, "b", "Two", "russia " * 30 + " russia ".join(WORDS[:4])),
        IndexDocument(3, "c", "Three", "russia " * 30 + " russia ".join(WORDS[:2])),
        IndexDocument(4, "d", "Four", "russia " * 30),
    ]
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply(docs, [])
        texts = {d.article_id: d.body for d in docs}
        page = index.search("con*", bodies=lambda ids: {i: texts[i] for i in ids})
        assert [h.article_id for h in page.hits] == [2, 3, 1]
        assert page.hits[0].score > page.hits[1].score > page.hits[2].score > 0
        # The snippet marks every expanded word the article has, not only the first.
        assert page.hits[0].snippet.count("<mark>") == 4
        assert page.hits[0].matched_in == ("body",)


def test_any_word_matches_exactly_what_a_plain_or_matches(tmp_path: Path) -> None:
    docs = _corpus(seed=11)
    with _many_segments(tmp_path / "ix", docs) as index:
        index.apply([], [7, 8, 9])
        searcher = index._current_searcher()
        terms = [wq.Term("body", w) for w in ("russia", "conaiation", "conbjation", "nothere")]
        ours = set(searcher.docs_for_query(AnyWord(terms)))
        theirs = set(searcher.docs_for_query(wq.Or(terms)))
        assert ours == theirs
        assert len(ours) > 500


@pytest.mark.parametrize(
    "query", ["russia", "pipeline OR summit", "title:story OR border", "conaiation OR china"]
)
def test_plain_words_score_exactly_as_whoosh_does(
    tmp_path: Path, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _corpus(seed=5)
    with _many_segments(tmp_path / "ix", docs) as index:
        index.apply([], [4, 400])
        ours = index.search(query, limit=1000)
        our_page = index.search(query, limit=5, offset=3)
        # Whoosh's own matchers for the same query.
        monkeypatch.setattr(index_module, "_any_words", lambda q: q)
        theirs = index.search(query, limit=1000)
        their_page = index.search(query, limit=5, offset=3)
    assert ours.total == theirs.total > 0
    # A short page: its hits, where they matched and their marked words are Whoosh's.
    assert our_page.total == their_page.total
    assert [(h.article_id, h.matched_in) for h in our_page.hits] == [
        (h.article_id, h.matched_in) for h in their_page.hits
    ]
    assert {h.article_id: round(h.score, 9) for h in ours.hits} == {
        h.article_id: round(h.score, 9) for h in theirs.hits
    }
    assert [h.matched_in for h in ours.hits] == [h.matched_in for h in theirs.hits]
