"""The highlight panel: highlights of the open article or of the whole library, filtered
by colour, tag and text; orphans in a section of their own; edit, recolour, tag, delete
and export what is listed."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.annotations.model import COLORS, Highlight
from reader.core.library import Library
from reader.ui.models.highlights import (
    HighlightDelegate,
    HighlightFilterProxy,
    HighlightTableModel,
)
from reader.ui.palette import swatch

QUOTE_COLUMN = 1


def color_icon(name: str, size: int = 16) -> QIcon:
    """A round swatch with a darker rim, recognisable in light and dark toolbars."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(swatch(name))
    painter.setBrush(fill)
    painter.setPen(QPen(fill.darker(160), 1.5))
    painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    painter.end()
    return QIcon(pixmap)


class HighlightPanel(QWidget):
    activated = Signal(object)  # Highlight
    editNoteRequested = Signal(int)
    recolorRequested = Signal(list, str)
    tagsRequested = Signal(int)
    deleteRequested = Signal(list)
    exportRequested = Signal(list)
    reattachRequested = Signal(int)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._article_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        top = QHBoxLayout()
        self.heading = QLabel("<b>Highlights</b>", self)
        self.scope = QComboBox(self)
        self.scope.addItem("This article", "article")
        self.scope.addItem("Whole library", "library")
        self.scope.setToolTip("Show the highlights of the open article or of the library")
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.scope)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.color_filter = QComboBox(self)
        self.color_filter.addItem("All colours", None)
        for name in COLORS:
            self.color_filter.addItem(color_icon(name), name.capitalize(), name)
        self.tag_filter = QComboBox(self)
        self.tag_filter.addItem("All tags", None)
        self.text_filter = QLineEdit(self)
        self.text_filter.setPlaceholderText("Filter highlights")
        self.text_filter.setClearButtonEnabled(True)
        filters.addWidget(self.color_filter)
        filters.addWidget(self.tag_filter)
        layout.addLayout(filters)
        layout.addWidget(self.text_filter)

        self.model = HighlightTableModel(library, self)
        self.proxy = HighlightFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.set_section("placed")
        self.orphan_proxy = HighlightFilterProxy(self)
        self.orphan_proxy.setSourceModel(self.model)
        self.orphan_proxy.set_section("orphans")

        self.list = self._make_list(self.proxy)
        self.list.setObjectName("highlightList")
        layout.addWidget(self.list, 3)
        self.empty_label = QLabel(
            "No highlights yet.\nSelect text in the article and press 1–5\n"
            "(yellow, green, blue, pink, purple).",
            self,
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        layout.addWidget(self.empty_label)

        self.orphan_heading = QLabel(
            "<b>Orphaned highlights</b> — their passage is no longer in the article", self
        )
        self.orphan_heading.setWordWrap(True)
        self.orphan_list = self._make_list(self.orphan_proxy)
        self.orphan_list.setObjectName("orphanList")
        layout.addWidget(self.orphan_heading)
        layout.addWidget(self.orphan_list, 1)

        buttons = QHBoxLayout()
        self.note_button = QToolButton(self)
        self.note_button.setText("Note…")
        self.color_button = QToolButton(self)
        self.color_button.setText("Colour")
        self.color_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        color_menu = QMenu(self.color_button)
        for name in COLORS:
            action = color_menu.addAction(color_icon(name), name.capitalize())
            action.triggered.connect(lambda _c=False, n=name: self._recolor(n))
        self.color_button.setMenu(color_menu)
        self.tags_button = QToolButton(self)
        self.tags_button.setText("Tags…")
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete")
        self.export_button = QToolButton(self)
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Export the highlights listed here")
        for button in (self.note_button, self.color_button, self.tags_button, self.delete_button):
            buttons.addWidget(button)  # fmt: skip
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)

        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.color_filter.currentIndexChanged.connect(self._apply_filters)
        self.tag_filter.currentIndexChanged.connect(self._apply_filters)
        self.text_filter.textChanged.connect(self._apply_filters)
        self.note_button.clicked.connect(self._edit_note)
        self.tags_button.clicked.connect(self._edit_tags)
        self.delete_button.clicked.connect(self._delete)
        self.export_button.clicked.connect(lambda: self.exportRequested.emit(self.listed_ids()))
        self._update_buttons()
        self.refresh()

    # -- public -------------------------------------------------------------------------

    def set_article(self, article_id: int | None) -> None:
        self._article_id = article_id
        if self.scope.currentData() == "article":
            self.refresh()

    def set_scope(self, scope: str) -> None:
        index = self.scope.findData(scope)
        if index >= 0:
            self.scope.setCurrentIndex(index)

    def refresh(self) -> None:
        """Re-read the highlights (after any change), keeping filters and selection."""
        selected = self.selected_ids()
        if self.scope.currentData() == "library":
            self.model.set_scope(None)
        elif self._article_id is None:
            self.model.set_scope(-1)
        else:
            self.model.set_scope(self._article_id)
        self._refresh_tags()
        self._apply_filters()
        self._reselect(selected)

    def selected_ids(self) -> list[int]:
        ids: list[int] = []
        for view in (self.list, self.orphan_list):
            for index in view.selectionModel().selectedIndexes():
                highlight = index.data(HighlightTableModel.HighlightRole)
                if isinstance(highlight, Highlight) and highlight.id not in ids:
                    ids.append(highlight.id)
        return ids

    def listed_ids(self) -> list[int]:
        ids = []
        for proxy in (self.proxy, self.orphan_proxy):
            for row in range(proxy.rowCount()):
                highlight = proxy.index(row, QUOTE_COLUMN).data(HighlightTableModel.HighlightRole)
                if isinstance(highlight, Highlight):
                    ids.append(highlight.id)
        return ids

    def select_highlight(self, highlight_id: int) -> None:
        self._reselect([highlight_id])

    # -- internals ----------------------------------------------------------------------

    def _make_list(self, proxy: HighlightFilterProxy) -> QListView:
        view = QListView(self)
        view.setModel(proxy)
        view.setModelColumn(QUOTE_COLUMN)
        view.setItemDelegate(HighlightDelegate(view))
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setUniformItemSizes(False)
        view.setWordWrap(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos, v=view: self._context_menu(v, pos))
        view.activated.connect(self._activate)
        view.clicked.connect(self._activate)
        view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        return view

    def _activate(self, index: QModelIndex) -> None:
        highlight = index.data(HighlightTableModel.HighlightRole)
        if isinstance(highlight, Highlight):
            self.activated.emit(highlight)

    def _apply_filters(self, *_args: object) -> None:
        for proxy in (self.proxy, self.orphan_proxy):
            proxy.set_color(self.color_filter.currentData())
            proxy.set_tag(self.tag_filter.currentData())
            proxy.set_text(self.text_filter.text())
        placed = self.proxy.rowCount()
        orphans = self.orphan_proxy.rowCount()
        total = self.model.rowCount()
        self.empty_label.setVisible(total == 0)
        if total == 0 and self.scope.currentData() == "article" and self._article_id is None:
            self.empty_label.setText("Open an article to see its highlights.")
        elif total == 0:
            self.empty_label.setText(
                "No highlights yet.\nSelect text in the article and press 1–5\n"
                "(yellow, green, blue, pink, purple)."
            )
        self.list.setVisible(total > 0)
        self.orphan_heading.setVisible(orphans > 0)
        self.orphan_list.setVisible(orphans > 0)
        shown = placed + orphans
        suffix = f" ({shown} of {total})" if shown != total else f" ({total})" if total else ""
        self.heading.setText(f"<b>Highlights</b>{suffix}")
        self._update_buttons()

    def _refresh_tags(self) -> None:
        current = self.tag_filter.currentData()
        tags = sorted(
            {t for row in range(self.model.rowCount()) for t in self.model.highlight(row).tags},
            key=str.lower,
        )
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for tag in tags:
            self.tag_filter.addItem(f"#{tag}", tag)
        index = self.tag_filter.findData(current) if current else 0
        self.tag_filter.setCurrentIndex(max(0, index))
        self.tag_filter.blockSignals(False)

    def _reselect(self, ids: list[int]) -> None:
        wanted = set(ids)
        for view, proxy in ((self.list, self.proxy), (self.orphan_list, self.orphan_proxy)):
            selection = view.selectionModel()
            selection.clearSelection()
            for row in range(proxy.rowCount()):
                index = proxy.index(row, QUOTE_COLUMN)
                highlight = index.data(HighlightTableModel.HighlightRole)
                if isinstance(highlight, Highlight) and highlight.id in wanted:
                    selection.select(index, selection.SelectionFlag.Select)
                    view.scrollTo(index)

    def _update_buttons(self) -> None:
        selected = self.selected_ids()
        for button in (self.color_button, self.delete_button):
            button.setEnabled(bool(selected))
        for button in (self.note_button, self.tags_button):
            button.setEnabled(len(selected) == 1)
        self.export_button.setEnabled(bool(self.listed_ids()))

    def _edit_note(self) -> None:
        selected = self.selected_ids()
        if len(selected) == 1:
            self.editNoteRequested.emit(selected[0])

    def _edit_tags(self) -> None:
        selected = self.selected_ids()
        if len(selected) == 1:
            self.tagsRequested.emit(selected[0])

    def _recolor(self, name: str) -> None:
        selected = self.selected_ids()
        if selected:
            self.recolorRequested.emit(selected, name)

    def _delete(self) -> None:
        selected = self.selected_ids()
        if selected:
            self.deleteRequested.emit(selected)

    def _context_menu(self, view: QListView, pos: QPoint) -> None:
        menu = self.build_context_menu(view, pos)
        if menu is not None:
            menu.exec(view.viewport().mapToGlobal(pos))

    def build_context_menu(self, view: QListView, pos: QPoint) -> QMenu | None:
        index = view.indexAt(pos)
        if not index.isValid():
            return None
        if not view.selectionModel().isSelected(index):
            view.setCurrentIndex(index)
        highlight = index.data(HighlightTableModel.HighlightRole)
        menu = QMenu(view)
        open_action = menu.addAction("Open in article")
        open_action.setEnabled(isinstance(highlight, Highlight) and not highlight.is_orphan)
        open_action.triggered.connect(lambda: self._activate(index))
        menu.addSeparator()
        menu.addAction("Edit note…").triggered.connect(self._edit_note)
        colors = menu.addMenu("Colour")
        for name in COLORS:
            action = QAction(color_icon(name), name.capitalize(), colors)
            action.triggered.connect(lambda _c=False, n=name: self._recolor(n))
            colors.addAction(action)
        menu.addAction("Tags…").triggered.connect(self._edit_tags)
        if isinstance(highlight, Highlight) and highlight.is_orphan:
            menu.addAction("Re-attach to the open article").triggered.connect(
                lambda: self.reattachRequested.emit(highlight.id)
            )
        menu.addSeparator()
        menu.addAction("Delete").triggered.connect(self._delete)
        return menu
