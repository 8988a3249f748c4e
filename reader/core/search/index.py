"""The search index: a Whoosh index derived from the library, never the source of truth.

Only this package imports Whoosh. The index can always be thrown away and rebuilt from
SQLite (:meth:`SearchIndex.rebuild` builds a new index beside the old one and swaps it in,
so a cancelled or crashed rebuild leaves the old index working).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import logging
import math
import re
import shutil
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import whoosh
import whoosh.index
from whoosh import query as wq
from whoosh.collectors import (
    ScoredCollector,
    TermsCollector,
    TimeLimit,
    TimeLimitCollector,
    TopCollector,
    WrappingCollector,
)

from reader.core.disk import write_failure
from reader.core.errors import CoverageReaderError, QueryError
from reader.core.models import SearchHit, SearchPage
from reader.core.search import phrases, queries, whoosh_fixes
from reader.core.search.analysis import HAN, STOP_WORDS, stem_term
from reader.core.search.expansion import AnyWord
from reader.core.search.helper import (
    HelperFailed,
    SegmentHelper,
    SegmentMerger,
    add_segments,
    helper_available,
    merger_available,
    remove_stale_merges,
)
from reader.core.search.schema import SCHEMA_VERSION, build_schema
from reader.core.search.snippets import lead, make_snippet
from reader.core.search.vocabulary import FILE_NAME as VOCABULARY_FILE
from reader.core.search.vocabulary import Vocabulary, words_of
from reader.core.search.vocabulary import damage as vocabulary_damage

log = logging.getLogger(__name__)
whoosh_fixes.apply()
phrases.apply()

MARKER = "coverage-reader-index.json"
#: A search that runs longer than this returns what it found so far (``partial``).
TIME_LIMIT_S = 5.0
#: Pages of results kept for a repeated search (same query, sort and page) until the
#: index changes: going back to an earlier query, or the window asking again, costs
#: nothing. A page of 1,000 hits with snippets is ~0.3 MB.
RECENT_PAGES = 16
#: How long a writer waits for another writer (a second copy of the app) to finish.
WRITE_TIMEOUT_S = 30.0
#: Memory for the writer's postings before it sorts them on disk (Whoosh's default, 128,
#: spilled sorted runs to disk at every big commit: measured 25-40% slower imports).
WRITER_MB = 384
SORTS = ("relevance", "date", "date-asc")
#: Segments are merged in tiers: when MERGE_FACTOR segments hold a similar number of
#: live documents (the same power of MERGE_FACTOR), a commit merges them into one …
MERGE_FACTOR = 4
#: … but only segments of fewer live documents than this. Whoosh merges at about the
#: speed it indexes, so its own policy, which merged half the index in one commit once
#: enough segments had gathered (268 s at 60,000 articles), stalled an import for
#: minutes; this one bounds a commit's merge to MERGE_FACTOR * SMALL_SEGMENT documents.
SMALL_SEGMENT = 256
#: A commit of at least this many new documents shares the work with a helper process
#: (see ``helper.py``), which takes chunks of this many whenever it is not busy.
HELPER_FROM = 1000
HELPER_CHUNK = 200
#: More segments of at least SMALL_SEGMENT live documents than this, and the smallest
#: MERGE_FACTOR of them are merged by a background process (see ``helper.py``).
MAX_BIG_SEGMENTS = 8
#: Memory for a background merge's postings (it runs beside the app and an import).
MERGER_MB = 128

Bodies = Callable[[Sequence[int]], Mapping[int, str]]


class _Cancelled(Exception):
    """A rebuild was cancelled."""


class IndexUnavailable(CoverageReaderError):
    """The index folder is missing, damaged, or was made by another version."""


class IndexDamaged(IndexUnavailable):
    """Reading the index failed mid-search: a damaged file that opening it did not find
    (opening checks every file's ends, not every byte). The index must be rebuilt."""


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """What the index knows of one article."""

    article_id: int
    content_hash: str
    title: str
    body: str
    source: str | None = None
    dateline: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    date: datetime | None = None
    language: str | None = None
    #: The user's annotations: highlighted passages, notes, their colours and tags.
    highlights: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    highlight_tags: tuple[str, ...] = ()
    #: Who and what it names (every spelling of each), and who speaks in it.
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    #: What :meth:`SearchIndex.stored_state` reports for this document (defaults to the
    #: content hash; the library adds a fingerprint of the annotations).
    stamp: str = ""

    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "id": str(self.article_id),
            "hash": self.stamp or self.content_hash,
            "title": self.title,
            "body": self.body,
        }
        notes = [n for n in self.notes if n.strip()]
        if notes:
            fields["note"] = "\n\n".join(notes)
        if self.highlights:
            fields["highlight"] = "\n\n".join(self.highlights)
        if self.colors:
            fields["color"] = ",".join(sorted(set(self.colors)))
        for name, values in (
            ("person", self.people),
            ("place", self.places),
            ("org", self.organisations),
            ("speaker", self.speakers),
        ):
            if values:
                fields[name] = "\n".join(values)
        for name in ("source", "dateline", "author", "language"):
            value = getattr(self, name)
            if value:
                fields[name] = value
        tags = dict.fromkeys((*self.tags, *self.highlight_tags))
        if tags:
            fields["tags"] = ",".join(t.replace(",", " ") for t in tags)
        if self.date is not None:
            moment = self.date
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
            fields["date"] = moment
            fields["ymd"] = f"{moment:%Y} {moment:%Y%m} {moment:%Y%m%d}"
        return fields


