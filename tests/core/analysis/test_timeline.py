"""The timeline's periods and counts (pure functions, no library)."""

from __future__ import annotations

from datetime import date

import pytest

from reader.core.analysis.timeline import (
    build_timeline,
    choose_step,
    period_bounds,
    period_of,
)


def test_the_step_follows_the_span() -> None:
    assert choose_step(date(2018, 9, 1), date(2018, 10, 30)) == "day"
    assert choose_step(date(2018, 9, 1), date(2019, 1, 2)) == "week"
    assert choose_step(date(2018, 9, 1), date(2020, 8, 31)) == "week"
    assert choose_step(date(2018, 9, 1), date(2021, 1, 1)) == "month"


def test_period_keys_and_their_bounds() -> None:
    day = date(2018, 9, 14)
    assert period_of(day, "day") == "2018-09-14"
    assert period_of(day, "week") == "2018-W37"
    assert period_of(day, "month") == "2018-09"
    assert period_bounds("2018-09-14") == (day, day)
    assert period_bounds("2018-W37") == (date(2018, 9, 10), date(2018, 9, 16))
    assert period_bounds("2018-09") == (date(2018, 9, 1), date(2018, 9, 30))
    assert period_bounds("2018-12") == (date(2018, 12, 1), date(2018, 12, 31))
    # ISO weeks cross years: 2019-01-01 is in the first week of 2019, which starts in 2018.
    assert period_of(date(2018, 12, 31), "week") == "2019-W01"
    assert period_bounds("2019-W01") == (date(2018, 12, 31), date(2019, 1, 6))
    for bad in ("2018", "2018-13", "2018-W54", "September", ""):
        with pytest.raises(ValueError):
            period_bounds(bad)


def test_every_period_between_first_and_last_is_there() -> None:
    rows = [
        (1, date(2018, 9, 14), None),
        (2, date(2019, 1, 2), None),
        (3, date(2018, 9, 11), None),
        (4, None, None),
    ]
    timeline = build_timeline(rows, step="month")
    assert [b.period for b in timeline.buckets] == [
        "2018-09", "2018-10", "2018-11", "2018-12", "2019-01"
    ]  # fmt: skip
    assert [b.count for b in timeline.buckets] == [2, 0, 0, 0, 1]
    assert timeline.total == 3 and timeline.undated == 1
    assert timeline.peak is not None and timeline.peak.period == "2018-09"
    assert timeline.bucket_of(date(2018, 11, 5)) == timeline.buckets[2]
    # Chosen by span: 2018-09-11 .. 2019-01-02 is 113 days, so weeks.
    auto = build_timeline(rows)
    assert auto.step == "week"
    assert auto.buckets[0].period == "2018-W37" and auto.buckets[0].count == 2
    assert auto.buckets[-1].period == "2019-W01" and auto.buckets[-1].count == 1
    assert len(auto.buckets) == 17
    assert all(b.end.toordinal() - b.start.toordinal() == 6 for b in auto.buckets)


def test_groups_split_each_period_and_an_article_counts_once() -> None:
    rows = [
        (1, date(2018, 9, 14), "Xinhua"),
        (2, date(2018, 9, 20), "TASS"),
        (3, date(2018, 9, 21), "Xinhua"),
        (4, date(2018, 10, 1), None),
        # Article 5 has two tags: once in the count, once in each group.
        (5, date(2018, 10, 2), "energy"),
        (5, date(2018, 10, 2), "trade"),
    ]
    timeline = build_timeline(rows, step="month", by="source")
    september, october = timeline.buckets
    assert september.count == 3 and dict(september.groups) == {"Xinhua": 2, "TASS": 1}
    assert october.count == 2 and dict(october.groups) == {None: 1, "energy": 1, "trade": 1}
    assert timeline.groups[0] == "Xinhua"  # the largest group first
    assert timeline.groups[-1] is None  # the unnamed group last among equals


def test_no_dated_articles_is_an_empty_timeline() -> None:
    timeline = build_timeline([(1, None, None)])
    assert timeline.buckets == () and timeline.undated == 1 and timeline.peak is None
