"""The reader pane, driven as a user would (pytest-qt, offscreen)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import datetime

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QMenu, QTextEdit, QToolTip
from pytestqt.qtbot import QtBot

from reader.core.annotations.model import COLORS
from reader.core.library import Library
from reader.core.models import StoredArticle
from reader.ui import palette
from reader.ui.reader_view import (
    DEFAULT_FONT_SIZE,
    EMPTY_MESSAGE,
    FLASH_INTERVAL_MS,
    MAX_FONT_SIZE,
    MIN_FONT_SIZE,
    ReaderView,
    web_link,
)


def make_article(
    paragraphs: Sequence[str],
    *,
    article_id: int = 900,
    title: str = "A test article",
    source: str | None = "Test Wire",
) -> StoredArticle:
    now = datetime(2024, 5, 1, 12, 0)
    return StoredArticle(
        id=article_id,
        title=title,
        paragraphs=tuple(paragraphs),
        date=None,
        source=source,
        dateline=None,
        author=None,
        url=None,
        language=None,
        tags=(),
        external_id=None,
        content_hash="0" * 64,
        version=1,
        version_id=1,
        is_read=False,
        added_at=now,
        updated_at=now,
    )


def seed_with(library: Library, word: str) -> StoredArticle:
    for summary in library.list_articles():
        article = library.get_article(summary.id)
        if word in article.text:
            return article
    raise AssertionError(f"no seed article contains {word!r}")


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[ReaderView]:
    widget = ReaderView()
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def key_click(
    qtbot: QtBot,
    view: ReaderView,
    key: Qt.Key | str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(view, key, modifier)


def point_in(view: ReaderView, word: str, index: int) -> QPoint:
    """A viewport point on the ``index``-th character of ``word`` in the body, scrolled
    into view."""
    text = view.document_text()
    offset = text.index(word)
    view.scroll_to_offset(offset, offset + len(word), flash=False)
    cursor = QTextCursor(view.document())
    cursor.setPosition(body_doc_range(view, word)[0] + index)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def click(qtbot: QtBot, view: ReaderView, point: QPoint) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def doc_range(view: ReaderView, word: str, after: int = 0) -> tuple[int, int]:
    """Document positions of ``word`` (first found at or after ``after``)."""
    found = view.document().find(word, after, QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull(), word
    return found.selectionStart(), found.selectionEnd()


def body_doc_range(view: ReaderView, word: str) -> tuple[int, int]:
    """Like doc_range, but skipping the title and metadata blocks."""
    body_start = view.document().findBlockByNumber(2).position()
    return doc_range(view, word, body_start)


def select(view: ReaderView, start: int, end: int) -> None:
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def selections_with(view: ReaderView, colour: str | QColor) -> list[QTextEdit.ExtraSelection]:
    wanted = QColor(colour)
    return [s for s in view.extraSelections() if s.format.background().color() == wanted]


def visible(view: ReaderView, position: int) -> bool:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return view.viewport().rect().contains(view.cursorRect(cursor))


def menu_titles(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def submenu(menu: QMenu, title: str) -> QMenu:
    for action in menu.actions():
        if action.text() == title and action.menu() is not None:
            sub = action.menu()
            assert isinstance(sub, QMenu)
            return sub
    raise AssertionError(f"no submenu {title!r} in {menu_titles(menu)}")


# ------------------------------------------------------------------ showing


def test_shows_each_seed_article_with_title_and_metadata(
    view: ReaderView, library: Library
) -> None:
    for summary in library.list_articles():
        article = library.get_article(summary.id)
        view.show_article(article)
        assert view.article() == article
        assert view.document_text() == article.text
        shown = view.toPlainText()
        assert article.title in shown
        for value in (article.source, article.dateline):
            if value:
                assert value in shown
        assert article.date is not None
        assert article.date.isoformat()[:10] in shown
        if article.date.has_time:
            assert "21:09" in shown


def test_empty_state(view: ReaderView, library: Library) -> None:
    view.show_article(library.get_article(library.list_articles()[0].id))
    view.show_article(None)
    assert view.article() is None
    assert EMPTY_MESSAGE in view.toPlainText()
    assert "Ctrl+O" in view.toPlainText()
    assert view.document_text() == ""
    view.selectAll()
    assert view.selected_range() is None


def test_the_first_view_is_the_empty_state(qtbot: QtBot) -> None:
    widget = ReaderView()
    qtbot.addWidget(widget)
    assert EMPTY_MESSAGE in widget.toPlainText()


def test_an_article_without_paragraphs(view: ReaderView) -> None:
    view.show_article(make_article([]))
    assert view.document_text() == ""
    view.selectAll()
    assert view.selected_range() is None


# ---------------------------------------------------------------- selection


def test_selection_maps_to_article_offsets(
    view: ReaderView, library: Library, qtbot: QtBot
) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    start, end = doc_range(view, "Vladivostok")
    with qtbot.waitSignal(view.selectionRangeChanged) as signal:
        select(view, start, end)
    rng = view.selected_range()
    assert rng is not None
    assert article.text[rng[0] : rng[1]] == "Vladivostok"
    assert signal.args == [rng[0], rng[1]]


def test_selection_across_paragraphs_keeps_the_paragraph_break(
    view: ReaderView, library: Library
) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    start, _ = doc_range(view, "Vladivostok")
    _, end = doc_range(view, "welcomed", start)
    select(view, start, end)
    rng = view.selected_range()
    assert rng is not None
    selected = article.text[rng[0] : rng[1]]
    assert selected.startswith("Vladivostok") and selected.endswith("welcomed")
    assert "\n\n" in selected
    assert selected == view.textCursor().selectedText().replace("\u2029", "\n\n")


def test_selection_starting_in_the_title_is_clamped_to_the_body(
    view: ReaderView, library: Library
) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    _, end = body_doc_range(view, "Jinping")
    select(view, 0, end)
    rng = view.selected_range()
    assert rng is not None
    assert rng[0] == 0
    assert article.text[: rng[1]].endswith("Jinping")


def test_a_selection_of_the_title_only_is_no_range(
    view: ReaderView, library: Library, qtbot: QtBot
) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    start, end = body_doc_range(view, "Putin")
    select(view, start, end)
    with qtbot.waitSignal(view.selectionRangeChanged) as signal:
        select(view, 0, 5)
    assert view.selected_range() is None
    assert signal.args == [-1, -1]


def test_keyboard_selection(view: ReaderView, library: Library, qtbot: QtBot) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    start, _ = doc_range(view, "Vladivostok")
    cursor = view.textCursor()
    cursor.setPosition(start)
    view.setTextCursor(cursor)
    for _ in "Vladivostok":
        key_click(qtbot, view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    rng = view.selected_range()
    assert rng is not None
    assert article.text[rng[0] : rng[1]] == "Vladivostok"


def test_offsets_stay_exact_after_characters_outside_the_bmp(view: ReaderView) -> None:
    article = make_article(
        ["Emoji 😀😀 then Vladivostok.", "A line\nbreak and 𝔘nicode Kazan 😀 end."]
    )
    view.show_article(article)
    assert view.document_text() == article.text
    for word in ("Vladivostok", "Kazan", "end"):
        start, end = body_doc_range(view, word)
        select(view, start, end)
        rng = view.selected_range()
        assert rng is not None
        assert article.text[rng[0] : rng[1]] == word


# --------------------------------------------------------------- highlights


def test_highlights_colour_exactly_their_ranges(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    green = library.highlight_quote(article.id, "Vladivostok", color="green")
    pink = library.highlight_quote(article.id, "Eastern Economic Forum", color="pink")
    view.show_article(article)
    view.set_highlights(library.highlights(article.id))
    theme = palette.theme("light")

    for item, word in ((green, "Vladivostok"), (pink, "Eastern Economic Forum")):
        marks = selections_with(view, theme.highlight(item.color))
        assert len(marks) == 1
        cursor = marks[0].cursor
        assert (cursor.selectionStart(), cursor.selectionEnd()) == doc_range(view, word)
        assert cursor.selectedText() == word


def test_highlights_given_with_the_article_and_orphans_skipped(
    view: ReaderView, library: Library
) -> None:
    article = seed_with(library, "Vladivostok")
    item = library.highlight_quote(article.id, "Vladivostok", color="blue")
    orphan = dataclasses.replace(item, id=item.id + 100, anchor="orphan", color="purple")
    view.show_article(article, [item, orphan])
    theme = palette.theme("light")
    assert len(selections_with(view, theme.highlight("blue"))) == 1
    assert selections_with(view, theme.highlight("purple")) == []
    assert view.highlight_at(item.start) == item.id
    assert view.highlight_at(item.end - 1) == item.id
    assert view.highlight_at(item.end) is None
    assert view.highlight_at(item.start - 1) is None


def test_highlight_colours_follow_the_theme(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article, [library.highlight_quote(article.id, "Vladivostok")])
    view.set_appearance("dark", "serif", 12)
    assert len(selections_with(view, palette.theme("dark").highlight("yellow"))) == 1


def test_clicking_a_highlight_activates_it(
    view: ReaderView, library: Library, qtbot: QtBot
) -> None:
    article = seed_with(library, "Vladivostok")
    item = library.highlight_quote(article.id, "Vladivostok", color="green")
    view.show_article(article, [item])
    with qtbot.waitSignal(view.highlightActivated) as signal:
        click(qtbot, view, point_in(view, "Vladivostok", 3))
    assert signal.args == [item.id]

    with qtbot.assertNotEmitted(view.highlightActivated):
        click(qtbot, view, point_in(view, "Tuesday", 2))


# ------------------------------------------------------- requests (keys, menu)


def test_number_keys_request_a_highlight_of_the_selection(
    view: ReaderView, library: Library, qtbot: QtBot
) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    with qtbot.assertNotEmitted(view.highlightRequested):
        key_click(qtbot, view, "2")
    select(view, *doc_range(view, "Vladivostok"))
    with qtbot.waitSignal(view.highlightRequested) as signal:
        key_click(qtbot, view, "2")
    assert signal.args == ["green"]
    with qtbot.waitSignal(view.highlightRequested) as signal:
        key_click(qtbot, view, "5")
    assert signal.args == ["purple"]


def test_context_menu_offers_highlighting_a_selection(
    view: ReaderView, library: Library, qtbot: QtBot
) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)

    plain = view.build_context_menu(QPoint(5, 5))
    assert "Highlight" not in menu_titles(plain)
    assert "Delete highlight" not in menu_titles(plain)
    plain.deleteLater()

    select(view, *doc_range(view, "Vladivostok"))
    menu = view.build_context_menu(QPoint(5, 5))
    assert "Highlight with note…" in menu_titles(menu)
    colours = submenu(menu, "Highlight")
    assert [a.data() for a in colours.actions()] == list(COLORS)
    assert all(not a.icon().isNull() for a in colours.actions())
    with qtbot.waitSignal(view.highlightRequested) as signal:
        colours.actions()[1].trigger()
    assert signal.args == ["green"]
    note = next(a for a in menu.actions() if a.text() == "Highlight with note…")
    with qtbot.waitSignal(view.highlightWithNoteRequested):
        note.trigger()
    menu.deleteLater()


def test_context_menu_on_a_highlight_edits_it(
    view: ReaderView, library: Library, qtbot: QtBot
) -> None:
    article = seed_with(library, "Vladivostok")
    item = library.highlight_quote(article.id, "Vladivostok", color="green", note="port")
    view.show_article(article, [item])
    menu = view.build_context_menu(point_in(view, "Vladivostok", 2))
    titles = menu_titles(menu)
    assert {"Change colour", "Edit note…", "Delete highlight"} <= set(titles)
    assert "Highlight" not in titles
    recolor = submenu(menu, "Change colour")
    checked = [a.data() for a in recolor.actions() if a.isChecked()]
    assert checked == ["green"]
    with qtbot.waitSignal(view.recolorRequested) as signal:
        recolor.actions()[3].trigger()
    assert signal.args == [item.id, "pink"]
    actions = {a.text(): a for a in menu.actions()}
    with qtbot.waitSignal(view.editNoteRequested) as signal:
        actions["Edit note…"].trigger()
    assert signal.args == [item.id]
    with qtbot.waitSignal(view.deleteRequested) as signal:
        actions["Delete highlight"].trigger()
    assert signal.args == [item.id]
    menu.deleteLater()

    away = view.build_context_menu(point_in(view, "Tuesday", 0))
    assert "Delete highlight" not in menu_titles(away)
    away.deleteLater()


# --------------------------------------------------------------------- find


def test_find_counts_moves_and_wraps(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    total = article.text.lower().count("putin")
    assert total > 2
    theme = palette.theme("light")

    assert view.find("Putin") == (1, total)
    assert len(selections_with(view, theme.current_hit)) == 1
    assert len(selections_with(view, theme.hit)) == total - 1
    assert view.find_next() == (2, total)
    marks = selections_with(view, theme.current_hit)
    assert marks[0].cursor.selectedText() == "Putin"
    assert view.find_previous() == (1, total)
    assert view.find_previous() == (total, total)
    assert view.find_next() == (1, total)
    assert view.find("putin", backward=True) == (total, total)

    view.clear_find()
    assert selections_with(view, theme.current_hit) == []
    assert selections_with(view, theme.hit) == []


def test_find_marks_the_current_match_in_view(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    total = article.text.count("Xi")
    for _ in range(total):
        index, count = view.find_next() if view.find_text() else view.find("Xi")
        assert count == total
        marks = selections_with(view, palette.theme("light").current_hit)
        assert visible(view, marks[0].cursor.selectionStart())
    assert index == total


def test_find_without_matches_and_empty_text(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    assert view.find("no such words") == (0, 0)
    assert view.find("Putin")[1] > 0
    assert view.find("") == (0, 0)
    assert selections_with(view, palette.theme("light").hit) == []


def test_find_starts_from_the_cursor(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    total = article.text.count("Putin")
    before = article.text[: article.text.index("Vladivostok")].count("Putin")
    cursor = view.textCursor()
    cursor.setPosition(doc_range(view, "Vladivostok")[0])
    view.setTextCursor(cursor)
    assert view.find("Putin") == (before + 1, total)


# ------------------------------------------------------------- search hits


def test_search_terms_mark_hits_and_scroll_to_the_first(
    qtbot: QtBot, view: ReaderView, library: Library
) -> None:
    article = seed_with(library, "Vladivostok")
    view.resize(500, 200)
    view.show_article(article)
    view.set_search_terms(["vladivostok"])
    assert view.hit_count() == 1
    marks = selections_with(view, palette.theme("light").hit)
    assert [m.cursor.selectedText() for m in marks] == ["Vladivostok"]
    assert visible(view, marks[0].cursor.selectionStart())
    view.clear_search_terms()
    assert view.hit_count() == 0
    assert selections_with(view, palette.theme("light").hit) == []


def test_search_terms_mark_whole_words_and_stems(view: ReaderView) -> None:
    article = make_article(
        [
            "They vow, and vowed; the VOWS were kept.",
            "Strengthen ties, strengthening trade, unstrengthen nothing.",
        ]
    )
    view.show_article(article)
    view.set_search_terms(["vow"])
    assert view.hit_count() == 1
    view.set_search_terms(["strengthen"])
    assert view.hit_count() == 2
    view.set_search_terms(["vow", "strengthen"])
    assert view.hit_count() == 3


def test_search_terms_in_unspaced_scripts(view: ReaderView) -> None:
    article = make_article(["普京总统访问北京。", "Путин и Си Цзиньпин встретились."])
    view.show_article(article)
    view.set_search_terms(["普京"])
    assert view.hit_count() == 1
    view.set_search_terms(["путин"])
    assert view.hit_count() == 1


def test_another_article_clears_search_and_find_marks(view: ReaderView, library: Library) -> None:
    articles = [library.get_article(s.id) for s in library.list_articles()]
    view.show_article(articles[0])
    view.set_search_terms(["putin"])
    view.find("Xi")
    assert view.hit_count() > 0
    view.show_article(articles[1])
    assert view.hit_count() == 0
    assert view.extraSelections() == []


# --------------------------------------------------------------- appearance


def body_block_foreground(view: ReaderView) -> QColor:
    block = view.document().findBlockByNumber(2)
    return block.charFormat().foreground().color()


def test_appearance_changes_colours_and_font(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.show_article(article)
    view.set_appearance("dark", "serif", 14)
    dark = palette.theme("dark")
    assert view.palette().color(QPalette.ColorRole.Base) == QColor(dark.background)
    frame = view.document().rootFrame().frameFormat()
    assert frame.background().color() == QColor(dark.background)
    assert body_block_foreground(view) == QColor(dark.text)
    assert view.document().defaultFont().pointSizeF() == 14
    assert view.document_text() == article.text

    view.set_appearance("sepia", "sans", 13)
    sepia = palette.theme("sepia")
    assert view.palette().color(QPalette.ColorRole.Base) == QColor(sepia.background)
    assert body_block_foreground(view) == QColor(sepia.text)
    assert view.document().defaultFont().pointSizeF() == 13


def test_serif_and_sans_are_different_fonts(view: ReaderView) -> None:
    view.show_article(make_article(["Body"]))
    view.set_appearance("light", "serif", 12)
    serif = view.document().defaultFont()
    view.set_appearance("light", "sans", 12)
    sans = view.document().defaultFont()
    assert serif.styleHint() != sans.styleHint() or serif.families() != sans.families()


def test_zoom_emits_and_respects_limits(view: ReaderView, qtbot: QtBot) -> None:
    view.show_article(make_article(["Body"]))
    view.set_appearance("light", "serif", 14)
    with qtbot.waitSignal(view.fontSizeChanged) as signal:
        view.zoom_in()
    assert signal.args == [15.0]
    assert view.document().defaultFont().pointSizeF() == 15
    with qtbot.waitSignal(view.fontSizeChanged) as signal:
        view.zoom_out()
    assert signal.args == [14.0]

    view.set_appearance("light", "serif", MAX_FONT_SIZE)
    with qtbot.assertNotEmitted(view.fontSizeChanged):
        view.zoom_in()
    assert view.font_size() == MAX_FONT_SIZE
    view.set_appearance("light", "serif", MIN_FONT_SIZE)
    with qtbot.assertNotEmitted(view.fontSizeChanged):
        view.zoom_out()
    assert view.font_size() == MIN_FONT_SIZE
    with qtbot.waitSignal(view.fontSizeChanged) as signal:
        view.reset_zoom()
    assert signal.args == [DEFAULT_FONT_SIZE]
    view.set_appearance("light", "serif", 100)
    assert view.font_size() == MAX_FONT_SIZE


def test_appearance_change_keeps_the_reading_position(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.resize(500, 220)
    view.show_article(article)
    offset = article.text.index("Korean Peninsula")
    view.scroll_to_offset(offset, offset + 16, flash=False)
    assert view.verticalScrollBar().value() > 0
    view.set_appearance("sepia", "sans", 15)
    assert visible(view, body_doc_range(view, "Korean Peninsula")[0])


def test_the_text_column_is_limited_and_centred(view: ReaderView) -> None:
    view.show_article(make_article(["word " * 400]))
    view.resize(1600, 500)
    frame = view.document().rootFrame().frameFormat()
    assert frame.leftMargin() == frame.rightMargin()
    column = view.viewport().width() - frame.leftMargin() - frame.rightMargin()
    em = view.fontMetrics().horizontalAdvance("M")
    assert column <= 45 * em
    view.resize(300, 500)
    frame = view.document().rootFrame().frameFormat()
    assert view.viewport().width() - frame.leftMargin() - frame.rightMargin() > 150


# ------------------------------------------------------------------- safety


def _anchors(document: QTextDocument) -> Iterator[str]:
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor():
                yield fragment.text()
            it += 1
        block = block.next()


def _has_images(document: QTextDocument) -> bool:
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                return True
            it += 1
        block = block.next()
    return False


def test_markup_in_articles_is_shown_as_text(view: ReaderView) -> None:
    paragraphs = [
        "<script>alert(1)</script>",
        '<img src="http://example.com/x.png">',
        '<a href="javascript:alert(1)">x</a>',
        "&amp; <b>bold</b>",
    ]
    article = make_article(paragraphs, title="<h1>Title</h1>")
    view.show_article(article)
    shown = view.toPlainText()
    for paragraph in paragraphs:
        assert paragraph in shown
    assert "<h1>Title</h1>" in shown
    assert view.document_text() == article.text
    assert not _has_images(view.document())
    assert list(_anchors(view.document())) == []


def test_nothing_is_ever_loaded(view: ReaderView) -> None:
    image = QTextDocument.ResourceType.ImageResource.value
    for url in ("http://example.com/x.png", "https://example.com/a.css", "file:///etc/passwd"):
        assert view.loadResource(image, QUrl(url)) is None
    assert not view.openLinks()
    assert not view.openExternalLinks()
    assert view.isReadOnly()
    flags = view.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert not flags & Qt.TextInteractionFlag.LinksAccessibleByMouse
    assert not flags & Qt.TextInteractionFlag.LinksAccessibleByKeyboard


# -------------------------------------------------------------------- links

ADDRESS = "https://example.org/news/border-talks?id=7#top"
#: Addresses that are shown as text only, never as links.
NOT_LINKS = (
    "javascript:alert(1)",
    "JavaScript:fetch('https://example.org/')",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/file.txt",
    "mailto:desk@example.org",
    "//example.org/relative",
    "example.org/no-scheme",
    "https:example.org",
    "https://user:secret@example.org/",
    "https://exa mple.org/",
    "https://example.org/\u202egnp.exe",
)


def with_address(url: str) -> StoredArticle:
    return dataclasses.replace(
        make_article(["The body of the article, about the border talks."]),
        url=url,
        dateline="MOSCOW",
    )


def link_point(view: ReaderView, at: int | None = None) -> QPoint:
    """A viewport point on the link's character ``at`` (its middle one by default)."""
    span = view.link_range()
    assert span is not None
    position = (span[0] + span[1]) // 2 if at is None else span[0] + at
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def format_at(view: ReaderView, position: int) -> QTextCharFormat:
    """The character format of the character at a document position."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(position + 1)
    return cursor.charFormat()


def text_point(view: ReaderView, text: str) -> QPoint:
    found = view.document().find(text)
    assert not found.isNull(), text
    cursor = QTextCursor(view.document())
    cursor.setPosition(found.selectionStart() + 1)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def drag(qtbot: QtBot, view: ReaderView, start: QPoint, end: QPoint) -> None:
    """Press at ``start``, move with the button held, release at ``end``."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for point in ((start + end) / 2, end):
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(point),
            QPointF(viewport.mapToGlobal(point)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, move)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def collect_links(view: ReaderView) -> list[QUrl]:
    asked: list[QUrl] = []
    view.openLinkRequested.connect(lambda url: asked.append(QUrl(url)))
    return asked


