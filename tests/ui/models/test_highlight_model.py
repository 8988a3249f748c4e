"""The highlights list: model, filter proxy and card delegate."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from reader.core.annotations.model import Highlight
from reader.core.library import Library
from reader.ui.models import HighlightDelegate, HighlightFilterProxy, HighlightTableModel
from reader.ui.models.highlights import bar_color
from reader.ui.palette import swatch

TIMED = "Xi and Putin vow to enhance ties between China and Russia"
DisplayRole = Qt.ItemDataRole.DisplayRole


@dataclass
class Marked:
    """A library with four highlights: three on the "Xi and Putin" article, and one on
    the other seed, whose article was deleted (so the highlight is an orphan)."""

    library: Library
    article: int
    deleted: int
    vladivostok: Highlight
    president: Highlight
    putin: Highlight
    orphan: Highlight


def article_id(library: Library, title: str) -> int:
    return next(s.id for s in library.list_articles() if s.title == title)


@pytest.fixture
def marked(library: Library) -> Marked:
    article = article_id(library, TIMED)
    other = next(s.id for s in library.list_articles() if s.id != article)
    vladivostok = library.highlight_quote(
        article, "Vladivostok", color="green", note="n", tags=["x"]
    )
    president = library.highlight_quote(
        article, "President Xi", color="yellow", note="Second note\nmore", tags=["Leaders"]
    )
    putin = library.highlight_quote(article, "Vladimir Putin", color="blue")
    kept = library.highlight_quote(
        other, "Belt and Road", color="pink", note="Forum", tags=["trade", "x"]
    )
    library.delete_article(other, keep_highlights=True)
    orphan = library.highlight(kept.id)
    assert orphan.is_orphan
    return Marked(library, article, other, vladivostok, president, putin, orphan)


def quotes(model: HighlightTableModel | HighlightFilterProxy) -> list[str]:
    return [model.data(model.index(r, HighlightTableModel.QUOTE)) for r in range(model.rowCount())]


# -- the model ------------------------------------------------------------------------------


def test_model_tester_on_the_model(qtmodeltester: ModelTester, marked: Marked) -> None:
    model = HighlightTableModel(marked.library)
    qtmodeltester.check(model)
    model.set_scope(marked.article)
    model.refresh()
    assert model.rowCount() == 3


def test_headers(marked: Marked) -> None:
    model = HighlightTableModel(marked.library)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Colour", "Quote", "Note", "Tags", "Article", "Date"]


def test_article_scope_is_in_text_order(marked: Marked) -> None:
    model = HighlightTableModel(marked.library, article_id=marked.article)
    assert model.scope() == marked.article
    shown = [model.highlight(r) for r in range(model.rowCount())]
    assert [h.start for h in shown] == sorted(h.start for h in shown)
    assert {h.exact for h in shown} == {"Vladivostok", "President Xi", "Vladimir Putin"}
    assert not any(h.is_orphan for h in shown)


def test_library_scope_includes_orphans(marked: Marked) -> None:
    model = HighlightTableModel(marked.library, article_id=marked.article)
    model.set_scope(None)
    assert model.scope() is None
    assert model.rowCount() == 4
    assert set(quotes(model)) == {"Vladivostok", "President Xi", "Vladimir Putin", "Belt and Road"}
    row = model.row_of(marked.orphan.id)
    assert row is not None
    assert model.data(model.index(row, 0), HighlightTableModel.IsOrphanRole) is True
    assert model.data(model.index(row, 0), HighlightTableModel.ArticleIdRole) is None
    assert model.row_of(999_999) is None


def test_display_and_custom_roles(marked: Marked) -> None:
    model = HighlightTableModel(marked.library, article_id=marked.article)
    row = model.row_of(marked.vladivostok.id)
    assert row is not None

    def cell(col: int, role: int = DisplayRole) -> object:
        return model.data(model.index(row, col), role)

    assert [cell(c) for c in range(model.columnCount())] == [
        "green",
        "Vladivostok",
        "n",
        "x",
        TIMED,
        "2018-09-14",
    ]
    decoration = cell(HighlightTableModel.COLOR, Qt.ItemDataRole.DecorationRole)
    assert isinstance(decoration, QColor)
    assert decoration == swatch("green")
    assert cell(HighlightTableModel.QUOTE, Qt.ItemDataRole.DecorationRole) is None
    tooltip = cell(HighlightTableModel.NOTE, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tooltip, str)
    assert "Vladivostok" in tooltip
    assert tooltip.endswith("n")
    h = cell(0, HighlightTableModel.HighlightRole)
    assert isinstance(h, Highlight)
    assert h.id == marked.vladivostok.id
    assert cell(3, HighlightTableModel.HighlightIdRole) == marked.vladivostok.id
    assert cell(1, HighlightTableModel.ColorRole) == "green"
    assert cell(1, HighlightTableModel.ArticleIdRole) == marked.article
    assert cell(1, HighlightTableModel.IsOrphanRole) is False
    assert model.highlight(row) == h


def test_tags_and_multi_line_notes_display(marked: Marked) -> None:
    model = HighlightTableModel(marked.library)
    orphan = model.row_of(marked.orphan.id)
    president = model.row_of(marked.president.id)
    assert orphan is not None
    assert president is not None
    assert model.data(model.index(orphan, HighlightTableModel.TAGS)) == "trade, x"
    assert model.data(model.index(president, HighlightTableModel.NOTE)) == "Second note more"
    # The orphan keeps its citation: the deleted article's title and date.
    assert model.data(model.index(orphan, HighlightTableModel.ARTICLE)).startswith("Chinese")
    assert model.data(model.index(orphan, HighlightTableModel.DATE)) == "2019-01-02"


def test_refresh_reads_changes(qtbot: QtBot, marked: Marked) -> None:
    model = HighlightTableModel(marked.library, article_id=marked.article)
    marked.library.edit_note(marked.putin.id, "A new note")
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.refresh()
    row = model.row_of(marked.putin.id)
    assert row is not None
    assert model.data(model.index(row, HighlightTableModel.NOTE)) == "A new note"
    marked.library.delete_highlights([marked.putin.id])
    model.refresh()
    assert model.row_of(marked.putin.id) is None
    assert model.rowCount() == 2


def test_empty_library_has_no_rows(empty_library: Library) -> None:
    model = HighlightTableModel(empty_library)
    assert model.rowCount() == 0
    assert model.data(model.index(0, 0)) is None


# -- the filter proxy -----------------------------------------------------------------------


def make_proxy(marked: Marked) -> tuple[HighlightTableModel, HighlightFilterProxy]:
    model = HighlightTableModel(marked.library)
    proxy = HighlightFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def test_model_tester_on_the_proxy(qtmodeltester: ModelTester, marked: Marked) -> None:
    model, proxy = make_proxy(marked)
    proxy.set_tag("x")
    qtmodeltester.check(proxy)
    assert sorted(quotes(proxy)) == ["Belt and Road", "Vladivostok"]
    proxy.set_section("placed")
    proxy.set_text("vlad")
    proxy.sort(HighlightTableModel.QUOTE, Qt.SortOrder.AscendingOrder)
    model.refresh()
    assert quotes(proxy) == ["Vladivostok"]


def test_proxy_keeps_the_source_order(marked: Marked) -> None:
    model, proxy = make_proxy(marked)
    assert proxy.rowCount() == model.rowCount() == 4
    assert quotes(proxy) == quotes(model)
    assert proxy.section() == "all"
    assert proxy.color() is None
    assert proxy.tag() is None
    assert proxy.text() == ""


def test_filter_by_colour(marked: Marked) -> None:
    _, proxy = make_proxy(marked)
    proxy.set_color("green")
    assert quotes(proxy) == ["Vladivostok"]
    proxy.set_color("purple")
    assert proxy.rowCount() == 0
    proxy.set_color(None)
    assert proxy.rowCount() == 4


def test_filter_by_tag_ignores_case(marked: Marked) -> None:
    _, proxy = make_proxy(marked)
    proxy.set_tag("leaders")
    assert quotes(proxy) == ["President Xi"]
    proxy.set_tag("X")
    assert sorted(quotes(proxy)) == ["Belt and Road", "Vladivostok"]
    proxy.set_tag("lead")  # a tag matches whole, not as a prefix
    assert proxy.rowCount() == 0
    proxy.set_tag(None)
    assert proxy.rowCount() == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VOSTOK", ["Vladivostok"]),  # quote
        ("second note", ["President Xi"]),  # note
        ("LEADERS", ["President Xi"]),  # tag
        ("xi and putin", ["President Xi", "Vladimir Putin", "Vladivostok"]),  # article title
        ("forum", ["Belt and Road"]),  # an orphan's note
        ("nothing like this", []),
        ("", ["Belt and Road", "President Xi", "Vladimir Putin", "Vladivostok"]),
    ],
)
def test_filter_by_text(marked: Marked, text: str, expected: list[str]) -> None:
    _, proxy = make_proxy(marked)
    proxy.set_text(text)
    assert sorted(quotes(proxy)) == expected


def test_filter_by_section(marked: Marked) -> None:
    _, proxy = make_proxy(marked)
    proxy.set_section("orphans")
    assert quotes(proxy) == ["Belt and Road"]
    assert proxy.index(0, 0).data(HighlightTableModel.IsOrphanRole) is True
    proxy.set_section("placed")
    assert sorted(quotes(proxy)) == ["President Xi", "Vladimir Putin", "Vladivostok"]
    proxy.set_section("all")
    assert proxy.rowCount() == 4
    with pytest.raises(ValueError, match="section"):
        proxy.set_section("elsewhere")  # type: ignore[arg-type]


def test_criteria_combine_and_clear(marked: Marked) -> None:
    _, proxy = make_proxy(marked)
    proxy.set_tag("x")
    proxy.set_section("placed")
    assert quotes(proxy) == ["Vladivostok"]
    proxy.set_color("yellow")
    assert proxy.rowCount() == 0
    proxy.clear_filters()
    assert proxy.rowCount() == 4


def test_filter_change_notifies_views(qtbot: QtBot, marked: Marked) -> None:
    _, proxy = make_proxy(marked)
    removed: list[tuple[int, int]] = []
    proxy.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    proxy.set_section("orphans")
    assert sum(last - first + 1 for first, last in removed) == 3
    removed.clear()
    proxy.set_section("orphans")  # unchanged: nothing happens
    assert removed == []


def test_proxy_helpers(marked: Marked) -> None:
    _, proxy = make_proxy(marked)
    proxy.set_section("placed")
    assert proxy.row_of(marked.orphan.id) is None
    row = proxy.row_of(marked.putin.id)
    assert row is not None
    assert proxy.highlight(row).id == marked.putin.id
    with pytest.raises(IndexError):
        proxy.highlight(10)


def test_proxy_sorts_by_column_and_back(marked: Marked) -> None:
    model, proxy = make_proxy(marked)
    proxy.sort(HighlightTableModel.QUOTE, Qt.SortOrder.AscendingOrder)
    assert quotes(proxy) == ["Belt and Road", "President Xi", "Vladimir Putin", "Vladivostok"]
    proxy.sort(HighlightTableModel.QUOTE, Qt.SortOrder.DescendingOrder)
    assert quotes(proxy) == ["Vladivostok", "Vladimir Putin", "President Xi", "Belt and Road"]
    proxy.sort(HighlightTableModel.COLOR, Qt.SortOrder.AscendingOrder)  # palette order
    colours = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert colours == ["yellow", "green", "blue", "pink"]
    proxy.sort(-1)
    assert quotes(proxy) == quotes(model)


# -- the delegate ---------------------------------------------------------------------------

LIGHT_BASE = QColor("#ffffff")
DARK_BASE = QColor("#1e1f22")


def palette(dark: bool) -> QPalette:
    pal = QPalette()
    base = DARK_BASE if dark else LIGHT_BASE
    text = QColor("#dcdde0") if dark else QColor("#1f2328")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Base, base)
        pal.setColor(group, QPalette.ColorRole.Window, base)
        pal.setColor(group, QPalette.ColorRole.Text, text)
        pal.setColor(group, QPalette.ColorRole.WindowText, text)
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor("#3d7bd9"))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return pal


@pytest.fixture
def list_view(qtbot: QtBot, marked: Marked) -> QListView:
    _, proxy = make_proxy(marked)
    view = QListView()
    qtbot.addWidget(view)
    proxy.setParent(view)
    view.setModel(proxy)
    view.setModelColumn(HighlightTableModel.QUOTE)
    view.setItemDelegate(HighlightDelegate(view))
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.resize(420, 500)
    return view


def option_for(view: QListView, width: int, height: int, dark: bool) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, width, height)
    option.palette = palette(dark)
    option.font = view.font()
    option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Active
    return option


def index_of(view: QListView, highlight_id: int) -> QModelIndex:
    proxy = view.model()
    assert isinstance(proxy, HighlightFilterProxy)
    row = proxy.row_of(highlight_id)
    assert row is not None
    return proxy.index(row, HighlightTableModel.QUOTE)


def paint(
    view: QListView, index: QModelIndex, *, dark: bool, selected: bool = False
) -> tuple[QImage, QStyleOptionViewItem]:
    delegate = view.itemDelegate()
    assert isinstance(delegate, HighlightDelegate)
    option = option_for(view, 400, 200, dark)
    size = delegate.sizeHint(option, index)
    option.rect = QRect(0, 0, 400, size.height())
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    image = QImage(400, size.height(), QImage.Format.Format_ARGB32)
    image.fill(DARK_BASE if dark else LIGHT_BASE)
    painter = QPainter(image)
    try:
        delegate.paint(painter, option, index)
    finally:
        painter.end()
    return image, option


def colours_in(image: QImage) -> set[int]:
    return {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}


def close(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    pairs = ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue()))
    return all(abs(x - y) <= tolerance for x, y in pairs)


def test_size_hint_uses_the_font(list_view: QListView, marked: Marked) -> None:
    delegate = list_view.itemDelegate()
    option = option_for(list_view, 400, 100, dark=False)
    short = delegate.sizeHint(option, index_of(list_view, marked.putin.id))
    line = list_view.fontMetrics().lineSpacing()
    assert isinstance(short, QSize)
    assert short.height() >= 2 * line  # the quote and the citation line, at least
    assert short.height() < 8 * line
    noted = delegate.sizeHint(option, index_of(list_view, marked.president.id))
    assert noted.height() > short.height()  # a note adds a line


def test_long_quotes_are_cut_at_three_lines(list_view: QListView, marked: Marked) -> None:
    library = marked.library
    text = library.get_article(marked.article).text
    long = library.add_highlight(marked.article, 0, min(len(text), 1500), color="purple")
    medium = library.add_highlight(marked.article, 0, 400, color="purple")
    model = list_view.model()
    assert isinstance(model, HighlightFilterProxy)
    source = model.sourceModel()
    assert isinstance(source, HighlightTableModel)
    source.refresh()
    delegate = list_view.itemDelegate()
    option = option_for(list_view, 400, 100, dark=False)
    line = list_view.fontMetrics().lineSpacing()
    short = delegate.sizeHint(option, index_of(list_view, marked.putin.id)).height()
    tall = delegate.sizeHint(option, index_of(list_view, long.id)).height()
    also_tall = delegate.sizeHint(option, index_of(list_view, medium.id)).height()
    assert tall == short + 2 * line  # three lines of quote, not forty
    assert also_tall == tall


@pytest.mark.parametrize("dark", [False, True])
def test_paints_a_placed_highlight(list_view: QListView, marked: Marked, dark: bool) -> None:
    image, option = paint(list_view, index_of(list_view, marked.vladivostok.id), dark=dark)
    middle = image.height() // 2
    # The colour bar, left, in a strong version of the highlight's colour.
    bar = QColor(image.pixel(9, middle))
    assert close(bar, bar_color("green", dark)), bar.name()
    # Text in the palette's text colour somewhere in the first line.
    text = option.palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    first_line = image.copy(20, 0, 380, option.fontMetrics.height() + 8)
    assert any(close(QColor(c), text, 40) for c in colours_in(first_line))
    # The background is left alone outside the card's drawing.
    assert QColor(image.pixel(399, middle)) == (DARK_BASE if dark else LIGHT_BASE)


def test_paints_an_orphan_with_a_hollow_bar(list_view: QListView, marked: Marked) -> None:
    image, _ = paint(list_view, index_of(list_view, marked.orphan.id), dark=False)
    placed, _ = paint(list_view, index_of(list_view, marked.putin.id), dark=False)
    middle = image.height() // 2
    outline = bar_color("pink", False)
    assert any(close(QColor(image.pixel(x, middle)), outline, 40) for x in range(7, 13))
    assert QColor(image.pixel(10, middle)) != QColor(placed.pixel(10, middle))
    # The "orphaned" marker is drawn in its warm colour.
    assert any(close(QColor(c), QColor("#a84f00"), 40) for c in colours_in(image))
    assert not any(close(QColor(c), QColor("#a84f00"), 20) for c in colours_in(placed))


def test_paints_selected_rows_in_the_highlight_colours(
    list_view: QListView, marked: Marked
) -> None:
    image, option = paint(
        list_view, index_of(list_view, marked.orphan.id), dark=True, selected=True
    )
    highlight = option.palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    assert close(QColor(image.pixel(398, image.height() // 2)), highlight, 30)
    found = colours_in(image)
    assert any(close(QColor(c), QColor("#ffffff"), 30) for c in found)  # highlighted text


def test_delegate_in_a_shown_view(qtbot: QtBot, list_view: QListView) -> None:
    list_view.show()
    qtbot.waitExposed(list_view)
    assert list_view.model().rowCount() == 4
    rects = [list_view.visualRect(list_view.model().index(r, 1)) for r in range(4)]
    assert all(r.height() > 0 for r in rects)
    assert all(a.bottom() < b.top() + 1 for a, b in itertools.pairwise(rects))
    list_view.grab()  # paints every row through the delegate


def test_delegate_falls_back_for_other_models(qtbot: QtBot) -> None:
    from PySide6.QtCore import QStringListModel

    view = QListView()
    qtbot.addWidget(view)
    model = QStringListModel(["plain"], view)
    view.setModel(model)
    delegate = HighlightDelegate(view)
    view.setItemDelegate(delegate)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    assert delegate.sizeHint(option, model.index(0, 0)).height() > 0
    view.grab()
