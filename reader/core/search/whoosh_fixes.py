"""Fixes to whoosh-reloaded 2.7.5, which we pin and treat as frozen code we own.

Each fix replaces one method with a corrected copy, is applied once when the search
package is imported, and has a test (tests/core/search/test_whoosh_fixes.py) that fails
if the pinned version changes under it.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import structfile

_APPLIED = False


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """W3PerDocReader._cached_reader, remembering fields that have no column.

    The original caches only the readers it finds: for a field without a lengths column
    (ids, tags, the spelling words) it asks the file system whether the column file
    exists again for every posting it writes — one stat() call per posting, a third of
    the time an index commit took.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


class _ViewStream:
    """A read-only file over a memory view, without copying it.

    BufferFile (a file inside a compound segment: a view of the memory-mapped segment)
    wrapped its buffer in ``BytesIO(buf)``, and BytesIO copies: every open reader held a
    private copy of its whole segment — the index twice over in RAM while a new searcher
    replaced the old one (1.6 GB at 100,000 articles), and a quarter of a second per
    50 MB to open. Reads here copy only the bytes asked for.
    """

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf: Any) -> None:
        self._buf = buf
        self._pos = 0

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        if end <= start:
            return b""
        self._pos = end
        return bytes(self._buf[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        limit = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        pos = start
        while pos < limit:
            chunk = bytes(self._buf[pos : min(pos + 256, limit)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                pos += newline + 1
                break
            pos += len(chunk)
        self._pos = pos
        return bytes(self._buf[start:pos])

    def __iter__(self) -> Any:
        while line := self.readline():
            yield line

    def close(self) -> None:
        pass


def _buffer_file_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.file = _ViewStream(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    structfile.BufferFile.__init__ = _buffer_file_init
    _APPLIED = True
