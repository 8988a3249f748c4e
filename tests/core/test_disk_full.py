"""A full disk (issue 7): a clear error, and no half-written state.

A child process opens a library and is then limited in how large a file it may write
(``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored: a write past the limit fails with EFBIG, as
one on a full disk fails with ENOSPC). It imports two hundred files of 20 KB and adds
highlights with long notes until writing fails. Afterwards, without the limit: the
database passes ``PRAGMA integrity_check``; everything that was there before is
unchanged; every article and highlight the child was told is saved is there whole, and
nothing the child was told failed is there at all; the library opens, its check passes,
and searches find exactly what the store holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core import ingest
from reader.core.library import Library

ROOT = Path(__file__).resolve().parents[2]
FILES = 200
#: Room the child has beyond the largest file of the library (each file is ~20 KB: the
#: database fills up after a few dozen of them).
ROOM = 600_000

pytestmark = pytest.mark.skipif(
    not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE (POSIX)"
)


def word(number: int) -> str:
    """A made-up word of letters only, different for each number ("zqbax" …)."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += chr(ord("a") + digit)
        if not number:
            break
    return f"zq{letters}xv"


def make_files(folder: Path) -> None:
    folder.mkdir()
    filler = " ".join(f"w{(i * 7919) % 100_003}" for i in range(2_600))  # ~20 KB
    for number in range(FILES):
        text = f"Report {number}\n\nThe {word(number)} report begins here. {filler}\n"
        (folder / f"{number:03}.txt").write_text(text, encoding="utf-8")


#: Rows of the user's data (highlights.note and articles' texts are whole rows).
USER_TABLES = ("articles", "article_versions", "highlights", "highlight_tags", "article_tags")


def rows(path: Path) -> dict[str, set[tuple[object, ...]]]:
    uri = f"{(path / 'library.sqlite').as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return {t: set(db.execute(f"SELECT * FROM {t}")) for t in USER_TABLES}


def integrity(path: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path / "library.sqlite")) as db:
        return (
            db.execute("PRAGMA integrity_check").fetchall()
            + db.execute("PRAGMA foreign_key_check").fetchall()
        )


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A library with the seeds, a highlight with a note, and the files to import."""
    path = tmp_path / "library"
    with Library.open(path) as library:
        (first, *_rest) = [a.id for a in library.list_articles()]
        library.highlight_quote(first, "the", note="kept before the disk filled up")
    docs = tmp_path / "docs"
    make_files(docs)
    return path, docs


def largest_file(path: Path) -> int:
    return max(p.stat().st_size for p in path.rglob("*") if p.is_file())


def limit_writes(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not death, past the limit
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


#: The child: opens the library, loads the language model (it unpacks into a temporary
#: file of 68 MB: past any limit here), limits itself, imports, then adds highlights
#: until a write fails. Prints what it was told, as JSON.
CHILD = r"""
import json, resource, signal, sys, traceback
from pathlib import Path
from reader.core.errors import CoverageReaderError
from reader.core.library import ImportStopped, Library

path, docs, room = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
try:
    from reader.core.ingest import language
    language.decide(None, ["Some words of English to load the model before the limit."])
except (ImportError, AttributeError):
    pass
out = {"import": None, "highlights": []}
with Library.open(path) as library:
    limit = max(p.stat().st_size for p in path.rglob("*") if p.is_file()) + room
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    if docs.exists():
        try:
            report = library.import_paths([docs])
            out["import"] = {"ids": report.article_ids, "stopped": None,
                             "index_error": report.index_error}
        except ImportStopped as exc:
            out["import"] = {"ids": exc.report.article_ids, "stopped": str(exc),
                             "index_error": exc.report.index_error}
    target = library.list_articles()[0].id
    for attempt in range(300):
        note = f"attempt{attempt} " + "long note " * 8000
        try:
            h = library.highlight_quote(target, "the", occurrence=1 + attempt % 3, note=note)
            out["highlights"].append({"attempt": attempt, "id": h.id})
        except CoverageReaderError as exc:  # anything else fails the test (a traceback)
            out["highlights"].append({"attempt": attempt, "error": str(exc),
                                      "type": type(exc).__name__})
            if "could not be saved" in str(exc):
                break
