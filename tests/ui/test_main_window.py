"""The main window, driven through its real widgets with qtbot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.models.articles import ArticleTableModel

XI_PUTIN = "Xi and Putin vow to enhance ties between China and Russia"


@pytest.fixture
def window(qtbot: QtBot, library: Library, settings: QSettings) -> Iterator[MainWindow]:
    win = MainWindow(library, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


def row_of_title(win: MainWindow, title: str) -> int:
    model = win.article_model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == title:
            return row
    raise AssertionError(f"{title!r} not in the list")


def click_row(qtbot: QtBot, win: MainWindow, row: int) -> None:
    view = win.article_view
    rect = view.visualRect(win.article_model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def open_title(qtbot: QtBot, win: MainWindow, title: str) -> int:
    click_row(qtbot, win, row_of_title(win, title))
    article = win.reader.article()
    assert article is not None and article.title == title
    return article.id


def select_in_reader(win: MainWindow, text: str) -> None:
    found = win.reader.document().find(text)
    assert not found.isNull(), text
    win.reader.setTextCursor(found)


def answer_dialog(handler: Callable[[QWidget], None]) -> None:
    """Deal with the next modal dialog as soon as it is shown."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(20, attempt)
            return
        handler(widget)

    QTimer.singleShot(0, attempt)


def search(qtbot: QtBot, win: MainWindow, text: str) -> None:
    edit = win.search_bar.edit
    edit.clear()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: " for “" in win.list_header.text() or "Cannot search" in win.list_header.text(),
        timeout=10_000,
    )


# -- the window --------------------------------------------------------------------------


def test_the_window_shows_three_panes_on_the_seeds(window: MainWindow) -> None:
    assert window.windowTitle() == "Coverage Reader"
    assert not window.windowIcon().isNull()
    assert window.splitter.count() == 3
    panes = [window.splitter.widget(i) for i in range(3)]
    assert all(pane is not None and pane.isVisible() for pane in panes)
    titles = {window.article_model.index(r, 0).data() for r in range(2)}
    assert XI_PUTIN in titles
    assert "2 articles" in window.list_header.text().replace("<b>", "").replace("</b>", "")
    assert window.reader.article() is None
    assert "Select an article" in window.reader.toPlainText()


def test_opening_an_article_shows_it_and_marks_it_read(qtbot: QtBot, window: MainWindow) -> None:
    row = row_of_title(window, XI_PUTIN)
    index = window.article_model.index(row, 0)
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    article_id = open_title(qtbot, window, XI_PUTIN)
    assert window.reader.document_text() == window.library.get_article(article_id).text
    assert "Vladivostok" in window.reader.toPlainText()
    font = window.article_model.index(row, 0).data(Qt.ItemDataRole.FontRole)
    assert font is None or not font.bold()
    assert window.library.get_article(article_id).is_read


def test_keyboard_moves_between_articles(qtbot: QtBot, window: MainWindow) -> None:
    click_row(qtbot, window, 0)
    first = window.current_article_id()
    qtbot.keyClick(window.article_view, Qt.Key.Key_J)
    second = window.current_article_id()
    assert second is not None and second != first
    qtbot.keyClick(window.article_view, Qt.Key.Key_K)
    assert window.current_article_id() == first


def test_search_then_open_a_result_marks_the_hits(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "Vladivostok")
    assert window.article_model.rowCount() == 1
    header = window.list_header.text()
    assert "1 result" in header
    snippet = window.article_model.index(0, 0).data(ArticleTableModel.SnippetRole)
    assert "<mark>Vladivostok</mark>" in snippet
    # Results show their snippet under the title: taller rows than the plain list.
    view = window.article_view
    assert view.rowHeight(0) >= 3 * view.fontMetrics().lineSpacing()
    click_row(qtbot, window, 0)
    assert window.reader.article() is not None
    assert window.reader.article().title == XI_PUTIN  # type: ignore[union-attr]
    assert window.reader.hit_count() == 1
    # Clearing the search brings the whole list back.
    window.search_bar.edit.clear()
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 2)
    assert view.rowHeight(0) < 2 * view.fontMetrics().lineSpacing()


