"""The filter bar's list of people, places and organisations named, with counts,
driven through the real window on the seeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.models.articles import ArticleTableModel
from tests.helpers.window import open_window

XI_PUTIN = "Xi and Putin vow to enhance ties between China and Russia"  # 2018-09-14
SEED_DATED = "Chinese President Xi Jinping and Russian President Vladimir Putin have agreed…"


@pytest.fixture
def window(qtbot: QtBot, library: Library, settings: QSettings) -> Iterator[MainWindow]:
    win = open_window(qtbot, library, settings)
    qtbot.mouseClick(win.search_bar.filters_button, Qt.MouseButton.LeftButton)
    yield win
    win.shutdown()


def titles(win: MainWindow) -> list[str]:
    model = win.article_model
    return [model.index(r, ArticleTableModel.TITLE).data() for r in range(model.rowCount())]


def texts(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Choose with the keyboard, as a user tabbing through the filters would (the
    offscreen platform cannot open the drop-down without warnings); headings are
    skipped by the keys as by the mouse."""
    assert combo.findText(text) >= 0, (text, texts(combo))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} cannot be reached with the keys")


def test_people_places_and_organisations_with_counts(qtbot: QtBot, window: MainWindow) -> None:
    combo = window.filter_bar.named
    assert combo.isVisible()
    shown = [t.strip() for t in texts(combo)]
    assert shown[0] == "Anyone or anything named"
    # Headings in order, each followed by its names, the most named first.
    people, places, orgs = (shown.index(h) for h in ("People", "Places", "Organisations"))
    assert people < places < orgs
    assert set(shown[people + 1 : people + 3]) == {"Vladimir Putin (2)", "Xi Jinping (2)"}
    assert "Andrey Denisov (1)" in shown[people:places]
    assert "Vladivostok (1)" in shown[places:orgs]
    assert "SCO (1)" in shown[orgs:]
    # A heading cannot be chosen; a name says its query.
    assert not combo.model().flags(combo.model().index(people, 0)) & Qt.ItemFlag.ItemIsEnabled
    putin = combo.findText("   Vladimir Putin (2)")
    assert combo.itemData(putin, Qt.ItemDataRole.ToolTipRole) == "person:putin"


def test_choosing_a_name_filters_the_list(qtbot: QtBot, window: MainWindow) -> None:
    combo = window.filter_bar.named
    choose(qtbot, combo, "   Vladivostok (1)")
    assert titles(window) == [XI_PUTIN]
    assert window.article_model.filter().mentions == ("place", "vladivostok")  # type: ignore[union-attr]
    choose(qtbot, combo, "   Andrey Denisov (1)")
    assert titles(window) == [SEED_DATED]
    choose(qtbot, combo, "   Vladimir Putin (2)")
    assert sorted(titles(window)) == sorted([XI_PUTIN, SEED_DATED])
    # With a search: the list is what both allow.
    choose(qtbot, combo, "   Vladivostok (1)")
    window.search_bar.edit.setFocus()
    qtbot.keyClicks(window.search_bar.edit, "anniversary")
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "for “anniversary”" in window.list_header.text())
    # The 70th anniversary is the 2019 seed's; Vladivostok is the 2018 one's.
    assert titles(window) == []
    qtbot.mouseClick(window.filter_bar.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: titles(window) == [SEED_DATED])
    assert combo.currentIndex() == 0


def test_the_list_follows_imports(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "lavrov.txt"
    path.write_text("Lavrov in Minsk\n\ndate 2019-03-01\n\nSergei Lavrov visited Minsk.\n")
    assert window.start_import([path])
    qtbot.waitUntil(lambda: window.import_summary is not None, timeout=60_000)
    assert window.import_summary is not None
    window.import_summary.accept()
    shown = [t.strip() for t in texts(window.filter_bar.named)]
    assert "Sergei Lavrov (1)" in shown and "Minsk (1)" in shown
