"""The command line contract: commands, JSON output, exit codes, progress, Ctrl+C."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main

from .conftest import SEEDS
from .helpers.cli import lines, run

GOOD = "Gas deal signed\n\nMOSCOW (Reuters) - Russia and China signed a gas deal.\n"


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib")


def test_list_json_on_the_seeds(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "list", "--json")
    assert code == 0
    rows = lines(out)
    assert len(rows) == 2
    for row in rows:
        assert {"id", "title", "date", "source", "dateline", "language", "url"} <= set(row)
    by_date = {row["date"]: row for row in rows}
    assert set(by_date) == {"2019-01-02", "2018-09-14T21:09"}
    assert by_date["2019-01-02"]["source"] == "China Daily/Asia News Network"
    assert by_date["2019-01-02"]["dateline"] == "BEIJING"
    assert by_date["2018-09-14T21:09"]["source"] is None
    assert by_date["2018-09-14T21:09"]["title"] == (
        "Xi and Putin vow to enhance ties between China and Russia"
    )


def test_show_json_has_paragraphs(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    _, out, _ = run(capsys, "--library", lib, "list", "--json")
    newest = lines(out)[0]
    code, out, _ = run(capsys, "--library", lib, "show", str(newest["id"]), "--json")
    assert code == 0
    [article] = lines(out)
    assert article["id"] == newest["id"]
    assert isinstance(article["paragraphs"], list) and len(article["paragraphs"]) == 10
    assert str(article["paragraphs"][0]).startswith("Chinese President Xi Jinping")


def test_show_text_and_missing_article(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    _, out, _ = run(capsys, "--library", lib, "list", "--json")
    oldest = lines(out)[1]
    code, out, _ = run(capsys, "--library", lib, "show", str(oldest["id"]))
    assert code == 0
    assert out.startswith("Xi and Putin vow to enhance ties between China and Russia\n")
    assert "2018-09-14 21:09" in out
    code, _, err = run(capsys, "--library", lib, "show", "9999")
    assert code == 1
    assert "no article with id 9999" in err


def test_search_json(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "search", "Putin Vladivostok", "--json")
    assert code == 0
    [hit] = lines(out)
    assert hit["title"] == "Xi and Putin vow to enhance ties between China and Russia"
    assert isinstance(hit["score"], float) and hit["score"] > 0
    assert "<mark>" in str(hit["snippet"])
    assert {"id", "date", "source", "dateline", "language", "url"} <= set(hit)


def test_search_sort_by_date_and_limit(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "search", "Putin", "--sort", "date", "--json")
    assert code == 0
    assert [row["date"] for row in lines(out)] == ["2019-01-02", "2018-09-14T21:09"]
    _, out, _ = run(capsys, "--library", lib, "search", "Putin", "--limit", "1", "--json")
    assert len(lines(out)) == 1


def test_search_text_output_and_did_you_mean(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, err = run(capsys, "--library", lib, "search", "Vladivostock")
    assert code == 0
    assert "Did you mean" in err and "vladivostok" in err.lower()
    code, out, _ = run(capsys, "--library", lib, "search", "Vladivostok")
    assert "1 result" in out and "[Vladivostok]" in out


def test_import_json_counts_and_failures(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"")
    code, out, _ = run(capsys, "--library", lib, "import", str(folder), str(SEEDS), "--json")
    assert code == 1
    [summary] = lines(out)
    assert summary["imported"] == 1
    assert summary["updated"] == 0
    assert summary["duplicates"] == 2  # the seeds were imported when the library was made
    failures = summary["failed"]
    assert isinstance(failures, list) and len(failures) == 1
    [failure] = failures
    assert failure["path"].endswith("broken.txt") and failure["reason"]
    code, out, _ = run(capsys, "--library", lib, "import", str(folder / "good.txt"), "--json")
    assert code == 0
    assert lines(out)[0]["duplicates"] == 1


def test_import_of_a_missing_path(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "--library", lib, "import", str(tmp_path / "nope.txt"))
    assert code == 1
    assert "nope.txt: no such file or folder" in err


@pytest.mark.parametrize(
    "args",
    [
        ["import"],
        ["search"],
        ["list", "--sort", "colour"],
        ["search", "x", "--limit", "0"],
        ["show", "abc"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], lib: str, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--library", lib, *args])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"coverage-reader {__version__}"


def test_library_option_after_the_command(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "list", "--library", lib, "--json")
    assert code == 0 and len(lines(out)) == 2
    assert (Path(lib) / "library.sqlite").exists()


def test_check_and_repair(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "check")
    assert (code, out.splitlines()[-1]) == (0, "ok")
    # Lose an index update behind the library's back: the store changes, the queue row goes.
    db = sqlite3.connect(Path(lib) / "library.sqlite")
    db.execute("UPDATE article_versions SET content_hash = 'x' WHERE id = 1")
    db.commit()
    db.close()
    code, out, _ = run(capsys, "--library", lib, "check")
    assert code == 1
    assert "old version" in out
    code, out, _ = run(capsys, "--library", lib, "check", "--repair")
    assert code == 0
    assert "repaired" in out
    assert run(capsys, "--library", lib, "check")[0] == 0


# -- the real executable -------------------------------------------------------------


def cli_env(library: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["COVERAGE_READER_LIBRARY"] = str(library)
    return env


def test_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("coverage-reader")
    proc = subprocess.run(
        [str(exe), "search", "date:2019", "--json"],
        env=cli_env(tmp_path / "lib"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    [row] = lines(proc.stdout)
    assert row["date"] == "2019-01-02"


def make_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"story{i:05}.txt").write_text(
            f"Story number {i}\n\nBEIJING - Officials met for round {i} of talks on trade.\n",
            encoding="utf-8",
        )


def test_terminal_import_shows_progress(tmp_path: Path) -> None:
    make_corpus(tmp_path / "in", 40)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "import", str(tmp_path / "in")],
        env=cli_env(tmp_path / "lib"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
    )
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=60)
    os.close(primary)
    assert proc.returncode == 0
    text = seen.decode("utf-8", "replace")
    assert "40/40" in text
    assert "articles" in text and "/s" in text
    assert b"imported 40" in out


def test_ctrl_c_stops_an_import_without_damage(tmp_path: Path) -> None:
    make_corpus(tmp_path / "in", 3000)
    library = tmp_path / "lib"
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "import", str(tmp_path / "in"), "--json"],
        env=cli_env(library),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until the import is under way (files logged), then press Ctrl+C.
    deadline = time.monotonic() + 120
    logged = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            db = sqlite3.connect(f"file:{library / 'library.sqlite'}?mode=ro", uri=True)
            logged = db.execute(
                "SELECT COUNT(*) FROM import_files WHERE path LIKE '%story%'"
            ).fetchone()[0]
            db.close()
        except sqlite3.Error:
            continue
        if logged >= 20:
            break
    assert logged >= 20 and proc.poll() is None, (
        "the import finished before it could be interrupted"
    )
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    summary = json.loads(out)
    assert summary["cancelled"] is True
    assert 20 <= summary["imported"] < 3000
    check = subprocess.run(
        [sys.executable, "-m", "reader", "check"],
        env=cli_env(library),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout
    count = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--json"],
        env=cli_env(library),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(count.stdout.splitlines()) == summary["imported"] + 2  # plus the seeds
