"""Merging big segments in the background: fewer segments, the same answers, and
nothing lost to articles changed meanwhile, a killed merger or closing the index."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from reader.core.search import IndexDocument, SearchIndex
from reader.core.search import helper as helper_module
from reader.core.search import index as index_module

WORDS = ("gas", "pipeline", "summit", "treaty", "border", "railway", "sanctions", "yuan")


@pytest.fixture
def tiny_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 5 live documents count as big, and more than 3 of them are merged
    four at a time."""
    monkeypatch.setattr(index_module, "SMALL_SEGMENT", 5)
    monkeypatch.setattr(index_module, "MAX_BIG_SEGMENTS", 3)
    monkeypatch.setattr(index_module, "MERGE_FACTOR", 4)
    monkeypatch.delenv("COVERAGE_READER_NO_HELPER", raising=False)


def _batch(first: int, count: int = 5, tag: str = "h") -> list[IndexDocument]:
    return [
        IndexDocument(
            i,
            f"{tag}{i}",
            f"Story {i} {WORDS[i % len(WORDS)]}",
            f"The {WORDS[i % len(WORDS)]} and the {WORDS[(i * 3) % len(WORDS)]} item{i}.",
        )
        for i in range(first, first + count)
    ]


def _answers(index: SearchIndex) -> dict[str, list[int]]:
    queries = [*WORDS, "gas OR yuan", '"the gas"', "item1*", "title:summit"]
    return {q: sorted(h.article_id for h in index.search(q, limit=500).hits) for q in queries}


def _files(index: SearchIndex) -> tuple[set[str], set[str]]:
    on_disk = {p.name.split(".")[0] for p in index.path.glob("MAIN_*.seg")}
    in_use = {s.segment_id() for s in index._ix._segments()}
    return on_disk, in_use


def test_big_segments_are_merged_in_the_background(tmp_path: Path, tiny_segments: None) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        for n in range(3):
            index.apply(_batch(1 + 5 * n), [])
        assert not index.merging()
        expected_state = index.stored_state()
        expected = None
        index.apply(_batch(16), [])  # the fourth big segment: a merge starts
        expected_state.update({i: f"h{i}" for i in range(16, 21)})
        assert index.merging()
        assert index.wait_for_merges(60)
        assert index.segment_count() == 1
        assert index.doc_count() == 20
        assert index.stored_state() == expected_state
        expected = _answers(index)
        assert expected["gas"]
        on_disk, in_use = _files(index)
        assert on_disk == in_use
        assert not [p for p in index.path.iterdir() if p.is_dir()]
    with SearchIndex.open(tmp_path / "index") as reopened:
        assert _answers(reopened) == expected


def test_articles_changed_during_a_merge_stay_changed(tmp_path: Path, tiny_segments: None) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        for n in range(4):
            index.apply(_batch(1 + 5 * n), [])
        assert index.merging()
        # While the merger works (its process is still starting): one article deleted,
        # one replaced, one added; each commit is small and does not wait for it.
        index.apply([], [3])
        index.apply([IndexDocument(7, "new7", "Story 7 revised", "Completely rewritten.")], [])
        index.apply([IndexDocument(99, "h99", "Late story", "The gas arrived late.")], [])
        assert index.wait_for_merges(60)
        state = index.stored_state()
        assert 3 not in state
        assert state[7] == "new7"
        assert state[99] == "h99"
        assert len(state) == 20
        assert index.doc_count() == 20
        assert [h.article_id for h in index.search("rewritten").hits] == [7]
        assert index.search("item7").total == 0
        assert index.search("item3").total == 0
        assert index.search("item4").total == 1
        # The merged segment replaced the four it merged; the small ones stay.
        assert index.segment_count() < 5


