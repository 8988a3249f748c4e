"""Recognising binary files and the format of a text file, by content first."""

from __future__ import annotations

import json
import re
from pathlib import PurePath

FORMATS: tuple[str, ...] = ("text", "html", "markdown", "feed", "jsonl")

# (signature, offset, what it is)
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive or Office/EPUB document"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"PK\x07\x08", 0, "ZIP archive"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\x28\xb5\x2f\xfd", 0, "Zstandard archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "old-style Microsoft Office document"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"\x7fELF", 0, "program"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"OggS", 0, "Ogg audio/video"),
    (b"fLaC", 0, "FLAC audio"),
    (b"ID3\x02", 0, "MP3 audio"),
    (b"ID3\x03", 0, "MP3 audio"),
    (b"ID3\x04", 0, "MP3 audio"),
    (b"\x1aE\xdf\xa3", 0, "Matroska/WebM video"),
    (b"wOFF", 0, "web font"),
    (b"wOF2", 0, "web font"),
    (b"\x00\x00\x01\x00", 0, "icon image"),
    (b"ftyp", 4, "MP4/QuickTime media or HEIC image"),
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_SAMPLE = 1 << 16


def binary_kind(data: bytes) -> str | None:
    """What a binary file is (e.g. "PNG image"), or None for something that may be text."""
    for signature, offset, kind in _MAGIC:
        if data[offset : offset + len(signature)] == signature:
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}[data[8:12]]
    if data[:3] == b"BZh" and data[4:10] == b"1AY&SY":
        return "bzip2 archive"
    if data.startswith(b"{\\rtf"):
        return "RTF document"
    if data.startswith(_BOMS):
        return None  # UTF-8/16/32 text: NUL bytes are expected in UTF-16/32
    sample = data[:_SAMPLE]
    if b"\x00" in sample or b"\x00" in data:
        if _looks_like_bomless_utf16(sample):
            return None
        return "it contains NUL bytes"
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    if controls > max(4, len(sample) // 50):
        return "it contains control bytes"
    return None


def _looks_like_bomless_utf16(sample: bytes) -> bool:
    """ASCII-heavy UTF-16 without a byte-order mark: NULs in every other byte."""
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    for zeros, other in ((odd, even), (even, odd)):
        if zeros.count(0) >= half * 0.6 and other.count(0) <= half * 0.02:
            return True
    return False


# -- format ------------------------------------------------------------------------

_PROLOG = re.compile(
    r"\A\ufeff?(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*",
    re.DOTALL | re.IGNORECASE,
)
_ROOT = re.compile(r"<([A-Za-z_][\w:.\-]*)")
_FEED_ROOTS = {"rss", "rdf", "feed"}
_HTML_START = re.compile(r"<(?:html|head|body|meta|title|article|main)\b", re.IGNORECASE)
_HTML_TAGS = re.compile(
    r"</?(?:p|div|br|h[1-6]|article|section|span|a|ul|ol|li|table|blockquote|em|strong|img)\b[^>]*>",
    re.IGNORECASE,
)
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
_MARKDOWN_HINTS = re.compile(
    r"^(?:#{1,6}\s+\S|\s*[-*+]\s+\S|\s*\d{1,3}[.)]\s+\S|>\s?\S|```|~~~|={3,}\s*$|-{3,}\s*$)"
    r"|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*|__[^_\n]+__",
    re.MULTILINE,
)
_ATX_FIRST = re.compile(r"\A\ufeff?\s*#{1,6}[ \t]+\S")
_MARKDOWN_EXT = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn"}
_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_JSON_EXT = {".jsonl", ".ndjson", ".json", ".jsonlines"}


def xml_root(text: str) -> str | None:
    """The local name of the root element of an XML(-like) document, lower-cased, when the
    text starts with markup (after the XML declaration, comments and a DOCTYPE)."""
    prolog = _PROLOG.match(text)
    rest = text[prolog.end() if prolog else 0 :]
    match = _ROOT.match(rest)
    if not match:
        return None
    return match.group(1).rsplit(":", 1)[-1].lower()


def xml_prolog(text: str) -> str:
    """The text before the root element (declaration, comments, DOCTYPE)."""
    prolog = _PROLOG.match(text)
    return text[: prolog.end()] if prolog else ""


def detect_format(data: bytes, name: str) -> str:
    """The format of a file ("text", "html", "markdown", "feed" or "jsonl"), from its
    content first; the file name only breaks ties."""
    from reader.core.errors import IngestError
    from reader.core.ingest.encoding import decode

    try:
        text = decode(data, name)
    except IngestError:
        text = data.decode("latin-1")
    return detect_text_format(text, name)


def detect_text_format(text: str, name: str) -> str:
    """:func:`detect_format` for text that is already decoded."""
    ext = PurePath(name).suffix.lower()
    text = text.removeprefix("\ufeff")
    head = text[:_SAMPLE]
    stripped = head.lstrip()

    if stripped.startswith("<"):
        root = xml_root(head)
        if root in _FEED_ROOTS:
            return "feed"
        if root == "html" or re.match(r"<!DOCTYPE\s+html", stripped, re.IGNORECASE):
            return "html"
        if root and stripped.startswith("<?xml"):
            return "text"  # some other XML document (refused by parse_bytes)
        body = stripped[len(xml_prolog(stripped)) :] if root else stripped
        if _HTML_START.match(body) or ext in _HTML_EXT:
            return "html"
        if re.search(r"<(?:html|body)\b", head, re.IGNORECASE):
            return "html"
        if len(_HTML_TAGS.findall(head)) >= 2:
            return "html"

    if stripped.startswith(("{", "[")) and _is_json_articles(text, head, ext):
        return "jsonl"

    if _FRONT_MATTER.match(text):
        return "markdown"
    if _ATX_FIRST.match(head):
        return "markdown"
    if ext in _MARKDOWN_EXT and (_MARKDOWN_HINTS.search(head) or re.search(r"\n\s*\n", head)):
        return "markdown"

    if ext in _HTML_EXT and len(_HTML_TAGS.findall(head)) >= 1:
        return "html"
    return "text"


def _is_json_articles(text: str, head: str, ext: str) -> bool:
    lines = [line.strip() for line in head.splitlines() if line.strip()][:5]
    if lines and lines[0].startswith("{"):
        objects = sum(1 for line in lines if _json_object(line))
        if _json_object(lines[0]) and objects * 2 >= len(lines):
            return True
    # A JSON array of objects, or one pretty-printed object.
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return ext in _JSON_EXT and bool(lines) and lines[0].startswith("{")
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def _json_object(line: str) -> bool:
    if not (line.startswith("{") and line.endswith("}")):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False
