"""The search-result delegate's snippet handling."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QApplication

from reader.ui.article_delegate import (
    SearchResultDelegate,
    lead_to_first_mark,
    mixed_line_height,
    snippet_html,
)


def test_a_late_first_hit_is_brought_into_view() -> None:
    snippet = "word " * 30 + "the <mark>Vladivostok</mark> forum"
    lead = lead_to_first_mark(snippet)
    assert lead.startswith("… ")
    assert lead.index("<mark>") <= 50
    assert lead.endswith("<mark>Vladivostok</mark> forum")


def test_an_early_hit_and_entities_are_left_alone() -> None:
    early = "A <mark>gas</mark> deal"
    assert lead_to_first_mark(early) == early
    escaped = "&lt;b&gt;" * 20 + " x <mark>gas</mark>"
    cut = lead_to_first_mark(escaped)
    assert "&lt;" not in cut.split(" x ")[0].replace("&lt;b&gt;", "") and "<mark>gas</mark>" in cut


def test_marks_become_styled_spans() -> None:
    html = snippet_html("a <mark>b</mark> c", "#ffe08a", "#000000")
    assert "<mark>" not in html
    assert "background-color:#ffe08a" in html and ">b</span>" in html


def test_a_late_hit_in_text_without_spaces_is_brought_into_view() -> None:
    snippet = "中俄两国签署新的天然气供应协议" * 8 + "<mark>普京</mark>表示"
    lead = lead_to_first_mark(snippet)
    assert lead.startswith("…")
    assert 1 <= lead.index("<mark>") <= 21  # half the context of a spaced text
    assert lead.endswith("<mark>普京</mark>表示")
    # The cut would fall inside &quot;: the entity is kept whole.
    escaped = "国" * 60 + "&amp;&quot;" + "国" * 17 + "<mark>普京</mark>"
    cut = lead_to_first_mark(escaped)
    assert cut == "…&quot;" + "国" * 17 + "<mark>普京</mark>"


def height_of(text: str, font: QFont) -> float:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    return line.height()


def test_result_rows_have_room_for_chinese_and_cyrillic_lines(qapp: QApplication) -> None:
    """Two snippet lines of Chinese (drawn by a CJK fallback face, often taller than the
    list's Latin font) fit the row under the title."""
    font = QApplication.font()
    line = mixed_line_height(font)
    assert line >= QFontMetrics(font).lineSpacing()
    for text in ("普京表示中俄关系", "Путин заявил", "Putin said"):
        assert line >= height_of(text, font), text
    row = SearchResultDelegate().row_height(font)
    assert row >= line * 3
