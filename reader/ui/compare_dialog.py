"""Two articles of one story side by side, with the passages only one of them has marked.

The texts are built as plain text runs (never HTML from the article); sentences the
other article also has (the same or nearly the same) are left plain, the rest get the
palette's highlight colour, softened, so both themes read them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.core.analysis.stories import Passage
from reader.core.library import Library
from reader.core.models import StoredArticle


def _heading(article: StoredArticle) -> str:
    parts = [article.source or "no source"]
    if article.date is not None:
        parts.append(article.date.isoformat()[:10])
    return " · ".join(parts)


def _title_html(article: StoredArticle) -> str:
    return f"<b>{html.escape(article.title)}</b><br>{html.escape(_heading(article))}"


class ComparePane(QTextBrowser):
    """One article's text, its own passages marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.only_here: list[str] = []

    def show_text(self, text: str, passages: Sequence[Passage]) -> None:
        doc = QTextDocument(self)
        doc.setDocumentMargin(12)
        cursor = QTextCursor(doc)
        plain = QTextCharFormat()
        marked = QTextCharFormat()
        colour = QColor(self.palette().highlight().color())
        colour.setAlpha(70)
        marked.setBackground(colour)
        self.only_here = []
        pos = 0
        for p in passages:
            if p.start > pos:
                cursor.insertText(text[pos : p.start].replace("\n", "\u2029"), plain)
            piece = text[p.start : p.end].replace("\n", "\u2029")
            cursor.insertText(piece, plain if p.shared else marked)
            if not p.shared:
                self.only_here.append(text[p.start : p.end])
            pos = p.end
        if pos < len(text):
            cursor.insertText(text[pos:].replace("\n", "\u2029"), plain)
        self.setDocument(doc)


class CompareDialog(QDialog):
    """An article beside another of its story (chosen in the list above the right)."""

    def __init__(
        self, library: Library, article_id: int, others: Sequence[int], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.setWindowTitle("Compare Articles")
        self.resize(1200, 760)
        self.left_id = article_id
        left = library.get_article(article_id)
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.left_title = QLabel(
            f"<b>{html.escape(left.title)}</b><br>{html.escape(_heading(left))}"
        )
        self.left_title.setWordWrap(True)
        self.other = QComboBox(self)
        self.other.setAccessibleName("Compare with")
        for other in library.summaries(list(others)):
            when = other.date.isoformat()[:10] if other.date else "no date"
            self.other.addItem(f"{other.source or 'no source'} · {when} — {other.title}", other.id)
        self.right_title = QLabel(self)
        self.right_title.setWordWrap(True)
        self.left = ComparePane(self)
        self.right = ComparePane(self)
        self.summary = QLabel(self)
        grid.addWidget(self.left_title, 0, 0)
        grid.addWidget(self.other, 0, 1)
        grid.addWidget(QLabel("", self), 1, 0)
        grid.addWidget(self.right_title, 1, 1)
        grid.addWidget(self.left, 2, 0)
        grid.addWidget(self.right, 2, 1)
        layout.addLayout(grid, 1)
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.other.currentIndexChanged.connect(self._compare)
        # Scrolled together, by proportion (the texts differ in length).
        self.left.verticalScrollBar().valueChanged.connect(
            lambda _v: _follow(self.left, self.right)
        )
        self._compare()

    def right_id(self) -> int | None:
        data = self.other.currentData()
        return int(data) if data is not None else None

    def _compare(self, *_args: object) -> None:
        right_id = self.right_id()
        if right_id is None:
            return
        left, right = self.library.get_article(self.left_id), self.library.get_article(right_id)
        self.right_title.setText(
            f"<b>{html.escape(right.title)}</b><br>{html.escape(_heading(right))}"
        )
        mine, theirs = self.library.compare(self.left_id, right_id)
        self.left.show_text(left.text, mine)
        self.right.show_text(right.text, theirs)
        shared = sum(1 for p in mine if p.shared)
        self.summary.setText(
            f"{shared} of {len(mine)} sentences on the left are also on the right; "
            f"{len(self.left.only_here)} only on the left, {len(self.right.only_here)} only "
            "on the right (marked)."
        )


def _follow(leader: QTextBrowser, follower: QTextBrowser) -> None:
    bar, other = leader.verticalScrollBar(), follower.verticalScrollBar()
    if bar.maximum() > 0:
        other.setValue(round(bar.value() / bar.maximum() * other.maximum()))


__all__ = ["CompareDialog", "ComparePane"]