class SearchIndex:
    """An open index folder. Thread-safe: searches may run while a writer works."""

    def __init__(self, path: Path, ix: Any, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._ix = ix
        self._vocabulary = Vocabulary(path, read_only=read_only)
        self._helper = SegmentHelper()
        self._write_lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._searcher: Any | None = None
        self._stale = False
        self._closed = False
        self._recent = _RecentPages(RECENT_PAGES)
        # The background merge: its process, the segments it merges (None when there
        # is no merge), a number that changes when a merge is stopped (so a late
        # answer from a stopped one is ignored), and an event set while none runs.
        self._merger = SegmentMerger()
        self._merging: list[Any] | None = None
        self._merge_token = 0
        self._merge_idle = threading.Event()
        self._merge_idle.set()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = False, read_only: bool = False) -> SearchIndex:
        """Open the index at ``path``.

        With ``create=True`` a new, empty index is made there (whatever was there is
        removed: the index is derived data). Without it, a missing, damaged or
        out-of-date index raises :class:`IndexUnavailable`, and the caller rebuilds.
        With ``read_only`` nothing in the folder is changed or tidied (another process
        owns it); only searching works.
        """
        if not read_only:
            _remove_leftovers(path)
        if create:
            return cls(path, _create(path))
        if not path.is_dir():
            raise IndexUnavailable("the index folder is missing")
        if not read_only:
            remove_stale_merges(path)
        try:
            marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexUnavailable(f"the index has no valid {MARKER}") from exc
        if not isinstance(marker, dict) or marker.get("schema") != SCHEMA_VERSION:
            raise IndexUnavailable("the index was made by another version of the app")
        if marker.get("damaged"):
            raise IndexUnavailable(f"the index was found damaged ({marker['damaged']})")
        try:
            # Whoosh leaves a damaged file open when it fails half-way; it is closed when
            # the error is dropped, which would warn. The failure itself is reported.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                try:
                    ix = _open_existing(path, read_only=read_only)
                finally:
                    gc.collect()  # (also, and above all, when it failed)
            return cls(path, ix, read_only=read_only)
        except IndexUnavailable:
            raise
        except Exception as exc:  # damaged files fail in many ways; all mean "rebuild"
            if write_failure(exc) is not None:
                raise  # a full disk is no damage: the index must not be thrown away
            raise IndexUnavailable(f"the index is damaged ({type(exc).__name__}: {exc})") from None

    def close(self) -> None:
        with self._read_lock:
            self._recent.clear()
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        with self._write_lock:
            self._closed = True
            self._stop_merging()
            self._helper.close()
            self._ix.close()
            self._vocabulary.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def verify(self) -> str | None:
        """Why the index on disk is damaged (None: it is sound, as far as opening it
        again can tell): the check of :meth:`open`, on the files as they are now."""
        damage = self._verify_once()
        if damage is not None and self.read_only:
            # Another process may have been committing (and removing the files of the
            # table of contents this one read): only damage found twice is damage.
            damage = self._verify_once()
        return damage

    def _verify_once(self) -> str | None:
        with self._write_lock:
            try:
                marker = json.loads((self.path / MARKER).read_text(encoding="utf-8"))
                if not isinstance(marker, dict):
                    return f"the index has no valid {MARKER}"
                if marker.get("damaged"):
                    return f"the index was found damaged ({marker['damaged']})"
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ResourceWarning)
                    try:
                        _open_existing(self.path, read_only=True).close()
                    finally:
                        gc.collect()  # what a damaged file left open is closed here
            except IndexUnavailable as exc:
                return str(exc)
            except Exception as exc:
                reason = write_failure(exc)
                if reason is not None:
                    return f"the index cannot be checked now: {reason}"
                return f"the index is damaged ({type(exc).__name__}: {exc})"
        return None

    def mark_damaged(self, reason: str) -> None:
        """Remember on disk that the index is damaged, so that the next :meth:`open`
        (in any process) rebuilds it even if the damage is where opening does not look.
        Does nothing in a read-only index."""
        if self.read_only:
            return
        try:
            marker = json.loads((self.path / MARKER).read_text(encoding="utf-8"))
            if not isinstance(marker, dict):
                marker = {}
        except (OSError, ValueError):
            marker = {}
        marker["damaged"] = reason
        part = self.path / (MARKER + ".part")
        try:
            part.write_text(json.dumps(marker), encoding="utf-8")
            part.replace(self.path / MARKER)
        except OSError as exc:
            # Without the mark, a damaged marker or folder still fails the next open.
            log.warning("could not mark the index as damaged: %s", exc)
            with contextlib.suppress(OSError):
                (self.path / MARKER).unlink()

    # -- writing ---------------------------------------------------------------------

    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int]) -> None:
        """Add or replace ``upserts`` and remove ``deletes`` in one commit."""
        upserts = list(upserts)
        deletes = list(deletes)
        if not upserts and not deletes:
            return
        # Writing reads the index too (which articles it holds, where their old copies
        # are): a damaged file found then is told as damage, like a search finding it.
        with self._write_lock, _reading():
            known = self._indexed_ids([d.article_id for d in upserts])
            # The words first: a crash before the index commits leaves them counted
            # early (harmless), never missing.
            self._vocabulary.add(words_of(d.title, d.body) for d in upserts)
            new = [d for d in upserts if d.article_id not in known]
            replaced = [d for d in upserts if d.article_id in known]
            unhelped = self._write(new, replaced, deletes, helper=len(new) >= HELPER_FROM)
            if unhelped:
                # The helper failed: what it had is indexed here, in a commit of its own.
                self._write(unhelped, [], [], helper=False)
            self._stale = True
            if len(new) >= HELPER_FROM:
                # A big import is going on: both cores are busy with it, and it is what
                # the user waits for. It asks for merges when it ends (maintain()).
                return
            try:
                self._maybe_merge()
            except Exception as exc:  # the commit stands; merging can wait
                log.warning("could not plan a background merge: %s", exc)

    # -- merging in the background -------------------------------------------------------

    def merging(self) -> bool:
        """True while a background merge runs (searches and writes go on meanwhile)."""
        return not self._merge_idle.is_set()

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        """Wait until no background merge runs (one merge may start the next); returns
        False if ``timeout`` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._merge_idle.wait(left):
                return False
            with self._write_lock:
                if self._merge_idle.is_set():
                    return True

    def maintain(self) -> bool:
        """Start a background merge if one is due, without waiting for a writer (safe on
        the GUI thread); returns True if one runs now."""
        if not self._write_lock.acquire(blocking=False):
            return False
        try:
            if not self._closed:
                self._maybe_merge()
            return self.merging()
        finally:
            self._write_lock.release()

    def _maybe_merge(self) -> None:
        """Start merging the smallest big segments if there are too many (called under
        the write lock after every commit)."""
        if self._merging is not None or self._closed or not merger_available():
            return
        big = sorted(
            (s for s in self._ix._segments() if s.doc_count() >= SMALL_SEGMENT),
            key=lambda s: s.doc_count(),
        )
        if len(big) <= MAX_BIG_SEGMENTS:
            return
        sources = big[:MERGE_FACTOR]
        token = self._merge_token
        self._merging = sources
        self._merge_idle.clear()
        try:
            self._merger.start(self.path, sources, MERGER_MB, lambda job: self._merged(job, token))
        except Exception as exc:  # the process could not start: merge another time
            log.warning("could not start a background merge: %s", exc)
            self._merger.stop()
            self._merging = None
            self._merge_idle.set()

    def _merged(self, job: Future[Any], token: int) -> None:
        # Called in the executor's own thread, which must not wait for the write lock.
        threading.Thread(
            target=self._swap_merged, args=(job, token), name="index-merge", daemon=True
        ).start()

    def _swap_merged(self, job: Future[Any], token: int) -> None:
        with self._write_lock:
            if token != self._merge_token:
                return  # stopped (closed, rebuilt): _stop_merging cleaned up
            sources, self._merging = self._merging, None
            try:
                merged = job.result()
                assert sources is not None
                if self._commit_merged(merged, sources):
                    self._stale = True
                    log.info(
                        "merged %d segments (%d documents) in the background",
                        len(sources),
                        merged.doc_count(),
                    )
            except Exception as exc:  # a killed or failed merge costs only its work
                log.warning("background merge failed: %s", exc)
                self._merger.stop()
            else:
                self._merger.discard()
                try:
                    self._maybe_merge()
                except Exception as exc:
                    log.warning("could not plan a background merge: %s", exc)
                if self._merging is None:
                    self._merger.stop()  # its process holds memory a merge used
            finally:
                if self._merging is None:
                    self._merge_idle.set()

    def _commit_merged(self, merged: Any, sources: list[Any]) -> bool:
        """Replace ``sources`` by ``merged`` in a commit of its own. Documents deleted
        from the sources while they were merged are deleted from ``merged`` too. Returns
        False (and changes nothing) if a source is gone meanwhile."""
        assert self._merger.folder is not None
        writer = self._ix.writer(timeout=WRITE_TIMEOUT_S)
        try:
            current = {s.segment_id(): s for s in writer.segments}
            if any(s.segment_id() not in current for s in sources):
                writer.cancel()
                return False
            base = 0
            for source in sources:
                before = set(source.deleted_docs())
                kept = [d for d in range(source.doc_count_all()) if d not in before]
                gone = set(current[source.segment_id()].deleted_docs()) - before
                if gone:
                    position = {d: i for i, d in enumerate(kept)}
                    for docnum in gone:
                        merged.delete_document(base + position[docnum])
                base += len(kept)
            if base != merged.doc_count_all():
                raise RuntimeError(f"merged {merged.doc_count_all()} documents of {base}")
            name = merged.make_filename(merged.COMPOUND_EXT)
            (self._merger.folder / name).replace(self.path / name)
            replaced = {s.segment_id() for s in sources}
            segments = [s for s in writer.segments if s.segment_id() not in replaced]
            writer._close_segment()
            writer._commit_toc([*segments, merged])
            writer._finish()
            return True
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise

    def _stop_merging(self) -> None:
        """Stop a background merge (under the write lock)."""
        self._merge_token += 1
        if self._merging is not None:
            self._merging = None
            self._merger.stop()
        self._merge_idle.set()

    # -- writing (continued) -------------------------------------------------------------

    def _write(
        self,
        new: list[IndexDocument],
        replaced: list[IndexDocument],
        deletes: list[int],
        *,
        helper: bool,
    ) -> list[IndexDocument]:
        """One commit; returns the documents a failed helper did not index."""
        writer = self._ix.writer(timeout=WRITE_TIMEOUT_S, limitmb=WRITER_MB)
        sent: list[IndexDocument] = []
        dropped = False
        try:
            helper = helper and self._begin_helper(self.path)
            for article_id in deletes:
                writer.delete_by_term("id", str(article_id))
            for doc in replaced:
                writer.update_document(**doc.fields())
            for start in range(0, len(new), HELPER_CHUNK):
                chunk = new[start : start + HELPER_CHUNK]
                if helper and not self._helper.busy():
                    try:
                        self._helper.send([doc.fields() for doc in chunk])
                        sent.extend(chunk)
                        continue
                    except HelperFailed:
                        helper = False
                        dropped = True  # what it had comes back to be indexed here
                for doc in chunk:
                    # New to the index: nothing to replace, so the writer need not open
                    # every segment to look for an old copy.
                    writer.add_document(**doc.fields())
            helped = _commit(writer, self._helper if helper else None)
        except BaseException:
            self._helper.abandon()
            if not writer.is_closed:
                writer.cancel()
            raise
        return sent if dropped or not helped else []

    def _begin_helper(self, path: Path) -> bool:
        if not helper_available():
            return False
        try:
            self._helper.begin(path, WRITER_MB)
        except HelperFailed:
            return False
        return True

    def _indexed_ids(self, article_ids: list[int]) -> set[int]:
        """Which of these articles the index holds (called under the write lock, so no
        other writer can change the answer before the caller commits)."""
        with self._read_lock:
            searcher = self._current_searcher()
            if not searcher.up_to_date():
                self._stale = True
                searcher = self._current_searcher()
            return {i for i in article_ids if searcher.document_number(id=str(i)) is not None}

    def segment_count(self) -> int:
        """How many segments the index has (each small commit adds one)."""
        return len(self._ix._segments())

    def rebuild(
        self,
        documents: Iterable[IndexDocument],
        *,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        helper: bool = True,
    ) -> int:
        """Index ``documents`` into a new index and swap it in; returns how many.

        If ``cancelled`` returns true, the new index is thrown away and the old one stays.
        With ``helper``, a helper process indexes part of the documents; if it fails, this
        raises :class:`HelperFailed` (and the old index stays): call again without it.
        """
        fresh_path = path_beside(self.path, ".new")
        with self._write_lock:
            self._stop_merging()
            fresh = _create(fresh_path)
            words = Vocabulary(fresh_path)
            writer = fresh.writer(limitmb=WRITER_MB)
            helper = helper and self._begin_helper(fresh_path)
            count = 0
            chunk: list[IndexDocument] = []

            def flush() -> None:
                if helper and not self._helper.busy():
                    self._helper.send([doc.fields() for doc in chunk])
                else:
                    for doc in chunk:
                        writer.add_document(**doc.fields())
                words.add(words_of(doc.title, doc.body) for doc in chunk)
                chunk.clear()
                if progress is not None:
                    progress(count)

            try:
                for doc in documents:
                    if not chunk and cancelled is not None and cancelled():
                        raise _Cancelled
                    chunk.append(doc)
                    count += 1
                    if len(chunk) >= HELPER_CHUNK:
                        flush()
                flush()
                if not _commit(writer, self._helper if helper else None) and helper:
                    raise HelperFailed("the indexing helper failed during a rebuild")
            except BaseException as exc:
                if helper:
                    self._helper.abandon()
                if not writer.is_closed:
                    with contextlib.suppress(Exception):
                        writer.cancel()
                fresh.close()
                words.close()
                shutil.rmtree(fresh_path, ignore_errors=True)
                if isinstance(exc, _Cancelled):
                    return count
                raise
            fresh.close()
            words.close()
            with self._read_lock:
                if self._searcher is not None:
                    self._searcher.close()
                    self._searcher = None
                self._ix.close()
                self._vocabulary.close()
                old_path = path_beside(self.path, ".old")
                shutil.rmtree(old_path, ignore_errors=True)
                if self.path.exists():
                    self.path.replace(old_path)
                fresh_path.replace(self.path)
                shutil.rmtree(old_path, ignore_errors=True)
                self._ix = whoosh.index.open_dir(str(self.path))
                self._vocabulary = Vocabulary(self.path)
                self._stale = False
        if progress is not None:
            progress(count)
        return count

    # -- reading ---------------------------------------------------------------------

    def doc_count(self) -> int:
        with self._read_lock, _reading():
            return int(self._current_searcher().doc_count())

    def stored_state(self) -> dict[int, str]:
        """article id -> content hash, for every indexed article (to check against the
        library)."""
        with self._read_lock, _reading():
            searcher = self._current_searcher()
            return {int(f["id"]): str(f["hash"]) for f in searcher.all_stored_fields()}

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
        bodies: Bodies | None = None,
        snippet_chars: int = 240,
    ) -> SearchPage:
        """Run ``query``; return one page of hits with snippets (if ``bodies`` is given)."""
        started = time.perf_counter()
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        limit = max(0, limit)
        offset = max(0, offset)
        key = (query, limit, offset, sort, snippet_chars, bodies is not None)
        with self._read_lock, _reading():
            searcher = self._current_searcher()
            known = self._recent.get(searcher, key)
            if known is not None:
                return dataclasses.replace(known, elapsed_ms=(time.perf_counter() - started) * 1000)
            parsed = queries.parse(query, vocabulary=self._vocabulary)
            results, partial = self._run(searcher, parsed.query, offset + limit, sort)
            if (
                results is not None
                and results.is_empty()
                and parsed.mode == "all"
                and len(_query_stems(parsed.query)) > 1
            ):
                relaxed = queries.parse(query, vocabulary=self._vocabulary)
                relaxed.query = _relax(relaxed.query)
                results, partial = self._run(searcher, relaxed.query, offset + limit, sort)
                if results is not None and not results.is_empty():
                    parsed.mode = "any"
                    parsed.notices.append(
                        "No article has all of these words; showing articles with some of them."
                    )
            total = 0 if results is None else len(results)
            hits: list[SearchHit] = []
            if results is not None and limit:
                page = list(results[offset : offset + limit])
                texts = bodies([int(h["id"]) for h in page]) if bodies else {}
                query_words = _words_by_field(parsed.query)
                for hit in page:
                    article_id = int(hit["id"])
                    matched = tuple(dict.fromkeys(f for f, _t in hit.matched_terms()))
                    snippet = _snippet(
                        hit, texts.get(article_id, ""), matched, snippet_chars, query_words
                    )
                    if not snippet and bodies is not None:
                        snippet = lead(texts.get(article_id, ""), snippet_chars)
                    score = float(hit.score or 0.0) if sort == "relevance" else 0.0
                    hits.append(SearchHit(article_id, score, snippet, _where(matched)))
            suggestion = self._suggestion(searcher, query, queries.free_words(query))
        if partial:
            parsed.notices.append(
                f"The search took longer than {TIME_LIMIT_S:.0f} s and was stopped; "
                "the results may be incomplete."
            )
        answer = SearchPage(
            query=query,
            hits=tuple(hits),
            total=total,
            total_is_exact=not (partial or parsed.partial),
            suggestion=suggestion,
            mode=parsed.mode,
            partial=partial or parsed.partial,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notices=tuple(parsed.notices),
        )
        with self._read_lock:
            # Not a search cut short by the time cap (it may finish next time), nor one
            # whose searcher a write has made stale meanwhile.
            if not partial and searcher is self._searcher and not self._stale:
                self._recent.put(searcher, key, answer)
        return answer

    def more_like_this(
        self, article_id: int, body: str, *, limit: int = 10
    ) -> list[tuple[int, float]]:
        """Articles whose text shares the most distinctive words with ``body``."""
        with self._read_lock, _reading():
            searcher = self._current_searcher()
            docnum = searcher.document_number(id=str(article_id))
            if docnum is None:
                return []
            results = searcher.more_like(docnum, "body", text=body, top=limit, numterms=16)
            return [(int(hit["id"]), float(hit.score)) for hit in results]

    def complete(self, prefix: str, *, limit: int = 10) -> list[str]:
        """The most frequent words of the library that start with ``prefix``."""
        prefix = prefix.strip().lower()
        if not prefix:
            return []
        with self._read_lock, _reading():  # a rebuild swaps the vocabulary under this lock
            words, _cut = self._vocabulary.words_with_prefix(prefix, limit=limit * 5)
            reader = self._current_searcher().reader()
            return [w for w in words if _in_index(reader, w)][:limit]

    # -- internals -------------------------------------------------------------------

    def _current_searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
            self._stale = False
        elif self._stale or (self.read_only and not self._searcher.up_to_date()):
            # (Read-only, another process writes: its commits are looked for each time.)
            # A new searcher, not Searcher.refresh(): refresh reuses the reader of a
            # segment whose deletions changed (it compares segments by id), so deleted
            # articles would still be found; and it cannot refresh an empty index.
            self._stale = False
            self._searcher.close()
            self._searcher = self._ix.searcher()
        return self._searcher

    @staticmethod
    def _run(searcher: Any, q: wq.Query, limit: int, sort: str) -> tuple[Any | None, bool]:
        if q is wq.NullQuery:
            return None, False
        kwargs: dict[str, Any] = {"limit": max(1, limit), "terms": True}
        if sort != "relevance":
            kwargs["sortedby"] = "date"
            kwargs["reverse"] = sort == "date"
        if _only_words(q, scaled=False):
            # Words and alternatives of words: scored in one pass per field (the same
            # BM25F scores, 5-10x faster for words with tens of thousands of hits).
            q = _any_words(q)
        # Whoosh's top-N shortcut skips blocks of postings that cannot reach the top N
        # and then counts the hits in a second, unscored pass. It is kept only for
        # pasted sentences (many words, a coordination bonus); for intersections and
        # phrases the second pass repeats the whole work (AND p50 50 -> 105 ms, phrase
        # 230 -> 530 ms at 100,000 articles), and it needs block-quality bounds, which
        # a pre-scored list has not.
        exact_in_one_pass = not _only_words(q, scaled=True)
        if exact_in_one_pass:
            # Counted as it goes; and the collector must not "replace" the matcher
            # every ten hits: that may turn an OR into an AND once the top N are found,
            # dropping hits from the count.
            kwargs["optimize"] = False
        inner: Any
        if exact_in_one_pass and sort == "relevance":
            inner = _TopTermsCollector(TopCollector(max(1, limit), usequality=False, replace=0))
        else:
            inner = searcher.collector(**kwargs)
            if exact_in_one_pass:
                scored = inner
                while isinstance(scored, WrappingCollector):
                    scored = scored.child
                if isinstance(scored, ScoredCollector):
                    scored.replace = 0
        collector = TimeLimitCollector(inner, timelimit=TIME_LIMIT_S, use_alarm=False)
        partial = False
        try:
            searcher.search_with_collector(q, collector)
        except TimeLimit:
            partial = True
        return collector.results(), partial

    def _suggestion(self, searcher: Any, query: str, words: list[str]) -> str | None:
        """The query with unknown words replaced by the closest words of the library."""
        reader = searcher.reader()
        replacements: dict[str, str] = {}
        for word in dict.fromkeys(words):
            if word in STOP_WORDS or not 3 <= len(word) <= 40 or not word.isalpha():
                continue
            if re.search(f"[{HAN}]", word):  # a run of Chinese is many words, not a typo
                continue
            if _in_index(reader, word):
                continue
            found = self._vocabulary.suggest(word, exists=lambda w: _in_index(reader, w))
            if found is not None:
                replacements[word] = found
        if not replacements:
            return None

        def swap(m: re.Match[str]) -> str:
            word = m.group(0)
            new = replacements.get(word.lower())
            if new is None:
                return word
            return new.capitalize() if word[:1].isupper() else new

        return re.sub(queries.WORD_RE, swap, query)


class _RecentPages:
    """The last pages of results, valid while the searcher that made them is current.

    Every write marks the searcher stale and the next search opens a new one, so a page
    is never served after the index changed (the searcher is compared by identity).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._searcher: Any | None = None
        self._pages: OrderedDict[tuple[Any, ...], SearchPage] = OrderedDict()

    def get(self, searcher: Any, key: tuple[Any, ...]) -> SearchPage | None:
        if searcher is not self._searcher:
            return None
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def put(self, searcher: Any, key: tuple[Any, ...], page: SearchPage) -> None:
        if searcher is not self._searcher:
            self.clear()
            self._searcher = searcher
        self._pages[key] = page
        self._pages.move_to_end(key)
        while len(self._pages) > self._size:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()
        self._searcher = None