# Opened again with the disk still full: it opens (to read it, to make room).
try:
    with Library.open(path) as again:
        out["reopened"] = {"notices": again.notices, "articles": again.article_count()}
except CoverageReaderError as exc:
    out["reopened"] = {"error": str(exc)}
print(json.dumps(out))
"""


@pytest.mark.parametrize(
    ("what", "room"),
    [
        # The database and the index both meet the limit during the import.
        ("import", 200_000),
        # The database meets it a few dozen files in.
        ("import", 2_000_000),
        # No import: highlights with 80 KB notes, until one cannot be saved.
        ("highlights", 1_000_000),
    ],
    ids=["import, small room", "import", "highlights"],
)
def test_a_full_disk_stops_the_import_and_the_edits_cleanly(
    setup: tuple[Path, Path], what: str, room: int
) -> None:
    path, docs = setup
    if what != "import":
        shutil.rmtree(docs)
    before = rows(path)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(docs), str(room)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    told = json.loads(done.stdout.splitlines()[-1])

    imported: list[int] = []
    if what == "import":
        # The import stopped with a message that names the cause, and kept what it said.
        stopped = told["import"]["stopped"]
        assert stopped is not None, "the limit should have stopped the import"
        assert "the import stopped at" in stopped
        assert "larger than the system allows" in stopped or "disk" in stopped, stopped
        imported = told["import"]["ids"]
        assert 0 < len(imported) < FILES
    # The edits: every one told it was saved is saved; the one told it was not, is not.
    attempts = told["highlights"]
    assert attempts and "error" in attempts[-1], "writing should have failed in the end"
    if what == "highlights":
        assert len(attempts) > 2, "some highlights should have been saved first"
    assert "could not be saved" in attempts[-1]["error"]
    assert attempts[-1]["type"] == "WriteFailed"

    reopened = told["reopened"]
    assert "error" not in reopened, reopened
    assert reopened["articles"] == len(before["articles"]) + len(imported)
    if what == "import" and told["import"]["index_error"]:
        assert any("could not be brought up to date" in n for n in reopened["notices"])

    assert integrity(path) == [("ok",)]
    after = rows(path)
    for table, old in before.items():
        assert old <= after[table], f"{table}: rows that were there changed or went"

    with Library.open(path) as library:
        # Each imported article is whole: the text the file holds, every paragraph.
        articles = {a.id: a for a in library.get_articles(imported)}
        assert sorted(articles) == sorted(imported)
        for article in articles.values():
            assert article.origin is not None
            origin = Path(article.origin)
            (parsed,) = ingest.parse_bytes(origin.read_bytes(), str(origin)).articles
            assert article.paragraphs == parsed.paragraphs
            assert article.title == parsed.title
        # Nothing else was added: not a piece of the file it stopped at.
        assert library.article_count() == len(before["articles"]) + len(imported)
        stored_origins = {a.origin for a in library.get_articles(imported)}
        assert all(str(docs / f"{n:03}.txt") in stored_origins for n in range(len(imported)))

        notes = {h.note.split(" ", 1)[0]: h for h in library.highlights()}
        for attempt in attempts:
            marker = f"attempt{attempt['attempt']}"
            if "id" in attempt or "is saved in the library" in attempt.get("error", ""):
                assert marker in notes, f"{marker} was saved, the child was told"
                assert notes[marker].note == f"{marker} " + "long note " * 8000
            else:
                assert marker not in notes, f"{marker} failed, yet it is in the library"

        assert library.check().ok, library.check().problems
        assert_search_agrees(library, imported)


def assert_search_agrees(library: Library, imported: list[int]) -> None:
    """Each file's own word finds its article if it was imported, and nothing if not."""
    by_word = {}
    for article in library.get_articles(imported):
        assert article.origin is not None
        by_word[word(int(Path(article.origin).stem))] = article.id
    for number in range(FILES):
        hits = [h.article_id for h in library.search(word(number)).hits]
        expected = [by_word[word(number)]] if word(number) in by_word else []
        assert hits == expected, word(number)
    page = library.search("zq*", limit=1000)
    assert sorted(h.article_id for h in page.hits) == sorted(imported)


