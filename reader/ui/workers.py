"""Long jobs off the GUI thread: importing (with progress and Cancel) and searching (so
a slow query never blocks typing). Results come back to the GUI thread as signals."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from reader.core.errors import CoverageReaderError
from reader.core.library import ImportProgress, ImportReport, Library
from reader.core.models import ArticleFilter, SearchPage

#: Progress reaches the window at most this often (a 100,000-file import must not flood
#: the GUI thread with signals).
PROGRESS_INTERVAL_S = 0.05


class ImportJob(QObject):
    """Imports files and folders on a thread of its own.

    ``progress`` carries :class:`ImportProgress`; ``finished`` the :class:`ImportReport`
    (also when cancelled: ``report.cancelled``); ``failed`` a message if the import
    could not run at all. The library is thread-safe; everything imported before a
    Cancel is kept and searchable.
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, library: Library, paths: Sequence[Path], parent: QObject | None = None):
        super().__init__(parent)
        self._library = library
        self._paths = list(paths)
        self._cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("import")
        self._worker = _ImportWorker(self)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.done.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)
        self._report: ImportReport | None = None
        self._last_emit = 0.0
        self._error: str | None = None

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, msecs: int = 60_000) -> bool:
        return self._thread.wait(msecs)

    # Called on the import thread.
    def _run(self) -> None:
        try:
            self._report = self._library.import_paths(
                self._paths, progress=self._throttled_progress, cancelled=self._cancel.is_set
            )
        except CoverageReaderError as exc:
            self._error = str(exc)
        except Exception as exc:  # report, never take the window down
            self._error = f"{type(exc).__name__}: {exc}"

    def _throttled_progress(self, progress: ImportProgress) -> None:
        """At most ~20 updates a second reach the window (plus the first and last)."""
        now = time.monotonic()
        last = progress.files_done >= progress.files_total
        if last or progress.files_done == 0 or now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            self.progress.emit(progress)

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._error is not None or self._report is None:
            self.failed.emit(self._error or "the import stopped unexpectedly")
        else:
            self.finished.emit(self._report)


class _ImportWorker(QObject):
    done = Signal()

    def __init__(self, job: ImportJob) -> None:
        super().__init__()
        self._job = job

    @Slot()
    def run(self) -> None:
        try:
            self._job._run()
        finally:
            self.done.emit()


class IndexRebuildJob(QObject):
    """Rebuilds the search index on a thread of its own (when the app starts with an index
    that is missing, damaged or from another version). ``progress`` carries (done,
    total); ``finished`` the number of articles indexed; ``failed`` a message."""

    progress = Signal(int, int)
    finished = Signal(int)
    failed = Signal(str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._cancel = threading.Event()
        self._total = 0
        self._count = 0
        self._error: str | None = None
        self._thread = QThread()
        self._thread.setObjectName("index")
        self._worker = _Runner(self._run)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.done.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._total = self._library.article_total
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, msecs: int = 600_000) -> bool:
        return self._thread.wait(msecs)

    def _run(self) -> None:
        try:
            self._count = self._library.rebuild_index(
                progress=lambda done: self.progress.emit(done, self._total),
                cancelled=self._cancel.is_set,
            )
        except Exception as exc:  # report, never take the window down
            self._error = f"{type(exc).__name__}: {exc}"

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._error is not None:
            self.failed.emit(self._error)
        else:
            self.finished.emit(self._count)


class _Runner(QObject):
    done = Signal()

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    @Slot()
    def run(self) -> None:
        try:
            self._work()
        finally:
            self.done.emit()


class LatestRunner(QObject):
    """Runs work on a thread pool of one thread; only the answer to the latest request
    is delivered (older ones still running are dropped when they finish, queued ones are
    never started). Searches and the timeline use it, so neither blocks the window."""

    #: (request number, what the work returned)
    finished = Signal(int, object)
    #: (request number, message)
    error = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._latest = 0

    @property
    def latest(self) -> int:
        return self._latest

    def run_latest(self, work: Callable[[], object]) -> int:
        self._latest += 1
        task = _LatestTask(self, self._latest, work)
        # Drop queued (not yet started) requests: only the newest matters.
        self._pool.clear()
        self._pool.start(task)
        return self._latest

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

    def _deliver(self, number: int, result: object) -> None:
        if number == self._latest:
            self.finished.emit(number, result)

    def _fail(self, number: int, message: str) -> None:
        if number == self._latest:
            self.error.emit(number, message)


class _Relay(QObject):
    finished = Signal(int, object)
    error = Signal(int, str)


class _LatestTask(QRunnable):
    def __init__(self, runner: LatestRunner, number: int, work: Callable[[], object]) -> None:
        super().__init__()
        self._number = number
        self._work = work
        # Signals emitted from the pool thread are queued to the runner's (GUI) thread.
        self._relay = _Relay()
        self._relay.finished.connect(runner._deliver)
        self._relay.error.connect(runner._fail)

    def run(self) -> None:
        try:
            result = self._work()
        except CoverageReaderError as exc:
            self._relay.error.emit(self._number, str(exc))
        except Exception as exc:
            self._relay.error.emit(self._number, f"{type(exc).__name__}: {exc}")
        else:
            self._relay.finished.emit(self._number, result)


class SearchRunner(LatestRunner):
    """Searches off the GUI thread: ``results(number, SearchPage, kept)``, where kept
    is the article ids the filter lets through (None: no filter)."""

    results = Signal(int, object, object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.finished.connect(lambda number, found: self.results.emit(number, *found))

    def submit(
        self,
        query: str,
        *,
        limit: int,
        sort: str,
        where: ArticleFilter | None,
        all_spellings: bool = False,
    ) -> int:
        library = self._library

        def work() -> tuple[SearchPage, list[int] | None]:
            page = library.search(query, limit=limit, sort=sort, all_spellings=all_spellings)
            kept = None
            if where is not None and not where.is_empty:
                kept = library.filter_ids([h.article_id for h in page.hits], where)
            return page, kept

        return self.run_latest(work)