class _TopTermsCollector(TermsCollector):  # type: ignore[misc]
    """Which words each hit matched — asked only of hits that can be shown.

    Whoosh's TermsCollector asks every word matcher of the query, for every hit, whether
    it matched: with 50,000 hits that was most of the time left once scoring was fast.
    A hit can end up on the page only if it enters the top N when it is found, so only
    those are asked.
    """

    def collect(self, sub_docnum: int) -> None:
        child = self.child
        items = child.items
        full = len(items) >= child.limit
        floor = items[0] if full else None
        child.collect(sub_docnum)
        if full and items[0] == floor:
            return  # it did not make the top N
        global_docnum = child.offset + sub_docnum
        for tm in self.termmatchers:
            if tm.is_active() and tm.id() == sub_docnum:
                term = tm.term()
                self.termdocs[term].append(global_docnum)
                self.docterms[global_docnum].append(term)


#: Where an error that means "a file of the index is damaged" comes from: Whoosh, or this
#: package's code that reads the index's files (not the query parser, say).
_READERS = (
    str(Path(whoosh.__file__).parent),
    *(
        str(Path(__file__).with_name(name))
        for name in ("index.py", "phrases.py", "expansion.py", "whoosh_fixes.py", "vocabulary.py")
    ),
)


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """Turn an error raised while reading the index's files into :class:`IndexDamaged`.

    Opening the index checks the ends of every file (a truncated or missing file is
    found then); bytes damaged in the middle of a file are found only when a search
    reads them. An error raised by Whoosh itself (or by this package reading the
    files, or the vocabulary) is taken for such damage; errors of the query or of the
    caller's callbacks (the library's texts) are not.
    """
    try:
        yield
    except (CoverageReaderError, HelperFailed, whoosh.index.LockError):
        raise  # not damage: told as what they are
    except (MemoryError, RecursionError, TimeLimit):
        raise
    except Exception as exc:
        if write_failure(exc) is not None:
            raise  # a full disk, not damage
        tb = exc.__traceback__
        where = ""
        while tb is not None:
            where = tb.tb_frame.f_code.co_filename
            tb = tb.tb_next
        if where.startswith(_READERS):
            raise IndexDamaged(f"the index is damaged ({type(exc).__name__}: {exc})") from exc
        raise


