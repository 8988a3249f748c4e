"""Dialogs: import progress and summary, deleting an article, editing metadata and the
language, notes and tags, and About."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from importlib import metadata
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader import __version__
from reader.core.library import ImportProgress, ImportReport
from reader.core.models import ArticleDate, StoredArticle
from reader.ui.languages import language_choices, language_label


class ImportDialog(QDialog):
    """Progress of an import: a bar, files and articles per second, and Cancel."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importing")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.heading = QLabel("Reading files…", self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.detail = QLabel("", self)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.current = QLabel("", self)
        self.current.setWordWrap(False)
        self.current.setMinimumWidth(420)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel)
        for widget in (self.heading, self.bar, self.detail, self.current, self.buttons):
            layout.addWidget(widget)

    def update_progress(self, progress: ImportProgress) -> None:
        if progress.files_total:
            self.bar.setRange(0, progress.files_total)
            self.bar.setValue(progress.files_done)
        rate = progress.articles_per_second
        self.heading.setText(f"Importing {progress.files_done:,} of {progress.files_total:,} files")
        self.detail.setText(f"{progress.articles:,} articles · {rate:,.0f} articles/s")
        if progress.current:
            metrics = self.current.fontMetrics()
            self.current.setText(
                metrics.elidedText(progress.current, Qt.TextElideMode.ElideMiddle, 420)
            )

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.heading.setText("Cancelling… (finishing the current file)")
        self.cancelRequested.emit()

    def reject(self) -> None:  # Esc and the window's close button mean Cancel
        self._cancel()


class ImportSummaryDialog(QDialog):
    """What an import did, listing every file that failed and why."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished" if not report.cancelled else "Import cancelled")
        self.setMinimumSize(620, 220)
        layout = QVBoxLayout(self)
        parts = [
            f"{report.imported:,} new article{'s' if report.imported != 1 else ''}",
            f"{report.updated:,} updated",
            f"{report.duplicates:,} already in the library",
        ]
        if report.failed:
            parts.append(f"{len(report.failed):,} file{'s' if len(report.failed) != 1 else ''}"
                         " could not be imported")  # fmt: skip
        intro = (
            "The import was cancelled; everything read before is kept.\n"
            if (report.cancelled)
            else ""
        )
        self.summary = QLabel(intro + " · ".join(parts), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.failures = QTreeWidget(self)
        self.failures.setHeaderLabels(["File", "Why"])
        self.failures.setRootIsDecorated(False)
        self.failures.setUniformRowHeights(True)
        for failure in report.failed:
            item = QTreeWidgetItem([failure.path, failure.reason])
            item.setToolTip(0, failure.path)
            item.setToolTip(1, failure.reason)
            self.failures.addTopLevelItem(item)
        for problem in report.problems:
            path, _, reason = problem.partition(": ")
            item = QTreeWidgetItem([path, f"partly imported: {reason}"])
            self.failures.addTopLevelItem(item)
        header = self.failures.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.failures.setColumnWidth(0, 300)
        self.failures.setVisible(self.failures.topLevelItemCount() > 0)
        layout.addWidget(self.failures, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def ask_delete_article(parent: QWidget, title: str, highlight_count: int) -> bool | None:
    """Ask before deleting an article. Returns whether to keep its highlights (as
    orphans), or None when the user cancels."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Delete article")
    box.setText(f"Delete “{title}”?")
    if highlight_count:
        box.setInformativeText(
            f"It has {highlight_count} highlight{'s' if highlight_count != 1 else ''}. "
            "Keep them (as orphans, with their quotes, notes and citations) or delete them "
            "too?"
        )
        keep = box.addButton("Delete, keep highlights", QMessageBox.ButtonRole.AcceptRole)
        drop = box.addButton("Delete with highlights", QMessageBox.ButtonRole.DestructiveRole)
    else:
        box.setInformativeText("All its versions are deleted from the library.")
        keep = box.addButton("Delete", QMessageBox.ButtonRole.AcceptRole)
        drop = None
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is keep:
        return True
    if drop is not None and clicked is drop:
        return False
    return None


