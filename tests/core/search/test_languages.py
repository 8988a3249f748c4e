"""Russian and Chinese coverage searched as well as English: stems, segmentation, one
query across languages, snippets and highlights on character offsets, the language
stored at import, ``lang:`` and the language filter, corrections by hand."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.errors import LibraryError
from reader.core.library import Library
from reader.core.models import ArticleFilter

RU = """\
Путин и Си Цзиньпин обсудили поставки газа во Владивостоке

Президент России Владимир Путин встретился с председателем КНР Си Цзиньпином на полях
Восточного экономического форума во Владивостоке.

Переговоры Путина и Си Цзиньпина продолжались более трёх часов. Путину показали проект
нового газопровода, который свяжет Сибирь с северными провинциями Китая.

«Отношения между нашими странами находятся на самом высоком уровне», — заявил Путин
журналистам после встречи.
"""

ZH = """\
习近平同普京在符拉迪沃斯托克会晤

国家主席习近平在符拉迪沃斯托克同俄罗斯总统普京举行会谈。两国元首一致认为，中俄关系正处于历史最好时期。

习近平指出，双方要加强能源、农业和科技领域合作。普京表示，俄方愿同中方在上海合作组织框架内密切协调。

外交部长王毅和外交部长拉夫罗夫陪同参加会谈。
"""

EN = """\
Russia and China sign a gas deal

