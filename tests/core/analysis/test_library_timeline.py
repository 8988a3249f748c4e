"""``Library.timeline``: the store's dates, filters, searches and name spellings."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.errors import CoverageReaderError
from reader.core.library import Library
from reader.core.models import ArticleFilter


def article(day: str, title: str, body: str) -> str:
    return f"{title}\n\ndate {day}\n\n{body}\n"


@pytest.fixture
def lib(library: Library, tmp_path: Path) -> Library:
    """The seeds and three articles of September 2018, one in Russian."""
    folder = tmp_path / "more"
    folder.mkdir()
    texts = {
        "a.txt": article("2018-09-11", "Gas talks in Vladivostok",
                         "MOSCOW (Reuters) - Gazprom and CNPC discussed a second pipeline."),
        "b.txt": article("2018-09-12", "Forum ends with deals",
                         "BEIJING (Xinhua) - The Eastern Economic Forum closed with deals."),
        "c.txt": article("2018-09-12", "Путин встретился с Си Цзиньпином",
                         "Президент России Владимир Путин провёл переговоры во Владивостоке."),
    }  # fmt: skip
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    report = library.import_paths([folder])
    assert report.imported == 3, report.failed
    return library


def counts(timeline: object) -> dict[str, int]:
    return {b.period: b.count for b in timeline.buckets if b.count}  # type: ignore[attr-defined]


def test_months_of_the_library(lib: Library) -> None:
    timeline = lib.timeline(step="month")
    assert counts(timeline) == {"2018-09": 4, "2019-01": 1}
    assert timeline.total == 5 and timeline.undated == 0


def test_by_source(lib: Library) -> None:
    timeline = lib.timeline(step="month", by="source")
    september = timeline.buckets[0]
    assert september.groups == {"Reuters": 1, "Xinhua": 1, None: 2}
    # Largest first (two articles name no source), then equals by name.
    assert timeline.groups == (None, "China Daily/Asia News Network", "Reuters", "Xinhua")


def test_a_search_and_a_filter_narrow_it(lib: Library) -> None:
    assert counts(lib.timeline(step="day", query="pipeline")) == {"2018-09-11": 1}
    assert counts(lib.timeline(step="month", where=ArticleFilter(language="ru"))) == {"2018-09": 1}
    # Name spellings: "putin" alone misses the Russian article, all spellings find it.
    plain = lib.timeline(step="month", query="putin")
    widened = lib.timeline(step="month", query="putin", all_spellings=True)
    assert widened.total == plain.total + 1


def test_the_day_is_the_one_the_date_filter_uses(lib: Library) -> None:
    """Clicking a period filters by its days: the same articles as the bar counted."""
    timeline = lib.timeline(step="day")
    for bucket in timeline.buckets:
        listed = lib.list_articles(where=ArticleFilter(date_from=bucket.start, date_to=bucket.end))
        assert len(listed) == bucket.count, bucket.period


def test_bad_choices_are_explained(lib: Library) -> None:
    with pytest.raises(CoverageReaderError, match="source or tag"):
        lib.timeline(by="author")
    with pytest.raises(CoverageReaderError, match="day, week, month"):
        lib.timeline(step="year")  # type: ignore[arg-type]


def test_an_empty_library(empty_library: Library) -> None:
    timeline = empty_library.timeline()
    assert timeline.buckets == () and timeline.total == 0 and timeline.peak is None
