"""A library whose search index is missing or damaged opens at once: the window says in
its status bar that it rebuilds the index (and why), shows the progress, and when it is
done says so; searches then find everything, and no highlight or note was lost."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressBar
from pytestqt.qtbot import QtBot

import reader.ui.app as app
from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.models.highlights import HighlightTableModel

XI_PUTIN = "Xi and Putin vow to enhance ties between China and Russia"
NOTE = "Ask about the samovar summit"


def index_segments(library_path: Path) -> list[Path]:
    """The index's segment files, biggest first: the seeds' import, then the segment the
    highlight's article was indexed again in (with its note)."""
    segments = sorted((library_path / "index").glob("*.seg"), key=lambda p: -p.stat().st_size)
    assert len(segments) == 2, segments
    return segments


def delete_the_index(library_path: Path) -> None:
    shutil.rmtree(library_path / "index")


def truncate_the_seeds_segment(library_path: Path) -> None:
    index_segments(library_path)[0].write_bytes(b"")


def truncate_the_notes_segment(library_path: Path) -> None:
    index_segments(library_path)[1].write_bytes(b"")


def overwrite_the_seeds_segment_with_garbage(library_path: Path) -> None:
    segment = index_segments(library_path)[0]
    size = segment.stat().st_size
    segment.write_bytes((b"\x00not a whoosh segment\xff" * (size // 22 + 1))[:size])


def truncate_the_table_of_contents(library_path: Path) -> None:
    [toc] = (library_path / "index").glob("_MAIN_*.toc")
    toc.write_bytes(b"")


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    # how the index is damaged: (what is done to it, the reason the status bar gives)
    "deleted": (delete_the_index, "it was missing"),
    "seeds-segment-truncated": (truncate_the_seeds_segment, "the index is damaged"),
    "notes-segment-truncated": (truncate_the_notes_segment, "the index is damaged"),
    "seeds-segment-garbage": (overwrite_the_seeds_segment_with_garbage, "the index is damaged"),
    "toc-truncated": (truncate_the_table_of_contents, "the index is damaged"),
}


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    """A library with the two seeds and a highlight with a note, closed again."""
    path = tmp_path / "lib"
    with Library.open(path) as library:
        [article] = [a for a in library.list_articles() if a.title == XI_PUTIN]
        library.highlight_quote(article.id, "Vladivostok", color="green", note=NOTE)
        assert library.search("samovar").total == 1
    return path


@pytest.fixture
def no_message_box() -> Iterator[list[str]]:
    """Opening must not stop on a message box; if one comes, note it and close it."""
    boxes: list[str] = []
    alive = [True]

    def poll() -> None:
        if not alive[0]:
            return
        widget = QApplication.activeModalWidget()
        if widget is not None:
            boxes.append(widget.objectName() or type(widget).__name__)
            widget.close()
        QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    yield boxes
    alive[0] = False


def open_window(qtbot: QtBot, lib_path: Path, settings: QSettings) -> MainWindow:
    """As ``coverage-reader gui`` does: the window's open_library (rebuild_later), then
    the window on it."""
    library = app.open_library(lib_path)
    assert isinstance(library, Library), "the library could not be opened"
    window = MainWindow(library, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def progress_bars(window: MainWindow) -> list[QProgressBar]:
    return window.statusBar().findChildren(QProgressBar)


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    edit = window.search_bar.edit
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f" for “{text}”" in window.list_header.text(), timeout=10_000)


def open_title(qtbot: QtBot, window: MainWindow, title: str) -> int:
    model, view = window.article_model, window.article_view
    [row] = [r for r in range(model.rowCount()) if model.index(r, 0).data() == title]
    rect = view.visualRect(model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    article = window.reader.article()
    assert article is not None and article.title == title
    return article.id


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_index_is_rebuilt_with_a_visible_notice_and_nothing_is_lost(
    qtbot: QtBot,
    lib_path: Path,
    settings: QSettings,
    damage: str,
    no_message_box: list[str],
) -> None:
    do_damage, reason = DAMAGES[damage]
    do_damage(lib_path)

    window = open_window(qtbot, lib_path, settings)
    try:
        # At once, before the rebuild can have finished (its end is delivered through
        # the event loop, which has not run yet): the notice and the progress bar.
        assert window.index_rebuilding()
        message = window.statusBar().currentMessage()
        assert message.startswith("Rebuilding the search index (")
        assert reason in message
        assert message.endswith("searches may be incomplete until it is done.")
        [bar] = progress_bars(window)
        assert bar.isVisible()
        assert bar.format() == "Indexing %v of %m"
        assert bar.maximum() == 2
        # The list is there all the while.
        assert window.article_model.total() == 2

        qtbot.waitUntil(lambda: not window.index_rebuilding(), timeout=60_000)
        assert window.statusBar().currentMessage() == "The search index is ready (2 articles)."
        qtbot.waitUntil(lambda: not progress_bars(window), timeout=5_000)
        assert window.library.needs_rebuild is None

        # Searches typed into the search bar find the seeds, complete.
        search(qtbot, window, "Putin")
        assert window.article_model.rowCount() == 2
        assert "being rebuilt" not in window.list_header.text()
        # The note was indexed again from the database.
        search(qtbot, window, "samovar")
        assert window.article_model.rowCount() == 1
        assert window.article_model.index(0, 0).data() == XI_PUTIN

        # The highlight and its note are in the panel when the article is opened.
        article_id = open_title(qtbot, window, XI_PUTIN)
        panel = window.highlight_panel
        assert panel.proxy.rowCount() == 1
        assert panel.proxy.index(0, HighlightTableModel.QUOTE).data() == "Vladivostok"
        assert panel.proxy.index(0, HighlightTableModel.NOTE).data() == NOTE
        [highlight] = window.library.highlights(article_id)
        assert (highlight.exact, highlight.color, highlight.note) == (
            "Vladivostok",
            "green",
            NOTE,
        )
        assert no_message_box == []
    finally:
        window.close()
        window.library.close()
        # Files the damaged index left open are found here, not in a later test.
        gc.collect()

    # The rebuilt index is sound: the next start needs no rebuild.
    with Library.open(lib_path, rebuild_later=True) as library:
        assert library.needs_rebuild is None
        assert library.check().ok


def test_a_search_typed_during_the_rebuild_is_run_again_when_it_is_done(
    qtbot: QtBot, lib_path: Path, settings: QSettings, no_message_box: list[str]
) -> None:
    delete_the_index(lib_path)
    window = open_window(qtbot, lib_path, settings)
    try:
        assert window.index_rebuilding()
        edit = window.search_bar.edit
        qtbot.keyClicks(edit, "samovar")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not window.index_rebuilding(), timeout=60_000)
        # Whether the first answer came before the index was complete or not, the list
        # ends up with the complete answer, without the "being rebuilt" notice.
        qtbot.waitUntil(
            lambda: (
                "for “samovar”" in window.list_header.text()
                and "being rebuilt" not in window.list_header.text()
            ),
            timeout=10_000,
        )
        assert window.article_model.rowCount() == 1
        assert window.article_model.index(0, 0).data() == XI_PUTIN
        assert no_message_box == []
    finally:
        window.close()
        window.library.close()


def test_a_sound_index_shows_no_rebuild_notice(
    qtbot: QtBot, lib_path: Path, settings: QSettings, no_message_box: list[str]
) -> None:
    window = open_window(qtbot, lib_path, settings)
    try:
        assert not window.index_rebuilding()
        assert "Rebuilding" not in window.statusBar().currentMessage()
        assert progress_bars(window) == []
        search(qtbot, window, "Putin")
        assert window.article_model.rowCount() == 2
    finally:
        window.close()
        window.library.close()


def test_a_rebuild_that_fails_says_so_and_what_to_do(
    qtbot: QtBot, lib_path: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: Library, **_kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Library, "rebuild_index", disk_full)
    delete_the_index(lib_path)
    window = open_window(qtbot, lib_path, settings)
    boxes: list[tuple[str, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        boxes.append((box.windowTitle(), box.text()))
        button = box.button(QMessageBox.StandardButton.Ok) or box.defaultButton()
        if button is None:  # pragma: no cover - asserted below through `boxes`
            box.done(0)
            return
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    try:
        assert window.index_rebuilding()
        assert window.statusBar().currentMessage().startswith("Rebuilding the search index")
        QTimer.singleShot(0, answer)
        qtbot.waitUntil(lambda: bool(boxes), timeout=60_000)
        [(title, text)] = boxes
        assert title == "Search index"
        assert "could not be rebuilt" in text and "No space left on device" in text
        assert "start it again" in text and "coverage-reader check --repair" in text
        assert not window.index_rebuilding()
        qtbot.waitUntil(lambda: not progress_bars(window), timeout=5_000)
        # The status bar no longer says that the index is being rebuilt.
        message = window.statusBar().currentMessage()
        assert "Rebuilding" not in message
        assert message == "The search index could not be rebuilt; searches may be incomplete."
        # The window still works: the list and the highlight are there.
        assert window.article_model.total() == 2
        article_id = open_title(qtbot, window, XI_PUTIN)
        assert [h.note for h in window.library.highlights(article_id)] == [NOTE]
        assert window.highlight_panel.proxy.rowCount() == 1
    finally:
        window.close()
        window.library.close()
