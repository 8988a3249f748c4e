"""The search bar (Ctrl+K / Ctrl+L): results as you type, a sort order, filters and a
short help for the query syntax."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWhatsThis,
    QWidget,
)

from reader.core.models import ArticleFilter

#: How long typing must pause before a search runs.
DEBOUNCE_MS = 250

SYNTAX_HELP = """\
<b>Searching</b>
<table cellspacing="0" cellpadding="3">
<tr><td><code>putin gas</code></td><td>articles with both words (<i>vowing</i> finds <i>vow</i>)</td></tr>
<tr><td>a pasted sentence</td><td>articles sharing the most of its words</td></tr>
<tr><td><code>gas OR oil</code>, <code>putin NOT trade</code></td><td>boolean operators, <code>( )</code> to group</td></tr>
<tr><td><code>"joint statement"</code></td><td>an exact phrase</td></tr>
<tr><td><code>title:</code> <code>source:</code> <code>author:</code> <code>dateline:</code> <code>tag:</code></td><td>one field</td></tr>
<tr><td><code>note:</code> <code>highlight:</code> <code>color:yellow</code></td><td>your own annotations</td></tr>
<tr><td><code>trad*</code>, <code>ties~</code></td><td>a prefix, close spellings</td></tr>
<tr><td><code>date:2019</code>, <code>date:2018-09</code>, <code>date:[2018-09 TO 2019-01]</code>, <code>date:&gt;2018</code></td><td>dates</td></tr>
</table>
"""  # noqa: E501


class SearchBar(QWidget):
    """Emits ``searchRequested(query)`` after typing pauses (or at once on Enter)."""

    searchRequested = Signal(str)
    sortChanged = Signal(str)
    filtersToggled = Signal(bool)

    SORTS = (("Best match", "relevance"), ("Newest first", "date"), ("Oldest first", "date-asc"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText(
            'Search: words, "phrases", AND / OR / NOT, source:, date:2019 …   (Ctrl+K)'
        )
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search")
        self.edit.setMinimumWidth(320)
        self.sort = QComboBox(self)
        for label, key in self.SORTS:
            self.sort.addItem(label, key)
        self.sort.setToolTip("Order of the results")
        self.filters_button = QToolButton(self)
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setToolTip("Filter by source, date, tag, read state, highlights")
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip("Search syntax")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.sort)
        layout.addWidget(self.filters_button)
        layout.addWidget(self.help_button)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.edit.textEdited.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self._emit)
        # The clear button changes the text without textEdited.
        self.edit.textChanged.connect(self._maybe_cleared)
        self.sort.currentIndexChanged.connect(lambda _i: self.sortChanged.emit(self.sort_key()))
        self.filters_button.toggled.connect(self.filtersToggled)
        self.help_button.clicked.connect(self.show_help)

    def query(self) -> str:
        return self.edit.text().strip()

    def sort_key(self) -> str:
        return str(self.sort.currentData())

    def set_query(self, text: str, *, run: bool = True) -> None:
        self.edit.setText(text)
        if run:
            self._emit()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def show_help(self) -> None:
        QWhatsThis.showText(
            self.help_button.mapToGlobal(self.help_button.rect().bottomLeft()),
            SYNTAX_HELP,
            self.help_button,
        )

    def _maybe_cleared(self, text: str) -> None:
        if not text:
            self._timer.stop()
            self._emit()

    def _emit(self) -> None:
        self._timer.stop()
        self.searchRequested.emit(self.query())


class FilterBar(QWidget):
    """Source, date range, tag, read state and "has highlights" filters."""

    filterChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.source = QComboBox(self)
        self.source.setToolTip("Source")
        self.source.setMinimumContentsLength(14)
        self.tag = QComboBox(self)
        self.tag.setToolTip("Tag")
        self.tag.setMinimumContentsLength(10)
        self.date_from = _date_edit(self, "from any date")
        self.date_to = _date_edit(self, "to any date")
        self.read = QComboBox(self)
        for label, value in (("Read and unread", None), ("Unread", False), ("Read", True)):
            self.read.addItem(label, value)
        self.highlighted = QCheckBox("Has highlights", self)
        self.reset_button = QToolButton(self)
        self.reset_button.setText("Reset")
        for widget in (
            self.source,
            self.tag,
            QLabel("Date", self),
            self.date_from,
            QLabel("–", self),
            self.date_to,
            self.read,
            self.highlighted,
        ):
            layout.addWidget(widget)  # fmt: skip
        layout.addStretch(1)
        layout.addWidget(self.reset_button)
        self.set_choices([], [])
        for combo in (self.source, self.tag, self.read):
            combo.currentIndexChanged.connect(self._changed)
        self.date_from.dateChanged.connect(self._changed)
        self.date_to.dateChanged.connect(self._changed)
        self.highlighted.toggled.connect(self._changed)
        self.reset_button.clicked.connect(self.reset)

    def set_choices(self, sources: list[tuple[str, int]], tags: list[tuple[str, int]]) -> None:
        """Fill the source and tag lists (keeping the current choice when still there)."""
        for combo, everything, items in (
            (self.source, "All sources", sources),
            (self.tag, "All tags", tags),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for name, count in items:
                combo.addItem(f"{name} ({count})", name)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    def current(self) -> ArticleFilter:
        return ArticleFilter(
            source=self.source.currentData(),
            tag=self.tag.currentData(),
            date_from=_date_value(self.date_from),
            date_to=_date_value(self.date_to),
            read=self.read.currentData(),
            has_highlights=True if self.highlighted.isChecked() else None,
        )

    def reset(self) -> None:
        widgets = (self.source, self.tag, self.read, self.date_from, self.date_to,
                   self.highlighted)  # fmt: skip
        for widget in widgets:
            widget.blockSignals(True)
        self.source.setCurrentIndex(0)
        self.tag.setCurrentIndex(0)
        self.read.setCurrentIndex(0)
        self.date_from.setDate(self.date_from.minimumDate())
        self.date_to.setDate(self.date_to.minimumDate())
        self.highlighted.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self._changed()

    def _changed(self, *_args: object) -> None:
        self.filterChanged.emit(self.current())


_NO_DATE = QDate(1900, 1, 1)


def _date_edit(parent: QWidget, empty_text: str) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(empty_text)
    edit.setDate(_NO_DATE)
    return edit


def _date_value(edit: QDateEdit) -> date | None:
    if edit.date() == edit.minimumDate():
        return None
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value
