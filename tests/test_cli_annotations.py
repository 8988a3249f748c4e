"""The annotation commands: highlight, highlights, export, import-annotations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reader.cli import main

from .helpers.cli import lines, run

XI_PUTIN = "Xi and Putin vow to enhance ties between China and Russia"


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib")


def article_id(capsys: pytest.CaptureFixture[str], lib: str, title: str) -> int:
    _, out, _ = run(capsys, "--library", lib, "list", "--json")
    [row] = [r for r in lines(out) if r["title"] == title]
    value = row["id"]
    assert isinstance(value, int)
    return value


def test_highlight_then_list_as_json(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    aid = article_id(capsys, lib, XI_PUTIN)
    code, out, _ = run(
        capsys, "--library", lib, "highlight", str(aid), "--quote", "President Xi",
        "--occurrence", "2", "--color", "blue", "--note", "second mention",
        "--tag", "people", "--tag", "xi", "--json",
    )  # fmt: skip
    assert code == 0
    [made] = lines(out)
    code, out, _ = run(capsys, "--library", lib, "highlights", str(aid), "--json")
    assert code == 0
    [row] = lines(out)
    assert row == made
    assert {"id", "article_id", "color", "quote", "note", "tags", "start", "end", "anchor",
            "confidence"} <= set(row)  # fmt: skip
    assert (row["article_id"], row["color"], row["quote"], row["note"], row["tags"]) == (
        aid, "blue", "President Xi", "second mention", ["people", "xi"],
    )  # fmt: skip
    assert (row["anchor"], row["confidence"]) == ("exact", 1.0)
    _, out, _ = run(capsys, "--library", lib, "show", str(aid), "--json")
    text = "\n\n".join(json.loads(out)["paragraphs"])
    start, end = row["start"], row["end"]
    assert isinstance(start, int) and isinstance(end, int)
    assert text[start:end] == "President Xi"
    assert text.count("President Xi", 0, start) == 1


def test_highlight_errors(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    aid = article_id(capsys, lib, XI_PUTIN)
    code, _, err = run(capsys, "--library", lib, "highlight", str(aid), "--quote", "zebra")
    assert code == 1 and "appears nowhere" in err
    with pytest.raises(SystemExit) as exc:
        main(["--library", lib, "highlight", str(aid), "--quote", "Putin", "--color", "red"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err
    code, _, err = run(capsys, "--library", lib, "highlight", "9999", "--quote", "Putin")
    assert code == 1 and "9999" in err


def test_search_says_when_a_note_matched(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    aid = article_id(capsys, lib, XI_PUTIN)
    run(capsys, "--library", lib, "highlight", str(aid), "--quote", "Vladivostok",
        "--note", "Ask about sanctions")  # fmt: skip
    code, out, _ = run(capsys, "--library", lib, "search", "sanctions", "--json")
    assert code == 0
    [row] = lines(out)
    assert row["id"] == aid and row["matched_in"] == ["note"]
    code, out, _ = run(capsys, "--library", lib, "search", "sanctions")
    assert "in your note" in out and "Note: Ask about [sanctions]" in out


def test_export_and_import_round_trip(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    aid = article_id(capsys, lib, XI_PUTIN)
    run(capsys, "--library", lib, "highlight", str(aid), "--quote", "Vladivostok", "--note", "n")
    out_file = tmp_path / "out" / "notes.json"
    out_file.parent.mkdir()
    code, out, _ = run(capsys, "--library", lib, "export", "--format", "json", "--out",
                       str(out_file))  # fmt: skip
    assert code == 0 and out == ""
    assert json.loads(out_file.read_text(encoding="utf-8"))["total"] == 1

    other = str(tmp_path / "other")
    code, out, _ = run(capsys, "--library", other, "import-annotations", str(out_file), "--json")
    assert code == 0
    assert json.loads(out) == {"imported": 1, "duplicates": 0, "orphans": []}
    code, out, _ = run(capsys, "--library", other, "import-annotations", str(out_file))
    assert "imported 0, duplicates 1, orphans 0" in out

    code, out, _ = run(
        capsys, "--library", lib, "export", "--format", "csv", "--query", "date:2018"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["quote"] for r in rows] == ["Vladivostok"]
    code, out, _ = run(capsys, "--library", lib, "export", "--format", "markdown")
    assert "> Vladivostok" in out


def test_import_annotations_reports_a_bad_file(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("[1, 2", encoding="utf-8")
    code, _, err = run(capsys, "--library", lib, "import-annotations", str(bad))
    assert code == 1 and "broken.json" in err


def test_orphans_are_listed(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    aid = article_id(capsys, lib, XI_PUTIN)
    run(capsys, "--library", lib, "highlight", str(aid), "--quote", "Vladivostok")
    code, out, _ = run(capsys, "--library", lib, "highlights", "--orphans", "--json")
    assert code == 0 and out == ""
    code, out, _ = run(capsys, "--library", lib, "highlights")
    assert "“Vladivostok”" in out
