"""Every language first-class in the window: the list's Language column, the language
filter, correcting a language by hand, fonts that have the characters (no empty boxes)
and right-to-left paragraphs. Driven through the real widgets with qtbot."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QContextMenuEvent,
    QFontDatabase,
    QFontMetrics,
    QInputMethodEvent,
    QTextBlock,
)
from PySide6.QtWidgets import QApplication, QComboBox, QMenu, QWidget
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.dialogs import DETECT_LABEL, LanguageDialog
from reader.ui.languages import (
    COMMON_LANGUAGES,
    language_choices,
    language_name,
    text_direction,
)
from reader.ui.main_window import MainWindow
from reader.ui.models.articles import ArticleTableModel
from reader.ui.reader_view import reading_font
from tests.helpers.window import open_window

RU_TITLE = "Россия и Китай подписали новое соглашение о поставках газа"
RU_TEXT = f"""{RU_TITLE}

Президент России и председатель КНР встретились во Владивостоке и обсудили развитие \
торговли между двумя странами.

Стороны договорились увеличить поставки природного газа по трубопроводу «Сила Сибири» \
в ближайшие годы. Эксперты считают, что соглашение укрепит экономическое сотрудничество.
"""
ZH_TITLE = "中俄两国签署新的天然气供应协议"
ZH_TEXT = f"""{ZH_TITLE}

中国国家主席和俄罗斯总统在符拉迪沃斯托克会面，讨论了两国之间的贸易发展。

双方同意在未来几年增加通过“西伯利亚力量”管道输送的天然气。专家认为，这项协议将加强两国的\
经济合作，并帮助两国减少对西方市场的依赖。
"""
AR_TITLE = "روسيا والصين توقعان اتفاقية جديدة لتوريد الغاز"
AR_PHRASE = "الغاز الطبيعي"
AR_TEXT = f"""{AR_TITLE}

التقى الرئيس الروسي والرئيس الصيني في فلاديفوستوك وناقشا تطوير التجارة بين البلدين.

CNN: اتفق الجانبان على زيادة إمدادات {AR_PHRASE} عبر خط الأنابيب في السنوات المقبلة.
"""
XI_PUTIN = "Xi and Putin vow to enhance ties between China and Russia"
SEED_DATED = "Chinese President Xi Jinping and Russian President Vladimir Putin have agreed…"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def multilingual(library: Library, tmp_path: Path) -> Library:
    """The two English seeds, a Russian and a Chinese article."""
    folder = tmp_path / "articles"
    report = library.import_paths(
        [write(folder, "ru.txt", RU_TEXT), write(folder, "zh.txt", ZH_TEXT)]
    )
    assert report.imported == 2, report.failed
    return library


@pytest.fixture
def window(qtbot: QtBot, multilingual: Library, settings: QSettings) -> Iterator[MainWindow]:
    win = open_window(qtbot, multilingual, settings)
    yield win
    win.shutdown()


def row_of_title(win: MainWindow, title: str) -> int:
    model = win.article_model
    for row in range(model.rowCount()):
        if model.index(row, ArticleTableModel.TITLE).data() == title:
            return row
    raise AssertionError(f"{title!r} not in the list")


def click_row(qtbot: QtBot, win: MainWindow, title: str) -> int:
    view = win.article_view
    rect = view.visualRect(win.article_model.index(row_of_title(win, title), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    article = win.reader.article()
    assert article is not None and article.title == title
    return article.id


def language_cells(win: MainWindow) -> dict[str, str]:
    model = win.article_model
    return {
        model.index(r, ArticleTableModel.TITLE).data(): model.index(
            r, ArticleTableModel.LANGUAGE
        ).data()
        for r in range(model.rowCount())
    }


def titles(win: MainWindow) -> list[str]:
    model = win.article_model
    return [model.index(r, ArticleTableModel.TITLE).data() for r in range(model.rowCount())]


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Choose the item showing ``text`` with the keyboard, as a user tabbing through the
    filters would (Home, then Down until it shows; the offscreen platform cannot open
    the drop-down list without warnings)."""
    index = combo.findText(text)
    assert index >= 0, (text, combo_texts(combo))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type text as a user would: Latin letters key by key, other scripts as an input
    method commits them (QTest can only press keys for Latin-1 characters)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def combo_texts(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def when_shown(find: Callable[[], QWidget | None], handler: Callable[[QWidget], None]) -> None:
    """Deal with the next popup or modal dialog as soon as it is shown. A failure in
    ``handler`` closes the widget (so the test goes on to fail, instead of waiting in
    the dialog's event loop for ever) and is raised again by pytest-qt."""

    def attempt() -> None:
        widget = find()
        if widget is None or not widget.isVisible():
            QTimer.singleShot(20, attempt)
            return
        try:
            handler(widget)
        except BaseException:
            widget.close()
            raise

    QTimer.singleShot(0, attempt)


def right_click_row(win: MainWindow, title: str) -> None:
    """The context menu of a row, as a right click asks for it."""
    view = win.article_view
    pos = view.visualRect(win.article_model.index(row_of_title(win, title), 0)).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)


