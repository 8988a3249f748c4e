"""The search bar (Ctrl+K / Ctrl+L): results as you type, a sort order, filters and a
short help for the query syntax."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
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

from reader.core.analysis.entities import EntityCount
from reader.core.models import ArticleFilter
from reader.ui.languages import counted_languages, language_tooltip

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
<tr><td><code>lang:ru</code>, <code>lang:zh</code></td><td>articles in one language</td></tr>
<tr><td><code>alias:putin</code></td><td>every spelling of a name (Putin, Путин, 普京); <b>All spellings</b> does it for every name typed</td></tr>
<tr><td><code>date:2019</code>, <code>date:2018-09</code>, <code>date:[2018-09 TO 2019-01]</code>, <code>date:&gt;2018</code></td><td>dates</td></tr>
</table>
"""  # noqa: E501


class SearchBar(QWidget):
    """Emits ``searchRequested(query)`` after typing pauses (or at once on Enter)."""

    searchRequested = Signal(str)
    sortChanged = Signal(str)
    #: The "All spellings" toggle changed (checked or not).
    spellingsToggled = Signal(bool)
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
        self.filters_button.setToolTip(
            "Filter by source, tag, language, date, read state, highlights"
        )
        self.spellings_button = QToolButton(self)
        self.spellings_button.setObjectName("allSpellings")
        self.spellings_button.setText("All spellings")
        self.spellings_button.setCheckable(True)
        self.spellings_button.setAccessibleName("Search all spellings of names")
        self.spellings_button.setToolTip(
            "Also find the other spellings of the names you type, from the name table "
            "(Putin: Путин, 普京). Edit ▸ Name Spellings… shows and extends the table."
        )
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip("Search syntax")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.spellings_button)
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
        self.spellings_button.toggled.connect(self.spellingsToggled)
        self.help_button.clicked.connect(self.show_help)

    def query(self) -> str:
        return self.edit.text().strip()

    def sort_key(self) -> str:
        return str(self.sort.currentData())

    def all_spellings(self) -> bool:
        """Whether names typed are also searched in their other spellings."""
        return self.spellings_button.isChecked()

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
    """Source, tag, language, who or what is named, date range, read state and "has
    highlights" filters."""

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
        self.language = QComboBox(self)
        self.language.setObjectName("languageFilter")
        self.language.setToolTip("Language")
        self.language.setAccessibleName("Language")
        self.language.setMinimumContentsLength(12)
        self.named = QComboBox(self)
        self.named.setObjectName("namedFilter")
        self.named.setAccessibleName("Named in the article")
        self.named.setToolTip(
            "People, places and organisations named in the articles, with how many name "
            "each (the most named of each kind; any other: person:, place: or org: in "
            "the search)"
        )
        self.named.setMinimumContentsLength(16)
        self.date_from = date_edit(self, "from any date")
        self.date_to = date_edit(self, "to any date")
        self.read = QComboBox(self)
        for label, value in (("Read and unread", None), ("Unread", False), ("Read", True)):
            self.read.addItem(label, value)
        self.highlighted = QCheckBox("Has highlights", self)
        self.reset_button = QToolButton(self)
        self.reset_button.setText("Reset")
        for widget in (
            self.source,
            self.tag,
            self.language,
            self.named,
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
        for combo in (self.source, self.tag, self.language, self.named, self.read):
            combo.currentIndexChanged.connect(self._changed)
        self.date_from.dateChanged.connect(self._changed)
        self.date_to.dateChanged.connect(self._changed)
        self.highlighted.toggled.connect(self._changed)
        self.reset_button.clicked.connect(self.reset)

    def set_choices(
        self,
        sources: list[tuple[str, int]],
        tags: list[tuple[str, int]],
        languages: list[tuple[str, int]] | None = None,
        entities: Sequence[EntityCount] | None = None,
    ) -> None:
        """Fill the source, tag and language lists (keeping the current choice when still
        there). Languages are codes with counts (``Library.languages()``), shown by name:
        "Russian (12)". A choice whose last article went away falls back to "All",
        and the bar says that the filter changed."""
        lost = False
        for combo, everything, items in (
            (self.source, "All sources", [(f"{n} ({c})", n) for n, c in sources]),
            (self.tag, "All tags", [(f"{n} ({c})", n) for n, c in tags]),
            (self.language, "All languages", counted_languages(languages or [])),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for label, value in items:
                combo.addItem(label, value)
                if combo is self.language:
                    tip = language_tooltip(value)
                    combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
            lost = lost or index < 0
        lost = self._set_named(entities or []) or lost
        if lost:
            # The chosen source, tag or language has no articles left: the list must
            # not stay filtered by a choice the bar no longer shows.
            self._changed()

    def current(self) -> ArticleFilter:
        return ArticleFilter(
            source=self.source.currentData(),
            tag=self.tag.currentData(),
            language=self.language.currentData(),
            mentions=_entity_of(self.named.currentData()),
            date_from=date_value(self.date_from),
            date_to=date_value(self.date_to),
            read=self.read.currentData(),
            has_highlights=True if self.highlighted.isChecked() else None,
        )

    def reset(self) -> None:
        widgets = (self.source, self.tag, self.language, self.named, self.read,
                   self.date_from, self.date_to, self.highlighted)  # fmt: skip
        for widget in widgets:
            widget.blockSignals(True)
        self.source.setCurrentIndex(0)
        self.tag.setCurrentIndex(0)
        self.language.setCurrentIndex(0)
        self.named.setCurrentIndex(0)
        self.read.setCurrentIndex(0)
        self.date_from.setDate(self.date_from.minimumDate())
        self.date_to.setDate(self.date_to.minimumDate())
        self.highlighted.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self._changed()

    def _set_named(self, entities: Sequence[EntityCount]) -> bool:
        """Fill the list of who and what is named, by kind under a heading; whether the
        current choice was lost."""
        combo = self.named
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Anyone or anything named", None)
        model = combo.model()
        for kind, heading in _KIND_HEADINGS:
            chosen = [e for e in entities if e.kind == kind][:NAMED_PER_KIND]
            if not chosen:
                continue
            combo.addItem(heading, None)
            if isinstance(model, QStandardItemModel):
                item = model.item(combo.count() - 1)
                if item is not None:
                    item.setEnabled(False)  # a heading, not a choice
            font = combo.font()
            font.setBold(True)
            combo.setItemData(combo.count() - 1, font, Qt.ItemDataRole.FontRole)
            for entity in chosen:
                combo.addItem(f"   {entity.name} ({entity.articles})", f"{kind}:{entity.key}")
                combo.setItemData(combo.count() - 1, entity.query, Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)
        return index < 0

    def set_named(self, kind: str, key: str) -> bool:
        """List the articles naming this entity (when the list offers it)."""
        index = self.named.findData(f"{kind}:{key}")
        if index >= 0:
            self.named.setCurrentIndex(index)
        return index >= 0

    def set_date_range(self, first: date | None, last: date | None) -> None:
        """Filter by these days (None: any), as one change."""
        for edit, value in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day) if value else _NO_DATE)
            edit.blockSignals(False)
        self._changed()

    def date_range(self) -> tuple[date, date] | None:
        """The days the list is filtered by, when both ends are set."""
        first, last = date_value(self.date_from), date_value(self.date_to)
        if first is None and last is None:
            return None
        return (first or date.min, last or date.max)

    def _changed(self, *_args: object) -> None:
        self.filterChanged.emit(self.current())


_NO_DATE = QDate(1900, 1, 1)
#: Entities offered per kind in the filter (the most named).
NAMED_PER_KIND = 60
_KIND_HEADINGS = (("person", "People"), ("place", "Places"), ("organisation", "Organisations"))


def _entity_of(data: object) -> tuple[str, str] | None:
    if not isinstance(data, str) or ":" not in data:
        return None
    kind, key = data.split(":", 1)
    return (kind, key)


def date_edit(parent: QWidget, empty_text: str) -> QDateEdit:
    """A day, or none ("from any date"): the date filters of the list and the panels."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(empty_text)
    edit.setDate(_NO_DATE)
    return edit


def date_value(edit: QDateEdit) -> date | None:
    """The day of a :func:`date_edit`, None when it says "any"."""
    if edit.date() == edit.minimumDate():
        return None
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value
