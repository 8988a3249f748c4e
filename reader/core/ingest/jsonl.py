"""JSON Lines: one article per line (a JSON array of article objects is read too).

Keys: ``title``; ``body`` (a string, paragraphs separated by blank lines, or a list of
strings; ``text`` and ``content`` are accepted instead); ``date``, ``source``, ``url``,
``author``, ``language``/``lang``, ``tags`` (a list or a comma-separated string), ``id``
(the external id) and ``dateline``. A bad line is a problem naming its line number; the
other lines still import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from reader.core.errors import IngestError
from reader.core.ingest.html import html_to_paragraphs
from reader.core.ingest.normalize import (
    clean_language,
    clean_tags,
    clean_text,
    clean_title,
    clean_url,
    date_from_value,
    derive_title,
    normalize_newlines,
    normalize_paragraphs,
    split_blank_line_blocks,
)
from reader.core.models import Article

_BODY_KEYS = ("body", "text", "content", "paragraphs")
_HTML_HINT = re.compile(r"</?(?:p|br|div|li|h[1-6])\b[^>]*>", re.IGNORECASE)
#: How many problems are quoted in the error when no line could be read.
_QUOTED = 3


def parse(text: str, path: str) -> tuple[list[Article], list[str]]:
    """Articles from JSON Lines (or a JSON array / a single JSON object)."""
    articles: list[Article] = []
    problems: list[str] = []
    records = 0
    for place, record in _records(text):
        records += 1
        if isinstance(record, str):  # a parse error message
            problems.append(f"{place}: {record}")
            continue
        article, problem = article_from_object(record)
        if article is None:
            problems.append(f"{place}: {problem}")
        else:
            articles.append(article)
    if not articles:
        if not records:
            raise IngestError(path, "no article text found")
        quoted = "; ".join(problems[:_QUOTED])
        more = f" (and {len(problems) - _QUOTED} more)" if len(problems) > _QUOTED else ""
        raise IngestError(path, f"no line holds a readable article: {quoted}{more}")
    return articles, problems


def _records(text: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(place, object or error message) for each record of the file."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, list):
            for number, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    yield f"item {number}", item
                else:
                    yield f"item {number}", "not a JSON object"
            return
    lines = normalize_newlines(text).split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if stripped.startswith("{") and not _loads_object(first):
        try:
            value = json.loads(stripped)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, dict):  # one pretty-printed object
            yield "the object", value
            return
    for number, line in enumerate(lines, start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", f"not valid JSON ({exc.msg})"
            continue
        except (ValueError, RecursionError) as exc:
            yield f"line {number}", f"not valid JSON ({type(exc).__name__})"
            continue
        if isinstance(value, dict):
            yield f"line {number}", value
        else:
            yield f"line {number}", f"not a JSON object (a {_json_type(value)})"


def _loads_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null"


def body_paragraphs(value: object) -> list[str]:
    """Paragraphs of a body value: a string (blank-line separated, or one paragraph per
    line when it has no blank lines; HTML is read as HTML) or a list of strings."""
    if isinstance(value, list):
        return normalize_paragraphs(item for item in value[:100_000] if isinstance(item, str))
    if not isinstance(value, str) or not value.strip():
        return []
    if _HTML_HINT.search(value):
        return html_to_paragraphs(value)
    value = normalize_newlines(value)
    if re.search(r"\n[ \t]*\n", value):
        return split_blank_line_blocks(value)
    return normalize_paragraphs(value.split("\n"))


def article_from_object(record: dict[str, Any]) -> tuple[Article | None, str]:
    """(article, "") or (None, why not) for one JSON object."""
    fields = {str(k).lower(): v for k, v in record.items()}
    paragraphs: list[str] = []
    for key in _BODY_KEYS:
        paragraphs = body_paragraphs(fields.get(key))
        if paragraphs:
            break
    if not paragraphs:
        return None, "no body text"
    title = clean_title(fields.get("title", fields.get("headline")))
    author = fields.get("author", fields.get("authors"))
    if isinstance(author, list):
        author = ", ".join(a for a in (clean_text(x, 200) for x in author[:20]) if a)
    ident = fields.get("id", fields.get("external_id"))
    article = Article(
        title=title or derive_title(paragraphs),
        paragraphs=tuple(paragraphs),
        date=date_from_value(fields.get("date", fields.get("published"))),
        source=clean_text(fields.get("source"), 300),
        dateline=clean_text(fields.get("dateline"), 200),
        author=clean_text(author, 500),
        url=clean_url(fields.get("url", fields.get("link"))),
        language=clean_language(fields.get("language", fields.get("lang"))),
        tags=clean_tags(fields.get("tags")),
        external_id=clean_text(ident, 300) if isinstance(ident, str | int) else None,
        title_derived=title is None,
    )
    return article, ""
