"""HTML: a saved web page is one article (the main content only), and HTML fragments
(feed entries, rendered Markdown) become paragraphs.

Nothing is ever fetched: trafilatura and lxml get the markup as a string, lxml's parser
has network access disabled, and scripts, styles, frames, forms and comments are dropped
before any text is read (event handler attributes and ``javascript:`` links never reach
the text: only element text is read, never attributes).
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import lxml.html
from lxml import etree

from reader.core.ingest.normalize import (
    clean_language,
    clean_tags,
    clean_text,
    clean_title,
    clean_url,
    date_from_value,
    derive_title,
    normalize_paragraph,
    parse_date,
)
from reader.core.models import Article, ArticleDate

log = logging.getLogger(__name__)

# Elements whose content is never text.
_DROP = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "canvas", "form", "button", "input", "select",
        "textarea", "option", "head", "title", "link", "meta", "base", "audio", "video",
        "source", "track", "map", "dialog", "img", "picture",
    }
)  # fmt: skip
# Page furniture, dropped when looking for the article in a whole page.
_CHROME = frozenset({"nav", "header", "footer", "aside", "menu"})
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
        "dd", "dt", "blockquote", "pre", "tr", "table", "tbody", "thead", "tfoot", "ul",
        "ol", "dl", "figure", "figcaption", "caption", "address", "hr", "body", "html",
        "center", "details", "summary", "header", "footer", "nav", "aside", "fieldset",
        "legend", "hgroup", "menu",
    }
)  # fmt: skip
#: Below this many characters an extraction is checked against the page's paragraphs.
_SHORT = 250
_XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Void elements of HTML5 that libxml2's HTML parser (HTML 4) does not know are void: it
# makes everything after an unclosed <embed> its content, and that content was dropped
# with it (the rest of the article lost). They never hold text, so their tags go.
# (A tag cannot span a "<": that keeps the search linear on any input.)
_VOID_UNKNOWN = re.compile(r"</?(?:embed|source|track)(?=[\s/>])[^<>]*>", re.IGNORECASE)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
)


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True, encoding=None
    )


def parse_document(markup: str) -> lxml.html.HtmlElement | None:
    """The lxml tree of an HTML document or fragment (None when there is no markup)."""
    markup = _VOID_UNKNOWN.sub("", _XML_DECLARATION.sub("", markup, count=1))
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup, parser=_parser())
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None


# -- fragments → paragraphs ---------------------------------------------------------


class _Collector:
    """Walks a tree collecting (block tag, text) pairs, one per block of text."""

    def __init__(self, drop_chrome: bool) -> None:
        self.blocks: list[tuple[str, str]] = []
        self._buffer: list[str] = []
        self._kind = "p"
        self._after_break = False
        self._drop = _DROP | _CHROME if drop_chrome else _DROP

    def flush(self) -> None:
        text = normalize_paragraph("".join(self._buffer))
        if text:
            self.blocks.append((self._kind, text))
        self._buffer = []
        self._after_break = False

    def _add(self, text: str | None) -> None:
        if text:
            self._buffer.append(text)
            if text.strip():
                self._after_break = False

    def visit(self, element: Any) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comment or processing instruction
            self._add(element.tail)
            return
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in self._drop:
            self._add(element.tail)
            return
        if tag == "br":
            if self._after_break:
                self.flush()  # <br><br> separates paragraphs
            else:
                self._buffer.append(" ")
                self._after_break = True
            self._add(element.tail)
            return
        block = tag in _BLOCK
        outer_kind = self._kind
        if block:
            self.flush()
            self._kind = tag
        self._add(element.text)
        for child in element:
            self.visit(child)
        if tag in ("td", "th"):
            self._buffer.append(" ")
        if block:
            self.flush()
            self._kind = outer_kind
        self._add(element.tail)


def blocks_of(element: Any, *, drop_chrome: bool = False) -> list[tuple[str, str]]:
    """(tag, text) for each block of text under ``element``, in document order."""
    collector = _Collector(drop_chrome)
    collector.visit(element)
    collector.flush()
    return collector.blocks


def html_to_blocks(markup: str, *, drop_chrome: bool = False) -> list[tuple[str, str]]:
    """(tag, text) for each block of an HTML fragment or document."""
    tree = parse_document(markup)
    if tree is None:
        return []
    body = tree.find("body")
    return blocks_of(body if body is not None else tree, drop_chrome=drop_chrome)


def html_to_paragraphs(markup: str) -> list[str]:
    """The paragraphs of an HTML fragment (a feed entry's content): one per block element
    (``p``, ``li``, headings, ``blockquote``, table rows, ``<br><br>``-separated text),
    without scripts, styles, frames, forms or comments."""
    return [text for _, text in html_to_blocks(markup)]


# -- pages → one article ------------------------------------------------------------


def parse(text: str, path: str) -> tuple[list[Article], list[str]]:
    """One article from a saved web page."""
    tree = parse_document(text)
    if tree is None:
        return [], []
    meta = _page_metadata(tree)
    extracted = _trafilatura(text)

    title: str | None = None
    paragraphs: list[str] = []
    author = source = url = None
    tags: tuple[str, ...] = ()
    when = meta.date
    if extracted is not None:
        title = clean_title(getattr(extracted, "title", None))
        paragraphs = _document_paragraphs(getattr(extracted, "body", None))
        author = clean_text(getattr(extracted, "author", None), limit=200)
        source = clean_text(getattr(extracted, "sitename", None), limit=200)
        url = clean_url(getattr(extracted, "url", None))
        tags = clean_tags(getattr(extracted, "tags", None))
        if when is None:
            raw = getattr(extracted, "date", None)
            when = parse_date(raw) if isinstance(raw, str) else None
    if sum(map(len, paragraphs)) < _SHORT:
        # Nothing, or a short result that may be trafilatura's whole-page rescue blob
        # (menus included): the page's own paragraphs are better when it has them.
        fallback_title, fallback = _fallback(tree)
        if fallback:
            paragraphs = fallback
            title = title or fallback_title
    title = title or meta.title
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return [], []
    derived = not title
    article = Article(
        title=title or derive_title(paragraphs),
        paragraphs=tuple(paragraphs),
        date=when,
        source=source or meta.source,
        author=author or meta.author,
        url=url or meta.url,
        language=meta.language,
        tags=tags,
        title_derived=derived,
    )
    return [article], []


def _trafilatura(markup: str) -> Any:
    import trafilatura

    markup = _VOID_UNKNOWN.sub("", _XML_DECLARATION.sub("", markup, count=1))
    try:
        with (
            _quiet_loggers("trafilatura", "htmldate", "courlan", "justext"),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            return trafilatura.bare_extraction(
                markup,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                favor_precision=False,
                deduplicate=False,
                # Only dates stated in the markup: the extensive search guesses from text
                # (a copyright year becomes 1 January), which would invent a date.
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
    except Exception:  # a third-party extractor failing falls back to plain lxml
        log.debug("trafilatura failed", exc_info=True)
        return None


@contextmanager
def _quiet_loggers(*names: str) -> Iterator[None]:
    """Silence a library's own log output (it logs an ERROR for every page it finds no
    text in; whether the file imports is reported to the user by other means)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _document_paragraphs(body: Any) -> list[str]:
    """Paragraphs of trafilatura's extracted body (its own XML: p, head, list/item,
    quote, table/row/cell, lb)."""
    if body is None:
        return []
    out: list[str] = []
    for element in body:
        out.extend(_extracted_blocks(element))
    return [p for p in (normalize_paragraph(p) for p in out) if p]


