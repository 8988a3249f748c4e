"""Two processes on one library: one changes it at a time (the library's lock), the
others read it beside that one, and a killed holder never leaves it locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reader.core.errors import CoverageReaderError, LibraryReadOnly
from reader.core.library import Library, LibraryInUse

from .test_library import WIRE_STORY

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def holder_process(library_path: Path, script: str) -> Iterator[subprocess.Popen[str]]:
    """A second process that opens the library as the window and runs ``script`` (with
    ``library`` open), printing 'ready' once it holds it; killed at the end."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from reader.core.library import Library
        library = Library.open(Path({str(library_path)!r}), program="the Coverage Reader window")
        print("ready", flush=True)
        """
    ) + textwrap.dedent(script)
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "ready\n", (line, proc.stderr.read() if proc.stderr else "")
        yield proc
    finally:
        proc.kill()
        proc.communicate(timeout=30)


def test_a_second_writer_is_told_who_holds_the_library(library_path: Path) -> None:
    with Library.open(library_path, program="the Coverage Reader window"):
        with pytest.raises(LibraryInUse) as caught:
            Library.open(library_path, program="the command 'coverage-reader import'")
        message = str(caught.value)
        assert str(library_path) in message
        assert "the Coverage Reader window" in message
        assert f"process {os.getpid()}" in message
    # Let go on close: the next one gets it.
    with Library.open(library_path) as again:
        assert again.article_count() == 2


def test_a_killed_holder_leaves_no_lock_behind(library_path: Path) -> None:
    Library.open(library_path).close()
    with holder_process(library_path, "time.sleep(60)") as proc:
        with pytest.raises(LibraryInUse, match=f"process {proc.pid}"):
            Library.open(library_path)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert (library_path / "library.lock").exists()  # the file stays; the lock does not
    with Library.open(library_path) as library:
        assert library.article_count() == 2
        assert library.check().ok


def test_a_writer_waits_for_a_short_holder(library_path: Path) -> None:
    Library.open(library_path).close()
    with holder_process(library_path, "time.sleep(0.5)\nlibrary.close()\ntime.sleep(60)"):
        with pytest.raises(LibraryInUse):
            Library.open(library_path)
        with Library.open(library_path, wait=20) as library:
            assert library.article_count() == 2


def test_reading_beside_a_process_that_imports(library_path: Path, tmp_path: Path) -> None:
    """The window imports while a read-only reader lists, searches and checks; the
    reader writes nothing and cannot change anything."""
    Library.open(library_path).close()
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(40):
        (folder / f"story{i:02}.txt").write_text(
            WIRE_STORY.replace("Siberian", f"Siberian Zubrowka{i}"), encoding="utf-8"
        )
    with holder_process(
        library_path,
        f"""
        sys.stdin.readline()
        library.import_paths([Path({str(folder)!r})])
        print("imported", flush=True)
        sys.stdin.readline()
        library.close()
        """,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        reader = Library.open_read_only(library_path, why="the window has it")
        with reader:
            assert reader.read_only == "the window has it"
            before = reader.article_count()
            assert before == 2
            assert len(reader.search("Putin").hits) == 2
            proc.stdin.write("go\n")
            proc.stdin.flush()
            seen = set()
            # Reading while the import runs: every answer is a consistent state.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                count = reader.article_count()
                assert 2 <= count <= 42
                seen.add(count)
                hits = reader.search("Siberian", limit=100).hits
                assert len(hits) <= count - 2
                if count == 42 and len(hits) == 40:
                    break
            else:
                raise AssertionError(f"the reader never saw the import: {sorted(seen)}")
            assert proc.stdout.readline() == "imported\n"
            assert len(reader.search("Zubrowka17").hits) == 1
            article = reader.get_article(reader.search("Zubrowka17").hits[0].article_id)
            with pytest.raises(LibraryReadOnly, match="the window has it"):
                reader.set_read(article.id)
            with pytest.raises(LibraryReadOnly):
                reader.add_highlight(article.id, 0, 6)
            with pytest.raises(LibraryReadOnly):
                reader.import_paths([folder])
            with pytest.raises(LibraryReadOnly):
                reader.check(repair=True)
        proc.stdin.write("done\n")
        proc.stdin.flush()
        assert proc.wait(timeout=30) == 0
    with Library.open(library_path) as library:
        assert library.article_count() == 42
        assert library.check().ok
        assert not any(a.is_read for a in library.list_articles())


def test_reading_a_library_whose_index_is_unusable_says_why(library_path: Path) -> None:
    Library.open(library_path).close()
    for file in (library_path / "index").iterdir():
        if file.suffix == ".toc":
            file.unlink()
    with Library.open_read_only(library_path) as reader:
        assert reader.article_count() == 2  # the list still works
        with pytest.raises(CoverageReaderError, match="searching is not possible"):
            reader.search("Putin")
        assert not reader.check().ok
    # Nothing was repaired behind the user's back: the writer finds the damage and fixes it.
    with Library.open(library_path) as library:
        assert any("rebuilt" in n for n in library.notices)
        assert len(library.search("Putin").hits) == 2
