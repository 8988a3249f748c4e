"""The ``Library`` facade: the only way into the core for the window and the command line.

A library is a folder holding ``library.sqlite`` (the source of truth) and ``index/``
(the Whoosh search index, derived from the database and rebuilt from it whenever it is
missing, stale or damaged).

Every change is written to SQLite first, in the same transaction as a row in the index
queue; the index is then brought up to date from the queue, and the rows are removed only
after the index has committed. A process that dies in between leaves the rows behind, and
the next :meth:`Library.open` (or :meth:`Library.sync_index`) finishes the work.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Concatenate, ParamSpec, TypeVar

import platformdirs

from reader.core.analysis import stories as story
from reader.core.analysis.entities import Entity, EntityCount, Gazetteer
from reader.core.analysis.statements import (
    EXTRACTOR_VERSION,
    KnownNames,
    Statement,
    extract_statements,
)
from reader.core.analysis.statements import ArticleStatement as ArticleStatement
from reader.core.analysis.stories import STORY_VERSION, Passage, Signatures
from reader.core.analysis.timeline import STEPS, Step, Timeline, build_timeline
from reader.core.annotations.anchoring import (
    Anchor,
    AnchorStatus,
    TextPositionSelector,
    TextQuoteSelector,
    describe,
    find_occurrence,
    reanchor,
)
from reader.core.annotations.commands import (
    Command,
    CreateHighlight,
    DeleteArticle,
    DeleteHighlights,
    UndoStack,
    UpdateHighlight,
)
from reader.core.annotations.export import (
    AnnotationFormatError,
    ImportedAnnotation,
    export,
    parse_w3c,
)
from reader.core.annotations.model import DEFAULT_COLOR, Highlight
from reader.core.disk import unread_changes, write_failure
from reader.core.errors import (
    CoverageReaderError,
    IngestError,
    LibraryError,
    LibraryReadOnly,
    WriteFailed,
)
from reader.core.ingest import language as lang_detect
from reader.core.ingest.normalize import clean_language
from reader.core.models import (
    PARAGRAPH_SEPARATOR,
    ArticleDate,
    ArticleFilter,
    ArticleSummary,
    ParsedFile,
    SearchPage,
    StoredArticle,
)
from reader.core.resources import resource_path, seed_files
from reader.core.search import (
    HelperFailed,
    IndexDamaged,
    IndexDocument,
    IndexUnavailable,
    SearchIndex,
    check_helper,
)
from reader.core.search.aliases import KINDS as ALIAS_KINDS
from reader.core.search.aliases import AliasGroup as AliasGroup
from reader.core.search.aliases import AliasTable as AliasTable
from reader.core.search.aliases import (
    UserAlias,
    clean_key,
    clean_name,
    load_shipped,
)
from reader.core.store import ImportFileRecord, Store
from reader.core.store.db import SortKey as SortKey
from reader.core.store.db import index_stamp
from reader.core.store.db import utcnow as _utcnow
from reader.core.store.highlights import ArticleSnapshot
from reader.core.store.lock import LibraryInUse as LibraryInUse
from reader.core.store.lock import LibraryLock
from reader.core.store.lock import describe_holder as describe_holder

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ENV_LIBRARY = "COVERAGE_READER_LIBRARY"
DB_NAME = "library.sqlite"
INDEX_DIR = "index"
APP_NAME = "coverage-reader"

#: During an import the index catches up after this many seconds or queued articles at
#: first — so the first articles are searchable within seconds — and then less and less
#: often (each catch-up is one index commit; few large commits index far faster than many
#: small ones, which write every distinct word again).
SYNC_INTERVAL = 2.0
SYNC_INTERVAL_MAX = 30.0
SYNC_BATCH = 500
SYNC_BATCH_MAX = 8000


@dataclass(frozen=True)
class _Analysis:
    """What the analysers need of one name table (made once per table)."""

    table: AliasTable
    #: Names a single word in English text can mean (the statement extractor).
    names: KnownNames
    #: Every spelling of every person, place and organisation (entity recognition).
    gazetteer: Gazetteer

    @classmethod
    def of(cls, table: AliasTable) -> _Analysis:
        people: dict[str, str] = {}
        organisations: set[str] = set()
        for group in table.groups.values():
            latin = [n for n in group.names if n.isascii()]
            if group.kind == "organisation":
                organisations.update(n.lower() for n in latin)
            elif group.kind == "person":
                full = next((n for n in latin if " " in n), None)
                if full is None:
                    continue
                for name in latin:
                    if " " not in name:
                        people.setdefault(name.lower(), full)
                people.setdefault(full.split()[-1].lower(), full)
        return cls(
            table,
            KnownNames(people=people, organisations=frozenset(organisations)),
            Gazetteer((g.key, g.kind, g.names) for g in table.groups.values()),
        )

    def terms(self, key: str, name: str) -> list[str]:
        """What the index holds for an entity or a speaker: the group's key and its
        Latin spellings ("putin Vladimir Putin Putin"), or the name itself when the
        table does not know it."""
        group = self.table.groups.get(key) if not key.startswith("~") else None
        if group is None:
            return [name]
        # Latin spellings only: a query naming it in another script is rewritten to its
        # key (AliasTable.rewrite), and the index is spared segmenting Chinese names in
        # every article.
        return [group.key.replace("-", " "), *(n for n in group.names if n.isascii())]


def default_library_path() -> Path:
    """``$COVERAGE_READER_LIBRARY`` if set, else the platform's per-user data folder."""
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "library"


@dataclass(frozen=True, slots=True)
class ImportProgress:
    files_done: int
    files_total: int
    articles: int
    current: str | None
    elapsed: float

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class FailedFile:
    path: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    failed: list[FailedFile] = field(default_factory=list)
    #: Partial problems inside files that otherwise imported ("x.jsonl: line 7: …").
    problems: list[str] = field(default_factory=list)
    files: int = 0
    cancelled: bool = False
    article_ids: list[int] = field(default_factory=list)
    #: Why the search index could not be updated (a full disk): the articles are in the
    #: library, and the index catches up later.
    index_error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "problems": list(self.problems),
            "cancelled": self.cancelled,
            **({"index_error": self.index_error} if self.index_error else {}),
        }


@dataclass(slots=True)
class AnnotationImportReport:
    imported: int = 0
    duplicates: int = 0
    #: Highlights whose article or passage was not found: kept as orphans, listed here.
    orphans: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"imported": self.imported, "duplicates": self.duplicates, "orphans": self.orphans}


