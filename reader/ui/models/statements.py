"""Who said what as a Qt model: one attributed statement per row (date, speaker, verb,
statement, article title), and a proxy filtering by speaker, days and text."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from reader.core.library import ArticleStatement
from reader.ui.models.base import ReadOnlyTableModel

__all__ = ["StatementFilterProxy", "StatementRow", "StatementTableModel", "statement_day"]


def statement_day(value: str | None) -> date | None:
    """The day of an article date as the date filter counts it (UTC for aware times)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


@dataclass(frozen=True, slots=True)
class StatementRow:
    statement: ArticleStatement
    title: str

    @property
    def day(self) -> date | None:
        return statement_day(self.statement.date)


class StatementTableModel(ReadOnlyTableModel):
    DATE, SPEAKER, VERB, STATEMENT, ARTICLE = range(5)
    HEADERS = ("Date", "Speaker", "Verb", "Statement", "Article")

    StatementRole: Final = int(Qt.ItemDataRole.UserRole) + 1
    SortRole: Final = int(Qt.ItemDataRole.UserRole) + 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StatementRow] = []

    def set_rows(self, rows: list[StatementRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> StatementRow:
        return self._rows[row]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        found = self._row_at(index)
        if not isinstance(found, StatementRow):
            return None
        column = index.column()
        st = found.statement
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(found, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATEMENT:
                text = f"“{st.text}”" if st.quote else st.text
                return f"<qt>{html.escape(text)}</qt>"
            if column == self.ARTICLE:
                return found.title
            return None
        if role == self.StatementRole:
            return st
        if role == self.SortRole:
            if column == self.DATE:
                day = found.day
                return (day.isoformat() if day else "") + f"|{st.article_id:09d}|{st.start:09d}"
            return self._display(found, column).casefold()
        return None

    def _display(self, found: StatementRow, column: int) -> str:
        st = found.statement
        if column == self.DATE:
            return (st.date or "")[:10]
        if column == self.SPEAKER:
            return st.speaker
        if column == self.VERB:
            return st.verb
        if column == self.STATEMENT:
            return " ".join(st.text.split())
        return found.title


class StatementFilterProxy(QSortFilterProxyModel):
    """Statements of one speaker (None: all), within days (inclusive; undated statements
    are left out when a bound is set), containing a text (case-insensitive)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._speaker: str | None = None
        self._first: date | None = None
        self._last: date | None = None
        self._text = ""
        self.setSortRole(StatementTableModel.SortRole)

    def set_speaker(self, speaker: str | None) -> None:
        self.beginFilterChange()
        self._speaker = speaker or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_days(self, first: date | None, last: date | None) -> None:
        self.beginFilterChange()
        self._first, self._last = first, last
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        source = self.sourceModel()
        if not isinstance(source, StatementTableModel) or source_parent.isValid():
            return True
        found = source.row(source_row)
        st = found.statement
        if self._speaker is not None and st.speaker != self._speaker:
            return False
        if self._first is not None or self._last is not None:
            day = found.day
            if day is None:
                return False
            if self._first is not None and day < self._first:
                return False
            if self._last is not None and day > self._last:
                return False
        if self._text:
            haystack = (st.text, st.speaker, st.verb, found.title)
            return any(self._text in part.casefold() for part in haystack)
        return True
