"""One process changes a library at a time: an operating-system lock on a file in it.

The lock is the kernel's (``flock`` on Linux and macOS, ``LockFileEx`` through
``msvcrt.locking`` on Windows), so it is released when its process ends however it ends:
a killed window never leaves a library locked. The file also says who holds it (process
id, host, program, since when) so that the next process can tell the user.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.errors import LibraryError

LOCK_NAME = "library.lock"
#: How often a waiting process tries the lock again.
POLL_S = 0.1
#: Where the locked byte is on Windows, whose locks also stop others reading the bytes
#: they cover: far beyond the holder's description at the start of the file.
_WINDOWS_LOCK_OFFSET = 1 << 20


class LibraryInUse(LibraryError):
    """Another process is changing the library."""

    def __init__(self, path: Path, holder: dict[str, Any] | None) -> None:
        self.path = path
        self.holder = holder or {}
        super().__init__(f"{path}: the library is in use by {describe_holder(self.holder)}")


def describe_holder(holder: dict[str, Any]) -> str:
    """'the Coverage Reader window (process 123, since 10:04)', as well as is known."""
    program = str(holder.get("program") or "another Coverage Reader process")
    details = []
    if holder.get("pid"):
        details.append(f"process {holder['pid']}")
    if holder.get("host") and holder.get("host") != socket.gethostname():
        details.append(f"on {holder['host']}")
    since = holder.get("since")
    if isinstance(since, str):
        with contextlib.suppress(ValueError):
            details.append("since " + datetime.fromisoformat(since).astimezone().strftime("%H:%M"))
    return program + (f" ({', '.join(details)})" if details else "")


class LibraryLock:
    """The lock of one library folder. Not re-entrant: a second lock object on the same
    folder, even in the same process, is refused while the first holds it."""

    def __init__(self, folder: Path, program: str) -> None:
        self.path = folder / LOCK_NAME
        self.program = program
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, timeout: float = 0.0) -> None:
        """Take the lock, waiting up to ``timeout`` seconds for its holder to let go;
        raises :class:`LibraryInUse` (naming the holder) if it does not."""
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise LibraryError(f"{self.path}: cannot create the lock file: {exc.strerror}") from exc
        deadline = time.monotonic() + timeout
        while True:
            try:
                _lock(fd)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    holder = read_holder(self.path.parent)
                    os.close(fd)
                    raise LibraryInUse(self.path.parent, holder) from None
                time.sleep(POLL_S)
        self._fd = fd
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "program": self.program,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        # Who holds it is only a courtesy for the message; failing to say does not matter.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            _write_at_start(fd, info)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)


def read_holder(folder: Path) -> dict[str, Any] | None:
    """What the holder of ``folder``'s lock wrote about itself (None if unknown)."""
    try:
        data = json.loads((folder / LOCK_NAME).read_bytes()[:4096].decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_at_start(fd: int, info: dict[str, Any]) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(info).encode("utf-8"))


if sys.platform == "win32":  # pragma: no cover - exercised by the Windows build
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