def _in_index(reader: Any, word: str) -> bool:
    """Whether some article has ``word`` (by its stem) in its text or title."""
    stem = stem_term(word)
    for field in ("body", "title"):
        # Not doc_frequency(): it still counts deleted articles until segments merge.
        if (field, stem) in reader and reader.postings(field, stem).is_active():
            return True
    return False


def _only_words(q: wq.Query, *, scaled: bool) -> bool:
    """Whether ``q`` is words and alternatives of words, nothing else (``scaled``:
    alternatives with a coordination bonus count too)."""
    if type(q) is wq.Term:
        return True
    if type(q) is wq.And and len(q.subqueries) == 1:  # one word in "all words" mode
        return _only_words(q.subqueries[0], scaled=scaled)
    return (
        type(q) is wq.Or
        and (scaled or not q.scale)
        and all(_only_words(child, scaled=scaled) for child in q.children())
    )


def _any_words(q: wq.Query) -> wq.Query:
    """Words and alternatives of words as one pre-scored list."""
    terms: list[wq.Query] = []
    stack = [q]
    while stack:
        node = stack.pop()
        if type(node) is wq.Term:
            terms.append(node)
        elif node.boost != 1.0:
            return q  # a boosted group: rare, keep Whoosh's own matchers
        else:
            stack.extend(reversed(list(node.children())))
    return AnyWord(terms)


