"""The article list model: lazy pages, sorting and filtering in SQLite, search mode."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.core.models import ArticleFilter, ArticleSummary, SearchHit, SearchPage
from reader.ui.models import ArticleTableModel

GENERATED = 1050
SEEDS = 2
SOURCES = ("Alpha Wire", "Beta Times", "Gamma Post")
FIRST_DAY = date(2000, 1, 1)
SEED_DATED = "Chinese President Xi Jinping and Russian President Vladimir Putin have agreed…"
SEED_TIMED = "Xi and Putin vow to enhance ties between China and Russia"

DisplayRole = Qt.ItemDataRole.DisplayRole


def write_jsonl(folder: Path, count: int, *, start: int = 0, name: str = "articles") -> Path:
    """``count`` articles with distinct titles, one day apart, three sources, tagged
    even/odd, each mentioning Vladivostok."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(start, start + count):
        lines.append(
            json.dumps(
                {
                    "title": f"Generated story {i:04d}",
                    "body": f"Body number {i} about Vladivostok and item{i}.",
                    "date": (FIRST_DAY + timedelta(days=i)).isoformat(),
                    "source": SOURCES[i % 3],
                    "tags": ["even"] if i % 2 == 0 else ["odd"],
                }
            )
        )
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def big_library(library: Library, tmp_path: Path) -> Library:
    """The seeded library plus 1,050 generated articles."""
    report = library.import_paths([write_jsonl(tmp_path / "in", GENERATED)])
    assert report.imported == GENERATED, report.problems
    return library


def titles(model: ArticleTableModel, count: int | None = None) -> list[str]:
    rows = model.rowCount() if count is None else count
    return [model.data(model.index(r, ArticleTableModel.TITLE)) for r in range(rows)]


def column(model: ArticleTableModel, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def id_of(library: Library, title: str) -> int:
    for summary in library.list_articles():
        if summary.title == title:
            return summary.id
    raise AssertionError(f"no article titled {title!r}")


def generated_id(library: Library, number: int) -> int:
    return id_of(library, f"Generated story {number:04d}")


def fetch_all(model: ArticleTableModel) -> None:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())


# -- model conformance ----------------------------------------------------------------------


def test_model_tester_list_mode(qtmodeltester: ModelTester, big_library: Library) -> None:
    model = ArticleTableModel(big_library, page_size=50)
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    model.sort(ArticleTableModel.SOURCE, Qt.SortOrder.AscendingOrder)
    model.set_filter(ArticleFilter(tag="even"))
    model.update_articles([model.article_id(0)])
    model.refresh()
    assert model.filter() == ArticleFilter(tag="even")
    assert model.total() == GENERATED // 2
    assert all("even" in model.summary(r).tags for r in range(model.rowCount()))


def test_model_tester_search_mode(qtmodeltester: ModelTester, big_library: Library) -> None:
    model = ArticleTableModel(big_library, page_size=30)
    model.set_search(big_library.search("Vladivostok", limit=100))
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    model.sort(ArticleTableModel.TITLE, Qt.SortOrder.DescendingOrder)
    model.sort(-1, Qt.SortOrder.AscendingOrder)
    model.clear_search()
    assert model.mode() == "list"


def test_headers_and_columns(library: Library) -> None:
    model = ArticleTableModel(library)
    assert model.columnCount() == 5
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Title", "Source", "Date", "Highlights", "Language"]
    assert model.headerData(5, Qt.Orientation.Horizontal) is None
    assert model.rowCount(model.index(0, 0)) == 0  # a flat table
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(5, 0)) is None


def test_page_size_must_be_positive(library: Library) -> None:
    with pytest.raises(ValueError, match="page_size"):
        ArticleTableModel(library, page_size=0)


# -- roles ----------------------------------------------------------------------------------


def test_display_roles_and_dates(library: Library) -> None:
    model = ArticleTableModel(library)
    assert model.rowCount() == SEEDS
    assert titles(model) == [SEED_DATED, SEED_TIMED]  # newest first by default
    assert column(model, ArticleTableModel.SOURCE) == ["China Daily/Asia News Network", ""]
    assert column(model, ArticleTableModel.DATE) == ["2019-01-02", "2018-09-14 21:09"]
    assert column(model, ArticleTableModel.HIGHLIGHTS) == ["", ""]