@dataclass(frozen=True, slots=True)
class CheckReport:
    problems: tuple[str, ...]
    repaired: bool
    articles: int
    indexed: int

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportStopped(WriteFailed):
    """An import stopped because the library could not be written (the disk is full):
    ``report`` says what was imported before (all of it is kept; nothing of the file
    being stored when it stopped is)."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


def _changes(method: Callable[Concatenate[Library, P], R]) -> Callable[Concatenate[Library, P], R]:
    """Refuse, with a clear message, a change to a library opened for reading only; and
    say clearly that a change could not be written (a full disk) instead of letting the
    database's or the file system's error through."""

    @functools.wraps(method)
    def checked(self: Library, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.read_only is not None:
            raise LibraryReadOnly(f"{self.path}: nothing can be changed now: {self.read_only}")
        try:
            return method(self, *args, **kwargs)
        except CoverageReaderError:
            raise
        except Exception as exc:
            reason = write_failure(exc)
            if reason is None:
                raise
            log.warning("could not write to %s: %s", self.path, reason)
            raise WriteFailed(
                f"{self.path}: the change could not be saved: {reason}. The library is "
                "as it was before it."
            ) from exc

    return checked


class Library:
    """An open library folder. Thread-safe; use as a context manager or call close()."""

    def __init__(
        self,
        path: Path,
        store: Store,
        index: SearchIndex | None,
        notices: list[str],
        *,
        lock: LibraryLock | None = None,
        read_only: str | None = None,
    ) -> None:
        self.path = path
        self._store = store
        self._index_or_none = index
        self._lock = lock
        self._sync_lock = threading.Lock()
        self._undo = UndoStack()
        self._aliases: AliasTable | None = None
        self._analysis_cache: _Analysis | None = None
        #: Things the user should be told about opening (an index rebuilt, say).
        self.notices = notices
        #: Why the index must be rebuilt before searches are complete (None: it is fine).
        self.needs_rebuild: str | None = None
        #: The caller rebuilds the index (on a thread) when needs_rebuild says so.
        self.rebuild_later = False
        #: Bringing the index up to date found it damaged: changes wait for the rebuild.
        self._index_damaged = False
        #: Why this library is open for reading only (None: it can be changed).
        self.read_only = read_only
        #: The articles the last annotation change, undo or redo touched.
        self.last_changed_articles: frozenset[int] = frozenset()

    # -- opening and closing ----------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        import_seeds: bool = True,
        rebuild_later: bool = False,
        program: str = "another Coverage Reader process",
        wait: float = 0.0,
    ) -> Library:
        """Open (or create) the library folder to read and change it.

        Only one process changes a library at a time: this one takes the library's lock,
        waiting up to ``wait`` seconds, or raises :class:`LibraryInUse` naming the holder
        (``program`` is how this process is named to the others);
        :meth:`open_read_only` works beside it.

        If the search index is missing, damaged, out of date or from another version, it
        is rebuilt from the database: at once, or — with ``rebuild_later`` (the window) —
        by the caller calling :meth:`rebuild_index` when it suits it (on a thread, with
        progress), ``needs_rebuild`` saying why. Until then searches say the index is
        incomplete; nothing else waits.
        """
        path = (path or default_library_path()).expanduser().resolve()
        _make_private_dir(path)
        lock = LibraryLock(path, program)
        lock.acquire(timeout=wait)
        store: Store | None = None
        try:
            store = Store(path / DB_NAME)
            notices: list[str] = []
            index, reason = cls._open_index(path, store)
            library = cls(path, store, index, notices, lock=lock)
            library.rebuild_later = rebuild_later
            if reason is None:
                # Finish what a process that died mid-change left queued, then make sure
                # the index holds exactly the library's articles.
                behind = library._catch_up_on_open()
                if behind is not None:
                    # The disk is full: the library opens all the same (to read it, and
                    # to make room); the index catches up at the next change or open.
                    notices.append(behind)
                elif library.needs_rebuild is not None:  # the queue found it damaged
                    reason = library.needs_rebuild
                elif index.doc_count() != store.article_count():
                    reason = "it was out of date"
                elif store.undetected_language_count():
                    reason = "the articles' languages are to be detected"
                elif store.entities_outdated(library._analysis().gazetteer.digest) or (
                    store.stories_outdated(STORY_VERSION)
                ):
                    # A new name table or recogniser came with the app: a rebuild reads
                    # every article anyway (with progress, on a thread in the window).
                    reason = "the articles are to be analysed (people, places, same stories)"
            if reason is not None:
                log.warning("the search index needs a rebuild: %s", reason)
                if rebuild_later:
                    library.needs_rebuild = reason
                    notices.append(f"The search index is being rebuilt ({reason}).")
                else:
                    library.rebuild_index()
                    notices.append(f"The search index was rebuilt from the library ({reason}).")
            if import_seeds and store.get_meta("seeded") is None:
                if store.article_count() == 0:
                    library.import_paths(seed_files())
                store.set_meta("seeded", "1")
        except BaseException as exc:
            if store is not None:
                store.close()
            lock.release()
            reason = None if isinstance(exc, CoverageReaderError) else write_failure(exc)
            if reason is not None:
                raise WriteFailed(
                    f"{path}: the library cannot be opened to change it: {reason}. Nothing "
                    "in it was lost; it can still be opened to read it"
                ) from exc
            raise
        return library

    def _catch_up_on_open(self) -> str | None:
        """Apply what is queued for the index; what to tell the user if the index could
        not be written (a full disk), None when it is up to date."""
        try:
            self.sync_index()
        except WriteFailed as exc:
            log.warning("the search index could not catch up: %s", exc)
            reason = write_failure(exc) or str(exc)
            return (
                f"The search index could not be brought up to date ({reason}): searches "
                "may miss the latest changes until there is room on the disk."
            )
        return None

    @classmethod
    def open_read_only(cls, path: Path | None = None, *, why: str | None = None) -> Library:
        """Open an existing library for reading and searching only, beside a process that
        may be changing it (the window), or in a folder this user cannot write. Nothing
        in the folder is written; every change raises :class:`LibraryReadOnly`. Searches
        see the index as the other process last committed it."""
        path = (path or default_library_path()).expanduser().resolve()
        if not (path / DB_NAME).is_file():
            raise LibraryError(f"{path}: there is no library here")
        store = Store(path / DB_NAME, read_only=True)
        index: SearchIndex | None = None
        notices: list[str] = []
        if store.frozen and unread_changes(path / DB_NAME):
            notices.append(
                "The last changes made to this library cannot be read now (it was not "
                "closed properly, and its folder is read-only or its disk full): it is "
                "shown as it was before them. They appear when it is opened where it can "
                "be written."
            )
        library = cls(path, store, None, notices, read_only=why or "it was opened for reading only")
        try:
            index = SearchIndex.open(path / INDEX_DIR, read_only=True)
        except IndexUnavailable as exc:
            library.needs_rebuild = str(exc)
        except BaseException as exc:
            reason = write_failure(exc) if isinstance(exc, Exception) else None
            if reason is None:
                store.close()
                raise
            library.needs_rebuild = f"the index cannot be read now: {reason}"
        library._index_or_none = index
        return library

    @property
    def _index(self) -> SearchIndex:
        if self._index_or_none is None:
            raise IndexUnavailable(
                f"searching is not possible now: {self.needs_rebuild}; the index is "
                "rebuilt when the library is next opened by the window"
            )
        return self._index_or_none

    @staticmethod
    def _open_index(path: Path, store: Store) -> tuple[SearchIndex, str | None]:
        """The index, and why it must be rebuilt (None when it is usable as it is)."""
        index_path = path / INDEX_DIR
        existed = index_path.exists()
        try:
            index = SearchIndex.open(index_path, create=not existed)
        except IndexUnavailable as exc:
            return SearchIndex.open(index_path, create=True), str(exc)
        if not existed and store.article_count():
            return index, "it was missing"
        return index, None

    def close(self) -> None:
        try:
            if self._index_or_none is not None:
                self._index_or_none.close()
        finally:
            try:
                self._store.close()
            finally:
                if self._lock is not None:
                    self._lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- importing --------------------------------------------------------------------

    @_changes
    def import_paths(
        self,
        paths: Iterable[Path],
        *,
        progress: Callable[[ImportProgress], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportReport:
        """Import files and folders. A bad file is reported and never stops the rest, and
        never changes what is already in the library (each file is one transaction).

        ``cancelled`` is polled between files; KeyboardInterrupt is handled the same way
        (the file being read is rolled back, everything before it is kept and indexed).
        """
        report = ImportReport()
        started = time.monotonic()
        import_id = self._store.begin_import()
        status = "done"
        last_sync = started
        interval, batch = SYNC_INTERVAL, SYNC_BATCH
        #: Why the library could not be written, and at which file: the import stops.
        stopped: tuple[str, str] | None = None
        entry: Path | IngestError | None = None
        try:
            # The importers (feedparser, trafilatura, markdown-it …) load only when needed:
            # a process that only searches starts faster.
            from reader.core import ingest

            entries = [e for e in ingest.iter_input_files(list(paths)) if not self._is_own(e)]
            total = len(entries)
            if progress:
                progress(ImportProgress(0, total, 0, None, 0.0))
            for done, entry in enumerate(entries, start=1):
                if cancelled is not None and cancelled():
                    status = "cancelled"
                    report.cancelled = True
                    break
                self._import_one(import_id, entry, report)
                report.files += 1
                now = time.monotonic()
                if report.index_error is None and (
                    now - last_sync >= interval or self._store.pending_count() >= batch
                ):
                    self._sync_during_import(report)
                    last_sync = time.monotonic()
                    interval = min(interval * 2, SYNC_INTERVAL_MAX)
                    batch = min(batch * 2, SYNC_BATCH_MAX)
                if progress:
                    progress(
                        ImportProgress(
                            done,
                            total,
                            report.imported + report.updated,
                            str(entry.path if isinstance(entry, IngestError) else entry),
                            now - started,
                        )
                    )
        except KeyboardInterrupt:
            status = "interrupted"
            report.cancelled = True
        except Exception as exc:
            # The library cannot be written (a full disk): every file after this one
            # would fail the same way. Stop at once, keep what was imported, say why.
            reason = write_failure(exc)
            if reason is None:
                raise
            log.warning("the import stopped: %s", reason)
            status = "failed"
            if entry is None:
                stopped = (reason, "the start")
            else:
                stopped = (reason, str(entry.path if isinstance(entry, IngestError) else entry))
        finally:
            try:
                self._store.finish_import(import_id, status)
            except Exception:
                if stopped is None:
                    raise  # (when stopped, the same full disk: the import log says "started")
        self._sync_during_import(report)
        if stopped is not None:
            reason, name = stopped
            kept = report.imported + report.updated
            behind = (
                " Searches may miss them until the search index catches up (at the next "
                "change, or when the library is next opened)."
                if report.index_error
                else ""
            )
            raise ImportStopped(
                f"{self.path}: the import stopped at {name}: {reason}. The {kept} "
                f"article(s) of the {report.files} file(s) before it are kept, nothing of "
                f"that file.{behind} Import the rest again when there is room: what is "
                "already in the library is recognised.",
                report,
            )
        # Big imports leave merging to the end (see SearchIndex.apply).
        self._index.maintain()
        return report

    def _sync_during_import(self, report: ImportReport) -> None:
        """Bring the index up to date; if it cannot be written, the import goes on (the
        articles are safe in the database) and the report says so."""
        try:
            self.sync_index()
        except WriteFailed as exc:
            report.index_error = str(exc)

    def _is_own(self, entry: Path | IngestError) -> bool:
        """True for the library's own files (a user may import a folder that holds it)."""
        if isinstance(entry, IngestError):
            return False
        try:
            return entry.resolve().is_relative_to(self.path)
        except OSError:
            return False

    def _import_one(self, import_id: int, entry: Path | IngestError, report: ImportReport) -> None:
        from reader.core import ingest

        if isinstance(entry, IngestError):
            report.failed.append(FailedFile(entry.path, entry.reason))
            self._store.log_file(
                import_id,
                ImportFileRecord(entry.path, None, None, None, "failed", message=entry.reason),
            )
            return
        name = str(entry)
        size: int | None = None
        digest: str | None = None
        fmt: str | None = None
        try:
            # Refuses what the path became since it was listed (a folder, a pipe …).
            data = ingest.read_file(entry)
            size = len(data)
            digest = hashlib.sha256(data).hexdigest()
            parsed = ingest.parse_bytes(data, name)
            fmt = parsed.format
        except IngestError as exc:
            report.failed.append(FailedFile(exc.path, exc.reason))
            self._store.log_file(
                import_id, ImportFileRecord(name, size, digest, fmt, "failed", message=exc.reason)
            )
            return
        except OSError as exc:
            reason = f"cannot read: {exc.strerror or exc}"
            report.failed.append(FailedFile(name, reason))
            self._store.log_file(
                import_id, ImportFileRecord(name, size, digest, fmt, "failed", message=reason)
            )
            return
        except Exception as exc:  # an importer bug must not stop the rest of the import
            log.exception("unexpected error importing %s", name)
            reason = f"unexpected error while reading the file ({type(exc).__name__}: {exc})"
            report.failed.append(FailedFile(name, reason))
            self._store.log_file(
                import_id, ImportFileRecord(name, size, digest, fmt, "failed", message=reason)
            )
            return

        # A file holding one article is identified by where it came from, so that a
        # changed copy of the same file becomes a new version of the same article.
        origin = name if len(parsed.articles) == 1 and parsed.format != "feed" else None
        try:
            counts, ids = self._store_file(import_id, parsed, origin, size, digest)
        except Exception as exc:  # rolled back: no part of the file stays, the rest goes on
            if write_failure(exc) is not None:
                raise  # the disk is full: the import stops (see import_paths)
            log.exception("could not store %s", name)
            reason = f"could not be stored in the library ({type(exc).__name__}: {exc})"
            report.failed.append(FailedFile(name, reason))
            self._store.log_file(
                import_id, ImportFileRecord(name, size, digest, fmt, "failed", message=reason)
            )
            return
        report.imported += counts["imported"]
        report.updated += counts["updated"]
        report.duplicates += counts["duplicate"]
        report.problems.extend(f"{name}: {p}" for p in parsed.problems)
        report.article_ids.extend(ids)

    def _store_file(
        self,
        import_id: int,
        parsed: ParsedFile,
        origin: str | None,
        size: int | None,
        digest: str | None,
    ) -> tuple[dict[str, int], list[int]]:
        """Store one file's articles and its import log row in one transaction: (how many
        were imported, updated, duplicates; the ids of the new and updated articles)."""
        counts = {"imported": 0, "updated": 0, "duplicate": 0}
        ids: list[int] = []
        # The language is read from the text before the transaction (it is CPU work).
        decided = [
            lang_detect.decide(a.language, [a.title, *a.paragraphs]) for a in parsed.articles
        ]
        # Who said what, found in the text as it is stored (offsets into it); also CPU work.
        analysis = self._analysis()
        texts = [_stored_text(a.paragraphs) for a in parsed.articles]
        said = [extract_statements(text, analysis.names) for text in texts]
        # And the people, places and organisations it names (its speakers are people).
        named = [
            analysis.gazetteer.find(text, title=a.title, people=_people(statements))
            for a, text, statements in zip(parsed.articles, texts, said, strict=True)
        ]
        # And the signatures that find the same story in other articles.
        signed = [story.signatures(text) for text in texts]
        with self._store.transaction():
            for article, (language, language_origin), statements, entities, sigs in zip(
                parsed.articles, decided, said, named, signed, strict=True
            ):
                if language != article.language:
                    article = dataclasses.replace(article, language=language)
                outcome, article_id = self._store.add_article(
                    article, origin=origin, import_id=import_id, language_origin=language_origin
                )
                counts[outcome] += 1
                if outcome != "duplicate":
                    ids.append(article_id)
                    self._store.set_statements(
                        article_id, article.content_hash, EXTRACTOR_VERSION,
                        [_statement_row(st) for st in statements],
                    )  # fmt: skip
                    self._store.set_entities(
                        article_id, article.content_hash, analysis.gazetteer.digest,
                        [_entity_row(e) for e in entities],
                    )  # fmt: skip
                    _store_story(self._store, article_id, article.content_hash, sigs,
                                 article.date)  # fmt: skip
                if outcome == "updated":
                    self._reanchor(article_id)
            if parsed.problems:
                outcome_name = "partial"
            elif counts["imported"]:
                outcome_name = "imported"
            elif counts["updated"]:
                outcome_name = "updated"
            else:
                outcome_name = "duplicate"
            self._store.log_file(
                import_id,
                ImportFileRecord(
                    parsed.path,
                    size,
                    digest,
                    parsed.format,
                    outcome_name,
                    imported=counts["imported"],
                    updated=counts["updated"],
                    duplicates=counts["duplicate"],
                    message="; ".join(parsed.problems) or None,
                ),
            )
        return counts, ids

    # -- the index ----------------------------------------------------------------------

    @_changes
    def sync_index(self, *, wait: bool = True) -> int:
        """Bring the index up to date with the queued changes; returns how many it applied.

        With ``wait=False`` (edits made in the window) it does not wait while another
        thread (an import) is syncing: that thread takes the new changes before it stops,
        because every sync looks at the queue again after letting go of the lock.
        """
        applied = 0
        while True:
            if not self._sync_lock.acquire(blocking=wait):
                return applied
            try:
                applied += self._apply_pending()
            finally:
                self._sync_lock.release()
            if not self._store.pending_count() or self._index_damaged:
                return applied

    def _apply_pending(self) -> int:
        applied = 0
        while not self._index_damaged:
            pending = self._store.pending_changes(limit=SYNC_BATCH_MAX)
            if not pending:
                return applied
            latest: dict[int, str] = {}
            for change in pending:
                latest[change.article_id] = change.op
            upsert_ids = [i for i, op in latest.items() if op == "upsert"]
            articles = self._store.get_articles(upsert_ids)
            present = {a.id for a in articles}
            # An article queued for upsert but deleted since is a delete for the index.
            deletes = [i for i, op in latest.items() if op == "delete" or i not in present]
            try:
                documents = _index_documents(self._store, articles, self._analysis())
                self._index.apply(documents, deletes)
            except IndexDamaged as exc:
                return applied + self._damaged_while_syncing(exc)
            except Exception as exc:
                reason = write_failure(exc)
                if reason is None:
                    raise
                # The index keeps its last commit (Whoosh writes a segment, then the
                # table of contents that names it); the queue keeps the changes.
                raise WriteFailed(
                    f"{self.path}: the search index could not be updated: {reason}. "
                    "What was changed is saved in the library; searches may miss it until "
                    "the index catches up (at the next change, or when the library is next "
                    "opened)."
                ) from exc
            self._store.clear_pending(pending[-1].queue_id)
            applied += len(latest)
        return applied

    def _damaged_while_syncing(self, damage: IndexDamaged) -> int:
        """Bringing the index up to date found it damaged (called holding the sync lock).
        The changes are safe in the database: the index is rebuilt from it now (it takes
        them all), or — when the caller rebuilds on a thread — ``needs_rebuild`` says
        why and the changes wait in the queue. The damage is marked on disk either way,
        so the next open rebuilds it if nothing does before."""
        reason = str(damage)
        log.warning("the search index is damaged: %s", reason)
        self._index.mark_damaged(reason)
        if self.rebuild_later:
            self._index_damaged = True
            self.needs_rebuild = reason
            return 0
        count = _rebuild(self._store, self._index, self._analysis())
        self.needs_rebuild = None
        self.notices.append(f"The search index was damaged and has been rebuilt ({reason}).")
        return count

    @_changes
    def rebuild_index(
        self,
        *,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Rebuild the index from the database (the old index serves searches until the
        new one is complete). Changes made meanwhile are queued and applied after."""
        with self._sync_lock:
            count = _rebuild(
                self._store, self._index, self._analysis(), progress=progress, cancelled=cancelled
            )
            if not (cancelled and cancelled()):
                self.needs_rebuild = None
                self._index_damaged = False
        self.sync_index()
        return count

    @property
    def article_total(self) -> int:
        """How many articles a rebuild has to index (for its progress)."""
        return self._store.article_count()

    def check(self, *, repair: bool = False) -> CheckReport:
        """Verify that the database is sound and that the index agrees with it exactly."""
        if repair and self.read_only is not None:
            raise LibraryReadOnly(f"{self.path}: nothing can be repaired now: {self.read_only}")
        problems = [f"database: {p}" for p in self._store.integrity_check()]
        pending = self._store.pending_count()
        if pending:
            problems.append(f"index: {pending} change(s) not yet applied")
        expected = self._store.index_state()
        # The files as they are on disk now (this process reads the index as it opened
        # it: a file damaged since would only be found by the next open).
        try:
            damage = self._index.verify()
            if damage is not None:
                problems.append(f"index: {damage}")
            actual = self._index.stored_state()
        except Exception as exc:
            problems.append(f"index: unreadable ({exc})")
            actual = {}
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        stale = sorted(i for i in set(expected) & set(actual) if expected[i] != actual[i])
        if missing:
            problems.append(f"index: {len(missing)} article(s) missing, e.g. {missing[:5]}")
        if extra:
            problems.append(
                f"index: {len(extra)} deleted article(s) still indexed, e.g. {extra[:5]}"
            )
        if stale:
            problems.append(
                f"index: {len(stale)} article(s) indexed at an old version, e.g. {stale[:5]}"
            )
        repaired = False
        if repair and any(p.startswith("index:") for p in problems):
            self.rebuild_index()
            repaired = True
        return CheckReport(tuple(problems), repaired, len(expected), len(actual))

    def start_index_maintenance(self) -> bool:
        """Start merging the index's segments in the background if it has too many (the
        window calls this once it is up; writes do it after each commit). Never waits:
        returns False if a write is in progress (it will do it) or nothing is needed."""
        if self.read_only is not None:
            return False
        return self._index.maintain()

    def wait_for_index_merges(self, timeout: float | None = None) -> bool:
        """Wait until the index merges no segments in the background (searches and
        changes never wait for it; the benchmark and tests do). False on timeout."""
        return self._index.wait_for_merges(timeout)

    @property
    def index_segments(self) -> int:
        """How many segments the index is made of (fewer: faster searches)."""
        return self._index.segment_count()

    @staticmethod
    def check_indexing_helper() -> None:
        """Start the helper process big imports index with, wait for it and stop it
        (the self-test's proof that an installed or frozen copy can start it).

        Raises :class:`LibraryError` if it cannot; imports would still work, on one core.
        """
        try:
            check_helper()
        except HelperFailed as exc:
            raise LibraryError(str(exc)) from exc

    # -- reading ------------------------------------------------------------------------

    def article_count(self) -> int:
        return self._store.article_count()

    def get_article(self, article_id: int) -> StoredArticle:
        return self._store.get_article(article_id)

    def get_articles(self, article_ids: Sequence[int]) -> list[StoredArticle]:
        return self._store.get_articles(article_ids)

    def list_articles(
        self,
        *,
        sort: SortKey = "date",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
        where: ArticleFilter | None = None,
    ) -> list[ArticleSummary]:
        """Rows of the article list, sorted and filtered in SQLite, a page at a time."""
        return self._store.list_articles(
            sort=sort, descending=descending, limit=limit, offset=offset, where=where
        )

    def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]:
        return self._store.summaries(article_ids)

    def filter_ids(self, article_ids: Sequence[int], where: ArticleFilter) -> list[int]:
        """Those of ``article_ids`` (search hits, say) that pass a list filter, in order."""
        return self._store.filter_ids(article_ids, where)

    def count_articles(self, where: ArticleFilter | None = None) -> int:
        return self._store.count_articles(where)

    def sources(self) -> list[tuple[str, int]]:
        return self._store.sources()

    def tags(self) -> list[tuple[str, int]]:
        return self._store.tags()

    def versions(self, article_id: int) -> list[dict[str, object]]:
        self._store.get_article(article_id)
        return self._store.versions(article_id)

    def import_log(self) -> list[dict[str, object]]:
        return self._store.import_log()

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
        all_spellings: bool = False,
    ) -> SearchPage:
        """Search the library. ``alias:KEY`` searches every name of a group of the name
        table; ``all_spellings`` does so for every name typed in a short query."""
        text, widened = self.alias_table().rewrite(query, all_spellings=all_spellings)

        def run() -> SearchPage:
            found = self._index.search(
                text, limit=limit, offset=offset, sort=sort, bodies=self._store.bodies
            )
            if text == query:
                return found
            return dataclasses.replace(found, query=query, notices=(*widened, *found.notices))

        try:
            page = run()
        except IndexDamaged as exc:
            page = self._rebuild_damaged(exc, run)
            notice = f"The search index was damaged and has been rebuilt from the library ({exc})."
            page = dataclasses.replace(page, notices=(*page.notices, notice))
        if self.needs_rebuild is not None:
            notice = "The search index is being rebuilt; results may be incomplete."
            page = dataclasses.replace(
                page, notices=(*page.notices, notice), partial=True, total_is_exact=False
            )
        return page

    # -- who said what -----------------------------------------------------------------

    def _analysis(self) -> _Analysis:
        """What the analysers know of the name table, made once per table."""
        table = self.alias_table()
        cached = self._analysis_cache
        if cached is not None and cached.table is table:
            return cached
        self._analysis_cache = _Analysis.of(table)
        return self._analysis_cache

    def _known_names(self) -> KnownNames:
        """People and organisations of the name table, in their Latin spellings: what a
        single name in English text ("Putin") means."""
        return self._analysis().names

    def statements(
        self, article_id: int | None = None, *, speaker: str | None = None
    ) -> list[ArticleStatement]:
        """Attributed statements (who said what), by article date and position: of one
        article, or all; only a speaker's when given (any of the name table's spellings,
        or a part of the name: "putin", "alias key", "Vladimir Putin"). Articles whose
        statements are missing or were found by an older extractor are read again."""
        if article_id is not None:
            self._store.get_article(article_id)
        stale = self._store.stale_statement_articles(
            EXTRACTOR_VERSION, None if article_id is None else [article_id]
        )
        extra: list[ArticleStatement] = []
        names = self._known_names()
        for stale_id in stale:
            article = self._store.get_article(stale_id)
            found = extract_statements(article.text, names)
            if self.read_only is None:
                stored = [_statement_row(st) for st in found]
                self._store.set_statements(
                    stale_id, article.content_hash, EXTRACTOR_VERSION, stored
                )
            else:  # cannot be stored here: listed all the same
                date = article.date.isoformat() if article.date else None
                extra += [_listed(stale_id, st, date) for st in found]
        rows: list[ArticleStatement] = [
            _from_row(row) for row in self._store.statements(article_id)
        ]
        rows += extra
        if speaker is not None:
            wanted = self._speaker_names(speaker)
            rows = [r for r in rows if _speaks_as(r.speaker, wanted)]
        return rows

    def speakers(self) -> list[tuple[str, int]]:
        """Every speaker with their number of statements, most first."""
        self.statements()  # finds those not yet found
        return self._store.speakers()

    # -- people, places, organisations --------------------------------------------------

    def entities(
        self,
        kind: str | None = None,
        *,
        where: ArticleFilter | None = None,
        query: str | None = None,
        all_spellings: bool = False,
    ) -> list[EntityCount]:
        """The people, places and organisations named in the library (or in the
        articles passing ``where`` and found by ``query``), each with how many articles
        name it, the most named first: the facets of the article list."""
        if kind is not None and kind not in ALIAS_KINDS:
            raise LibraryError(f"“{kind}” is not a kind of entity: use {', '.join(ALIAS_KINDS)}")
        # (Up to date: found at import, again when names change, and by the rebuild on
        # open for older libraries; never read again here, on the window's thread.)
        counts = self._store.entity_counts(where, kind)
        if query is not None and query.strip():
            # Counted over the search's articles: few enough to count here.
            found = set(self.matching_ids(query, all_spellings=all_spellings))
            ids = set(self._store.filter_ids(sorted(found), where)) if where else found
            tally: dict[tuple[str, str], int] = {}
            for entities in self._store.entities_of(sorted(ids)).values():
                for k, key, _name, _mentions in entities:
                    tally[(k, key)] = tally.get((k, key), 0) + 1
            counts = [(k, key, name, tally[(k, key)]) for k, key, name, _n in counts
                      if (k, key) in tally]  # fmt: skip
            counts.sort(key=lambda c: (-c[3], c[2]))
        return [EntityCount(k, key, name, n) for k, key, name, n in counts]

    def article_entities(self, article_id: int) -> list[EntityCount]:
        """Who and what one article names: ``articles`` is the number of mentions."""
        self._store.get_article(article_id)
        self._refresh_entities([article_id])
        rows = self._store.entities_of([article_id]).get(article_id, [])
        return [EntityCount(kind, key, name, n) for kind, key, name, n in rows]

    def _refresh_entities(self, article_ids: Sequence[int] | None = None) -> int:
        """Find the entities of articles whose stored ones are missing or out of date
        (a new text, recogniser or name table), and queue those that changed for the
        index; how many were found again."""
        if self.read_only is not None:
            return 0
        analysis = self._analysis()
        stale = self._store.stale_entity_articles(analysis.gazetteer.digest, article_ids)
        changed = 0
        for chunk in _batches(stale, 500):
            for article in self._store.get_articles(chunk):
                changed += _find_entities(self._store, article, analysis, reindex=True)
        if changed:
            self.sync_index(wait=False)
        return len(stale)

    def _names_changed(self, old: _Analysis, names: Sequence[str], keys: Sequence[str]) -> None:
        """The name table changed (these names added to or taken from these groups):
        only articles naming one of the groups, or holding one of the names, can name
        something else now. Those are read again; the rest keep their entities, found
        with the new table."""
        new = self._analysis()
        if new.gazetteer.digest == old.gazetteer.digest:
            return
        candidates: set[int] = set()
        for key in keys:
            kind = old.gazetteer.kind_of(key) or new.gazetteer.kind_of(key)
            if kind is not None:
                candidates.update(self._store.entity_articles(kind, key))
        for name in names:
            phrase = name.replace('"', " ").strip()
            if phrase:
                candidates.update(self.matching_ids(f'"{phrase}"'))
        self._store.restamp_entities(old.gazetteer.digest, new.gazetteer.digest, candidates)
        self._refresh_entities(sorted(candidates))

    # -- the same story across outlets ---------------------------------------------------

    def stories(self) -> list[Story]:
        """Groups of articles telling the same story (two or more each): copies of one
        text and write-ups of one event, the largest first."""
        links = self._store.story_links()
        parent: dict[int, int] = {}

        def root(x: int) -> int:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b, _relation, _sim in links:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        groups: dict[int, list[int]] = {}
        for x in parent:
            groups.setdefault(root(x), []).append(x)
        relations: dict[int, set[str]] = {}
        for a, _b, relation, _sim in links:
            relations.setdefault(root(a), set()).add(relation)
        found = [
            Story(tuple(sorted(members)), tuple(sorted(relations[key])), tuple(
                StoryLink(a, b, r, sim) for a, b, r, sim in links if root(a) == key))
            for key, members in groups.items()
        ]  # fmt: skip
        found.sort(key=lambda s: (-len(s.article_ids), s.article_ids))
        return found

    def story_of(self, article_id: int) -> Story | None:
        """The group of articles telling the same story as this one (None: no other)."""
        self._store.get_article(article_id)
        return next((s for s in self.stories() if article_id in s.article_ids), None)

    def compare(self, first: int, second: int) -> tuple[list[Passage], list[Passage]]:
        """Two articles side by side: the sentences of each (spans into its text),
        marked shared when the other has the same or nearly the same sentence."""
        a, b = self._store.get_article(first), self._store.get_article(second)
        return story.compare(a.text, b.text)

    def _speaker_names(self, speaker: str) -> set[str]:
        wanted = {speaker.strip().lower()}
        table = self.alias_table()
        group = table.groups.get(speaker.strip().lower())
        groups = [group] if group is not None else table.groups_of(speaker.strip())
        for found in groups:
            wanted.update(n.lower() for n in found.names)
        return wanted

    def matching_ids(self, query: str, *, all_spellings: bool = False) -> list[int]:
        """Every article the search ``query`` finds, best first (no snippets made)."""
        text, _widened = self.alias_table().rewrite(query, all_spellings=all_spellings)
        limit = max(1, self._store.article_count())

        def run() -> list[int]:
            page = self._index.search(text, limit=limit)
            return [hit.article_id for hit in page.hits]

        try:
            return run()
        except IndexDamaged as exc:
            return self._rebuild_damaged(exc, run)

    def timeline(
        self,
        *,
        by: str | None = None,
        query: str | None = None,
        step: Step | None = None,
        where: ArticleFilter | None = None,
        all_spellings: bool = False,
    ) -> Timeline:
        """Articles over time, by day, week or month (``step``, else chosen from the
        span), split by ``"source"`` or ``"tag"`` (``by``), of the articles a search
        finds (``query``) and that pass the filter (``where``)."""
        if by not in (None, "source", "tag"):
            raise CoverageReaderError(f"a timeline is split by source or tag, not {by!r}")
        if step is not None and step not in STEPS:
            raise CoverageReaderError(f"a timeline goes by {', '.join(STEPS)}, not {step!r}")
        rows = self._store.timeline_rows(by, where)
        if query is not None and query.strip():
            found = set(self.matching_ids(query, all_spellings=all_spellings))
            rows = [row for row in rows if row[0] in found]
        return build_timeline(rows, step=step, by=by)

    def more_like_this(self, article_id: int, *, limit: int = 10) -> list[tuple[int, float]]:
        article = self._store.get_article(article_id)

        def run() -> list[tuple[int, float]]:
            return self._index.more_like_this(article_id, article.text, limit=limit)

        try:
            return run()
        except IndexDamaged as exc:
            return self._rebuild_damaged(exc, run)

    def _rebuild_damaged(self, damage: IndexDamaged, retry: Callable[[], R]) -> R:
        """A search found the index damaged (where opening it does not look): it is
        marked so on disk (the next open rebuilds it), and rebuilt now and the search run
        again — unless the caller rebuilds on a thread (``needs_rebuild`` says why) or
        this library is read-only; then the error says what happens."""
        reason = str(damage)
        log.warning("the search index is damaged: %s", reason)
        self._index.mark_damaged(reason)
        if self.read_only is not None:
            self.needs_rebuild = reason
            raise IndexUnavailable(
                f"the search index is damaged ({reason}); it is rebuilt from the library "
                "(nothing of yours is lost) when the library is next opened by the window"
            ) from damage
        if self.rebuild_later:
            self.needs_rebuild = reason
            raise IndexUnavailable(
                f"the search index is damaged ({reason}); it is being rebuilt from the "
                "library (nothing of yours is lost): search again when it is done"
            ) from damage
        self.rebuild_index()
        return retry()

    # -- changing -----------------------------------------------------------------------

    @_changes
    def set_read(self, article_id: int, read: bool = True) -> None:
        self._store.set_read(article_id, read)

    @_changes
    def update_metadata(
        self,
        article_id: int,
        *,
        title: str | None = None,
        date: ArticleDate | None = None,
        clear_date: bool = False,
        source: str | None = None,
        url: str | None = None,
    ) -> None:
        """Correct an article's title, date, source or URL (searchable at once)."""
        self._store.update_metadata(
            article_id, title=title, date=date, clear_date=clear_date, source=source, url=url
        )
        self.sync_index(wait=False)

    @_changes
    def set_language(self, article_id: int, language: str | None) -> None:
        """Correct an article's language (``ru``, ``zh-CN`` → ``zh``); a new version of
        the article keeps the correction. ``None`` gives the choice back to detection."""
        if language is None or not language.strip():
            article = self._store.get_article(article_id)
            found, origin = lang_detect.decide(None, [article.title, *article.paragraphs])
            self._store.set_language(article_id, found, origin)
        else:
            code = lang_detect.primary(clean_language(language.strip()))
            if code is None:
                raise LibraryError(
                    f"“{language}” is not a language code: write two or three letters, "
                    "such as en, ru or zh"
                )
            self._store.set_language(article_id, code, "user")
        self.sync_index(wait=False)

    def languages(self) -> list[tuple[str, int]]:
        """The articles' languages with their counts, most articles first."""
        return self._store.languages()

    # -- name spellings ----------------------------------------------------------------

    def alias_table(self) -> AliasTable:
        """The table of name spellings: the shipped one with the user's changes."""
        if self._aliases is None:
            changes = [
                UserAlias(key, name, kind, removed)
                for key, name, kind, removed in self._store.alias_changes()
            ]
            self._aliases = AliasTable.build(_shipped_aliases(), changes)
        return self._aliases

    @_changes
    def add_alias(self, key: str, name: str, *, kind: str | None = None) -> AliasGroup:
        """Add a spelling to a group (a new group when ``key`` is new: give its kind)."""
        key, name = clean_key(key), clean_name(name)
        shipped = _shipped_aliases().get(key)
        if kind is not None and kind not in ALIAS_KINDS:
            raise LibraryError(f"“{kind}” is not a kind of name: use {', '.join(ALIAS_KINDS)}")
        if shipped is not None and name in shipped.names:
            self._store.drop_alias_change(key, name)  # it was removed: it is back
        else:
            self._store.set_alias_change(key, name, kind, removed=False)
        old = self._analysis()
        self._aliases = None
        self._names_changed(old, [name], [key])
        return self.alias_table().group(key)

    @_changes
    def remove_alias(self, key: str, name: str) -> None:
        """Take a spelling out of a group (the shipped table itself is never changed)."""
        key, name = clean_key(key), clean_name(name)
        group = self.alias_table().groups.get(key)
        if group is None or name not in group.names:
            raise LibraryError(f"the name group “{key}” has no name “{name}”")
        shipped = _shipped_aliases().get(key)
        if shipped is not None and name in shipped.names:
            self._store.set_alias_change(key, name, None, removed=True)
        else:
            self._store.drop_alias_change(key, name)
        old = self._analysis()
        self._aliases = None
        self._names_changed(old, [name], [key])

    @_changes
    def set_tags(self, article_id: int, tags: Sequence[str]) -> None:
        self._store.set_tags(article_id, tags)
        self.sync_index(wait=False)

    @_changes
    def delete_article(self, article_id: int, *, keep_highlights: bool) -> None:
        """Delete an article and all its versions (undoable). The caller chooses what
        happens to its highlights: kept as orphans (quote, note and citation intact) or
        deleted too."""
        self._store.get_article(article_id)
        self._run(DeleteArticle(article_id, keep_highlights))

    # -- highlights -----------------------------------------------------------------------

    def highlights(self, article_id: int | None = None) -> list[Highlight]:
        """The highlights of one article (in text order), or of the whole library."""
        if article_id is None:
            return self._store.highlights.all()
        return self._store.highlights.for_article(article_id)

    def highlight(self, highlight_id: int) -> Highlight:
        return self._store.highlights.get(highlight_id)

    def orphans(self) -> list[Highlight]:
        return self._store.highlights.orphans()

    def highlight_counts(self, article_ids: Sequence[int]) -> dict[int, int]:
        return self._store.highlights.counts_by_article(article_ids)

    @_changes
    def add_highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        *,
        color: str = DEFAULT_COLOR,
        note: str = "",
        tags: Sequence[str] = (),
    ) -> Highlight:
        """Highlight characters ``start:end`` of the article's text (undoable)."""
        text = self._store.get_article(article_id).text
        command = CreateHighlight(article_id, describe(text, start, end), color, note, tuple(tags))
        self._run(command)
        assert command.created is not None
        return command.created

    @_changes
    def highlight_quote(
        self,
        article_id: int,
        quote: str,
        *,
        occurrence: int = 1,
        color: str = DEFAULT_COLOR,
        note: str = "",
        tags: Sequence[str] = (),
    ) -> Highlight:
        """Highlight the ``occurrence``-th appearance of ``quote`` in the article."""
        text = self._store.get_article(article_id).text
        place = find_occurrence(text, quote, occurrence)
        if place is None:
            times = text.count(quote) if quote else 0
            where = f"only {times} time(s)" if times else "nowhere"
            raise LibraryError(
                f"article {article_id}: the quote {quote!r} appears {where} in its text"
                + (f", not {occurrence} times" if times else "")
            )
        return self.add_highlight(article_id, *place, color=color, note=note, tags=tags)

    @_changes
    def recolor_highlight(self, highlight_id: int, color: str) -> None:
        self._run(UpdateHighlight(self.highlight(highlight_id), color=color, label="Change colour"))

    @_changes
    def edit_note(self, highlight_id: int, note: str) -> None:
        self._run(UpdateHighlight(self.highlight(highlight_id), note=note, label="Edit note"))

    @_changes
    def set_highlight_tags(self, highlight_id: int, tags: Sequence[str]) -> None:
        self._run(
            UpdateHighlight(self.highlight(highlight_id), tags=tuple(tags), label="Change tags")
        )

    @_changes
    def delete_highlights(self, highlight_ids: Sequence[int]) -> None:
        found = self._store.highlights.get_many(list(highlight_ids))
        if not found:
            return
        label = "Delete highlight" if len(found) == 1 else f"Delete {len(found)} highlights"
        self._run(DeleteHighlights(found, label=label))

    @_changes
    def undo(self) -> str | None:
        """Undo the last annotation change; returns its label (None if nothing to undo)."""
        command = self._undo.undo(self._store)
        if command:
            self._after(command)
        return command.label if command else None

    @_changes
    def redo(self) -> str | None:
        command = self._undo.redo(self._store)
        if command:
            self._after(command)
        return command.label if command else None

    @property
    def undo_label(self) -> str | None:
        return self._undo.undo_label

    @property
    def redo_label(self) -> str | None:
        return self._undo.redo_label

    def _run(self, command: Command) -> None:
        self._undo.push(command, self._store)
        self._after(command)

    def _after(self, command: Command) -> None:
        """Annotation changes queue their article for the index (database triggers, in
        the same transaction); apply them now so a search finds the new note at once."""
        self.last_changed_articles = frozenset(command.affected_articles())
        self.sync_index(wait=False)

    def export_highlights(
        self,
        fmt: str,
        *,
        query: str | None = None,
        article_ids: Sequence[int] | None = None,
        highlight_ids: Sequence[int] | None = None,
        title: str = "Highlights",
    ) -> str:
        """Highlights of the whole library, some articles, a search result, or a selection,
        as ``markdown``, ``json`` (W3C Web Annotation), ``csv`` or ``html``."""
        if highlight_ids is not None:
            chosen = self._store.highlights.get_many(list(highlight_ids))
        elif article_ids is not None or query is not None:
            ids = list(article_ids or [])
            if query is not None:
                page = self.search(query, limit=1_000_000)
                ids += [h.article_id for h in page.hits]
            chosen = [h for article_id in dict.fromkeys(ids) for h in self.highlights(article_id)]
        else:
            chosen = self.highlights()
        return export(chosen, fmt, title=title)

    @_changes
    def import_annotations(self, path: Path) -> AnnotationImportReport:
        """Read W3C Web Annotation JSON (as exported) into this library. Highlights
        re-anchor on matching articles (by URL, content hash or id); duplicates are
        recognised; what cannot be placed is kept as an orphan and reported."""
        from reader.core.ingest.detect import binary_kind

        try:
            data = path.read_bytes()
        except OSError as exc:
            raise LibraryError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        if not data.strip():
            raise LibraryError(f"{path}: the file is empty")
        kind = binary_kind(data)
        if kind is not None:
            raise LibraryError(
                f"{path}: this is a binary file ({kind}), not W3C Web Annotation JSON"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LibraryError(
                f"{path}: the text is not UTF-8 (byte {exc.start + 1} cannot be read), so it "
                "is not W3C Web Annotation JSON"
            ) from exc
        try:
            items = [_storable(item) for item in parse_w3c(text)]
        except AnnotationFormatError as exc:
            raise LibraryError(f"{path}: {exc}") from exc
        except RecursionError as exc:
            raise LibraryError(f"{path}: not JSON that can be read: nested too deeply") from exc
        except (AttributeError, TypeError, ValueError, OverflowError) as exc:
            # A value where parse_w3c does not expect one (a number for a list, infinity
            # for a position …).
            raise LibraryError(
                f"{path}: not a W3C Web Annotation document (an unexpected value: {exc})"
            ) from exc
        report = AnnotationImportReport()
        now = _utcnow()
        with self._store.transaction():
            for item in items:
                if item.uid and self._store.highlights.by_uid(item.uid):
                    report.duplicates += 1
                    continue
                candidates = self._store.find_articles_by(url=item.url, content_hash=item.sha256)
                placed = False
                for article_id in candidates:
                    snapshot = self._store.snapshot(article_id)
                    text_now = self._store.version_text(_version_of(snapshot))
                    placement = reanchor(item.anchor, text_now)
                    if not placement.placed:
                        continue
                    if any(
                        h.start == placement.start and h.end == placement.end
                        for h in self._store.highlights.for_article(article_id)
                    ):
                        report.duplicates += 1
                        placed = True
                        break
                    self._insert_imported(
                        item,
                        snapshot,
                        describe(text_now, placement.start, placement.end),
                        now,
                        placement.status,
                        placement.confidence,
                    )
                    report.imported += 1
                    placed = True
                    break
                if placed:
                    continue
                orphan_snapshot = ArticleSnapshot(
                    article_id=None,
                    version_id=None,
                    title=item.article_title,
                    source=item.outlet,
                    date=item.date,
                    url=item.url,
                    content_hash=item.sha256 or "",
                )
                self._insert_imported(item, orphan_snapshot, item.anchor, now, "orphan", 0.0)
                where = item.article_title or item.url or item.sha256 or "an unknown article"
                reason = "article not in this library" if not candidates else "passage not found"
                report.orphans.append(f"{item.anchor.quote.exact[:60]!r} ({where}): {reason}")
        self.sync_index()
        return report

    @_changes
    def reattach_highlight(self, highlight_id: int, article_id: int) -> Highlight:
        """Place an orphaned highlight on an article whose text holds its passage (exactly
        or closely). Raises LibraryError when the passage is not there."""
        highlight = self.highlight(highlight_id)
        snapshot = self._store.snapshot(article_id)
        text = self._store.version_text(_version_of(snapshot))
        placement = reanchor(highlight.selectors, text)
        if not placement.placed:
            raise LibraryError(
                f"the passage “{highlight.exact[:60]}” is not in article {article_id}"
            )
        with self._store.transaction():
            self._store.highlights.place(
                highlight_id, snapshot, placement, describe(text, placement.start, placement.end)
            )
        self.sync_index(wait=False)
        return self.highlight(highlight_id)

    def _insert_imported(
        self,
        item: ImportedAnnotation,
        snapshot: ArticleSnapshot,
        anchor: Anchor,
        now: str,
        status: AnchorStatus,
        confidence: float,
    ) -> None:
        self._store.highlights.insert(
            snapshot,
            anchor,
            color=item.color,
            note=item.note,
            tags=item.tags,
            now=item.modified or now,
            uid=item.uid,
            created_at=item.created,
            status=status,
            confidence=confidence,
        )

    def _reanchor(self, article_id: int) -> None:
        """Place every highlight of an article on its new current version."""
        snapshot = self._store.snapshot(article_id)
        text = self._store.version_text(_version_of(snapshot))
        for highlight in self._store.highlights.for_article(article_id):
            placement = reanchor(highlight.selectors, text)
            anchor = describe(text, placement.start, placement.end) if placement.placed else None
            self._store.highlights.place(highlight.id, snapshot, placement, anchor)


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Character offsets beyond this are no offsets in any article (SQLite stops at 2**63).
_MAX_OFFSET = 2**53


def _storable(item: ImportedAnnotation) -> ImportedAnnotation:
    """An imported annotation as the store can keep and read back: every text a string
    without lone surrogates (JSON may hold ``\\ud800``), a date that is no ISO date
    dropped (else every later read of the highlights failed on it), an impossible
    position forgotten (the quote still places the highlight)."""

    def text(value: object) -> str | None:
        if isinstance(value, str):
            return _SURROGATE.sub("\ufffd", value)
        return None if value is None or isinstance(value, dict | list) else str(value)

    def when(value: object) -> str | None:
        iso = text(value)
        try:
            return iso if iso and datetime.fromisoformat(iso) else None
        except ValueError:
            return None

    quote, position = item.anchor.quote, item.anchor.position
    if not 0 <= position.start <= position.end <= _MAX_OFFSET:
        position = TextPositionSelector(0, 0)
    return dataclasses.replace(
        item,
        uid=text(item.uid) or None,
        anchor=Anchor(
            TextQuoteSelector(
                text(quote.exact) or "", text(quote.prefix) or "", text(quote.suffix) or ""
            ),
            position,
        ),
        color=text(item.color) or DEFAULT_COLOR,
        note=text(item.note) or "",
        tags=tuple(t for t in (text(tag) for tag in item.tags) if t),
        source=text(item.source),
        sha256=text(item.sha256),
        article_title=text(item.article_title) or "",
        outlet=text(item.outlet),
        date=text(item.date),
        url=text(item.url),
        created=when(item.created),
        modified=when(item.modified),
    )


def _version_of(snapshot: ArticleSnapshot) -> int:
    if snapshot.version_id is None:  # only orphans' snapshots lack a version
        raise LibraryError(f"article {snapshot.article_id} has no current version")
    return snapshot.version_id


def _make_private_dir(path: Path) -> None:
    """Create the library folder, and the folders above it that do not exist yet,
    readable by this user only (whatever the umask says)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
    except OSError as exc:
        raise LibraryError(f"{path}: cannot create the library folder: {exc.strerror}") from exc
    if not os.access(path, os.W_OK):
        raise LibraryReadOnly(f"{path}: the library folder is read-only")


def _index_documents(
    store: Store, articles: Sequence[StoredArticle], analysis: _Analysis
) -> list[IndexDocument]:
    """What the index holds of each article: its text and metadata, the people, places
    and organisations it names and who speaks in it, and the highlights, notes, colours
    and tags the user gave it."""
    ids = [a.id for a in articles]
    highlights = store.highlights.by_articles(ids)
    entities = store.entities_of(ids)
    speakers = store.speakers_of(ids)
    documents = []
    for article in articles:
        marks = highlights.get(article.id, [])
        named: dict[str, list[str]] = {"person": [], "place": [], "organisation": []}
        for kind, key, name, _mentions in entities.get(article.id, []):
            named[kind] += analysis.terms(key, name)
        spoke: list[str] = []
        for speaker, _kind in speakers.get(article.id, []):
            group = analysis.gazetteer.key_of(speaker)
            spoke += analysis.terms(group, speaker) if group is not None else [speaker]
        documents.append(
            IndexDocument(
                article_id=article.id,
                content_hash=article.content_hash,
                title=article.title,
                body=article.text,
                source=article.source,
                dateline=article.dateline,
                author=article.author,
                tags=article.tags,
                date=article.date.as_datetime() if article.date else None,
                language=article.language,
                highlights=tuple(h.exact for h in marks),
                notes=tuple(h.note for h in marks if h.note),
                colors=tuple(h.color for h in marks),
                highlight_tags=tuple(t for h in marks for t in h.tags),
                people=tuple(named["person"]),
                places=tuple(named["place"]),
                organisations=tuple(named["organisation"]),
                speakers=tuple(spoke),
                stamp=index_stamp(article.content_hash, marks),
            )
        )
    return documents


@functools.cache
def _shipped_aliases() -> dict[str, AliasGroup]:
    """The name table the app ships (resources/aliases.yaml), read once."""
    return load_shipped(resource_path("resources/aliases.yaml"))


def _with_languages(store: Store, batch: list[StoredArticle]) -> list[StoredArticle]:
    """Articles stored before languages were detected get one now (a rebuild reads
    every article anyway); it is recorded in the store and indexed with the article."""
    origins = store.language_origins([a.id for a in batch])
    found: list[tuple[int, str | None, str]] = []
    out = []
    for article in batch:
        if origins.get(article.id, "") is None:
            language, origin = lang_detect.decide(
                article.language, [article.title, *article.paragraphs]
            )
            found.append((article.id, language, origin))
            if language != article.language:
                article = dataclasses.replace(article, language=language)
        out.append(article)
    if found:
        store.record_languages(found)
    return out


def _with_analysis(store: Store, batch: list[StoredArticle], analysis: _Analysis) -> None:
    """Articles whose statements, entities or story signatures are missing or out of
    date (stored before they were found, or by an older extractor or name table) get
    them now: a rebuild reads every article anyway, and indexes what is found."""
    ids = [a.id for a in batch]
    stale_statements = set(store.stale_statement_articles(EXTRACTOR_VERSION, ids))
    stale_entities = set(store.stale_entity_articles(analysis.gazetteer.digest, ids))
    unsigned = set(store.stale_story_articles(STORY_VERSION, ids))
    for article in batch:
        if article.id in stale_statements:
            found = extract_statements(article.text, analysis.names)
            rows = [_statement_row(st) for st in found]
            store.set_statements(article.id, article.content_hash, EXTRACTOR_VERSION, rows)
        if article.id in stale_entities:
            _find_entities(store, article, analysis, reindex=False)
        if article.id in unsigned:
            sigs = story.signatures(article.text)
            _store_story(store, article.id, article.content_hash, sigs, article.date)


def _find_entities(
    store: Store, article: StoredArticle, analysis: _Analysis, *, reindex: bool
) -> bool:
    """Find an article's entities again (from its stored text and speakers) and store
    them; whether they changed."""
    spoke = store.speakers_of([article.id]).get(article.id, [])
    people = [name for name, kind in spoke if kind == "person"]
    found = analysis.gazetteer.find(article.text, title=article.title, people=people)
    return store.set_entities(
        article.id,
        article.content_hash,
        analysis.gazetteer.digest,
        [_entity_row(e) for e in found],
        reindex=reindex,
    )


def _iter_documents(store: Store, analysis: _Analysis) -> Iterator[IndexDocument]:
    batch: list[StoredArticle] = []
    for article in store.iter_articles():
        batch.append(article)
        if len(batch) >= 500:
            _with_analysis(store, batch, analysis)
            yield from _index_documents(store, _with_languages(store, batch), analysis)
            batch = []
    if batch:
        _with_analysis(store, batch, analysis)
        yield from _index_documents(store, _with_languages(store, batch), analysis)


def _rebuild(
    store: Store,
    index: SearchIndex,
    analysis: _Analysis,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    # Queued changes are part of what the rebuild reads from the store: forget them only
    # if the rebuild completes.
    high_water = store.last_pending_id()
    try:
        count = index.rebuild(
            _iter_documents(store, analysis), progress=progress, cancelled=cancelled
        )
    except HelperFailed:
        # The helper process died (killed, out of memory): the old index is untouched;
        # build the new one in this process alone.
        log.warning("rebuilding the index again without the helper process")
        count = index.rebuild(
            _iter_documents(store, analysis), progress=progress, cancelled=cancelled, helper=False
        )
    if high_water is not None and not (cancelled and cancelled()):
        store.clear_pending(high_water)
    return count


def _stored_text(paragraphs: Sequence[str]) -> str:
    """An article's text as the store keeps it (the offsets of its statements)."""
    return PARAGRAPH_SEPARATOR.join(p.replace("\n", " ") for p in paragraphs)


@dataclass(frozen=True, slots=True)
class StoryLink:
    """Two articles found related: ``copy`` (near-duplicate text) or ``event``."""

    a: int
    b: int
    relation: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Story:
    """Articles telling the same story."""

    article_ids: tuple[int, ...]
    #: "copy", "event" or both: how its articles are related.
    relations: tuple[str, ...]
    links: tuple[StoryLink, ...]


def _store_story(
    store: Store, article_id: int, content_hash: str, sigs: Signatures, when: ArticleDate | None
) -> None:
    day = when.as_datetime().date() if when is not None else None
    buckets = [
        (relation, band, bucket)
        for relation, signature in ((story.COPY, sigs.copy), (story.EVENT, sigs.event))
        for band, bucket in story.bands(signature, relation)
    ]

    def relate(rows: list[tuple[int, bytes, bytes, str | None]]) -> list[tuple[int, str, float]]:
        out = []
        for other, copy_sig, event_sig, other_day in rows:
            theirs = date.fromisoformat(other_day) if other_day else None
            found = story.related(sigs, Signatures(copy_sig, event_sig), day, theirs)
            if found is not None:
                out.append((other, *found))
        return out

    store.set_story(
        article_id,
        content_hash,
        STORY_VERSION,
        (sigs.copy, sigs.event),
        day.isoformat() if day else None,
        buckets,
        relate,
    )


def _batches(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


def _people(statements: Sequence[Statement]) -> list[str]:
    """The people who speak in an article (named people, not institutions)."""
    return [st.speaker for st in statements if st.kind == "person"]


def _entity_row(e: Entity) -> tuple[str, str, str, int, int]:
    return (e.kind, e.key, e.name, e.mentions, e.first)


def _statement_row(st: Statement) -> tuple[object, ...]:
    return (st.speaker, st.kind, st.verb, st.text, st.start, st.end, int(st.quote))


def _speaks_as(speaker: str, wanted: set[str]) -> bool:
    """Whether a statement's speaker is one of these names, or holds one of them as its
    words ("putin" in "Vladimir Putin")."""
    name = speaker.lower()
    if name in wanted:
        return True
    words = set(name.split())
    return any(set(w.split()) <= words for w in wanted if w)


def _listed(article_id: int, st: Statement, date: str | None) -> ArticleStatement:
    return ArticleStatement(
        article_id, st.speaker, st.kind, st.verb, st.text, st.start, st.end, st.quote, date
    )


def _from_row(row: tuple[object, ...]) -> ArticleStatement:
    article_id, speaker, kind, verb, text, start, end, quote, date = row
    return ArticleStatement(
        article_id=int(str(article_id)),
        speaker=str(speaker),
        kind=str(kind),
        verb=str(verb),
        text=str(text),
        start=int(str(start)),
        end=int(str(end)),
        quote=bool(quote),
        date=None if date is None else str(date),
    )
