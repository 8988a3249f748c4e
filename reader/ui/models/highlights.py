"""The highlights list: a table model, a filter proxy and a delegate that draws a
highlight as a card (model + filter proxy + delegate, as Picard's log view does).

The model holds the highlights of one article (in text order) or of the whole library
(orphans included); the proxy filters them by colour, tag, text and section (placed or
orphaned); the delegate paints one highlight per row of a list view showing the quote
column of the proxy.
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPalette,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from reader.core.annotations.model import COLORS, Highlight
from reader.core.library import Library
from reader.ui.models.base import ReadOnlyTableModel
from reader.ui.palette import swatch

__all__ = [
    "HighlightDelegate",
    "HighlightFilterProxy",
    "HighlightTableModel",
    "Section",
]

_ROOT: Final = QModelIndex()

Section = Literal["placed", "orphans", "all"]
_SECTIONS: Final = frozenset(get_args(Section))


def _one_line(text: str) -> str:
    """Whitespace (paragraph breaks included) collapsed to single spaces."""
    return " ".join(text.split())


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _app_is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightnessF() < 0.5


class HighlightTableModel(ReadOnlyTableModel):
    """Highlights of one article or of the whole library, one per row."""

    COLOR, QUOTE, NOTE, TAGS, ARTICLE, DATE = range(6)
    HEADERS = ("Colour", "Quote", "Note", "Tags", "Article", "Date")

    HighlightRole: Final = int(Qt.ItemDataRole.UserRole) + 1
    HighlightIdRole: Final = int(Qt.ItemDataRole.UserRole) + 2
    ColorRole: Final = int(Qt.ItemDataRole.UserRole) + 3
    ArticleIdRole: Final = int(Qt.ItemDataRole.UserRole) + 4
    IsOrphanRole: Final = int(Qt.ItemDataRole.UserRole) + 5
    #: A key per column for sorting (colours in palette order, text case-folded).
    SortRole: Final = int(Qt.ItemDataRole.UserRole) + 6

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        article_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._scope = article_id
        self._rows: list[Highlight] = []
        self._row_by_id: dict[int, int] = {}
        self._load()

    # -- state --------------------------------------------------------------------------

    @property
    def library(self) -> Library:
        return self._library

    def scope(self) -> int | None:
        """The article shown, or None for the whole library."""
        return self._scope

    def set_scope(self, article_id: int | None) -> None:
        """One article's highlights in text order, or (None) the whole library's,
        orphans included."""
        self._scope = article_id
        self.refresh()

    def refresh(self) -> None:
        """Read the highlights again (a model reset)."""
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def highlight(self, row: int) -> Highlight:
        return self._rows[row]

    def highlights(self) -> list[Highlight]:
        return list(self._rows)

    def row_of(self, highlight_id: int) -> int | None:
        return self._row_by_id.get(highlight_id)

    def _load(self) -> None:
        self._rows = self._library.highlights(self._scope)
        self._row_by_id = {h.id: row for row, h in enumerate(self._rows)}

    # -- QAbstractItemModel -------------------------------------------------------------

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        h = self._row_at(index)
        if h is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(h, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return swatch(h.color, _app_is_dark()) if column == self.COLOR else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"“{h.exact}”\n\n{h.note}" if h.note else f"“{h.exact}”"
        if role == self.HighlightRole:
            return h
        if role == self.HighlightIdRole:
            return h.id
        if role == self.ColorRole:
            return h.color
        if role == self.ArticleIdRole:
            return h.article_id
        if role == self.IsOrphanRole:
            return h.is_orphan
        if role == self.SortRole:
            return self._sort_key(h, column)
        return None

    def _display(self, h: Highlight, column: int) -> str:
        if column == self.COLOR:
            return h.color
        if column == self.QUOTE:
            return _one_line(h.exact)
        if column == self.NOTE:
            return _one_line(h.note)
        if column == self.TAGS:
            return ", ".join(h.tags)
        if column == self.ARTICLE:
            return h.article_title
        return (h.article_date or "")[:10]

    def _sort_key(self, h: Highlight, column: int) -> int | str:
        if column == self.COLOR:
            return COLORS.index(h.color) if h.color in COLORS else len(COLORS)
        return self._display(h, column).casefold()


class HighlightFilterProxy(QSortFilterProxyModel):
    """Filters highlights by colour, tag, text and section; keeps the source order
    until a column sort is asked for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._color: str | None = None
        self._tag: str | None = None
        self._text = ""
        self._section: Section = "all"
        self.setSortRole(HighlightTableModel.SortRole)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    # -- criteria -----------------------------------------------------------------------

    def color(self) -> str | None:
        return self._color

    def tag(self) -> str | None:
        return self._tag

    def text(self) -> str:
        return self._text

    def section(self) -> Section:
        return self._section

    def set_color(self, name: str | None) -> None:
        """Only highlights of this colour (None: every colour)."""
        self._change("_color", name or None)

    def set_tag(self, tag: str | None) -> None:
        """Only highlights with this tag, in any case (None: any)."""
        tag = tag.strip() if tag else ""
        self._change("_tag", tag or None)

    def set_text(self, text: str) -> None:
        """Only highlights whose quote, note, tags or article title contain the text
        (case-insensitive; "" lets everything through)."""
        self._change("_text", (text or "").strip())

    def set_section(self, section: Section) -> None:
        """Show the "placed" (on an article), "orphans" (article deleted) or "all"."""
        if section not in _SECTIONS:
            raise ValueError(f"unknown section {section!r}; expected one of {sorted(_SECTIONS)}")
        self._change("_section", section)

    def clear_filters(self) -> None:
        self.beginFilterChange()
        self._color = self._tag = None
        self._text = ""
        self._section = "all"
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _change(self, name: str, value: object) -> None:
        if getattr(self, name) == value:
            return
        self.beginFilterChange()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, h: Highlight) -> bool:
        """Whether a highlight passes every criterion."""
        if self._section == "placed" and h.is_orphan:
            return False
        if self._section == "orphans" and not h.is_orphan:
            return False
        if self._color is not None and h.color != self._color:
            return False
        if self._tag is not None:
            wanted = self._tag.casefold()
            if not any(t.casefold() == wanted for t in h.tags):
                return False
        if self._text:
            needle = self._text.casefold()
            haystack = (h.exact, h.note, h.article_title, *h.tags)
            if not any(needle in part.casefold() for part in haystack):
                return False
        return True

    # -- helpers ------------------------------------------------------------------------

    def highlight(self, row: int) -> Highlight:
        """The highlight at a row of the proxy."""
        value = self.index(row, 0).data(HighlightTableModel.HighlightRole)
        if not isinstance(value, Highlight):
            raise IndexError(row)
        return value

    def row_of(self, highlight_id: int) -> int | None:
        """The proxy row of a highlight (None if filtered out or not in the model)."""
        source = self.sourceModel()
        if not isinstance(source, HighlightTableModel):
            return None
        row = source.row_of(highlight_id)
        if row is None:
            return None
        mapped = self.mapFromSource(source.index(row, 0))
        return mapped.row() if mapped.isValid() else None

    # -- QSortFilterProxyModel ----------------------------------------------------------

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        source = self.sourceModel()
        if source is None:
            return True
        if isinstance(source, HighlightTableModel) and not source_parent.isValid():
            h: object = source.highlight(source_row)
        else:
            h = source.index(source_row, 0, source_parent).data(HighlightTableModel.HighlightRole)
        if not isinstance(h, Highlight):
            return True
        return self.accepts(h)


