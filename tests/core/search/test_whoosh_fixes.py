"""Our fixes to the pinned whoosh-reloaded: each is active and does what it says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


# -- indexing speed: the copies write exactly what the originals wrote ------------------


def _corpus(count: int, seed: int) -> list[IndexDocument]:
    """Documents with every kind of field, Zipf-ish words (some in more than 128
    documents, so their postings need several blocks), stop words, repeats, numbers,
    non-ASCII words and notes on some."""
    import random
    from datetime import datetime, timedelta

    rng = random.Random(seed)
    words = (
        ["w0", "the", "W1", "of", "and"]
        + [f"w{i}" for i in range(2, 400)]
        + [
            "Russia’s",
            "U.S.",
            "3.5",
            "negotiations",
            "Negotiating",
            "café",
            "Миссия",
            "普京",
            "don't",
        ]
    )

    def text(n: int) -> str:
        return " ".join(
            words[min(int(rng.paretovariate(0.8)) - 1, len(words) - 1)] for _ in range(n)
        )

    docs = []
    for i in range(1, count + 1):
        docs.append(
            IndexDocument(
                i,
                f"h{i}",
                text(rng.randint(0, 8)).title(),
                text(rng.randint(0, 300)),
                source=rng.choice([None, "Reuters", "The Daily Wire 7"]),
                dateline=rng.choice([None, "MOSCOW", "Beijing, China"]),
                author=rng.choice([None, "Jane Doe"]),
                tags=tuple(rng.sample(["trade", "energy", "arctic", "tech"], rng.randint(0, 3))),
                date=rng.choice(
                    [None, datetime(2015, 1, 1) + timedelta(days=rng.randint(0, 3650))]
                ),
                language=rng.choice([None, "en", "ru"]),
                notes=(text(rng.randint(1, 20)),) if rng.random() < 0.1 else (),
                highlights=(text(5),) if rng.random() < 0.1 else (),
                colors=("yellow",) if rng.random() < 0.1 else (),
            )
        )
    return docs


def _build(
    folder: Path, batches: list[list[IndexDocument]], limitmb: float, optimize: bool
) -> dict[str, bytes]:
    """An index of ``batches`` (one commit each, the last one merging all segments if
    ``optimize``), with the random segment names made repeatable; returns its files."""
    import random

    import whoosh.index

    from reader.core.search.schema import build_schema

    random.seed(1234)
    folder.mkdir()
    ix = whoosh.index.create_in(str(folder), build_schema())
    for batch in batches:
        # Separate files: a compound file records the time each part was written.
        writer = ix.writer(limitmb=limitmb, compound=False)
        for doc in batch:
            writer.add_document(**doc.fields())
        writer.commit(optimize=optimize and batch is batches[-1])
    ix.close()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def without_speed_fixes(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Undoes the indexing-speed fixes (for as long as the test runs) when called."""
    from whoosh import fields, writing
    from whoosh.codec import whoosh3
    from whoosh.filedb import filetables

    from reader.core.search import whoosh_fixes

    def undo() -> None:
        assert fields.TEXT.index is whoosh_fixes._text_index
        assert writing.PostingPool.iter_postings is whoosh_fixes._iter_postings
        assert whoosh3.W3FieldWriter.add_postings is whoosh_fixes._add_postings
        assert filetables._hash_functions[0] is whoosh_fixes._fast_md5_hash
        monkeypatch.delattr(fields.TEXT, "index")
        monkeypatch.setattr(writing.PostingPool, "iter_postings", writing.PostingPool.items)
        monkeypatch.delattr(whoosh3.W3FieldWriter, "add_postings")
        original = whoosh_fixes._original_md5_hash
        monkeypatch.setattr(filetables, "md5_hash", original)
        monkeypatch.setattr(
            filetables, "_hash_functions", (original, *filetables._hash_functions[1:])
        )

    return undo


@pytest.mark.parametrize(
    ("limitmb", "sizes", "optimize"),
    [
        (256, [300], False),  # one segment sorted in memory
        (256, [60, 5, 250], True),  # segments merged: postings read back from segments
        (0.05, [200], False),  # postings spilled to sorted runs on disk
    ],
    ids=["memory", "merge", "spilled"],
)
def test_indexing_writes_the_same_bytes_as_whoosh(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    without_speed_fixes: Callable[[], None],
    limitmb: float,
    sizes: list[int],
    optimize: bool,
) -> None:
    from whoosh.writing import PostingPool

    from reader.core.search import whoosh_fixes

    runs = 0
    save = PostingPool.save

    def counting_save(self: PostingPool) -> None:
        nonlocal runs
        runs += 1
        save(self)

    monkeypatch.setattr(PostingPool, "save", counting_save)
    # Every block compressed, as Whoosh does (see the next test for small blocks).
    monkeypatch.setattr(whoosh_fixes, "COMPRESS_FROM", 0)
    docs = _corpus(sum(sizes), seed=len(sizes))
    batches, start = [], 0
    for size in sizes:
        batches.append(docs[start : start + size])
        start += size
    ours = _build(tmp_path / "ours", batches, limitmb, optimize)
    assert (runs > 10) == (limitmb < 1)
    without_speed_fixes()
    theirs = _build(tmp_path / "theirs", batches, limitmb, optimize)
    assert ours.keys() == theirs.keys()
    assert len([n for n in ours if n.endswith(".trm")]) == (1 if optimize else len(sizes))
    assert sum(len(b) for b in ours.values()) > 50_000
    for name in ours:
        assert ours[name] == theirs[name], name


def _postings_of(folder: Path) -> tuple[list[Any], int, int]:
    """Everything a search can read from an index: each term with its statistics and
    postings (document, weight, value), and how many of its blocks are compressed."""
    import io
    import pickle

    import whoosh.index

    ix = whoosh.index.open_dir(str(folder))
    reader = ix.reader()
    found: list[Any] = []
    compressed = blocks = 0
    for fieldname, btext in reader.all_terms():
        info = reader.term_info(fieldname, btext)
        matcher = reader.postings(fieldname, btext)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
        found.append((fieldname, btext, stats, info.max_weight(), postings))
        # The blocks themselves: the compression flag of each.
        postfile = reader._terms._postfile
        offset = info._offset + 4
        while True:
            length = postfile.get_int(offset)
            chunk = postfile.get(offset + 4, abs(length))
            compressed += pickle.load(io.BytesIO(chunk))[3] > 0
            blocks += 1
            offset += 4 + abs(length)
            if length < 0:
                break
    reader.close()
    ix.close()
    return found, compressed, blocks


def test_small_posting_blocks_are_stored_uncompressed(
    tmp_path: Path, without_speed_fixes: Callable[[], None]
) -> None:
    batches = [_corpus(300, seed=5)]
    ours = _build(tmp_path / "ours", batches, 256, optimize=False)
    without_speed_fixes()
    theirs = _build(tmp_path / "theirs", batches, 256, optimize=False)
    our_postings, our_compressed, our_blocks = _postings_of(tmp_path / "ours")
    their_postings, their_compressed, their_blocks = _postings_of(tmp_path / "theirs")
    # What a search reads is the same …
    assert our_postings == their_postings
    assert len(our_postings) > 1000
    # … from blocks of which only the bigger ones are compressed, …
    assert our_blocks == their_blocks == their_compressed
    assert 0.1 * their_blocks < our_compressed < 0.9 * their_blocks
    # … in fewer bytes (zlib makes a block of a few bytes longer).
    assert sum(map(len, ours.values())) < sum(map(len, theirs.values()))