def _snippet(
    hit: Any, body: str, matched: tuple[str, ...], chars: int, query_words: dict[str, set[str]]
) -> str:
    """Marked excerpt of the body, or of the note when only the note matched.

    The words marked are those the hit matched, and the query's other words of the same
    fields (an expanded prefix reports only one matched word per document; a query
    word that is in the text is a match wherever it is).
    """
    stems: dict[str, set[str]] = {f: set(words) for f, words in query_words.items()}
    for field, raw in hit.matched_terms():
        if field not in ("body", "title", "note"):
            continue  # dates and ids are not words
        word = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        stems.setdefault(field, set()).add(word)
    if body:
        snippet = make_snippet(body, stems.get("body", set()) | stems.get("title", set()), chars)
        if snippet:
            return snippet
    if "note" in matched and "body" not in matched and "title" not in matched:
        note = hit.get("note") or ""
        marked = make_snippet(note, stems.get("note", set()), max(chars, len(note)))
        if marked:
            return "Note: " + marked
    return ""


def _words_by_field(q: wq.Query) -> dict[str, set[str]]:
    """The query's words (stems) in the fields snippets are made from."""
    words: dict[str, set[str]] = {}
    for field, raw in q.iter_all_terms():
        if field in ("body", "title", "note"):
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            words.setdefault(field, set()).add(text)
    return words


