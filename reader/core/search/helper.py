"""A second process that indexes beside this one: bulk indexing on two cores.

Whoosh is pure Python, so one process indexes on one core. For a big batch (an import, a
rebuild) the index hands part of the new documents to a helper process, which writes them
into a segment of its own in the same index folder, while this process indexes the rest.

- The helper is started with "spawn", never forked: the window runs Qt threads, and a
  forked copy of a threaded process may hang on a lock another thread held.
- The helper writes no table of contents and takes no lock. The process that holds the
  index's write lock adds the helper's segment to its own commit (what Whoosh's
  ``MpWriter(multisegment=True)`` does). A helper that fails or is killed leaves only files
  that no table of contents refers to; the next commit removes them.
- Only documents new to the index go to the helper: a document that replaces an older copy
  must be written by the writer that deletes the old one.
- The helper keeps its temporary files in a folder of its own (Whoosh's writers share one
  ``MAIN.tmp`` and delete it when they finish).

:class:`SegmentMerger` is a second, low-priority process that merges big segments in the
background (Whoosh merges at about the speed it indexes: minutes for tens of thousands
of articles, too long to hold up an import or a note). It writes the merged segment in a
folder of its own inside the index (a commit removes every segment file of the index
folder that its table of contents does not name) and the index swaps it in afterwards.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Chunks sent to the helper and not yet indexed by it. Two keep it busy while the next
#: one is prepared; more would only hold documents in memory twice.
MAX_QUEUED = 2


class HelperFailed(Exception):
    """The helper process failed or died; what was sent to it is not indexed."""


#: Set (to anything) to index in one process and merge only in the foreground.
NO_HELPER_ENV = "COVERAGE_READER_NO_HELPER"


def helper_available() -> bool:
    """A helper pays only with a second core to run on."""
    return merger_available() and (os.cpu_count() or 1) >= 2


def merger_available() -> bool:
    """Background merges run at low priority, so they pay even on one core."""
    return not os.environ.get(NO_HELPER_ENV)


def check_helper() -> None:
    """Start a helper, wait for its answer and stop it; raises :class:`HelperFailed`.

    The self-test runs this: an installed or frozen copy must be able to start it (a
    frozen app has to call ``multiprocessing.freeze_support()`` before anything else)."""
    helper = SegmentHelper()
    try:
        if helper.ping() == os.getpid():
            raise HelperFailed("the helper ran in this process")
    finally:
        helper.close()


class SegmentHelper:
    """One helper process, started on first use and kept until :meth:`close`.

    One segment at a time: :meth:`begin`, :meth:`send` any number of chunks,
    :meth:`finish` (the segment to commit) or :meth:`abandon`. Not thread-safe: the index
    uses it under its write lock.
    """

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._queued: list[Future[Any]] = []
        self._sent = 0
        self._active = False

    @property
    def sent(self) -> int:
        """Documents sent for the current segment."""
        return self._sent

    def begin(self, index_path: Path, limitmb: int) -> None:
        if self._active:
            self.abandon()
        self._start()
        self._queued = [self._submit(_begin, str(index_path), limitmb)]
        self._sent = 0
        self._active = True

    def busy(self) -> bool:
        """True while :data:`MAX_QUEUED` chunks wait for the helper."""
        return sum(not f.done() for f in self._queued) >= MAX_QUEUED

    def send(self, documents: list[dict[str, Any]]) -> None:
        """Queue documents (each the keyword arguments of ``add_document``)."""
        if documents:
            self._queued.append(self._submit(_add, documents))
            self._sent += len(documents)

    def finish(self) -> None:
        """Ask the helper to finish its segment (it works on while this process does)."""
        try:
            self._queued.append(self._submit(_finish))
        except HelperFailed:
            self._queued = []
            self._active = False
            raise

    def segment(self) -> Any:
        """Wait for the helper after :meth:`finish`; returns its segment (None if it got
        no documents). Raises :class:`HelperFailed` if any of its work failed."""
        try:
            results = [queued.result() for queued in self._queued]
            return results[-1] if results else None
        except Exception as exc:
            self._broken(exc)
            raise HelperFailed(f"the indexing helper failed: {exc}") from exc
        finally:
            self._queued = []
            self._active = False

    def abandon(self) -> None:
        """Throw away the segment being written (its files are left for the next commit
        to remove)."""
        if not self._active:
            return
        self._active = False
        self._queued = []
        try:
            self._submit(_abandon).result()
        except HelperFailed:  # a dead helper has abandoned it already
            pass
        except Exception as exc:
            self._broken(exc)

    def ping(self) -> int:
        """Start the helper if needed and wait for it to answer; returns its process id.

        The self-test uses this to prove an installed or frozen copy can start its helper
        (a frozen app must pass ``multiprocessing.freeze_support()`` first)."""
        self._start()
        try:
            return int(self._submit(_ping).result(timeout=60))
        except HelperFailed:
            raise
        except Exception as exc:
            self._broken(exc)
            raise HelperFailed(f"the indexing helper did not answer: {exc}") from exc

    def close(self) -> None:
        """Stop the helper process (it is started again when needed)."""
        self._active = False
        self._queued = []
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _start(self) -> None:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_end_with_parent,
            )

    def _submit(self, fn: Any, *args: Any) -> Future[Any]:
        if self._executor is None:
            raise HelperFailed("the indexing helper is not running")
        try:
            return self._executor.submit(fn, *args)
        except Exception as exc:  # BrokenProcessPool, or shut down
            self._broken(exc)
            raise HelperFailed(f"the indexing helper failed: {exc}") from exc

    def _broken(self, exc: BaseException) -> None:
        log.warning("indexing helper failed: %s", exc)
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


#: The folders a merge writes in, inside the index folder.
MERGE_PREFIX = "merging-"
#: A merge folder none of whose files changed for this long was left by a process that
#: was killed (a running merge writes to its files all the time).
STALE_MERGE_S = 15 * 60


class SegmentMerger:
    """A low-priority process that merges segments, one merge at a time.

    :meth:`start` returns at once; ``done`` is called (in another thread) with the
    finished :class:`~concurrent.futures.Future`, whose result is the merged segment.
    """

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self.folder: Path | None = None

    def start(
        self,
        index_path: Path,
        segments: list[Any],
        limitmb: int,
        done: Callable[[Future[Any]], None],
    ) -> None:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_merger,
            )
        self.folder = index_path / f"{MERGE_PREFIX}{uuid.uuid4().hex[:12]}"
        job = self._executor.submit(_merge, str(index_path), str(self.folder), segments, limitmb)
        job.add_done_callback(done)

    def stop(self) -> None:
        """Stop a merge in progress (the process is killed: a merge can take minutes)
        and remove what it wrote."""
        executor, self._executor = self._executor, None
        if executor is not None:
            processes = list(executor._processes.values())
            for process in processes:
                process.kill()
            for process in processes:  # gone before its folder is removed
                process.join(10)
            executor.shutdown(wait=False, cancel_futures=True)
        self.discard()

    def discard(self) -> None:
        """Remove the folder of the last merge (after its segment is moved out of it, or
        when it is not wanted)."""
        folder, self.folder = self.folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def add_segments(writer: Any, storage: Any, segments: list[Any]) -> None:
    """Add the live documents of ``segments`` (in ``storage``) to ``writer``: a merge."""
    from whoosh.reading import SegmentReader

    for segment in segments:
        reader = SegmentReader(storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()


def remove_stale_merges(index_path: Path) -> None:
    """Remove merge folders left by a process that was killed while merging."""
    now = time.time()
    for folder in index_path.glob(f"{MERGE_PREFIX}*"):
        try:
            newest = max(
                (p.stat().st_mtime for p in folder.rglob("*")), default=folder.stat().st_mtime
            )
        except OSError:
            continue
        if now - newest > STALE_MERGE_S:
            shutil.rmtree(folder, ignore_errors=True)


# -- in the helper process ---------------------------------------------------------------


def _end_with_parent() -> None:
    """End this process when the process that started it ends, however that ends.

    A pool's worker waits for work as long as its pool lives; when the app is killed
    (``kill -9``, the out-of-memory killer, a crash) nothing else would ever stop it, and
    a merger would go on working in the index folder beside the app started next."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel  # ready when the parent has ended

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _start_merger() -> None:
    _end_with_parent()
    _lower_priority()


