"""Articles over time: counts per day, ISO week or month, optionally split by a group
(the source or a tag).

The day of an article is the day of its sort date (UTC for a time with an offset), the
same day the date filter and ``date:`` queries use, so that choosing a period of the
timeline lists exactly the articles it counted.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

Step = Literal["day", "week", "month"]
STEPS: tuple[Step, ...] = ("day", "week", "month")

#: The longest span shown day by day, and week by week; longer spans go by month.
DAY_SPAN_DAYS = 62
WEEK_SPAN_DAYS = 2 * 366

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Bucket:
    """One period: its key (``2018-09-14``, ``2018-W37``, ``2018-09``), its first and
    last day, how many articles fall in it, and how many of them each group has (an
    article with two tags counts once in ``count`` and once in each tag)."""

    period: str
    start: date
    end: date
    count: int
    groups: Mapping[str | None, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Consecutive periods from the first dated article to the last (empty periods
    included), the groups by total (largest first) when split, and how many articles
    have no date at all (they are on no period)."""

    step: Step
    buckets: tuple[Bucket, ...]
    by: str | None = None
    groups: tuple[str | None, ...] = ()
    undated: int = 0

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def peak(self) -> Bucket | None:
        """The busiest period (the first of equals)."""
        return max(self.buckets, key=lambda b: b.count, default=None)

    def bucket_of(self, day: date) -> Bucket | None:
        key = period_of(day, self.step)
        return next((b for b in self.buckets if b.period == key), None)


def choose_step(first: date, last: date) -> Step:
    """Days for up to two months, weeks for up to two years, months beyond."""
    span = (last - first).days
    if span <= DAY_SPAN_DAYS:
        return "day"
    if span <= WEEK_SPAN_DAYS:
        return "week"
    return "month"


def period_of(day: date, step: Step) -> str:
    """The key of the period holding ``day``."""
    if step == "day":
        return day.isoformat()
    if step == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period key (its step is read from its form).
    Raises ValueError for anything else."""
    text = period.strip()
    if m := _DAY.fullmatch(text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := _WEEK.fullmatch(text):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday, monday + timedelta(days=6)
    if m := _MONTH.fullmatch(text):
        first = date(int(m[1]), int(m[2]), 1)
        return first, _month_after(first) - timedelta(days=1)
    raise ValueError(f"not a period: {period!r} (use 2018-09-14, 2018-W37 or 2018-09)")


def _start_of(day: date, step: Step) -> date:
    if step == "day":
        return day
    if step == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _next(start: date, step: Step) -> date:
    if step == "day":
        return start + timedelta(days=1)
    if step == "week":
        return start + timedelta(days=7)
    return _month_after(start)


def build_timeline(
    rows: Iterable[tuple[int, date | None, str | None]],
    *,
    step: Step | None = None,
    by: str | None = None,
) -> Timeline:
    """The timeline of ``rows``: (article id, day or None, group or None), one row per
    article and group (an article in several groups comes once for each). ``step``
    None chooses one from the span of the dates."""
    days: dict[int, date] = {}
    undated: set[int] = set()
    memberships: dict[int, set[str | None]] = defaultdict(set)
    for article_id, day, group in rows:
        if day is None:
            undated.add(article_id)
            continue
        days[article_id] = day
        if by is not None:
            memberships[article_id].add(group)
    if not days:
        return Timeline(step=step or "month", buckets=(), by=by, undated=len(undated))
    first, last = min(days.values()), max(days.values())
    chosen: Step = step if step is not None else choose_step(first, last)

    counts: Counter[date] = Counter()
    split: dict[date, Counter[str | None]] = defaultdict(Counter)
    totals: Counter[str | None] = Counter()
    for article_id, day in days.items():
        start = _start_of(day, chosen)
        counts[start] += 1
        for group in memberships.get(article_id, ()):
            split[start][group] += 1
            totals[group] += 1

    buckets: list[Bucket] = []
    start = _start_of(first, chosen)
    end_of_range = _start_of(last, chosen)
    while start <= end_of_range:
        following = _next(start, chosen)
        buckets.append(
            Bucket(
                period=period_of(start, chosen),
                start=start,
                end=following - timedelta(days=1),
                count=counts.get(start, 0),
                groups=dict(split.get(start, {})),
            )
        )
        start = following
    # Largest group first; equal totals by name, the unnamed group last.
    groups = tuple(sorted(totals, key=lambda g: (-totals[g], g is None, (g or "").casefold())))
    return Timeline(
        step=chosen, buckets=tuple(buckets), by=by, groups=groups, undated=len(undated - set(days))
    )
