"""``coverage-reader entities [ARTICLE_ID] [--kind K] [--query Q] [--limit N] [--json]``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers.cli import lines, run


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib")


def test_facets_as_json(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "entities", "--json")
    assert code == 0
    rows = {f"{r['kind']}:{r['key']}": r for r in lines(out)}
    assert rows["person:putin"]["articles"] == 2
    assert rows["person:putin"]["name"] == "Vladimir Putin"
    assert rows["person:putin"]["query"] == "person:putin"
    assert rows["place:vladivostok"]["articles"] == 1
    # The query each row gives finds exactly its articles.
    code, out, _ = run(capsys, "--library", lib, "search", "place:vladivostok", "--json")
    assert len(lines(out)) == 1
    code, out, _ = run(capsys, "--library", lib, "entities", "--kind", "place", "--json")
    assert {r["kind"] for r in lines(out)} == {"place"}
    code, out, _ = run(capsys, "--library", lib, "entities", "--limit", "3", "--json")
    assert len(lines(out)) == 3


def test_one_article_and_a_search(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "list", "--json")
    ids = {row["date"][:4]: row["id"] for row in lines(out)}  # type: ignore[index]
    code, out, _ = run(capsys, "--library", lib, "entities", str(ids["2019"]), "--json")
    mentions = {r["key"]: r["mentions"] for r in lines(out)}
    assert mentions["denisov"] == 1 and int(str(mentions["xi"])) > 1
    code, out, _ = run(capsys, "--library", lib, "entities", "--query", "Vladivostok", "--json")
    keys = {r["key"] for r in lines(out)}
    assert "vladivostok" in keys and "denisov" not in keys
    code, out, err = run(capsys, "--library", lib, "entities", "--kind", "person")
    assert code == 0 and "Vladimir Putin" in out and "person:putin" in out
    people = [line for line in out.splitlines() if line.strip()]
    assert err == f"{len(people)} named; the count is of articles\n"
    code, _, err = run(capsys, "--library", lib, "entities", "1", "--query", "x")
    assert code == 2 and "not both" in err
