"""The statements model and its filter proxy, on the seeds' statements."""

from __future__ import annotations

from datetime import date

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.models.statements import StatementFilterProxy, StatementRow, StatementTableModel
from reader.ui.reader_view import ReaderView


def rows_of(library: Library) -> list[StatementRow]:
    found = library.statements()
    titles = {s.id: s.title for s in library.summaries(sorted({st.article_id for st in found}))}
    return [StatementRow(st, titles[st.article_id]) for st in found]


def test_model_and_proxy_pass_the_model_tester(
    qtmodeltester: ModelTester, library: Library
) -> None:
    model = StatementTableModel()
    model.set_rows(rows_of(library))
    qtmodeltester.check(model)
    proxy = StatementFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_speaker_days_and_text_filter(library: Library) -> None:
    model = StatementTableModel()
    model.set_rows(rows_of(library))
    proxy = StatementFilterProxy()
    proxy.setSourceModel(model)
    speakers = {proxy.index(r, model.SPEAKER).data() for r in range(proxy.rowCount())}
    assert {
        "Vladimir Putin",
        "Xi Jinping",
        "Andrei Denisov",
        "China's Foreign Ministry",
    } <= speakers
    proxy.set_speaker("Vladimir Putin")
    assert proxy.rowCount() > 0
    assert {proxy.index(r, model.SPEAKER).data() for r in range(proxy.rowCount())} == {
        "Vladimir Putin"
    }
    proxy.set_speaker(None)
    proxy.set_days(date(2019, 1, 1), date(2019, 1, 31))
    assert proxy.rowCount() > 0
    assert all(proxy.index(r, 0).data().startswith("2019-01") for r in range(proxy.rowCount()))
    proxy.set_days(None, None)
    proxy.set_text("belt and road")
    assert [proxy.index(r, model.SPEAKER).data() for r in range(proxy.rowCount())] == [
        "Andrei Denisov"
    ]


def test_the_reader_selects_a_statement_span(qtbot: QtBot, library: Library) -> None:
    statement = next(st for st in library.statements() if st.speaker == "Vladimir Putin")
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    view.show_article(library.get_article(statement.article_id))
    view.show_span(statement.start, statement.end)
    assert view.selected_range() == (statement.start, statement.end)
    assert view.textCursor().selectedText() == statement.text