def pick_from_menu(qtbot: QtBot, text: str) -> None:
    def pick(widget: QWidget) -> None:
        assert isinstance(widget, QMenu)
        [action] = [a for a in widget.actions() if a.text() == text]
        widget.setActiveAction(action)
        qtbot.keyClick(widget, Qt.Key.Key_Return)

    when_shown(QApplication.activePopupWidget, pick)


def in_dialog(handler: Callable[[LanguageDialog], None]) -> list[str]:
    """Run ``handler`` on the language dialog when it opens; the returned list records
    that it did (empty if the dialog never opened)."""
    seen: list[str] = []

    def run(widget: QWidget) -> None:
        assert isinstance(widget, LanguageDialog)
        seen.append(widget.windowTitle())
        handler(widget)

    when_shown(QApplication.activeModalWidget, run)
    return seen


# -- names --------------------------------------------------------------------------------


def test_language_names_come_from_qt() -> None:
    assert language_name("ru") == "Russian"
    assert language_name("zh") == "Chinese"
    assert language_name("en") == "English"
    assert language_name("kk") == "Kazakh"
    assert language_name(None) == ""
    assert language_name("qq") == "qq"  # a code Qt does not know is shown as it is
    offered = language_choices(["zh", "en"])
    assert offered[:2] == ["zh", "en"]
    assert offered[2 : 2 + len(COMMON_LANGUAGES) - 2] == [
        c for c in COMMON_LANGUAGES if c not in ("zh", "en")
    ]
    assert {"pl", "he", "fa", "vi"} <= set(offered)
    assert len(offered) == len(set(offered))


def test_paragraph_direction_follows_most_of_its_letters() -> None:
    rtl, ltr, auto = (
        Qt.LayoutDirection.RightToLeft,
        Qt.LayoutDirection.LeftToRight,
        Qt.LayoutDirection.LayoutDirectionAuto,
    )
    assert text_direction("CNN: اتفق الجانبان على زيادة", auto) == rtl
    assert text_direction("The talks were held in فلاديفوستوك this week.", auto) == ltr
    assert text_direction("שלום עולם", auto) == rtl
    assert text_direction("2019 — 2020", auto) == auto
    assert text_direction("2019", rtl) == rtl


# -- the list -----------------------------------------------------------------------------


def test_the_list_shows_each_articles_language(window: MainWindow) -> None:
    header = window.article_view.horizontalHeader()
    column = ArticleTableModel.LANGUAGE
    assert window.article_model.headerData(column, Qt.Orientation.Horizontal) == "Language"
    # Shown right after the source.
    assert header.visualIndex(column) == header.visualIndex(ArticleTableModel.SOURCE) + 1
    assert not header.isSectionHidden(column) and header.sectionSize(column) > 0
    assert language_cells(window) == {
        RU_TITLE: "Russian",
        ZH_TITLE: "Chinese",
        XI_PUTIN: "English",
        SEED_DATED: "English",
    }
    row = row_of_title(window, ZH_TITLE)
    tip = window.article_model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Language: Chinese (zh)"
    # The cell fits its name: the column is as wide as "Russian" needs.
    metrics = QFontMetrics(window.article_view.font())
    assert header.sectionSize(column) >= metrics.horizontalAdvance("Russian")


