"""``coverage-reader statements [ARTICLE_ID] [--speaker NAME] [--json]``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers.cli import lines, run


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib")


def test_json_rows_and_speakers(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "statements", "--json")
    assert code == 0
    rows = lines(out)
    assert rows and all(
        {"article_id", "speaker", "verb", "text", "start", "end"} <= set(row) for row in rows
    )
    assert {row["speaker"] for row in rows} >= {"Vladimir Putin", "Xi Jinping", "Andrei Denisov"}
    # --speaker takes any spelling of the name table, or part of the name.
    for name in ("putin", "Путин", "Vladimir Putin"):
        code, out, _ = run(capsys, "--library", lib, "statements", "--speaker", name, "--json")
        assert {row["speaker"] for row in lines(out)} == {"Vladimir Putin"}, name
    code, out, _ = run(capsys, "--library", lib, "statements", "--speaker", "denisov", "--json")
    [ambassador] = lines(out)
    assert ambassador["verb"] == "said"
    assert str(ambassador["text"]).startswith("Mr Putin will be a key guest")


def test_one_article_and_the_text_form(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "list", "--json")
    ids = {row["date"][:4]: row["id"] for row in lines(out)}  # type: ignore[index]
    code, out, _ = run(capsys, "--library", lib, "statements", str(ids["2018"]), "--json")
    rows = lines(out)
    assert {row["article_id"] for row in rows} == {ids["2018"]}
    code, out, err = run(capsys, "--library", lib, "statements", str(ids["2018"]))
    assert code == 0 and err == f"{len(rows)} statements\n"
    assert out.splitlines()[0].split()[:3] == [str(ids["2018"]), "Vladimir", "Putin"]
    code, _, err = run(capsys, "--library", lib, "statements", "999")
    assert code == 1 and "no article with id 999" in err
