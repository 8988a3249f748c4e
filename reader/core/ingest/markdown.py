"""Markdown: optional YAML front matter and a body rendered with markdown-it-py.

Front matter keys: ``title``, ``date``, ``source``, ``author``, ``url``, ``tags`` (a list
or a comma-separated string), ``language``/``lang``, ``id``, ``dateline``. It is read
with ``yaml.safe_load`` only. A leading ``# Heading`` is the title when the front matter
gives none; list items, quotes and code blocks become paragraphs.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from markdown_it import MarkdownIt

from reader.core.ingest.html import html_to_blocks
from reader.core.ingest.normalize import (
    clean_language,
    clean_tags,
    clean_text,
    clean_title,
    clean_url,
    date_from_value,
    derive_title,
    normalize_newlines,
)
from reader.core.models import Article

_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\n(?:(?P<yaml>.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(YAML text or None, Markdown body)."""
    text = normalize_newlines(text)
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text.removeprefix("\ufeff")
    return match.group("yaml") or "", text[match.end() :]


def load_front_matter(source: str) -> tuple[dict[str, Any], str | None]:
    """(metadata, problem): the front matter as a mapping, or a problem saying why not."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        return {}, f"front matter{where}: not valid YAML ({problem}); it was ignored"
    except RecursionError:
        return {}, "front matter: nested too deeply; it was ignored"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, "front matter: not a list of keys and values; it was ignored"
    return {str(k).lower(): v for k, v in data.items()}, None


class _TextOnly(MarkdownIt):
    """Every link and image is parsed as one, whatever its address: the rendered HTML is
    only read as text, never its addresses. (The stock renderer refuses ``javascript:``,
    ``file:`` and ``data:`` links and leaves their Markdown source, address included, in
    the text: ``[the statement](javascript:fetch(...))`` instead of "the statement".)"""

    def validateLink(self, url: str) -> bool:
        return True


def _renderer() -> MarkdownIt:
    return _TextOnly("commonmark", {"html": True}).enable(["table", "strikethrough"])


def parse(text: str, path: str) -> tuple[list[Article], list[str]]:
    """One article from a Markdown file."""
    problems: list[str] = []
    front, body = split_front_matter(text)
    meta: dict[str, Any] = {}
    if front is not None:
        meta, problem = load_front_matter(front)
        if problem:
            problems.append(problem)

    blocks = html_to_blocks(_renderer().render(body))
    title = clean_title(meta.get("title"))
    if blocks and blocks[0][0] == "h1" and (title is None or blocks[0][1] == title):
        title = title or blocks[0][1]
        blocks = blocks[1:]
    paragraphs = [text for _, text in blocks]
    if not paragraphs:
        return [], problems

    author = meta.get("author", meta.get("authors"))
    if isinstance(author, list):
        author = ", ".join(a for a in (clean_text(x, 200) for x in author[:20]) if a)
    when = date_from_value(meta.get("date", meta.get("published")))
    if when is None and meta.get("date") not in (None, ""):
        problems.append(f"front matter: the date {str(meta['date'])[:40]!r} was not understood")
    ident = meta.get("id")
    article = Article(
        title=title or derive_title(paragraphs),
        paragraphs=tuple(paragraphs),
        date=when,
        source=clean_text(meta.get("source", meta.get("publisher")), 200),
        dateline=clean_text(meta.get("dateline"), 200),
        author=clean_text(author, 500),
        url=clean_url(meta.get("url", meta.get("link"))),
        language=clean_language(meta.get("language", meta.get("lang"))),
        tags=clean_tags(meta.get("tags", meta.get("keywords"))),
        external_id=clean_text(ident, 300) if isinstance(ident, str | int) else None,
        title_derived=title is None,
    )
    return [article], problems
