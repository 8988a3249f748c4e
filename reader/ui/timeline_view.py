"""The timeline panel: articles per day, week or month as bars drawn with QPainter,
split by source or tag (stacked, the largest groups in colour, the rest as "other").

Hovering a bar says what it counts (its tooltip); clicking a bar, or dragging across
several, chooses that range of days, and the window filters the article list by it.
Colours come from the widget's palette, so the chart reads in light and dark themes.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.analysis import Bucket, Step, Timeline

#: Groups drawn in a colour of their own; the rest are stacked as "other".
MAX_GROUPS = 6
#: Qualitative colours (Tableau 10), distinguishable in light and dark themes.
GROUP_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2")
OTHER_COLOUR = "#9c9c9c"
OTHER_LABEL = "other"
NONE_LABELS = {"source": "(no source)", "tag": "(no tag)"}
PLURALS = {"source": "sources", "tag": "tags"}
#: Groups a bar's tooltip names (the largest in that period); the rest are summed up.
TOOLTIP_GROUPS = 8

_MARGIN_LEFT = 34
_MARGIN_RIGHT = 10
_MARGIN_TOP = 8
_LEGEND_GAP = 6


def group_label(group: str | None, by: str | None) -> str:
    if group is None:
        return NONE_LABELS.get(by or "", "(none)")
    return group


class TimelineChart(QWidget):
    """The bars. ``rangeChosen(first_day, last_day)`` when the user clicks or drags."""

    rangeChosen = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineChart")
        self.setAccessibleName("Timeline")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._timeline: Timeline | None = None
        self._hovered: int | None = None
        self._press: int | None = None
        self._drag: tuple[int, int] | None = None
        self._chosen: tuple[date, date] | None = None
        self._current = 0  # the bar the keyboard is on

    # -- data ---------------------------------------------------------------------------

    def set_timeline(self, timeline: Timeline | None) -> None:
        self._timeline = timeline
        self._hovered = None
        self._drag = None
        count = len(timeline.buckets) if timeline is not None else 0
        self._current = min(self._current, max(0, count - 1))
        self.setToolTip("")
        self.update()

    def timeline(self) -> Timeline | None:
        return self._timeline

    def set_chosen(self, chosen: tuple[date, date] | None) -> None:
        """The range of days the list is filtered by (shaded), or None."""
        self._chosen = chosen
        self.update()

    def shown_groups(self) -> list[str | None]:
        """The groups with a colour of their own, largest first."""
        if self._timeline is None or self._timeline.by is None:
            return []
        return list(self._timeline.groups[:MAX_GROUPS])

    def has_other(self) -> bool:
        return self._timeline is not None and len(self._timeline.groups) > MAX_GROUPS

    def hovered(self) -> Bucket | None:
        if self._timeline is None or self._hovered is None:
            return None
        return self._timeline.buckets[self._hovered]

    # -- geometry -----------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(600, 170)

    def _legend_height(self) -> int:
        return QFontMetrics(self.font()).height() + _LEGEND_GAP if self.shown_groups() else 0

    def _plot(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        top = _MARGIN_TOP + self._legend_height()
        bottom = self.height() - metrics.height() - 6
        return QRectF(
            _MARGIN_LEFT,
            top,
            max(1.0, self.width() - _MARGIN_LEFT - _MARGIN_RIGHT),
            max(1.0, bottom - top),
        )

    def bar_rect(self, index: int) -> QRectF:
        """Where bar ``index`` is (its whole column, full height)."""
        plot = self._plot()
        count = len(self._timeline.buckets) if self._timeline else 1
        step = plot.width() / max(1, count)
        return QRectF(plot.left() + index * step, plot.top(), step, plot.height())

    def index_at(self, x: float) -> int | None:
        if self._timeline is None or not self._timeline.buckets:
            return None
        plot = self._plot()
        if x < plot.left() or x > plot.right():
            return None
        step = plot.width() / len(self._timeline.buckets)
        return min(len(self._timeline.buckets) - 1, int((x - plot.left()) / step))

    # -- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        timeline = self._timeline
        if timeline is None or not timeline.buckets:
            painter.setPen(muted)
            message = "No dated articles to show." if timeline is not None else ""
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, message)
            painter.end()
            return
        plot = self._plot()
        peak = max(b.count for b in timeline.buckets) or 1
        metrics = QFontMetrics(self.font())

        # The chosen range, shaded behind its bars.
        highlight = palette.color(QPalette.ColorRole.Highlight)
        shade = QColor(highlight)
        shade.setAlpha(50)
        for index in self._shaded_indexes():
            painter.fillRect(self.bar_rect(index), shade)

        # Axis: the peak count and a base line.
        grid = QColor(muted)
        grid.setAlpha(90)
        painter.setPen(QPen(grid, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()))
        painter.setPen(muted)
        label_rect = QRectF(
            0, plot.top() - metrics.height() / 2, _MARGIN_LEFT - 4, metrics.height()
        )
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         str(peak))  # fmt: skip

        colours = self._colours()
        for index, bucket in enumerate(timeline.buckets):
            if not bucket.count:
                continue
            column = self.bar_rect(index)
            gap = min(2.0, column.width() * 0.15)
            x, width = column.left() + gap / 2, max(1.0, column.width() - gap)
            height = plot.height() * bucket.count / peak
            bottom = plot.bottom()
            for colour, part in self._segments(bucket, colours):
                piece = plot.height() * part / peak
                painter.fillRect(QRectF(x, bottom - piece, width, piece), colour)
                bottom -= piece
            if index == self._hovered:
                painter.setPen(QPen(text, 1))
                painter.drawRect(QRectF(x, plot.bottom() - height, width - 1, height))

        self._paint_period_labels(painter, plot, metrics, muted)
        self._paint_legend(painter, colours, metrics, text)
        if self.hasFocus():
            column = self.bar_rect(self._current)
            pen = QPen(highlight, 1, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(column.adjusted(0, 0, -1, -1))
        painter.end()

    def _colours(self) -> dict[str | None, QColor]:
        return {group: QColor(GROUP_COLOURS[i]) for i, group in enumerate(self.shown_groups())}

    def _segments(
        self, bucket: Bucket, colours: dict[str | None, QColor]
    ) -> list[tuple[QColor, int]]:
        """The coloured parts of a bar, bottom up (they add up to its count)."""
        if not colours:
            return [(self.palette().color(QPalette.ColorRole.Highlight), bucket.count)]
        parts = [(colour, bucket.groups.get(group, 0)) for group, colour in colours.items()]
        parts = [(c, n) for c, n in parts if n]
        shown = sum(n for _, n in parts)
        # The rest: other groups, and the difference an article in several tags makes.
        rest = max(0, bucket.count - shown)
        if rest:
            parts.append((QColor(OTHER_COLOUR), rest))
        total = sum(n for _, n in parts)
        if total > bucket.count:  # several tags each: scale to the article count
            return [(c, round(n * bucket.count / total) or 1) for c, n in parts]
        return parts

    def _paint_period_labels(
        self, painter: QPainter, plot: QRectF, metrics: QFontMetrics, colour: QColor
    ) -> None:
        assert self._timeline is not None
        buckets = self._timeline.buckets
        label_width = metrics.horizontalAdvance(buckets[0].period) + 12
        column = plot.width() / len(buckets)
        every = max(1, int(label_width / max(1.0, column)) + 1)
        painter.setPen(colour)
        y = plot.bottom() + 3
        for index in range(0, len(buckets), every):
            rect = QRectF(self.bar_rect(index).left(), y, label_width, metrics.height())
            if rect.right() > self.width():
                break
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             buckets[index].period)  # fmt: skip

    def _paint_legend(
        self,
        painter: QPainter,
        colours: dict[str | None, QColor],
        metrics: QFontMetrics,
        text: QColor,
    ) -> None:
        if not colours:
            return
        assert self._timeline is not None
        entries = [(group_label(g, self._timeline.by), c) for g, c in colours.items()]
        if self.has_other():
            entries.append((OTHER_LABEL, QColor(OTHER_COLOUR)))
        x = float(_MARGIN_LEFT)
        box = metrics.height() * 0.7
        for label, colour in entries:
            label = metrics.elidedText(label, Qt.TextElideMode.ElideRight, 160)
            width = box + 4 + metrics.horizontalAdvance(label) + 14
            if x + width > self.width() - _MARGIN_RIGHT:
                break
            painter.fillRect(
                QRectF(x, _MARGIN_TOP + (metrics.height() - box) / 2, box, box), colour
            )
            painter.setPen(text)
            painter.drawText(QPointF(x + box + 4, _MARGIN_TOP + metrics.ascent()), label)
            x += width

    def _shaded_indexes(self) -> list[int]:
        if self._timeline is None:
            return []
        if self._drag is not None:
            low, high = sorted(self._drag)
            return list(range(low, high + 1))
        if self._chosen is None:
            return []
        first, last = self._chosen
        return [
            i for i, b in enumerate(self._timeline.buckets) if b.end >= first and b.start <= last
        ]

    # -- what the user does -------------------------------------------------------------

    def tooltip_for(self, bucket: Bucket) -> str:
        """What a bar counts: the period, its days, the articles, and each group."""
        assert self._timeline is not None
        days = (
            bucket.start.isoformat()
            if bucket.start == bucket.end
            else f"{bucket.start.isoformat()} – {bucket.end.isoformat()}"
        )
        heading = f"{bucket.period} ({days})" if bucket.period != days else days
        lines = [heading, f"{bucket.count:,} article{'s' if bucket.count != 1 else ''}"]
        by = self._timeline.by
        if by is not None:
            present = [(g, bucket.groups[g]) for g in self._timeline.groups if bucket.groups.get(g)]
            present.sort(key=lambda item: -item[1])  # (stable: the overall order for ties)
            for group, count in present[:TOOLTIP_GROUPS]:
                lines.append(f"{group_label(group, by)}: {count:,}")
            rest = present[TOOLTIP_GROUPS:]
            if rest:
                more = sum(count for _, count in rest)
                lines.append(f"{len(rest):,} more {PLURALS.get(by, by)}: {more:,}")
        return "\n".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().x())
        if index != self._hovered:
            self._hovered = index
            bucket = self.hovered()
            self.setToolTip(self.tooltip_for(bucket) if bucket is not None else "")
            self.update()
        if self._press is not None and index is not None:
            self._drag = (self._press, index)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:
        self._hovered = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.index_at(event.position().x())
            if index is not None:
                self._press = index
                self._current = index
                self._drag = (index, index)
                self.update()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag is not None:
            low, high = sorted(self._drag)
            self._press = None
            self._drag = None
            self._choose(low, high)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        count = len(self._timeline.buckets) if self._timeline is not None else 0
        key = event.key()
        if count and key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            moves = {Qt.Key.Key_Left: self._current - 1, Qt.Key.Key_Right: self._current + 1,
                     Qt.Key.Key_Home: 0, Qt.Key.Key_End: count - 1}  # fmt: skip
            self._current = max(0, min(count - 1, moves[Qt.Key(key)]))
            bucket = self._timeline.buckets[self._current] if self._timeline else None
            self.setToolTip(self.tooltip_for(bucket) if bucket is not None else "")
            self.update()
            return
        if count and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._choose(self._current, self._current)
            return
        super().keyPressEvent(event)

    def _choose(self, low: int, high: int) -> None:
        assert self._timeline is not None
        first = self._timeline.buckets[low].start
        last = self._timeline.buckets[high].end
        self._chosen = (first, last)
        self.update()
        self.rangeChosen.emit(first, last)


class TimelinePanel(QWidget):
    """The chart with its choices: split by nothing, source or tag; the step; a summary
    line; and a button that clears the chosen range."""

    #: The split or the step changed: the window computes the timeline again.
    optionsChanged = Signal()
    rangeChosen = Signal(object, object)
    rangeCleared = Signal()

    STEP_CHOICES: tuple[tuple[str, Step | None], ...] = (
        ("Automatic", None), ("By day", "day"), ("By week", "week"), ("By month", "month"),
    )  # fmt: skip
    SPLIT_CHOICES: tuple[tuple[str, str | None], ...] = (
        ("All together", None), ("By source", "source"), ("By tag", "tag"),
    )  # fmt: skip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.chart = TimelineChart(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("timelineSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.split = QComboBox(self)
        self.split.setAccessibleName("Split the timeline")
        for label, value in self.SPLIT_CHOICES:
            self.split.addItem(label, value)
        self.step = QComboBox(self)
        self.step.setAccessibleName("Timeline step")
        for label, value in self.STEP_CHOICES:
            self.step.addItem(label, value)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("All dates")
        self.clear_button.setToolTip("Stop filtering the list by the chosen dates")
        self.clear_button.setEnabled(False)
        row = QHBoxLayout()
        row.setContentsMargins(6, 4, 6, 0)
        row.addWidget(self.summary, 1)
        row.addWidget(self.split)
        row.addWidget(self.step)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addLayout(row)
        layout.addWidget(self.chart, 1)
        self.split.currentIndexChanged.connect(lambda _i: self.optionsChanged.emit())
        self.step.currentIndexChanged.connect(lambda _i: self.optionsChanged.emit())
        self.chart.rangeChosen.connect(self._on_chosen)
        self.clear_button.clicked.connect(self.rangeCleared)

    def by(self) -> str | None:
        value = self.split.currentData()
        return str(value) if value else None

    def step_choice(self) -> Step | None:
        value = self.step.currentData()
        return value if value in ("day", "week", "month") else None

    def set_timeline(self, timeline: Timeline, *, searching: str | None = None) -> None:
        self.chart.set_timeline(timeline)
        if not timeline.buckets:
            self.summary.setText("No dated articles" + (f" for “{searching}”" if searching else ""))
            return
        peak = timeline.peak
        assert peak is not None
        what = f"{timeline.total:,} article{'s' if timeline.total != 1 else ''}"
        if searching:
            what += f" for “{searching}”"
        text = f"{what} by {timeline.step}; most in {peak.period} ({peak.count:,})"
        if timeline.undated:
            text += f"; {timeline.undated:,} without a date"
        self.summary.setText(text)

    def set_chosen(self, chosen: tuple[date, date] | None) -> None:
        self.chart.set_chosen(chosen)
        self.clear_button.setEnabled(chosen is not None)

    def _on_chosen(self, first: date, last: date) -> None:
        self.clear_button.setEnabled(True)
        self.rangeChosen.emit(first, last)
