"""What the disk can refuse: writes that fail (a full disk, a file grown past what the
system allows, an I/O error, a read-only folder), and SQLite databases in folders this
process cannot write.

Shared by the store and the search index (each keeps one SQLite database).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

#: OS errors that mean "this could not be written", with how to say so.
_WRITE_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "a file grew larger than the system allows",
    errno.EROFS: "the disk is read-only",
    errno.EIO: "the disk reported an input/output error",
}
if hasattr(errno, "EDQUOT"):
    _WRITE_ERRNOS[errno.EDQUOT] = "the disk quota is used up"

#: SQLite's primary result codes that mean the same (the extended codes carry these in
#: their low byte): SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN.
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14
_SQLITE_CODES: dict[int, str] = {
    _SQLITE_FULL: "the disk is full",
    _SQLITE_IOERR: "the disk refused a write (is it full?)",
    _SQLITE_READONLY: "the database cannot be written (read-only)",
    _SQLITE_CANTOPEN: "a file the database needs cannot be opened or created",
}
#: Extended I/O codes that are failed reads (a damaged file), not failed writes.
_SQLITE_IOERR_READS = {_SQLITE_IOERR | (1 << 8), _SQLITE_IOERR | (2 << 8)}


def write_failure(exc: BaseException) -> str | None:
    """How to tell the user that ``exc`` is a failed write to the disk ("the disk is
    full (No space left on device)"), or None if it is some other error."""
    for err in _chain(exc):
        if isinstance(err, OSError) and err.errno in _WRITE_ERRNOS:
            detail = err.strerror or str(err)
            return f"{_WRITE_ERRNOS[err.errno]} ({detail})"
        if isinstance(err, sqlite3.OperationalError):
            code = getattr(err, "sqlite_errorcode", None)
            if code is None or code in _SQLITE_IOERR_READS:
                continue
            if code & 0xFF in _SQLITE_CODES:
                return f"{_SQLITE_CODES[code & 0xFF]} ({err})"
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or during (a failed write may be
    wrapped by the code that noticed it)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 8:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def connect_read_only(path: Path, **kwargs: Any) -> tuple[sqlite3.Connection, bool]:
    """Open a SQLite database to read only: ``(connection, frozen)``.

    A database in WAL mode is read through its ``-shm`` file, which SQLite creates beside
    it: in a folder this process cannot write (a read-only copy, another user's folder)
    that fails with "attempt to write a readonly database", and on a full disk with an
    I/O error. Then the file is opened as *immutable* (``frozen`` is True): it is read
    as it was last checkpointed, which is all of it after a clean close; see
    :func:`unread_changes`.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, **kwargs)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        conn.close()
        if os.access(path.parent, os.W_OK) and write_failure(exc) is None:
            raise  # neither a read-only folder nor a full disk: told as it is
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, **kwargs)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn, True
    return conn, False


def unread_changes(path: Path) -> bool:
    """True if the database's write-ahead log holds changes an immutable reader does not
    see (the last process that wrote it did not close it cleanly)."""
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False
