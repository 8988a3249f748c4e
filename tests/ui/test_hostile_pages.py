"""Privacy and hostile content: opening an article never makes a request or runs a script,
and the article's address opens only on an explicit click, in the system browser, and
only when it is http or https.

Hostile pages (and a feed and a Markdown file) name a web server on 127.0.0.1 in every
way markup can make a request. They are imported through the real Library, opened in the
real reader widget and in the real main window, rendered, hovered and clicked; the server
must see no request at all (and it is checked to record requests, so that can fail).
"""

from __future__ import annotations

import html
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QHelpEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.core.models import StoredArticle
from reader.ui.main_window import MainWindow
from reader.ui.reader_view import ReaderView

#: Markup that must never reach an article (as text or metadata) from the pages below.
FORBIDDEN = ("<script", "fetch(", "javascript:", "onerror", "onload")
#: Schemes whose opening is intercepted (the system browser is never started by a test).
INTERCEPTED = ("http", "https", "file", "ftp", "data", "javascript", "mailto")
SETTLE_MS = 300
#: Showing a tooltip on the offscreen platform (the tooltip window cannot be raised).
TOOLTIP_WARNING = pytest.mark.qt_log_ignore("This plugin does not support raise")

# -- the server ---------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class _Recorder(BaseHTTPRequestHandler):
    """Records every request and answers it with something a page could use."""

    server: _RecordingServer

    def _answer(self) -> None:
        self.server.record(Seen(self.command, self.path, dict(self.headers.items())))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b"<html><body><img src='/second-hop.png'><script>fetch('/x')</script>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the record instead."""


class _RecordingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self._lock = threading.Lock()
        self._seen: list[Seen] = []

    def record(self, seen: Seen) -> None:
        with self._lock:
            self._seen.append(seen)

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)


