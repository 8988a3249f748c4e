"""Importers: file bytes → :class:`~reader.core.models.Article` values.

The format of a file is recognised by its content (the file name is only a tie-breaker)
and its text encoding is detected. Every importer returns normalised articles; metadata
the input does not state stays ``None`` (importers never invent a date or a title
without saying so: a derived title sets ``title_derived``).

A file that cannot be imported at all raises :class:`~reader.core.errors.IngestError`
with a human reason; problems with parts of a multi-article file (a bad JSON line, an
empty feed item) are reported in :attr:`ParsedFile.problems` instead.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from reader.core.errors import IngestError
from reader.core.ingest import encoding, feed, html, jsonl, markdown, text
from reader.core.ingest.detect import (
    FORMATS,
    binary_kind,
    detect_format,
    detect_text_format,
    xml_root,
)
from reader.core.models import Article, ParsedFile

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "detect_format",
    "iter_input_files",
    "parse_bytes",
    "parse_file",
    "read_file",
]

#: Larger files are refused before they are read.
MAX_FILE_BYTES: int = 64 * 2**20


def parse_bytes(data: bytes, path: str) -> ParsedFile:
    """Parse the bytes of one file (``path`` names it in messages and metadata)."""
    if not data.strip():
        raise IngestError(path, "the file is empty" if not data else "the file holds no text")
    kind = binary_kind(data)
    if kind == "RTF document":
        raise IngestError(path, "this is an RTF document; save it as plain text or HTML first")
    if kind is not None:
        raise IngestError(path, f"this is a binary file ({kind}), not text")
    decoded = encoding.decode(data, path)
    if not decoded.strip():
        raise IngestError(path, "the file holds no text")
    fmt = detect_text_format(decoded, path)
    if fmt == "feed":
        feed.check_safe(decoded, path)
    elif fmt == "html" and feed.declares_entities(decoded):
        raise IngestError(path, "the page declares XML entities, which are refused for safety")
    elif fmt == "text" and decoded.lstrip("\ufeff \t\r\n").startswith("<?xml"):
        if feed.declares_entities(decoded):
            feed.check_safe(decoded, path, what="file")
        root = xml_root(decoded)
        raise IngestError(
            path,
            f"this is an XML document (<{root or '?'}>), not an RSS or Atom feed or an article",
        )
    articles: list[Article]
    problems: list[str]
    try:
        if fmt == "feed":
            articles, problems = feed.parse(decoded, path)
        elif fmt == "html":
            articles, problems = html.parse(decoded, path)
        elif fmt == "markdown":
            articles, problems = markdown.parse(decoded, path)
        elif fmt == "jsonl":
            articles, problems = jsonl.parse(decoded, path)
        else:
            articles, problems = text.parse(decoded, path)
    except IngestError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise IngestError(
            path, f"the file is too deeply nested or too big to read ({fmt})"
        ) from exc
    except Exception as exc:
        # A parser library choking on malformed input is a property of the file.
        raise IngestError(
            path, f"the {fmt} file could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    if not articles:
        raise IngestError(path, "no article text found")
    articles = [_without_surrogates(article) for article in articles]
    return ParsedFile(path=path, format=fmt, articles=tuple(articles), problems=tuple(problems))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(article: Article) -> Article:
    """The article with lone surrogates (which JSON ``\\ud800`` escapes and YAML
    ``"\\ud800"`` strings can produce, and no text can be stored with) replaced by U+FFFD."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        if isinstance(value, str) and _SURROGATE.search(value):
            changes[field.name] = _SURROGATE.sub("\ufffd", value)
        elif isinstance(value, tuple) and any(
            isinstance(v, str) and _SURROGATE.search(v) for v in value
        ):
            changes[field.name] = tuple(_SURROGATE.sub("\ufffd", v) for v in value)
    return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]


def read_file(path: Path) -> bytes:
    """The bytes of one regular file, reading at most :data:`MAX_FILE_BYTES` of them.

    What the path is now is checked first: a file listed by :func:`iter_input_files` may
    have been replaced since by a folder, or by a named pipe that would block the read
    forever, or have grown past the limit. Each is refused with a reason.
    """
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IngestError(name, "this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(name, "not a regular file (a pipe, socket or device)")
        if info.st_size > MAX_FILE_BYTES:
            raise IngestError(
                name,
                f"file is too large ({info.st_size / 2**20:.0f} MB; the limit is "
                f"{MAX_FILE_BYTES // 2**20} MB)",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise IngestError(name, "no such file or folder") from exc
    except IsADirectoryError as exc:
        raise IngestError(name, "this is a folder, not a file") from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(name, f"file is too large (the limit is {MAX_FILE_BYTES // 2**20} MB)")
    return data


def parse_file(path: Path) -> ParsedFile:
    """Read and parse one file."""
    return parse_bytes(read_file(path), str(path))


def iter_input_files(paths: list[Path]) -> Iterator[Path | IngestError]:
    """The files to import for the given arguments, in a stable order.

    A file argument yields itself; a folder is walked recursively in sorted order,
    skipping hidden entries (names starting with "."), following symbolic links but never
    entering the same folder twice (so a link loop ends). A missing argument or an
    unreadable folder yields an :class:`IngestError`. Each file is yielded once.
    """
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()

    def add_file(path: Path) -> Iterator[Path]:
        key = os.path.realpath(path)
        if key not in seen_files:
            seen_files.add(key)
            yield path

    def listing(folder: Path) -> list[str] | IngestError | None:
        """Sorted visible names in ``folder``; None when it was walked already."""
        key = os.path.realpath(folder)
        if key in seen_dirs:
            return None  # a link back to a folder being (or already) walked
        seen_dirs.add(key)
        try:
            names = [entry.name for entry in folder.iterdir()]
        except OSError as exc:
            return IngestError(str(folder), f"cannot read the folder: {exc.strerror or exc}")
        return sorted(name for name in names if not name.startswith("."))

    def walk(top: Path) -> Iterator[Path | IngestError]:
        first = listing(top)
        if isinstance(first, IngestError):
            yield first
        if not isinstance(first, list):
            return
        # Depth first, in sorted order, without recursion (deep trees are fine).
        stack: list[tuple[Path, Iterator[str]]] = [(top, iter(first))]
        while stack:
            folder, names = stack[-1]
            name = next(names, None)
            if name is None:
                stack.pop()
                continue
            child = folder / name
            try:
                mode = child.stat().st_mode  # follows symbolic links
            except FileNotFoundError:
                if child.is_symlink():
                    yield IngestError(str(child), "broken link (its target does not exist)")
                continue
            except OSError as exc:
                yield _unreadable(child, exc)
                continue
            if stat.S_ISDIR(mode):
                inner = listing(child)
                if isinstance(inner, IngestError):
                    yield inner
                elif inner is not None:
                    stack.append((child, iter(inner)))
            elif stat.S_ISREG(mode):
                yield from add_file(child)
            # sockets, pipes and devices are not files to import: skipped

    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            yield IngestError(str(path), "no such file or folder")
            continue
        except OSError as exc:
            yield _unreadable(path, exc)
            continue
        if stat.S_ISDIR(mode):
            yield from walk(path)
        elif stat.S_ISREG(mode):
            yield from add_file(path)
        else:
            yield IngestError(str(path), "not a regular file or folder")


def _unreadable(path: Path, exc: OSError) -> IngestError:
    if exc.errno == errno.ELOOP:
        return IngestError(str(path), "broken link (it leads back to itself in a loop)")
    return IngestError(str(path), f"cannot read: {exc.strerror or exc}")
