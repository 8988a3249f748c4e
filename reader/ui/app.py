"""Starting the window: the QApplication, its icon and style, settings, the library."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleFactory

from reader import __version__
from reader.core.errors import CoverageReaderError
from reader.core.library import Library
from reader.core.resources import resource_path

#: One reverse-DNS id for the desktop entry, AppStream metainfo and icons.
APP_ID = "io.github.coverage_reader.CoverageReader"
APP_NAME = "Coverage Reader"


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resource_path("resources/icons")
    for png in sorted(folder.glob("coverage-reader-*.png")):
        icon.addFile(str(png))
    return icon


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Coverage Reader")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    return app


def default_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "coverage-reader",
                     "coverage-reader")  # fmt: skip


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_ui_theme(app: QApplication, theme: str) -> None:
    """Colour the whole window for the reading theme: dark gets a dark palette, light and
    sepia the style's own light palette."""
    style = app.style()
    if theme == "dark":
        palette = QPalette()
        base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dcdde0")
        palette.setColor(QPalette.ColorRole.Window, window)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        palette.setColor(QPalette.ColorRole.Base, base)
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#26282b"))
        palette.setColor(QPalette.ColorRole.Text, text)
        palette.setColor(QPalette.ColorRole.Button, window)
        palette.setColor(QPalette.ColorRole.ButtonText, text)
        palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#3c3f41"))
        palette.setColor(QPalette.ColorRole.ToolTipText, text)
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a8f98"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f65ca"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        palette.setColor(QPalette.ColorRole.Link, QColor("#79b8ff"))
        for role in (
            QPalette.ColorRole.Text,
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.ButtonText,
        ):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))  # fmt: skip
        app.setPalette(palette)
    else:
        app.setPalette(style.standardPalette())


def run_gui(library_path: Path | None = None, argv: Sequence[str] | None = None) -> int:
    """Open the window on the library (the default one, or ``library_path``)."""
    from reader.ui.main_window import MainWindow

    app = make_application(argv)
    try:
        library = Library.open(library_path, rebuild_later=True)
    except CoverageReaderError as exc:
        QMessageBox.critical(None, APP_NAME, f"The library cannot be opened:\n\n{exc}")
        return 1
    window = MainWindow(library, default_settings())
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
        library.close()
