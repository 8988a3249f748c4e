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