@dataclass
class Server:
    base: str
    httpd: _RecordingServer

    def requests(self) -> list[Seen]:
        return self.httpd.requests()

    def probe(self) -> None:
        """One real request, to show that the server sees requests."""
        with urllib.request.urlopen(f"{self.base}/probe", timeout=5) as response:
            assert response.status == 200
            response.read()


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _RecordingServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    host, port = httpd.server_address[:2]
    try:
        yield Server(f"http://{host!s}:{port}", httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# -- the system browser, intercepted ------------------------------------------------------


class Browser(QObject):
    """Stands in for the system browser: records what QDesktopServices was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[Browser]:
    handler = Browser()
    for scheme in INTERCEPTED:
        # PySide6 takes the slot's name as str (its stubs say bytes, which it refuses).
        QDesktopServices.setUrlHandler(scheme, handler, "open")  # type: ignore[arg-type]
    try:
        yield handler
    finally:
        for scheme in INTERCEPTED:
            QDesktopServices.unsetUrlHandler(scheme)


# -- the hostile files --------------------------------------------------------------------

# {B} is the server's address. Every line names it in one way a page can make a request.
# ({PAGE} is the file's name: the HTML importer takes <base href> as the page's address,
# and two pages with one address would be one article.)
HEAD = """
<base href="{B}/base/{PAGE}/">
<meta http-equiv="refresh" content="0;url={B}/meta-refresh">
<meta property="og:image" content="{B}/og-image.png">
<link rel="stylesheet" href="{B}/style.css">
<link rel="preload" href="{B}/preload.js" as="script">
<link rel="prefetch" href="{B}/prefetch">
<link rel="dns-prefetch" href="{B}/dns-prefetch">
<link rel="preconnect" href="{B}/preconnect">
<link rel="icon" href="{B}/favicon.ico">
<link rel="manifest" href="{B}/manifest.json">
<style>
  @import url("{B}/import.css");
  @font-face { font-family: X; src: url({B}/font.woff2); }
  body { background: url({B}/style-background.png); }
</style>
<script src="{B}/script.js"></script>
<script>fetch("{B}/inline-fetch"); new Image().src = "{B}/beacon";</script>
<script type="module">import "{B}/module.js";</script>
"""

BODY = """
<picture>
  <source srcset="{B}/source.webp" type="image/webp">
  <img src="{B}/picture.png" srcset="{B}/x1.png 1x, {B}/x2.png 2x" alt="">
</picture>
<img src="{B}/img.png" onerror="fetch('{B}/img-onerror')" onload="fetch('{B}/img-onload')">
<iframe src="{B}/iframe" srcdoc="<script>fetch('{B}/srcdoc')</script>"></iframe>
<object data="{B}/object.swf" type="application/x-shockwave-flash">
  <embed src="{B}/object-embed.swf">
</object>
<embed src="{B}/embed.swf">
<video poster="{B}/poster.png" src="{B}/video.mp4" autoplay>
  <source src="{B}/video-source.mp4"><track src="{B}/track.vtt">
</video>
<audio src="{B}/audio.mp3" autoplay></audio>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <image href="{B}/svg-image.png"/><image xlink:href="{B}/svg-xlink.png"/>
  <script>fetch('{B}/svg-script')</script>
</svg>
<form action="{B}/form" method="post">
  <input name="q" autofocus onfocus="this.form.submit()">
  <button formaction="{B}/formaction">Send</button>
</form>
<noscript><img src="{B}/noscript.png"></noscript>
<template><img src="{B}/template.png"></template>
<div style="background-image: url('{B}/div-style.png')"
     onmouseover="fetch('{B}/onmouseover')"></div>
<script>document.write('<img src="{B}/document-write.png">')</script>
"""


def sentences(word: str) -> tuple[str, str, str]:
    """Three sentences of article text; ``word`` is unique to the article."""
    return (
        f"Chinese and Russian officials met in {word} this week to discuss trade across "
        "the Amur river, according to people familiar with the talks.",
        "Beijing and Moscow have deepened their partnership since 2022, with energy "
        "exports and payments in yuan at the centre of the relationship.",
        "Analysts said both governments presented the meeting as routine, though "
        "agreements on border bridges and rail links were expected later in the year.",
    )


def inline(first: str, second: str, third: str) -> str:
    """Three paragraphs with markup that can make requests inside the text."""
    return f"""
<p style="background:url({{B}}/p-style.png)" onclick="fetch('{{B}}/onclick')">{first}
  <img src="{{B}}/inline.png" onerror="fetch('{{B}}/inline-onerror')" width="1" height="1">
</p>
<p>{second} <a href="javascript:fetch('{{B}}/javascript-link')">The statement</a> and
  <a href="{{B}}/pinged" ping="{{B}}/ping" target="_blank">the communique</a> were published
  <span style="background-image:url({{B}}/span.png)">in both languages</span>.</p>
<p>{third} <a href="javascript:void(0)" onclick="fetch('{{B}}/onclick-link')">More</a>.</p>
"""


def page_with_article(word: str) -> str:
    """A whole page: head, site furniture, the article in <article>."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Border trade talks continue</title>
<link rel="canonical" href="{{B}}/canonical">
{HEAD}</head>
<body onload="fetch('{{B}}/body-onload')">
<nav><a href="{{B}}/nav">Home</a> <a href="javascript:fetch('{{B}}/nav-js')">World</a></nav>
<article>
<h1>Border trade talks continue</h1>
{BODY}
{inline(*sentences(word))}
</article>
<footer><img src="{{B}}/footer-pixel.gif"></footer>
</body></html>
"""


def page_without_structure(word: str) -> str:
    """No <article> or <main>: divs only, the hostile markup between the paragraphs, and
    ``javascript:`` as the canonical and og:url addresses."""
    first, second, third = sentences(word)
    return f"""<html><head>
<title>Energy payments in yuan rise</title>
<link rel="canonical" href="javascript:fetch('{{B}}/canonical-js')">
<meta property="og:url" content="javascript:fetch('{{B}}/og-url')">
{HEAD}</head>
<body onload="fetch('{{B}}/onload2')">
<div class="story">
<div class="para">{first}</div>
{BODY}
<div class="para">{second} <img src="{{B}}/between.png" onerror="fetch('{{B}}/x')"></div>
<div class="para">{third}</div>
</div></body></html>
"""


def page_short(word: str) -> str:
    """A short page (the importer's own fallback reads it), unclosed tags included."""
    first, second, _ = sentences(word)
    return f"""<html><head>{HEAD}
<meta property="og:url" content="{{B}}/og-url-short">
<body onload="fetch('{{B}}/onload3')">
<main><h1>Rail link agreed</h1>
<p>{first} <img src="{{B}}/short.png" onerror="fetch('{{B}}/short-onerror')">
<p>{second}
<embed src="{{B}}/unclosed-embed.swf">
<iframe src="{{B}}/unclosed-iframe">
"""


def page_in_xhtml(word: str) -> str:
    """XHTML with an XML declaration and namespaced SVG."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="{{B}}/page.xsl"?>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>
<title>Pipeline deliveries</title>{HEAD}</head>
<body><article><h1>Pipeline deliveries</h1>{BODY}{inline(*sentences(word))}</article></body>
</html>
"""


#: Shown as text: markup that an article quotes (HTML-escaped in the page).
QUOTED = ('<img src="{B}/quoted.png">', '<link rel="stylesheet" href="{B}/quoted.css">')


def page_quoting_markup(word: str) -> str:
    """A page whose text quotes markup: it must be shown as text, never interpreted."""
    first, second, third = sentences(word)
    quoted = " and ".join(f"<code>{html.escape(q)}</code>" for q in QUOTED)
    return f"""<html><head><title>How the agency embeds its maps</title>{HEAD}</head>
<body><article><h1>How the agency embeds its maps</h1>
<p>{first}</p><p>{second} Its editors paste {quoted} into each page.</p><p>{third}</p>
</article></body></html>
"""


def feed(first_word: str, second_word: str) -> str:
    """An RSS feed: one item with escaped HTML, one with CDATA, media that name the server,
    ``javascript:`` as an item's link."""
    escaped = html.escape(BODY + inline(*sentences(first_word)))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="{{B}}/feed.xsl"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>Border Wire</title><link>{{B}}/channel</link><description>News</description>
<image><url>{{B}}/channel.png</url><title>Border Wire</title><link>{{B}}/</link></image>
<item>
  <title>Bridge traffic doubles</title><link>{{B}}/item-one</link><guid>item-one</guid>
  <description>{escaped}</description>
  <enclosure url="{{B}}/enclosure.mp3" type="audio/mpeg" length="1"/>
  <media:thumbnail url="{{B}}/thumbnail.png"/>
  <media:content url="{{B}}/media-content.jpg" medium="image"/>
</item>
<item>
  <title>Grain exports resume</title><link>javascript:fetch('{{B}}/item-link')</link>
  <guid>item-two</guid>
  <content:encoded><![CDATA[{HEAD}{BODY}{inline(*sentences(second_word))}]]></content:encoded>
</item>
</channel></rss>
"""


def markdown(word: str) -> str:
    """Markdown: image and link syntax, an autolink, a reference, raw HTML."""
    first, second, third = sentences(word)
    return f"""---
title: Customs post reopens
url: javascript:fetch('{{B}}/front-matter')
---
# Customs post reopens

{first} ![satellite photo]({{B}}/md-image.png "Photo") and a [statement]({{B}}/md-link).

{second} See <{{B}}/md-autolink> or [click here](javascript:fetch('{{B}}/md-js')),
[the data](data:text/html,<script>fetch('{{B}}/md-data')</script>) and ![map][map].

<img src="{{B}}/md-raw.png" onerror="fetch('{{B}}/md-onerror')">

<script>fetch('{{B}}/md-script')</script>

<iframe src="{{B}}/md-iframe"></iframe>

{third}

[map]: {{B}}/md-reference.png "Map"
"""


@dataclass
class Hostile:
    """The files written, and the unique word of each article they hold."""

    folder: Path
    words: list[str] = field(default_factory=list)


WORDS = {
    "article.html": "Amurbridge",
    "divs.htm": "Ussurivale",
    "short.html": "Zabaikalsk",
    "xhtml.xhtml": "Tumangate",
    "quoting.html": "Kyakhtaline",
    "feed.xml": "Heihefort Blagoveshka",
    "notes.md": "Khabarine",
}


def write_hostile_files(folder: Path, base: str) -> Hostile:
    folder.mkdir()
    makers = {
        "article.html": page_with_article,
        "divs.htm": page_without_structure,
        "short.html": page_short,
        "xhtml.xhtml": page_in_xhtml,
        "quoting.html": page_quoting_markup,
        "notes.md": markdown,
    }
    hostile = Hostile(folder)
    for name, make in makers.items():
        markup = make(WORDS[name]).replace("{B}", base).replace("{PAGE}", name)
        (folder / name).write_text(markup, encoding="utf-8")
        hostile.words.append(WORDS[name])
    first, second = WORDS["feed.xml"].split()
    markup = feed(first, second).replace("{B}", base).replace("{PAGE}", "feed")
    (folder / "feed.xml").write_text(markup, encoding="utf-8")
    hostile.words += [first, second]
    return hostile


def import_hostile(library: Library, server: Server, tmp_path: Path) -> dict[str, StoredArticle]:
    """Write the hostile files, import them, and check the importers kept only text."""
    hostile = write_hostile_files(tmp_path / "hostile", server.base)
    report = library.import_paths([hostile.folder])
    assert report.failed == [], report.failed
    assert report.files == len(WORDS)
    articles = [library.get_article(s.id) for s in library.list_articles()]
    by_word: dict[str, StoredArticle] = {}
    for word in hostile.words:
        having = [a for a in articles if word in a.text]
        assert len(having) == 1, (word, [a.title for a in having])
        by_word[word] = having[0]
    assert len(articles) == len(hostile.words)
    for article in articles:
        for value in (article.title, article.text, article.url, article.source, article.author):
            for bad in FORBIDDEN:
                assert bad not in (value or "").lower(), (article.title, bad, value)
    # Quoted markup is kept as the text it is.
    quoting = by_word[WORDS["quoting.html"]]
    for quoted in QUOTED:
        assert quoted.replace("{B}", server.base) in quoting.text
    # The importer read the page's own address, so the reader has a link to show.
    assert by_word[WORDS["article.html"]].url == f"{server.base}/canonical"
    assert by_word[WORDS["divs.htm"]].url is None
    assert server.requests() == []
    return by_word


# -- driving the reader -------------------------------------------------------------------


def word_point(view: ReaderView, word: str) -> QPoint:
    """A viewport point on the middle of ``word`` in the body, scrolled into view."""
    offset = view.document_text().index(word)
    view.scroll_to_offset(offset, offset + len(word), flash=False)
    found = view.document().find(word, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull(), word
    cursor = QTextCursor(view.document())
    cursor.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    return view.cursorRect(cursor).center()


def link_point(view: ReaderView) -> QPoint:
    """A viewport point on the middle of the address link."""
    span = view.link_range()
    assert span is not None
    view.verticalScrollBar().setValue(0)
    cursor = QTextCursor(view.document())
    cursor.setPosition((span[0] + span[1]) // 2)
    return view.cursorRect(cursor).center()


def tooltip_at(view: ReaderView, point: QPoint) -> None:
    viewport = view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)


def use_the_reader(
    qtbot: QtBot, view: ReaderView, article: StoredArticle, word: str, server: Server
) -> None:
    """What a reader does with an open article: look, hover, click, select, use keys."""
    qtbot.waitUntil(lambda: word in view.toPlainText(), timeout=5_000)
    assert view.document_text() == article.text
    shown = view.toPlainText()
    for bad in FORBIDDEN:
        assert bad not in shown.lower(), (article.title, bad)
    assert not view.grab().isNull()
    viewport = view.viewport()
    point = word_point(view, word)
    qtbot.mouseMove(viewport, point)
    tooltip_at(view, point)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    assert view.textCursor().selectedText() == word
    if view.link_range() is not None:
        # Hovering the address shows it; it does not open it.
        where = link_point(view)
        qtbot.mouseMove(viewport, where)
        tooltip_at(view, where)
    view.setFocus()
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Space, Qt.Key.Key_End):
        qtbot.keyClick(view, key)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    # Ask the document for every address named in the page, as rendering markup would:
    # the view loads nothing (an override that fetched would be seen by the server).
    for name in ("style.css", "img.png", "iframe", "script.js", "quoted.png", "canonical"):
        for resource in (
            QTextDocument.ResourceType.ImageResource,
            QTextDocument.ResourceType.StyleSheetResource,
            QTextDocument.ResourceType.HtmlResource,
        ):
            view.document().resource(resource.value, QUrl(f"{server.base}/{name}"))
    assert not view.grab().isNull()
    qtbot.wait(SETTLE_MS)


# -- the tests ----------------------------------------------------------------------------


def test_the_server_records_requests(server: Server) -> None:
    assert server.requests() == []
    server.probe()
    seen = server.requests()
    assert [(s.method, s.path) for s in seen] == [("GET", "/probe")]
    assert "Python-urllib" in seen[0].headers.get("User-Agent", "")


@TOOLTIP_WARNING
def test_opening_hostile_articles_in_the_reader_makes_no_request(
    qtbot: QtBot,
    server: Server,
    browser: Browser,
    empty_library: Library,
    tmp_path: Path,
) -> None:
    by_word = import_hostile(empty_library, server, tmp_path)
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    asked: list[QUrl] = []
    view.openLinkRequested.connect(asked.append)
    for word, article in by_word.items():
        view.show_article(article, empty_library.highlights(article.id))
        assert view.article() == article
        use_the_reader(qtbot, view, article, word, server)
        assert server.requests() == [], (article.title, server.requests())
    # The quoted markup is on screen as text.
    view.show_article(by_word[WORDS["quoting.html"]])
    for quoted in QUOTED:
        assert quoted.replace("{B}", server.base) in view.toPlainText()
    # The address read from the page is a link, but nothing asked for it to open.
    view.show_article(by_word[WORDS["article.html"]])
    link = view.link_url()
    assert link is not None and link.toString() == f"{server.base}/canonical"
    view.show_article(by_word[WORDS["divs.htm"]])
    assert view.link_url() is None
    qtbot.wait(SETTLE_MS)
    assert asked == []
    assert browser.opened == []
    assert server.requests() == []
    # The server was listening all along.
    server.probe()
    assert [s.path for s in server.requests()] == ["/probe"]


def make_window(qtbot: QtBot, library: Library, settings: QSettings) -> MainWindow:
    win = MainWindow(library, settings)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def row_of(win: MainWindow, title: str) -> int:
    model = win.article_model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == title:
            return row
    raise AssertionError(f"{title!r} not in the list")


def open_by_click(qtbot: QtBot, win: MainWindow, article: StoredArticle) -> None:
    view = win.article_view
    rect = view.visualRect(win.article_model.index(row_of(win, article.title), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: win.current_article_id() == article.id, timeout=5_000)
    shown = win.reader.article()
    assert shown is not None and shown.id == article.id


@TOOLTIP_WARNING
def test_opening_hostile_articles_in_the_window_makes_no_request(
    qtbot: QtBot,
    server: Server,
    browser: Browser,
    empty_library: Library,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    by_word = import_hostile(empty_library, server, tmp_path)
    win = make_window(qtbot, empty_library, settings)
    try:
        assert win.article_model.rowCount() == len(by_word)
        assert not win.grab().isNull()
        for word, article in by_word.items():
            open_by_click(qtbot, win, article)
            use_the_reader(qtbot, win.reader, article, word, server)
            assert not win.grab().isNull()
            assert server.requests() == [], (article.title, server.requests())
        # Search results show snippets of the same text.
        edit = win.search_bar.edit
        qtbot.keyClicks(edit, "Russian")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: " for “" in win.list_header.text(), timeout=10_000)
        assert win.article_model.rowCount() == len(by_word)
        assert not win.grab().isNull()
        open_by_click(qtbot, win, by_word[WORDS["article.html"]])
        qtbot.wait(SETTLE_MS)
        assert browser.opened == []
        assert server.requests() == []
        server.probe()
        assert [s.path for s in server.requests()] == ["/probe"]
    finally:
        win.shutdown()


# -- the article's address: opened only by a click, in the browser, only http(s) ---------

STORY = "https://example.org/news/border-talks"


def window_with_story(
    qtbot: QtBot, library: Library, settings: QSettings, tmp_path: Path, url: str
) -> tuple[MainWindow, StoredArticle]:
    story = tmp_path / "story.md"
    first, second, third = sentences("Suifenhe")
    story.write_text(
        f"---\ntitle: Border talks resume\nsource: Border Wire\nurl: {url}\n---\n\n"
        f"{first}\n\n{second}\n\n{third}\n",
        encoding="utf-8",
    )
    report = library.import_paths([story])
    assert report.failed == [] and len(report.article_ids) == 1
    article = library.get_article(report.article_ids[0])
    assert article.url == url
    win = make_window(qtbot, library, settings)
    return win, article


def test_a_click_on_the_address_opens_it_in_the_browser(
    qtbot: QtBot,
    browser: Browser,
    empty_library: Library,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    win, article = window_with_story(qtbot, empty_library, settings, tmp_path, STORY)
    try:
        open_by_click(qtbot, win, article)
        # Opening the article, hovering the address and using the keyboard open nothing.
        point = link_point(win.reader)
        qtbot.mouseMove(win.reader.viewport(), point)
        win.reader.setFocus()
        for key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Space):
            qtbot.keyClick(win.reader, key)
        qtbot.wait(SETTLE_MS)
        assert browser.opened == []
        # One click opens exactly that address, once.
        qtbot.mouseClick(win.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.waitUntil(lambda: browser.opened != [], timeout=2_000)
        qtbot.wait(SETTLE_MS)
        assert browser.opened == [STORY]
        assert "Opened example.org" in win.statusBar().currentMessage()
        # Plain http too.
        empty_library.update_metadata(article.id, url="http://example.org/plain")
        win.open_article(article.id)
        qtbot.mouseClick(
            win.reader.viewport(), Qt.MouseButton.LeftButton, pos=link_point(win.reader)
        )
        assert browser.opened == [STORY, "http://example.org/plain"]
    finally:
        win.shutdown()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file.txt",
        "https://user:secret@example.org/",
    ],
)
def test_other_addresses_are_never_opened(
    qtbot: QtBot,
    browser: Browser,
    empty_library: Library,
    settings: QSettings,
    tmp_path: Path,
    url: str,
) -> None:
    win, article = window_with_story(qtbot, empty_library, settings, tmp_path, STORY)
    try:
        # Set as the user would in "Edit article details" (the importers drop such URLs).
        empty_library.update_metadata(article.id, url=url)
        open_by_click(qtbot, win, article)
        reader = win.reader
        assert url in reader.toPlainText()
        assert reader.link_url() is None
        found = reader.document().find(url[:8])
        assert not found.isNull()
        cursor = QTextCursor(reader.document())
        cursor.setPosition(found.selectionStart() + 2)
        point = reader.cursorRect(cursor).center()
        qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseDClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.wait(SETTLE_MS)
        assert browser.opened == []
        # The window checks again whatever the reader asks for.
        reader.openLinkRequested.emit(QUrl(url))
        assert browser.opened == []
        assert "Not opened" in win.statusBar().currentMessage()
        assert win.open_link(QUrl(STORY))
        assert browser.opened == [STORY]
    finally:
        win.shutdown()
