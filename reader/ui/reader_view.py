"""The reader pane: one article, laid out for reading, with highlights and search marks.

The document is built block by block with :class:`QTextCursor` (article text is data and is
never parsed as markup). Every offset this widget takes or gives refers to
``article.text`` (the paragraphs joined by ``"\\n\\n"``); the view keeps the mapping between
those offsets and document positions (Qt counts UTF-16 code units, Python counts code
points, and the document separates paragraphs with one block separator instead of two
newlines).

The view never changes the library: highlight actions are requests, emitted as signals.
Nothing in it loads or opens anything by itself: the article's web address (http or https
only) is a link that, on an explicit click, emits :attr:`ReaderView.openLinkRequested`;
the window decides what to do with it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetricsF,
    QHelpEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser, QTextEdit, QToolTip, QWidget

from reader.core.annotations.model import COLORS, Highlight
from reader.core.models import PARAGRAPH_SEPARATOR, ArticleDate, StoredArticle
from reader.ui import palette
from reader.ui.languages import is_right_to_left_language, text_direction

MIN_FONT_SIZE = 8.0
MAX_FONT_SIZE = 32.0
DEFAULT_FONT_SIZE = 12.0
ZOOM_STEP = 1.0
FONTS: tuple[str, ...] = ("serif", "sans")

#: Widest text column, in characters and in ems (whichever is narrower).
COLUMN_CHARS = 70
COLUMN_EMS = 40.0
#: Smallest gap between the text and the edges of the view, in pixels.
MIN_SIDE_MARGIN = 24.0
TOP_MARGIN = 28.0

EMPTY_MESSAGE = "Select an article to read it."
EMPTY_HINT = "Import articles with Ctrl+O, or drag files here."
NO_TEXT_MESSAGE = "This article has no text."

#: Flashing a range: on/off ticks (3 pulses) every FLASH_INTERVAL_MS (~1.2 s in all).
FLASH_TICKS = 6
FLASH_INTERVAL_MS = 200

#: The only schemes shown as links (and opened by the window): anything else is text.
WEB_SCHEMES = frozenset({"http", "https"})
LINK_HINT = "Click to open in your web browser"
#: Longest address shown in the link's tooltip (the host comes first, so it stays).
TOOLTIP_CHARS = 300

_SERIF_FAMILIES = (
    "Noto Serif",
    "Source Serif 4",
    "Source Serif Pro",
    "Charter",
    "Iowan Old Style",
    "Georgia",
    "Cambria",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
    "Serif",
)
_SANS_FAMILIES = (
    "Noto Sans",
    "Segoe UI",
    "Helvetica Neue",
    "Cantarell",
    "Ubuntu",
    "DejaVu Sans",
    "Liberation Sans",
    "Arial",
    "Sans Serif",
)
#: Families for the scripts a Latin family may lack, tried after the chosen ones so each
#: character comes from a font that has it (no empty boxes): the first installed family
#: of each list that Qt says covers the script is added. Chinese, Japanese and Korean
#: share characters drawn differently in each, so the article's language picks the
#: variant; reading in serif prefers serif faces, sans sans.
_WS = QFontDatabase.WritingSystem
_SCRIPT_FAMILIES: dict[tuple[str, QFontDatabase.WritingSystem], tuple[str, ...]] = {
    ("serif", _WS.Cyrillic): ("Noto Serif", "PT Serif", "DejaVu Serif", "Liberation Serif",
                              "Times New Roman", "Georgia", "Cambria"),
    ("sans", _WS.Cyrillic): ("Noto Sans", "PT Sans", "DejaVu Sans", "Liberation Sans",
                             "Segoe UI", "Arial", "Helvetica Neue"),
    ("serif", _WS.SimplifiedChinese): ("Noto Serif CJK SC", "Source Han Serif SC",
                                       "Source Han Serif CN", "Songti SC", "SimSun",
                                       "Noto Sans CJK SC", "Source Han Sans SC",
                                       "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
                                       "Microsoft YaHei", "PingFang SC"),
    ("sans", _WS.SimplifiedChinese): ("Noto Sans CJK SC", "Source Han Sans SC",
                                      "Source Han Sans CN", "WenQuanYi Micro Hei",
                                      "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
                                      "SimHei", "SimSun"),
    ("serif", _WS.Japanese): ("Noto Serif CJK JP", "Source Han Serif", "Source Han Serif JP",
                              "Hiragino Mincho ProN", "Yu Mincho", "MS Mincho",
                              "Noto Sans CJK JP"),
    ("sans", _WS.Japanese): ("Noto Sans CJK JP", "Source Han Sans", "Source Han Sans JP",
                             "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic",
                             "Meiryo", "MS Gothic"),
    ("serif", _WS.Korean): ("Noto Serif CJK KR", "Source Han Serif K", "Source Han Serif KR",
                            "AppleMyungjo", "Batang", "Noto Sans CJK KR"),
    ("sans", _WS.Korean): ("Noto Sans CJK KR", "Source Han Sans K", "Source Han Sans KR",
                           "Apple SD Gothic Neo", "Malgun Gothic", "Gulim"),
    ("serif", _WS.Arabic): ("Noto Naskh Arabic", "Noto Serif Arabic", "Amiri",
                            "Times New Roman", "Noto Sans Arabic", "DejaVu Sans",
                            "Geeza Pro", "Arial"),
    ("sans", _WS.Arabic): ("Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans",
                           "Segoe UI", "Geeza Pro", "Arial"),
    ("serif", _WS.Hebrew): ("Noto Serif Hebrew", "Frank Ruehl CLM", "David CLM",
                            "Times New Roman", "Noto Sans Hebrew", "DejaVu Sans", "Arial"),
    ("sans", _WS.Hebrew): ("Noto Sans Hebrew", "DejaVu Sans", "Segoe UI", "Arial Hebrew",
                           "Arial"),
}  # fmt: skip
#: The order scripts are covered in: the article's own CJK variant first.
_CJK_ORDER: dict[str | None, tuple[QFontDatabase.WritingSystem, ...]] = {
    "ja": (_WS.Japanese, _WS.SimplifiedChinese, _WS.Korean),
    "ko": (_WS.Korean, _WS.SimplifiedChinese, _WS.Japanese),
    None: (_WS.SimplifiedChinese, _WS.Japanese, _WS.Korean),
}
#: Largest number of families a reading font names (Latin ones, then script fallbacks).
_LATIN_FAMILIES = 3

#: Characters that QTextCursor.insertText turns into block breaks; they are replaced in
#: the document (by a line separator or a replacement character, one code unit each, so
#: offsets still map) and restored by :meth:`ReaderView.document_text`.
_BLOCK_BREAKS = {
    "\n": "\u2028",
    "\r": "\u2028",
    "\u2029": "\u2028",
    "\ufdd0": "\ufffd",
    "\ufdd1": "\ufffd",
}
_BLOCK_BREAK_RE = re.compile("[\n\r\u2029\ufdd0\ufdd1]")

_available_families: set[str] | None = None


def _families() -> set[str]:
    global _available_families
    if _available_families is None:
        _available_families = set(QFontDatabase.families())
    return _available_families


_script_cache: dict[tuple[str, str | None, tuple[str, ...]], list[str]] = {}


def _script_families(kind: str, language: str | None, chosen: Sequence[str]) -> list[str]:
    """Installed families to add after ``chosen`` so that Cyrillic, Chinese, Japanese,
    Korean, Arabic and Hebrew text each have a font (those ``chosen`` already covers are
    skipped)."""
    key = (kind, language, tuple(chosen))
    found = _script_cache.get(key)
    if found is not None:
        return found
    available = _families()
    cjk = _CJK_ORDER.get(language, _CJK_ORDER[None])
    systems = (_WS.Cyrillic, *cjk, _WS.Arabic, _WS.Hebrew)
    names = list(chosen)
    added: list[str] = []
    for system in systems:
        # Skip a script a family already named writes, but always look for the article's
        # own CJK face: the same characters are drawn differently in each.
        if system != cjk[0] and any(system in QFontDatabase.writingSystems(name) for name in names):
            continue
        for family in _SCRIPT_FAMILIES[("sans" if kind == "sans" else "serif", system)]:
            if family in available and system in QFontDatabase.writingSystems(family):
                if family not in names:
                    names.append(family)
                    added.append(family)
                break
    _script_cache[key] = added
    return added


def reading_font(kind: str, size: float, language: str | None = None) -> QFont:
    """A font for reading: existing families of the wanted kind first, then a family for
    each script they lack (Cyrillic, Chinese, Japanese, Korean, Arabic, Hebrew), with the
    Chinese, Japanese or Korean face of the article's ``language`` first.

    Only installed families are named (asking for a missing one costs a font-alias scan
    and a warning); a script none of them writes still gets Qt's own font fallback.
    """
    font = QFont()
    available = _families()
    wanted: tuple[str, ...]
    if kind == "sans":
        system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
        wanted = (system, *_SANS_FAMILIES)
        font.setStyleHint(QFont.StyleHint.SansSerif, QFont.StyleStrategy.PreferQuality)
    else:
        wanted = _SERIF_FAMILIES
        font.setStyleHint(QFont.StyleHint.Serif, QFont.StyleStrategy.PreferQuality)
    chosen: list[str] = []
    for family in wanted:
        if family and family in available and family not in chosen:
            chosen.append(family)
    chosen = chosen[:_LATIN_FAMILIES]
    chosen += _script_families(kind, language, chosen)
    if chosen:
        font.setFamilies(chosen)
    font.setPointSizeF(size)
    return font


def _format_date(value: ArticleDate) -> str:
    moment = value.value
    if isinstance(moment, datetime):
        text = moment.strftime("%Y-%m-%d %H:%M")
        offset = moment.strftime("%z")
        if offset:
            text += f" {offset[:3]}:{offset[3:5]}"
        return text
    return moment.isoformat()


def _metadata_parts(article: StoredArticle) -> tuple[str, str]:
    """(source · author · dateline · date, URL): the parts the article has."""
    parts = [article.source, article.author, article.dateline]
    if article.date is not None:
        parts.append(_format_date(article.date))
    details = " · ".join(p.strip() for p in parts if p and p.strip())
    return details, (article.url or "").strip()


def metadata_line(article: StoredArticle) -> str:
    """Source · author · dateline · date · URL (the parts the article has)."""
    return " · ".join(part for part in _metadata_parts(article) if part)


def is_web_url(url: QUrl) -> bool:
    """True for a plain web address: http or https, with a host, and without a user name
    or password (``https://bank.example@evil.example/`` is not what it looks like)."""
    return (
        url.isValid()
        and url.scheme().lower() in WEB_SCHEMES
        and bool(url.host())
        and not url.userInfo()
    )


def web_link(address: str | None) -> QUrl | None:
    """The link target for an article's address, or None when it must stay plain text:
    anything but a plain http(s) address (``javascript:``, ``file:``, ``data:``,
    ``ftp:``, relative paths) and any address with spaces or invisible characters (the
    text shown must be the address that would open)."""
    if not address:
        return None
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in address):
        return None
    url = QUrl(address, QUrl.ParsingMode.StrictMode)
    return url if is_web_url(url) else None


