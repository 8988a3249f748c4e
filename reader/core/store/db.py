"""The library database: articles with all their versions, sources, tags, read state,
the import log and the queue of changes the search index has yet to take.

Only :mod:`reader.core` uses this module; the UI and the command line go through
:class:`reader.core.library.Library`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from reader.core.annotations.model import Highlight
from reader.core.disk import connect_read_only, write_failure
from reader.core.errors import ArticleNotFound, LibraryError, WriteFailed
from reader.core.models import (
    PARAGRAPH_SEPARATOR,
    Article,
    ArticleDate,
    ArticleFilter,
    ArticleSummary,
    StoredArticle,
)
from reader.core.store.highlights import ArticleSnapshot, HighlightStore, fingerprint
from reader.core.store.migrations import SCHEMA_VERSION, ensure_supported, migrate

AddOutcome = Literal["imported", "updated", "duplicate"]
SortKey = Literal["date", "title", "source", "added", "highlights", "language"]

__all__ = ["SCHEMA_VERSION", "AddOutcome", "ImportFileRecord", "PendingChange", "Store"]


def _summary(r: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(
        id=int(r["id"]),
        title=str(r["title"]),
        date=ArticleDate.parse_iso(r["date"]) if r["date"] else None,
        source=r["source"],
        dateline=r["dateline"],
        language=r["language"],
        url=r["url"],
        is_read=bool(r["is_read"]),
        tags=tuple(sorted(str(r["tags"]).split("\x1f"))) if r["tags"] else (),
        highlights=int(r["highlight_count"]),
    )


def index_stamp(content_hash: str, highlights: Sequence[Highlight]) -> str:
    """The version stamp the index stores for an article: its text and its highlights."""
    mark = fingerprint(highlights)
    return f"{content_hash}+{mark}" if mark else content_hash


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sort_date(value: ArticleDate | None) -> str | None:
    """A text key that orders dates correctly: aware times are converted to UTC."""
    if value is None:
        return None
    moment = value.value
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


@dataclass(frozen=True, slots=True)
class DeletedArticle:
    """An article as it was before a delete: its rows, tags and highlights."""

    article: dict[str, Any]
    versions: tuple[dict[str, Any], ...]
    tags: tuple[str, ...]
    highlights: tuple[Highlight, ...]


@dataclass(frozen=True, slots=True)
class PendingChange:
    queue_id: int
    article_id: int
    op: Literal["upsert", "delete"]


@dataclass(frozen=True, slots=True)
class ImportFileRecord:
    path: str
    size: int | None
    sha256: str | None
    format: str | None
    outcome: str
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    message: str | None = None


_ARTICLE_COLUMNS = """
    a.id, a.title, a.date, s.name AS source, a.dateline, a.author, a.url, a.language,
    a.external_id, a.is_read, a.added_at, a.updated_at, a.origin,
    v.id AS version_id, v.number AS version, v.content_hash, v.body
