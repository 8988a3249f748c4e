"""The same story in the window: Article ▸ Same Story lists the group, Compare shows two
of its articles side by side with the passages only one has marked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.compare_dialog import CompareDialog
from reader.ui.main_window import MainWindow
from reader.ui.models.articles import ArticleTableModel
from tests.core.analysis.test_stories import OTHER_EVENT, OWN_WRITEUP, WIRE, WIRE_EDITED
from tests.helpers.window import open_window


@pytest.fixture
def window(
    qtbot: QtBot, library: Library, settings: QSettings, tmp_path: Path
) -> Iterator[MainWindow]:
    rows = [("Gas deal signed", "2024-11-05", "Reuters", WIRE),
            ("Huge gas deal", "2024-11-05", "Daily Post", WIRE_EDITED),
            ("Gas pact concluded", "2024-11-06", "Xinhua", OWN_WRITEUP),
            ("Oil exports to India", "2024-11-05", "AP", OTHER_EVENT)]  # fmt: skip
    path = tmp_path / "gas.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": t, "title": t, "date": d, "source": s, "body": b})
            for t, d, s, b in rows
        ),
        encoding="utf-8",
    )
    library.import_paths([path])
    win = open_window(qtbot, library, settings)
    yield win
    win.shutdown()


def titles(win: MainWindow) -> list[str]:
    model = win.article_model
    return [model.index(r, ArticleTableModel.TITLE).data() for r in range(model.rowCount())]


def select(qtbot: QtBot, win: MainWindow, title: str) -> None:
    row = titles(win).index(title)
    win.article_view.setCurrentIndex(win.article_model.index(row, ArticleTableModel.TITLE))
    qtbot.waitUntil(lambda: win.reader.article() is not None)


def test_same_story_lists_the_group(qtbot: QtBot, window: MainWindow) -> None:
    select(qtbot, window, "Huge gas deal")
    assert window.act_story.isEnabled()
    window.act_story.trigger()
    assert titles(window)[0] == "Huge gas deal"  # itself first, then the closest
    assert sorted(titles(window)) == ["Gas deal signed", "Gas pact concluded", "Huge gas deal"]
    assert "same story as Huge gas deal" in window.list_header.text()
    # An article of no story lists itself alone, and says so.
    # Enter in the empty search bar lists the whole library again.
    window.search_bar.edit.setFocus()
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Oil exports to India" in titles(window))
    select(qtbot, window, "Oil exports to India")
    window.act_story.trigger()
    assert titles(window) == ["Oil exports to India"]
    assert window.statusBar().currentMessage() == "No other article tells this story."


def test_compare_marks_what_only_one_has(qtbot: QtBot, window: MainWindow) -> None:
    select(qtbot, window, "Gas deal signed")
    window.act_compare.trigger()
    dialog = window.compare_dialog
    assert isinstance(dialog, CompareDialog)
    qtbot.waitExposed(dialog)
    # The closest first: the edited copy.
    assert dialog.other.currentText().startswith("Daily Post · 2024-11-05 — Huge gas deal")
    assert dialog.left.only_here == [
        "Energy analysts said the price was likely lower than what Gazprom had sought from Beijing."
    ]
    assert dialog.right.only_here == ["Russia and China have agreed a huge new gas deal."]
    # The marked passage has the highlight background; a shared one none.
    doc = dialog.left.document()
    marked = doc.find("Energy analysts")
    shared = doc.find("The deal, worth")
    assert marked.charFormat().background().style() == Qt.BrushStyle.SolidPattern
    assert shared.charFormat().background().style() == Qt.BrushStyle.NoBrush
    assert "only on the left" in dialog.summary.text()
    # The other write-up: most sentences differ.
    dialog.other.setCurrentIndex(1)
    assert "Xinhua" in dialog.other.currentText()
    assert len(dialog.right.only_here) >= 3
    dialog.reject()