@pytest.mark.parametrize("url", [ADDRESS, "http://example.org/a", "HTTPS://Example.org/Path"])
def test_a_web_address_is_a_link_in_the_metadata_line(view: ReaderView, url: str) -> None:
    view.show_article(with_address(url))
    assert f"Test Wire · MOSCOW · {url}" in view.toPlainText()
    assert list(_anchors(view.document())) == [url]
    assert view.link_url() == QUrl(url)
    span = view.link_range()
    assert span is not None
    assert view.document().toPlainText()[span[0] : span[1]] == url
    theme = palette.theme(view.theme_name())
    for position in (span[0], span[1] - 1):
        link = format_at(view, position)
        assert link.isAnchor()
        assert link.fontUnderline()
        assert link.foreground().color() == QColor(theme.accent)
    before = format_at(view, span[0] - 2)
    assert not before.isAnchor() and not before.fontUnderline()
    assert before.foreground().color() == QColor(theme.muted)
    assert view.document_text() == "The body of the article, about the border talks."


@pytest.mark.parametrize("url", NOT_LINKS)
def test_other_addresses_are_plain_text(view: ReaderView, qtbot: QtBot, url: str) -> None:
    assert web_link(url) is None
    asked = collect_links(view)
    view.show_article(with_address(url))
    assert url in view.toPlainText()
    assert list(_anchors(view.document())) == []
    assert view.link_url() is None and view.link_range() is None
    block = view.document().findBlockByNumber(1)
    for position in range(block.position(), block.position() + block.length() - 1):
        assert not format_at(view, position).fontUnderline()
    point = text_point(view, url[:6])
    qtbot.mouseMove(view.viewport(), point)
    assert view.viewport().cursor().shape() != Qt.CursorShape.PointingHandCursor
    click(qtbot, view, point)
    assert asked == []