def _lower_priority() -> None:
    # Merging can wait: the app and the indexing helper come first.
    if hasattr(os, "nice"):
        os.nice(10)
    elif sys.platform == "win32":
        import ctypes

        below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
        kernel32 = ctypes.windll.kernel32
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)


def _merge(index_path: str, folder: str, segments: list[Any], limitmb: int) -> Any:
    """Merge ``segments`` (as the main process saw them: their deleted documents are left
    out) into one new segment written in ``folder``; returns it."""
    import whoosh.index
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from reader.core.search import whoosh_fixes

    whoosh_fixes.apply()
    ix = whoosh.index.open_dir(index_path)
    Path(folder).mkdir()
    target = FileStorage(folder).create_index(ix.schema)
    writer = SegmentWriter(target, _lk=False, limitmb=limitmb)
    try:
        add_segments(writer, ix.storage, segments)
        return writer._finalize_segment()
    finally:
        writer._tempstorage.destroy()
        ix.close()


_writer: Any = None


def _ping() -> int:
    # What a segment needs, imported as :func:`_begin` will import it.
    import whoosh.writing  # noqa: F401

    from reader.core.search import whoosh_fixes

    whoosh_fixes.apply()
    return os.getpid()


def _begin(index_path: str, limitmb: int) -> None:
    global _writer
    import whoosh.index
    from whoosh.writing import SegmentWriter

    from reader.core.search import whoosh_fixes

    whoosh_fixes.apply()
    if _writer is not None:
        _abandon()
    ix = whoosh.index.open_dir(index_path)
    writer = SegmentWriter(ix, _lk=False, limitmb=limitmb)
    # A temporary folder of its own: the main writer deletes the shared one when it ends.
    temp = ix.storage.temp_storage()
    writer._tempstorage = temp
    writer.pool.tempstore = temp
    _writer = writer


def _add(documents: list[dict[str, Any]]) -> None:
    for fields in documents:
        _writer.add_document(**fields)


def _finish() -> Any:
    global _writer
    writer, _writer = _writer, None
    try:
        if not writer._added:
            writer._close_segment()
            return None
        return writer._finalize_segment()
    finally:
        writer._tempstorage.destroy()


def _abandon() -> None:
    global _writer
    writer, _writer = _writer, None
    if writer is not None:
        try:
            writer._close_segment()
        finally:
            writer._tempstorage.destroy()