def test_custom_roles(library: Library) -> None:
    model = ArticleTableModel(library)
    index = model.index(1, ArticleTableModel.SOURCE)
    summary = model.data(index, ArticleTableModel.SummaryRole)
    assert isinstance(summary, ArticleSummary)
    assert summary.title == SEED_TIMED
    assert model.data(index, ArticleTableModel.ArticleIdRole) == summary.id
    assert model.data(index, ArticleTableModel.IsReadRole) is False
    assert model.data(index, ArticleTableModel.SnippetRole) == ""
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == SEED_TIMED
    assert model.summary(1) == summary
    assert model.article_id(1) == summary.id
    assert model.row_of(summary.id) == 1
    assert model.row_of(999_999) is None


def test_highlight_count_column_is_right_aligned(library: Library) -> None:
    model = ArticleTableModel(library)
    article = id_of(library, SEED_TIMED)
    library.highlight_quote(article, "Vladivostok", color="green")
    library.highlight_quote(article, "President Xi")
    model.update_articles([article])
    row = model.row_of(article)
    assert row is not None
    count = model.index(row, ArticleTableModel.HIGHLIGHTS)
    assert model.data(count) == "2"
    alignment = Qt.AlignmentFlag(model.data(count, Qt.ItemDataRole.TextAlignmentRole))
    assert alignment & Qt.AlignmentFlag.AlignRight
    title_alignment = Qt.AlignmentFlag(
        model.data(model.index(row, 0), Qt.ItemDataRole.TextAlignmentRole)
    )
    assert not title_alignment & Qt.AlignmentFlag.AlignRight