def test_a_click_on_the_link_asks_to_open_it_once(view: ReaderView, qtbot: QtBot) -> None:
    asked = collect_links(view)
    view.show_article(with_address(ADDRESS))
    with qtbot.waitSignal(view.openLinkRequested, timeout=1000) as blocker:
        click(qtbot, view, link_point(view))
    assert blocker.args == [QUrl(ADDRESS)]
    assert asked == [QUrl(ADDRESS)]
    assert not view.textCursor().hasSelection()
    # The first and last characters are the link too.
    click(qtbot, view, link_point(view, 0))
    click(qtbot, view, link_point(view, len(ADDRESS) - 1))
    assert asked == [QUrl(ADDRESS)] * 3


def test_a_click_beside_the_link_asks_nothing(view: ReaderView, qtbot: QtBot) -> None:
    asked = collect_links(view)
    view.show_article(with_address(ADDRESS))
    click(qtbot, view, text_point(view, "MOSCOW"))
    click(qtbot, view, text_point(view, "border talks"))
    end = link_point(view, len(ADDRESS) - 1)
    click(qtbot, view, QPoint(end.x() + 40, end.y()))
    assert asked == []
    click(qtbot, view, link_point(view))
    assert len(asked) == 1


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_hovering_the_link_shows_where_it_leads(view: ReaderView, qtbot: QtBot) -> None:
    asked = collect_links(view)
    view.show_article(with_address(ADDRESS))
    viewport = view.viewport()
    normal = viewport.cursor().shape()
    assert normal != Qt.CursorShape.PointingHandCursor
    point = link_point(view)
    qtbot.mouseMove(viewport, point)
    assert viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    )
    assert QToolTip.isVisible()
    assert ADDRESS.replace("&", "&amp;") in QToolTip.text()
    qtbot.mouseMove(viewport, text_point(view, "border talks"))
    assert viewport.cursor().shape() == normal
    QToolTip.hideText()
    # Showing another article puts the pointer back too.
    qtbot.mouseMove(viewport, point)
    view.show_article(with_address("javascript:alert(1)"))
    assert viewport.cursor().shape() == normal
    assert asked == []