def test_a_killed_merger_loses_nothing(tmp_path: Path, tiny_segments: None) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        for n in range(4):
            index.apply(_batch(1 + 5 * n), [])
        assert index.merging()
        executor = index._merger._executor
        assert executor is not None
        deadline = time.monotonic() + 30
        while not executor._processes and time.monotonic() < deadline:
            time.sleep(0.01)
        for pid in list(executor._processes):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert index.wait_for_merges(60)
        assert index.doc_count() == 20
        assert len(index.stored_state()) == 20
        assert index.search("item13").total == 1
        # Whether or not the merge finished before the kill, no file is left over, and
        # the next commit merges what is still to merge.
        index.apply(_batch(21), [])
        assert index.wait_for_merges(60)
        assert index.segment_count() <= 2
        assert index.doc_count() == 25
        on_disk, in_use = _files(index)
        assert on_disk == in_use
        assert not [p for p in index.path.iterdir() if p.is_dir()]


def test_closing_stops_a_merge_and_leaves_no_files(tmp_path: Path, tiny_segments: None) -> None:
    index = SearchIndex.open(tmp_path / "index", create=True)
    for n in range(4):
        index.apply(_batch(1 + 5 * n), [])
    assert index.merging()
    index.close()
    assert not [p for p in (tmp_path / "index").iterdir() if p.is_dir()]
    with SearchIndex.open(tmp_path / "index") as reopened:
        assert reopened.doc_count() == 20
        assert reopened.search("item17").total == 1


def test_a_rebuild_stops_a_merge(tmp_path: Path, tiny_segments: None) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        for n in range(4):
            index.apply(_batch(1 + 5 * n), [])
        assert index.merging()
        assert index.rebuild(_batch(1, 12, tag="r"), helper=False) == 12
        assert not index.merging()
        assert index.doc_count() == 12
        assert set(index.stored_state().values()) == {f"r{i}" for i in range(1, 13)}
        # A late answer from the stopped merge changes nothing.
        time.sleep(0.5)
        assert index.doc_count() == 12


def test_a_stale_merge_folder_is_removed_on_open(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        index.apply(_batch(1), [])
    stale = tmp_path / "index" / f"{helper_module.MERGE_PREFIX}dead"
    stale.mkdir()
    (stale / "MAIN_x.seg").write_bytes(b"half a segment")
    fresh = tmp_path / "index" / f"{helper_module.MERGE_PREFIX}running"
    fresh.mkdir()
    (fresh / "MAIN_y.seg").write_bytes(b"being written")
    old = time.time() - helper_module.STALE_MERGE_S - 60
    os.utime(stale / "MAIN_x.seg", (old, old))
    with SearchIndex.open(tmp_path / "index") as index:
        assert index.doc_count() == 5
    assert not stale.exists()
    # A folder still being written (by another copy of the app) is left alone.
    assert fresh.exists()


def test_maintain_merges_an_index_left_with_many_segments(
    tmp_path: Path, tiny_segments: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four big segments written without merging (as a copy with merging off leaves them).
    monkeypatch.setenv("COVERAGE_READER_NO_HELPER", "1")
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        for n in range(4):
            index.apply(_batch(1 + 5 * n), [])
        assert not index.merging()
        assert not index.maintain()
        assert index.segment_count() == 4
    monkeypatch.delenv("COVERAGE_READER_NO_HELPER")
    with SearchIndex.open(tmp_path / "index") as index:
        assert index.maintain()
        assert index.wait_for_merges(60)
        assert index.segment_count() == 1
        assert index.doc_count() == 20
        # Nothing more to do.
        assert not index.maintain()


def test_a_big_import_leaves_merging_to_its_end(
    tmp_path: Path, tiny_segments: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "HELPER_FROM", 5)
    # No indexing helper (one segment per batch); background merges stay on.
    monkeypatch.setattr(index_module, "helper_available", lambda: False)
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        for n in range(5):
            index.apply(_batch(1 + 5 * n), [])  # five new articles: "big" here
        assert not index.merging()
        assert index.segment_count() == 5
        # The importer asks for maintenance when it is done.
        assert index.maintain()
        assert index.wait_for_merges(60)
        assert index.segment_count() == 2
        assert index.doc_count() == 25