def test_unread_rows_are_bold_and_read_rows_are_not(qtbot: QtBot, library: Library) -> None:
    model = ArticleTableModel(library)
    for row in range(model.rowCount()):
        font = model.data(model.index(row, 0), Qt.ItemDataRole.FontRole)
        assert isinstance(font, QFont)
        assert font.bold()
    article = model.article_id(0)
    library.set_read(article)
    model.update_articles([article])
    font = model.data(model.index(0, 0), Qt.ItemDataRole.FontRole)
    assert font is None or not font.bold()
    assert model.data(model.index(0, 0), ArticleTableModel.IsReadRole) is True
    # The other row is untouched.
    other = model.data(model.index(1, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(other, QFont)
    assert other.bold()


# -- lazy fetching --------------------------------------------------------------------------


def test_rows_are_fetched_a_page_at_a_time(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    assert model.page_size == 200
    assert model.total() == GENERATED + SEEDS
    assert model.rowCount() == 200
    assert model.canFetchMore(QModelIndex())
    assert not model.canFetchMore(model.index(0, 0))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    fetch_all(model)
    assert model.rowCount() == GENERATED + SEEDS
    assert not model.canFetchMore(QModelIndex())
    ids = model.loaded_ids()
    assert len(set(ids)) == len(ids)  # no article twice across pages


def test_fetch_more_emits_row_insertions(qtbot: QtBot, big_library: Library) -> None:
    model = ArticleTableModel(big_library, page_size=100)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.fetchMore(QModelIndex())
    assert inserted == [(100, 199)]


def test_a_view_scrolled_to_the_bottom_fetches_more(qtbot: QtBot, big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    before = model.rowCount()
    assert before == 200
    view.scrollToBottom()
    QApplication.processEvents()
    after = model.rowCount()
    assert before < after < model.total()  # one more page, not everything
    view.scrollToBottom()
    QApplication.processEvents()
    assert after < model.rowCount() < model.total()


# -- sorting --------------------------------------------------------------------------------


def test_default_sort_is_newest_first(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    assert model.sort_column() == -1
    assert titles(model, 4) == [
        SEED_DATED,
        SEED_TIMED,
        "Generated story 1049",
        "Generated story 1048",
    ]


@pytest.mark.parametrize(
    ("col", "order", "expected"),
    [
        (
            ArticleTableModel.TITLE,
            Qt.SortOrder.AscendingOrder,
            [SEED_DATED, "Generated story 0000", "Generated story 0001"],
        ),
        (
            ArticleTableModel.TITLE,
            Qt.SortOrder.DescendingOrder,
            [SEED_TIMED, "Generated story 1049", "Generated story 1048"],
        ),
        (
            ArticleTableModel.DATE,
            Qt.SortOrder.AscendingOrder,
            ["Generated story 0000", "Generated story 0001", "Generated story 0002"],
        ),
        (
            ArticleTableModel.DATE,
            Qt.SortOrder.DescendingOrder,
            [SEED_DATED, SEED_TIMED, "Generated story 1049"],
        ),
        (
            ArticleTableModel.SOURCE,
            Qt.SortOrder.AscendingOrder,
            # Alpha Wire holds the multiples of three; newest first within a source.
            ["Generated story 1047", "Generated story 1044", "Generated story 1041"],
        ),
        (
            ArticleTableModel.SOURCE,
            Qt.SortOrder.DescendingOrder,
            ["Generated story 1049", "Generated story 1046", "Generated story 1043"],
        ),
    ],
)
def test_sorting_each_column_in_sqlite(
    big_library: Library, col: int, order: Qt.SortOrder, expected: list[str]
) -> None:
    model = ArticleTableModel(big_library)
    model.sort(col, order)
    assert model.sort_column() == col
    assert model.sort_order() == order
    assert titles(model, 3) == expected
    assert model.rowCount() == 200  # still one page


def test_source_sort_puts_articles_without_source_last(library: Library) -> None:
    model = ArticleTableModel(library)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(ArticleTableModel.SOURCE, order)
        assert titles(model) == [SEED_DATED, SEED_TIMED]


def test_sorting_by_highlight_count(big_library: Library) -> None:
    most = generated_id(big_library, 500)
    big_library.highlight_quote(most, "Vladivostok")
    big_library.highlight_quote(most, "Body number")
    big_library.highlight_quote(id_of(big_library, SEED_TIMED), "Vladivostok")
    model = ArticleTableModel(big_library)
    model.sort(ArticleTableModel.HIGHLIGHTS, Qt.SortOrder.DescendingOrder)
    assert titles(model, 2) == ["Generated story 0500", SEED_TIMED]
    assert column(model, ArticleTableModel.HIGHLIGHTS)[:3] == ["2", "1", ""]
    model.sort(ArticleTableModel.HIGHLIGHTS, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, ArticleTableModel.HIGHLIGHTS)) == ""


def test_sort_is_remembered_by_set_filter_and_refresh(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.sort(ArticleTableModel.TITLE, Qt.SortOrder.AscendingOrder)
    model.set_filter(ArticleFilter(source="Beta Times"))
    assert titles(model, 2) == ["Generated story 0001", "Generated story 0004"]
    model.refresh()
    assert titles(model, 2) == ["Generated story 0001", "Generated story 0004"]
    model.sort(-1, Qt.SortOrder.AscendingOrder)  # back to the default, newest first
    assert titles(model, 1) == ["Generated story 1048"]


def test_sort_emits_a_reset(qtbot: QtBot, library: Library) -> None:
    model = ArticleTableModel(library)
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.sort(ArticleTableModel.TITLE, Qt.SortOrder.DescendingOrder)
    assert titles(model) == [SEED_TIMED, SEED_DATED]


# -- filters --------------------------------------------------------------------------------


def test_filter_by_source(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(source="Beta Times"))
    assert model.total() == GENERATED // 3
    fetch_all(model)
    assert model.rowCount() == GENERATED // 3
    assert set(column(model, ArticleTableModel.SOURCE)) == {"Beta Times"}
    assert model.filter() == ArticleFilter(source="Beta Times")


def test_filter_by_tag_ignores_case(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(tag="EVEN"))
    assert model.total() == GENERATED // 2
    assert all("even" in model.summary(r).tags for r in range(model.rowCount()))


def test_filter_by_read_state(big_library: Library) -> None:
    read = [generated_id(big_library, n) for n in (3, 30, 300)]
    for article in read:
        big_library.set_read(article)
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(read=True))
    assert model.total() == 3
    assert sorted(model.loaded_ids()) == sorted(read)
    model.set_filter(ArticleFilter(read=False))
    assert model.total() == GENERATED + SEEDS - 3
    assert not set(read) & set(model.loaded_ids())


def test_filter_by_highlights(big_library: Library) -> None:
    marked = generated_id(big_library, 7)
    big_library.highlight_quote(marked, "Vladivostok")
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(has_highlights=True))
    assert model.total() == 1
    assert model.loaded_ids() == [marked]
    model.set_filter(ArticleFilter(has_highlights=False))
    assert model.total() == GENERATED + SEEDS - 1


def test_filter_by_date_range(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.set_filter(
        ArticleFilter(date_from=FIRST_DAY + timedelta(days=10), date_to=FIRST_DAY + timedelta(19))
    )
    assert model.total() == 10
    assert model.rowCount() == 10
    assert not model.canFetchMore(QModelIndex())
    assert titles(model, 2) == ["Generated story 0019", "Generated story 0018"]


def test_empty_filter_and_none_show_everything(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(source="Beta Times"))
    model.set_filter(ArticleFilter())
    assert model.total() == GENERATED + SEEDS
    assert model.filter() is None
    model.set_filter(None)
    assert model.total() == GENERATED + SEEDS


def test_filter_matching_nothing(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(source="Nobody"))
    assert model.rowCount() == 0
    assert model.total() == 0
    assert not model.canFetchMore(QModelIndex())


# -- search mode ----------------------------------------------------------------------------


def test_search_mode_keeps_rank_order_and_snippets(library: Library) -> None:
    page = library.search("Putin")
    assert len(page.hits) == 2
    model = ArticleTableModel(library)
    model.set_search(page)
    assert model.mode() == "search"
    assert model.search_page() is page
    assert model.loaded_ids() == [hit.article_id for hit in page.hits]
    assert model.total() == page.total
    for row, hit in enumerate(page.hits):
        index = model.index(row, ArticleTableModel.TITLE)
        snippet = model.data(index, ArticleTableModel.SnippetRole)
        assert snippet == hit.snippet
        assert "<mark>Putin</mark>" in snippet
        tooltip = model.data(index, Qt.ItemDataRole.ToolTipRole)
        assert tooltip.startswith(model.summary(row).title)
        assert "Putin" in tooltip
        assert "<mark>" not in tooltip


def test_search_tooltip_is_plain_text(library: Library) -> None:
    first, second = (s.id for s in library.list_articles())
    page = SearchPage(
        query="chips",
        hits=(
            SearchHit(second, 2.0, "Fish &amp; <mark>chips</mark> &lt;b&gt; &quot;hot&quot;"),
            SearchHit(first, 1.0, "more <mark>chips</mark>"),
        ),
        total=2,
    )
    model = ArticleTableModel(library)
    model.set_search(page)
    assert model.loaded_ids() == [second, first]
    tooltip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tooltip == f'{SEED_TIMED}\n\nFish & chips <b> "hot"'
    assert model.data(model.index(0, 2), ArticleTableModel.SnippetRole) == page.hits[0].snippet


def test_search_mode_is_lazy(big_library: Library) -> None:
    page = big_library.search("Vladivostok", limit=2000)
    assert len(page.hits) == GENERATED + 1
    model = ArticleTableModel(big_library, page_size=100)
    model.set_search(page)
    assert model.rowCount() == 100
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    assert model.loaded_ids() == [h.article_id for h in page.hits[:200]]
    assert model.total() == page.total


def test_search_mode_column_sort_and_rank_restored(big_library: Library) -> None:
    page = big_library.search("Vladivostok", limit=50)
    model = ArticleTableModel(big_library, page_size=20)
    model.set_search(page)
    rank = [h.article_id for h in page.hits[:20]]
    assert model.loaded_ids() == rank

    model.sort(ArticleTableModel.TITLE, Qt.SortOrder.AscendingOrder)
    fetch_all(model)
    shown = titles(model)
    assert len(shown) == len(page.hits)
    assert shown == sorted(shown, key=str.casefold)

    model.sort(ArticleTableModel.DATE, Qt.SortOrder.DescendingOrder)
    fetch_all(model)
    dates = [model.summary(r).date for r in range(model.rowCount())]
    keys = [d.as_datetime() for d in dates if d is not None]
    assert keys == sorted(keys, reverse=True)

    model.sort(ArticleTableModel.SOURCE, Qt.SortOrder.AscendingOrder)
    fetch_all(model)
    sources = [model.summary(r).source or "" for r in range(model.rowCount())]
    named = [s for s in sources if s]
    assert named == sorted(named, key=str.casefold)
    assert sources[len(named) :] == [""] * (len(sources) - len(named))  # no source: last

    model.sort(-1, Qt.SortOrder.AscendingOrder)
    assert model.loaded_ids() == rank
    assert model.sort_column() == -1


def test_search_mode_sort_by_highlights(library: Library) -> None:
    page = library.search("Putin")
    low_rank = page.hits[-1].article_id
    library.highlight_quote(low_rank, "Vladimir Putin")
    model = ArticleTableModel(library)
    model.set_search(page)
    model.sort(ArticleTableModel.HIGHLIGHTS, Qt.SortOrder.DescendingOrder)
    assert model.article_id(0) == low_rank
    assert model.data(model.index(0, ArticleTableModel.HIGHLIGHTS)) == "1"


def test_clear_search_returns_to_the_filtered_list(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    model.sort(ArticleTableModel.TITLE, Qt.SortOrder.AscendingOrder)
    model.set_filter(ArticleFilter(source="Gamma Post"))
    model.set_search(big_library.search("Putin"))
    assert model.total() == 2
    assert model.sort_column() == -1  # a search starts in rank order
    model.clear_search()
    assert model.mode() == "list"
    assert model.search_page() is None
    assert model.filter() == ArticleFilter(source="Gamma Post")
    assert model.total() == GENERATED // 3
    assert model.sort_column() == ArticleTableModel.TITLE
    assert titles(model, 1) == ["Generated story 0002"]
    assert model.data(model.index(0, 0), ArticleTableModel.SnippetRole) == ""


def test_search_refresh_keeps_a_column_sort(library: Library) -> None:
    model = ArticleTableModel(library)
    model.set_search(library.search("Putin"))
    model.sort(ArticleTableModel.TITLE, Qt.SortOrder.AscendingOrder)
    assert titles(model) == [SEED_DATED, SEED_TIMED]
    library.update_metadata(id_of(library, SEED_TIMED), title="A renamed story")
    model.refresh()
    assert titles(model) == ["A renamed story", SEED_DATED]
    assert model.sort_column() == ArticleTableModel.TITLE


def test_search_refresh_drops_deleted_articles(library: Library) -> None:
    page = library.search("Putin")
    gone = page.hits[0].article_id
    model = ArticleTableModel(library)
    model.set_search(page)
    library.delete_article(gone, keep_highlights=False)
    model.refresh()
    assert model.mode() == "search"
    assert model.loaded_ids() == [page.hits[1].article_id]
    assert model.total() == 1


# -- refresh and updates --------------------------------------------------------------------


def test_refresh_keeps_the_rows_fetched(qtbot: QtBot, big_library: Library, tmp_path: Path) -> None:
    model = ArticleTableModel(big_library)
    model.set_filter(ArticleFilter(tag="odd"))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    big_library.import_paths([write_jsonl(tmp_path / "more", 6, start=5000, name="more")])
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset], timeout=1000):
        model.refresh()
    assert model.rowCount() >= 400
    assert model.total() == GENERATED // 2 + 3
    assert model.filter() == ArticleFilter(tag="odd")
    # Newest first: the new odd articles (5001, 5003, 5005) lead the list.
    assert titles(model, 3) == [
        "Generated story 5005",
        "Generated story 5003",
        "Generated story 5001",
    ]


def test_refresh_after_a_delete(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    gone = model.article_id(3)
    big_library.delete_article(gone, keep_highlights=False)
    model.refresh()
    assert model.row_of(gone) is None
    assert model.total() == GENERATED + SEEDS - 1
    assert model.rowCount() == 200


def test_update_articles_signals_only_that_row(big_library: Library) -> None:
    model = ArticleTableModel(big_library)
    changed: list[tuple[int, int, int, int]] = []

    def record(top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        changed.append((top.row(), bottom.row(), top.column(), bottom.column()))

    model.dataChanged.connect(record)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    persistent = QPersistentModelIndex(model.index(5, 0))

    article = model.article_id(5)
    big_library.set_read(article)
    big_library.update_metadata(article, title="A corrected headline")
    model.update_articles([article])

    assert changed == [(5, 5, 0, 4)]  # every column of that row
    assert resets == []
    assert persistent.isValid()
    assert persistent.row() == 5
    assert model.data(model.index(5, 0)) == "A corrected headline"
    assert model.data(model.index(5, 0), ArticleTableModel.IsReadRole) is True


def test_update_articles_ignores_rows_not_loaded(big_library: Library) -> None:
    model = ArticleTableModel(big_library)  # newest 200 loaded: story 0000 is not
    oldest = generated_id(big_library, 0)
    assert model.row_of(oldest) is None
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=None: changed.append(top.row()))
    model.update_articles([oldest, 123_456_789])
    assert changed == []


def test_update_articles_in_search_mode(library: Library) -> None:
    page = library.search("Putin")
    model = ArticleTableModel(library)
    model.set_search(page)
    article = model.article_id(1)
    library.highlight_quote(article, "Vladimir Putin")
    model.update_articles([article])
    assert model.data(model.index(1, ArticleTableModel.HIGHLIGHTS)) == "1"
    assert model.data(model.index(1, 0), ArticleTableModel.SnippetRole) == page.hits[1].snippet