def test_did_you_mean_is_offered_and_runs_the_suggestion(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "Vladivostock")
    assert window.article_model.rowCount() == 0
    assert window.list_stack.currentWidget() is window.list_empty
    assert window.suggestion_label.isVisible()
    assert "Vladivostok" in window.suggestion_label.text()
    link = window.suggestion_label.text().split("href='")[1].split("'")[0]
    window.suggestion_label.linkActivated.emit(link)
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 1, timeout=10_000)
    assert window.search_bar.edit.text() == "Vladivostok"


def test_a_bad_query_is_explained(qtbot: QtBot, window: MainWindow) -> None:
    edit = window.search_bar.edit
    qtbot.keyClicks(edit, "date:20x9")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Cannot search" in window.list_header.text(), timeout=10_000)
    assert "date" in window.list_header.text()


def test_filters_narrow_the_list(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.search_bar.filters_button, Qt.MouseButton.LeftButton)
    assert window.filter_bar.isVisible()
    source = window.filter_bar.source
    index = source.findData("China Daily/Asia News Network")
    assert index > 0
    source.setCurrentIndex(index)
    assert window.article_model.rowCount() == 1
    assert "1</b> of 2" in window.list_header.text()
    qtbot.mouseClick(window.filter_bar.reset_button, Qt.MouseButton.LeftButton)
    assert window.article_model.rowCount() == 2


# -- highlights --------------------------------------------------------------------------


def test_create_a_highlight_from_a_selection_with_a_key(qtbot: QtBot, window: MainWindow) -> None:
    article_id = open_title(qtbot, window, XI_PUTIN)
    select_in_reader(window, "Vladivostok")
    qtbot.keyClick(window.reader, Qt.Key.Key_2)
    [highlight] = window.library.highlights(article_id)
    assert (highlight.exact, highlight.color) == ("Vladivostok", "green")
    assert window.highlight_panel.proxy.rowCount() == 1
    row = row_of_title(window, XI_PUTIN)
    assert window.article_model.index(row, 3).data() == "1"
    assert window.act_undo.isEnabled()


def test_edit_a_note_in_the_panel_then_undo_and_redo(qtbot: QtBot, window: MainWindow) -> None:
    article_id = open_title(qtbot, window, XI_PUTIN)
    select_in_reader(window, "Vladivostok")
    window.color_actions[0].trigger()  # Edit ▸ Highlight Selection ▸ Yellow
    panel = window.highlight_panel
    index = panel.proxy.index(0, 1)
    qtbot.mouseClick(
        panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualRect(index).center()
    )
    assert panel.note_button.isEnabled()

    def write_note(dialog: QWidget) -> None:
        assert isinstance(dialog, QDialog)
        edit = dialog.findChild(QPlainTextEdit)
        assert edit is not None
        edit.setPlainText("Where the leaders met")
        dialog.accept()

    answer_dialog(write_note)
    qtbot.mouseClick(panel.note_button, Qt.MouseButton.LeftButton)
    assert window.library.highlights(article_id)[0].note == "Where the leaders met"
    assert window.library.search("note:leaders").total == 1
    # The dialog has closed; shortcuts go to the active window.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Undo))
    assert window.library.highlights(article_id)[0].note == ""
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Undo))
    assert window.library.highlights(article_id) == []
    assert panel.proxy.rowCount() == 0
    # The list's count follows the undo (only the touched row is re-read).
    row = row_of_title(window, XI_PUTIN)
    assert window.article_model.index(row, 3).data() in ("", None)
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Redo))
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Redo))
    assert window.library.highlights(article_id)[0].note == "Where the leaders met"


def test_filter_the_panel_and_jump_to_a_highlight(qtbot: QtBot, window: MainWindow) -> None:
    xi = open_title(qtbot, window, XI_PUTIN)
    window.library.highlight_quote(xi, "Vladivostok", color="green", tags=["place"])
    window.library.highlight_quote(xi, "Vladimir Putin", color="blue")
    other = next(
        window.article_model.index(r, 0).data()
        for r in range(2)
        if window.article_model.index(r, 0).data() != XI_PUTIN
    )
    open_title(qtbot, window, other)
    panel = window.highlight_panel
    panel.set_scope("library")
    assert panel.proxy.rowCount() == 2
    panel.color_filter.setCurrentIndex(panel.color_filter.findData("green"))
    assert panel.proxy.rowCount() == 1
    panel.color_filter.setCurrentIndex(0)
    qtbot.keyClicks(panel.text_filter, "vladimir")
    assert panel.proxy.rowCount() == 1
    panel.text_filter.clear()
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("place"))
    assert panel.proxy.rowCount() == 1

    index = panel.proxy.index(0, 1)
    qtbot.mouseClick(
        panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualRect(index).center()
    )
    assert window.current_article_id() == xi
    # The passage is visible in the reader.
    cursor = QTextCursor(window.reader.document())
    found = window.reader.document().find("Vladivostok", cursor)
    rect = window.reader.cursorRect(found)
    assert window.reader.viewport().rect().contains(rect.center())


