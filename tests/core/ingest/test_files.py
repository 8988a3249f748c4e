"""Whole files: refusals with clear reasons, format detection, walking folders."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from reader.core.errors import IngestError
from reader.core.ingest import (
    FORMATS,
    MAX_FILE_BYTES,
    detect_format,
    iter_input_files,
    parse_bytes,
    parse_file,
)

STORY = b"Headline\n\nThe body of the story.\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", "Headline\n\nBody.\n")
    return buffer.getvalue()


# -- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"   \n\n\t ", "the file holds no text"),
        (PNG, "this is a binary file (PNG image), not text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "this is a binary file (JPEG image), not text"),
        (b"GIF89a\x01\x00", "this is a binary file (GIF image), not text"),
        (b"%PDF-1.7\n%\xe2\xe3", "this is a binary file (PDF document), not text"),
        (zip_bytes(), "this is a binary file (ZIP archive or Office/EPUB document), not text"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "this is a binary file (gzip archive), not text"),
        (b"{\\rtf1\\ansi Hello}", "this is an RTF document; save it as plain text or HTML first"),
        (os.urandom(64).replace(b"\x00", b"\x01") + b"\x00" * 8 + b"text",
         "this is a binary file (it contains NUL bytes), not text"),
    ],
)  # fmt: skip
def test_unreadable_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_bytes(data, "/in/file.txt")
    assert caught.value.path == "/in/file.txt"
    assert caught.value.reason == reason
    assert str(caught.value) == f"/in/file.txt: {reason}"


def test_random_bytes_never_escape_as_another_exception() -> None:
    for seed in range(40):
        data = os.urandom(200 + seed * 10)
        try:
            parsed = parse_bytes(data, "noise.bin")
        except IngestError as exc:
            assert exc.reason
        else:
            assert parsed.articles


def test_a_file_with_no_article_text() -> None:
    with pytest.raises(IngestError, match="no article text found"):
        parse_bytes(b"<html><body><script>x()</script></body></html>", "blank.html")


def test_an_xml_file_that_is_no_feed() -> None:
    with pytest.raises(IngestError, match="not an RSS or Atom feed"):
        parse_bytes(b"<?xml version='1.0'?><config><a>1</a></config>", "settings.xml")


def test_a_parser_crash_becomes_an_ingest_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.core.ingest import text

    def boom(decoded: str, path: str) -> object:
        raise ValueError("parser exploded")

    monkeypatch.setattr(text, "parse", boom)
    with pytest.raises(IngestError) as caught:
        parse_bytes(STORY, "story.txt")
    assert "parser exploded" in caught.value.reason


def test_parse_file_reads_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(STORY)
    parsed = parse_file(path)
    assert parsed.path == str(path)
    assert parsed.format == "text"
    assert parsed.articles[0].title == "Headline"


def test_parse_file_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(IngestError, match="no such file or folder"):
        parse_file(tmp_path / "missing.txt")
    with pytest.raises(IngestError, match="this is a folder"):
        parse_file(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(STORY)
    monkeypatch.setattr("reader.core.ingest.MAX_FILE_BYTES", 10)
    with pytest.raises(IngestError, match="file is too large"):
        parse_file(big)


def test_parse_file_of_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(STORY)
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(IngestError) as caught:
        parse_file(path)
    assert caught.value.reason == "cannot read: Permission denied"


def test_the_size_limit() -> None:
    assert MAX_FILE_BYTES == 64 * 2**20


# -- format detection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", "a.txt", "feed"),
        (b"\xef\xbb\xbf<!-- c --><feed xmlns='http://www.w3.org/2005/Atom'/>", "a", "feed"),
        (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>", "x", "feed"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "a.txt", "html"),
        (b"<p>One.</p>\n<p>Two.</p>", "a.txt", "html"),
        (b'{"title": "a", "body": "b"}\n{"title": "c", "body": "d"}\n', "a.txt", "jsonl"),
        (b'[{"title": "a", "body": "b"}]', "a.txt", "jsonl"),
        (b"---\ntitle: T\n---\nBody\n", "a.txt", "markdown"),
        (b"# Title\n\nBody *text*.\n", "a", "markdown"),
        (b"Title\n\n- not a list really\n", "a.md", "markdown"),
        (b"Headline\nBody line one.\nBody line two.\n", "a.md", "text"),
        (b"Headline\n\nBody.\n", "a.txt", "text"),
        (b"Headline\n\nBody.\n", "a.html", "text"),
        (b"<b>bold</b> statement\n", "a.html", "html"),
    ],
)
def test_detect_format_by_content(data: bytes, name: str, expected: str) -> None:
    assert expected in FORMATS
    assert detect_format(data, name) == expected


# -- walking folders ---------------------------------------------------------------


def write(path: Path, data: bytes = STORY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def names(entries: list[Path | IngestError], root: Path) -> list[str]:
    out = []
    for entry in entries:
        if isinstance(entry, IngestError):
            out.append(f"error: {entry}")
        else:
            out.append(entry.relative_to(root).as_posix())
    return out


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "b.txt")
    write(root / "a" / "z.txt")
    write(root / "a" / "y" / "x.txt")
    write(root / "c.md")
    write(root / ".hidden.txt")
    write(root / ".git" / "config")
    write(root / "a" / ".cache" / "k.txt")
    entries = list(iter_input_files([root]))
    assert names(entries, root) == ["a/y/x.txt", "a/z.txt", "b.txt", "c.md"]


def test_files_are_yielded_once(tmp_path: Path) -> None:
    story = write(tmp_path / "in" / "story.txt")
    (tmp_path / "in" / "alias.txt").symlink_to(story)
    entries = list(iter_input_files([story, tmp_path / "in", story]))
    assert len(entries) == 1


def test_a_missing_path_is_an_error_and_the_rest_continues(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt")
    entries = list(iter_input_files([tmp_path / "nope.txt", story]))
    error, found = entries
    assert isinstance(error, IngestError)
    assert str(error) == f"{tmp_path / 'nope.txt'}: no such file or folder"
    assert error.reason == "no such file or folder"
    assert found == story


def test_a_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "sub" / "story.txt")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "sub", target_is_directory=True)
    entries = list(iter_input_files([root]))
    assert [e for e in entries if isinstance(e, IngestError)] == []
    assert [p.name for p in entries if isinstance(p, Path)] == ["story.txt"]


def test_symlinked_folders_are_followed(tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere" / "far.txt")
    root = tmp_path / "in"
    root.mkdir()
    (root / "link").symlink_to(outside.parent, target_is_directory=True)
    assert list(iter_input_files([root])) == [root / "link" / "far.txt"]


def test_a_broken_link_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    [entry] = list(iter_input_files([root]))
    assert isinstance(entry, IngestError)
    assert entry.path == str(root / "dangling.txt")


def test_an_unreadable_folder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "in"
    locked = root / "locked"
    write(locked / "story.txt")
    write(root / "open.txt")
    real_iterdir = Path.iterdir

    def refuse(self: Path) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", refuse)
    entries = list(iter_input_files([root]))
    errors = [e for e in entries if isinstance(e, IngestError)]
    assert [str(e) for e in errors] == [f"{locked}: cannot read the folder: Permission denied"]
    assert [p for p in entries if isinstance(p, Path)] == [root / "open.txt"]
