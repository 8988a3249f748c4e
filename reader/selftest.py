"""``coverage-reader --self-test``: proves an installed or frozen copy works.

Opens a temporary library (so the user's own is never touched), imports the bundled
seeds, runs a search, starts the indexing helper process, opens the window offscreen,
and exits 0 — or prints what failed and exits 1. Installer builds and their smoke tests
run exactly this.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from reader import __version__

SEED_TITLE = "Xi and Putin vow to enhance ties between China and Russia"
CHINESE = (
    "习近平同普京会晤\n\n国家主席习近平在符拉迪沃斯托克同俄罗斯总统普京举行会谈。"
    "两国元首一致认为，中俄关系正处于历史最好时期。\n"
)


#: What the offscreen platform plugin says of every window; nothing is wrong.
_OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",)


def _quiet_offscreen(mode: object, context: object, message: str) -> None:
    if message not in _OFFSCREEN_NOISE:
        print(message, file=sys.stderr)


def run_self_test() -> int:
    started = time.monotonic()
    failures: list[str] = []
    steps: list[str] = []

    def step(name: str, check: Callable[[], str | None]) -> None:
        try:
            problem = check()
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            problem = detail
        if problem:
            failures.append(f"{name}: {problem}")
        else:
            steps.append(name)

    # The window is opened offscreen: a self-test must run on a build machine with no
    # display, and must not flash a window at a user.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="coverage-reader-self-test-") as tmp:
        from reader.core.library import Library

        library = Library.open(Path(tmp) / "library")
        try:

            def seeds() -> str | None:
                titles = [a.title for a in library.list_articles()]
                if len(titles) != 2 or SEED_TITLE not in titles:
                    return f"expected the 2 bundled articles, found {titles}"
                return None

            def search() -> str | None:
                page = library.search("Vladivostok")
                if page.total != 1 or "<mark>Vladivostok</mark>" not in page.hits[0].snippet:
                    return f"a search for Vladivostok found {page.total} articles"
                return None

            def consistent() -> str | None:
                report = library.check()
                return None if report.ok else "; ".join(report.problems)

            def helper() -> str | None:
                Library.check_indexing_helper()
                return None

            def window() -> str | None:
                from PySide6.QtCore import QSettings, qInstallMessageHandler

                qInstallMessageHandler(_quiet_offscreen)
                from reader.ui.app import make_application
                from reader.ui.main_window import MainWindow

                app = make_application([sys.argv[0]])
                settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
                win = MainWindow(library, settings)
                win.show()
                app.processEvents()
                try:
                    if win.article_model.rowCount() != 2:
                        return f"the list shows {win.article_model.rowCount()} articles"
                    win.open_article(win.article_model.article_id(0))
                    app.processEvents()
                    if win.reader.article() is None:
                        return "the reader did not open an article"
                finally:
                    win.close()
                    win.shutdown()
                return None

            def languages() -> str | None:
                # The bundled detector, jieba's dictionary and the name table are there.
                story = Path(tmp) / "zh.txt"
                story.write_text(CHINESE, encoding="gb18030")
                report = library.import_paths([story])
                if report.imported != 1:
                    return f"a Chinese article was not imported: {report.failed}"
                [article_id] = report.article_ids
                if library.get_article(article_id).language != "zh":
                    return f"a Chinese article was read as {library.get_article(article_id)}"
                page = library.search("普京")
                if [h.article_id for h in page.hits] != [article_id]:
                    return "普京 was not found inside Chinese text"
                if "<mark>普京</mark>" not in page.hits[0].snippet:
                    return f"the snippet does not mark 普京: {page.hits[0].snippet}"
                if library.search("alias:putin").total != 3:
                    return "alias:putin did not find the three articles"
                return None

            step("import the bundled articles", seeds)
            step("search", search)
            step("check the library", consistent)
            step("start the indexing helper", helper)
            step("open the window", window)
            step("read Chinese text", languages)
        finally:
            library.close()

    elapsed = time.monotonic() - started
    if failures:
        for failure in failures:
            print(f"self-test FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"coverage-reader {__version__} self-test ok ({', '.join(steps)}; {elapsed:.1f} s)")
    return 0