def test_only_a_click_opens_the_link(view: ReaderView, qtbot: QtBot) -> None:
    """Not showing the article, hovering, the keyboard, selecting or other buttons."""
    asked = collect_links(view)
    view.show_article(with_address(ADDRESS))
    view.show_article(with_address(ADDRESS))
    view.set_appearance("dark", "sans", 14)
    viewport = view.viewport()
    qtbot.mouseMove(viewport, link_point(view))
    view.setFocus()
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
        key_click(qtbot, view, key)
    key_click(qtbot, view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert view.textCursor().hasSelection()
    click(qtbot, view, text_point(view, "border talks"))
    assert not view.textCursor().hasSelection()
    # Selecting part of the address by dragging over it, or from it into the body.
    drag(qtbot, view, link_point(view, 2), link_point(view, 20))
    assert view.textCursor().selectedText() == ADDRESS[2:20]
    assert viewport.cursor().shape() != Qt.CursorShape.PointingHandCursor
    drag(qtbot, view, link_point(view), text_point(view, "border talks"))
    assert "MOSCOW" not in view.textCursor().selectedText()
    assert "border" in view.textCursor().selectedText()
    # Pressed beside the link, released on it.
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=text_point(view, "MOSCOW"))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=link_point(view, 1))
    # Extending a selection to it.
    click(qtbot, view, text_point(view, "border talks"))
    qtbot.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, link_point(view)
    )
    assert view.textCursor().hasSelection()
    assert asked == []


