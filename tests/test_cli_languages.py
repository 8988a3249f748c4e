"""The command line for languages and name spellings: ``list --lang``, ``language``,
``search --all-spellings``, ``alias:`` and ``aliases``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .core.search.test_languages import RU, ZH
from .helpers.cli import lines, run


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    library = str(tmp_path / "lib")
    (tmp_path / "ru.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "zh.txt").write_text(ZH, encoding="utf-8")
    code, _, _ = run(
        capsys, "--library", library, "import", str(tmp_path / "ru.txt"), str(tmp_path / "zh.txt")
    )
    assert code == 0
    return library


def _ids_by_language(capsys: pytest.CaptureFixture[str], lib: str) -> dict[object, object]:
    _, out, _ = run(capsys, "--library", lib, "list", "--json")
    return {row["language"]: row["id"] for row in lines(out)}


def test_list_by_language_and_correct_it(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    ids = _ids_by_language(capsys, lib)
    assert set(ids) == {"en", "ru", "zh"}  # the two seeds are English
    code, out, _ = run(capsys, "--library", lib, "list", "--lang", "zh-CN", "--json")
    assert code == 0 and [row["id"] for row in lines(out)] == [ids["zh"]]
    code, out, _ = run(capsys, "--library", lib, "language", str(ids["ru"]))
    assert (code, out) == (0, "ru\n")
    code, out, _ = run(capsys, "--library", lib, "language", str(ids["ru"]), "uk")
    assert (code, out) == (0, "uk\n")
    code, out, _ = run(capsys, "--library", lib, "search", "lang:uk", "--json")
    assert [row["id"] for row in lines(out)] == [ids["ru"]]
    code, out, _ = run(capsys, "--library", lib, "language", str(ids["ru"]), "--detect")
    assert (code, out) == (0, "ru\n")
    code, _, err = run(capsys, "--library", lib, "language", str(ids["ru"]), "not a code")
    assert code == 1 and "not a language code" in err
    code, _, err = run(capsys, "--library", lib, "language", str(ids["ru"]), "ru", "--detect")
    assert code == 2 and "not both" in err


def test_all_spellings_and_alias_queries(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    ids = _ids_by_language(capsys, lib)
    _, out, _ = run(capsys, "--library", lib, "list", "--lang", "en", "--json")
    english = {row["id"] for row in lines(out)}
    code, out, _ = run(capsys, "--library", lib, "search", "Putin", "--json")
    assert {row["id"] for row in lines(out)} == english
    code, out, err = run(capsys, "--library", lib, "search", "Putin", "--all-spellings", "--json")
    assert code == 0
    assert {row["id"] for row in lines(out)} == english | {ids["ru"], ids["zh"]}
    assert "Путин" in err and "普京" in err  # the notice says what was searched
    code, out, _ = run(capsys, "--library", lib, "search", "alias:xi", "lang:zh", "--json")
    assert [row["id"] for row in lines(out)] == [ids["zh"]]
    code, _, err = run(capsys, "--library", lib, "search", "alias:nobody")
    assert code == 2 and "no name group" in err


def test_the_alias_table_can_be_listed_and_extended(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, out, _ = run(capsys, "--library", lib, "aliases", "--json")
    groups = {row["key"]: row for row in lines(out)}
    assert code == 0 and len(groups) >= 40
    putin = groups["putin"]
    assert putin["kind"] == "person"
    assert isinstance(putin["names"], list) and "Путин" in putin["names"]
    code, out, _ = run(
        capsys, "--library", lib, "aliases", "--add", "pipeline", "газопровод", "--kind", "place"
    )
    assert code == 0 and out == "pipeline (place): газопровод\n"
    code, out, _ = run(capsys, "--library", lib, "search", "alias:pipeline", "--json")
    assert len(lines(out)) == 1
    code, out, _ = run(capsys, "--library", lib, "aliases", "--remove", "putin", "普京", "--json")
    [row] = lines(out)
    assert row["removed"] == ["普京"]
    assert isinstance(row["names"], list) and "普京" not in row["names"]
    code, _, err = run(capsys, "--library", lib, "aliases", "--remove", "putin", "Nobody")
    assert code == 1 and "has no name" in err
    code, _, err = run(capsys, "--library", lib, "aliases", "nobody")
    assert code == 1 and "no name group" in err


def test_list_columns_line_up_with_chinese_sources(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A source in Chinese takes two terminal cells a character: the titles after it
    still start in the same column as those after a Latin source."""
    library = str(tmp_path / "wide")
    feed = tmp_path / "feed.xml"
    body = "国家主席习近平在符拉迪沃斯托克会见俄罗斯总统普京。" * 3
    feed.write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        "<title>新华社新华社新华社新华社新华社新华社</title><item><title>习近平会见普京</title>"
        f"<link>https://example.cn/1</link><description>{body}</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    code, _, _ = run(capsys, "--library", library, "import", str(feed))
    assert code == 0
    code, out, _ = run(capsys, "--library", library, "list")
    wide = next(row for row in out.splitlines() if row.endswith("习近平会见普京"))
    latin = next(row for row in out.splitlines() if "China Daily" in row)
    assert "新华社新华社" in wide

    def cells(text: str) -> int:
        return sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in text)

    assert cells(wide[: wide.index("习近平会见普京")]) == cells(latin[: latin.index("Chinese")])
