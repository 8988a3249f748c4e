"""The main window: article list (left), reader (centre), highlight panel (right), with
the search bar on top. Everything goes through the core's Library facade."""

from __future__ import annotations

import contextlib
import dataclasses
import html
import re
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader.core.analysis import Timeline
from reader.core.annotations.model import COLORS
from reader.core.errors import CoverageReaderError
from reader.core.library import ImportProgress, ImportReport, Library
from reader.core.models import ArticleFilter, SearchHit, SearchPage
from reader.ui.aliases_dialog import AliasDialog
from reader.ui.app import APP_NAME, app_icon, apply_ui_theme, system_prefers_dark
from reader.ui.article_delegate import SearchResultDelegate
from reader.ui.compare_dialog import CompareDialog
from reader.ui.dialogs import (
    AboutDialog,
    ImportDialog,
    ImportSummaryDialog,
    LanguageDialog,
    MetadataDialog,
    NoteDialog,
    TagsDialog,
    ask_delete_article,
)
from reader.ui.find_bar import FindBar
from reader.ui.highlight_panel import HighlightPanel, color_icon
from reader.ui.languages import language_name
from reader.ui.models.articles import ArticleTableModel
from reader.ui.models.statements import StatementRow
from reader.ui.palette import THEMES
from reader.ui.reader_view import WEB_SCHEMES, ReaderView, is_web_url
from reader.ui.search_bar import FilterBar, SearchBar
from reader.ui.statements_view import StatementsPanel
from reader.ui.timeline_view import TimelinePanel
from reader.ui.workers import ImportJob, IndexRebuildJob, LatestRunner, SearchRunner

#: How many search results are fetched (the list then loads them lazily).
SEARCH_LIMIT = 1000
#: While an import runs, the list shows new articles this often.
LIST_REFRESH_S = 2.0
#: After start-up settles, the index may merge segments in the background.
MAINTENANCE_DELAY_MS = 10_000
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)

EMPTY_LIBRARY = (
    "Your library is empty.\n\nImport articles with File ▸ Import Files… (Ctrl+O),\n"
    "or drop files and folders onto this window."
)


class DropArea(QWidget):
    """The window's content: files and folders dropped anywhere on it are imported."""

    pathsDropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    @staticmethod
    def _paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._paths(event)
        if paths:
            event.acceptProposedAction()
            self.pathsDropped.emit(paths)
        else:
            event.ignore()


