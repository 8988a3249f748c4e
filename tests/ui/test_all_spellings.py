"""The search bar's "All spellings" toggle and Edit ▸ Name Spellings…, driven through the
real widgets: a name typed in one script finds the articles that spell it in another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.aliases_dialog import AliasDialog, NewGroupDialog
from reader.ui.main_window import MainWindow
from reader.ui.models.articles import ArticleTableModel
from tests.helpers.multilingual import RU, ZH, SampleArticle
from tests.helpers.window import open_window

SEED_TITLE = "Xi and Putin vow to enhance ties between China and Russia"


def plain_text(article: SampleArticle) -> str:
    return "\n\n".join((article.title, *article.paragraphs)) + "\n"


@pytest.fixture
def multilingual(library: Library, tmp_path: Path) -> Library:
    """The English seeds, with a Russian and a Chinese article that name Putin only in
    their own script."""
    folder = tmp_path / "articles"
    folder.mkdir()
    paths = []
    for article in (RU, ZH):
        assert "Putin" not in plain_text(article)
        path = folder / f"{article.key}.txt"
        path.write_text(plain_text(article), encoding="utf-8")
        paths.append(path)
    report = library.import_paths(paths)
    assert report.imported == 2, report.failed
    return library


@pytest.fixture
def window(qtbot: QtBot, multilingual: Library, settings: QSettings) -> Iterator[MainWindow]:
    win = open_window(qtbot, multilingual, settings)
    yield win
    win.shutdown()


def titles(win: MainWindow) -> set[str]:
    model = win.article_model
    return {model.index(r, ArticleTableModel.TITLE).data() for r in range(model.rowCount())}


def search(qtbot: QtBot, win: MainWindow, text: str) -> None:
    edit = win.search_bar.edit
    edit.clear()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"for “{text}”" in win.list_header.text(), timeout=10_000)


def test_all_spellings_finds_a_name_in_every_script(qtbot: QtBot, window: MainWindow) -> None:
    button = window.search_bar.spellings_button
    assert button.isVisible() and not button.isChecked()
    search(qtbot, window, "putin")
    assert SEED_TITLE in titles(window)
    assert not {RU.title, ZH.title} & titles(window)

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked()
    # The same query runs again by itself, now with Путин and 普京.
    qtbot.waitUntil(lambda: {RU.title, ZH.title} <= titles(window), timeout=10_000)
    assert SEED_TITLE in titles(window)
    header = window.list_header.text()
    assert "Путин" in header and "普京" in header, header  # says what was widened

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not {RU.title, ZH.title} & titles(window), timeout=10_000)
    assert SEED_TITLE in titles(window)


def test_alias_in_the_query_works_with_the_toggle_off(qtbot: QtBot, window: MainWindow) -> None:
    assert not window.search_bar.all_spellings()
    search(qtbot, window, "alias:putin")
    assert {RU.title, ZH.title, SEED_TITLE} <= titles(window)


def test_the_toggle_is_remembered(qtbot: QtBot, multilingual: Library, settings: QSettings) -> None:
    first = open_window(qtbot, multilingual, settings)
    qtbot.mouseClick(first.search_bar.spellings_button, Qt.MouseButton.LeftButton)
    first.shutdown()
    first.close()
    second = open_window(qtbot, multilingual, settings)
    try:
        assert second.search_bar.spellings_button.isChecked()
        search(qtbot, second, "putin")
        assert {RU.title, ZH.title} <= titles(second)
    finally:
        second.shutdown()


def test_name_spellings_dialog_opens_from_the_edit_menu_and_its_groups_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A group made in the dialog (opened from the Edit menu) is searched as soon as the
    dialog closes: the search that was showing runs again."""
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert isinstance(edit_menu, QMenu) and window.act_spellings in edit_menu.actions()
    edit = window.search_bar.edit
    qtbot.keyClicks(edit, "alias:far-east")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "no name group" in window.list_header.text(), timeout=10_000)
    steps: list[str] = []

    def fill_group() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, NewGroupDialog):
            QTimer.singleShot(20, fill_group)
            return
        box.key.setText("far-east")
        box.kind.setCurrentIndex(box.kind.findData("place"))
        box.name.setText("Дальнего Востока")
        steps.append("group")
        box.accept()

    def in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AliasDialog):
            QTimer.singleShot(20, in_dialog)
            return
        QTimer.singleShot(0, fill_group)
        qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)  # until accepted
        steps.append("closed")
        dialog.reject()

    QTimer.singleShot(0, in_dialog)
    window.act_spellings.trigger()
    assert steps == ["group", "closed"]
    qtbot.waitUntil(lambda: titles(window) == {RU.title}, timeout=10_000)