def test_orphans_are_listed_apart(qtbot: QtBot, window: MainWindow) -> None:
    xi = open_title(qtbot, window, XI_PUTIN)
    window.library.highlight_quote(xi, "Vladivostok", note="kept")
    window.library.delete_article(xi, keep_highlights=True)
    window.refresh_list()
    panel = window.highlight_panel
    panel.set_scope("library")
    assert panel.orphan_list.isVisible()
    assert panel.orphan_proxy.rowCount() == 1
    assert panel.proxy.rowCount() == 0


# -- importing ----------------------------------------------------------------------------


def drop_paths(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = window.centralWidget()
    assert target is not None
    enter = QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)


# PySide6 6.12 marks the only QDragEnterEvent constructor deprecated; a test must still
# make one to simulate a drag from the file manager.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_import_by_drop_shows_progress_and_lists_the_bad_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    for i in range(30):
        (folder / f"story{i:02}.txt").write_text(
            f"Pipeline talks, round {i}\n\nMOSCOW (Reuters) - Round {i} of gas talks ended.\n",
            encoding="utf-8",
        )
    (folder / "broken.txt").write_bytes(b"")
    drop_paths(window, [folder])
    assert window.import_running()
    assert window._import_dialog is not None and window._import_dialog.isVisible()
    qtbot.waitUntil(lambda: window.import_summary is not None, timeout=60_000)
    summary = window.import_summary
    assert summary is not None
    assert "30 new articles" in summary.summary.text()
    assert summary.failures.topLevelItemCount() == 1
    item = summary.failures.topLevelItem(0)
    assert item is not None
    assert item.text(0).endswith("broken.txt") and "empty" in item.text(1)
    assert window.article_model.total() == 32
    summary.accept()


def test_an_import_can_be_cancelled_and_keeps_what_it_read(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"s{i:04}.txt").write_text(
            f"Story {i}\n\nBEIJING - Officials met for round {i} of talks.\n", encoding="utf-8"
        )
    assert window.start_import([folder])
    dialog = window._import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.bar.value() >= 5, timeout=30_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.import_summary is not None, timeout=60_000)
    assert window.import_summary is not None
    assert "cancelled" in window.import_summary.summary.text()
    kept = window.library.article_count() - 2
    assert 5 <= kept < 400
    assert window.library.check().ok
    assert window.article_model.total() == kept + 2


# -- the article menu ---------------------------------------------------------------------