"""

_SORT_SQL: dict[str, str] = {
    # Index order (articles_sort_date): undated articles come last when newest is first,
    # first when oldest is first.
    "date": "a.sort_date {dir}, a.id {dir}",
    "title": "a.title COLLATE NOCASE {dir}, a.id {dir}",
    "source": "s.name IS NULL, s.name COLLATE NOCASE {dir}, a.sort_date DESC, a.id DESC",
    "added": "a.id {dir}",
    "highlights": "highlight_count {dir}, a.sort_date DESC, a.id DESC",
    # By code, so each language's articles come together; unknown languages last.
    "language": "a.language IS NULL, a.language {dir}, a.sort_date DESC, a.id DESC",
}

#: At most this many articles sharing buckets with a new one are compared with it.
STORY_CANDIDATES = 8
#: An article's id, story signatures (copy, event) and day.
_Signed = tuple[int, bytes, bytes, str | None]

_HIGHLIGHT_COUNT = "(SELECT COUNT(*) FROM highlights h WHERE h.article_id = a.id)"


def _filter_sql(flt: ArticleFilter | None) -> tuple[str, list[object]]:
    """A WHERE clause (or "") and its parameters for an article filter."""
    if flt is None:
        return "", []
    where: list[str] = []
    args: list[object] = []
    if flt.source is not None:
        where.append("s.name = ?")
        args.append(flt.source)
    if flt.tag is not None:
        where.append(
            "EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = a.id AND t.name = ? COLLATE NOCASE)"
        )
        args.append(flt.tag)
    if flt.date_from is not None:
        where.append("a.sort_date >= ?")
        args.append(flt.date_from.isoformat())
    if flt.date_to is not None:
        # sort_date is an ISO timestamp: everything on the last day sorts before the next.
        where.append("a.sort_date < ?")
        args.append((flt.date_to + timedelta(days=1)).isoformat())
    if flt.read is not None:
        where.append("a.is_read = ?")
        args.append(int(flt.read))
    if flt.has_highlights is not None:
        where.append(
            ("" if flt.has_highlights else "NOT ") + "EXISTS (SELECT 1 FROM highlights h "
            "WHERE h.article_id = a.id)"
        )
    if flt.language is not None:
        where.append("a.language = ?")
        args.append(flt.language)
    if flt.mentions is not None:
        kind, key = flt.mentions
        where.append(
            "EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = a.id "
            "AND e.kind = ? AND e.key = ?)"
        )
        args += [kind, key]
    return ("WHERE " + " AND ".join(where)) if where else "", args


def _create_private(path: Path) -> None:
    """An empty file readable by its owner only, for SQLite to make the database in (its
    journal files take the database file's permissions)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise LibraryError(f"{path}: cannot create the library database: {exc.strerror}") from exc


class Store:
    """One SQLite database, opened in WAL mode with foreign keys on.

    The connection is shared by threads under a lock; each public method is atomic.
    Multi-step changes (one imported file) use :meth:`transaction`.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        #: Read as it was last closed (from a read-only folder, or a full disk): changes
        #: made since cannot be seen (see :func:`reader.core.disk.connect_read_only`).
        self.frozen = False
        self._lock = threading.RLock()
        if not read_only and not path.exists():
            _create_private(path)
        try:
            if read_only:
                # Another process may be writing it; SQLite itself refuses every write.
                # In a folder this process cannot write (or on a full disk), it is read
                # as it was last closed (``frozen``).
                self._conn, self.frozen = connect_read_only(
                    path, isolation_level=None, check_same_thread=False, timeout=30.0
                )
            else:
                self._conn = sqlite3.connect(
                    path, isolation_level=None, check_same_thread=False, timeout=30.0
                )
        except sqlite3.Error as exc:
            raise LibraryError(f"{path}: cannot open the library database: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        self._in_transaction = False
        try:
            version = ensure_supported(self._conn, path)
            if read_only:
                if version != SCHEMA_VERSION:
                    raise LibraryError(
                        f"{path}: this library must be upgraded first (schema {version}, "
                        f"this version uses {SCHEMA_VERSION}); open it when no other "
                        "Coverage Reader is using it. Nothing was changed."
                    )
                self._conn.execute("PRAGMA query_only = ON")
                self._conn.execute("PRAGMA foreign_keys = ON")
            else:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA foreign_keys = ON")
                self._conn.execute("PRAGMA synchronous = NORMAL")
                migrate(self._conn, path)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            reason = write_failure(exc)
            if reason is not None:  # SQLite could not make its -wal or -shm file
                raise WriteFailed(
                    f"{path}: the library database cannot be opened to change it: {reason}"
                ) from exc
            raise LibraryError(f"{path}: not a usable library database: {exc}") from exc
        except Exception:
            self._conn.close()
            raise
        self.highlights = HighlightStore(self._conn, self._lock)

    # -- plumbing -------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (also KeyboardInterrupt)."""
        with self._lock:
            if self._in_transaction:
                yield
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._in_transaction = True
            try:
                yield
                # A COMMIT that fails (the disk is full) may leave the transaction open:
                # it is rolled back below like any failure, never left to be committed
                # by a later statement.
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
            finally:
                self._in_transaction = False

    def _rollback(self) -> None:
        """Roll back the open transaction, if SQLite has not already (it does by itself
        after some errors, such as a full disk); the error that caused it is what the
        caller hears about, not a failed rollback."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def integrity_check(self) -> list[str]:
        with self._lock:
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
            fk = self._conn.execute("PRAGMA foreign_key_check").fetchall()
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        problems += [f"foreign key violation in {r[0]} row {r[1]}" for r in fk]
        return problems

    # -- meta -----------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- imports --------------------------------------------------------------------

    def begin_import(self) -> int:
        with self._lock:
            cur = self._conn.execute("INSERT INTO imports(started_at) VALUES (?)", (utcnow(),))
            assert cur.lastrowid is not None
            return cur.lastrowid

    def finish_import(self, import_id: int, status: str) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE imports SET finished_at = ?, status = ? WHERE id = ?",
                (utcnow(), status, import_id),
            )

    def log_file(self, import_id: int, record: ImportFileRecord) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO import_files(import_id, path, size, sha256, format, outcome, "
                "imported, updated, duplicates, message, logged_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    import_id,
                    record.path,
                    record.size,
                    record.sha256,
                    record.format,
                    record.outcome,
                    record.imported,
                    record.updated,
                    record.duplicates,
                    record.message,
                    utcnow(),
                ),
            )

    def import_log(self, import_id: int | None = None) -> list[dict[str, object]]:
        sql = (
            "SELECT f.import_id, f.path, f.size, f.sha256, f.format, f.outcome, f.imported, "
            "f.updated, f.duplicates, f.message, f.logged_at FROM import_files f"
        )
        args: tuple[object, ...] = ()
        if import_id is not None:
            sql += " WHERE f.import_id = ?"
            args = (import_id,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY f.id", args).fetchall()
        return [dict(row) for row in rows]

    # -- articles: writing -----------------------------------------------------------

    def add_article(
        self,
        article: Article,
        *,
        origin: str | None,
        import_id: int | None,
        language_origin: str | None = None,
    ) -> tuple[AddOutcome, int]:
        """Store one parsed article and queue it for the index.

        Identical content (same content hash) is a no-op. An article whose URL, external
        id (within the same source) or origin file is already known, with changed text,
        becomes a new version of that article. Anything else is a new article.
        """
        digest = article.content_hash
        paragraphs = tuple(p.replace("\n", " ") for p in article.paragraphs)
        body = PARAGRAPH_SEPARATOR.join(paragraphs)
        now = utcnow()
        with self._lock, self.transaction():
            row = self._conn.execute(
                "SELECT article_id FROM article_versions WHERE content_hash = ? LIMIT 1",
                (digest,),
            ).fetchone()
            if row is not None:
                return "duplicate", int(row[0])
            source_id = self._source_id(article.source)
            existing = self._find_identity(article, origin, source_id)
            if existing is None:
                cur = self._conn.execute(
                    "INSERT INTO articles(url, external_id, origin, title, date, sort_date, "
                    "source_id, dateline, author, language, language_origin, title_derived, "
                    "added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.url,
                        article.external_id,
                        origin,
                        article.title,
                        article.date.isoformat() if article.date else None,
                        sort_date(article.date),
                        source_id,
                        article.dateline,
                        article.author,
                        article.language,
                        language_origin,
                        int(article.title_derived),
                        now,
                        now,
                    ),
                )
                assert cur.lastrowid is not None
                article_id = cur.lastrowid
                number = 1
                outcome: AddOutcome = "imported"
            else:
                article_id = existing
                number = 1 + int(
                    self._conn.execute(
                        "SELECT MAX(number) FROM article_versions WHERE article_id = ?",
                        (article_id,),
                    ).fetchone()[0]
                )
                # Metadata the new version does not state is kept from the old one; so
                # is a language the user corrected.
                self._conn.execute(
                    "UPDATE articles SET title = ?, date = COALESCE(?, date), "
                    "sort_date = COALESCE(?, sort_date), source_id = COALESCE(?, source_id), "
                    "dateline = COALESCE(?, dateline), author = COALESCE(?, author), "
                    "language = CASE WHEN language_origin = 'user' THEN language "
                    "ELSE COALESCE(?, language) END, "
                    "language_origin = CASE WHEN language_origin = 'user' THEN 'user' "
                    "ELSE COALESCE(?, language_origin) END, url = COALESCE(url, ?), "
                    "external_id = COALESCE(external_id, ?), title_derived = ?, "
                    "updated_at = ? WHERE id = ?",
                    (
                        article.title,
                        article.date.isoformat() if article.date else None,
                        sort_date(article.date),
                        source_id,
                        article.dateline,
                        article.author,
                        article.language,
                        language_origin,
                        article.url,
                        article.external_id,
                        int(article.title_derived),
                        now,
                        article_id,
                    ),
                )
                outcome = "updated"
            cur = self._conn.execute(
                "INSERT INTO article_versions(article_id, number, content_hash, title, body, "
                "import_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, number, digest, article.title, body, import_id, now),
            )
            self._conn.execute(
                "UPDATE articles SET current_version_id = ? WHERE id = ?",
                (cur.lastrowid, article_id),
            )
            for tag in article.tags:
                self._add_tag(article_id, tag)
            self._queue(article_id, "upsert")
            return outcome, article_id

    def _find_identity(
        self, article: Article, origin: str | None, source_id: int | None
    ) -> int | None:
        if article.url:
            row = self._conn.execute(
                "SELECT id FROM articles WHERE url = ?", (article.url,)
            ).fetchone()
            if row is not None:
                return int(row[0])
        if article.external_id:
            row = self._conn.execute(
                "SELECT id FROM articles WHERE external_id = ? AND source_id IS ? "
                "ORDER BY id LIMIT 1",
                (article.external_id, source_id),
            ).fetchone()
            if row is not None:
                return int(row[0])
        if origin:
            row = self._conn.execute(
                "SELECT id FROM articles WHERE origin = ? ORDER BY id LIMIT 1", (origin,)
            ).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def _source_id(self, name: str | None) -> int | None:
        if not name:
            return None
        self._conn.execute("INSERT OR IGNORE INTO sources(name) VALUES (?)", (name,))
        row = self._conn.execute("SELECT id FROM sources WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def _add_tag(self, article_id: int, tag: str) -> None:
        tag = tag.strip()
        if not tag:
            return
        self._conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
        self._conn.execute(
            "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
            "SELECT ?, id FROM tags WHERE name = ?",
            (article_id, tag),
        )

    def _queue(self, article_id: int, op: str) -> None:
        self._conn.execute(
            "INSERT INTO index_queue(article_id, op) VALUES (?, ?)", (article_id, op)
        )

    def set_read(self, article_id: int, read: bool) -> None:
        with self._lock:
            cur = self._conn.execute(
                "UPDATE articles SET is_read = ?, read_at = ? WHERE id = ?",
                (int(read), utcnow() if read else None, article_id),
            )
            if cur.rowcount == 0:
                raise ArticleNotFound(article_id)

    def set_language(self, article_id: int, language: str | None, origin: str) -> None:
        """Set an article's language; ``origin="user"`` (a correction by hand) is kept by
        new versions of the article."""
        with self._lock, self.transaction():
            self._require(article_id)
            self._conn.execute(
                "UPDATE articles SET language = ?, language_origin = ?, updated_at = ? "
                "WHERE id = ?",
                (language, origin, utcnow(), article_id),
            )
            self._queue(article_id, "upsert")

    def language_origins(self, article_ids: Sequence[int]) -> dict[int, str | None]:
        """article id -> where its language came from (None: not looked at yet)."""
        found: dict[int, str | None] = {}
        with self._lock:
            for start in range(0, len(article_ids), 500):
                chunk = list(article_ids[start : start + 500])
                marks = ", ".join("?" * len(chunk))
                for r in self._conn.execute(
                    f"SELECT id, language_origin FROM articles WHERE id IN ({marks})", chunk
                ):
                    found[int(r[0])] = r[1]
        return found

    def undetected_language_count(self) -> int:
        """Articles whose language was never looked at (stored by an older version)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM articles WHERE language_origin IS NULL"
            ).fetchone()
            return int(row[0])

    def record_languages(self, found: Sequence[tuple[int, str | None, str]]) -> None:
        """Store detected languages ``(article id, language, origin)``. Not queued for
        the index: the caller is indexing these articles with these languages."""
        with self._lock, self.transaction():
            self._conn.executemany(
                "UPDATE articles SET language = ?, language_origin = ? "
                "WHERE id = ? AND language_origin IS NULL",
                [(language, origin, article_id) for article_id, language, origin in found],
            )

    def alias_changes(self) -> list[tuple[str, str, str | None, bool]]:
        """The user's changes to the name table: (key, name, kind, removed), oldest first."""
        with self._lock:
            return [
                (str(r[0]), str(r[1]), r[2], bool(r[3]))
                for r in self._conn.execute(
                    "SELECT key, name, kind, removed FROM aliases ORDER BY seq"
                )
            ]

    def set_alias_change(self, key: str, name: str, kind: str | None, removed: bool) -> None:
        with self._lock, self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO aliases(key, name, kind, removed, seq, added_at) "
                "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM aliases), ?)",
                (key, name, kind, int(removed), utcnow()),
            )

    def drop_alias_change(self, key: str, name: str) -> None:
        with self._lock, self.transaction():
            self._conn.execute("DELETE FROM aliases WHERE key = ? AND name = ?", (key, name))

    def languages(self) -> list[tuple[str, int]]:
        """Languages of the articles, with their counts, most articles first."""
        with self._lock:
            return [
                (str(r[0]), int(r[1]))
                for r in self._conn.execute(
                    "SELECT language, COUNT(*) AS n FROM articles WHERE language IS NOT NULL "
                    "GROUP BY language ORDER BY n DESC, language"
                )
            ]

    def set_tags(self, article_id: int, tags: Sequence[str]) -> None:
        with self._lock, self.transaction():
            self._require(article_id)
            self._conn.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
            for tag in tags:
                self._add_tag(article_id, tag)
            self._queue(article_id, "upsert")

    def delete_article(self, article_id: int, *, keep_highlights: bool) -> None:
        """Delete an article with all its versions. Its highlights are either kept as
        orphans (with their quotes and citations) or deleted too: the caller chooses."""
        with self._lock, self.transaction():
            self._require(article_id)
            if keep_highlights:
                self.highlights.orphan_article(article_id)
            else:
                self._conn.execute("DELETE FROM highlights WHERE article_id = ?", (article_id,))
            self._conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._queue(article_id, "delete")

    def capture_article(self, article_id: int) -> DeletedArticle:
        """Everything needed to put an article back after it is deleted (undo)."""
        with self._lock:
            self._require(article_id)
            row = self._conn.execute(
                "SELECT * FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            versions = [
                dict(r)
                for r in self._conn.execute(
                    "SELECT * FROM article_versions WHERE article_id = ? ORDER BY number",
                    (article_id,),
                )
            ]
            tags = tuple(self._tags_for([article_id]).get(article_id, ()))
            highlights = tuple(self.highlights.for_article(article_id))
        return DeletedArticle(dict(row), tuple(versions), tags, highlights)

    def restore_article(self, record: DeletedArticle) -> int:
        """Put a deleted article back with all its versions, tags and highlights; returns
        its id (the old one unless another article took it meanwhile). Highlights kept as
        orphans are linked again (their notes, colours and tags as they are now);
        highlights deleted with the article come back as they were."""
        with self._lock, self.transaction():
            article = dict(record.article)
            url = article.get("url")
            if url is not None:
                other = self._conn.execute(
                    "SELECT id FROM articles WHERE url = ?", (url,)
                ).fetchone()
                if other is not None:
                    raise LibraryError(
                        f"cannot restore “{article['title']}”: article {other[0]} now has "
                        f"its URL {url}"
                    )
            if self._conn.execute(
                "SELECT 1 FROM articles WHERE id = ?", (article["id"],)
            ).fetchone():
                article.pop("id")
            old_current = article.get("current_version_id")
            article["current_version_id"] = None
            columns = ", ".join(f'"{c}"' for c in article)
            marks = ", ".join("?" * len(article))
            cur = self._conn.execute(
                f"INSERT INTO articles({columns}) VALUES ({marks})", tuple(article.values())
            )
            new_id: int = int(article.get("id") or cur.lastrowid or 0)
            version_ids: dict[int, int] = {}
            for version in record.versions:
                values = dict(version)
                old_vid = int(values["id"])
                values["article_id"] = new_id
                if self._conn.execute(
                    "SELECT 1 FROM article_versions WHERE id = ?", (old_vid,)
                ).fetchone():
                    values.pop("id")
                columns = ", ".join(f'"{c}"' for c in values)
                marks = ", ".join("?" * len(values))
                cur = self._conn.execute(
                    f"INSERT INTO article_versions({columns}) VALUES ({marks})",
                    tuple(values.values()),
                )
                version_ids[old_vid] = int(values.get("id") or cur.lastrowid or 0)
            if old_current is not None:
                self._conn.execute(
                    "UPDATE articles SET current_version_id = ? WHERE id = ?",
                    (version_ids.get(int(old_current)), new_id),
                )
            for tag in record.tags:
                self._add_tag(new_id, tag)
            for h in record.highlights:
                relinked = dataclasses.replace(
                    h,
                    article_id=new_id,
                    version_id=version_ids.get(h.version_id) if h.version_id else None,
                    origin_version_id=(
                        version_ids.get(h.origin_version_id) if h.origin_version_id else None
                    ),
                )
                exists = self._conn.execute(
                    "SELECT article_id FROM highlights WHERE id = ?", (h.id,)
                ).fetchone()
                if exists is None:
                    self.highlights.restore(relinked)
                elif exists[0] is None:
                    self.highlights.relink(relinked)
            self._queue(new_id, "upsert")
        return new_id

    def snapshot(self, article_id: int) -> ArticleSnapshot:
        """The current version of an article as a highlight cites it."""
        with self._lock:
            row = self._conn.execute(
                "SELECT a.id, v.id AS version_id, v.title, s.name AS source, a.date, a.url, "
                "v.content_hash FROM articles a JOIN article_versions v "
                "ON v.id = a.current_version_id LEFT JOIN sources s ON s.id = a.source_id "
                "WHERE a.id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            raise ArticleNotFound(article_id)
        return ArticleSnapshot(
            article_id=int(row["id"]),
            version_id=int(row["version_id"]),
            title=str(row["title"]),
            source=row["source"],
            date=row["date"],
            url=row["url"],
            content_hash=str(row["content_hash"]),
        )

    def find_articles_by(
        self,
        *,
        url: str | None = None,
        content_hash: str | None = None,
        external_id: str | None = None,
    ) -> list[int]:
        """Articles matching a URL, a version's content hash (any version) or an external id."""
        with self._lock:
            if url:
                rows = self._conn.execute(
                    "SELECT id FROM articles WHERE url = ?", (url,)
                ).fetchall()
                if rows:
                    return [int(r[0]) for r in rows]
            if content_hash:
                rows = self._conn.execute(
                    "SELECT DISTINCT article_id FROM article_versions WHERE content_hash = ?",
                    (content_hash,),
                ).fetchall()
                if rows:
                    return [int(r[0]) for r in rows]
            if external_id:
                rows = self._conn.execute(
                    "SELECT id FROM articles WHERE external_id = ?", (external_id,)
                ).fetchall()
                return [int(r[0]) for r in rows]
        return []

    def version_text(self, version_id: int) -> str:
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM article_versions WHERE id = ?", (version_id,)
            ).fetchone()
        if row is None:
            raise LookupError(f"no article version {version_id}")
        return str(row[0])

    def _require(self, article_id: int) -> None:
        if self._conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            return
        raise ArticleNotFound(article_id)

    # -- articles: reading -----------------------------------------------------------

    def article_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def article_ids(self) -> list[int]:
        with self._lock:
            return [int(r[0]) for r in self._conn.execute("SELECT id FROM articles ORDER BY id")]

    def get_article(self, article_id: int) -> StoredArticle:
        articles = self.get_articles([article_id])
        if not articles:
            raise ArticleNotFound(article_id)
        return articles[0]

    def get_articles(self, article_ids: Sequence[int]) -> list[StoredArticle]:
        """The current versions of these articles, in the order asked (missing ids skipped)."""
        if not article_ids:
            return []
        found: dict[int, StoredArticle] = {}
        tags = self._tags_for(article_ids)
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles a "
                    "JOIN article_versions v ON v.id = a.current_version_id "
                    f"LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks})",
                    tuple(chunk),
                ).fetchall()
                for row in rows:
                    found[int(row["id"])] = _stored(row, tags.get(int(row["id"]), ()))
        return [found[i] for i in article_ids if i in found]

    def bodies(self, article_ids: Sequence[int]) -> dict[int, str]:
        result: dict[int, str] = {}
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                for row in self._conn.execute(
                    "SELECT a.id, v.body FROM articles a JOIN article_versions v "
                    f"ON v.id = a.current_version_id WHERE a.id IN ({marks})",
                    tuple(chunk),
                ):
                    result[int(row[0])] = str(row[1])
        return result

    def versions(self, article_id: int) -> list[dict[str, object]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, number, content_hash, title, created_at FROM article_versions "
                "WHERE article_id = ? ORDER BY number",
                (article_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    def list_articles(
        self,
        *,
        sort: SortKey = "date",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
        where: ArticleFilter | None = None,
    ) -> list[ArticleSummary]:
        order = _SORT_SQL[sort].format(dir="DESC" if descending else "ASC")
        clause, args = _filter_sql(where)
        sql = (
            "SELECT a.id, a.title, a.date, s.name AS source, a.dateline, a.language, a.url, "
            "a.is_read, (SELECT group_concat(t.name, char(31)) FROM article_tags at "
            "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tags, "
            f"{_HIGHLIGHT_COUNT} AS highlight_count "
            f"FROM articles a LEFT JOIN sources s ON s.id = a.source_id {clause} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._conn.execute(
                sql, (*args, -1 if limit is None else limit, offset)
            ).fetchall()
        return [_summary(r) for r in rows]

    def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]:
        """List rows for these articles, in the order asked (missing ids skipped)."""
        found: dict[int, ArticleSummary] = {}
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                for row in self._conn.execute(
                    "SELECT a.id, a.title, a.date, s.name AS source, a.dateline, a.language, "
                    "a.url, a.is_read, (SELECT group_concat(t.name, char(31)) FROM article_tags "
                    "at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tags, "
                    f"{_HIGHLIGHT_COUNT} AS highlight_count "
                    "FROM articles a LEFT JOIN sources s ON s.id = a.source_id "
                    f"WHERE a.id IN ({marks})",
                    tuple(chunk),
                ):
                    found[int(row["id"])] = _summary(row)
        return [found[i] for i in article_ids if i in found]

    def filter_ids(self, article_ids: Sequence[int], where: ArticleFilter) -> list[int]:
        """Those of ``article_ids`` that pass the filter, in the order given."""
        clause, args = _filter_sql(where)
        keep: set[int] = set()
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                condition = f"a.id IN ({marks})"
                sql_where = f"{clause} AND {condition}" if clause else f"WHERE {condition}"
                keep.update(
                    int(r[0])
                    for r in self._conn.execute(
                        "SELECT a.id FROM articles a LEFT JOIN sources s ON s.id = a.source_id "
                        + sql_where,
                        (*args, *chunk),
                    )
                )
        return [i for i in article_ids if i in keep]

    # -- statements (who said what) ----------------------------------------------------

    def stale_statement_articles(
        self, extractor: int, article_ids: Sequence[int] | None = None
    ) -> list[int]:
        """Articles whose statements were not found in their current text by this
        extractor version (never, or before a new version or a better extractor)."""
        return self._stale("statement_runs", "extractor", extractor, article_ids)

    def _stale(
        self, runs: str, column: str, value: object, article_ids: Sequence[int] | None
    ) -> list[int]:
        """Articles with no row in the ``runs`` table of derived data for their current
        text, or one made with another ``column`` value (extractor version, name table)."""
        sql = (
            "SELECT a.id FROM articles a JOIN article_versions v ON v.id = a.current_version_id "
            f"LEFT JOIN {runs} r ON r.article_id = a.id "
            "WHERE (r.article_id IS NULL OR r.content_hash != v.content_hash "
            f"OR r.{column} != ?)"
        )
        with self._lock:
            if article_ids is None:
                return [int(r[0]) for r in self._conn.execute(sql, (value,))]
            found: list[int] = []
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                found += [
                    int(r[0])
                    for r in self._conn.execute(f"{sql} AND a.id IN ({marks})", (value, *chunk))
                ]
            return found

    def set_statements(
        self, article_id: int, content_hash: str, extractor: int, rows: Sequence[tuple[object, ...]]
    ) -> None:
        """Replace an article's statements: rows of (speaker, kind, verb, text, start,
        end, quote), found in the text with this content hash."""
        with self._lock, self.transaction():
            self._conn.execute("DELETE FROM statements WHERE article_id = ?", (article_id,))
            self._conn.executemany(
                'INSERT INTO statements(article_id, speaker, kind, verb, text, start, "end", '
                "quote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(article_id, *row) for row in rows],
            )
            self._conn.execute(
                "INSERT INTO statement_runs(article_id, content_hash, extractor) VALUES (?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET content_hash = excluded.content_hash, "
                "extractor = excluded.extractor",
                (article_id, content_hash, extractor),
            )

    def statements(
        self, article_id: int | None = None, speakers: Sequence[str] | None = None
    ) -> list[tuple[object, ...]]:
        """(article id, speaker, kind, verb, text, start, end, quote, article date),
        by article date then position; only these speakers' (any case) when given."""
        where: list[str] = []
        args: list[object] = []
        if article_id is not None:
            where.append("st.article_id = ?")
            args.append(article_id)
        if speakers is not None:
            marks = ",".join("?" * len(speakers)) or "NULL"
            where.append(f"lower(st.speaker) IN ({marks})")
            args += [s.lower() for s in speakers]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        sql = (
            'SELECT st.article_id, st.speaker, st.kind, st.verb, st.text, st.start, st."end", '
            "st.quote, a.date FROM statements st JOIN articles a ON a.id = st.article_id "
            f"{clause} ORDER BY a.sort_date, st.article_id, st.start"
        )
        with self._lock:
            return [tuple(r) for r in self._conn.execute(sql, args)]

    def speakers(self) -> list[tuple[str, int]]:
        """Every speaker with the number of statements, most first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT speaker, COUNT(*) FROM statements GROUP BY speaker "
                "ORDER BY COUNT(*) DESC, speaker COLLATE NOCASE"
            ).fetchall()
        return [(str(name), int(n)) for name, n in rows]

    # -- people, places, organisations -------------------------------------------------

    def stale_entity_articles(
        self, gazetteer: str, article_ids: Sequence[int] | None = None
    ) -> list[int]:
        """Articles whose entities were not found in their current text with this
        recogniser and name table (``gazetteer`` is their digest)."""
        return self._stale("entity_runs", "gazetteer", gazetteer, article_ids)

    def entities_outdated(self, gazetteer: str) -> bool:
        """Whether some article's entities were never found, or found with another
        recogniser or name table (not looking at the texts: a changed text is found
        again when it is stored)."""
        return self._outdated("entity_runs", "gazetteer", gazetteer)

    def stories_outdated(self, version: int) -> bool:
        """Whether some article has no story signatures, or ones of another version."""
        return self._outdated("story_signatures", "version", version)

    def _outdated(self, runs: str, column: str, value: object) -> bool:
        with self._lock:
            row = self._conn.execute(
                f"SELECT 1 FROM articles a LEFT JOIN {runs} r ON r.article_id = a.id "
                f"WHERE r.article_id IS NULL OR r.{column} != ? LIMIT 1",
                (value,),
            ).fetchone()
        return row is not None

    def set_entities(
        self,
        article_id: int,
        content_hash: str,
        gazetteer: str,
        rows: Sequence[tuple[str, str, str, int, int]],
        *,
        reindex: bool = False,
    ) -> bool:
        """Replace an article's entities: rows of (kind, key, name, mentions, first).
        Returns whether they changed; with ``reindex``, a change queues the article for
        the index (its ``person:``, ``place:`` and ``org:`` fields)."""
        with self._lock, self.transaction():
            before = sorted(
                tuple(r)
                for r in self._conn.execute(
                    "SELECT kind, key, name, mentions, first FROM article_entities "
                    "WHERE article_id = ?",
                    (article_id,),
                )
            )
            changed = before != sorted(tuple(r) for r in rows)
            if changed:
                self._conn.execute(
                    "DELETE FROM article_entities WHERE article_id = ?", (article_id,)
                )
                self._conn.executemany(
                    "INSERT OR IGNORE INTO article_entities(article_id, kind, key, name, "
                    "mentions, first) VALUES (?, ?, ?, ?, ?, ?)",
                    [(article_id, *row) for row in rows],
                )
                if reindex:
                    self._queue(article_id, "upsert")
            self._conn.execute(
                "INSERT INTO entity_runs(article_id, content_hash, gazetteer) VALUES (?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET content_hash = excluded.content_hash, "
                "gazetteer = excluded.gazetteer",
                (article_id, content_hash, gazetteer),
            )
        return changed

    def restamp_entities(self, old: str, new: str, except_ids: Iterable[int]) -> None:
        """Entities found with the name table ``old`` stand for the table ``new``, but
        for these articles (which are found again)."""
        skip = set(except_ids)
        with self._lock, self.transaction():
            ids = [
                int(r[0])
                for r in self._conn.execute(
                    "SELECT article_id FROM entity_runs WHERE gazetteer = ?", (old,)
                )
                if int(r[0]) not in skip
            ]
            self._conn.executemany(
                "UPDATE entity_runs SET gazetteer = ? WHERE article_id = ?",
                [(new, i) for i in ids],
            )

    def entities_of(self, article_ids: Sequence[int]) -> dict[int, list[tuple[str, str, str, int]]]:
        """Each article's entities: (kind, key, name, mentions), most mentioned first."""
        out: dict[int, list[tuple[str, str, str, int]]] = {}
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                for aid, kind, key, name, mentions in self._conn.execute(
                    "SELECT article_id, kind, key, name, mentions FROM article_entities "
                    f"WHERE article_id IN ({marks}) ORDER BY article_id, mentions DESC, first",
                    chunk,
                ):
                    out.setdefault(int(aid), []).append(
                        (str(kind), str(key), str(name), int(mentions))
                    )
        return out

    def speakers_of(self, article_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """Each article's speakers (who said something in it) and their kind (person,
        institution), once each, in the order they first speak."""
        out: dict[int, list[tuple[str, str]]] = {}
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                for aid, speaker, kind in self._conn.execute(
                    "SELECT article_id, speaker, MIN(kind) FROM statements "
                    f"WHERE article_id IN ({marks}) GROUP BY article_id, speaker "
                    "ORDER BY article_id, MIN(start)",
                    chunk,
                ):
                    out.setdefault(int(aid), []).append((str(speaker), str(kind)))
        return out

    def entity_articles(self, kind: str, key: str) -> list[int]:
        """The articles naming this entity."""
        with self._lock:
            return [
                int(r[0])
                for r in self._conn.execute(
                    "SELECT article_id FROM article_entities WHERE kind = ? AND key = ?",
                    (kind, key),
                )
            ]

    def entity_counts(
        self, where: ArticleFilter | None = None, kind: str | None = None
    ) -> list[tuple[str, str, str, int]]:
        """(kind, key, name, articles) of every entity named in the articles passing
        ``where``, the most named first."""
        clause, args = _filter_sql(where)
        if kind is not None:
            clause = (clause + " AND " if clause else "WHERE ") + "e.kind = ?"
            args = [*args, kind]
        sql = (
            "SELECT e.kind, e.key, MIN(e.name), COUNT(*) FROM article_entities e "
            "JOIN articles a ON a.id = e.article_id LEFT JOIN sources s ON s.id = a.source_id "
            f"{clause} GROUP BY e.kind, e.key ORDER BY COUNT(*) DESC, MIN(e.name)"
        )
        with self._lock:
            return [
                (str(k), str(key), str(name), int(n))
                for k, key, name, n in self._conn.execute(sql, args)
            ]

    # -- the same story across outlets ---------------------------------------------------

    def stale_story_articles(
        self, version: int, article_ids: Sequence[int] | None = None
    ) -> list[int]:
        """Articles without story signatures for their current text and this version."""
        return self._stale("story_signatures", "version", version, article_ids)

    def set_story(
        self,
        article_id: int,
        content_hash: str,
        version: int,
        signatures: tuple[bytes, bytes],
        day: str | None,
        buckets: Sequence[tuple[str, int, int]],
        relate: Callable[
            [list[tuple[int, bytes, bytes, str | None]]], list[tuple[int, str, float]]
        ],
    ) -> None:
        """Store an article's signatures and buckets, and its links to the articles
        sharing a bucket that ``relate`` finds related (given their id, signatures and
        day; returning (id, relation, similarity))."""
        with self._lock, self.transaction():
            c = self._conn
            c.execute("DELETE FROM story_buckets WHERE article_id = ?", (article_id,))
            c.execute("DELETE FROM story_links WHERE a = ? OR b = ?", (article_id, article_id))
            c.execute(
                "INSERT INTO story_signatures(article_id, content_hash, version, copy_sig, "
                "event_sig, day) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE "
                "SET content_hash = excluded.content_hash, version = excluded.version, "
                "copy_sig = excluded.copy_sig, event_sig = excluded.event_sig, day = excluded.day",
                (article_id, content_hash, version, *signatures, day),
            )
            hits: dict[int, int] = {}
            sizes: dict[tuple[str, int, int], int] = {}
            for relation in {r for r, _, _ in buckets}:
                mine = {(band, bucket) for r, band, bucket in buckets if r == relation}
                values = sorted({bucket for _band, bucket in mine})
                marks = ",".join("?" * len(values))
                for band, bucket, other in c.execute(
                    "SELECT band, bucket, article_id FROM story_buckets WHERE relation = ? "
                    f"AND bucket IN ({marks})",
                    (relation, *values),
                ):
                    if (int(band), int(bucket)) not in mine:
                        continue
                    hits[int(other)] = hits.get(int(other), 0) + 1
                    key = (relation, int(band), int(bucket))
                    sizes[key] = sizes.get(key, 0) + 1
            hits.pop(article_id, None)
            # Linking to a few members joins a story as well as linking to all: the work
            # per article stays bounded when a text is in the library a thousand times.
            candidates = sorted(hits, key=lambda i: (-hits[i], -i))[:STORY_CANDIDATES]
            if candidates:
                marks = ",".join("?" * len(candidates))
                rows = [
                    (int(r[0]), bytes(r[1]), bytes(r[2]), r[3])
                    for r in c.execute(
                        "SELECT article_id, copy_sig, event_sig, day FROM story_signatures "
                        f"WHERE article_id IN ({marks})",
                        sorted(candidates),
                    )
                ]
                links = relate(rows)
                c.executemany(
                    "INSERT OR REPLACE INTO story_links(a, b, relation, similarity) "
                    "VALUES (?, ?, ?, ?)",
                    [(min(article_id, o), max(article_id, o), rel, sim) for o, rel, sim in links],
                )
            # A full bucket takes no more members (a text in the library a thousand
            # times): a new copy still finds the members it has, and lookups stay small.
            c.executemany(
                "INSERT OR IGNORE INTO story_buckets(relation, band, bucket, article_id) "
                "VALUES (?, ?, ?, ?)",
                [(r, band, bucket, article_id) for r, band, bucket in buckets
                 if sizes.get((r, band, bucket), 0) < STORY_CANDIDATES],
            )  # fmt: skip

    def story_links(self) -> list[tuple[int, int, str, float]]:
        """Every pair of related articles: (a, b, relation, similarity)."""
        with self._lock:
            return [
                (int(a), int(b), str(r), float(s))
                for a, b, r, s in self._conn.execute(
                    "SELECT a, b, relation, similarity FROM story_links ORDER BY a, b"
                )
            ]

    def timeline_rows(
        self, by: str | None, where: ArticleFilter | None = None
    ) -> list[tuple[int, date | None, str | None]]:
        """(article id, day, group) of every article passing ``where``: the day of its
        sort date (None when undated), and its source or each of its tags (``by``), or
        None. An article with several tags gives one row for each."""
        clause, args = _filter_sql(where)
        group, join = "NULL", ""
        if by == "source":
            group = "s.name"
        elif by == "tag":
            group = "tg.name"
            join = (
                " LEFT JOIN article_tags atg ON atg.article_id = a.id"
                " LEFT JOIN tags tg ON tg.id = atg.tag_id"
            )
        elif by is not None:
            raise ValueError(f"cannot split a timeline by {by!r}")
        sql = (
            f"SELECT a.id, substr(a.sort_date, 1, 10), {group} FROM articles a "
            f"LEFT JOIN sources s ON s.id = a.source_id{join} {clause}"
        )
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [
            (int(article_id), date.fromisoformat(day) if day else None, name)
            for article_id, day, name in rows
        ]

    def count_articles(self, where: ArticleFilter | None = None) -> int:
        clause, args = _filter_sql(where)
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM articles a LEFT JOIN sources s ON s.id = a.source_id "
                f"{clause}",
                args,
            ).fetchone()
        return int(row[0])

    def sources(self) -> list[tuple[str, int]]:
        """Sources that have articles, with their article counts, by name."""
        with self._lock:
            return [
                (str(r[0]), int(r[1]))
                for r in self._conn.execute(
                    "SELECT s.name, COUNT(a.id) FROM sources s JOIN articles a "
                    "ON a.source_id = s.id GROUP BY s.id ORDER BY s.name COLLATE NOCASE"
                )
            ]

    def tags(self) -> list[tuple[str, int]]:
        """Article tags in use, with their article counts, by name."""
        with self._lock:
            return [
                (str(r[0]), int(r[1]))
                for r in self._conn.execute(
                    "SELECT t.name, COUNT(*) FROM tags t JOIN article_tags at ON at.tag_id = t.id "
                    "GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
                )
            ]

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
        """Correct an article's title, date, source or URL (an empty source or URL clears
        it). The text and its versions are untouched; the index is queued."""
        with self._lock, self.transaction():
            self._require(article_id)
            if title is not None:
                if not title.strip():
                    raise LibraryError("the title cannot be empty")
                self._conn.execute(
                    "UPDATE articles SET title = ? WHERE id = ?", (title.strip(), article_id)
                )
            if date is not None or clear_date:
                self._conn.execute(
                    "UPDATE articles SET date = ?, sort_date = ? WHERE id = ?",
                    (date.isoformat() if date else None, sort_date(date), article_id),
                )
            if source is not None:
                self._conn.execute(
                    "UPDATE articles SET source_id = ? WHERE id = ?",
                    (self._source_id(source.strip() or None), article_id),
                )
            if url is not None:
                clean = url.strip() or None
                if clean is not None:
                    other = self._conn.execute(
                        "SELECT id FROM articles WHERE url = ? AND id != ?", (clean, article_id)
                    ).fetchone()
                    if other is not None:
                        raise LibraryError(f"article {other[0]} already has the URL {clean}")
                self._conn.execute("UPDATE articles SET url = ? WHERE id = ?", (clean, article_id))
            self._conn.execute(
                "UPDATE articles SET updated_at = ? WHERE id = ?", (utcnow(), article_id)
            )
            self._queue(article_id, "upsert")

    def iter_articles(self, batch: int = 500) -> Iterator[StoredArticle]:
        """Every article, in id order, a batch at a time (for rebuilding the index)."""
        last = 0
        while True:
            with self._lock:
                ids = [
                    int(r[0])
                    for r in self._conn.execute(
                        "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
                    )
                ]
            if not ids:
                return
            yield from self.get_articles(ids)
            last = ids[-1]

    def index_state(self) -> dict[int, str]:
        """article id -> what the index must hold of it: the content hash of its current
        version, and a fingerprint of its highlights (see :func:`index_stamp`)."""
        with self._lock:
            hashes = {
                int(r[0]): str(r[1])
                for r in self._conn.execute(
                    "SELECT a.id, v.content_hash FROM articles a "
                    "JOIN article_versions v ON v.id = a.current_version_id"
                )
            }
            highlights = self.highlights.by_articles()
        return {i: index_stamp(h, highlights.get(i, ())) for i, h in hashes.items()}

    def _tags_for(self, article_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        result: dict[int, list[str]] = {}
        with self._lock:
            for chunk in _chunks(article_ids, 500):
                marks = ",".join("?" * len(chunk))
                for row in self._conn.execute(
                    "SELECT at.article_id, t.name FROM article_tags at JOIN tags t "
                    f"ON t.id = at.tag_id WHERE at.article_id IN ({marks}) ORDER BY t.name",
                    tuple(chunk),
                ):
                    result.setdefault(int(row[0]), []).append(str(row[1]))
        return {k: tuple(v) for k, v in result.items()}

    # -- the index queue -------------------------------------------------------------

    def pending_changes(self, limit: int = 1000) -> list[PendingChange]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, article_id, op FROM index_queue ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [PendingChange(int(r[0]), int(r[1]), r[2]) for r in rows]

    def pending_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM index_queue").fetchone()[0])

    def clear_pending(self, up_to_queue_id: int) -> None:
        """Forget queued changes the index has committed (all with id <= up_to_queue_id)."""
        with self._lock:
            self._conn.execute("DELETE FROM index_queue WHERE id <= ?", (up_to_queue_id,))

    def last_pending_id(self) -> int | None:
        with self._lock:
            row = self._conn.execute("SELECT MAX(id) FROM index_queue").fetchone()
        return None if row[0] is None else int(row[0])


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored(row: sqlite3.Row, tags: tuple[str, ...]) -> StoredArticle:
    body = str(row["body"])
    return StoredArticle(
        id=int(row["id"]),
        title=str(row["title"]),
        paragraphs=tuple(body.split(PARAGRAPH_SEPARATOR)) if body else (),
        date=ArticleDate.parse_iso(row["date"]) if row["date"] else None,
        source=row["source"],
        dateline=row["dateline"],
        author=row["author"],
        url=row["url"],
        language=row["language"],
        tags=tags,
        external_id=row["external_id"],
        content_hash=str(row["content_hash"]),
        version=int(row["version"]),
        version_id=int(row["version_id"]),
        is_read=bool(row["is_read"]),
        added_at=datetime.fromisoformat(row["added_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        origin=row["origin"],
    )
