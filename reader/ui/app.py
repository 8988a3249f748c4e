"""Starting the window: the QApplication, its icon and style, settings, the library."""

from __future__ import annotations

import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleFactory

from reader import __version__
from reader.core.errors import CoverageReaderError, LibraryReadOnly
from reader.core.library import Library, LibraryInUse, describe_holder
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


#: How long the window waits for a command-line import or check to let go of the library.
OPEN_WAIT_S = 5.0
#: How the window names itself to other processes that find the library in use.
WINDOW_PROGRAM = "the Coverage Reader window"


def open_library(library_path: Path | None) -> Library | None:
    """The library for the window, or None after telling the user why it cannot be had
    (another window has it open, or the folder cannot be used)."""
    try:
        return Library.open(
            library_path, rebuild_later=True, program=WINDOW_PROGRAM, wait=OPEN_WAIT_S
        )
    except LibraryInUse as exc:
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, "This library is already in use.")
        box.setInformativeText(
            f"{exc.path} is in use by {describe_holder(exc.holder)}.\n\n"
            + in_use_advice(exc.holder)
        )
    except LibraryReadOnly as exc:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "The library cannot be opened.")
        box.setInformativeText(
            f"{exc}.\n\nThe window saves your highlights, notes and imports in this folder. "
            "Make it writable (or choose another library folder with --library), then start "
            "Coverage Reader again."
        )
    except CoverageReaderError as exc:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "The library cannot be opened.")
        box.setInformativeText(str(exc))
    box.setObjectName("library-unavailable")
    box.exec()
    return None


def in_use_advice(holder: dict[str, Any]) -> str:
    """What the user can do about the library being in use by ``holder`` (another window,
    a command, or a process that did not say)."""
    program = str(holder.get("program") or "")
    if program == WINDOW_PROGRAM:
        advice = (
            "Only one window can use a library at a time. Switch to that window, or close "
            "it and start Coverage Reader again."
        )
    elif program.startswith("the command"):
        advice = "Wait until that command is done, then start Coverage Reader again."
    else:
        advice = (
            "Close the other Coverage Reader window, or wait until the command using the "
            "library is done, then start Coverage Reader again."
        )
    pid = holder.get("pid")
    here = holder.get("host") in (None, socket.gethostname())
    if pid and here:
        advice += f" If it has stopped responding, ending process {pid} frees the library."
    return advice + "\n\nThe command line can still read and search the library meanwhile."


def run_gui(library_path: Path | None = None, argv: Sequence[str] | None = None) -> int:
    """Open the window on the library (the default one, or ``library_path``)."""
    from reader.ui.main_window import MainWindow

    app = make_application(argv)
    library = open_library(library_path)
    if library is None:
        return 1
    window = MainWindow(library, default_settings())
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
        library.close()
