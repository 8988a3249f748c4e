"""Exporting highlights (Markdown, W3C Web Annotation JSON-LD, CSV, printable HTML) and
reading W3C JSON back.

Every exported highlight carries what a citation needs: outlet, date, URL, the SHA-256 of
the article version it sits on, and both selectors.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reader import __version__
from reader.core.annotations.anchoring import Anchor, TextPositionSelector, TextQuoteSelector
from reader.core.annotations.model import COLORS, Highlight

FORMATS = ("markdown", "json", "csv", "html")
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: Our own terms (article citation, anchor status), as a JSON-LD prefix on a URN.
CR_NS = "urn:coverage-reader:ns:"
#: How the palette looks in exports (themes in the window choose their own shades).
SWATCHES = {
    "yellow": "#fff176",
    "green": "#a5d6a7",
    "blue": "#90caf9",
    "pink": "#f48fb1",
    "purple": "#ce93d8",
}
CSV_COLUMNS = (
    "article_id", "title", "source", "date", "url", "color", "quote", "note", "tags",
    "start", "end", "content_hash", "anchor", "highlight_id", "uid", "created", "modified",
)  # fmt: skip


def export(highlights: Sequence[Highlight], fmt: str, *, title: str = "Highlights") -> str:
    if fmt == "markdown":
        return to_markdown(highlights, title=title)
    if fmt == "json":
        return json.dumps(to_w3c(highlights, label=title), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(highlights)
    if fmt == "html":
        return to_html(highlights, title=title)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _by_article(highlights: Iterable[Highlight]) -> list[list[Highlight]]:
    groups: dict[tuple[object, str], list[Highlight]] = {}
    for h in highlights:
        key = (
            h.article_id if h.article_id is not None else f"orphan:{h.article_hash}",
            h.article_hash,
        )
        groups.setdefault(key, []).append(h)
    return [sorted(g, key=lambda h: (h.start, h.id)) for g in groups.values()]


def _date(h: Highlight) -> str:
    return (h.article_date or "")[:10]


# -- Markdown ------------------------------------------------------------------------


def to_markdown(highlights: Sequence[Highlight], *, title: str = "Highlights") -> str:
    tags = sorted({t for h in highlights for t in h.tags}, key=str.lower)
    out = io.StringIO()
    out.write("---\n")
    out.write(f"title: {json.dumps(title, ensure_ascii=False)}\n")
    out.write(f"exported: {datetime.now(UTC).isoformat(timespec='seconds')}\n")
    out.write(f"generator: Coverage Reader {__version__}\n")
    out.write(f"highlights: {len(highlights)}\n")
    out.write(f"tags: {json.dumps(['highlights', *tags], ensure_ascii=False)}\n")
    out.write("---\n\n")
    out.write(f"# {title}\n")
    for group in _by_article(highlights):
        first = group[0]
        out.write(f"\n## {_md_inline(first.article_title) or 'Untitled article'}\n\n")
        meta = " · ".join(p for p in (first.article_source, _date(first)) if p)
        if meta:
            out.write(f"*{_md_inline(meta)}*  \n")
        if first.article_url:
            out.write(f"<{first.article_url}>  \n")
        out.write(f"SHA-256 `{first.article_hash}`\n")
        for h in group:
            out.write("\n")
            for line in h.exact.splitlines() or [""]:
                out.write(f"> {line}\n" if line else ">\n")
            details = [h.color]
            if h.tags:
                details.append(" ".join(f"#{t.replace(' ', '-')}" for t in h.tags))
            if h.is_orphan:
                details.append("orphaned: its passage is no longer in the article")
            details.append(f"characters {h.start}–{h.end}")
            out.write(f"\n— {' · '.join(details)}\n")
            if h.note:
                out.write(f"\n{h.note}\n")
    return out.getvalue()


def _md_inline(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_").replace("\n", " ")


# -- W3C Web Annotation ----------------------------------------------------------------


def to_w3c(highlights: Sequence[Highlight], *, label: str = "Highlights") -> dict[str, Any]:
    items = [annotation(h) for h in highlights]
    return {
        "@context": [W3C_CONTEXT, {"cr": CR_NS}],
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "generator": {"type": "Software", "name": f"Coverage Reader {__version__}"},
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotation(h: Highlight) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if h.note:
        body.append(
            {
                "type": "TextualBody",
                "value": h.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    body += [{"type": "TextualBody", "value": t, "purpose": "tagging"} for t in h.tags]
    result: dict[str, Any] = {
        "id": h.uid,
        "type": "Annotation",
        "motivation": "commenting" if h.note else "highlighting",
        "created": h.created_at.isoformat(),
        "modified": h.modified_at.isoformat(),
        "stylesheet": {
            "type": "CssStylesheet",
            "value": "".join(f".{c} {{ background-color: {SWATCHES[c]}; }}" for c in COLORS),
        },
        "target": {
            "type": "SpecificResource",
            "source": h.article_url or f"urn:sha256:{h.article_hash}",
            "styleClass": h.color,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": h.exact,
                    "prefix": h.prefix,
                    "suffix": h.suffix,
                },
                {"type": "TextPositionSelector", "start": h.start, "end": h.end},
            ],
        },
        "cr:article": {
            "title": h.article_title,
            "outlet": h.article_source,
            "date": h.article_date,
            "url": h.article_url,
            "sha256": h.article_hash,
        },
        "cr:anchor": h.anchor,
        "cr:confidence": h.confidence,
    }
    if body:
        result["body"] = body if len(body) > 1 else body[0]
    return result


# -- CSV and HTML --------------------------------------------------------------------------


def to_csv(highlights: Sequence[Highlight]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for h in highlights:
        writer.writerow(
            [
                h.article_id if h.article_id is not None else "",
                h.article_title,
                h.article_source or "",
                h.article_date or "",
                h.article_url or "",
                h.color,
                h.exact,
                h.note,
                "; ".join(h.tags),
                h.start,
                h.end,
                h.article_hash,
                h.anchor,
                h.id,
                h.uid,
                h.created_at.isoformat(),
                h.modified_at.isoformat(),
            ]
        )
    return out.getvalue()


def to_html(highlights: Sequence[Highlight], *, title: str = "Highlights") -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No scripts, no remote resources: the page prints and opens offline.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title>",
        "<style>body{font-family:Georgia,serif;max-width:42em;margin:2em auto;line-height:1.5;"
        "color:#222}h2{margin-top:2em;border-bottom:1px solid #ccc}"
        ".meta{color:#555;font-size:.9em}blockquote{margin:1em 0;padding:.3em .8em;"
        "border-left:.4em solid}.note{margin:.3em 0 0 1.2em}.tags{color:#555;font-size:.85em}"
        "code{font-size:.8em}@media print{h2{page-break-after:avoid}"
        "blockquote{page-break-inside:avoid}}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">{len(highlights)} highlight{"s" if len(highlights) != 1 else ""}, '
        f"exported {e(datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC'))}</p>",
    ]
    for group in _by_article(highlights):
        first = group[0]
        parts.append(f"<h2>{e(first.article_title or 'Untitled article')}</h2>")
        meta = " · ".join(e(p) for p in (first.article_source, _date(first)) if p)
        url = f" · {e(first.article_url)}" if first.article_url else ""
        parts.append(
            f'<p class="meta">{meta}{url}<br>SHA-256 <code>{e(first.article_hash)}</code></p>'
        )
        for h in group:
            swatch = SWATCHES.get(h.color, "#ddd")
            parts.append(
                f'<blockquote style="border-color:{swatch};background:{swatch}33">'
                f"{e(h.exact)}</blockquote>"
            )
            if h.note:
                parts.append(f'<p class="note">{e(h.note)}</p>')
            extra = [h.color, *(f"#{t}" for t in h.tags)]
            if h.is_orphan:
                extra.append("orphaned")
            parts.append(f'<p class="tags">{e(" · ".join(extra))}</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


# -- reading W3C JSON back ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportedAnnotation:
    uid: str | None
    anchor: Anchor
    color: str
    note: str
    tags: tuple[str, ...]
    source: str | None
    sha256: str | None
    article_title: str
    outlet: str | None
    date: str | None
    url: str | None
    created: str | None
    modified: str | None


class AnnotationFormatError(ValueError):
    pass


def parse_w3c(text: str) -> list[ImportedAnnotation]:
    """Annotations from W3C JSON: a collection, a page, a list, or a single annotation."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationFormatError(f"not JSON: {exc.msg} at line {exc.lineno}") from exc
    items: Any
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict) and data.get("type") == "AnnotationCollection":
        items = (data.get("first") or {}).get("items", [])
    elif isinstance(data, dict) and data.get("type") == "AnnotationPage":
        items = data.get("items", [])
    elif isinstance(data, dict) and data.get("type") == "Annotation":
        items = [data]
    else:
        raise AnnotationFormatError("not a W3C Web Annotation document")
    if not isinstance(items, list):
        raise AnnotationFormatError("the annotation list is not a list")
    return [_parse_one(item, n) for n, item in enumerate(items, start=1)]