class MainWindow(QMainWindow):
    def __init__(
        self, library: Library, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.resize(1400, 860)
        self._current_id: int | None = None
        self._search_page: SearchPage | None = None
        self._pending_scroll: tuple[int, int] | None = None
        self._import_job: ImportJob | None = None
        self._import_dialog: ImportDialog | None = None
        self._last_list_refresh = 0.0
        #: The summary of the last import (a dialog), for the user and for tests.
        self.import_summary: ImportSummaryDialog | None = None

        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self._restore_settings()
        self.refresh_filters()
        self._update_list_header()
        self._update_undo_actions()
        self._update_article_actions()  # nothing to act on until an article is open
        for notice in library.notices:
            self.statusBar().showMessage(notice, 15_000)
        self._index_job: IndexRebuildJob | None = None
        self._index_rebuild_failed = False
        if library.needs_rebuild is not None:
            self.start_index_rebuild()
        else:
            QTimer.singleShot(MAINTENANCE_DELAY_MS, self, self.library.start_index_maintenance)

    # -- building --------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.search_bar = SearchBar(self)
        self.filter_bar = FilterBar(self)
        self.filter_bar.hide()

        # Left: the article list.
        self.article_model = ArticleTableModel(self.library, self)
        self.article_view = QTableView(self)
        self.article_view.setObjectName("articleList")
        self.article_view.setModel(self.article_model)
        self.article_view.setSortingEnabled(True)
        self.article_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.article_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.article_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.article_view.verticalHeader().hide()
        self.article_view.verticalHeader().setDefaultSectionSize(
            self.article_view.fontMetrics().height() + 10
        )
        self.article_view.setShowGrid(False)
        self.article_view.setAlternatingRowColors(True)
        self.article_view.setWordWrap(False)
        self.article_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.article_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.result_delegate = SearchResultDelegate(self.article_view)
        self.article_view.setItemDelegateForColumn(0, self.result_delegate)
        self._plain_row_height = self.article_view.verticalHeader().defaultSectionSize()
        header = self.article_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        language = ArticleTableModel.LANGUAGE
        header.setSectionResizeMode(language, QHeaderView.ResizeMode.ResizeToContents)
        # Shown after the source (the model keeps it last, so column numbers stay put).
        header.moveSection(header.visualIndex(language), ArticleTableModel.SOURCE + 1)
        header.resizeSection(1, 120)
        header.setHighlightSections(False)

        self.list_header = QLabel(self)
        self.list_header.setObjectName("listHeader")
        self.list_header.setWordWrap(True)
        self.suggestion_label = QLabel(self)
        self.suggestion_label.setObjectName("suggestion")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion_label.hide()
        self.list_empty = QLabel(EMPTY_LIBRARY, self)
        self.list_empty.setObjectName("listEmpty")
        self.list_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_empty.setWordWrap(True)
        self.list_empty.setEnabled(False)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.article_view)
        self.list_stack.addWidget(self.list_empty)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.list_header)
        left_layout.addWidget(self.suggestion_label)
        left_layout.addWidget(self.list_stack, 1)

        # Centre: the reader and its find bar.
        self.reader = ReaderView(self)
        self.reader.setObjectName("reader")
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        centre = QWidget(self)
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.reader, 1)
        centre_layout.addWidget(self.find_bar)

        # Right: highlights.
        self.highlight_panel = HighlightPanel(self.library, self)
        self.highlight_panel.setObjectName("highlightPanel")

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.highlight_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([600, 520, 280])
        self.splitter.setChildrenCollapsible(False)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(6, 6, 6, 0)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_bar, 1)
        top_layout.addLayout(search_row)
        top_layout.addWidget(self.filter_bar)

        central = DropArea(self)
        central.setObjectName("dropArea")
        central.pathsDropped.connect(self.start_import)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.timeline_panel = TimelinePanel(self)
        self.timeline_dock = QDockWidget("Timeline", self)
        self.timeline_dock.setObjectName("timelineDock")
        self.timeline_dock.setWidget(self.timeline_panel)
        self.timeline_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline_dock)
        self.timeline_dock.hide()
        self._timeline_stale = True

        self.statements_panel = StatementsPanel(self)
        self.statements_dock = QDockWidget("Statements", self)
        self.statements_dock.setObjectName("statementsDock")
        self.statements_dock.setWidget(self.statements_panel)
        self.statements_dock.setFeatures(self.timeline_dock.features())
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.statements_dock)
        self.statements_dock.hide()
        self._statements_stale = True
        self.statements_runner = LatestRunner(self)

        self.search_runner = SearchRunner(self.library, self)
        self.timeline_runner = LatestRunner(self)
        self._list_timer = QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.timeout.connect(self._refresh_list_during_import)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence.StandardKey | str | Sequence[str] | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif isinstance(shortcut, str):
            action.setShortcut(QKeySequence(shortcut))
        elif shortcut is not None:
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_import = self._action(
            "&Import Files…", self.import_files, K.Open, "Import articles from files"
        )
        self.act_import_folder = self._action(
            "Import &Folder…", self.import_folder, "Ctrl+Shift+O", "Import a whole folder"
        )
        self.act_export = self._action(
            "&Export Highlights…", self.export_listed_highlights, "Ctrl+E",
            "Export the highlights in the panel",
        )  # fmt: skip
        self.act_quit = self._action("&Quit", self.close, K.Quit)
        self.act_undo = self._action("&Undo", self.undo, K.Undo)
        self.act_redo = self._action("&Redo", self.redo, K.Redo)
        self.act_find = self._action("&Find in Article…", self.open_find, K.Find)
        self.act_find_next = self._action("Find &Next", self.find_bar.find_next, K.FindNext)
        self.act_find_previous = self._action(
            "Find &Previous", self.find_bar.find_previous, K.FindPrevious
        )
        self.act_search = self._action("&Search", self.search_bar.focus, ["Ctrl+K", "Ctrl+L"])
        self.act_next = self._action("&Next Article", self.next_article, ["J", "Alt+Down"])
        self.act_previous = self._action(
            "&Previous Article", self.previous_article, ["K", "Alt+Up"]
        )
        self.act_toggle_read = self._action("Mark &Read / Unread", self.toggle_read, "M")
        self.act_tags = self._action("&Tags…", self.edit_article_tags, "Ctrl+T")
        self.act_metadata = self._action("Edit &Details…", self.edit_metadata, "Ctrl+I")
        self.act_language = self._action(
            "&Language…", self.edit_language, tip="Correct the article's language"
        )
        self.act_similar = self._action("&Similar Articles", self.show_similar, "Ctrl+Shift+S")
        self.act_story = self._action(
            "Same S&tory", self.show_story, "Ctrl+Shift+Y",
            tip="List the articles telling the same story (copies and write-ups of one event)",
        )  # fmt: skip
        self.act_compare = self._action(
            "&Compare With Same Story…", self.compare_story, "Ctrl+Shift+C",
            tip="This article beside another of its story, the passages only one has marked",
        )  # fmt: skip
        self.act_delete = self._action("&Delete Article…", self.delete_article)
        self.act_delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.article_view.addAction(self.act_delete)
        self.act_zoom_in = self._action("Zoom &In", self.reader.zoom_in, K.ZoomIn)
        self.act_zoom_out = self._action("Zoom &Out", self.reader.zoom_out, K.ZoomOut)
        self.act_zoom_reset = self._action("&Actual Size", self.reader.reset_zoom, "Ctrl+0")
        self.act_about = self._action("&About Coverage Reader", self.show_about)
        self.act_syntax = self._action("Search &Syntax", self.search_bar.show_help, "F1")
        self.act_spellings = self._action(
            "Name S&pellings…", self.show_name_spellings,
            tip="The names that mean the same person, place or organisation",
        )  # fmt: skip
        self.act_next_theme = self._action("Next &Theme", self.next_theme, "Ctrl+Shift+T")
        self.act_filters = self._action("Show &Filters", self._toggle_filters, "Ctrl+Shift+F")
        self.act_filters.setCheckable(True)
        self.act_timeline = self._action(
            "Show T&imeline", self._toggle_timeline, "Ctrl+Shift+L",
            "Articles over time; click or drag to list a period",
        )  # fmt: skip
        self.act_timeline.setCheckable(True)
        self.act_statements = self._action(
            "Show Stat&ements", self._toggle_statements, "Ctrl+Shift+A",
            "Who said what: attributed statements; Enter opens one in the reader",
        )  # fmt: skip
        self.act_statements.setCheckable(True)
        self.act_panel = self._action("Show &Highlights Panel", self._toggle_panel, "Ctrl+H")
        self.act_panel.setCheckable(True)
        self.act_panel.setChecked(True)

        self.color_actions: list[QAction] = []
        for number, name in enumerate(COLORS, start=1):
            action = self._action(
                f"Highlight {name.capitalize()}",
                lambda _c=False, n=name: self.create_highlight(n),
                f"Ctrl+{number}",
                f"Highlight the selected text in {name} (or press {number} in the article)",
            )
            action.setIcon(color_icon(name))
            self.color_actions.append(action)
        self.act_highlight_note = self._action(
            "Highlight with &Note…", self.create_highlight_with_note, "Ctrl+Shift+N"
        )

        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for key, label in (("system", "Follow the System"), *((t, t.capitalize())
                                                              for t in THEMES)):  # fmt: skip
            action = QAction(label, self)
            action.setCheckable(True)
            action.triggered.connect(lambda _c=False, k=key: self.set_theme(k))
            self.theme_group.addAction(action)
            self.theme_actions[key] = action
        self.font_group = QActionGroup(self)
        self.font_actions: dict[str, QAction] = {}
        for key, label in (("serif", "Serif"), ("sans", "Sans Serif")):
            action = QAction(label, self)
            action.setCheckable(True)
            action.triggered.connect(lambda _c=False, k=key: self.set_font_family(k))
            self.font_group.addAction(action)
            self.font_actions[key] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_import, self.act_import_folder])
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)

        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_search, self.act_spellings, self.act_find,
                         self.act_find_next, self.act_find_previous])  # fmt: skip
        edit.addSeparator()
        highlight = edit.addMenu("&Highlight Selection")
        highlight.addActions(self.color_actions)
        highlight.addSeparator()
        highlight.addAction(self.act_highlight_note)

        view = bar.addMenu("&View")
        view.addActions([self.act_next, self.act_previous])
        view.addSeparator()
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset])
        theme_menu = view.addMenu("&Theme")
        theme_menu.addActions(list(self.theme_actions.values()))
        theme_menu.addSeparator()
        theme_menu.addAction(self.act_next_theme)
        font_menu = view.addMenu("&Font")
        font_menu.addActions(list(self.font_actions.values()))
        view.addSeparator()
        view.addActions([self.act_filters, self.act_panel, self.act_timeline,
                         self.act_statements])  # fmt: skip

        article = bar.addMenu("&Article")
        article.addActions([self.act_toggle_read, self.act_tags, self.act_metadata,
                            self.act_language, self.act_similar, self.act_story,
                            self.act_compare])  # fmt: skip
        article.addSeparator()
        article.addAction(self.act_delete)

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_syntax, self.act_about])

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = self.style()
        SP = QStyle.StandardPixmap
        for action, pixmap in (
            (self.act_import, SP.SP_DialogOpenButton),
            (self.act_previous, SP.SP_ArrowUp),
            (self.act_next, SP.SP_ArrowDown),
            (self.act_toggle_read, SP.SP_DialogApplyButton),
            (self.act_undo, SP.SP_ArrowBack),
            (self.act_redo, SP.SP_ArrowForward),
        ):
            action.setIcon(style.standardIcon(pixmap))
        toolbar.addAction(self.act_import)
        toolbar.addSeparator()
        toolbar.addActions([self.act_previous, self.act_next, self.act_toggle_read])
        toolbar.addSeparator()
        for action in self.color_actions:
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setProperty("toolButtonStyle", Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.addSeparator()
        toolbar.addActions([self.act_undo, self.act_redo])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _connect(self) -> None:
        self.article_view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.article_view.customContextMenuRequested.connect(self._article_context_menu)
        self.article_model.modelReset.connect(self._update_list_header)
        self.search_bar.searchRequested.connect(self.run_search)
        self.search_bar.sortChanged.connect(lambda _s: self.run_search(self.search_bar.query()))
        self.search_bar.filtersToggled.connect(self._set_filters_visible)
        self.search_bar.spellingsToggled.connect(self._on_spellings_toggled)
        self.timeline_dock.visibilityChanged.connect(self._on_timeline_visibility)
        self.timeline_panel.optionsChanged.connect(self.refresh_timeline)
        self.timeline_panel.rangeChosen.connect(self._on_timeline_range)
        self.timeline_panel.rangeCleared.connect(lambda: self.filter_bar.set_date_range(None, None))
        self.filter_bar.filterChanged.connect(self._on_filter_changed)
        self.suggestion_label.linkActivated.connect(
            lambda text: self.search_bar.set_query(QUrl.fromPercentEncoding(text.encode()))
        )
        self.search_runner.results.connect(self._on_search_results)
        self.search_runner.error.connect(self._on_search_error)
        self.timeline_runner.finished.connect(self._on_timeline)
        self.statements_dock.visibilityChanged.connect(self._on_statements_visibility)
        self.statements_runner.finished.connect(self._on_statements)
        self.statements_runner.error.connect(
            lambda _n, message: self.statements_panel.summary.setText(f"Cannot list: {message}")
        )
        self.statements_panel.statementActivated.connect(self.open_statement)
        self.timeline_runner.error.connect(self._on_timeline_error)

        self.reader.highlightRequested.connect(self.create_highlight)
        self.reader.highlightWithNoteRequested.connect(self.create_highlight_with_note)
        self.reader.recolorRequested.connect(lambda hid, c: self.recolor([hid], c))
        self.reader.editNoteRequested.connect(self.edit_note)
        self.reader.deleteRequested.connect(lambda hid: self.delete_highlights([hid]))
        self.reader.highlightActivated.connect(self.highlight_panel.select_highlight)
        self.reader.openLinkRequested.connect(self.open_link)
        self.reader.selectionRangeChanged.connect(self._on_selection_range)
        self.reader.fontSizeChanged.connect(
            lambda size: self.settings.setValue("reader/size", size)
        )
        self.find_bar.findRequested.connect(self._find)
        self.find_bar.closed.connect(self.reader.clear_find)

        self.highlight_panel.activated.connect(self.jump_to_highlight)
        self.highlight_panel.editNoteRequested.connect(self.edit_note)
        self.highlight_panel.recolorRequested.connect(self.recolor)
        self.highlight_panel.tagsRequested.connect(self.edit_highlight_tags)
        self.highlight_panel.deleteRequested.connect(self.delete_highlights)
        self.highlight_panel.exportRequested.connect(self.export_highlights)
        self.highlight_panel.reattachRequested.connect(self.reattach)
        self.highlight_panel.scope.currentIndexChanged.connect(
            lambda _i: self.settings.setValue(
                "panel/scope", self.highlight_panel.scope.currentData()
            )
        )
        QApplication.styleHints().colorSchemeChanged.connect(lambda _s: self._apply_theme())
        self._on_selection_range(-1, -1)

    # -- settings --------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        sizes = s.value("window/splitter")
        if isinstance(sizes, QByteArray):
            self.splitter.restoreState(sizes)
        theme = str(s.value("reader/theme", "system"))
        self.theme_actions.get(theme, self.theme_actions["system"]).setChecked(True)
        font = str(s.value("reader/font", "serif"))
        self.font_actions.get(font, self.font_actions["serif"]).setChecked(True)
        self._apply_theme()
        scope = str(s.value("panel/scope", "article"))
        self.highlight_panel.set_scope(scope)
        spellings = s.value("search/all_spellings", False, type=bool)
        self.search_bar.spellings_button.setChecked(bool(spellings))
        panel_visible = s.value("panel/visible", True, type=bool)
        self.act_panel.setChecked(bool(panel_visible))
        self.highlight_panel.setVisible(bool(panel_visible))
        last = s.value("reader/article")
        if last is not None:
            try:
                self.open_article(int(str(last)), select=True)
            except (ValueError, CoverageReaderError):
                self.settings.remove("reader/article")

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("reader/theme", self.theme())
        s.setValue("reader/font", self.font_family())
        s.setValue("panel/visible", self.act_panel.isChecked())
        if self._current_id is not None:
            s.setValue("reader/article", self._current_id)
        else:
            s.remove("reader/article")
        s.sync()

    def theme(self) -> str:
        for key, action in self.theme_actions.items():
            if action.isChecked():
                return key
        return "system"

    def effective_theme(self) -> str:
        theme = self.theme()
        if theme == "system":
            return "dark" if system_prefers_dark() else "light"
        return theme

    def font_family(self) -> str:
        for key, action in self.font_actions.items():
            if action.isChecked():
                return key
        return "serif"

    def set_theme(self, theme: str) -> None:
        self.theme_actions.get(theme, self.theme_actions["system"]).setChecked(True)
        self.settings.setValue("reader/theme", theme)
        self._apply_theme()

    def next_theme(self) -> None:
        order = ["system", *THEMES]
        self.set_theme(order[(order.index(self.theme()) + 1) % len(order)])

    def set_font_family(self, family: str) -> None:
        self.font_actions[family].setChecked(True)
        self.settings.setValue("reader/font", family)
        self._apply_theme()

    def _apply_theme(self) -> None:
        effective = self.effective_theme()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_ui_theme(app, effective)
        size = float(str(self.settings.value("reader/size", 13.0)))
        self.reader.set_appearance(effective, self.font_family(), size)

    # -- the article list ------------------------------------------------------------

    def refresh_filters(self) -> None:
        self.filter_bar.set_choices(
            self.library.sources(),
            self.library.tags(),
            self.library.languages(),
            self.library.entities(),
        )
        # What the library holds changed (an import, an edit, a deletion, an undo): the
        # statements too.
        self.refresh_statements()

    def refresh_list(self) -> None:
        self.article_model.refresh()
        self._reselect_current()
        self._update_list_header()
        self.refresh_timeline()
        self.refresh_statements()

    # -- statements ------------------------------------------------------------------

    def _toggle_statements(self) -> None:
        self.statements_dock.setVisible(self.act_statements.isChecked())

    def _on_statements_visibility(self, visible: bool) -> None:
        self.act_statements.setChecked(visible)
        if visible and self._statements_stale:
            self.refresh_statements()

    def refresh_statements(self) -> None:
        """List every statement with its article's title, on a worker thread."""
        if not self.statements_dock.isVisible():
            self._statements_stale = True
            return
        self._statements_stale = False
        library = self.library

        def work() -> tuple[list[StatementRow], list[tuple[str, int]]]:
            found = library.statements()
            ids = sorted({st.article_id for st in found})
            titles = {s.id: s.title for s in library.summaries(ids)}
            rows = [StatementRow(st, titles.get(st.article_id, "")) for st in found]
            return rows, library.speakers()

        self.statements_runner.run_latest(work)

    def _on_statements(
        self, _number: int, result: tuple[list[StatementRow], list[tuple[str, int]]]
    ) -> None:
        self.statements_panel.set_statements(*result)

    def open_statement(self, statement: object) -> None:
        """Open a statement's article, select its words and scroll them into view."""
        from reader.core.library import ArticleStatement

        if not isinstance(statement, ArticleStatement):
            return
        if statement.article_id != self._current_id:
            try:
                self.open_article(statement.article_id, select=True)
            except CoverageReaderError as exc:
                self.statusBar().showMessage(str(exc), 5000)
                return
        self.reader.show_span(statement.start, statement.end)

    # -- the timeline ------------------------------------------------------------------

    def _toggle_timeline(self) -> None:
        self.timeline_dock.setVisible(self.act_timeline.isChecked())

    def _on_timeline_visibility(self, visible: bool) -> None:
        self.act_timeline.setChecked(visible)
        if visible and self._timeline_stale:
            self.refresh_timeline()

    def refresh_timeline(self) -> None:
        """Count the articles the list could show (the search and the filters, but not
        the filter's dates: the timeline shows them shaded) per period — on a worker
        thread, the newest request only (imports and typing ask often)."""
        if not self.timeline_dock.isVisible():
            self._timeline_stale = True
            return
        self._timeline_stale = False
        self.timeline_panel.set_chosen(self.filter_bar.date_range())  # at once: it is cheap
        flt = dataclasses.replace(self.filter_bar.current(), date_from=None, date_to=None)
        query = self.search_bar.query() or None
        panel, library = self.timeline_panel, self.library
        by, step, all_spellings = panel.by(), panel.step_choice(), self.search_bar.all_spellings()

        def work() -> tuple[Timeline, str | None]:
            where = None if flt.is_empty else flt
            found = library.timeline(
                by=by, query=query, step=step, where=where, all_spellings=all_spellings
            )
            return found, query

        self.timeline_runner.run_latest(work)

    def _on_timeline(self, _number: int, result: tuple[Timeline, str | None]) -> None:
        timeline, query = result
        self.timeline_panel.set_timeline(timeline, searching=query)

    def _on_timeline_error(self, _number: int, message: str) -> None:
        self.timeline_panel.chart.set_timeline(None)
        self.timeline_panel.summary.setText(f"Cannot draw the timeline: {message}")

    def _on_timeline_range(self, first: date, last: date) -> None:
        self.filter_bar.set_date_range(first, last)
        self._set_filters_visible(True)

    def _reselect_current(self) -> None:
        if self._current_id is None:
            return
        row = self.article_model.row_of(self._current_id)
        if row is None:
            return
        selection = self.article_view.selectionModel()
        selection.blockSignals(True)
        index = self.article_model.index(row, 0)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        selection.blockSignals(False)

    def _update_list_header(self) -> None:
        self.suggestion_label.hide()
        total = self.article_model.total()
        filtered = not self.filter_bar.current().is_empty
        if self._search_page is not None:
            page = self._search_page
            query = html.escape(page.query)
            count = f"{total:,}" if page.total_is_exact else f"about {total:,}"
            text = f"<b>{count} result{'s' if total != 1 else ''}</b> for “{query}”"
            if filtered:
                text += " (filtered)"
            for notice in page.notices:
                text += f"<br><small>{html.escape(notice)}</small>"
            self.list_header.setText(text)
            if page.suggestion:
                encoded = bytes(QUrl.toPercentEncoding(page.suggestion).data()).decode()
                self.suggestion_label.setText(
                    f"Did you mean <a href='{encoded}'>{html.escape(page.suggestion)}</a>?"
                )
                self.suggestion_label.show()
            self.list_empty.setText(f"No results for “{page.query}”.")
        else:
            everything = self.library.article_count()
            if filtered:
                self.list_header.setText(
                    f"<b>{total:,}</b> of {everything:,} article{'s' if everything != 1 else ''}"
                )
                self.list_empty.setText("No articles match the filters.")
            else:
                self.list_header.setText(
                    f"<b>{everything:,}</b> article{'s' if everything != 1 else ''}"
                )
                self.list_empty.setText(EMPTY_LIBRARY)
        self.list_stack.setCurrentIndex(0 if self.article_model.rowCount() else 1)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        article_id = self.article_model.article_id(current.row())
        if article_id != self._current_id:
            self.open_article(article_id)

    def open_article(self, article_id: int, *, select: bool = False) -> None:
        article = self.library.get_article(article_id)
        self._current_id = article_id
        self.reader.show_article(article, self.library.highlights(article_id))
        terms = self._hit_terms(article_id)
        if terms:
            self.reader.set_search_terms(terms)
        self.highlight_panel.set_article(article_id)
        if self.find_bar.isVisible() and self.find_bar.edit.text():
            self._find(self.find_bar.edit.text(), False)
        if not article.is_read:
            self.library.set_read(article_id, True)
            self.article_model.update_articles([article_id])
        if select:
            self._reselect_current()
        self._update_article_actions()
        if self._pending_scroll is not None:
            start, end = self._pending_scroll
            self._pending_scroll = None
            self.reader.scroll_to_offset(start, end, flash=True)

    def _hit_terms(self, article_id: int) -> list[str]:
        if self._search_page is None:
            return []
        for hit in self._search_page.hits:
            if hit.article_id == article_id:
                words: dict[str, None] = {}
                for marked in _MARK.findall(hit.snippet):
                    for word in html.unescape(marked).split():
                        words.setdefault(word.lower(), None)
                return list(words)
        return []

    def current_article_id(self) -> int | None:
        return self._current_id

    def open_link(self, url: QUrl) -> bool:
        """Open an article's web address (clicked in the reader) in the system browser.

        Checked again here: only plain http and https addresses are ever opened."""
        if not is_web_url(url):
            if url.scheme().lower() in WEB_SCHEMES:
                why = "the address has no host, or names a user and password"
            else:
                why = f"only web addresses ({' and '.join(sorted(WEB_SCHEMES))}) are opened"
            self.statusBar().showMessage(f"Not opened: {why}.", 8000)
            return False
        if not QDesktopServices.openUrl(url):
            self.statusBar().showMessage("Could not open the address: no web browser found.", 8000)
            return False
        self.statusBar().showMessage(f"Opened {url.host()} in your web browser.", 4000)
        return True

    def next_article(self) -> None:
        self._step(1)

    def previous_article(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        model = self.article_model
        current = self.article_view.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        if row >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        if 0 <= row < model.rowCount():
            index = model.index(row, 0)
            self.article_view.setCurrentIndex(index)
            self.article_view.scrollTo(index)

    def toggle_read(self) -> None:
        if self._current_id is None:
            return
        article = self.library.get_article(self._current_id)
        self.library.set_read(article.id, not article.is_read)
        self.article_model.update_articles([article.id])
        state = "unread" if article.is_read else "read"
        self.statusBar().showMessage(f"Marked “{article.title}” as {state}", 4000)

    def _selected_or_current(self) -> int | None:
        return self._current_id

    def edit_article_tags(self) -> None:
        article_id = self._selected_or_current()
        if article_id is None:
            return
        article = self.library.get_article(article_id)
        dialog = TagsDialog(article.tags, [t for t, _ in self.library.tags()], self)
        if dialog.exec():
            self.library.set_tags(article_id, dialog.tags())
            self.article_model.update_articles([article_id])
            self.refresh_filters()

    def edit_metadata(self) -> None:
        article_id = self._selected_or_current()
        if article_id is None:
            return
        dialog = MetadataDialog(self.library.get_article(article_id), self)
        if not dialog.exec():
            return
        changes = dialog.changes()
        if not changes:
            return
        try:
            self.library.update_metadata(article_id, **changes)  # type: ignore[arg-type]
        except CoverageReaderError as exc:
            QMessageBox.warning(self, "Edit article details", str(exc))
            return
        self.article_model.update_articles([article_id])
        self.refresh_filters()
        self.open_article(article_id)

    def edit_language(self) -> None:
        """Correct the article's language by hand (or give it back to detection)."""
        article_id = self._selected_or_current()
        if article_id is None:
            return
        article = self.library.get_article(article_id)
        present = [code for code, _count in self.library.languages()]
        dialog = LanguageDialog(article, present, self)
        if not dialog.exec():
            return
        try:
            self.library.set_language(article_id, dialog.choice())
        except CoverageReaderError as exc:
            QMessageBox.warning(self, "Article language", str(exc))
            return
        self.article_model.update_articles([article_id])
        before = self.filter_bar.current()
        self.refresh_filters()  # says so itself when the chosen language has gone
        if before.language is not None and self.filter_bar.current() == before:
            # The article may have left (or joined) the languages the list shows.
            self._on_filter_changed(before)
        found = language_name(self.library.get_article(article_id).language) or "not known"
        how = "detected from the text" if dialog.choice() is None else "set"
        self.statusBar().showMessage(f"Language of “{article.title}” {how}: {found}", 6000)

    def show_similar(self) -> None:
        article_id = self._selected_or_current()
        if article_id is None:
            return
        article = self.library.get_article(article_id)
        similar = self.library.more_like_this(article_id, limit=50)
        hits = tuple(SearchHit(i, score, "") for i, score in similar)
        page = SearchPage(query=f"similar to {article.title}", hits=hits, total=len(hits))
        self.search_bar.edit.blockSignals(True)
        self.search_bar.edit.clear()
        self.search_bar.edit.blockSignals(False)
        self._show_results(page)

    def show_story(self) -> None:
        """List the articles telling the same story as this one, the closest first."""
        article_id = self._selected_or_current()
        if article_id is None:
            return
        article = self.library.get_article(article_id)
        story = self.library.story_of(article_id)
        scores = {article_id: 1.0}
        for link in story.links if story is not None else ():
            for one, other in ((link.a, link.b), (link.b, link.a)):
                if one == article_id:
                    scores[other] = max(scores.get(other, 0.0), link.similarity)
        members = story.article_ids if story is not None else (article_id,)
        hits = tuple(
            SearchHit(i, scores.get(i, 0.0), "")
            for i in sorted(members, key=lambda i: (-scores.get(i, 0.0), i))
        )
        page = SearchPage(query=f"same story as {article.title}", hits=hits, total=len(hits))
        self.search_bar.edit.blockSignals(True)
        self.search_bar.edit.clear()
        self.search_bar.edit.blockSignals(False)
        self._show_results(page)
        if story is None:
            self.statusBar().showMessage("No other article tells this story.", 5000)

    def compare_story(self) -> None:
        """This article beside another of its story."""
        article_id = self._selected_or_current()
        if article_id is None:
            return
        story = self.library.story_of(article_id)
        if story is None:
            QMessageBox.information(
                self, "Compare Articles",
                "No other article in the library tells this story: nothing to compare it "
                "with.",
            )  # fmt: skip
            return
        closest: dict[int, float] = {}
        for link in story.links:
            if article_id in (link.a, link.b):
                other = link.b if link.a == article_id else link.a
                closest[other] = link.similarity
        others = sorted(
            (i for i in story.article_ids if i != article_id),
            key=lambda i: (-closest.get(i, 0.0), i),
        )
        self.compare_dialog = CompareDialog(self.library, article_id, others, self)
        self.compare_dialog.open()

    def delete_article(self) -> None:
        article_id = self._selected_or_current()
        if article_id is None:
            return
        article = self.library.get_article(article_id)
        count = len(self.library.highlights(article_id))
        keep = ask_delete_article(self, article.title, count)
        if keep is None:
            return
        self.library.delete_article(article_id, keep_highlights=keep)
        self._current_id = None
        self.reader.show_article(None)
        self.highlight_panel.set_article(None)
        if self._search_page is not None:
            hits = tuple(h for h in self._search_page.hits if h.article_id != article_id)
            self._show_results(dataclasses.replace(self._search_page, hits=hits,
                                                   total=len(hits)))  # fmt: skip
        else:
            self.refresh_list()
        self.highlight_panel.refresh()
        self.refresh_filters()
        undo_key = QKeySequence(QKeySequence.StandardKey.Undo).toString()
        self.statusBar().showMessage(f"Deleted “{article.title}” ({undo_key} to undo)", 8000)
        self._update_undo_actions()
        self._update_article_actions()

    def _article_context_menu(self, pos: QPoint) -> None:
        menu = self.build_article_menu(pos)
        if menu is not None:
            menu.exec(self.article_view.viewport().mapToGlobal(pos))

    def build_article_menu(self, pos: QPoint) -> QMenu | None:
        index = self.article_view.indexAt(pos)
        if not index.isValid():
            return None
        self.article_view.setCurrentIndex(index)
        menu = QMenu(self)
        summary = self.article_model.summary(index.row())
        self.act_toggle_read.setText("Mark as Unread" if summary.is_read else "Mark as Read")
        menu.addActions([self.act_toggle_read, self.act_tags, self.act_metadata,
                         self.act_language, self.act_similar, self.act_story,
                         self.act_compare])  # fmt: skip
        menu.addSeparator()
        menu.addAction(self.act_delete)
        return menu

    def _update_article_actions(self) -> None:
        has_article = self._current_id is not None
        for action in (
            self.act_toggle_read,
            self.act_tags,
            self.act_metadata,
            self.act_language,
            self.act_similar,
            self.act_story,
            self.act_compare,
            self.act_delete,
            self.act_find,
        ):
            action.setEnabled(has_article)  # fmt: skip

    # -- search ----------------------------------------------------------------------

    def _on_spellings_toggled(self, checked: bool) -> None:
        self.settings.setValue("search/all_spellings", checked)
        if self.search_bar.query():
            self.run_search(self.search_bar.query())

    def show_name_spellings(self) -> None:
        """The name table: browse it, add spellings and groups; a search that uses it
        runs again afterwards (the table may have changed)."""
        dialog = AliasDialog(self.library, self)
        dialog.exec()
        if self.search_bar.query():
            self.run_search(self.search_bar.query())

    def run_search(self, query: str) -> None:
        query = query.strip()
        if not query:
            self._search_page = None
            self.article_model.clear_search()
            self._set_row_height(with_snippets=False)
            self.article_model.set_filter(self.filter_bar.current())
            self._reselect_current()
            self._update_list_header()
            if self._current_id is not None:
                self.reader.clear_search_terms()
            self.refresh_timeline()
            return
        flt = self.filter_bar.current()
        self.search_runner.submit(
            query,
            limit=SEARCH_LIMIT,
            sort=self.search_bar.sort_key(),
            where=None if flt.is_empty else flt,
            all_spellings=self.search_bar.all_spellings(),
        )
        self.list_header.setText(f"Searching “{html.escape(query)}”…")

    def _on_search_results(self, _number: int, page: SearchPage, kept: list[int] | None) -> None:
        if self.search_bar.query() != page.query:
            return  # the user has typed on (or cleared the bar) since
        if kept is not None:
            allowed = set(kept)
            hits = tuple(h for h in page.hits if h.article_id in allowed)
            page = dataclasses.replace(page, hits=hits, total=len(hits), total_is_exact=True)
        self._show_results(page)
        self._rebuild_if_damaged()

    def _show_results(self, page: SearchPage) -> None:
        self._search_page = page
        self.refresh_timeline()
        self.article_model.set_search(page)
        self._set_row_height(with_snippets=any(h.snippet for h in page.hits))
        self._reselect_current()
        self._update_list_header()
        if self._current_id is not None:
            terms = self._hit_terms(self._current_id)
            if terms:
                self.reader.set_search_terms(terms)
            else:
                self.reader.clear_search_terms()

    def _set_row_height(self, *, with_snippets: bool) -> None:
        header = self.article_view.verticalHeader()
        if with_snippets:
            header.setDefaultSectionSize(self.result_delegate.row_height(self.article_view.font()))
        else:
            header.setDefaultSectionSize(self._plain_row_height)

    def _on_search_error(self, _number: int, message: str) -> None:
        self.list_header.setText(
            f"<span style='color:#c0392b'>Cannot search: {html.escape(message)}</span>"
        )
        self._rebuild_if_damaged()

    def _rebuild_if_damaged(self) -> None:
        """A search (or a change) found the index damaged, and the library says it needs
        a rebuild: start it (the search runs again when it is done). Not again after a
        rebuild failed: the message then said how to try again."""
        if (
            self.library.needs_rebuild is not None
            and self.library.read_only is None
            and not self._index_rebuild_failed
        ):
            self.start_index_rebuild()

    def _on_filter_changed(self, flt: ArticleFilter) -> None:
        if self._search_page is not None and self.search_bar.query():
            self.run_search(self.search_bar.query())
        else:
            self.article_model.set_filter(flt)
            self._reselect_current()
            self._update_list_header()
            self.refresh_timeline()

    def _set_filters_visible(self, visible: bool) -> None:
        self.filter_bar.setVisible(visible)
        self.act_filters.setChecked(visible)
        self.search_bar.filters_button.setChecked(visible)

    def _toggle_filters(self) -> None:
        self._set_filters_visible(not self.filter_bar.isVisible())

    def _toggle_panel(self) -> None:
        self.highlight_panel.setVisible(self.act_panel.isChecked())

    # -- find in article ---------------------------------------------------------------

    def open_find(self) -> None:
        selected = self.reader.textCursor().selectedText()
        self.find_bar.open_bar(selected if 0 < len(selected) < 80 else "")

    def _find(self, text: str, backward: bool) -> None:
        if not text:
            self.reader.clear_find()
            self.find_bar.show_count(0, 0)
            return
        current, total = self.reader.find(text, backward)
        self.find_bar.show_count(current, total)

    # -- highlights --------------------------------------------------------------------

    def _on_selection_range(self, start: int, end: int) -> None:
        # The colour actions stay enabled (so the toolbar shows the palette); without a
        # selection they say what to do. "With note" needs a selection to quote.
        self.act_highlight_note.setEnabled(self._current_id is not None and 0 <= start < end)

    def create_highlight(self, color: str, note: str = "") -> None:
        if self._current_id is None:
            return
        selected = self.reader.selected_range()
        if selected is None:
            self.statusBar().showMessage("Select some text of the article first.", 4000)
            return
        start, end = selected
        try:
            highlight = self.library.add_highlight(
                self._current_id, start, end, color=color, note=note
            )
        except CoverageReaderError as exc:
            QMessageBox.warning(self, "Highlight", str(exc))
            return
        self.after_annotation_change([self._current_id])
        self.highlight_panel.select_highlight(highlight.id)
        cursor = self.reader.textCursor()
        cursor.clearSelection()
        self.reader.setTextCursor(cursor)

    def create_highlight_with_note(self) -> None:
        selected = self.reader.selected_range()
        if self._current_id is None or selected is None:
            return
        quote = self.library.get_article(self._current_id).text[selected[0] : selected[1]]
        dialog = NoteDialog(quote, "", self)
        if dialog.exec():
            self.create_highlight("yellow", dialog.note())

    def edit_note(self, highlight_id: int) -> None:
        highlight = self.library.highlight(highlight_id)
        dialog = NoteDialog(highlight.exact, highlight.note, self)
        if dialog.exec() and dialog.note() != highlight.note:
            self.library.edit_note(highlight_id, dialog.note())
            self.after_annotation_change([highlight.article_id])

    def edit_highlight_tags(self, highlight_id: int) -> None:
        highlight = self.library.highlight(highlight_id)
        known = sorted({t for h in self.library.highlights() for t in h.tags}, key=str.lower)
        dialog = TagsDialog(highlight.tags, known, self)
        if dialog.exec():
            self.library.set_highlight_tags(highlight_id, dialog.tags())
            self.after_annotation_change([highlight.article_id])

    def recolor(self, highlight_ids: list[int], color: str) -> None:
        articles = []
        for highlight_id in highlight_ids:
            highlight = self.library.highlight(highlight_id)
            if highlight.color != color:
                self.library.recolor_highlight(highlight_id, color)
                articles.append(highlight.article_id)
        self.after_annotation_change(articles)

    def delete_highlights(self, highlight_ids: list[int]) -> None:
        found = [self.library.highlight(i) for i in highlight_ids]
        self.library.delete_highlights(highlight_ids)
        self.after_annotation_change([h.article_id for h in found])
        if found:
            self.statusBar().showMessage(
                f"Deleted {len(found)} highlight{'s' if len(found) != 1 else ''} "
                f"({QKeySequence(QKeySequence.StandardKey.Undo).toString()} to undo)",
                6000,
            )

    def reattach(self, highlight_id: int) -> None:
        if self._current_id is None:
            QMessageBox.information(
                self, "Re-attach highlight", "Open the article that holds the passage first."
            )
            return
        try:
            self.library.reattach_highlight(highlight_id, self._current_id)
        except CoverageReaderError as exc:
            QMessageBox.information(self, "Re-attach highlight", str(exc))
            return
        self.after_annotation_change([self._current_id])

    def jump_to_highlight(self, highlight: object) -> None:
        from reader.core.annotations.model import Highlight

        if not isinstance(highlight, Highlight) or highlight.article_id is None:
            return
        if highlight.is_orphan:
            self.statusBar().showMessage(
                "This highlight's passage is no longer in its article.", 5000
            )
            return
        if highlight.article_id != self._current_id:
            self._pending_scroll = (highlight.start, highlight.end)
            self.open_article(highlight.article_id, select=True)
        else:
            self.reader.scroll_to_offset(highlight.start, highlight.end, flash=True)

    def undo(self) -> None:
        try:
            label = self.library.undo()
        except CoverageReaderError as exc:
            QMessageBox.warning(self, "Undo", str(exc))
            return
        if label:
            self._after_history_step(label)
            self.statusBar().showMessage(f"Undone: {label}", 4000)

    def redo(self) -> None:
        try:
            label = self.library.redo()
        except CoverageReaderError as exc:
            QMessageBox.warning(self, "Redo", str(exc))
            return
        if label:
            self._after_history_step(label)
            self.statusBar().showMessage(f"Redone: {label}", 4000)

    def _after_history_step(self, label: str) -> None:
        if label.startswith("Delete article"):
            # An article came back or went away again: the list, filters and reader.
            if self._current_id is not None:
                try:
                    self.library.get_article(self._current_id)
                except CoverageReaderError:
                    self._current_id = None
                    self.reader.show_article(None)
                    self.highlight_panel.set_article(None)
            if self._search_page is not None and self.search_bar.query():
                self.run_search(self.search_bar.query())
            else:
                self.refresh_list()
            self.refresh_filters()
        # Only the rows of the articles the step touched (never every loaded row).
        self.after_annotation_change(sorted(self.library.last_changed_articles))

    def after_annotation_change(self, article_ids: Sequence[int | None]) -> None:
        """Show an annotation change everywhere: the reader, the panel, the list counts."""
        if self._current_id is not None:
            with contextlib.suppress(CoverageReaderError):
                self.reader.set_highlights(self.library.highlights(self._current_id))
        self.highlight_panel.refresh()
        ids = [i for i in article_ids if i is not None]
        if ids:
            self.article_model.update_articles(ids)
        self._update_undo_actions()

    def _update_undo_actions(self) -> None:
        undo, redo = self.library.undo_label, self.library.redo_label
        self.act_undo.setEnabled(undo is not None)
        self.act_undo.setText(f"&Undo {undo}" if undo else "&Undo")
        self.act_redo.setEnabled(redo is not None)
        self.act_redo.setText(f"&Redo {redo}" if redo else "&Redo")

    # -- export -------------------------------------------------------------------------

    def export_listed_highlights(self) -> None:
        self.export_highlights(self.highlight_panel.listed_ids())

    def export_highlights(self, highlight_ids: list[int]) -> None:
        if not highlight_ids:
            self.statusBar().showMessage("No highlights to export.", 4000)
            return
        filters = {
            "Markdown (*.md)": ("markdown", ".md"),
            "W3C Web Annotation JSON (*.json)": ("json", ".json"),
            "CSV (*.csv)": ("csv", ".csv"),
            "HTML page (*.html)": ("html", ".html"),
        }
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export highlights", str(Path.home() / "highlights.md"), ";;".join(filters)
        )
        if not path:
            return
        fmt, suffix = filters.get(chosen, ("markdown", ".md"))
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(suffix)
        self.write_export(target, fmt, highlight_ids)

    def write_export(self, target: Path, fmt: str, highlight_ids: list[int]) -> bool:
        text = self.library.export_highlights(fmt, highlight_ids=highlight_ids)
        partial = target.with_name(target.name + ".part")
        try:
            partial.write_text(text, encoding="utf-8", newline="")
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            QMessageBox.warning(self, "Export", f"{target}: cannot write: {exc.strerror}")
            return False
        self.statusBar().showMessage(
            f"Exported {len(highlight_ids)} highlight{'s' if len(highlight_ids) != 1 else ''} "
            f"to {target}",
            8000,
        )
        return True

    # -- importing ----------------------------------------------------------------------

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import articles",
            str(Path.home()),
            "Articles (*.txt *.html *.htm *.md *.markdown *.xml *.rss *.atom *.jsonl *.json);;"
            "All files (*)",
        )
        if paths:
            self.start_import([Path(p) for p in paths])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", str(Path.home()))
        if folder:
            self.start_import([Path(folder)])

    def start_import(self, paths: Sequence[Path]) -> bool:
        if self._import_job is not None:
            self.statusBar().showMessage("An import is already running.", 5000)
            return False
        job = ImportJob(self.library, paths, self)
        dialog = ImportDialog(self)
        dialog.cancelRequested.connect(job.cancel)
        job.progress.connect(self._on_import_progress)
        job.finished.connect(self._on_import_finished)
        job.failed.connect(self._on_import_failed)
        self._import_job = job
        self._import_dialog = dialog
        self._last_list_refresh = time.monotonic()
        dialog.show()
        job.start()
        return True

    def import_running(self) -> bool:
        return self._import_job is not None

    def _on_import_progress(self, progress: ImportProgress) -> None:
        if self._import_dialog is not None:
            self._import_dialog.update_progress(progress)
        # Let the first articles appear while the import goes on.
        if time.monotonic() - self._last_list_refresh >= LIST_REFRESH_S:
            self._last_list_refresh = time.monotonic()
            if not self._list_timer.isActive():
                self._list_timer.start(0)

    def _refresh_list_during_import(self) -> None:
        if self._search_page is None:
            self.refresh_list()

    def _finish_import(self) -> None:
        if self._import_dialog is not None:
            self._import_dialog.hide()
            self._import_dialog.deleteLater()
        if self._import_job is not None:
            self._import_job.wait()
            self._import_job.deleteLater()
        self._import_dialog = None
        self._import_job = None

    def _on_import_finished(self, report: ImportReport) -> None:
        self._finish_import()
        self.refresh_filters()  # and the statements (a search below does not refresh the list)
        if self._search_page is not None and self.search_bar.query():
            self.run_search(self.search_bar.query())
        else:
            self.refresh_list()
        summary = ImportSummaryDialog(report, self)
        self.import_summary = summary
        summary.open()
        self.statusBar().showMessage(
            f"Imported {report.imported:,} new and {report.updated:,} updated articles", 8000
        )

    def _on_import_failed(self, message: str) -> None:
        self._finish_import()
        self.refresh_list()
        QMessageBox.warning(self, "Import", f"The import stopped: {message}")

    # -- the index ----------------------------------------------------------------------

    def start_index_rebuild(self) -> None:
        """Rebuild the search index off the GUI thread, with progress in the status bar;
        the list, the reader and annotations work all the while."""
        if self._index_job is not None:
            return
        job = IndexRebuildJob(self.library, self)
        self.index_progress = QProgressBar(self)
        self.index_progress.setMaximumWidth(220)
        self.index_progress.setFormat("Indexing %v of %m")
        self.index_progress.setRange(0, max(1, self.library.article_total))
        self.statusBar().addPermanentWidget(self.index_progress)
        self.statusBar().showMessage(
            f"Rebuilding the search index ({self.library.needs_rebuild}); searches may be "
            "incomplete until it is done."
        )
        job.progress.connect(self._on_index_progress)
        job.finished.connect(self._on_index_finished)
        job.failed.connect(self._on_index_failed)
        self._index_job = job
        job.start()

    def index_rebuilding(self) -> bool:
        return self._index_job is not None

    def _on_index_progress(self, done: int, total: int) -> None:
        self.index_progress.setRange(0, max(1, total))
        self.index_progress.setValue(done)

    def _end_index_job(self) -> None:
        if self._index_job is not None:
            self._index_job.wait()
            self._index_job.deleteLater()
            self._index_job = None
        self.statusBar().removeWidget(self.index_progress)
        self.index_progress.deleteLater()

    def _on_index_finished(self, count: int) -> None:
        self._end_index_job()
        self.statusBar().showMessage(f"The search index is ready ({count:,} articles).", 8000)
        if self.search_bar.query():
            self.run_search(self.search_bar.query())

    def _on_index_failed(self, message: str) -> None:
        self._end_index_job()
        self._index_rebuild_failed = True
        # Replaces "Rebuilding the search index…", which is no longer true.
        self.statusBar().showMessage(
            "The search index could not be rebuilt; searches may be incomplete."
        )
        QMessageBox.warning(
            self,
            "Search index",
            f"The search index could not be rebuilt: {message}\n\nSearches may miss "
            "articles until it is. To try again, quit Coverage Reader and start it again: "
            "it rebuilds the index when it starts (or, while it is closed, run "
            "“coverage-reader check --repair”).",
        )

    # -- the rest --------------------------------------------------------------------------

    def show_about(self) -> None:
        AboutDialog(self).exec()

    def shutdown(self) -> None:
        """Stop background work (an import finishes its current file, then stops; a
        rebuild of the index is abandoned and done again on the next start)."""
        if self._import_job is not None:
            self._import_job.cancel()
            self._import_job.wait()
        if self._index_job is not None:
            self._index_job.cancel()
            self._index_job.wait()
        self.search_runner.wait()
        self.timeline_runner.wait()
        self.statements_runner.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)