def _where(matched: tuple[str, ...]) -> tuple[str, ...]:
    order = (
        "title",
        "body",
        "note",
        "highlight",
        "tags",
        "color",
        "source",
        "dateline",
        "author",
        "language",
        "date",
        "person",
        "place",
        "org",
        "speaker",
    )
    return tuple(f for f in order if f in matched)


def path_beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove_leftovers(path: Path) -> None:
    """A rebuild that was killed leaves ``index.new`` or ``index.old`` behind."""
    for suffix in (".new", ".old"):
        leftover = path_beside(path, suffix)
        if leftover.exists():
            shutil.rmtree(leftover, ignore_errors=True)


def _merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """The merge policy of every commit: segments with no live documents are dropped;
    segments of fewer than :data:`SMALL_SEGMENT` live documents are grouped in tiers by
    size (1-3, 4-15, 16-63, 64-255 with the defaults), and the smallest tier that holds
    :data:`MERGE_FACTOR` segments is merged into this commit's segment, with every
    smaller segment. Each document is merged a few times at most, each commit merges at
    most about ``MERGE_FACTOR * SMALL_SEGMENT`` documents, and big segments (from imports)
    are never merged in the foreground.
    """
    live = [s for s in segments if s.doc_count() > 0]
    tiers: dict[int, list[Any]] = {}
    for segment in live:
        count = segment.doc_count()
        if count < SMALL_SEGMENT:
            tiers.setdefault(int(math.log(count, MERGE_FACTOR) + 1e-9), []).append(segment)
    full = [tier for tier, members in tiers.items() if len(members) >= MERGE_FACTOR]
    if not full:
        return live
    top = min(full)
    merged = [s for tier, members in tiers.items() if tier <= top for s in members]
    add_segments(writer, writer.storage, merged)
    return [s for s in live if s not in merged]