def test_the_link_follows_the_theme(view: ReaderView) -> None:
    view.show_article(with_address(ADDRESS))
    for name in palette.THEMES:
        view.set_appearance(name, "serif", 12)
        span = view.link_range()
        assert span is not None
        link = format_at(view, span[0])
        assert link.foreground().color() == QColor(palette.theme(name).accent)
        assert link.fontUnderline()
        assert view.link_url() == QUrl(ADDRESS)
        assert view.palette().color(QPalette.ColorRole.Link) == QColor(palette.theme(name).accent)


# ------------------------------------------------------------ other scripts


def test_right_to_left_paragraphs_are_laid_out_right_to_left(view: ReaderView) -> None:
    article = make_article(
        [
            "An English paragraph.",
            "שלום עולם, זו פסקה בעברית.",
            "مرحبا بالعالم، هذه فقرة باللغة العربية.",
        ],
        title="عنوان",
    )
    view.show_article(article)
    assert view.document_text() == article.text
    doc = view.document()

    def direction(word: str) -> Qt.LayoutDirection:
        return doc.findBlock(body_doc_range(view, word)[0]).textDirection()

    assert direction("English") == Qt.LayoutDirection.LeftToRight
    assert direction("שלום") == Qt.LayoutDirection.RightToLeft
    assert direction("مرحبا") == Qt.LayoutDirection.RightToLeft
    assert doc.begin().textDirection() == Qt.LayoutDirection.RightToLeft
    start, end = body_doc_range(view, "עולם")
    select(view, start, end)
    rng = view.selected_range()
    assert rng is not None
    assert article.text[rng[0] : rng[1]] == "עולם"