def test_clicking_the_language_header_sorts_by_language(qtbot: QtBot, window: MainWindow) -> None:
    header = window.article_view.horizontalHeader()
    column = ArticleTableModel.LANGUAGE
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    point = QPoint(x, header.height() // 2)

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert header.sortIndicatorSection() == column
    first = [language_cells(window)[t] for t in titles(window)]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    second = [language_cells(window)[t] for t in titles(window)]
    # Each language's articles together, by code (en, ru, zh), both ways round.
    orders = {tuple(first), tuple(second)}
    assert orders == {
        ("English", "English", "Russian", "Chinese"),
        ("Chinese", "Russian", "English", "English"),
    }


# -- the filter ---------------------------------------------------------------------------


def test_the_language_filter_lists_languages_and_narrows_the_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.mouseClick(window.search_bar.filters_button, Qt.MouseButton.LeftButton)
    combo = window.filter_bar.language
    assert combo.isVisible()
    assert combo_texts(combo) == ["All languages", "English (2)", "Russian (1)", "Chinese (1)"]
    assert combo.itemData(combo.findText("Russian (1)"), Qt.ItemDataRole.ToolTipRole) == (
        "Language: Russian (ru)"
    )

    choose(qtbot, combo, "Russian (1)")
    assert titles(window) == [RU_TITLE]
    assert "1</b> of 4" in window.list_header.text()
    assert window.article_model.filter() is not None
    assert window.article_model.filter().language == "ru"  # type: ignore[union-attr]

    # Combined with another filter: English and a source.
    choose(qtbot, combo, "English (2)")
    assert sorted(titles(window)) == sorted([XI_PUTIN, SEED_DATED])
    choose(qtbot, window.filter_bar.source, "China Daily/Asia News Network (1)")
    assert titles(window) == [SEED_DATED]
    choose(qtbot, combo, "Chinese (1)")
    assert titles(window) == []
    assert "No articles match the filters." in window.list_empty.text()

    qtbot.mouseClick(window.filter_bar.reset_button, Qt.MouseButton.LeftButton)
    assert combo.currentText() == "All languages"
    assert len(titles(window)) == 4


def test_the_language_filter_combines_with_a_search(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.search_bar.filters_button, Qt.MouseButton.LeftButton)
    edit = window.search_bar.edit
    type_text(qtbot, edit, "Vladivostok OR Владивостоке OR 符拉迪沃斯托克")
    assert edit.text() == "Vladivostok OR Владивостоке OR 符拉迪沃斯托克"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: " for “" in window.list_header.text(), timeout=10_000)
    assert {RU_TITLE, ZH_TITLE} <= set(titles(window))
    assert XI_PUTIN in titles(window)

    choose(qtbot, window.filter_bar.language, "Russian (1)")
    qtbot.waitUntil(lambda: titles(window) == [RU_TITLE], timeout=10_000)
    assert "(filtered)" in window.list_header.text()
    choose(qtbot, window.filter_bar.language, "English (2)")
    qtbot.waitUntil(lambda: RU_TITLE not in titles(window), timeout=10_000)
    assert titles(window) and all(language_cells(window)[t] == "English" for t in titles(window))

    # A query's own lang: term narrows the same way.
    choose(qtbot, window.filter_bar.language, "All languages")
    edit.clear()
    qtbot.keyClicks(edit, "lang:zh")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: titles(window) == [ZH_TITLE], timeout=10_000)


def test_the_language_filter_follows_imports(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    qtbot.mouseClick(window.search_bar.filters_button, Qt.MouseButton.LeftButton)
    combo = window.filter_bar.language
    choose(qtbot, combo, "Chinese (1)")
    assert window.start_import([write(tmp_path / "more", "ar.txt", AR_TEXT)])
    qtbot.waitUntil(lambda: window.import_summary is not None, timeout=60_000)
    assert window.import_summary is not None
    window.import_summary.accept()
    assert "Arabic (1)" in combo_texts(combo)
    assert combo.currentText() == "Chinese (1)"  # the choice is kept
    assert titles(window) == [ZH_TITLE]
    choose(qtbot, combo, "Arabic (1)")
    assert titles(window) == [AR_TITLE]
    assert language_cells(window) == {AR_TITLE: "Arabic"}


# -- correcting a language ----------------------------------------------------------------


# The offscreen platform says this of every popup menu it shows.
POPUP_WARNINGS = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)


