"""HTML pages: the article only, with its metadata, and nothing executable."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from reader.core.ingest import parse_bytes
from reader.core.ingest.html import html_to_paragraphs
from reader.core.models import ArticleDate

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Russia and China sign gas deal | World News Daily</title>
<link rel="canonical" href="https://news.example.com/world/gas-deal">
<meta property="og:site_name" content="World News Daily">
<meta property="article:published_time" content="2014-05-21T09:30:00+04:00">
<meta name="author" content="Jane Doe">
<script>var secret = "SCRIPT-TEXT"; document.write("tracking");</script>
<script src="https://tracker.example.com/t.js"></script>
<style>body { color: red } .STYLE-TEXT {}</style>
</head>
<body onload="alert('ONLOAD-HANDLER')">
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">NAV-LINK</a></li>
<li><a href="javascript:alert('JS-HREF')">Alerts</a></li></ul></nav>
<header><div class="logo">HEADER-TEXT</div></header>
<main>
<article>
<h1>Russia and China sign gas deal</h1>
<p>Russia and China signed a long-awaited gas supply deal on Wednesday, ending a decade of
talks over the price of Siberian gas. The deal is worth an estimated 400 billion dollars
over its lifetime.</p>
<iframe src="https://ads.example.com/frame">IFRAME-TEXT</iframe>
<p onclick="alert('CLICK-HANDLER')">The contract runs for thirty years, officials said.
Deliveries are to start in 2018 through a new pipeline across eastern Siberia.</p>
<p>Analysts said the agreement gives Moscow a major new market for its gas as relations
with Europe cool, and gives Beijing a steady supply of cleaner fuel.</p>
<script>console.log("INLINE-SCRIPT")</script>
<!-- COMMENT-TEXT -->
</article>
</main>
<aside>ASIDE-TEXT Most read stories</aside>
<footer>FOOTER-TEXT Copyright 2014 World News Daily</footer>
</body>
</html>
"""
LEAKS = (
    "SCRIPT-TEXT",
    "STYLE-TEXT",
    "ONLOAD",
    "NAV-LINK",
    "JS-HREF",
    "javascript",
    "HEADER-TEXT",
    "IFRAME-TEXT",
    "CLICK-HANDLER",
    "INLINE-SCRIPT",
    "COMMENT-TEXT",
    "ASIDE-TEXT",
    "FOOTER-TEXT",
    "alert",
    "tracker",
)


def test_a_saved_page_gives_the_article_and_its_metadata() -> None:
    parsed = parse_bytes(PAGE.encode(), "/saved/gas-deal.html")
    assert parsed.format == "html"
    assert parsed.problems == ()
    [article] = parsed.articles
    assert article.title == "Russia and China sign gas deal"
    assert not article.title_derived
    assert article.author == "Jane Doe"
    assert article.source == "World News Daily"
    assert article.url == "https://news.example.com/world/gas-deal"
    assert article.language == "en-GB"
    tz = timezone(timedelta(hours=4))
    assert article.date == ArticleDate(datetime(2014, 5, 21, 9, 30, tzinfo=tz))
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("Russia and China signed a long-awaited")
    assert "decade of talks" in article.paragraphs[0]  # the wrapped line is joined
    assert article.paragraphs[2].endswith("cleaner fuel.")
    everything = " ".join([article.title, article.text, str(article)])
    for leak in LEAKS:
        assert leak not in everything, leak


def test_detected_by_content_whatever_the_name() -> None:
    parsed = parse_bytes(PAGE.encode(), "download.txt")
    assert parsed.format == "html"


def test_a_small_page_falls_back_to_its_paragraphs() -> None:
    page = (
        "<html><head><title>Short note</title>"
        '<meta name="date" content="2019-01-02"></head>'
        "<body><nav>Menu</nav><article><h1>Council meets</h1>"
        "<p>The council met.</p><p>It adjourned.</p></article></body></html>"
    )
    [article] = parse_bytes(page.encode(), "note.html").articles
    assert article.paragraphs == ("The council met.", "It adjourned.")
    assert article.title in ("Council meets", "Short note")
    assert article.date == ArticleDate(date(2019, 1, 2))
    assert article.url is None  # never invented


def test_a_page_without_text_is_refused() -> None:
    from reader.core.errors import IngestError

    page = "<html><head><script>var x = 1;</script></head><body><nav>Home</nav></body></html>"
    try:
        parse_bytes(page.encode(), "empty.html")
    except IngestError as exc:
        assert exc.reason == "no article text found"
    else:
        raise AssertionError("a page with no text must be refused")


def test_html_to_paragraphs_splits_blocks_and_drops_scripts() -> None:
    fragment = (
        "Intro text <b>bold</b> end<br><br>After a double break"
        "<script>alert('x')</script><style>p{}</style>"
        "<ul><li>First point</li><li>Second <a href='javascript:evil()'>link</a></li></ul>"
        "<blockquote>A quote</blockquote><p>Line one<br>line two</p>"
        "<iframe src='https://example.com'>frame</iframe><p onmouseover='evil()'>Last</p>"
    )
    assert html_to_paragraphs(fragment) == [
        "Intro text bold end",
        "After a double break",
        "First point",
        "Second link",
        "A quote",
        "Line one line two",
        "Last",
    ]


def test_html_to_paragraphs_of_nothing() -> None:
    assert html_to_paragraphs("") == []
    assert html_to_paragraphs("   ") == []
    assert html_to_paragraphs("<script>only()</script>") == []