def _parse_one(item: Any, n: int) -> ImportedAnnotation:
    if not isinstance(item, dict) or item.get("type") != "Annotation":
        raise AnnotationFormatError(f"item {n} is not an Annotation")
    target = item.get("target")
    if isinstance(target, list) and target:
        target = target[0]
    if not isinstance(target, dict):
        raise AnnotationFormatError(f"item {n} has no target")
    selectors = target.get("selector", [])
    if isinstance(selectors, dict):
        selectors = [selectors]
    quote = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None
    )
    position = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"),
        None,
    )
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        raise AnnotationFormatError(f"item {n} has no TextQuoteSelector")
    try:
        start = int(position["start"]) if position else 0
        end = int(position["end"]) if position else 0
    except (KeyError, TypeError, ValueError) as exc:
        raise AnnotationFormatError(f"item {n} has a bad TextPositionSelector") from exc
    bodies = item.get("body", [])
    if isinstance(bodies, dict):
        bodies = [bodies]
    note = "\n\n".join(
        str(b.get("value", ""))
        for b in bodies
        if isinstance(b, dict) and b.get("purpose") == "commenting"
    )
    tags = tuple(
        str(b.get("value")) for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"
    )
    color = target.get("styleClass") if target.get("styleClass") in COLORS else COLORS[0]
    raw_article = item.get("cr:article")
    article: dict[str, Any] = raw_article if isinstance(raw_article, dict) else {}
    source = target.get("source") if isinstance(target.get("source"), str) else None
    sha = article.get("sha256") or (
        source.removeprefix("urn:sha256:") if source and source.startswith("urn:sha256:") else None
    )
    return ImportedAnnotation(
        uid=item.get("id") if isinstance(item.get("id"), str) else None,
        anchor=Anchor(
            TextQuoteSelector(
                str(quote["exact"]), str(quote.get("prefix", "")), str(quote.get("suffix", ""))
            ),
            TextPositionSelector(start, end),
        ),
        color=str(color),
        note=note,
        tags=tags,
        source=source,
        sha256=sha,
        article_title=str(article.get("title") or ""),
        outlet=article.get("outlet"),
        date=article.get("date"),
        url=article.get("url") or (source if source and not source.startswith("urn:") else None),
        created=item.get("created"),
        modified=item.get("modified"),
    )