MOSCOW (Reuters) - Russian President Vladimir Putin and Chinese President Xi Jinping
signed a long-awaited gas supply deal on Wednesday, officials said.
"""


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    files = tmp_path / "in"
    files.mkdir()
    with Library.open(tmp_path / "lib", import_seeds=False) as library:
        report = library.import_paths(
            [_write(files, "ru.txt", RU), _write(files, "zh.txt", ZH), _write(files, "en.txt", EN)]
        )
        assert (report.imported, report.failed) == (3, [])
        yield library


def _ids(lib: Library) -> dict[str, int]:
    """language code -> article id."""
    found = {}
    for summary in lib.list_articles():
        assert summary.language is not None
        found[summary.language] = summary.id
    return found


def _found(lib: Library, query: str) -> set[int]:
    return {hit.article_id for hit in lib.search(query, limit=50).hits}


def test_the_language_is_detected_at_import_and_stored(lib: Library) -> None:
    ids = _ids(lib)
    assert set(ids) == {"ru", "zh", "en"}
    assert lib.get_article(ids["zh"]).title == "习近平同普京在符拉迪沃斯托克会晤"
    assert lib.languages() == [("en", 1), ("ru", 1), ("zh", 1)]


def test_russian_words_find_each_other_through_their_stems(lib: Library) -> None:
    ru = _ids(lib)["ru"]
    for query in ("Путин", "Путина", "путину", "Путиным", "Владивосток", "газопроводы"):
        assert _found(lib, query) == {ru}, query
    # ё and е are the same letter to a search.
    assert _found(lib, "трех часов") == {ru}
    # The snippet marks the words as written in the text, whatever their ending.
    [hit] = lib.search("Путину").hits
    assert "<mark>Путина</mark>" in hit.snippet or "<mark>Путину</mark>" in hit.snippet


def test_chinese_names_are_found_inside_running_text(lib: Library) -> None:
    zh = _ids(lib)["zh"]
    for query in ("普京", "习近平", "王毅", "拉夫罗夫", "符拉迪沃斯托克", "上海合作组织"):
        assert _found(lib, query) == {zh}, query
    # A word inside a longer dictionary word (中俄关系) is found too.
    assert _found(lib, "中俄") == {zh}
    # A single character that is part of words is not a word of its own.
    assert _found(lib, "普") == set()
    [hit] = lib.search("普京").hits
    assert "<mark>普京</mark>" in hit.snippet
    [hit] = lib.search("中俄").hits
    assert "<mark>中俄</mark>关系" in hit.snippet


def test_a_pasted_chinese_sentence_finds_its_article(lib: Library) -> None:
    zh = _ids(lib)["zh"]
    page = lib.search("两国元首一致认为，中俄关系正处于历史最好时期。")
    assert [h.article_id for h in page.hits] == [zh]


def test_one_query_searches_every_language(lib: Library) -> None:
    ids = _ids(lib)
    assert _found(lib, "Putin OR Путин OR 普京") == set(ids.values())
    assert _found(lib, "газ OR gas") == {ids["ru"], ids["en"]}
    # Stop words of each language are left out, not required.
    assert _found(lib, "Путин и журналисты") == {ids["ru"]}


def test_lang_queries_and_the_language_filter(lib: Library) -> None:
    ids = _ids(lib)
    assert _found(lib, "lang:ru") == {ids["ru"]}
    assert _found(lib, "lang:RU") == {ids["ru"]}
    assert _found(lib, "lang:zh-CN") == {ids["zh"]}
    assert _found(lib, "lang:chinese") == {ids["zh"]}
    assert _found(lib, "Putin OR Путин OR 普京 NOT lang:en") == {ids["ru"], ids["zh"]}
    listed = lib.list_articles(where=ArticleFilter(language="zh"))
    assert [a.id for a in listed] == [ids["zh"]]
    assert lib.count_articles(ArticleFilter(language="ru")) == 1


def test_highlights_and_notes_use_character_offsets(lib: Library) -> None:
    ids = _ids(lib)
    text = lib.get_article(ids["zh"]).text
    mark = lib.highlight_quote(ids["zh"], "中俄关系", note="两国关系的评价")
    assert text[mark.start : mark.end] == "中俄关系" == mark.exact
    assert mark.start == text.index("中俄关系")
    ru_text = lib.get_article(ids["ru"]).text
    quote = "«Отношения между нашими странами находятся на самом высоком уровне»"
    ru_mark = lib.highlight_quote(ids["ru"], quote, note="Уровень отношений")
    assert ru_text[ru_mark.start : ru_mark.end] == quote
    # Notes and highlighted passages are searched in their language too.
    assert _found(lib, "note:评价") == {ids["zh"]}
    assert _found(lib, "note:отношения") == {ids["ru"]}
    assert _found(lib, "highlight:отношениями") == {ids["ru"]}


def test_the_user_corrects_a_language_and_a_new_version_keeps_it(
    lib: Library, tmp_path: Path
) -> None:
    ids = _ids(lib)
    lib.set_language(ids["ru"], "uk")
    assert lib.get_article(ids["ru"]).language == "uk"
    assert _found(lib, "lang:uk") == {ids["ru"]}
    assert _found(lib, "lang:ru") == set()
    # Re-importing the file with changed text is a new version; the correction stays.
    changed = RU.replace("более трёх часов", "около четырёх часов")
    lib.import_paths([_write(tmp_path / "in", "ru.txt", changed)])
    article = lib.get_article(ids["ru"])
    assert article.version == 2 and article.language == "uk"
    # Handing it back to detection.
    lib.set_language(ids["ru"], None)
    assert lib.get_article(ids["ru"]).language == "ru"
    assert _found(lib, "lang:ru") == {ids["ru"]}
    lib.set_language(ids["zh"], "zh-Hant")
    assert lib.get_article(ids["zh"]).language == "zh"
    with pytest.raises(LibraryError, match="not a language code"):
        lib.set_language(ids["zh"], "Chinese!")
    assert lib.check().ok


def test_the_text_overrules_a_wrong_declared_language(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Новости</title><language>en-us</language>"
        "<item><title>Путин и Си Цзиньпин обсудили газ</title><link>https://example.ru/1</link>"
        f"<description>{RU.split(chr(10), 2)[2]}</description></item>"
        "<item><title>Short</title><link>https://example.ru/2</link>"
        "<description>Ok.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    with Library.open(tmp_path / "lib", import_seeds=False) as lib:
        lib.import_paths([feed])
        languages = {a.title: a.language for a in lib.list_articles()}
    # The Russian text decides; a text too short to tell keeps what the feed said.
    assert languages == {"Путин и Си Цзиньпин обсудили газ": "ru", "Short": "en"}


def test_articles_stored_before_detection_get_their_language_on_the_next_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib"
    files = tmp_path / "in"
    files.mkdir()
    with Library.open(path, import_seeds=False) as lib:
        lib.import_paths([_write(files, "ru.txt", RU), _write(files, "zh.txt", ZH)])
        lib.highlight_quote(_ids(lib)["zh"], "普京", note="kept")
    # As an older version of the app left them: no language, never looked at.
    conn = sqlite3.connect(path / "library.sqlite")
    conn.execute("UPDATE articles SET language = NULL, language_origin = NULL")
    conn.commit()
    conn.close()
    with Library.open(path, import_seeds=False) as lib:
        assert any("languages" in n for n in lib.notices)
        assert sorted(code for code, _ in lib.languages()) == ["ru", "zh"]
        assert _found(lib, "lang:zh") == {_ids(lib)["zh"]}
        assert [h.note for h in lib.highlights()] == ["kept"]
        assert lib.check().ok
    with Library.open(path, import_seeds=False) as lib:
        assert lib.notices == []  # done once
