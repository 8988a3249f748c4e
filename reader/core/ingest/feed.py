"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one article per item.

Safety first: a feed whose DOCTYPE declares entities (the "billion laughs" expansion,
external entities such as ``<!ENTITY x SYSTEM "file:///etc/passwd">``) is refused before
any parser sees it, and feedparser only ever gets the bytes in memory (never a name it
could open or fetch), with relative links left alone. Entry HTML is reduced to text by
:func:`~reader.core.ingest.html.html_to_paragraphs`, which drops scripts, styles, frames
and objects whole.
"""

from __future__ import annotations

import io
import re
import time
import warnings
from datetime import UTC, datetime
from typing import Any

import feedparser
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from reader.core.errors import IngestError
from reader.core.ingest.html import html_to_paragraphs
from reader.core.ingest.normalize import (
    clean_language,
    clean_tags,
    clean_text,
    clean_title,
    clean_url,
    derive_title,
    parse_date,
    shorten,
    split_blank_line_blocks,
)
from reader.core.models import Article, ArticleDate

_XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>", re.IGNORECASE)
_ROOT_START = re.compile(r"<[A-Za-z_]")
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_ENTITIES_REFUSED = "the feed declares XML entities, which are refused for safety"
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")


def _usable_char_refs(text: str) -> str:
    """Character references to no character (a surrogate, beyond U+10FFFF) made U+FFFD:
    feedparser's lenient parser crashes on them, losing every item of the feed."""

    def replace(match: re.Match[str]) -> str:
        hexadecimal, decimal = match.groups()
        digits = (hexadecimal or decimal).lstrip("0")
        if len(digits) > 8:
            return "&#xFFFD;"
        value = int(digits or "0", 16 if hexadecimal else 10)
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            return "&#xFFFD;"
        return match.group(0)

    return _CHAR_REF.sub(replace, text)


def declares_entities(text: str) -> bool:
    """True when the document's prolog (before the root element) declares entities."""
    root = _ROOT_START.search(text)
    prolog = text[: root.start()] if root else text
    return bool(_ENTITY.search(prolog))


def check_safe(text: str, path: str, what: str = "feed") -> None:
    """Refuse XML that declares entities or references external resources."""
    reason = _ENTITIES_REFUSED.replace("feed", what, 1)
    if declares_entities(text):
        raise IngestError(path, reason)
    try:
        SafeElementTree.fromstring(
            _utf8_document(text), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise IngestError(path, reason) from exc
    except Exception:  # malformed XML: feedparser's lenient parser gets its chance
        return


def _utf8_document(text: str) -> bytes:
    """The document as UTF-8 bytes with a matching XML declaration (the text was already
    decoded, honouring the original declaration)."""
    body = _XML_DECLARATION.sub("", text, count=1).lstrip("\ufeff")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body.lstrip()).encode("utf-8")


def parse(text: str, path: str) -> tuple[list[Article], list[str]]:
    """One article per feed item that has text; items without text are problems."""
    check_safe(text, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # sanitize_html is off on purpose: feedparser's sanitiser removes <iframe>/<object>
        # tags but keeps their fallback text, while html_to_paragraphs drops such elements
        # whole. The markup is only ever read as text here, never rendered.
        result = feedparser.parse(
            io.BytesIO(_utf8_document(_usable_char_refs(text))),
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    entries = list(result.get("entries") or [])
    if not entries:
        if result.get("bozo"):
            reason = result.get("bozo_exception")
            raise IngestError(path, f"the feed is not well-formed and has no items ({reason})")
        raise IngestError(path, "the feed has no items")

    channel = result.get("feed") or {}
    source = clean_text(channel.get("title"), 300)
    language = clean_language(channel.get("language"))
    articles: list[Article] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        title = _title(entry.get("title"))
        paragraphs = _entry_paragraphs(entry)
        if not paragraphs:
            label = f"item {number} (“{shorten(title, 60)}”)" if title else f"item {number}"
            problems.append(f"{label}: no text")
            continue
        ident = entry.get("id")
        articles.append(
            Article(
                title=title or derive_title(paragraphs),
                paragraphs=tuple(paragraphs),
                date=_entry_date(entry),
                source=source,
                author=clean_text(entry.get("author"), 300),
                url=clean_url(entry.get("link")),
                language=language or _content_language(entry),
                tags=clean_tags([t.get("term") for t in entry.get("tags") or [] if t]),
                external_id=clean_text(ident, 500) if isinstance(ident, str) else None,
                title_derived=title is None,
            )
        )
    if not articles:
        reason = f"none of the feed's {len(entries)} item(s) has any text: " + "; ".join(
            problems[:3]
        )
        if result.get("bozo"):
            reason += f" (the feed is not well-formed: {result.get('bozo_exception')})"
        raise IngestError(path, reason)
    return articles, problems


def _title(value: object) -> str | None:
    if isinstance(value, str) and "<" in value:
        value = " ".join(html_to_paragraphs(value))
    return clean_title(value)


def _entry_paragraphs(entry: Any) -> list[str]:
    candidates: list[Any] = list(entry.get("content") or [])
    summary = entry.get("summary_detail") or (
        {"value": entry.get("summary"), "type": "text/html"} if entry.get("summary") else None
    )
    if summary:
        candidates.append(summary)
    best: list[str] = []
    for content in candidates:
        value = content.get("value") if hasattr(content, "get") else None
        if not isinstance(value, str) or not value.strip():
            continue
        kind = str(content.get("type") or "text/html").lower()
        paragraphs = (
            split_blank_line_blocks(value) if kind == "text/plain" else html_to_paragraphs(value)
        )
        if sum(map(len, paragraphs)) > sum(map(len, best)):
            best = paragraphs
        if best and content is not summary:
            break  # full content wins over the summary
    return best


def _entry_date(entry: Any) -> ArticleDate | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            when = parse_date(raw)
            if when is not None:
                return when
            parsed = entry.get(f"{key}_parsed")
            if isinstance(parsed, time.struct_time):
                # feedparser normalises to UTC.
                return ArticleDate(datetime(*parsed[:6], tzinfo=UTC))
    return None


def _content_language(entry: Any) -> str | None:
    for content in entry.get("content") or []:
        language = clean_language(content.get("language"))
        if language:
            return language
    detail = entry.get("title_detail") or {}
    return clean_language(detail.get("language"))