def _is_unspaced_script(text: str) -> bool:
    """True when the text is in a script written without spaces between words."""
    for ch in text:
        code = ord(ch)
        if (
            0x2E80 <= code <= 0x9FFF  # CJK radicals, kana, ideographs
            or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
            or 0x0E00 <= code <= 0x0EFF  # Thai, Lao
            or 0x1000 <= code <= 0x109F  # Myanmar
            or 0x1780 <= code <= 0x17FF  # Khmer
            or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF
        ):
            return True
    return False


def term_pattern(term: str) -> re.Pattern[str] | None:
    """The pattern marking one search term: whole words, case-insensitive; a term of four
    or more letters also marks words starting with it (stemmed hits: "vow" marks only
    "vow", "strengthen" marks "strengthening")."""
    words = term.split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    if _is_unspaced_script(term):
        return re.compile(body, re.IGNORECASE)
    letters = sum(1 for ch in term if unicodedata.category(ch).startswith("L"))
    tail = r"\w*" if letters >= 4 else ""
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)", re.IGNORECASE)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass(slots=True)
class _Paragraph:
    """Where one paragraph of the article sits in the document."""

    #: Document position of the block's first character.
    doc_start: int
    #: Offset of the paragraph in article.text (Python code points).
    offset: int
    #: Length in code points and in UTF-16 code units.
    length: int
    qt_length: int
    #: Code-point indexes of characters outside the BMP (two code units each).
    astral: list[int] = field(default_factory=list)
    #: Characters replaced in the document, by code-point index.
    replaced: dict[int, str] = field(default_factory=dict)

    def to_qt(self, local: int) -> int:
        """Code-point index in the paragraph → code-unit index."""
        return local + sum(1 for a in self.astral if a < local)

    def to_py(self, local_qt: int) -> int:
        """Code-unit index → code-point index (the middle of a pair rounds down)."""
        passed = 0
        for index in self.astral:
            if index + passed < local_qt:
                passed += 1
            else:
                break
        return local_qt - passed


