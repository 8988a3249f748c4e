"""Search results in the article list: the title, and under it the snippet with the
matched words marked (the model gives the snippet as escaped text with <mark> tags)."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.ui.models.articles import ArticleTableModel

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
#: Lines of snippet under the title.
SNIPPET_LINES = 2


def lead_to_first_mark(snippet: str, context: int = 40) -> str:
    """Start the snippet shortly before its first marked word, so that the two lines a
    list row has room for show a hit. Cuts at a space; text written without spaces
    (Chinese, Japanese) is cut a few characters before the hit, as each of its characters
    is about as wide as a short word. Never inside an entity."""
    first = snippet.find("<mark>")
    if first <= context + 10:
        return snippet
    cut = snippet.find(" ", first - context, first)
    if cut >= 0:
        return "… " + snippet[cut + 1 :]
    start = first - max(1, context // 2)
    entity = snippet.rfind("&", 0, start)
    if entity >= 0 and ";" not in snippet[entity:start]:
        start = entity  # keep "&amp;" and its kind whole
    if start <= 0:
        return snippet
    return "…" + snippet[start:]


def snippet_html(snippet: str, mark_background: str, mark_text: str, *, context: int = 40) -> str:
    """The snippet (already escaped, with <mark>) as rich text Qt can lay out, led to
    ``context`` characters before its first hit."""
    snippet = lead_to_first_mark(snippet, context)
    return _MARK.sub(
        lambda m: (
            f"<span style='background-color:{mark_background}; color:{mark_text}; "
            f"font-weight:600'>{m.group(1)}</span>"
        ),
        snippet,
    )


_MIXED_SAMPLE = "Ag Жщ 中国 日本語 한국"
_line_heights: dict[str, int] = {}


def mixed_line_height(font: QFont) -> int:
    """The height of a line of ``font`` holding Latin, Cyrillic, Chinese, Japanese and
    Korean letters, each drawn by the font Qt falls back to for it."""
    key = font.key()
    found = _line_heights.get(key)
    if found is None:
        layout = QTextLayout(_MIXED_SAMPLE, font)
        layout.beginLayout()
        line = layout.createLine()
        layout.endLayout()
        found = max(QFontMetrics(font).lineSpacing(), math.ceil(line.height()))
        _line_heights[key] = found
    return found


class SearchResultDelegate(QStyledItemDelegate):
    """Paints the title column as title + snippet when the row has a snippet."""

    def row_height(self, option_font: QFont) -> int:
        """Room for the title and the snippet's lines, in whichever script: a line is as
        tall as the tallest of the fonts Latin, Cyrillic and Chinese text fall back to
        (a CJK face is often taller than the list's Latin one)."""
        line = mixed_line_height(option_font)
        return line * (1 + SNIPPET_LINES) + 10

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base = super().sizeHint(option, index)
        if index.data(ArticleTableModel.SnippetRole):
            return QSize(base.width(), self.row_height(option.font))
        return base

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        snippet = index.data(ArticleTableModel.SnippetRole)
        if not snippet:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = opt.palette.color(group, text_role)
        rect = opt.rect.adjusted(4, 3, -4, -3)
        painter.save()
        painter.setClipRect(opt.rect)
        title_font = QFont(opt.font)
        painter.setFont(title_font)
        painter.setPen(text_color)
        metrics = painter.fontMetrics()
        painter.drawText(
            rect.left(),
            rect.top() + metrics.ascent(),
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )

        doc = QTextDocument()
        snippet_font = QFont(opt.font)
        snippet_font.setBold(False)
        doc.setDefaultFont(snippet_font)
        doc.setDocumentMargin(0)
        dark = opt.palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
        mark_bg = "#7a5b00" if dark else "#ffe08a"
        mark_fg = "#ffffff" if dark else "#1f2328"
        # About half a line of text before the first hit, however wide the column.
        lead = max(8, rect.width() // max(1, QFontMetrics(snippet_font).averageCharWidth()) // 2)
        doc.setHtml(snippet_html(snippet, mark_bg, mark_fg, context=lead))
        doc.setTextWidth(rect.width())
        top = rect.top() + mixed_line_height(title_font) + 2
        painter.translate(rect.left(), top)
        height = rect.bottom() - top
        # Only whole lines: the row is tall enough for the tallest script, so a third
        # line of a shorter one would otherwise show half cut.
        block = doc.firstBlock()
        block_top = doc.documentLayout().blockBoundingRect(block).top()  # lays it out
        lines = block.layout()
        if lines is not None and lines.lineCount() > SNIPPET_LINES:
            last = lines.lineAt(SNIPPET_LINES - 1).rect()
            height = min(height, math.ceil(block_top + last.bottom()))
        context = QAbstractTextDocumentLayout.PaintContext()
        muted = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(group, muted))
        context.clip = QRectF(0, 0, rect.width(), height)
        painter.setClipRect(context.clip)
        doc.documentLayout().draw(painter, context)
        painter.restore()