@pytest.mark.parametrize("warm", [True, False], ids=["model loaded", "console script"])
def test_the_command_line_says_the_disk_is_full_without_a_traceback(
    setup: tuple[Path, Path], warm: bool
) -> None:
    """``coverage-reader import`` under the limit: exit code 1, the reason in one line,
    the JSON summary of what was kept. ``warm`` runs it as ``python -c`` with the
    language model loaded first (so the library's files meet the limit); the console
    script itself meets it when it loads the model, at the first file."""
    path, docs = setup
    before = rows(path)
    limit = largest_file(path) + ROOM
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    args = ["--library", str(path), "import", str(docs), "--json"]
    if warm:
        script = (
            "import resource, signal, sys\n"
            "try:\n"
            "    from reader.core.ingest import language\n"
            "    language.decide(None, ['Some words of English to load the model first.'])\n"
            "except (ImportError, AttributeError):\n"
            "    pass\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
            "from reader.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n"
        )
        command = [sys.executable, "-c", script, *args]
        preexec = None
    else:
        found = shutil.which("coverage-reader", path=str(Path(sys.executable).parent))
        if found is None:
            pytest.skip("the coverage-reader console script is not installed")
        command = [found, *args]
        preexec = limit_writes(limit)
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        preexec_fn=preexec,
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-3000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("coverage-reader:")]
    assert len(errors) == 1, done.stderr
    assert "the import stopped at" in errors[0]
    assert "larger than the system allows" in errors[0] or "disk" in errors[0]
    summary = json.loads(done.stdout)
    assert summary["stopped"] == errors[0].removeprefix("coverage-reader: ")
    kept = summary["imported"]
    if warm:
        assert 0 < kept < FILES

    assert integrity(path) == [("ok",)]
    after = rows(path)
    for table, old in before.items():
        assert old <= after[table], table
    assert len(after["articles"]) == len(before["articles"]) + kept
    with Library.open(path) as library:
        new = sorted({int(str(r[0])) for r in after["articles"] - before["articles"]})
        for article in library.get_articles(new):
            assert article.origin is not None
            origin = Path(article.origin)
            (parsed,) = ingest.parse_bytes(origin.read_bytes(), str(origin)).articles
            assert article.paragraphs == parsed.paragraphs
        assert library.check().ok, library.check().problems
        assert_search_agrees(library, new)


def test_a_disk_with_no_room_at_all_still_lets_the_library_be_read(
    setup: tuple[Path, Path],
) -> None:
    """Not a byte can be written (SQLite cannot even make the files it reads a library
    through): reading commands work all the same, from the files as they were closed;
    changing commands say why they cannot. Nothing changes."""
    path, docs = setup
    before = rows(path)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys\nfrom reader.cli import main\nsys.exit(main(sys.argv[1:]))",
                "--library",
                str(path),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            preexec_fn=limit_writes(1),
        )

    listed = cli("list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == len(before["articles"])
    found = cli("search", "Putin", "--json")
    assert found.returncode == 0, found.stderr
    assert len(found.stdout.splitlines()) == 2
    for change in (("import", str(docs)), ("highlight", "1", "--quote", "the")):
        done = cli(*change)
        assert done.returncode == 1, (change, done.stderr)
        assert "Traceback" not in done.stderr
        assert "cannot be opened to change it" in done.stderr, done.stderr
        assert "disk" in done.stderr or "larger than the system allows" in done.stderr

    assert integrity(path) == [("ok",)]
    assert rows(path) == before
    with Library.open(path) as library:
        assert library.check().ok
