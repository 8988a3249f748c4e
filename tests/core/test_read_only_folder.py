"""A library in a folder its user cannot write (issue 7), tested for real even as root.

Root ignores permission bits, so as root the command line runs in a forked child that
has given up root (user and group 65534, "nobody") before it does anything; as another
user, ``chmod`` alone protects the folder. (The child is forked, not executed: the
interpreter may live where user 65534 cannot reach it, such as under ``/root``; every
module the commands need is loaded before the fork.)

Reading commands work on the read-only library (and change nothing: every file keeps
its bytes and times, and no file appears); changing commands say "read-only" and exit
1; a library that cannot be created says so. Never a traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.library import Library

from ..conftest import SEEDS

NOBODY = 65534
ROOT = os.geteuid() == 0
WORD = "marrowfen"

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or not hasattr(os, "geteuid"), reason="needs POSIX fork and users"
)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder user 65534 can reach (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(dir="/tmp", prefix="reader-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def make_library(path: Path, tmp_path: Path) -> dict[str, int]:
    """The seeds, one more article and a highlight with a note; returns their ids."""
    story = tmp_path / "story.txt"
    story.write_text(f"A council story\n\nThe {WORD} bridge was opened today.\n", "utf-8")
    with Library.open(path) as library:
        (article,) = library.import_paths([story]).article_ids
        highlight = library.highlight_quote(article, "bridge", note="read me later")
        # Load, in this process, what the commands use (the forked child may not be
        # able to read the interpreter's files to import them).
        library.search(WORD)
        library.check()
    return {"article": article, "highlight": highlight.id}


def make_read_only(folder: Path) -> None:
    """Give the folder to user 65534 (when root) and take write permission away."""
    paths = [folder, *folder.rglob("*")]
    if ROOT:
        for path in paths:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    for path in sorted(paths, key=lambda p: len(p.parts), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)


def state(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under ``folder``: its hash, size and modification time."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_size,
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(*args: str) -> tuple[int, str, str]:
    """``coverage-reader ARGS`` in a forked child that cannot write the folder (as root:
    it becomes user 65534 first). Exit code 77 from the child means this user cannot be
    kept from writing (skipped)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 70
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
                sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
                if ROOT:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                library = Path(args[args.index("--library") + 1])
                existing = library if library.exists() else library.parent
                if existing.exists() and os.access(existing, os.W_OK):
                    code = 77
                else:
                    code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
            except BaseException:
                traceback.print_exc()
                code = 99
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        _pid, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code == 77:
        pytest.skip("this user can write a folder without write permission (capabilities?)")
    return code, stdout, stderr


def test_a_read_only_library_can_be_read_and_is_never_changed(shared: Path, tmp_path: Path) -> None:
    path = shared / "library"
    ids = make_library(path, tmp_path)
    make_read_only(shared)
    before = state(path)
    assert {"library.sqlite", "library.lock"} <= set(before)

    code, out, err = run("--library", str(path), "list", "--json")
    assert code == 0, err
    listed = {row["id"] for row in map(json.loads, out.splitlines())}
    assert ids["article"] in listed and len(listed) == 3
    assert "Traceback" not in err

    code, out, err = run("--library", str(path), "search", WORD, "--json")
    assert code == 0, err
    assert [row["id"] for row in map(json.loads, out.splitlines())] == [ids["article"]]
    assert "Traceback" not in err

    code, out, err = run("--library", str(path), "highlights", "--json")
    assert code == 0, err
    (highlight,) = map(json.loads, out.splitlines())
    assert highlight["note"] == "read me later" and highlight["id"] == ids["highlight"]

    code, out, err = run("--library", str(path), "check")
    assert code == 0, (out, err)
    assert "ok" in out.splitlines()

    for change in (
        ("import", str(SEEDS)),
        ("highlight", str(ids["article"]), "--quote", "council"),
        ("check", "--repair"),
    ):
        code, out, err = run("--library", str(path), *change)
        assert code == 1, (change, out, err)
        assert "read-only" in err, (change, err)
        assert "Traceback" not in err, (change, err)

    assert state(path) == before, "a file in the read-only library changed or appeared"


@pytest.mark.parametrize("shm", [True, False], ids=["with its -shm", "without its -shm"])
def test_a_read_only_copy_of_a_library_that_was_not_closed(
    shared: Path, tmp_path: Path, shm: bool
) -> None:
    """A library copied (or mounted read-only) after a crash: its write-ahead log holds
    the last changes. With the log's index (``-shm``) they are read; without it SQLite
    cannot read the log in a read-only folder: the library is read as it was before
    them, and a note says so. Nothing is written either way."""
    path = shared / "library"
    ids = make_library(path, tmp_path)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child dies holding the library open
        code = 1
        try:
            library = Library.open(path)
            library.edit_note(ids["highlight"], "changed just before the crash")
            code = 0
        finally:
            os._exit(code)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert (path / "library.sqlite-wal").stat().st_size > 0
    if not shm:
        (path / "library.sqlite-shm").unlink()
    make_read_only(shared)
    before = state(path)
    code, out, err = run("--library", str(path), "highlights", "--json")
    assert code == 0, err
    (highlight,) = map(json.loads, out.splitlines())
    if shm:
        assert highlight["note"] == "changed just before the crash"
        assert "cannot be read now" not in err
    else:
        assert highlight["note"] == "read me later"
        assert "note: The last changes made to this library cannot be read now" in err
    assert state(path) == before


@pytest.mark.parametrize("depth", [1, 3], ids=["in it", "folders below it"])
@pytest.mark.parametrize("command", [("list",), ("import", str(SEEDS))], ids=["list", "import"])
def test_a_library_that_cannot_be_created_says_so(
    shared: Path, depth: int, command: tuple[str, ...]
) -> None:
    parent = shared / "parent"
    parent.mkdir()
    make_read_only(shared)
    path = parent.joinpath(*(f"level{n}" for n in range(depth - 1)), "library")
    code, out, err = run("--library", str(path), *command)
    assert code == 1, (out, err)
    assert "Traceback" not in err, err
    assert "cannot create the library folder" in err and "Permission denied" in err, err
    assert not (parent / "library").exists() and not (parent / "level0").exists()
    assert stat.S_IMODE(parent.stat().st_mode) == 0o555
