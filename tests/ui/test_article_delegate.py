"""The search-result delegate's snippet handling."""

from __future__ import annotations

from reader.ui.article_delegate import lead_to_first_mark, snippet_html


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
