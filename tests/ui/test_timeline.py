"""The timeline panel, driven through the real window: it counts the seeds in September
2018 and January 2019, says what a bar counts on hover, lists a period on click or drag,
splits by source, follows the search and reads in the dark theme."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from reader.core.analysis import build_timeline
from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.models.articles import ArticleTableModel
from reader.ui.timeline_view import TimelineChart
from tests.helpers.window import open_window

XI_PUTIN = "Xi and Putin vow to enhance ties between China and Russia"  # 2018-09-14
SEED_DATED = "Chinese President Xi Jinping and Russian President Vladimir Putin have agreed…"
CHINA_DAILY = "China Daily/Asia News Network"  # the source of the 2019-01-02 seed


@pytest.fixture
def window(qtbot: QtBot, library: Library, settings: QSettings) -> Iterator[MainWindow]:
    win = open_window(qtbot, library, settings)
    win.act_timeline.trigger()  # View ▸ Show Timeline
    qtbot.waitUntil(lambda: win.timeline_panel.chart.timeline() is not None)
    yield win
    win.shutdown()


def titles(win: MainWindow) -> list[str]:
    model = win.article_model
    return [model.index(r, ArticleTableModel.TITLE).data() for r in range(model.rowCount())]


def chart_of(win: MainWindow) -> TimelineChart:
    return win.timeline_panel.chart


def busy_periods(win: MainWindow) -> list[str]:
    timeline = chart_of(win).timeline()
    assert timeline is not None
    return [b.period for b in timeline.buckets if b.count]


def bar_centre(chart: TimelineChart, period: str) -> QPoint:
    timeline = chart.timeline()
    assert timeline is not None
    index = next(i for i, b in enumerate(timeline.buckets) if b.period == period)
    rect = chart.bar_rect(index)
    return QPoint(int(rect.center().x()), int(rect.bottom() - 3))


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Choose an item with the keyboard (the offscreen platform opens no drop-down)."""
    index = combo.findText(text)
    assert index >= 0, text
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def by_month(qtbot: QtBot, win: MainWindow) -> None:
    """Step the timeline by month, and wait for it (it is counted on a worker thread)."""
    choose(qtbot, win.timeline_panel.step, "By month")
    qtbot.waitUntil(lambda: busy_periods(win) == ["2018-09", "2019-01"])


def drag(widget: QWidget, start: QPoint, end: QPoint) -> None:
    """Press at ``start``, move with the button held, release at ``end``."""
    left = Qt.MouseButton.LeftButton
    none = Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier
    for kind, pos, button, buttons in (
        (QEvent.Type.MouseButtonPress, start, left, left),
        (QEvent.Type.MouseMove, (start + end) / 2, none, left),
        (QEvent.Type.MouseMove, end, none, left),
        (QEvent.Type.MouseButtonRelease, end, left, none),
    ):
        local = QPointF(pos)
        event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, mods)
        QApplication.sendEvent(widget, event)


def test_the_seeds_appear_in_september_2018_and_january_2019(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.timeline_dock.isVisible() and window.act_timeline.isChecked()
    # 2018-09-14 to 2019-01-02 is four months: by week.
    assert busy_periods(window) == ["2018-W37", "2019-W01"]
    by_month(qtbot, window)
    timeline = chart_of(window).timeline()
    assert timeline is not None and len(timeline.buckets) == 5  # Sep, Oct, Nov, Dec, Jan
    summary = window.timeline_panel.summary.text()
    assert summary.startswith("2 articles by month; most in 2018-09 (1)"), summary


def test_hovering_a_bar_says_what_it_counts(qtbot: QtBot, window: MainWindow) -> None:
    by_month(qtbot, window)
    chart = chart_of(window)
    qtbot.mouseMove(chart, bar_centre(chart, "2018-09"))
    hovered = chart.hovered()
    assert hovered is not None and hovered.period == "2018-09"
    assert chart.toolTip() == "2018-09 (2018-09-01 – 2018-09-30)\n1 article"
    qtbot.mouseMove(chart, bar_centre(chart, "2018-11"))
    assert chart.toolTip().endswith("0 articles")


def test_clicking_a_bar_lists_its_articles_and_all_dates_lists_all_again(
    qtbot: QtBot, window: MainWindow
) -> None:
    by_month(qtbot, window)
    chart = chart_of(window)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar_centre(chart, "2018-09"))
    qtbot.waitUntil(lambda: titles(window) == [XI_PUTIN])
    assert window.filter_bar.isVisible()  # the filter says why the list is short
    assert window.filter_bar.date_range() == (date(2018, 9, 1), date(2018, 9, 30))
    # The timeline still shows every period, with the chosen one shaded.
    assert busy_periods(window) == ["2018-09", "2019-01"]
    clear = window.timeline_panel.clear_button
    assert clear.isEnabled()
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(titles(window)) == 2)
    assert window.filter_bar.date_range() is None and not clear.isEnabled()


