"""The vocabulary (words as written) beside the index: what prefixes, fuzzy terms,
suggestions and completion are expanded against."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.search import IndexDocument, SearchIndex
from reader.core.search.index import IndexUnavailable
from reader.core.search.vocabulary import FILE_NAME, Vocabulary, words_of


def test_words_are_as_written_lower_case_without_stop_words() -> None:
    assert words_of("The Negotiations were VOWED", None, "and talks") == {
        "negotiations",
        "vowed",
        "talks",
    }


def test_most_frequent_words_of_a_prefix_first_and_the_rest_flagged(tmp_path: Path) -> None:
    vocabulary = Vocabulary(tmp_path)
    vocabulary.add([{"contract", "control"}, {"control", "convoy"}, {"control"}, {"zebra"}])
    vocabulary.add([{"contract"}])
    words, cut = vocabulary.words_with_prefix("con", limit=2)
    assert words == {"control": 3, "contract": 2}
    assert cut is True
    words, cut = vocabulary.words_with_prefix("con", limit=10)
    assert list(words) == ["control", "contract", "convoy"] and cut is False
    assert vocabulary.words_with_prefix("x", limit=10) == ({}, False)
    assert vocabulary.words_within("contrl", 1) == {"control"}
    assert vocabulary.words_within("convoi", 2) >= {"convoy"}
    vocabulary.close()


def test_the_index_counts_the_words_of_what_it_indexes(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply(
            [
                IndexDocument(1, "a", "Pipeline talks", "Negotiators negotiated."),
                IndexDocument(2, "b", "Other", "Negotiators met."),
            ],
            [],
        )
        assert index.search("negotiat*").total == 2
        assert index.complete("negotiat") == ["negotiators", "negotiated"]


def test_a_deleted_articles_words_are_never_offered(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply(
            [
                IndexDocument(1, "a", "One", "The zeppelin landed."),
                IndexDocument(2, "b", "Two", "The zeppelins flew and zephyrs blew."),
            ],
            [],
        )
        index.apply([], [2])
        # The vocabulary still counts the deleted article's words (until a rebuild) …
        assert index.search("zep*").total == 1
        # … but completion and "did you mean" offer only words some article has.
        offered = index.complete("zep")
        assert "zeppelin" in offered and "zephyrs" not in offered
        assert index.search("zephyr").suggestion in (None, "zeppelin")
        assert index.search("zepelin").suggestion == "zeppelin"


def test_a_rebuild_starts_the_vocabulary_afresh(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply([IndexDocument(1, "a", "Old", "Obsolete quixotic words.")], [])
        index.rebuild([IndexDocument(2, "b", "New", "Quite new words.")])
        assert index.complete("qui") == ["quite"]
        assert Vocabulary(tmp_path / "ix").words_with_prefix("qui", limit=9)[0] == {"quite": 1}


def test_an_index_without_its_vocabulary_is_rebuilt(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply([IndexDocument(1, "a", "One", "Words.")], [])
    (tmp_path / "ix" / FILE_NAME).unlink()
    with pytest.raises(IndexUnavailable, match="vocabulary"):
        SearchIndex.open(tmp_path / "ix")
