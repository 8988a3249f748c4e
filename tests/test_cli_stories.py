"""``coverage-reader stories [ARTICLE_ID] [--json]`` and ``compare A B [--json]``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.analysis.test_stories import OTHER_EVENT, OWN_WRITEUP, WIRE, WIRE_EDITED

from .helpers.cli import lines, run


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "gas.jsonl"
    rows = [("wire", "2024-11-05", "Reuters", WIRE), ("edited", "2024-11-05", "Daily Post",
            WIRE_EDITED), ("own", "2024-11-06", "Xinhua", OWN_WRITEUP),
            ("other", "2024-11-05", "AP", OTHER_EVENT)]  # fmt: skip
    path.write_text(
        "\n".join(
            json.dumps({"id": i, "date": d, "title": f"{src} story", "source": src, "body": b})
            for i, d, src, b in rows
        ),
        encoding="utf-8",
    )
    folder = str(tmp_path / "lib")
    code, _, _ = run(capsys, "--library", folder, "import", str(path))
    assert code == 0
    return folder


def test_stories_and_compare(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--library", lib, "stories", "--json")
    assert code == 0
    [story] = lines(out)
    assert story["sources"] == ["Daily Post", "Reuters", "Xinhua"]
    assert sorted(str(r) for r in story["relations"]) == ["copy", "event"]  # type: ignore[attr-defined]
    ids = story["article_ids"]
    assert isinstance(ids, list) and len(ids) == 3
    code, out, err = run(capsys, "--library", lib, "stories", str(ids[0]))
    assert code == 0 and err == "1 story\n" and "Xinhua: Xinhua story" in out
    # The seeds are not of it; an article of no story gives none.
    code, out, _ = run(capsys, "--library", lib, "list", "--json")
    others = [r["id"] for r in lines(out) if r["id"] not in ids]
    code, out, err = run(capsys, "--library", lib, "stories", str(others[0]))
    assert (code, out, err) == (0, "", "0 stories\n")

    links = story["links"]
    assert isinstance(links, list)
    copy = next(link for link in links if link["relation"] == "copy")
    pair = (str(copy["a"]), str(copy["b"]))
    code, out, _ = run(capsys, "--library", lib, "compare", *pair, "--json")
    rows = lines(out)
    assert {r["article_id"] for r in rows} == {copy["a"], copy["b"]}
    assert any(r["shared"] for r in rows) and any(not r["shared"] for r in rows)
    assert any(str(r["text"]).startswith("Energy analysts") and not r["shared"] for r in rows)
    code, out, _ = run(capsys, "--library", lib, "compare", *pair)
    assert out.startswith(f"== {copy['a']}: ") and "\n+ " in out and "\n= " in out