def test_delete_an_article_asks_about_its_highlights(qtbot: QtBot, window: MainWindow) -> None:
    xi = open_title(qtbot, window, XI_PUTIN)
    window.library.highlight_quote(xi, "Vladivostok")
    rect = window.article_view.visualRect(
        window.article_model.index(row_of_title(window, XI_PUTIN), 0)
    )
    menu = window.build_article_menu(rect.center())
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.text()]
    assert "&Delete Article…" in texts and "Mark as Unread" in texts

    def keep(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "1 highlight" in box.informativeText()
        [button] = [b for b in box.buttons() if b.text() == "Delete, keep highlights"]
        button.click()

    answer_dialog(keep)
    window.act_delete.trigger()
    assert window.library.article_count() == 1
    assert window.article_model.rowCount() == 1
    assert window.reader.article() is None
    [orphan] = window.library.orphans()
    assert orphan.exact == "Vladivostok"

    # Undo brings the article back, with its highlight in place.
    assert window.act_undo.text() == "&Undo Delete article"
    window.act_undo.trigger()
    assert window.article_model.rowCount() == 2
    assert window.library.orphans() == []
    assert [h.exact for h in window.library.highlights(xi)] == ["Vladivostok"]


# -- find, appearance, settings ------------------------------------------------------------


def test_find_in_the_article(qtbot: QtBot, window: MainWindow) -> None:
    article_id = open_title(qtbot, window, XI_PUTIN)
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Find))
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "Putin")
    total = window.library.get_article(article_id).text.lower().count("putin")
    assert window.find_bar.count_label.text() == f"1 of {total}"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.find_bar.count_label.text() == f"2 of {total}"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_settings_are_restored(
    qtbot: QtBot, library: Library, settings: QSettings, window: MainWindow
) -> None:
    article_id = open_title(qtbot, window, XI_PUTIN)
    window.theme_actions["dark"].trigger()
    window.font_actions["sans"].trigger()
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.ZoomIn))
    # (The offscreen screen is about 800 pixels wide; a larger window is clamped.)
    window.resize(760, 640)
    window.splitter.setSizes([200, 380, 170])
    sizes = window.splitter.sizes()
    window.close()

    again = MainWindow(library, settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.theme() == "dark" and again.font_family() == "sans"
    assert again.current_article_id() == article_id
    assert again.reader.article() is not None
    assert again.splitter.sizes() == sizes
    assert float(str(settings.value("reader/size"))) > 13.0
    again.close()


def test_about_lists_the_bundled_libraries(window: MainWindow) -> None:
    def check(dialog: QWidget) -> None:
        from reader.ui.dialogs import AboutDialog

        assert isinstance(dialog, AboutDialog)
        html = dialog.text.toPlainText()
        assert "whoosh-reloaded" in html and "PySide6-Essentials" in html
        dialog.accept()

    answer_dialog(check)
    window.act_about.trigger()


def test_an_empty_library_says_what_to_do(
    qtbot: QtBot, empty_library: Library, settings: QSettings
) -> None:
    win = MainWindow(empty_library, settings)
    qtbot.addWidget(win)
    win.show()
    assert win.list_stack.currentWidget() is win.list_empty
    assert "Import" in win.list_empty.text()
    assert "No highlights" in win.highlight_panel.empty_label.text() or (
        "Open an article" in win.highlight_panel.empty_label.text()
    )
    win.close()


def test_context_menu_position_is_used(qtbot: QtBot, window: MainWindow) -> None:
    assert window.build_article_menu(QPoint(-5, -5)) is None


def test_the_window_opens_at_once_and_rebuilds_a_missing_index_in_the_background(
    qtbot: QtBot, library_path: Path, settings: QSettings, tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(150):
        (folder / f"s{i:03}.txt").write_text(
            f"Story {i}\n\nBEIJING - Officials met for round {i} of talks on trade.\n",
            encoding="utf-8",
        )
    with Library.open(library_path) as library:
        library.import_paths([folder])
    shutil.rmtree(library_path / "index")

    with Library.open(library_path, rebuild_later=True) as library:
        win = MainWindow(library, settings)
        qtbot.addWidget(win)
        win.show()
        assert win.index_rebuilding()
        assert win.article_model.total() == 152
        assert win.index_progress.isVisible()
        qtbot.waitUntil(lambda: not win.index_rebuilding(), timeout=60_000)
        assert "search index is ready" in win.statusBar().currentMessage()
        search(qtbot, win, "Vladivostok")
        assert win.article_model.rowCount() == 1
        assert "being rebuilt" not in win.list_header.text()
        win.close()


def test_once_up_the_window_lets_the_index_merge_in_the_background(
    qtbot: QtBot, library: Library, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.ui.main_window as main_window

    calls: list[bool] = []
    real = Library.start_index_maintenance

    def maintenance(self: Library) -> bool:
        calls.append(real(self))
        return calls[-1]

    monkeypatch.setattr(main_window, "MAINTENANCE_DELAY_MS", 50)
    monkeypatch.setattr(Library, "start_index_maintenance", maintenance)
    win = MainWindow(library, settings)
    qtbot.addWidget(win)
    win.show()
    assert calls == []  # not during start-up
    qtbot.waitUntil(lambda: len(calls) == 1)
    # The two seeds need no merging.
    assert calls == [False]
    win.close()
    win.shutdown()
