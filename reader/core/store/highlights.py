"""Highlights in SQLite. Reached as ``Store.highlights``; shares the store's connection
and lock, and takes part in its transactions."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reader.core.annotations.anchoring import Anchor, AnchorStatus, Placement
from reader.core.annotations.model import COLORS, Highlight
from reader.core.errors import CoverageReaderError

_COLUMNS = (
    "id, uid, article_id, version_id, origin_version_id, color, note, exact, prefix, suffix, "
    'start, "end", anchor, confidence, article_title, article_source, article_date, '
    "article_url, article_hash, created_at, modified_at"
)


class HighlightNotFound(CoverageReaderError):
    def __init__(self, highlight_id: int) -> None:
        super().__init__(f"no highlight with id {highlight_id}")
        self.highlight_id = highlight_id


@dataclass(frozen=True, slots=True)
class ArticleSnapshot:
    """The article version a highlight sits on, as a citation needs it."""

    article_id: int | None
    version_id: int | None
    title: str
    source: str | None
    date: str | None
    url: str | None
    content_hash: str


class HighlightStore:
    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock

    # -- reading -------------------------------------------------------------------------

    def get(self, highlight_id: int) -> Highlight:
        found = self.get_many([highlight_id])
        if not found:
            raise HighlightNotFound(highlight_id)
        return found[0]

    def get_many(self, ids: Sequence[int]) -> list[Highlight]:
        if not ids:
            return []
        with self._lock:
            marks = ",".join("?" * len(ids))
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM highlights WHERE id IN ({marks})", tuple(ids)
            ).fetchall()
            tags = self._tags([int(r["id"]) for r in rows])
        by_id = {int(r["id"]): _highlight(r, tags.get(int(r["id"]), ())) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def for_article(self, article_id: int) -> list[Highlight]:
        return self._select("WHERE article_id = ? ORDER BY start, id", (article_id,))

    def all(self) -> list[Highlight]:
        return self._select("ORDER BY article_id IS NULL, article_id, start, id", ())

    def orphans(self) -> list[Highlight]:
        return self._select("WHERE anchor = 'orphan' ORDER BY modified_at DESC, id", ())

    def by_uid(self, uid: str) -> Highlight | None:
        found = self._select("WHERE uid = ?", (uid,))
        return found[0] if found else None

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM highlights").fetchone()[0])

    def counts_by_article(self, article_ids: Sequence[int]) -> dict[int, int]:
        if not article_ids:
            return {}
        with self._lock:
            marks = ",".join("?" * len(article_ids))
            return {
                int(r[0]): int(r[1])
                for r in self._conn.execute(
                    f"SELECT article_id, COUNT(*) FROM highlights WHERE article_id IN ({marks}) "
                    "GROUP BY article_id",
                    tuple(article_ids),
                )
            }

    def by_articles(self, article_ids: Sequence[int] | None = None) -> dict[int, list[Highlight]]:
        """Highlights grouped by article (all articles with highlights when ``None``)."""
        grouped: dict[int, list[Highlight]] = {}
        if article_ids is None:
            found = self._select("WHERE article_id IS NOT NULL ORDER BY article_id, start, id", ())
        else:
            found = []
            ids = list(article_ids)
            for start in range(0, len(ids), 500):
                chunk = tuple(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                found += self._select(
                    f"WHERE article_id IN ({marks}) ORDER BY article_id, start, id", chunk
                )
        for highlight in found:
            assert highlight.article_id is not None
            grouped.setdefault(highlight.article_id, []).append(highlight)
        return grouped

    def _select(self, where: str, args: tuple[Any, ...]) -> list[Highlight]:
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM highlights {where}", args).fetchall()
            tags = self._tags([int(r["id"]) for r in rows])
        return [_highlight(r, tags.get(int(r["id"]), ())) for r in rows]

    def _tags(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        result: dict[int, list[str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT highlight_id, tag FROM highlight_tags WHERE highlight_id IN ({marks}) "
                "ORDER BY tag COLLATE NOCASE",
                tuple(chunk),
            ):
                result.setdefault(int(row[0]), []).append(str(row[1]))
        return {k: tuple(v) for k, v in result.items()}

    # -- writing (each call commits at once unless inside Store.transaction) -------------

    def insert(
        self,
        snapshot: ArticleSnapshot,
        anchor: Anchor,
        *,
        color: str,
        note: str,
        tags: Sequence[str],
        now: str,
        uid: str | None = None,
        highlight_id: int | None = None,
        created_at: str | None = None,
        status: AnchorStatus = "exact",
        confidence: float = 1.0,
        origin_version_id: int | None = None,
    ) -> int:
        _check_color(color)
        with self._lock:
            cur = self._conn.execute(
                "INSERT INTO highlights(id, uid, article_id, version_id, origin_version_id, color, "
                'note, exact, prefix, suffix, start, "end", anchor, confidence, article_title, '
                "article_source, article_date, article_url, article_hash, created_at, modified_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    highlight_id,
                    uid or f"urn:uuid:{uuid.uuid4()}",
                    snapshot.article_id,
                    snapshot.version_id,
                    origin_version_id or snapshot.version_id,
                    color,
                    note,
                    anchor.quote.exact,
                    anchor.quote.prefix,
                    anchor.quote.suffix,
                    anchor.position.start,
                    anchor.position.end,
                    status,
                    confidence,
                    snapshot.title,
                    snapshot.source,
                    snapshot.date,
                    snapshot.url,
                    snapshot.content_hash,
                    created_at or now,
                    now,
                ),
            )
            assert cur.lastrowid is not None
            new_id = cur.lastrowid
            self._set_tags(new_id, tags)
            return new_id

    def restore(self, highlight: Highlight) -> None:
        """Put back a highlight exactly as it was (undo of a delete)."""
        with self._lock:
            self._conn.execute(
                f"INSERT INTO highlights({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    highlight.id,
                    highlight.uid,
                    highlight.article_id,
                    highlight.version_id,
                    highlight.origin_version_id,
                    highlight.color,
                    highlight.note,
                    highlight.exact,
                    highlight.prefix,
                    highlight.suffix,
                    highlight.start,
                    highlight.end,
                    highlight.anchor,
                    highlight.confidence,
                    highlight.article_title,
                    highlight.article_source,
                    highlight.article_date,
                    highlight.article_url,
                    highlight.article_hash,
                    highlight.created_at.isoformat(),
                    highlight.modified_at.isoformat(),
                ),
            )
            self._set_tags(highlight.id, highlight.tags)

    def update(
        self,
        highlight_id: int,
        *,
        now: str,
        color: str | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
        modified_at: str | None = None,
    ) -> None:
        if color is not None:
            _check_color(color)
        with self._lock:
            cur = self._conn.execute(
                "UPDATE highlights SET color = COALESCE(?, color), note = COALESCE(?, note), "
                "modified_at = ? WHERE id = ?",
                (color, note, modified_at or now, highlight_id),
            )
            if cur.rowcount == 0:
                raise HighlightNotFound(highlight_id)
            if tags is not None:
                self._conn.execute(
                    "DELETE FROM highlight_tags WHERE highlight_id = ?", (highlight_id,)
                )
                self._set_tags(highlight_id, tags)

    def place(
        self,
        highlight_id: int,
        snapshot: ArticleSnapshot | None,
        placement: Placement,
        anchor: Anchor | None,
    ) -> None:
        """Record where re-anchoring put a highlight (on a new version, or nowhere)."""
        with self._lock:
            if placement.placed and snapshot is not None and anchor is not None:
                self._conn.execute(
                    "UPDATE highlights SET article_id = ?, version_id = ?, exact = ?, prefix = ?, "
                    'suffix = ?, start = ?, "end" = ?, anchor = ?, confidence = ?, '
                    "article_title = ?, article_source = ?, article_date = ?, article_url = ?, "
                    "article_hash = ? WHERE id = ?",
                    (
                        snapshot.article_id,
                        snapshot.version_id,
                        anchor.quote.exact,
                        anchor.quote.prefix,
                        anchor.quote.suffix,
                        anchor.position.start,
                        anchor.position.end,
                        placement.status,
                        placement.confidence,
                        snapshot.title,
                        snapshot.source,
                        snapshot.date,
                        snapshot.url,
                        snapshot.content_hash,
                        highlight_id,
                    ),
                )
            else:
                # An orphan keeps its quote, context and citation; only its status changes.
                self._conn.execute(
                    "UPDATE highlights SET anchor = 'orphan', confidence = 0 WHERE id = ?",
                    (highlight_id,),
                )

    def delete(self, ids: Sequence[int]) -> None:
        with self._lock:
            for highlight_id in ids:
                self._conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))

    def relink(self, highlight: Highlight) -> None:
        """Give an orphan back its article and place (undo of deleting that article); its
        colour, note and tags stay as they are now."""
        with self._lock:
            self._conn.execute(
                "UPDATE highlights SET article_id = ?, version_id = ?, origin_version_id = ?, "
                'exact = ?, prefix = ?, suffix = ?, start = ?, "end" = ?, anchor = ?, '
                "confidence = ? WHERE id = ?",
                (
                    highlight.article_id,
                    highlight.version_id,
                    highlight.origin_version_id,
                    highlight.exact,
                    highlight.prefix,
                    highlight.suffix,
                    highlight.start,
                    highlight.end,
                    highlight.anchor,
                    highlight.confidence,
                    highlight.id,
                ),
            )

    def orphan_article(self, article_id: int) -> None:
        """The article is going away and the user keeps its highlights as orphans."""
        with self._lock:
            self._conn.execute(
                "UPDATE highlights SET anchor = 'orphan', confidence = 0 WHERE article_id = ?",
                (article_id,),
            )

    def _set_tags(self, highlight_id: int, tags: Sequence[str]) -> None:
        for tag in tags:
            tag = tag.strip()
            if tag:
                self._conn.execute(
                    "INSERT OR IGNORE INTO highlight_tags(highlight_id, tag) VALUES (?, ?)",
                    (highlight_id, tag),
                )


def fingerprint(highlights: Sequence[Highlight]) -> str:
    """A short digest of what the search index holds of an article's highlights (so that
    a check can tell an index that missed an annotation change)."""
    if not highlights:
        return ""
    digest = hashlib.sha256()
    for h in sorted(highlights, key=lambda h: h.id):
        parts = (str(h.id), h.color, h.note, h.exact, "\x1f".join(h.tags))
        digest.update("\x1e".join(parts).encode("utf-8") + b"\x1d")
    return digest.hexdigest()[:16]


def _check_color(color: str) -> None:
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r}; choose one of {', '.join(COLORS)}")


def _highlight(row: sqlite3.Row, tags: tuple[str, ...]) -> Highlight:
    return Highlight(
        id=int(row["id"]),
        uid=str(row["uid"]),
        article_id=row["article_id"],
        version_id=row["version_id"],
        origin_version_id=row["origin_version_id"],
        color=str(row["color"]),
        note=str(row["note"]),
        tags=tags,
        exact=str(row["exact"]),
        prefix=str(row["prefix"]),
        suffix=str(row["suffix"]),
        start=int(row["start"]),
        end=int(row["end"]),
        anchor=row["anchor"],
        confidence=float(row["confidence"]),
        article_title=str(row["article_title"]),
        article_source=row["article_source"],
        article_date=row["article_date"],
        article_url=row["article_url"],
        article_hash=str(row["article_hash"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        modified_at=datetime.fromisoformat(row["modified_at"]),
    )
