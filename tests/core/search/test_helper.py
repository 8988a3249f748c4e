"""Bulk indexing with a helper process: the same index as indexing alone, only new
documents handed over, and nothing lost when the helper dies."""

from __future__ import annotations

import contextlib
import os
import random
import signal
from pathlib import Path
from typing import Any

import pytest

from reader.core.search import HelperFailed, IndexDocument, SearchIndex
from reader.core.search import index as index_module
from reader.core.search.helper import SegmentHelper

WORDS = [
    *("Russia", "China", "gas", "pipeline", "Siberia", "price", "talks", "Putin", "Xi"),
    *("summit", "Beijing", "Moscow", "trade", "yuan", "rouble", "sanctions", "energy"),
    *("Arctic", "port", "railway", "bank", "loan", "border", "treaty", "army", "drill"),
]
QUERIES = ["gas", "Putin Xi", "pipeline OR railway", '"gas pipeline"', "sanct*", "title:summit"]


def _docs(count: int, *, first: int = 1, seed: int = 7, tag: str = "h") -> list[IndexDocument]:
    rng = random.Random(seed)
    return [
        IndexDocument(
            i,
            f"{tag}{i}",
            " ".join(rng.choices(WORDS, k=4)).capitalize(),
            " ".join(rng.choices(WORDS, k=rng.randint(20, 80))) + f" unique{i}.",
            source=rng.choice(["Reuters", "TASS", "Xinhua"]),
        )
        for i in range(first, first + count)
    ]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper takes part from 10 new documents on, in chunks of 3."""
    monkeypatch.setattr(index_module, "HELPER_FROM", 10)
    monkeypatch.setattr(index_module, "HELPER_CHUNK", 3)
    monkeypatch.delenv("COVERAGE_READER_NO_HELPER", raising=False)


def _answers(index: SearchIndex) -> dict[str, list[int]]:
    return {q: sorted(h.article_id for h in index.search(q, limit=500).hits) for q in QUERIES}


def _referenced_only(index: SearchIndex) -> None:
    """The index folder holds no temporary folders and no segment the index does not use."""
    assert not [p for p in index.path.iterdir() if p.is_dir()]
    on_disk = {p.name.split(".")[0] for p in index.path.glob("MAIN_*.seg")}
    in_use = {s.segment_id() for s in index._ix._segments()}
    assert in_use
    assert on_disk == in_use


def _helper_pid(index: SearchIndex) -> int:
    executor = index._helper._executor
    assert executor is not None
    (pid,) = executor._processes
    return int(pid)


def test_an_index_built_with_the_helper_is_the_index_built_alone(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _docs(60)
    with SearchIndex.open(tmp_path / "alone", create=True) as alone:
        monkeypatch.setenv("COVERAGE_READER_NO_HELPER", "1")
        alone.apply(docs, [])
        assert alone.segment_count() == 1
        expected = _answers(alone)
        expected_state = alone.stored_state()
    monkeypatch.delenv("COVERAGE_READER_NO_HELPER")
    with SearchIndex.open(tmp_path / "helped", create=True) as helped:
        helped.apply(docs, [])
        # The helper wrote a segment of its own, committed with this process's one.
        assert helped.segment_count() == 2
        assert 0 < helped._helper.sent < len(docs)
        assert helped.doc_count() == len(docs)
        assert helped.stored_state() == expected_state
        assert _answers(helped) == expected
        assert all(expected.values())
        _referenced_only(helped)
    # And after reopening from disk.
    with SearchIndex.open(tmp_path / "helped") as reopened:
        assert _answers(reopened) == expected


def test_only_new_documents_go_to_the_helper(tmp_path: Path, small_chunks: None) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        index.apply(_docs(30), [])
        # 28 replaced (new hashes, new words), two deleted and thirty new, in one commit.
        changed = _docs(28, seed=99, tag="changed")
        changed = [
            IndexDocument(d.article_id, d.content_hash, d.title, d.body + " revised")
            for d in changed
        ]
        index.apply([*changed, *_docs(30, first=31)], [29, 30])
        assert index._helper.sent > 0
        assert index.doc_count() == 58
        state = index.stored_state()
        assert len(state) == 58
        assert state[1] == "changed1"
        assert state[45] == "h45"
        assert 29 not in state
        assert 30 not in state
        # Each article once: the old copies of the replaced ones are gone.
        hits = index.search("revised", limit=100).hits
        assert sorted(h.article_id for h in hits) == list(range(1, 29))
        assert index.search("unique17", limit=10).total == 1


def test_a_killed_helper_loses_nothing(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed: list[int] = []
    send = SegmentHelper.send

    def send_then_die(self: SegmentHelper, documents: list[dict[str, Any]]) -> None:
        send(self, documents)
        if not killed:
            assert self._executor is not None
            pid = next(iter(self._executor._processes))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    monkeypatch.setattr(SegmentHelper, "send", send_then_die)
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        index.apply(_docs(40), [])
        assert killed
        assert index.doc_count() == 40
        assert len(index.stored_state()) == 40
        assert index.search("unique33", limit=5).total == 1
        # The next big commit starts a new helper and uses it.
        index.apply(_docs(40, first=41), [])
        assert _helper_pid(index) != killed[0]
        assert index.doc_count() == 80
        assert len(index.stored_state()) == 80
        _referenced_only(index)


def test_a_rebuild_with_the_helper(tmp_path: Path, small_chunks: None) -> None:
    docs = _docs(50)
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        index.apply(docs[:5], [])
        seen: list[int] = []
        assert index.rebuild(docs, progress=seen.append) == 50
        assert seen == sorted(seen)
        assert seen[-1] == 50
        assert index._helper.sent > 0
        assert index.doc_count() == 50
        assert index.segment_count() == 2
        before = _answers(index)
        # A cancelled rebuild leaves the index as it was.
        again: list[int] = []
        done = index.rebuild(
            _docs(50, seed=3), progress=again.append, cancelled=lambda: len(again) >= 3
        )
        assert 0 < done < 50
        assert _answers(index) == before
        _referenced_only(index)


def test_a_rebuild_whose_helper_dies_raises_and_keeps_the_old_index(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def die(self: SegmentHelper, documents: list[dict[str, Any]]) -> None:
        assert self._executor is not None
        for pid in list(self._executor._processes):
            with contextlib.suppress(ProcessLookupError):  # killed at the first chunk
                os.kill(pid, signal.SIGKILL)

    with SearchIndex.open(tmp_path / "index", create=True) as index:
        index.apply(_docs(5), [])
        monkeypatch.setattr(SegmentHelper, "send", die)
        with pytest.raises(HelperFailed):
            index.rebuild(_docs(30, seed=4))
        assert sorted(index.stored_state()) == [1, 2, 3, 4, 5]
        assert index.rebuild(_docs(30, seed=4), helper=False) == 30
        assert index.doc_count() == 30


def test_the_helper_stops_with_the_index(tmp_path: Path, small_chunks: None) -> None:
    index = SearchIndex.open(tmp_path / "index", create=True)
    index.apply(_docs(20), [])
    pid = _helper_pid(index)
    os.kill(pid, 0)  # running
    index.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_small_commits_do_not_start_a_helper(tmp_path: Path, small_chunks: None) -> None:
    with SearchIndex.open(tmp_path / "index", create=True) as index:
        index.apply(_docs(9), [])
        assert index._helper._executor is None
        assert index.doc_count() == 9
