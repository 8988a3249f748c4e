"""The search index on its own: query modes, fields, dates, snippets, suggestions,
bounded expansions, and an index that can always be thrown away and rebuilt."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core.errors import QueryError
from reader.core.search import IndexDocument, IndexUnavailable, SearchIndex
from reader.core.search.queries import MAX_EXPANSION

DOCS = [
    IndexDocument(
        1,
        "h1",
        "Russia and China sign gas deal",
        "Russia and China signed a long-awaited gas supply deal on Wednesday, ending a "
        "decade of negotiations over the price of Siberian gas.\n\nThe contract runs for "
        "thirty years, officials said.",
        source="Reuters",
        dateline="MOSCOW",
        author="Jane Doe",
        tags=("energy", "trade"),
        date=datetime(2014, 5, 21, 9, 30),
        language="en",
    ),
    IndexDocument(
        2,
        "h2",
        "Xi and Putin vow to enhance ties",
        "Chinese President Xi Jinping and his Russian counterpart Vladimir Putin vowed to "
        "further improve ties.\n\nThe two state leaders made the pledges in a joint press "
        "conference in Vladivostok on Tuesday.",
        source="CGTN",
        date=datetime(2018, 9, 14, 21, 9),
        language="en",
    ),
    IndexDocument(
        3,
        "h3",
        "Leaders exchange New Year letters",
        "Xi Jinping and Vladimir Putin exchanged New Year congratulatory letters, vowing "
        "to promote bilateral ties in the 70th anniversary year.",
        source="China Daily/Asia News Network",
        dateline="BEIJING",
        tags=("diplomacy",),
        date=datetime(2019, 1, 2),
        language="en",
    ),
    IndexDocument(
        4,
        "h4",
        "Markets & <script>alert(1)</script> notes",
        "Traders said the <b>rouble</b> & yuan moved little; the script tag above is text.",
        date=None,
    ),
]


def bodies_of(docs: Sequence[IndexDocument]) -> Callable[[Sequence[int]], Mapping[int, str]]:
    by_id = {d.article_id: d.body for d in docs}

    def bodies(ids: Sequence[int]) -> Mapping[int, str]:
        return {i: by_id[i] for i in ids if i in by_id}

    return bodies


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    with SearchIndex.open(tmp_path / "index", create=True) as ix:
        ix.apply(DOCS, [])
        yield ix


def ids(index: SearchIndex, query: str, **kwargs: object) -> list[int]:
    return [h.article_id for h in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


# -- what people type ------------------------------------------------------------------


def test_two_words_must_both_match_and_are_stemmed(index: SearchIndex) -> None:
    page = index.search("putin vowing")
    assert page.mode == "all"
    assert sorted(h.article_id for h in page.hits) == [2, 3]
    assert page.total == 2 and page.total_is_exact


def test_when_no_article_has_all_words_the_best_partial_matches_are_shown(
    index: SearchIndex,
) -> None:
    page = index.search("putin zebra")
    assert page.mode == "any"
    assert {h.article_id for h in page.hits} == {2, 3}
    assert any("all of these words" in n for n in page.notices)


def test_a_pasted_sentence_finds_its_source_first(index: SearchIndex) -> None:
    sentence = (
        "The two state leaders made the pledges in a joint press conference in "
        "Vladivostok on Tuesday."
    )
    page = index.search(sentence)
    assert page.mode == "any"
    assert page.hits[0].article_id == 2
    assert page.hits[0].score > page.hits[1].score


def test_boolean_operators_phrases_and_groups(index: SearchIndex) -> None:
    assert ids(index, "putin NOT vladivostok") == [3]
    assert sorted(ids(index, "gas OR letters")) == [1, 3]
    assert ids(index, '"joint press conference"') == [2]
    assert ids(index, '"press joint conference"') == []
    assert sorted(ids(index, "(gas OR vladivostok) AND (russia OR putin)")) == [1, 2]
    assert ids(index, "putin -vladivostok") == [3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source:reuters", [1]),
        ('source:"china daily"', [3]),
        ("outlet:cgtn", [2]),
        ("dateline:beijing", [3]),
        ("author:doe", [1]),
        ("tag:trade", [1]),
        ("tag:diplomacy", [3]),
        ("title:letters", [3]),
        ("lang:en gas", [1]),
    ],
)
def test_fields(index: SearchIndex, query: str, expected: list[int]) -> None:
    assert sorted(ids(index, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date:2019", [3]),
        ("date:2018-09", [2]),
        ("date:2018-09-14", [2]),
        ("date:2018-9-15", []),
        ("date:[2014 TO 2018]", [1, 2]),
        ("date:[2018-09 TO 2019-01-02]", [2, 3]),
        ("date:[2018-09-01 to 2018-12-31]", [2]),
        ("date:>2018", [3]),
        ("date:>=2018 putin", [2, 3]),
    ],
)
def test_dates(index: SearchIndex, query: str, expected: list[int]) -> None:
    assert sorted(ids(index, query)) == expected


def test_sorting_by_date(index: SearchIndex) -> None:
    assert ids(index, "putin OR gas", sort="date") == [3, 2, 1]
    assert ids(index, "putin OR gas", sort="date-asc") == [1, 2, 3]
    with pytest.raises(QueryError, match="unknown sort"):
        index.search("putin", sort="colour")


def test_prefix_matches_words_as_written_not_stems(index: SearchIndex) -> None:
    # "negotiations" is indexed as the stem "negoti"; a prefix must still find it.
    assert ids(index, "negotiat*") == [1]
    assert sorted(ids(index, "vlad*")) == [2, 3]
    assert ids(index, "vlad?vostok") == [2]


def test_fuzzy_terms(index: SearchIndex) -> None:
    assert ids(index, "Vladivostock~") == [2]
    assert sorted(ids(index, "ties~")) == [2, 3]


def test_did_you_mean(index: SearchIndex) -> None:
    page = index.search("Vladivostock")
    assert page.hits == ()
    assert page.suggestion == "Vladivostok"
    assert index.search("putin Vladivostock").suggestion == "putin Vladivostok"
    # Field values and operators are left alone.
    assert index.search("source:reuterz").suggestion is None
    assert index.search("putin").suggestion is None


def test_bad_queries_are_explained(index: SearchIndex) -> None:
    with pytest.raises(QueryError, match="empty"):
        index.search("   ")
    with pytest.raises(QueryError, match="very common words"):
        index.search("the and of")
    with pytest.raises(QueryError, match="date"):
        index.search("date:20x9")


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        "(open bracket",
        "close) bracket",
        "[",
        "]]",
        "AND",
        "OR OR",
        "NOT",
        "title:",
        ":",
        "~",
        "*",
        "a*b*c",
        "date:",
        '""',
        "x" * 10_000,
        "putin " * 2_000,
    ],
)
def test_odd_queries_never_crash(index: SearchIndex, query: str) -> None:
    try:
        page = index.search(query)
    except QueryError as exc:
        assert str(exc)
    else:
        assert page.total == len(page.hits) or page.total > len(page.hits)


def test_paging(index: SearchIndex) -> None:
    everything = ids(index, "putin OR gas OR rouble", sort="date-asc", limit=10)
    assert len(everything) == 4
    page = index.search("putin OR gas OR rouble", sort="date-asc", limit=2, offset=2)
    assert [h.article_id for h in page.hits] == everything[2:4]
    assert page.total == 4


# -- snippets ----------------------------------------------------------------------


def test_snippets_mark_matches_at_stored_offsets(index: SearchIndex) -> None:
    page = index.search("vladivostok", bodies=bodies_of(DOCS))
    snippet = page.hits[0].snippet
    assert "<mark>Vladivostok</mark>" in snippet
    assert "\n" not in snippet


def test_a_phrase_is_marked_as_one(index: SearchIndex) -> None:
    page = index.search('"joint press conference"', bodies=bodies_of(DOCS))
    assert "<mark>joint press conference</mark>" in page.hits[0].snippet


def test_snippets_escape_the_text(index: SearchIndex) -> None:
    snippet = index.search("rouble", bodies=bodies_of(DOCS)).hits[0].snippet
    assert "&lt;b&gt;<mark>rouble</mark>&lt;/b&gt; &amp; yuan" in snippet
    assert "<b>" not in snippet


def test_a_title_only_hit_shows_the_opening(index: SearchIndex) -> None:
    snippet = index.search("title:letters", bodies=bodies_of(DOCS)).hits[0].snippet
    assert snippet.startswith("Xi Jinping and Vladimir Putin exchanged")


def test_snippet_offsets_hold_for_non_ascii_text(tmp_path: Path) -> None:
    body = "Réunion à Genève — «Détente» 🙂 talks resumed in Genève’s old town."
    with SearchIndex.open(tmp_path / "ix", create=True) as ix:
        ix.apply([IndexDocument(1, "h", "T", body)], [])
        snippet = ix.search("talks", bodies=lambda _ids: {1: body}).hits[0].snippet
    assert "🙂 <mark>talks</mark> resumed" in snippet


# -- similar articles and completion -------------------------------------------------


def test_more_like_this(index: SearchIndex) -> None:
    similar = index.more_like_this(2, DOCS[1].body, limit=3)
    assert similar and similar[0][0] == 3
    assert 2 not in [i for i, _ in similar]
    assert index.more_like_this(999, "nothing") == []


def test_complete_offers_frequent_words(index: SearchIndex) -> None:
    assert index.complete("vla")[:2] == ["vladimir", "vladivostok"]
    assert index.complete("") == []


# -- keeping the index in step --------------------------------------------------------


def test_apply_replaces_and_deletes(index: SearchIndex) -> None:
    changed = IndexDocument(1, "h1b", "Pipeline talks stall", "No deal on the pipeline yet.")
    index.apply([changed], [3])
    assert ids(index, "gas") == []
    assert ids(index, "pipeline") == [1]
    assert ids(index, "letters") == []
    assert index.stored_state() == {1: "h1b", 2: "h2", 4: "h4"}
    assert index.doc_count() == 3


def test_a_repeated_search_is_answered_from_recent_pages(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[object] = []
    run = SearchIndex._run

    def counting_run(*args: object) -> object:
        runs.append(args[1])
        return run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "_run", staticmethod(counting_run))
    bodies = bodies_of(DOCS)
    first = index.search('"gas deal" OR putin', bodies=bodies)
    again = index.search('"gas deal" OR putin', bodies=bodies)
    assert len(runs) == 1
    assert again.hits == first.hits and again.total == first.total == 3
    assert again.notices == first.notices and again.mode == first.mode
    # Another page, sort, or snippet setting is another search.
    index.search('"gas deal" OR putin', bodies=bodies, sort="date")
    index.search('"gas deal" OR putin', bodies=bodies, limit=1)
    index.search('"gas deal" OR putin')
    assert len(runs) == 4


def test_recent_pages_never_outlive_a_change_of_the_index(index: SearchIndex) -> None:
    bodies = bodies_of(DOCS)
    assert [h.article_id for h in index.search("gas", bodies=bodies).hits] == [1]
    assert ids(index, "pipeline") == []
    changed = IndexDocument(1, "h1b", "Pipeline talks stall", "No deal on the pipeline yet.")
    index.apply([changed], [3])
    page = index.search("gas", bodies=bodies_of([changed]))
    assert page.hits == () and page.total == 0
    assert ids(index, "pipeline") == [1]
    assert ids(index, "letters") == []
    index.apply([DOCS[2]], [])
    assert ids(index, "letters") == [3]
    index.rebuild(DOCS[:2])
    assert ids(index, "letters") == []
    assert ids(index, "gas") == [1]


def test_many_segments_still_give_prefixes_and_suggestions(tmp_path: Path) -> None:
    # Whoosh's own multi-segment term cursor is broken; ours walks each segment.
    with SearchIndex.open(tmp_path / "ix", create=True) as ix:
        for i, word in enumerate(["consulate", "constant", "consensus", "Vladivostok"]):
            ix.apply([IndexDocument(i + 1, "h", f"Doc {i}", f"The {word} was mentioned.")], [])
        assert sorted(ids(ix, "cons*")) == [1, 2, 3]
        assert ix.search("Vladivostock").suggestion == "Vladivostok"


def test_a_prefix_matching_too_many_words_is_bounded(tmp_path: Path) -> None:
    words = [f"zed{n:04d}x" for n in range(MAX_EXPANSION + 40)]
    docs = [
        IndexDocument(i + 1, "h", f"Doc {i}", " ".join(words[: i + 1])) for i in range(len(words))
    ]
    with SearchIndex.open(tmp_path / "ix", create=True) as ix:
        ix.apply(docs, [])
        page = ix.search("zed*", limit=5)
    assert page.partial and not page.total_is_exact
    assert any("most common" in n for n in page.notices)
    assert len(page.hits) == 5


def test_aware_dates_are_indexed_in_utc(tmp_path: Path) -> None:
    moscow = timezone(timedelta(hours=3))
    doc = IndexDocument(1, "h", "T", "Late news.", date=datetime(2019, 1, 1, 1, 0, tzinfo=moscow))
    with SearchIndex.open(tmp_path / "ix", create=True) as ix:
        ix.apply([doc], [])
        assert ids(ix, "date:2018-12-31") == [1]


def test_rebuild_swaps_in_a_new_index_and_cancel_keeps_the_old(index: SearchIndex) -> None:
    seen: list[int] = []
    assert index.rebuild(DOCS[:2], progress=seen.append) == 2
    assert index.stored_state() == {1: "h1", 2: "h2"}
    assert seen[-1] == 2
    assert index.rebuild(DOCS, cancelled=lambda: True) == 0
    assert index.stored_state() == {1: "h1", 2: "h2"}
    assert not (index.path.parent / "index.new").exists()


def test_open_refuses_missing_damaged_or_foreign_indexes(tmp_path: Path) -> None:
    path = tmp_path / "index"
    with pytest.raises(IndexUnavailable, match="missing"):
        SearchIndex.open(path)
    with SearchIndex.open(path, create=True) as ix:
        ix.apply(DOCS, [])
    with SearchIndex.open(path) as ix:
        assert ix.doc_count() == 4

    marker = path / "coverage-reader-index.json"
    saved = marker.read_text()
    marker.write_text('{"schema": 0}')
    with pytest.raises(IndexUnavailable, match="another version"):
        SearchIndex.open(path)
    marker.write_text(saved)

    segment = next(path.glob("*.seg"))
    data = segment.read_bytes()
    segment.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexUnavailable, match="damaged"):
        SearchIndex.open(path)
    segment.unlink()
    with pytest.raises(IndexUnavailable):
        SearchIndex.open(path)

    with SearchIndex.open(path, create=True) as ix:
        assert ix.doc_count() == 0


def test_leftovers_of_a_killed_rebuild_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.open(path, create=True).close()
    (tmp_path / "index.new").mkdir()
    (tmp_path / "index.new" / "junk").write_text("x")
    SearchIndex.open(path).close()
    assert not (tmp_path / "index.new").exists()


def test_one_article_at_a_time_keeps_segments_few_and_merges_small(tmp_path: Path) -> None:
    from reader.core.search.index import MERGE_FACTOR, SMALL_SEGMENT

    with SearchIndex.open(tmp_path / "ix", create=True) as ix:
        counts = []
        for i in range(1, 201):
            ix.apply([IndexDocument(i, "h", f"Note {i}", f"Edited passage number{i}.")], [])
            counts.append(ix.segment_count())
        # At most MERGE_FACTOR - 1 segments per tier below SMALL_SEGMENT (four tiers).
        assert max(counts) <= 4 * (MERGE_FACTOR - 1)
        assert counts[-1] < 10
        assert SMALL_SEGMENT * MERGE_FACTOR > 200
        assert ix.doc_count() == 200
        assert ids(ix, "number17") == [17]
        ix.apply([IndexDocument(17, "h2", "Note 17", "Changed again.")], [])
        assert ids(ix, "number17") == [] and ids(ix, "changed") == [17]
        assert ix.doc_count() == 200


def test_big_segments_are_not_merged_in_the_foreground(tmp_path: Path) -> None:
    from reader.core.search.index import MERGE_FACTOR, SMALL_SEGMENT

    def batch(first: int) -> list[IndexDocument]:
        return [
            IndexDocument(i, "h", f"Note {i}", f"Passage number{i}.")
            for i in range(first, first + SMALL_SEGMENT)
        ]

    with SearchIndex.open(tmp_path / "ix", create=True) as ix:
        for n in range(MERGE_FACTOR + 1):
            ix.apply(batch(1 + n * SMALL_SEGMENT), [])
        # Each import-sized commit stays a segment of its own …
        assert ix.segment_count() == MERGE_FACTOR + 1
        # … until most of one is deleted: then it is small and merged like one.
        ix.apply([], list(range(1, SMALL_SEGMENT - 2)))
        # Single articles: with the rest of the deleted one (3 live), a full tier.
        for i in range(MERGE_FACTOR):
            ix.apply([IndexDocument(90_000 + i, "h", "Extra", "Extra words.")], [])
        assert ix.segment_count() == MERGE_FACTOR + 1
        live = (MERGE_FACTOR + 1) * SMALL_SEGMENT - (SMALL_SEGMENT - 3)
        assert ix.doc_count() == live + MERGE_FACTOR
        assert ids(ix, f"number{SMALL_SEGMENT - 1}") == [SMALL_SEGMENT - 1]
        assert ids(ix, "number5") == []
