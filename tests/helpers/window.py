"""Opening the real main window in a test."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.main_window import MainWindow


def open_window(qtbot: QtBot, library: Library, settings: QSettings) -> MainWindow:
    """The window on ``library``, shown and exposed (the caller calls ``shutdown()``)."""
    win = MainWindow(library, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