@POPUP_WARNINGS
def test_correct_a_language_from_the_context_menu(qtbot: QtBot, window: MainWindow) -> None:
    article_id = click_row(qtbot, window, RU_TITLE)
    window.filter_bar.show()

    def to_ukrainian(dialog: LanguageDialog) -> None:
        # The detected language is chosen; the list offers detection, the library's
        # languages and the common ones, by name and code.
        assert dialog.choice() == "ru"
        assert dialog.list.currentItem().text() == "Russian (ru)"
        offered = dialog.visible_codes()
        assert offered[0] is None and dialog.list.item(0).text() == DETECT_LABEL
        assert offered[1:4] == ["en", "ru", "zh"]
        assert set(COMMON_LANGUAGES) <= set(offered[1:])
        # Typing narrows the list; Enter saves the language left chosen.
        qtbot.keyClicks(dialog.search, "ukr")
        assert dialog.visible_codes() == ["uk"]
        assert dialog.choice() == "uk"
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    seen = in_dialog(to_ukrainian)
    pick_from_menu(qtbot, "&Language…")
    right_click_row(window, RU_TITLE)
    assert seen == ["Article language"]
    assert window.library.get_article(article_id).language == "uk"
    # The list and the filter show it at once.
    assert language_cells(window)[RU_TITLE] == "Ukrainian"
    assert "Ukrainian (1)" in combo_texts(window.filter_bar.language)
    assert "Russian (1)" not in combo_texts(window.filter_bar.language)
    assert "Ukrainian" in window.statusBar().currentMessage()

    # "Detect from the text" gives the choice back to detection.
    def detect(dialog: LanguageDialog) -> None:
        assert dialog.choice() == "uk"
        dialog.list.setFocus()
        qtbot.keyClick(dialog.list, Qt.Key.Key_Home)
        assert dialog.choice() is None
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    seen = in_dialog(detect)
    window.act_language.trigger()  # Article ▸ Language…
    assert seen == ["Article language"]
    assert window.library.get_article(article_id).language == "ru"
    assert language_cells(window)[RU_TITLE] == "Russian"
    assert "detected from the text: Russian" in window.statusBar().currentMessage()


def test_the_article_menu_offers_language(window: MainWindow) -> None:
    menus = [a.menu() for a in window.menuBar().actions() if a.text() == "&Article"]
    assert menus and isinstance(menus[0], QMenu)
    assert window.act_language in menus[0].actions()
    assert not window.act_language.isEnabled()  # no article open yet


def test_cancel_changes_nothing(qtbot: QtBot, window: MainWindow) -> None:
    article_id = click_row(qtbot, window, ZH_TITLE)

    def cancel(dialog: LanguageDialog) -> None:
        qtbot.keyClicks(dialog.search, "japan")
        assert dialog.choice() == "ja"
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    seen = in_dialog(cancel)
    window.act_language.trigger()
    assert seen
    assert window.library.get_article(article_id).language == "zh"


def test_a_correction_moves_the_article_out_of_a_filtered_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.mouseClick(window.search_bar.filters_button, Qt.MouseButton.LeftButton)
    combo = window.filter_bar.language
    choose(qtbot, combo, "English (2)")
    click_row(qtbot, window, XI_PUTIN)

    def german(dialog: LanguageDialog) -> None:
        qtbot.keyClicks(dialog.search, "(de)")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    in_dialog(german)
    window.act_language.trigger()
    assert titles(window) == [SEED_DATED]
    assert combo.currentText() == "English (1)"
    assert "German (1)" in combo_texts(combo)

    # The last Russian article made Kazakh: Russian leaves the filter, and the list is
    # not left filtered by a choice the bar no longer shows.
    choose(qtbot, combo, "Russian (1)")
    click_row(qtbot, window, RU_TITLE)

    def kazakh(dialog: LanguageDialog) -> None:
        qtbot.keyClicks(dialog.search, "kazakh")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    in_dialog(kazakh)
    window.act_language.trigger()
    assert combo.currentText() == "All languages"
    assert len(titles(window)) == 4
    assert window.article_model.filter() is None


# -- fonts --------------------------------------------------------------------------------


def installed_for(system: QFontDatabase.WritingSystem) -> list[str]:
    return QFontDatabase.families(system)


def assert_every_character_has_a_glyph(block: QTextBlock) -> int:
    """Check, for each character of a laid-out block, that the font Qt actually drew it
    with has it (not an empty box). Returns how many characters were checked."""
    layout = block.layout()
    text = block.text()
    checked = 0
    for index, ch in enumerate(text):
        if ch.isspace():
            continue
        runs = layout.glyphRuns(index, 1)
        assert runs, (ch, text)
        for run in runs:
            raw = run.rawFont()
            # (By code point: PySide6's QChar overload answers wrongly for some
            # ideographs.)
            assert raw.supportsCharacter(ord(ch)), (ch, raw.familyName())
            assert 0 not in run.glyphIndexes(), (ch, raw.familyName())
        checked += 1
    return checked