class MetadataDialog(QDialog):
    """Correct an article's title, date, source and URL."""

    def __init__(self, article: StoredArticle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit article details")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.title_edit = QLineEdit(article.title, self)
        self.source_edit = QLineEdit(article.source or "", self)
        self.url_edit = QLineEdit(article.url or "", self)
        self.has_date = QCheckBox("Dated", self)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        value = article.date.as_datetime().date() if article.date else None
        self.has_date.setChecked(value is not None)
        if value is not None:
            self.date_edit.setDate(QDate(value.year, value.month, value.day))
        self.date_edit.setEnabled(value is not None)
        self.has_date.toggled.connect(self.date_edit.setEnabled)
        self._original = article
        form.addRow("Title", self.title_edit)
        form.addRow("Source", self.source_edit)
        form.addRow(self.has_date, self.date_edit)
        form.addRow("URL", self.url_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def changes(self) -> dict[str, object]:
        """Keyword arguments for Library.update_metadata (only what changed)."""
        article = self._original
        changes: dict[str, object] = {}
        if self.title_edit.text().strip() != article.title:
            changes["title"] = self.title_edit.text()
        if self.source_edit.text().strip() != (article.source or ""):
            changes["source"] = self.source_edit.text()
        if self.url_edit.text().strip() != (article.url or ""):
            changes["url"] = self.url_edit.text()
        old_day = article.date.as_datetime().date() if article.date else None
        if self.has_date.isChecked():
            qdate = self.date_edit.date()
            day = date(qdate.year(), qdate.month(), qdate.day())
            if day != old_day:
                if article.date and article.date.has_time and old_day is not None:
                    moment = article.date.as_datetime().replace(
                        year=day.year, month=day.month, day=day.day
                    )
                    changes["date"] = ArticleDate(moment)
                else:
                    changes["date"] = ArticleDate(day)
        elif old_day is not None:
            changes["clear_date"] = True
        return changes


DETECT_LABEL = "Detect from the text"
#: Keys typed in the language dialog's search box that move in its list instead.
_LIST_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class LanguageDialog(QDialog):
    """Choose an article's language: "Detect from the text" (give the choice back to
    detection), then the library's languages, the common ones and every other language
    Qt knows, each as "Name (code)", with the article's language selected. Typing in
    the box above the list narrows it; Up and Down move in the list from the box."""

    def __init__(
        self, article: StoredArticle, present: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Article language")
        self.setMinimumSize(380, 420)
        layout = QVBoxLayout(self)
        title = article.title if len(article.title) <= 80 else article.title[:79] + "…"
        # Plain text: a title is data, never markup.
        self.heading = QLabel(f"The language of “{title}”:", self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type to find a language")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find a language")
        self.list = QListWidget(self)
        self.list.setObjectName("languageList")
        self.list.setAccessibleName("Languages")
        detect = QListWidgetItem(DETECT_LABEL, self.list)
        detect.setData(Qt.ItemDataRole.UserRole, None)
        detect.setToolTip("Let the library tell the language from the article's text")
        italic = QFont(self.list.font())
        italic.setItalic(True)
        detect.setFont(italic)
        codes = [article.language] if article.language else []
        current = detect
        for code in language_choices([*present, *codes]):
            item = QListWidgetItem(language_label(code), self.list)
            item.setData(Qt.ItemDataRole.UserRole, code)
            if code == article.language:
                current = item
        self.list.setCurrentItem(current)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentItemChanged.connect(self._update_save)
        self.search.textChanged.connect(self._narrow)
        self.search.installEventFilter(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.search.setFocus()
        self._update_save()
        self.list.scrollToItem(current)

    def choice(self) -> str | None:
        """The chosen language code; None for "Detect from the text"."""
        item = self.list.currentItem()
        if item is None:
            return None
        value = item.data(Qt.ItemDataRole.UserRole)
        return str(value) if value else None

    def visible_codes(self) -> list[str | None]:
        """The codes the list shows now (None is "Detect from the text")."""
        found: list[str | None] = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if not item.isHidden():
                value = item.data(Qt.ItemDataRole.UserRole)
                found.append(str(value) if value else None)
        return found

    def _narrow(self, text: str) -> None:
        wanted = text.strip().casefold()
        first: QListWidgetItem | None = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            code = item.data(Qt.ItemDataRole.UserRole)
            shown = not wanted or (
                wanted in item.text().casefold() if code else wanted in DETECT_LABEL.casefold()
            )
            item.setHidden(not shown)
            if shown and first is None:
                first = item
        current = self.list.currentItem()
        if current is None or current.isHidden():
            if first is not None:
                self.list.setCurrentItem(first)
            else:
                self.list.setCurrentRow(-1)
        self._update_save()

    def _update_save(self, *_args: object) -> None:
        current = self.list.currentItem()
        self.save_button.setEnabled(current is not None and not current.isHidden())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _LIST_KEYS
        ):
            moved = QKeyEvent(event.type(), event.key(), event.modifiers())
            QApplication.sendEvent(self.list, moved)
            return True
        return super().eventFilter(watched, event)


class NoteDialog(QDialog):
    """Write or edit a highlight's note (plain text or Markdown)."""

    def __init__(self, quote: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note")
        self.setMinimumSize(480, 300)
        layout = QVBoxLayout(self)
        shown = quote if len(quote) <= 300 else quote[:297] + "…"
        self.quote_label = QLabel(f"<i>“{html.escape(shown)}”</i>", self)
        self.quote_label.setWordWrap(True)
        self.edit = QPlainTextEdit(note, self)
        self.edit.setPlaceholderText("Your note (plain text or Markdown)")
        self.edit.setTabChangesFocus(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.quote_label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def note(self) -> str:
        return self.edit.toPlainText().strip()


class TagsDialog(QDialog):
    """Edit a comma-separated list of tags."""

    def __init__(
        self, tags: Sequence[str], known: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tags")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tags, separated by commas:", self))
        self.edit = QLineEdit(", ".join(tags), self)
        if known:
            from PySide6.QtWidgets import QCompleter

            completer = QCompleter(list(known), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.edit.setCompleter(completer)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def tags(self) -> list[str]:
        seen: dict[str, str] = {}
        for part in self.edit.text().split(","):
            tag = " ".join(part.split())
            if tag and tag.lower() not in seen:
                seen[tag.lower()] = tag
        return list(seen.values())


#: Libraries that travel with the app, and where their licence is stated.
BUNDLED = (
    "PySide6-Essentials",
    "shiboken6",
    "whoosh-reloaded",
    "PyStemmer",
    "feedparser",
    "trafilatura",
    "lxml",
    "charset-normalizer",
    "python-dateutil",
    "platformdirs",
    "defusedxml",
    "markdown-it-py",
    "PyYAML",
    "rapidfuzz",
    "tqdm",
)


def bundled_licences() -> list[tuple[str, str, str]]:
    """(name, version, licence) of each bundled library, read from its metadata."""
    rows = []
    for name in BUNDLED:
        try:
            meta: Any = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        licence = meta.get("License-Expression") or ""
        if not licence or len(licence) > 60:
            classifiers = [
                c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if "License" in c
            ]
            short = meta.get("License") or ""
            licence = classifiers[0] if classifiers else (short if len(short) <= 60 else "")
        rows.append((name, meta.get("Version") or "", licence or "see its distribution"))
    return rows


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Coverage Reader")
        self.setMinimumSize(560, 480)
        layout = QVBoxLayout(self)
        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td>"
            f"<td>{html.escape(lic)}</td></tr>"
            for n, v, lic in bundled_licences()
        )
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)
        self.text.setHtml(
            f"<h2>Coverage Reader {html.escape(__version__)}</h2>"
            "<p>Read, search and annotate news coverage offline. Nothing is fetched from "
            "the network.</p><p>Licensed under the GNU GPL, version 3 or later.</p>"
            "<h3>Bundled libraries</h3>"
            "<table cellpadding='3'><tr><th align='left'>Library</th>"
            "<th align='left'>Version</th><th align='left'>Licence</th></tr>"
            f"{rows}</table>"
        )
        layout.addWidget(self.text)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
