"""The article list: a lazy table model over the library.

The list can hold 100,000 articles, so the model never loads them all: rows are read a
page at a time (``canFetchMore``/``fetchMore``), and sorting and filtering happen in
SQLite through :class:`reader.core.library.Library`. In search mode the rows are the hits
of one :class:`SearchPage` (in rank order unless a column sort is asked for), their
summaries again read lazily, a page at a time.

The model lives on the GUI thread; the library it reads from is thread-safe.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from reader.core.library import Library, SortKey
from reader.core.models import ArticleDate, ArticleFilter, ArticleSummary, SearchHit, SearchPage
from reader.ui.languages import language_name, language_tooltip
from reader.ui.models.base import ReadOnlyTableModel

__all__ = ["ArticleTableModel", "format_date", "plain_snippet"]

_ROOT: Final = QModelIndex()
_MARK = re.compile(r"</?mark>", re.IGNORECASE)

Mode = Literal["list", "search"]

#: The SQLite sort key of each column.
_SORT_KEYS: Final[dict[int, SortKey]] = {
    0: "title",
    1: "source",
    2: "date",
    3: "highlights",
    4: "language",
}


def format_date(value: ArticleDate | None) -> str:
    """The list's date: "2019-01-02" for a bare day, "2018-09-14 21:09" for a moment
    (no seconds, no offset: the list has no room for them)."""
    if value is None:
        return ""
    text = value.isoformat()
    if value.has_time:
        return text[:16].replace("T", " ")
    return text


def plain_snippet(snippet: str) -> str:
    """A search snippet as plain text: ``<mark>`` tags removed, HTML entities decoded."""
    return html.unescape(_MARK.sub("", snippet))


def _date_key(value: ArticleDate | None) -> str:
    """A text key ordering dates as SQLite does (aware moments compared in UTC)."""
    if value is None:
        return ""
    moment = value.value
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


class ArticleTableModel(ReadOnlyTableModel):
    """Rows of the article list (columns Title, Source, Date, Highlights, Language).

    The Language column shows the language's name ("Russian"); it sorts by the stored
    code, so each language's articles come together (articles of no known language
    last), in SQLite in list mode and here in search mode alike."""

    TITLE, SOURCE, DATE, HIGHLIGHTS, LANGUAGE = range(5)
    HEADERS = ("Title", "Source", "Date", "Highlights", "Language")

    ArticleIdRole: Final = int(Qt.ItemDataRole.UserRole) + 1
    SummaryRole: Final = int(Qt.ItemDataRole.UserRole) + 2
    SnippetRole: Final = int(Qt.ItemDataRole.UserRole) + 3
    IsReadRole: Final = int(Qt.ItemDataRole.UserRole) + 4

    DEFAULT_PAGE_SIZE: Final = 200

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._library = library
        self._page_size = page_size
        self._mode: Mode = "list"
        self._filter: ArticleFilter | None = None
        # The sort of each mode: list mode's is kept while a search is shown.
        self._list_sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.DescendingOrder)
        self._search_sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        # Loaded rows (both modes) and where each article is.
        self._rows: list[ArticleSummary] = []
        self._row_by_id: dict[int, int] = {}
        # List mode: how many articles match the filter.
        self._total = 0
        # Search mode.
        self._page: SearchPage | None = None
        self._rank: list[SearchHit] = []  # rank order
        self._hits: list[SearchHit] = []  # display order
        self._snippets: dict[int, str] = {}
        self._cache: dict[int, ArticleSummary] = {}
        self._dropped = 0  # hits whose article no longer exists
        self._bold: QFont | None = None
        self._fetching = False
        self._reload(0)

    # -- state --------------------------------------------------------------------------

    @property
    def library(self) -> Library:
        return self._library

    @property
    def page_size(self) -> int:
        return self._page_size

    def mode(self) -> Mode:
        return self._mode

    def filter(self) -> ArticleFilter | None:
        return self._filter

    def search_page(self) -> SearchPage | None:
        """The search shown (None in list mode)."""
        return self._page if self._mode == "search" else None

    def sort_column(self) -> int:
        """The sorted column of the current mode (-1: the default order, newest first in
        list mode, rank order in search mode)."""
        return (self._list_sort if self._mode == "list" else self._search_sort)[0]

    def sort_order(self) -> Qt.SortOrder:
        return (self._list_sort if self._mode == "list" else self._search_sort)[1]

    def total(self) -> int:
        """All articles of the current mode: those matching the filter, or the search's
        total (which may be more than the hits of the page)."""
        if self._mode == "search":
            assert self._page is not None
            return max(len(self._hits), self._page.total - self._dropped)
        return self._total

    # -- changing what is shown ---------------------------------------------------------

    def set_filter(self, flt: ArticleFilter | None) -> None:
        """List mode, showing the articles that match ``flt`` (None or empty: all)."""
        self._filter = None if flt is None or flt.is_empty else flt
        self._mode = "list"
        self._clear_search_state()
        self._reset(0)

    def set_search(self, page: SearchPage) -> None:
        """Search mode: the page's hits, in rank order."""
        self._mode = "search"
        self._page = page
        unique = {hit.article_id: hit for hit in reversed(page.hits)}
        self._rank = [hit for hit in page.hits if unique.get(hit.article_id) is hit]
        self._hits = list(self._rank)
        self._snippets = {hit.article_id: hit.snippet for hit in self._rank}
        self._cache = {}
        self._dropped = 0
        self._search_sort = (-1, Qt.SortOrder.AscendingOrder)
        self._reset(0)

    def clear_search(self) -> None:
        """Back to list mode, with the filter and sort the list had."""
        if self._mode == "list":
            return
        self._mode = "list"
        self._clear_search_state()
        self._reset(0)

    def refresh(self) -> None:
        """Read again after the library changed, keeping mode, filter and sort, and at
        least as many rows as were loaded (so a view keeps its scroll position)."""
        keep = len(self._rows)
        if self._mode == "search":
            self._cache = {}
            if self._search_sort[0] != -1:
                self._order_hits()  # titles, dates or counts may have changed
        self._reset(keep)

    def update_articles(self, ids: Iterable[int]) -> None:
        """Read these loaded rows again (read state, highlight count, a title edit) and
        tell views about those rows only. Ids not loaded are ignored."""
        wanted = [i for i in dict.fromkeys(ids) if i in self._row_by_id]
        if not wanted:
            return
        fresh = {s.id: s for s in self._library.summaries(wanted)}
        last = self.columnCount() - 1
        for article_id in wanted:
            summary = fresh.get(article_id)
            if summary is None:  # deleted: refresh() will drop it
                continue
            row = self._row_by_id[article_id]
            self._rows[row] = summary
            if article_id in self._cache:
                self._cache[article_id] = summary
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    # -- helpers ------------------------------------------------------------------------

    def summary(self, row: int) -> ArticleSummary:
        return self._rows[row]

    def article_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, article_id: int) -> int | None:
        """The row of an article among the loaded rows (None if not loaded)."""
        return self._row_by_id.get(article_id)

    def snippet(self, article_id: int) -> str:
        """The search snippet of an article (with ``<mark>``), "" in list mode."""
        if self._mode != "search":
            return ""
        return self._snippets.get(article_id, "")

    def loaded_ids(self) -> list[int]:
        return [s.id for s in self._rows]

    # -- QAbstractItemModel -------------------------------------------------------------

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and section == self.HIGHLIGHTS
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().headerData(section, orientation, role)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        summary = self._row_at(index)
        if summary is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, column)
        if role == Qt.ItemDataRole.FontRole:
            return None if summary.is_read else self._bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.LANGUAGE:
                return language_tooltip(summary.language)
            snippet = self.snippet(summary.id)
            if snippet:
                return f"{summary.title}\n\n{plain_snippet(snippet)}"
            return summary.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == self.HIGHLIGHTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ArticleIdRole:
            return summary.id
        if role == self.SummaryRole:
            return summary
        if role == self.SnippetRole:
            return self.snippet(summary.id)
        if role == self.IsReadRole:
            return summary.is_read
        return None

    def _display(self, summary: ArticleSummary, column: int) -> str:
        if column == self.TITLE:
            return summary.title
        if column == self.SOURCE:
            return summary.source or ""
        if column == self.DATE:
            return format_date(summary.date)
        if column == self.LANGUAGE:
            return language_name(summary.language)
        return str(summary.highlights) if summary.highlights else ""

    def _bold_font(self) -> QFont:
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if parent.isValid():
            return False
        if self._mode == "search":
            return len(self._rows) < len(self._hits)
        return len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        # Views and model testers may ask again from a handler of the insertion signals:
        # one fetch at a time.
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        try:
            new = self._read_more(len(self._rows), self._page_size)
            if not new:
                return
            first = len(self._rows)
            self.beginInsertRows(_ROOT, first, first + len(new) - 1)
            self._append(new)
            self.endInsertRows()
        finally:
            self._fetching = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """List mode: read again in SQLite's order for the column. Search mode: reorder the
        hits by the column (-1 gives the rank order back)."""
        if column not in _SORT_KEYS:
            column = -1
        if self._mode == "search":
            self._search_sort = (column, order)
            self._order_hits()
        else:
            self._list_sort = (column, order)
        self._reset(0)

    # -- reading ------------------------------------------------------------------------

    def _clear_search_state(self) -> None:
        self._page = None
        self._rank = []
        self._hits = []
        self._snippets = {}
        self._cache = {}
        self._dropped = 0

    def _list_order(self) -> tuple[SortKey, bool]:
        column, order = self._list_sort
        if column == -1:
            return "date", True
        return _SORT_KEYS[column], order == Qt.SortOrder.DescendingOrder

    def _reset(self, keep: int) -> None:
        # No fetchMore from a handler of the reset signals while the rows are replaced.
        fetching, self._fetching = self._fetching, True
        try:
            self.beginResetModel()
            self._reload(keep)
            self.endResetModel()
        finally:
            self._fetching = fetching

    def _reload(self, keep: int) -> None:
        """Load the first ``max(keep, page_size)`` rows of the current mode from scratch."""
        self._rows = []
        self._row_by_id = {}
        if self._mode == "list":
            self._total = self._library.count_articles(self._filter)
        else:
            self._drop_missing_loaded(keep)
        self._append(self._read_more(0, max(keep, self._page_size)))

    def _read_more(self, offset: int, count: int) -> list[ArticleSummary]:
        if self._mode == "search":
            return self._read_hits(offset, count)
        sort, descending = self._list_order()
        found = self._library.list_articles(
            sort=sort, descending=descending, limit=count, offset=offset, where=self._filter
        )
        new = [s for s in found if s.id not in self._row_by_id]
        if len(found) < count:
            # The end of the list (the library may have shrunk since it was counted).
            self._total = len(self._rows) + len(new)
        elif not new:
            # Only rows already loaded: the list moved under us; stop until a refresh.
            self._total = len(self._rows)
        return new

    def _read_hits(self, offset: int, count: int) -> list[ArticleSummary]:
        wanted = self._hits[offset : offset + count]
        self._fill_cache([h.article_id for h in wanted])
        missing = {h.article_id for h in wanted if h.article_id not in self._cache}
        if missing:
            self._forget_hits(missing)
        return [self._cache[h.article_id] for h in wanted if h.article_id in self._cache]

    def _fill_cache(self, ids: Sequence[int]) -> None:
        unknown = [i for i in ids if i not in self._cache]
        if unknown:
            self._cache.update((s.id, s) for s in self._library.summaries(unknown))

    def _forget_hits(self, ids: set[int]) -> None:
        """Drop hits whose articles are gone from the library."""
        self._rank = [h for h in self._rank if h.article_id not in ids]
        self._hits = [h for h in self._hits if h.article_id not in ids]
        for article_id in ids:
            self._snippets.pop(article_id, None)
        self._dropped += len(ids)

    def _drop_missing_loaded(self, keep: int) -> None:
        """Before reloading a search: check the hits about to be shown still exist."""
        wanted = [h.article_id for h in self._hits[: max(keep, self._page_size)]]
        self._fill_cache(wanted)
        missing = {i for i in wanted if i not in self._cache}
        if missing:
            self._forget_hits(missing)

    def _order_hits(self) -> None:
        column, order = self._search_sort
        if column == -1:
            self._hits = list(self._rank)
            if order == Qt.SortOrder.DescendingOrder:
                self._hits.reverse()
            return
        # A column sort needs every hit's summary; a search page is bounded, so read them.
        self._fill_cache([h.article_id for h in self._rank])
        missing = {h.article_id for h in self._rank if h.article_id not in self._cache}
        if missing:
            self._forget_hits(missing)
        cache = self._cache
        descending = order == Qt.SortOrder.DescendingOrder
        present = list(self._rank)  # ties keep their rank order (sorted() is stable)
        if column == self.TITLE:
            self._hits = sorted(
                present, key=lambda h: cache[h.article_id].title.casefold(), reverse=descending
            )
        elif column == self.HIGHLIGHTS:
            self._hits = sorted(
                present, key=lambda h: cache[h.article_id].highlights, reverse=descending
            )
        else:
            # Articles without a source, date or language go last whichever the direction.
            def key(hit: SearchHit) -> str:
                summary = cache[hit.article_id]
                if column == self.SOURCE:
                    return (summary.source or "").casefold()
                if column == self.LANGUAGE:
                    return summary.language or ""
                return _date_key(summary.date)

            with_value = [h for h in present if key(h)]
            without = [h for h in present if not key(h)]
            self._hits = sorted(with_value, key=key, reverse=descending) + without

    def _append(self, summaries: Sequence[ArticleSummary]) -> None:
        for summary in summaries:
            self._row_by_id[summary.id] = len(self._rows)
            self._rows.append(summary)