@pytest.mark.parametrize("font", ["serif", "sans"])
def test_chinese_and_russian_articles_are_drawn_with_fonts_that_have_them(
    qtbot: QtBot, window: MainWindow, font: str
) -> None:
    if not installed_for(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip(
            "no font with Chinese characters is installed (packaging/linux/system-deps.sh "
            "installs fonts-noto-cjk)"
        )
    window.set_font_family(font)
    reader = window.reader
    for title, sample in ((ZH_TITLE, "天然气"), (RU_TITLE, "газа")):
        click_row(qtbot, window, title)
        reader.grab()  # lay the document out as it is painted
        doc = reader.document()
        checked = 0
        block = doc.begin()
        while block.isValid():
            checked += assert_every_character_has_a_glyph(block)
            block = block.next()
        assert checked > 60
        assert sample in reader.toPlainText()
        # The reading font names a family for the script, not only Qt's last resort.
        assert QFontMetrics(doc.defaultFont()).inFontUcs4(ord(sample[0]))
    # The list (the window's own font) draws the titles too.
    metrics = QFontMetrics(window.article_view.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in (ZH_TITLE + RU_TITLE).replace(" ", ""))


def test_the_article_language_picks_the_chinese_japanese_or_korean_face() -> None:
    for language, system in (
        ("zh", QFontDatabase.WritingSystem.SimplifiedChinese),
        ("ja", QFontDatabase.WritingSystem.Japanese),
        ("ko", QFontDatabase.WritingSystem.Korean),
    ):
        for kind in ("serif", "sans"):
            families = reading_font(kind, 12.0, language).families()
            if not installed_for(system):
                continue
            covering = [f for f in families if system in QFontDatabase.writingSystems(f)]
            assert covering, (language, kind, families)
            if language != "zh" and any("CJK" in f for f in families):
                suffix = {"ja": "JP", "ko": "KR"}[language]
                first_cjk = next(f for f in families if "CJK" in f)
                assert first_cjk.endswith(suffix), families


# -- right to left ------------------------------------------------------------------------


def test_arabic_paragraphs_read_right_to_left_and_highlights_line_up(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    report = window.library.import_paths([write(tmp_path / "ar", "ar.txt", AR_TEXT)])
    assert report.imported == 1
    window.refresh_list()
    article_id = click_row(qtbot, window, AR_TITLE)
    article = window.library.get_article(article_id)
    assert article.language == "ar"
    reader = window.reader
    reader.grab()
    doc = reader.document()
    assert reader.document_text() == article.text

    for paragraph in article.paragraphs:
        found = doc.find(paragraph[:12])
        assert not found.isNull()
        block = found.block()
        # Right to left, even the paragraph that opens with "CNN".
        assert block.textDirection() == Qt.LayoutDirection.RightToLeft, paragraph
        line = block.layout().lineAt(block.layout().lineCount() - 1)
        # The text hugs the right edge of the column, not the left.
        box = line.rect()  # the line's room in the reading column
        assert abs(line.naturalTextRect().right() - box.right()) < 2
        assert line.naturalTextRect().left() > box.left() + 10
    title_block = doc.begin()
    assert title_block.textDirection() == Qt.LayoutDirection.RightToLeft

    # Select the Arabic phrase and highlight it with a key: it covers exactly its
    # characters, and the mark is drawn from right (start) to left (end).
    found = doc.find(AR_PHRASE)
    assert not found.isNull()
    reader.setTextCursor(found)
    qtbot.keyClick(reader, Qt.Key.Key_1)
    [highlight] = window.library.highlights(article_id)
    assert highlight.exact == AR_PHRASE
    assert article.text[highlight.start : highlight.end] == AR_PHRASE
    [mark] = reader.extraSelections()
    assert mark.cursor.selectedText() == AR_PHRASE
    assert (mark.cursor.selectionStart(), mark.cursor.selectionEnd()) == (
        found.selectionStart(),
        found.selectionEnd(),
    )
    start = mark.cursor.block().layout()
    assert start is not None
    begin, end = mark.cursor.selectionStart(), mark.cursor.selectionEnd()
    position = mark.cursor.block().position()
    line = start.lineForTextPosition(begin - position)
    # (PySide6 gives cursorToX's C++ out-argument back too: (x, position).)
    x_begin, x_end = line.cursorToX(begin - position), line.cursorToX(end - position)
    assert isinstance(x_begin, tuple) and isinstance(x_end, tuple)
    assert x_begin[0] > x_end[0]
