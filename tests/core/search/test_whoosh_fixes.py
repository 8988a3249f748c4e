"""Our fixes to the pinned whoosh-reloaded: each is active and does what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from reader.core.search import IndexDocument, SearchIndex


def test_a_commit_does_not_stat_a_file_per_posting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    real = FileStorage.file_exists

    def counting(self: FileStorage, name: str) -> bool:
        nonlocal calls
        calls += 1
        return bool(real(self, name))

    monkeypatch.setattr(FileStorage, "file_exists", counting)
    words = " ".join(f"word{i}" for i in range(200))
    docs = [IndexDocument(i, f"h{i}", f"Title {i}", f"{words} doc{i}.") for i in range(1, 51)]
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        calls = 0
        index.apply(docs, [])
        # 50 documents × ~200 distinct words = ~10,000 postings; without the fix, one
        # stat() each. With it, a handful per field.
        assert calls < 200, calls
        page = index.search("word7")
        assert page.total == 50
        # Lengths are still read right: a shorter document with the word ranks higher.
        index.apply([IndexDocument(99, "h", "Short", "word7 alone.")], [])
        assert index.search("word7").hits[0].article_id == 99


def test_opening_a_searcher_does_not_copy_the_segments(tmp_path: Path) -> None:
    import tracemalloc

    words = " ".join(f"term{i}" for i in range(400))
    docs = [IndexDocument(i, f"h{i}", f"Title {i}", f"{words} doc{i}.") for i in range(1, 301)]
    with SearchIndex.open(tmp_path / "ix", create=True) as index:
        index.apply(docs, [])
    on_disk = sum(p.stat().st_size for p in (tmp_path / "ix").iterdir())
    assert on_disk > 500_000
    tracemalloc.start()
    try:
        with SearchIndex.open(tmp_path / "ix") as index:
            assert index.search("term7").total == 300
            _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Before the fix every open file of a segment was copied into a BytesIO (the probe
    # and the searcher: twice the index).
    assert peak < on_disk / 4, (peak, on_disk)


def test_the_stream_over_a_segment_reads_like_a_file() -> None:
    import io
    import pickle

    from whoosh.filedb.structfile import BufferFile

    data = b"first line\nsecond\n" + pickle.dumps({"a": [1, 2, 3]}) + b"tail"
    ours = BufferFile(memoryview(data)).file
    theirs = io.BytesIO(data)
    for handle in (ours, theirs):
        handle.seek(0)
    assert ours.readline() == theirs.readline() == b"first line\n"
    assert ours.read(3) == theirs.read(3) == b"sec"
    assert ours.readline() == theirs.readline() == b"ond\n"
    assert pickle.load(ours) == pickle.load(theirs) == {"a": [1, 2, 3]}
    assert ours.tell() == theirs.tell()
    assert ours.read() == theirs.read() == b"tail"
    assert ours.read(5) == theirs.read(5) == b""
    assert ours.seek(-4, 2) == theirs.seek(-4, 2)
    assert ours.seek(2, 1) == theirs.seek(2, 1)
    assert ours.read() == theirs.read() == b"il"


def test_a_file_being_written_knows_its_position(tmp_path: Path) -> None:
    from array import array

    storage = FileStorage(str(tmp_path)).create()
    f = storage.create_file("x.bin")
    assert type(f.file).__name__ == "_CountingWriter"  # the fix is active
    f.write(b"abc")
    f.write_int(7)
    f.write_pickle({"a": 1})
    f.write_array(array("i", range(100)))
    f.flush()
    assert f.tell() == (tmp_path / "x.bin").stat().st_size
    f.seek(2)
    assert f.tell() == 2
    f.write(b"Z")
    assert f.tell() == 3
    f.close()
    assert (tmp_path / "x.bin").read_bytes()[:4] == b"abZ\x00"
