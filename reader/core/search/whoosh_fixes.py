"""Fixes to whoosh-reloaded 2.7.5, which we pin and treat as frozen code we own.

Each fix replaces one method with a corrected copy, is applied once when the search
package is imported, and has a test (tests/core/search/test_whoosh_fixes.py) that fails
if the pinned version changes under it.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import filestore, structfile

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


class _CountingWriter:
    """A file being written, that knows its position without asking the system.

    The posting and term writers ask ``tell()`` several times per distinct word of a
    segment; on a buffered file each is an ``lseek`` system call — measured at a tenth of
    all indexing time (py-spy, 4,000 articles). Writes are sequential, so counting the
    bytes written is exact; a ``seek`` asks the file again.
    """

    __slots__ = ("_file", "_pos")
    _pos: int

    def __init__(self, fileobj: Any) -> None:
        self._file = fileobj
        self._pos = fileobj.tell()

    def write(self, data: Any) -> int:
        written: int = self._file.write(data)
        self._pos += written
        return written

    def tell(self) -> int:
        return int(self._pos)

    def seek(self, *args: Any) -> int:
        result: int = self._file.seek(*args)
        self._pos = self._file.tell()
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def __iter__(self) -> Any:
        return iter(self._file)


_original_create_file = filestore.FileStorage.create_file


def _create_file(self: Any, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
    f = _original_create_file(self, name, excl=excl, mode=mode, **kwargs)
    if mode == "wb":
        f.file = _CountingWriter(f.file)
    return f


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    structfile.BufferFile.__init__ = _buffer_file_init
    filestore.FileStorage.create_file = _create_file
    _APPLIED = True
