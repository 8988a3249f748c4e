"""The statements panel (who said what): a sortable table of attributed statements with
a speaker choice, a range of days and a text filter. Activating a row (double click or
Enter) emits ``statementActivated`` with its :class:`ArticleStatement`."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import ArticleStatement
from reader.ui.models.statements import StatementFilterProxy, StatementRow, StatementTableModel
from reader.ui.search_bar import date_edit, date_value


class StatementsPanel(QWidget):
    statementActivated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statementsPanel")
        self.model = StatementTableModel(self)
        self.proxy = StatementFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.speaker = QComboBox(self)
        self.speaker.setAccessibleName("Speaker")
        self.speaker.setMinimumContentsLength(18)
        self.speaker.addItem("All speakers", None)
        self.date_from = date_edit(self, "from any date")
        self.date_to = date_edit(self, "to any date")
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Filter statements…")
        self.text.setClearButtonEnabled(True)
        self.summary = QLabel(self)
        self.table = QTableView(self)
        self.table.setObjectName("statementsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(StatementTableModel.STATEMENT, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(StatementTableModel.DATE, 90)
        header.resizeSection(StatementTableModel.SPEAKER, 170)
        header.resizeSection(StatementTableModel.VERB, 90)
        header.resizeSection(StatementTableModel.ARTICLE, 260)
        row = QHBoxLayout()
        row.setContentsMargins(6, 4, 6, 0)
        for widget in (self.speaker, QLabel("Date", self), self.date_from,
                       QLabel("–", self), self.date_to):  # fmt: skip
            row.addWidget(widget)
        row.addWidget(self.text, 1)
        row.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.speaker.currentIndexChanged.connect(self._filter)
        self.date_from.dateChanged.connect(self._filter)
        self.date_to.dateChanged.connect(self._filter)
        self.text.textChanged.connect(self._filter)
        self.table.activated.connect(self._on_activated)

    def set_statements(self, rows: list[StatementRow], speakers: list[tuple[str, int]]) -> None:
        current = self.speaker.currentData()
        self.speaker.blockSignals(True)
        self.speaker.clear()
        self.speaker.addItem(f"All speakers ({len(rows):,})", None)
        for name, count in speakers:
            self.speaker.addItem(f"{name} ({count:,})", name)
        self.speaker.setCurrentIndex(max(0, self.speaker.findData(current)) if current else 0)
        self.speaker.blockSignals(False)
        self.model.set_rows(rows)
        self._filter()

    def set_date_range(self, first: date | None, last: date | None) -> None:
        for edit, value in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day) if value else edit.minimumDate())
            edit.blockSignals(False)
        self._filter()

    def _filter(self, *_args: object) -> None:
        data = self.speaker.currentData()
        self.proxy.set_speaker(str(data) if data else None)
        self.proxy.set_days(date_value(self.date_from), date_value(self.date_to))
        self.proxy.set_text(self.text.text())
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.summary.setText(f"{shown:,} of {total:,} statements")

    def _on_activated(self, index: QModelIndex) -> None:
        st = index.data(StatementTableModel.StatementRole)
        if isinstance(st, ArticleStatement):
            self.statementActivated.emit(st)