def test_dragging_across_bars_chooses_their_range(qtbot: QtBot, window: MainWindow) -> None:
    by_month(qtbot, window)
    chart = chart_of(window)
    drag(chart, bar_centre(chart, "2018-12"), bar_centre(chart, "2019-01"))
    qtbot.waitUntil(lambda: titles(window) == [SEED_DATED])
    assert window.filter_bar.date_range() == (date(2018, 12, 1), date(2019, 1, 31))


def test_the_keyboard_moves_along_the_bars_and_chooses_one(
    qtbot: QtBot, window: MainWindow
) -> None:
    by_month(qtbot, window)
    chart = chart_of(window)
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.toolTip().startswith("2019-01 ")
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: titles(window) == [SEED_DATED])


def test_split_by_source(qtbot: QtBot, window: MainWindow) -> None:
    choose(qtbot, window.timeline_panel.split, "By source")
    chart = chart_of(window)
    qtbot.waitUntil(lambda: getattr(chart.timeline(), "by", None) == "source")
    timeline = chart.timeline()
    assert timeline is not None
    assert timeline.groups == (CHINA_DAILY, None)  # equal totals: named first
    assert chart.shown_groups() == [CHINA_DAILY, None]
    qtbot.mouseMove(chart, bar_centre(chart, "2019-W01"))
    assert chart.toolTip().splitlines()[1:] == ["1 article", f"{CHINA_DAILY}: 1"]
    qtbot.mouseMove(chart, bar_centre(chart, "2018-W37"))
    assert chart.toolTip().splitlines()[1:] == ["1 article", "(no source): 1"]


def test_the_timeline_follows_the_search(qtbot: QtBot, window: MainWindow) -> None:
    edit = window.search_bar.edit
    qtbot.keyClicks(edit, "Eastern Economic Forum")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "for “Eastern Economic Forum”" in window.list_header.text())
    listed = len(titles(window))
    assert 1 <= listed < 2
    qtbot.waitUntil(lambda: "for “Eastern" in window.timeline_panel.summary.text())
    timeline = chart_of(window).timeline()
    assert timeline is not None and timeline.total == listed
    assert "for “Eastern Economic Forum”" in window.timeline_panel.summary.text()
    edit.clear()  # the clear button's way: the whole library again
    qtbot.waitUntil(lambda: chart_of(window).timeline().total == 2)  # type: ignore[union-attr]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_bars_and_labels_stand_out_in_each_theme(
    qtbot: QtBot, window: MainWindow, theme: str
) -> None:
    window.set_theme(theme)
    by_month(qtbot, window)
    chart = chart_of(window)
    image = chart.grab().toImage()
    background = image.pixelColor(chart.width() - 3, 3)
    bar = image.pixelColor(bar_centre(chart, "2018-09"))
    assert bar != background
    assert abs(bar.lightnessF() - background.lightnessF()) > 0.15, (bar.name(), background.name())
    # The period labels are drawn in a colour that differs from the background.
    text_rows = range(chart.height() - chart.fontMetrics().height() - 3, chart.height() - 3)
    labels = {
        image.pixelColor(x, y).name() for y in text_rows for x in range(40, chart.width() - 10)
    }
    assert len(labels - {background.name()}) > 1, theme


def test_a_bar_with_many_sources_names_the_largest_and_sums_the_rest(qtbot: QtBot) -> None:
    rows = [
        (n, date(2018, 9, 14), f"Outlet {source}")
        for n, source in enumerate(s for s in range(12) for _ in range(s + 1))
    ]
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(400, 160)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_timeline(build_timeline(rows, step="day", by="source"))
    qtbot.mouseMove(chart, bar_centre(chart, "2018-09-14"))
    lines = chart.toolTip().splitlines()
    assert lines[:2] == ["2018-09-14", f"{len(rows)} articles"]
    assert lines[2:10] == [f"Outlet {s}: {s + 1}" for s in range(11, 3, -1)]
    assert lines[10:] == ["4 more sources: 10"]  # outlets 0-3: 1 + 2 + 3 + 4
    assert chart.shown_groups() == [f"Outlet {s}" for s in range(11, 5, -1)]
    assert chart.has_other()