def _extracted_blocks(element: Any) -> Iterator[str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("list", "quote", "div", "section") and any(
        isinstance(c.tag, str) and c.tag in ("p", "list", "item", "quote", "head", "table")
        for c in element
    ):
        if element.text and element.text.strip():
            yield element.text
        for child in element:
            yield from _extracted_blocks(child)
            if child.tail and child.tail.strip():
                yield child.tail
        return
    if tag == "table":
        for row in element.iter("row"):
            yield " ".join(_text(cell) for cell in row)
        return
    if tag in ("graphic", "ref") and not _text(element).strip():
        return
    yield _text(element)


def _text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == "lb":
            parts.append(" ")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _fallback(tree: Any) -> tuple[str | None, list[str]]:
    """Paragraphs from the page itself: the largest ``<article>``, else ``<main>``, else
    the body, without page furniture."""
    containers = tree.xpath("//article") or tree.xpath("//main") or tree.xpath("//body")
    if not containers:
        containers = [tree]
    container = max(containers, key=lambda c: len(" ".join(c.itertext())))
    blocks = blocks_of(container, drop_chrome=True)
    title = next((text for kind, text in blocks if kind == "h1"), None)
    if container.xpath(".//p"):
        keep = {"p", "blockquote", "pre", "h2", "h3", "h4", "li", "dd", "tr"}
        blocks = [(kind, text) for kind, text in blocks if kind in keep]
    paragraphs = [text for kind, text in blocks if not (kind == "h1" and text == title)]
    return title, paragraphs


class _PageMeta:
    def __init__(self) -> None:
        self.title: str | None = None
        self.date: ArticleDate | None = None
        self.source: str | None = None
        self.author: str | None = None
        self.url: str | None = None
        self.language: str | None = None


def _page_metadata(tree: Any) -> _PageMeta:
    meta = _PageMeta()
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (
            element.get("property") or element.get("name") or element.get("itemprop") or ""
        ).lower()
        content = element.get("content")
        if key and content and key not in values:
            values[key] = content
        equiv = (element.get("http-equiv") or "").lower()
        if equiv == "content-language" and content:
            values.setdefault("content-language", content)
    root = tree.getroottree().getroot()
    meta.language = clean_language(
        root.get("lang")
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        or values.get("content-language", "").split(",")[0]
        or values.get("og:locale")
    )
    for key in _DATE_META:
        if key in values:
            meta.date = parse_date(values[key])
            if meta.date is not None:
                break
    if meta.date is None:
        meta.date = _json_ld_date(tree)
    if meta.date is None:
        for element in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]"):
            meta.date = parse_date(element.get("datetime") or "")
            if meta.date is not None:
                break
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            meta.url = clean_url(link.get("href"))
            break
    meta.url = meta.url or clean_url(values.get("og:url"))
    meta.source = clean_text(values.get("og:site_name") or values.get("application-name"), 200)
    meta.author = clean_text(values.get("author") or values.get("article:author"), 200)
    title = values.get("og:title")
    if not title:
        found = tree.find(".//title")
        title = found.text_content() if found is not None else None
    meta.title = clean_title(title)
    return meta


def _json_ld_date(tree: Any) -> ArticleDate | None:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for value in _find_key(data, "datePublished", depth=0):
            when = date_from_value(value)
            if when is not None:
                return when
    return None


def _find_key(data: object, key: str, depth: int) -> Iterator[object]:
    if depth > 6:
        return
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for value in data.values():
            yield from _find_key(value, key, depth + 1)
    elif isinstance(data, list):
        for value in data[:50]:
            yield from _find_key(value, key, depth + 1)