# -- the delegate ------------------------------------------------------------------------

_MAX_QUOTE_LINES: Final = 3
_V_MARGIN: Final = 6
_H_MARGIN: Final = 8
_BAR_WIDTH: Final = 4
_BAR_GAP: Final = 8
_GAP: Final = 3
_FALLBACK_WIDTH: Final = 360
_ORPHAN_LABEL: Final = "orphaned"


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def bar_color(name: str, dark: bool) -> QColor:
    """A saturated version of a highlight colour, visible as a thin bar on light and dark
    backgrounds (the swatches themselves are pale tints or deep shades)."""
    base = swatch(name, False)
    hue = max(0.0, base.hslHueF())
    saturation = min(1.0, max(0.6, base.hslSaturationF()))
    return QColor.fromHslF(hue, saturation, 0.62 if dark else 0.45)


def _utf16_slice(text: str, start: int, end: int | None = None) -> str:
    """``text[start:end]`` in UTF-16 code units, as QTextLayout counts."""
    if text.isascii():
        return text[start:end]
    data = text.encode("utf-16-le")
    stop = None if end is None else 2 * end
    return data[2 * start : stop].decode("utf-16-le", errors="replace")


class HighlightDelegate(QStyledItemDelegate):
    """Draws a highlight as a card: a rounded bar in its colour, the quote (at most three
    lines), the note's first line, then "#tags" and the article title · date, muted.
    Orphans get an "orphaned" marker and a hollow bar.

    Made for a list view showing the quote column of a :class:`HighlightFilterProxy`;
    rows wrap to the view's width, so the view should use ``QListView.ResizeMode.Adjust``
    and non-uniform item sizes.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wrap_cache: dict[tuple[str, int, str], list[str]] = {}

    # -- geometry -----------------------------------------------------------------------

    @staticmethod
    def _small_font(font: QFont) -> QFont:
        small = QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
        elif font.pixelSize() > 0:
            small.setPixelSize(max(8, round(font.pixelSize() * 0.9)))
        return small

    @staticmethod
    def _text_left(rect_left: int) -> int:
        return rect_left + _H_MARGIN + _BAR_WIDTH + _BAR_GAP

    def _available_width(self, option: QStyleOptionViewItem) -> int:
        widget: object = option.widget
        # A list view's rows span its viewport; elsewhere the cell is what there is.
        width = option.rect.width()
        if isinstance(widget, QListView):
            width = widget.viewport().width()
        if width <= 0:
            width = _FALLBACK_WIDTH
        return width

    def _quote_lines(self, quote: str, font: QFont, width: int) -> list[str]:
        key = (quote, width, font.key())
        cached = self._wrap_cache.get(key)
        if cached is not None:
            return cached
        lines = _wrap(quote, font, width, _MAX_QUOTE_LINES)
        if len(self._wrap_cache) > 4096:
            self._wrap_cache.clear()
        self._wrap_cache[key] = lines
        return lines

    @staticmethod
    def _quote_text(h: Highlight) -> str:
        return f"“{_one_line(h.exact)}”"

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        h = index.data(HighlightTableModel.HighlightRole)
        if not isinstance(h, Highlight):
            return super().sizeHint(option, index)
        width = self._available_width(option)
        text_width = max(40, width - (_H_MARGIN + _BAR_WIDTH + _BAR_GAP) - _H_MARGIN)
        font = QFont(option.font)
        small = self._small_font(font)
        lines = self._quote_lines(self._quote_text(h), font, text_width)
        fm, sfm = QFontMetrics(font), QFontMetrics(small)
        height = 2 * _V_MARGIN + max(1, len(lines)) * fm.lineSpacing() + _GAP
        if _first_line(h.note):
            height += sfm.lineSpacing()
        height += sfm.lineSpacing()
        return QSize(width, height)

    # -- painting -----------------------------------------------------------------------

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        h = index.data(HighlightTableModel.HighlightRole)
        if not isinstance(h, Highlight):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()

        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            # The row background (selection, hover) as the style draws it.
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
            self._paint_card(painter, opt, h)
        finally:
            painter.restore()

    def _paint_card(self, painter: QPainter, opt: QStyleOptionViewItem, h: Highlight) -> None:
        palette = opt.palette
        state = opt.state
        if not state & QStyle.StateFlag.State_Enabled:
            group = QPalette.ColorGroup.Disabled
        elif not state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        else:
            group = QPalette.ColorGroup.Normal
        selected = bool(state & QStyle.StateFlag.State_Selected)
        background = palette.color(
            group, QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
        )
        text = palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dark = palette.color(group, QPalette.ColorRole.Base).lightnessF() < 0.5
        muted = _mix(text, background, 0.38)
        tag_color = muted if selected else palette.color(group, QPalette.ColorRole.Link)
        if not selected and _contrast_is_poor(tag_color, background):
            tag_color = muted
        orphan_color = text if selected else QColor("#f0a050" if dark else "#a84f00")

        rect = opt.rect
        font = QFont(opt.font)
        small = self._small_font(font)
        fm, sfm = QFontMetrics(font), QFontMetrics(small)
        left = self._text_left(rect.left())
        text_width = max(40, rect.right() - _H_MARGIN - left + 1)
        top = rect.top() + _V_MARGIN

        # The colour bar: solid when placed, hollow when orphaned.
        colour = bar_color(h.color, dark)
        bar = QRectF(
            rect.left() + _H_MARGIN + 0.5,
            top + 0.5,
            _BAR_WIDTH - 1.0,
            max(4.0, rect.height() - 2 * _V_MARGIN - 1.0),
        )
        if h.is_orphan:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(colour, 1.2))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
        painter.drawRoundedRect(bar, 2.0, 2.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)

        # The quote.
        painter.setFont(font)
        painter.setPen(text)
        y = top
        for line in self._quote_lines(self._quote_text(h), font, text_width):
            painter.drawText(QPointF(left, y + fm.ascent()), line)
            y += fm.lineSpacing()
        y += _GAP

        painter.setFont(small)
        # The note's first line.
        note = _first_line(h.note)
        if note:
            italic = QFont(small)
            italic.setItalic(True)
            painter.setFont(italic)
            painter.setPen(muted)
            elided = QFontMetrics(italic).elidedText(note, Qt.TextElideMode.ElideRight, text_width)
            painter.drawText(QPointF(left, y + sfm.ascent()), elided)
            painter.setFont(small)
            y += sfm.lineSpacing()

        # Orphan marker, #tags, then the article title · date.
        x = float(left)
        right = float(left + text_width)
        baseline = y + sfm.ascent()
        spacer = sfm.horizontalAdvance("  ")
        if h.is_orphan:
            marker = QFont(small)
            marker.setBold(True)
            mfm = QFontMetrics(marker)
            painter.setFont(marker)
            painter.setPen(orphan_color)
            label = mfm.elidedText(_ORPHAN_LABEL, Qt.TextElideMode.ElideRight, int(right - x))
            painter.drawText(QPointF(x, baseline), label)
            x += mfm.horizontalAdvance(label) + spacer
            painter.setFont(small)
        if h.tags and x < right:
            tags = " ".join(f"#{t}" for t in h.tags)
            tags = sfm.elidedText(tags, Qt.TextElideMode.ElideRight, int(right - x))
            painter.setPen(tag_color)
            painter.drawText(QPointF(x, baseline), tags)
            x += sfm.horizontalAdvance(tags) + spacer
        if x < right:
            painter.setPen(muted)
            painter.drawText(QPointF(x, baseline), _citation(h, sfm, int(right - x)))


def _citation(h: Highlight, metrics: QFontMetrics, width: int) -> str:
    """The citation, "Title · 2018-09-14", in ``width`` pixels: the title is elided, the
    date kept."""
    day = (h.article_date or "")[:10]
    if not day:
        return metrics.elidedText(h.article_title, Qt.TextElideMode.ElideRight, width)
    tail = f" · {day}"
    room = width - metrics.horizontalAdvance(tail)
    if not h.article_title or room < metrics.horizontalAdvance("MMM…"):
        return metrics.elidedText(
            (h.article_title + tail).strip(" ·"), Qt.TextElideMode.ElideRight, width
        )
    return metrics.elidedText(h.article_title, Qt.TextElideMode.ElideRight, room) + tail


def _contrast_is_poor(a: QColor, b: QColor) -> bool:
    return abs(a.lightnessF() - b.lightnessF()) < 0.3


def _wrap(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """``text`` word-wrapped to ``width`` pixels, at most ``max_lines`` lines; the last
    line elided when the text goes on."""
    if not text:
        return [""]
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    metrics = QFontMetrics(font)
    lines: list[str] = []
    layout.beginLayout()
    try:
        while len(lines) < max_lines:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if len(lines) == max_lines - 1:
                rest = _utf16_slice(text, start).strip()
                lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
                break
            lines.append(_utf16_slice(text, start, start + length).rstrip())
    finally:
        layout.endLayout()
    return lines or [""]