def _commit(writer: Any, helper: SegmentHelper | None) -> bool:
    """``writer.commit()`` with the :func:`_merge_tiers` policy, and the helper's
    segment added to the commit.

    The helper finishes its segment while this process merges and finishes its own (the
    order of Whoosh's ``MpWriter._commit``). Returns False if the helper failed: then
    this writer's work is committed without the helper's.
    """
    if helper is None:
        writer.commit(mergetype=_merge_tiers)
        return True
    writer._check_state()
    helped = True
    try:
        helper.finish()
    except HelperFailed:
        helped = False
    segments = writer._merge_segments(_merge_tiers, None, None)
    if writer._added:
        segments.append(writer._finalize_segment())
    else:
        writer._close_segment()
    if helped:
        try:
            extra = helper.segment()
        except HelperFailed:
            helped = False
        else:
            if extra is not None:
                segments.append(extra)
    writer._commit_toc(segments)
    writer._finish()
    return helped


def _create(path: Path) -> Any:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, mode=0o700)
    ix = whoosh.index.create_in(str(path), build_schema())
    marker = {"schema": SCHEMA_VERSION, "whoosh": whoosh.versionstring()}
    (path / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    return ix


def _open_existing(path: Path, *, read_only: bool = False) -> Any:
    try:
        if not whoosh.index.exists_in(str(path)):
            raise IndexUnavailable("the index files are missing")
        if not (path / VOCABULARY_FILE).is_file():
            raise IndexUnavailable("the index's vocabulary is missing")
        damage = vocabulary_damage(path)
        if damage is not None:
            raise IndexUnavailable(damage)
        ix = whoosh.index.open_dir(str(path), readonly=read_only)
        _probe(ix)
    except IndexUnavailable:
        raise
    except Exception as exc:
        if write_failure(exc) is not None:
            raise  # a full disk is no damage: the index must not be thrown away
        message = f"the index is damaged ({type(exc).__name__}: {exc})"
    else:
        return ix
    raise IndexUnavailable(message)


def _probe(ix: Any) -> None:
    """Touch every segment, so missing or truncated files are found now, not mid-search."""
    with ix.searcher() as searcher:
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            count = reader.doc_count_all()
            if count:
                reader.stored_fields(0)
                reader.stored_fields(count - 1)
            for _term in zip(range(1), reader.lexicon("body"), strict=False):
                pass


def _query_stems(q: wq.Query) -> set[str]:
    return {text for _field, text in q.iter_all_terms()}


def _relax(q: wq.Query) -> wq.Query:
    """An all-words query made any-words (for the fallback when nothing has them all)."""
    if isinstance(q, wq.And):
        return wq.Or(list(q.subqueries), scale=0.9)
    return q
