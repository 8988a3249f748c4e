"""The statements panel: the widget on the seeds' statements, and the dock in the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from reader.core.library import ArticleStatement, Library
from reader.ui.models.statements import StatementRow, StatementTableModel
from reader.ui.statements_view import StatementsPanel
from tests.helpers.window import open_window


def panel_on(qtbot: QtBot, library: Library) -> StatementsPanel:
    found = library.statements()
    titles = {s.id: s.title for s in library.summaries(sorted({st.article_id for st in found}))}
    panel = StatementsPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 300)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_statements([StatementRow(s, titles[s.article_id]) for s in found], library.speakers())
    return panel


def speakers(panel: StatementsPanel) -> list[str]:
    proxy = panel.proxy
    return [proxy.index(r, StatementTableModel.SPEAKER).data() for r in range(proxy.rowCount())]


def test_speaker_and_dates_filter_and_enter_activates(qtbot: QtBot, library: Library) -> None:
    panel = panel_on(qtbot, library)
    assert {"Vladimir Putin", "Xi Jinping", "Andrei Denisov"} <= set(speakers(panel))
    index = panel.speaker.findData("Vladimir Putin")
    assert panel.speaker.itemText(index).startswith("Vladimir Putin (")
    panel.speaker.setCurrentIndex(index)
    assert speakers(panel) and set(speakers(panel)) == {"Vladimir Putin"}
    panel.speaker.setCurrentIndex(0)
    panel.set_date_range(date(2019, 1, 1), date(2019, 1, 31))
    assert "Andrei Denisov" in speakers(panel)
    assert all(
        panel.proxy.index(r, 0).data() == "2019-01-02" for r in range(panel.proxy.rowCount())
    )
    got: list[ArticleStatement] = []
    panel.statementActivated.connect(got.append)
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.proxy.index(0, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert len(got) == 1 and got[0].date is not None and got[0].date.startswith("2019-01-02")


def test_the_window_lists_statements_and_enter_opens_the_span(
    qtbot: QtBot, library: Library, settings: QSettings
) -> None:
    win = open_window(qtbot, library, settings)
    try:
        win.act_statements.trigger()
        panel = win.statements_panel
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
        panel.speaker.setCurrentIndex(panel.speaker.findData("Vladimir Putin"))
        assert set(speakers(panel)) == {"Vladimir Putin"}
        panel.table.setFocus()
        panel.table.setCurrentIndex(panel.proxy.index(0, 0))
        st = panel.proxy.index(0, 0).data(StatementTableModel.StatementRole)
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
        assert win.current_article_id() == st.article_id
        assert win.reader.selected_range() == (st.start, st.end)
        assert win.reader.textCursor().selectedText() == st.text
    finally:
        win.shutdown()


def test_the_list_follows_imports(
    qtbot: QtBot, library: Library, settings: QSettings, tmp_path: Path
) -> None:
    win = open_window(qtbot, library, settings)
    try:
        win.act_statements.trigger()
        panel = win.statements_panel
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
        before = panel.model.rowCount()
        path = tmp_path / "lavrov.txt"
        path.write_text(
            "Lavrov in Minsk\n\ndate 2019-03-01\n\nSergei Lavrov said on Friday that the "
            "talks in Minsk had gone well.\n",
            encoding="utf-8",
        )
        assert win.start_import([path])
        qtbot.waitUntil(lambda: win.import_summary is not None, timeout=60_000)
        assert win.import_summary is not None
        win.import_summary.accept()
        qtbot.waitUntil(lambda: panel.model.rowCount() == before + 1)
        assert panel.speaker.findData("Sergei Lavrov") >= 0
    finally:
        win.shutdown()
