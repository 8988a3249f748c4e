"""Name spellings across languages: ``alias:putin``, "all spellings", the shipped table
and the user's own additions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.errors import LibraryError, QueryError
from reader.core.library import Library
from reader.core.resources import resource_path
from reader.core.search.aliases import AliasTable, UserAlias, load_shipped

from .test_languages import EN, RU, ZH, _found, _ids, _write


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    files = tmp_path / "in"
    files.mkdir()
    with Library.open(tmp_path / "lib", import_seeds=False) as library:
        library.import_paths(
            [_write(files, "ru.txt", RU), _write(files, "zh.txt", ZH), _write(files, "en.txt", EN)]
        )
        yield library


def test_the_shipped_table_is_sound() -> None:
    table = load_shipped(resource_path("resources/aliases.yaml"))
    assert len(table) >= 40
    for key in ("xi", "putin", "lavrov", "wang-yi", "moscow", "beijing", "sco", "brics", "un"):
        group = table[key]
        scripts = {
            "latin": any(n.isascii() for n in group.names),
            "cyrillic": any("\u0400" <= ch <= "\u04ff" for n in group.names for ch in n),
            "han": any("\u4e00" <= ch <= "\u9fff" for n in group.names for ch in n),
        }
        assert all(scripts.values()), (key, scripts)
    kinds = {g.kind for g in table.values()}
    assert kinds == {"person", "place", "organisation"}
    # No name belongs to two groups: "all spellings" must know which one it means.
    owners: dict[str, str] = {}
    for group in table.values():
        for name in group.names:
            assert owners.setdefault(name.lower(), group.key) == group.key, name


def test_alias_queries_find_every_spelling(lib: Library) -> None:
    ids = _ids(lib)
    assert _found(lib, "alias:putin") == set(ids.values())
    assert _found(lib, "alias:PUTIN") == set(ids.values())
    assert _found(lib, "alias:lavrov") == {ids["zh"]}  # 拉夫罗夫
    assert _found(lib, "alias:vladivostok") == {ids["ru"], ids["zh"]}
    assert _found(lib, "alias:putin lang:ru") == {ids["ru"]}
    assert _found(lib, "alias:sco") == {ids["zh"]}  # 上海合作组织
    with pytest.raises(QueryError, match="no name group “kissinger”"):
        lib.search("alias:kissinger")


def test_all_spellings_widens_the_names_typed(lib: Library) -> None:
    ids = _ids(lib)
    assert _found(lib, "Putin") == {ids["en"]}
    page = lib.search("Putin", all_spellings=True)
    assert {h.article_id for h in page.hits} == set(ids.values())
    assert page.query == "Putin"
    assert any("Путин" in n and "普京" in n for n in page.notices)
    # A Russian form with an ending is recognised too, and other words still count.
    assert _found(lib, "Путина") == {ids["ru"]}
    page = lib.search("Путина газ", all_spellings=True)
    assert {h.article_id for h in page.hits} == {ids["ru"]}
    assert _found(lib, "Путина AND gas") == set()
    found = {h.article_id for h in lib.search("Путина gas", all_spellings=True).hits}
    assert found == {ids["en"]}
    # Names of several words, in order.
    found = {h.article_id for h in lib.search("Vladimir Putin", all_spellings=True).hits}
    assert found == set(ids.values())
    # Words in quotes or field values are left alone.
    assert {h.article_id for h in lib.search('"Putin"', all_spellings=True).hits} == {ids["en"]}
    # A pasted passage is not rewritten (it is ranked by the words it shares).
    passage = "Russian President Vladimir Putin and Chinese President Xi Jinping signed a deal"
    page = lib.search(passage, all_spellings=True)
    assert not any("spellings" in n for n in page.notices)


def test_users_add_and_remove_spellings_and_groups(lib: Library, tmp_path: Path) -> None:
    ids = _ids(lib)
    # A new group of the user's own.
    group = lib.add_alias("Gas Pipeline", "газопровод", kind="organisation")
    assert group.key == "gas-pipeline" and group.added == ("газопровод",)
    assert _found(lib, "alias:gas-pipeline") == {ids["ru"]}
    lib.add_alias("gas-pipeline", "gas supply deal")
    assert _found(lib, "alias:gas-pipeline") == {ids["ru"], ids["en"]}
    # Taking a shipped name out of a group, and putting it back.
    lib.remove_alias("putin", "普京")
    assert "普京" not in lib.alias_table().group("putin").names
    assert _found(lib, "alias:putin") == {ids["ru"], ids["en"]}
    lib.add_alias("putin", "普京")
    assert _found(lib, "alias:putin") == set(ids.values())
    with pytest.raises(LibraryError, match="has no name"):
        lib.remove_alias("putin", "Kissinger")
    with pytest.raises(QueryError, match="cannot be a name group"):
        lib.add_alias("no/slashes", "x")
    with pytest.raises(LibraryError, match="not a kind"):
        lib.add_alias("new", "Name", kind="planet")
    # The changes live in the library: they are there when it is opened again.
    path = lib.path
    lib.remove_alias("putin", "Putin")
    lib.close()
    with Library.open(path, import_seeds=False) as again:
        table = again.alias_table()
        assert table.group("gas-pipeline").names == ("газопровод", "gas supply deal")
        assert table.group("putin").removed == ("Putin",)


def test_a_table_built_from_changes() -> None:
    shipped = load_shipped(resource_path("resources/aliases.yaml"))
    table = AliasTable.build(
        shipped,
        [UserAlias("putin", "ВВП"), UserAlias("xi", "Xi", removed=True), UserAlias("new", "N")],
    )
    assert table.group("putin").names[-1] == "ВВП"
    assert "Xi" not in table.group("xi").names and table.group("xi").removed == ("Xi",)
    assert table.group("new").names == ("N",)
    assert [g.key for g in table.groups_of("Путину")] == ["putin"]
