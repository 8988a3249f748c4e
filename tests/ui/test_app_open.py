"""Starting the window on a library it cannot have: the real ``open_library`` (and the
real ``coverage-reader gui`` entry point) shows a message box, which the tests answer by
clicking its button, and the window is not opened."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import reader.ui.app as app
from reader.cli import main as cli_main
from reader.core.library import Library
from reader.core.store.lock import read_holder

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Seen:
    """What the message box said, read before its button was clicked."""

    object_name: str = ""
    title: str = ""
    text: str = ""
    informative: str = ""
    icon: QMessageBox.Icon | None = None
    shown: list[bool] = field(default_factory=list)


def answer_message_box(qtbot: QtBot, seen: Seen, *, timeout_ms: int = 10_000) -> None:
    """As soon as a modal message box is up, note what it says and click its OK button.

    Nothing is asserted in here: a failed assertion would leave the box open and the
    test blocked in its ``exec()``. If no box comes, the poll gives up (the test then
    fails on ``seen.shown``)."""
    waited = [0]

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, QMessageBox) or not widget.isVisible():
            waited[0] += 20
            if waited[0] < timeout_ms:
                QTimer.singleShot(20, attempt)
            return
        seen.object_name = widget.objectName()
        seen.title = widget.windowTitle()
        seen.text = widget.text()
        seen.informative = widget.informativeText()
        seen.icon = widget.icon()
        seen.shown.append(True)
        ok = widget.button(QMessageBox.StandardButton.Ok)
        button = ok if ok is not None else widget.defaultButton()
        if button is None:  # pragma: no cover - only if the box had no button at all
            widget.done(0)
            return
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, attempt)


@pytest.fixture
def quick_wait(monkeypatch: pytest.MonkeyPatch) -> float:
    """The window waits this long (not 5 s) for another holder to let go."""
    monkeypatch.setattr(app, "OPEN_WAIT_S", 0.2)
    return 0.2


@pytest.fixture
def made(library_path: Path) -> Path:
    """A library folder with the seeds, closed again."""
    Library.open(library_path).close()
    return library_path


def open_with_answer(qtbot: QtBot, opener: Callable[[], object]) -> tuple[object, Seen]:
    seen = Seen()
    answer_message_box(qtbot, seen)
    result = opener()
    return result, seen


# -- another process or window has the library ------------------------------------------


def test_a_library_held_by_a_command_is_refused_with_a_message_naming_it(
    qtbot: QtBot, made: Path, quick_wait: float
) -> None:
    # flock() locks belong to the open file, so a second Library.open in this process
    # is refused just as another process would be.
    holder = Library.open(made, program="the command 'coverage-reader import'")
    try:
        result, seen = open_with_answer(qtbot, lambda: app.open_library(made))
    finally:
        holder.close()

    assert result is None
    assert seen.shown == [True]
    assert seen.object_name == "library-unavailable"
    assert seen.text == "This library is already in use."
    assert seen.icon == QMessageBox.Icon.Information
    assert seen.title == app.APP_NAME
    assert str(made.resolve()) in seen.informative
    assert "the command 'coverage-reader import'" in seen.informative
    assert f"process {os.getpid()}" in seen.informative
    # It says what to do about a command: wait for it.
    assert "Wait until that command is done" in seen.informative
    assert "start Coverage Reader again" in seen.informative
    # Nothing of the refused open is left behind: the lock is free once the holder is.
    with Library.open(made) as again:
        assert again.article_count() == 2


def test_a_second_window_is_told_to_switch_to_the_first(
    qtbot: QtBot, made: Path, quick_wait: float
) -> None:
    first = app.open_library(made)  # no box: the library is free
    assert isinstance(first, Library)
    try:
        holder = read_holder(made.resolve())
        assert holder is not None and holder["program"] == app.WINDOW_PROGRAM
        result, seen = open_with_answer(qtbot, lambda: app.open_library(made))
    finally:
        first.close()

    assert result is None
    assert seen.object_name == "library-unavailable"
    assert "the Coverage Reader window" in seen.informative
    assert f"process {os.getpid()}" in seen.informative
    assert "Switch to that window" in seen.informative
    assert f"ending process {os.getpid()}" in seen.informative


def test_a_holder_that_did_not_say_who_it_is_gets_general_advice(
    qtbot: QtBot, made: Path, quick_wait: float
) -> None:
    holder = Library.open(made, program="the command 'coverage-reader import'")
    try:
        # As if it could not write its description (it is only a courtesy).
        (made / "library.lock").write_bytes(b"")
        result, seen = open_with_answer(qtbot, lambda: app.open_library(made))
    finally:
        holder.close()

    assert result is None
    assert seen.object_name == "library-unavailable"
    assert "in use by another Coverage Reader process." in seen.informative
    assert "Close the other Coverage Reader window, or wait" in seen.informative
    assert "ending process" not in seen.informative


def test_the_window_opens_once_the_holder_lets_go(
    qtbot: QtBot, made: Path, quick_wait: float
) -> None:
    holder = Library.open(made, program="the command 'coverage-reader check'")
    result, seen = open_with_answer(qtbot, lambda: app.open_library(made))
    assert result is None and seen.shown == [True]

    holder.close()
    seen = Seen()
    answer_message_box(qtbot, seen, timeout_ms=500)
    library = app.open_library(made)
    assert isinstance(library, Library)
    try:
        assert library.article_count() == 2
        assert library.read_only is None
        assert library.needs_rebuild is None
        # The window now holds the library and says so to the next comer.
        held_by = read_holder(made.resolve())
        assert held_by is not None and held_by["pid"] == os.getpid()
        assert held_by["program"] == app.WINDOW_PROGRAM
    finally:
        library.close()
    qtbot.wait(600)  # give the poll its chance to see a box: there must be none
    assert seen.shown == []


def test_a_holder_that_lets_go_within_the_wait_is_waited_for(
    qtbot: QtBot, made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "OPEN_WAIT_S", 10.0)
    holder = Library.open(made, program="the command 'coverage-reader import'")
    # The holder lets go on another thread after 0.3 s, while open_library waits.
    timer = threading.Timer(0.3, holder.close)
    timer.start()
    try:
        library = app.open_library(made)
    finally:
        timer.join()
    assert isinstance(library, Library)
    library.close()


@pytest.fixture
def holder_process(made: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the library open as the window would have it, until it is
    told to let go (a line on its stdin)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reader.core.library import Library\n"
        "lib = Library.open(Path(sys.argv[1]), program='the Coverage Reader window')\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "lib.close()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(made)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_coverage_reader_gui_exits_with_1_when_a_window_in_another_process_has_it(
    qtbot: QtBot, made: Path, quick_wait: float, holder_process: subprocess.Popen[str]
) -> None:
    status, seen = open_with_answer(qtbot, lambda: cli_main(["gui", "--library", str(made)]))

    assert status == 1
    assert seen.object_name == "library-unavailable"
    assert "the Coverage Reader window" in seen.informative
    assert f"process {holder_process.pid}" in seen.informative
    assert f"process {os.getpid()}" not in seen.informative
    assert "Switch to that window" in seen.informative

    # Once that window is closed, the library can be had.
    assert holder_process.stdin is not None
    holder_process.stdin.close()
    assert holder_process.wait(timeout=30) == 0
    library = app.open_library(made)
    assert isinstance(library, Library)
    library.close()


# -- a library that cannot be used at all -------------------------------------------------


def test_a_damaged_database_is_reported_and_left_alone(qtbot: QtBot, library_path: Path) -> None:
    library_path.mkdir(mode=0o700)
    garbage = b"this is not an SQLite database\n" * 200
    (library_path / "library.sqlite").write_bytes(garbage)

    result, seen = open_with_answer(qtbot, lambda: app.open_library(library_path))

    assert result is None
    assert seen.object_name == "library-unavailable"
    assert seen.text == "The library cannot be opened."
    assert seen.icon == QMessageBox.Icon.Critical
    assert "library.sqlite" in seen.informative
    assert "not a usable library database" in seen.informative
    assert (library_path / "library.sqlite").read_bytes() == garbage
    # The lock was let go: a later open is refused for the database, not the lock.
    result, seen = open_with_answer(qtbot, lambda: app.open_library(library_path))
    assert result is None and "already in use" not in seen.text


def test_a_library_from_a_newer_version_asks_for_an_update(qtbot: QtBot, made: Path) -> None:
    with sqlite3.connect(made / "library.sqlite") as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()

    status, seen = open_with_answer(qtbot, lambda: cli_main(["gui", "--library", str(made)]))

    assert status == 1
    assert seen.object_name == "library-unavailable"
    assert seen.text == "The library cannot be opened."
    assert "written by a newer Coverage Reader" in seen.informative
    assert "update the app" in seen.informative


def test_a_library_path_that_is_a_file_is_reported(qtbot: QtBot, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("hello\n", encoding="utf-8")

    result, seen = open_with_answer(qtbot, lambda: app.open_library(not_a_folder))

    assert result is None
    assert seen.object_name == "library-unavailable"
    assert seen.text == "The library cannot be opened."
    assert str(not_a_folder.resolve()) in seen.informative
    assert not_a_folder.read_text(encoding="utf-8") == "hello\n"


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="needs a folder this user cannot write (root writes everywhere)",
)
def test_a_read_only_library_folder_says_to_make_it_writable(qtbot: QtBot, made: Path) -> None:
    made.chmod(0o500)
    try:
        result, seen = open_with_answer(qtbot, lambda: app.open_library(made))
    finally:
        made.chmod(0o700)

    assert result is None
    assert seen.object_name == "library-unavailable"
    assert seen.text == "The library cannot be opened."
    assert "read-only" in seen.informative
    assert "Make it writable" in seen.informative
    assert "start Coverage Reader again" in seen.informative