class ReaderView(QTextBrowser):
    """Shows one article; reports selections as offsets into ``article.text``."""

    #: (start, end) offsets of the body selection; (-1, -1) when none.
    selectionRangeChanged = Signal(int, int)
    #: A click inside a highlight (its id).
    highlightActivated = Signal(int)
    #: Highlight the current selection with this colour name.
    highlightRequested = Signal(str)
    #: Highlight the current selection and ask for a note.
    highlightWithNoteRequested = Signal()
    recolorRequested = Signal(int, str)
    editNoteRequested = Signal(int)
    deleteRequested = Signal(int)
    fontSizeChanged = Signal(float)
    #: A left click on the article's web address (always http or https). Never emitted
    #: on hover, keyboard focus, selection or when an article is shown.
    openLinkRequested = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._article: StoredArticle | None = None
        self._highlights: tuple[Highlight, ...] = ()
        self._paragraphs: list[_Paragraph] = []
        self._para_offsets: list[int] = []
        self._para_starts: list[int] = []
        self._theme = palette.theme("light")
        self._font_kind = "serif"
        self._size = DEFAULT_FONT_SIZE
        self._rendering = False
        self._last_range: tuple[int, int] = (-1, -1)
        # Search terms (from the search bar) and their hits, as text offsets.
        self._terms: tuple[str, ...] = ()
        self._hits: list[tuple[int, int]] = []
        # Find in article.
        self._find_text = ""
        self._find_active = False
        self._find_matches: list[tuple[int, int]] = []
        self._find_index: int | None = None
        # Flashing a range after scroll_to_offset.
        self._flash_range: tuple[int, int] | None = None
        self._flash_on = False
        self._flash_left = 0
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_INTERVAL_MS)
        self._flash_timer.timeout.connect(self._flash_tick)
        self._press_pos: QPoint | None = None
        # The article's web address in the document: (start, end, target).
        self._link: tuple[int, int, QUrl] | None = None
        self._over_link = False

        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # Dropped files go to the window (which imports them), not into the text.
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.viewport().setMouseTracking(True)
        self._normal_cursor = self.viewport().cursor().shape()
        self.setFrameShape(QTextBrowser.Shape.NoFrame)

        option = QTextOption(self.document().defaultTextOption())
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        self.document().setDefaultTextOption(option)
        self.document().setUndoRedoEnabled(False)

        self.selectionChanged.connect(self._on_selection_changed)
        self._apply_palette()
        self._render()

    # ---------------------------------------------------------------- safety

    def loadResource(self, type: int, name: QUrl | str, /) -> Any:
        """Nothing is ever loaded: no images, no style sheets, no network."""
        return None

    def doSetSource(
        self,
        name: QUrl | str,
        /,
        type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        """Ignored: the view shows only what :meth:`show_article` gives it."""

    # -------------------------------------------------------------- articles

    def article(self) -> StoredArticle | None:
        return self._article

    def link_url(self) -> QUrl | None:
        """Where the article's address link leads (None when it has no link)."""
        return QUrl(self._link[2]) if self._link is not None else None

    def link_range(self) -> tuple[int, int] | None:
        """Document positions of the address link (None when it has no link)."""
        return (self._link[0], self._link[1]) if self._link is not None else None

    def show_article(
        self, article: StoredArticle | None, highlights: Sequence[Highlight] = ()
    ) -> None:
        """Show an article (or the empty state for None) with its highlights.

        Showing another article clears the search and find marks; showing the same
        article again (a new version, new highlights) keeps them and the scroll position.
        """
        same = article is not None and self._article is not None and article.id == self._article.id
        anchor = self._top_offset() if same else None
        self._article = article
        self._highlights = tuple(highlights)
        self._stop_flash()
        if same:
            self._hits = self._compute_hits()
            self._find_matches = self._compute_find_matches()
            if self._find_index is not None and self._find_index >= len(self._find_matches):
                self._find_index = None
        else:
            self._terms = ()
            self._hits = []
            self._find_active = False
            self._find_matches = []
            self._find_index = None
        self._render()
        if anchor is not None:
            self._scroll_to_top_offset(anchor)
        else:
            self.verticalScrollBar().setValue(0)

    def document_text(self) -> str:
        """The plain text of the body blocks joined like ``article.text``."""
        doc = self.document()
        texts: list[str] = []
        for para in self._paragraphs:
            text = doc.findBlock(para.doc_start).text()
            if para.replaced:
                chars = list(text)
                for index, original in para.replaced.items():
                    if index < len(chars):
                        chars[index] = original
                text = "".join(chars)
            texts.append(text)
        return PARAGRAPH_SEPARATOR.join(texts)

    # ------------------------------------------------------------ appearance

    def theme_name(self) -> str:
        return self._theme.name

    def font_kind(self) -> str:
        return self._font_kind

    def font_size(self) -> float:
        return self._size

    def set_appearance(self, theme: str, font: str, size: float) -> None:
        """Theme ("light", "dark", "sepia"), font ("serif", "sans") and size in points."""
        self._theme = palette.theme(theme)
        self._font_kind = font if font in FONTS else "serif"
        self._size = min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, float(size)))
        self._apply_palette()
        self._rerender_in_place()

    def zoom_in(self) -> None:
        self._set_size(self._size + ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_size(self._size - ZOOM_STEP)

    def reset_zoom(self) -> None:
        self._set_size(DEFAULT_FONT_SIZE)

    def _set_size(self, size: float) -> None:
        size = min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, size))
        if size == self._size:
            return
        self._size = size
        self._rerender_in_place()
        self.fontSizeChanged.emit(size)

    def _rerender_in_place(self) -> None:
        anchor = self._top_offset()
        selection = self.selected_range()
        self._render()
        if selection is not None:
            cursor = self.textCursor()
            cursor.setPosition(self._offset_to_doc(selection[0], end=False))
            cursor.setPosition(
                self._offset_to_doc(selection[1], end=True), QTextCursor.MoveMode.KeepAnchor
            )
            self.setTextCursor(cursor)
        if anchor is not None:
            self._scroll_to_top_offset(anchor)

    def _apply_palette(self) -> None:
        theme = self._theme
        pal = QPalette(self.palette())
        background = QColor(theme.background)
        text = QColor(theme.text)
        for group in (
            QPalette.ColorGroup.Active,
            QPalette.ColorGroup.Inactive,
            QPalette.ColorGroup.Disabled,
        ):
            pal.setColor(group, QPalette.ColorRole.Base, background)
            pal.setColor(group, QPalette.ColorRole.Window, background)
            pal.setColor(group, QPalette.ColorRole.Text, text)
            pal.setColor(group, QPalette.ColorRole.Highlight, QColor(theme.accent))
            pal.setColor(group, QPalette.ColorRole.HighlightedText, background)
            pal.setColor(group, QPalette.ColorRole.Link, QColor(theme.accent))
        self.setPalette(pal)
        self.viewport().setPalette(pal)

    # ------------------------------------------------------------- rendering

    def _render(self) -> None:
        self._rendering = True
        try:
            self._build_document()
            # The caret starts at the top, not after the last inserted character.
            self.setTextCursor(QTextCursor(self.document()))
        finally:
            self._rendering = False
        self._update_margins(force=True)
        self._refresh_marks()
        self._on_selection_changed()

    def _build_document(self) -> None:
        doc = self.document()
        article = self._article
        language = article.language if article is not None else None
        font = reading_font(self._font_kind, self._size, language)
        self.setFont(font)
        doc.setDefaultFont(font)
        doc.clear()
        self._paragraphs = []
        self._para_offsets = []
        self._para_starts = []
        self._link = None
        self._set_over_link(False)

        em = float(QFontInfo(font).pixelSize())
        text_colour = QColor(self._theme.text)
        muted = QColor(self._theme.muted)
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        if article is None:
            block = QTextBlockFormat()
            block.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            block.setTopMargin(em * 4)
            block.setBottomMargin(em * 0.6)
            char = QTextCharFormat()
            char.setFontPointSize(self._size * 1.25)
            char.setForeground(QBrush(text_colour))
            cursor.setBlockFormat(block)
            cursor.setBlockCharFormat(char)
            cursor.insertText(EMPTY_MESSAGE, char)
            hint_block = QTextBlockFormat()
            hint_block.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            hint_char = QTextCharFormat()
            hint_char.setForeground(QBrush(muted))
            cursor.insertBlock(hint_block, hint_char)
            cursor.insertText(EMPTY_HINT, hint_char)
            cursor.endEditBlock()
            return

        auto = Qt.LayoutDirection.LayoutDirectionAuto
        # Each paragraph reads in the direction most of its letters do; text with no
        # letters follows the article's language (right to left for Arabic, Hebrew…).
        neutral = Qt.LayoutDirection.RightToLeft if is_right_to_left_language(language) else auto
        proportional = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        title_block = QTextBlockFormat()
        title_block.setLayoutDirection(text_direction(article.title, neutral))
        title_block.setBottomMargin(em * 0.5)
        title_block.setLineHeight(120.0, proportional)
        title_char = QTextCharFormat()
        title_char.setFontWeight(QFont.Weight.Bold)
        title_char.setFontPointSize(self._size * 1.6)
        title_char.setForeground(QBrush(text_colour))
        cursor.setBlockFormat(title_block)
        cursor.setBlockCharFormat(title_char)
        cursor.insertText(" ".join(article.title.split()), title_char)

        details, address = _metadata_parts(article)
        if details or address:
            meta_block = QTextBlockFormat()
            meta_block.setLayoutDirection(auto)
            meta_block.setBottomMargin(em * 1.4)
            meta_char = QTextCharFormat()
            meta_char.setFontPointSize(self._size * 0.85)
            meta_char.setForeground(QBrush(muted))
            cursor.insertBlock(meta_block, meta_char)
            # No break before the dot: a long address wraps as a whole onto the next line.
            cursor.insertText("\u00a0· ".join(p for p in (details, address) if p), meta_char)
            target = web_link(address)
            if target is not None:
                # The address is the end of the line: turn exactly it into a link.
                end = cursor.position()
                cursor.setPosition(end - (len(address.encode("utf-16-le")) // 2))
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(self._link_format(target))
                self._link = (cursor.selectionStart(), cursor.selectionEnd(), target)
                cursor.clearSelection()
                cursor.setPosition(end)
        else:
            title_block.setBottomMargin(em * 1.4)
            cursor.setBlockFormat(title_block)

        body_block = QTextBlockFormat()
        body_block.setLayoutDirection(auto)
        body_block.setLineHeight(150.0, proportional)
        body_block.setBottomMargin(em * 0.9)
        body_char = QTextCharFormat()
        body_char.setForeground(QBrush(text_colour))
        offset = 0
        for paragraph in article.paragraphs:
            block = QTextBlockFormat(body_block)
            block.setLayoutDirection(text_direction(paragraph, neutral))
            cursor.insertBlock(block, body_char)
            para = _Paragraph(
                doc_start=cursor.position(),
                offset=offset,
                length=len(paragraph),
                qt_length=len(paragraph.encode("utf-16-le")) // 2,
                astral=[i for i, ch in enumerate(paragraph) if ord(ch) > 0xFFFF],
            )
            shown = paragraph
            if _BLOCK_BREAK_RE.search(paragraph):
                para.replaced = {m.start(): m.group() for m in _BLOCK_BREAK_RE.finditer(paragraph)}
                shown = _BLOCK_BREAK_RE.sub(lambda m: _BLOCK_BREAKS[m.group()], paragraph)
            cursor.insertText(shown, body_char)
            self._paragraphs.append(para)
            self._para_offsets.append(offset)
            self._para_starts.append(para.doc_start)
            offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
        if not article.paragraphs:
            note_char = QTextCharFormat()
            note_char.setForeground(QBrush(muted))
            note_char.setFontItalic(True)
            cursor.insertBlock(body_block, note_char)
            cursor.insertText(NO_TEXT_MESSAGE, note_char)
        cursor.endEditBlock()

    def _link_format(self, target: QUrl) -> QTextCharFormat:
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setAnchorHref(target.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        link.setForeground(QBrush(QColor(self._theme.accent)))
        link.setFontUnderline(True)
        underline = QColor(self._theme.accent)
        underline.setAlphaF(0.55)
        link.setUnderlineColor(underline)
        return link

    def _column_margins(self) -> float:
        font = self.document().defaultFont()
        metrics = QFontMetricsF(font)
        em = float(QFontInfo(font).pixelSize()) or metrics.height()
        column = min(metrics.averageCharWidth() * COLUMN_CHARS, em * COLUMN_EMS)
        width = float(self.viewport().width())
        return max(MIN_SIDE_MARGIN, (width - column) / 2)

    def _update_margins(self, force: bool = False) -> None:
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        side = round(self._column_margins())
        background = QColor(self._theme.background)
        if (
            not force
            and fmt.leftMargin() == side
            and fmt.rightMargin() == side
            and fmt.background().color() == background
        ):
            return
        new = QTextFrameFormat(fmt)
        new.setLeftMargin(side)
        new.setRightMargin(side)
        new.setTopMargin(TOP_MARGIN)
        new.setBottomMargin(TOP_MARGIN * 2)
        new.setBackground(QBrush(background))
        root.setFrameFormat(new)

    def resizeEvent(self, e: QResizeEvent, /) -> None:
        super().resizeEvent(e)
        self._update_margins()

    # ----------------------------------------------------- offsets ↔ document

    def _body_bounds(self) -> tuple[int, int] | None:
        if not self._paragraphs:
            return None
        last = self._paragraphs[-1]
        return self._paragraphs[0].doc_start, last.doc_start + last.qt_length

    def _doc_to_offset(self, pos: int) -> int | None:
        """Document position → offset in article.text (None before the body)."""
        index = bisect_right(self._para_starts, pos) - 1
        if index < 0:
            return None
        para = self._paragraphs[index]
        local = min(pos - para.doc_start, para.qt_length)
        return para.offset + para.to_py(local)

    def _offset_to_doc(self, offset: int, *, end: bool) -> int:
        """Offset in article.text → document position. An offset inside a paragraph
        separator maps to the next paragraph's start (or, for an end, the previous one's
        end)."""
        if not self._paragraphs:
            return 0
        index = max(0, bisect_right(self._para_offsets, max(0, offset)) - 1)
        para = self._paragraphs[index]
        local = offset - para.offset
        if local > para.length:
            if not end and index + 1 < len(self._paragraphs):
                return self._paragraphs[index + 1].doc_start
            local = para.length
        return para.doc_start + para.to_qt(max(0, local))

    def _cursor_for(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offset_to_doc(start, end=False))
        cursor.setPosition(self._offset_to_doc(end, end=True), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _text_length(self) -> int:
        return len(self._article.text) if self._article is not None else 0

    # ------------------------------------------------------------- selection

    def selected_range(self) -> tuple[int, int] | None:
        """Offsets in article.text of the selected part of the body, or None."""
        bounds = self._body_bounds()
        cursor = self.textCursor()
        if bounds is None or not cursor.hasSelection():
            return None
        start = max(cursor.selectionStart(), bounds[0])
        end = min(cursor.selectionEnd(), bounds[1])
        if start >= end:
            return None
        first = self._doc_to_offset(start)
        last = self._doc_to_offset(end)
        if first is None or last is None or first >= last:
            return None
        return first, last

    def _on_selection_changed(self) -> None:
        if self._rendering:
            return
        selection = self.selected_range() or (-1, -1)
        if selection != self._last_range:
            self._last_range = selection
            self.selectionRangeChanged.emit(*selection)

    # ------------------------------------------------------------ highlights

    def highlights(self) -> tuple[Highlight, ...]:
        return self._highlights

    def set_highlights(self, highlights: Sequence[Highlight]) -> None:
        self._highlights = tuple(highlights)
        self._refresh_marks()

    def highlight_at(self, offset: int) -> int | None:
        """The id of the (innermost) highlight covering the character at ``offset``."""
        best: Highlight | None = None
        for item in self._highlights:
            if item.is_orphan or not item.start <= offset < item.end:
                continue
            if best is None or item.end - item.start < best.end - best.start:
                best = item
        return best.id if best is not None else None

    def _offset_at_point(self, pos: QPoint) -> int | None:
        """Offset of the body character under a viewport point (None off the body)."""
        if not self._paragraphs:
            return None
        char_pos = self._char_at_point(pos)
        bounds = self._body_bounds()
        if char_pos is None or bounds is None or not bounds[0] <= char_pos < bounds[1]:
            return None
        return self._doc_to_offset(char_pos)

    def _char_at_point(self, pos: QPoint) -> int | None:
        """Document position of the character under a viewport point (None when the point
        is not on a character)."""
        cursor = self.cursorForPosition(pos)
        block = cursor.block()
        caret = self.cursorRect(cursor)
        right_to_left = block.textDirection() == Qt.LayoutDirection.RightToLeft
        before = (pos.x() < caret.center().x()) != right_to_left
        char_pos = cursor.position() - 1 if before else cursor.position()
        block_end = block.position() + block.length() - 1
        if not block.position() <= char_pos < block_end:
            return None
        # A point beside or below the text of the line is not on the text.
        layout = block.layout()
        if layout is not None:
            line = layout.lineForTextPosition(char_pos - block.position())
            if line.isValid():
                natural = line.naturalTextRect()
                area = QRectF(natural.left(), line.y(), natural.width(), line.height())
                area.translate(layout.position())
                point = QPointF(
                    pos.x() + self.horizontalScrollBar().value(),
                    pos.y() + self.verticalScrollBar().value(),
                )
                if not area.adjusted(-2, -2, 2, 2).contains(point):
                    return None
        return char_pos

    def _link_at_point(self, pos: QPoint) -> QUrl | None:
        """The address link under a viewport point, if any."""
        if self._link is None:
            return None
        start, end, target = self._link
        char_pos = self._char_at_point(pos)
        if char_pos is None or not start <= char_pos < end:
            return None
        return QUrl(target)

    def _set_over_link(self, over: bool) -> None:
        """The pointing hand over the link, the usual pointer elsewhere."""
        if over == self._over_link:
            return
        self._over_link = over
        if over:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().setCursor(self._normal_cursor)

    def _highlight_at_point(self, pos: QPoint) -> int | None:
        offset = self._offset_at_point(pos)
        return self.highlight_at(offset) if offset is not None else None

    def _highlight_by_id(self, highlight_id: int) -> Highlight | None:
        return next((h for h in self._highlights if h.id == highlight_id), None)

    def mousePressEvent(self, ev: QMouseEvent, /) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            self._press_pos = ev.position().toPoint()
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev: QMouseEvent, /) -> None:
        super().mouseReleaseEvent(ev)
        press, self._press_pos = self._press_pos, None
        if ev.button() != Qt.MouseButton.LeftButton or press is None:
            return
        pos = ev.position().toPoint()
        if (pos - press).manhattanLength() >= QApplication.startDragDistance():
            return
        if self.textCursor().hasSelection():
            return
        # A click on the address link, pressed and released on it, asks for it to open.
        link = self._link_at_point(pos)
        if link is not None and self._link_at_point(press) is not None:
            self.openLinkRequested.emit(link)
            return
        highlight_id = self._highlight_at_point(pos)
        if highlight_id is not None:
            self.highlightActivated.emit(highlight_id)

    def mouseMoveEvent(self, e: QMouseEvent, /) -> None:
        super().mouseMoveEvent(e)
        # While a button is down the user is selecting: no pointing hand then.
        buttons = e.buttons() != Qt.MouseButton.NoButton
        self._set_over_link(not buttons and self._link_at_point(e.position().toPoint()) is not None)

    def viewportEvent(self, event: QEvent, /) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._set_over_link(False)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            link = self._link_at_point(event.pos())
            if link is not None:
                address = link.toDisplayString()
                if len(address) > TOOLTIP_CHARS:
                    address = address[: TOOLTIP_CHARS - 1] + "…"
                # Escaped: an address is data, never markup.
                tip = (
                    "<p style='white-space:pre'>" + html.escape(address) + "</p>"
                    f"<p><i>{LINK_HINT}</i></p>"
                )
                QToolTip.showText(event.globalPos(), tip, self.viewport())
                return True
            highlight_id = self._highlight_at_point(event.pos())
            item = self._highlight_by_id(highlight_id) if highlight_id is not None else None
            if item is not None and item.note.strip():
                # Escaped: a note is user text, never markup.
                tip = "<p style='white-space:pre-wrap'>" + html.escape(item.note) + "</p>"
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # ---------------------------------------------------------- context menu

    def _swatch_icon(self, color: str) -> QIcon:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setPen(QColor(self._theme.muted))
        painter.setBrush(self._theme.highlight(color))
        painter.drawRoundedRect(QRect(1, 1, 13, 13), 3, 3)
        painter.end()
        return QIcon(pixmap)

    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The context menu for a point in viewport coordinates: the standard entries,
        plus highlighting the selection and editing the highlight under the point."""
        document_pos = pos + QPoint(
            self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        )
        menu = self.createStandardContextMenu(document_pos)
        selection = self.selected_range()
        highlight_id = self._highlight_at_point(pos)
        if selection is not None or highlight_id is not None:
            menu.addSeparator()
        if selection is not None:
            submenu = menu.addMenu("Highlight")
            submenu.setObjectName("highlightMenu")
            for number, color in enumerate(COLORS, start=1):
                action = submenu.addAction(
                    self._swatch_icon(color), f"{color.capitalize()}\t{number}"
                )
                action.setData(color)
                action.triggered.connect(
                    lambda _checked=False, c=color: self.highlightRequested.emit(c)
                )
            with_note = menu.addAction("Highlight with note…")
            with_note.setObjectName("highlightWithNote")
            with_note.triggered.connect(
                lambda _checked=False: self.highlightWithNoteRequested.emit()
            )
        if highlight_id is not None:
            current = self._highlight_by_id(highlight_id)
            recolor = menu.addMenu("Change colour")
            recolor.setObjectName("recolorMenu")
            for color in COLORS:
                action = recolor.addAction(self._swatch_icon(color), color.capitalize())
                action.setData(color)
                action.setCheckable(True)
                action.setChecked(current is not None and current.color == color)
                action.triggered.connect(
                    lambda _checked=False, c=color, h=highlight_id: self.recolorRequested.emit(h, c)
                )
            edit = menu.addAction("Edit note…")
            edit.setObjectName("editNote")
            edit.triggered.connect(
                lambda _checked=False, h=highlight_id: self.editNoteRequested.emit(h)
            )
            delete = menu.addAction("Delete highlight")
            delete.setObjectName("deleteHighlight")
            delete.triggered.connect(
                lambda _checked=False, h=highlight_id: self.deleteRequested.emit(h)
            )
        return menu

    def contextMenuEvent(self, e: QContextMenuEvent, /) -> None:
        menu = self.build_context_menu(e.pos())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(e.globalPos())
        e.accept()

    # ------------------------------------------------------------------ keys

    def keyPressEvent(self, ev: QKeyEvent, /) -> None:
        text = ev.text()
        modifiers = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (
            len(text) == 1
            and "1" <= text <= str(len(COLORS))
            and modifiers == Qt.KeyboardModifier.NoModifier
            and self.selected_range() is not None
        ):
            self.highlightRequested.emit(COLORS[int(text) - 1])
            ev.accept()
            return
        super().keyPressEvent(ev)

    def wheelEvent(self, e: QWheelEvent, /) -> None:
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = e.angleDelta().y()
            if delta > 0:
                self.zoom_in()
            elif delta < 0:
                self.zoom_out()
            e.accept()
            return
        super().wheelEvent(e)

    # ----------------------------------------------------------------- marks

    def _selection(self, start: int, end: int, colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor_for(start, end)
        fmt = QTextCharFormat()
        fmt.setBackground(QBrush(colour))
        selection.format = fmt
        return selection

    def _refresh_marks(self) -> None:
        """One list of extra selections: highlights, then search hits, then find
        matches (the current one strongest), then the flash."""
        selections: list[QTextEdit.ExtraSelection] = []
        length = self._text_length()
        if self._paragraphs:
            theme = self._theme
            for item in self._highlights:
                if item.is_orphan:
                    continue
                start, end = max(0, item.start), min(length, item.end)
                if start < end:
                    selections.append(self._selection(start, end, theme.highlight(item.color)))
            hit = QColor(theme.hit)
            for start, end in self._hits:
                selections.append(self._selection(start, end, hit))
            for index, (start, end) in enumerate(self._find_matches):
                if index != self._find_index:
                    selections.append(self._selection(start, end, hit))
            if self._find_index is not None and self._find_index < len(self._find_matches):
                start, end = self._find_matches[self._find_index]
                selections.append(self._selection(start, end, QColor(theme.current_hit)))
            if self._flash_on and self._flash_range is not None:
                flash = QColor(theme.accent)
                flash.setAlpha(110)
                selections.append(self._selection(*self._flash_range, flash))
        self.setExtraSelections(selections)

    # ----------------------------------------------------------- search hits

    def set_search_terms(self, terms: Sequence[str]) -> None:
        """Mark the words matching the search terms and scroll to the first."""
        self._terms = tuple(t for t in (t.strip() for t in terms) if t)
        self._hits = self._compute_hits()
        self._refresh_marks()
        if self._hits:
            self._scroll_to_range(*self._hits[0])

    def clear_search_terms(self) -> None:
        self._terms = ()
        self._hits = []
        self._refresh_marks()

    def search_terms(self) -> tuple[str, ...]:
        return self._terms

    def hit_count(self) -> int:
        return len(self._hits)

    def hit_ranges(self) -> list[tuple[int, int]]:
        """The marked search hits, as offsets in article.text."""
        return list(self._hits)

    def _compute_hits(self) -> list[tuple[int, int]]:
        if self._article is None or not self._terms:
            return []
        text = self._article.text
        ranges: list[tuple[int, int]] = []
        for term in self._terms:
            pattern = term_pattern(term)
            if pattern is not None:
                ranges.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
        return _merge(ranges)

    # ------------------------------------------------------- find in article

    def find(self, text: str, backward: bool = False) -> tuple[int, int]:  # type: ignore[override]
        """Find ``text`` (case-insensitive) in the body: (current match, 1-based; total).

        Asking again for the same text (in any case) moves to the next (or previous) match, wrapping
        around; a new text starts from the current match or the cursor. Empty text
        clears the marks and gives (0, 0).
        """
        if not text:
            self.clear_find()
            return 0, 0
        repeat = (
            self._find_active
            and text.lower() == self._find_text.lower()
            and self._find_index is not None
        )
        anchor = 0 if repeat else self._find_anchor()
        self._find_text = text
        self._find_active = True
        self._find_matches = self._compute_find_matches()
        matches = self._find_matches
        if not matches:
            self._find_index = None
            self._refresh_marks()
            return 0, 0
        if repeat and self._find_index is not None:
            step = -1 if backward else 1
            index = (min(self._find_index, len(matches) - 1) + step) % len(matches)
        else:
            starts = [start for start, _ in matches]
            if backward:
                index = bisect_right(starts, anchor) - 1
                if index < 0:
                    index = len(matches) - 1
            else:
                index = bisect_left(starts, anchor)
                if index >= len(matches):
                    index = 0
        self._find_index = index
        self._refresh_marks()
        self._scroll_to_range(*matches[index])
        return index + 1, len(matches)

    def find_next(self) -> tuple[int, int]:
        return self._find_again(backward=False)

    def find_previous(self) -> tuple[int, int]:
        return self._find_again(backward=True)

    def _find_again(self, backward: bool) -> tuple[int, int]:
        if not self._find_text:
            return 0, 0
        # After clear_find or another article this starts afresh, from the cursor.
        return self.find(self._find_text, backward=backward)

    def clear_find(self) -> None:
        """Remove the find marks (the last text stays for find_next)."""
        self._find_active = False
        self._find_matches = []
        self._find_index = None
        self._refresh_marks()

    def find_text(self) -> str:
        return self._find_text

    def find_ranges(self) -> list[tuple[int, int]]:
        """All marked find matches, as offsets in article.text."""
        return list(self._find_matches)

    def current_find_range(self) -> tuple[int, int] | None:
        if self._find_index is None or self._find_index >= len(self._find_matches):
            return None
        return self._find_matches[self._find_index]

    def _compute_find_matches(self) -> list[tuple[int, int]]:
        if self._article is None or not self._find_active or not self._find_text:
            return []
        pattern = re.compile(re.escape(self._find_text), re.IGNORECASE)
        return [m.span() for m in pattern.finditer(self._article.text) if m.end() > m.start()]

    def _find_anchor(self) -> int:
        """Where a new find starts: the current match, else the cursor (body start when
        the cursor is before the body)."""
        current = self.current_find_range()
        if current is not None:
            return current[0]
        cursor = self.textCursor()
        bounds = self._body_bounds()
        if bounds is None:
            return 0
        position = max(cursor.selectionStart(), bounds[0])
        return self._doc_to_offset(min(position, bounds[1])) or 0

    # -------------------------------------------------------------- scrolling

    def scroll_to_offset(self, start: int, end: int, flash: bool = True) -> None:
        """Scroll so that ``article.text[start:end]`` is visible (centred if it fits),
        and briefly flash it."""
        if not self._paragraphs:
            return
        length = self._text_length()
        start = max(0, min(start, length))
        end = max(start, min(end, length))
        self._scroll_to_range(start, end)
        if flash and end > start:
            self._flash_range = (start, end)
            self._flash_on = True
            self._flash_left = FLASH_TICKS - 1
            self._refresh_marks()
            self._flash_timer.start()

    def show_span(self, start: int, end: int) -> None:
        """Select ``article.text[start:end]`` and scroll it into view (centred if it
        fits): a statement, say, opened from the statements panel."""
        if not self._paragraphs:
            return
        length = self._text_length()
        start = max(0, min(start, length))
        end = max(start, min(end, length))
        self.setTextCursor(self._cursor_for(start, end))
        self._scroll_to_range(start, end)

    def _scroll_to_range(self, start: int, end: int) -> None:
        if not self._paragraphs:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offset_to_doc(start, end=False))
        first = self.cursorRect(cursor)
        cursor.setPosition(self._offset_to_doc(end, end=True))
        last = self.cursorRect(cursor)
        top, bottom = first.top(), max(first.bottom(), last.bottom())
        height = self.viewport().height()
        bar = self.verticalScrollBar()
        fits = bottom - top < height
        delta = (top + bottom) // 2 - height // 2 if fits else top - first.height()
        bar.setValue(bar.value() + delta)
        # Horizontally, a wide line could push the range out of view (rare: text wraps).
        horizontal = self.horizontalScrollBar()
        if horizontal.maximum() > 0:
            width = self.viewport().width()
            if not 0 <= first.left() <= width:
                horizontal.setValue(horizontal.value() + first.left() - width // 2)

    def _top_offset(self) -> int | None:
        """The body offset at the top of the viewport (None when the top is above it)."""
        if not self._paragraphs or self.verticalScrollBar().value() == 0:
            return None
        cursor = self.cursorForPosition(QPoint(self.viewport().width() // 2, 0))
        bounds = self._body_bounds()
        if bounds is None or cursor.position() < bounds[0]:
            return None
        return self._doc_to_offset(cursor.position())

    def _scroll_to_top_offset(self, offset: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offset_to_doc(offset, end=False))
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top())

    def _flash_tick(self) -> None:
        if self._flash_left <= 0 or self._flash_range is None:
            self._stop_flash()
            return
        self._flash_left -= 1
        self._flash_on = not self._flash_on
        self._refresh_marks()
        if self._flash_left <= 0:
            self._stop_flash()

    def _stop_flash(self) -> None:
        self._flash_timer.stop()
        was_on = self._flash_on
        self._flash_on = False
        self._flash_range = None
        self._flash_left = 0
        if was_on:
            self._refresh_marks()

    def is_flashing(self) -> bool:
        return self._flash_timer.isActive()