def test_chinese_and_russian_round_trip(view: ReaderView) -> None:
    article = make_article(
        ["习近平和普京同意加强两国关系。", "Путин и Си Цзиньпин встретились во Владивостоке."],
        title="Си и Путин",
    )
    view.show_article(article)
    assert view.document_text() == article.text
    start, end = body_doc_range(view, "Владивостоке")
    select(view, start, end)
    rng = view.selected_range()
    assert rng is not None
    assert article.text[rng[0] : rng[1]] == "Владивостоке"


# ---------------------------------------------------------------- scrolling


def test_scroll_to_offset_shows_a_late_paragraph(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.resize(500, 220)
    view.show_article(article)
    last = article.paragraphs[-1]
    start = article.text.rindex(last)
    position = body_doc_range(view, last[:30])[0]
    assert not visible(view, position)
    view.scroll_to_offset(start, start + len(last))
    assert visible(view, position)
    assert view.is_flashing()
    view.show_article(None)
    assert not view.is_flashing()


def test_deleting_the_view_while_it_flashes(qtbot: QtBot, library: Library) -> None:
    widget = ReaderView()
    widget.show()
    article = seed_with(library, "Vladivostok")
    widget.show_article(article)
    offset = article.text.index("Vladivostok")
    widget.scroll_to_offset(offset, offset + 11)
    assert widget.is_flashing()
    widget.deleteLater()
    del widget
    qtbot.wait(FLASH_INTERVAL_MS * 3)  # the flash timer went with the view: nothing fires


def test_showing_the_same_article_again_keeps_the_place(view: ReaderView, library: Library) -> None:
    article = seed_with(library, "Vladivostok")
    view.resize(500, 220)
    view.show_article(article)
    offset = article.text.index("Korean Peninsula")
    view.scroll_to_offset(offset, offset + 16, flash=False)
    view.set_search_terms(["putin"])
    view.scroll_to_offset(offset, offset + 16, flash=False)
    item = library.highlight_quote(article.id, "Korean Peninsula")
    view.show_article(article, [item])
    assert visible(view, body_doc_range(view, "Korean Peninsula")[0])
    assert view.hit_count() == article.text.count("Putin")
