"""Chinese and Russian articles in the encodings their sources still use, through every
importer and through the library: GB2312/GBK/GB18030, Big5 (and cp950, Big5-HKSCS),
Windows-1251, KOI8-R and Mac Cyrillic; declared, mis-declared and undeclared.

The articles and the files holding them come from :mod:`tests.helpers.multilingual`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from reader.core.errors import IngestError
from reader.core.ingest import parse_bytes, parse_file
from reader.core.ingest.encoding import decode
from reader.core.ingest.normalize import parse_date
from reader.core.ingest.text import date_line, find_dateline
from reader.core.library import Library
from reader.core.models import Article, ArticleDate, StoredArticle
from tests.helpers.multilingual import (
    FIXTURES,
    RU,
    RU_PARAGRAPHS,
    RU_TITLE,
    ZH,
    ZH_HANT,
    ZH_HANT_PARAGRAPHS,
    ZH_HANT_TITLE,
    ZH_PARAGRAPHS,
    ZH_TITLE,
    Fixture,
    SampleArticle,
    encode,
    fixture_bytes,
    koi8_plain,
    write_fixtures,
)

_FORMATS = {
    "rss": "feed",
    "atom": "feed",
    "html": "html",
    "text": "text",
    "markdown": "markdown",
    "jsonl": "jsonl",
}


# -- what each fixture must give ----------------------------------------------------------


def expected_title(fixture: Fixture, article: SampleArticle) -> str:
    return koi8_plain(article.title) if _plain_koi8(fixture) else article.title


def expected_paragraphs(fixture: Fixture, article: SampleArticle) -> tuple[str, ...]:
    paragraphs = list(article.paragraphs)
    if fixture.format == "text":
        # The plain-text importer takes the dateline off the first paragraph.
        paragraphs[0] = paragraphs[0].removeprefix(article.dateline_prefix).strip()
    if _plain_koi8(fixture):
        paragraphs = [koi8_plain(p) for p in paragraphs]
    return tuple(paragraphs)


def expected_date(fixture: Fixture, article: SampleArticle) -> ArticleDate:
    if fixture.format in ("text", "markdown"):
        return ArticleDate(article.day)  # a date line, front matter: the day
    return ArticleDate(article.published)  # feeds, pages, JSON: the moment, with its zone


def _plain_koi8(fixture: Fixture) -> bool:
    """KOI8-R has no «» nor —: plain text in it has straight quotes and "--"."""
    return fixture.format == "text" and fixture.codec == "koi8_r"


def assert_clean(values: list[str]) -> None:
    for value in values:
        assert "\ufffd" not in value
        assert value == value.strip()


def assert_article(fixture: Fixture, article: SampleArticle, got: Article | StoredArticle) -> None:
    assert got.title == expected_title(fixture, article)
    assert got.paragraphs == expected_paragraphs(fixture, article)
    assert got.date == expected_date(fixture, article)
    assert_clean([got.title, *got.paragraphs])
    if fixture.format == "text":
        assert got.dateline == article.dateline
        assert got.source == article.agency


def _id(fixture: Fixture) -> str:
    return fixture.name


# -- every fixture, through the importers and through the library ------------------------


@pytest.mark.parametrize("fixture", FIXTURES, ids=_id)
def test_each_fixture_imports_exactly(tmp_path: Path, fixture: Fixture) -> None:
    paths = write_fixtures(tmp_path)
    data = paths[fixture.name].read_bytes()
    if fixture.codec != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # detection (or the declaration) is really needed
    parsed = parse_file(paths[fixture.name])
    assert parsed.format == _FORMATS[fixture.format]
    assert parsed.problems == ()
    assert len(parsed.articles) == len(fixture.articles)
    for article, got in zip(fixture.articles, parsed.articles, strict=True):
        assert_article(fixture, article, got)


@pytest.mark.parametrize("fixture", FIXTURES, ids=_id)
def test_each_fixture_imports_exactly_into_a_library(tmp_path: Path, fixture: Fixture) -> None:
    paths = write_fixtures(tmp_path / "in")
    with Library.open(tmp_path / "lib", import_seeds=False) as library:
        report = library.import_paths([paths[fixture.name]])
        assert report.failed == []
        assert report.problems == []
        assert report.imported == len(fixture.articles)
        stored = library.get_articles(report.article_ids)
        for article, got in zip(fixture.articles, stored, strict=True):
            assert_article(fixture, article, got)
            assert got.language == article.language.split("-")[0]


def test_all_fixtures_import_together_without_a_failure(tmp_path: Path) -> None:
    paths = write_fixtures(tmp_path / "in")
    assert len(paths) == len(FIXTURES)
    with Library.open(tmp_path / "lib", import_seeds=False) as library:
        report = library.import_paths([tmp_path / "in"])
        assert report.failed == []
        assert report.problems == []
        assert report.files == len(FIXTURES)
        # The same article from several files is one article (or a version of it).
        assert report.imported + report.duplicates + report.updated == sum(
            len(f.articles) for f in FIXTURES
        )
        texts = [t for a in library.get_articles(report.article_ids) for t in a.paragraphs]
        assert_clean(texts)


def test_the_fixtures_cover_the_encodings_asked_for() -> None:
    kinds = {(f.format, f.codec, f.declared is not None) for f in FIXTURES}
    for codec in ("gb2312", "big5", "cp1251", "koi8_r"):
        assert ("rss", codec, True) in kinds
    for codec in ("gbk", "gb18030", "big5", "cp1251", "koi8_r"):
        assert ("html", codec, True) in kinds
        assert ("html", codec, False) in kinds
    for codec in ("gb2312", "gb18030", "big5", "cp1251", "koi8_r"):
        assert ("text", codec, False) in kinds
    assert ("markdown", "cp1251", False) in kinds
    assert ("markdown", "gbk", False) in kinds
    assert ("jsonl", "utf-8", False) in kinds
    assert ("jsonl", "gb18030", False) in kinds
    assert ("atom", "utf-8", True) in kinds
    for fixture in FIXTURES:
        if fixture.declared and fixture.format != "atom":
            assert f"{fixture.declared}".encode() in fixture_bytes(fixture)


def test_the_articles_name_what_searches_look_for() -> None:
    chinese = "".join((ZH_TITLE, *ZH_PARAGRAPHS))
    for name in (
        "普京",
        "习近平",
        "王毅",
        "拉夫罗夫",
        "上海合作组织",
        "中俄关系",
        "符拉迪沃斯托克",
    ):
        assert name in chinese
    assert "2018年9月11日" in chinese
    traditional = "".join((ZH_HANT_TITLE, *ZH_HANT_PARAGRAPHS))
    for name in ("習近平", "普京", "王毅", "拉夫羅夫", "上海合作組織", "中俄關係"):
        assert name in traditional
    russian = " ".join((RU_TITLE, *RU_PARAGRAPHS))
    for name in ("Путин ", "Путина", "Путину", "Си Цзиньпин", "Лавров", "Владивосток", "ШОС"):
        assert name in russian
    assert "Владивостоке" in russian
    assert "«Наши отношения" in russian
    assert "13 сентября 2018 года" in russian
    for article in (ZH, ZH_HANT, RU):
        words = sum(len(p.split()) if article is RU else len(p) // 2 for p in article.paragraphs)
        assert 150 <= words <= 400


# -- declarations that are wrong, narrow or spelled as browsers spell them ---------------


def _page(label: str | None, title: str, paragraphs: tuple[str, ...]) -> str:
    meta = f'<meta charset="{label}">' if label else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("label", "codec", "title", "paragraphs"),
    [
        # A declared GB2312 page is GBK or GB18030 more often than not.
        ("gb2312", "gbk", "朱镕基会见叶利钦", ("国务院总理朱镕基会见了俄罗斯总统叶利钦。",)),
        ("gb2312", "gb18030", "吉林𠮷野家开业", ("𠮷野家在长春开设新店，面积120㎡。",)),
        ("GB2312", "gbk", ZH_TITLE, ZH_PARAGRAPHS),
        # A declared Big5 page uses Hong Kong's and Microsoft's additions.
        ("big5", "big5hkscs", "香港嘅新聞", ("佢哋今日喺灣仔開會，講到兩國嘅合作。",)),
        ("big5", "cp950", "歐元匯率", ("一歐元兌換€1.00。",)),
        # Labels Python does not know, as pages spell them (short: no detection helps).
        ("x-gbk", "gbk", "普京会见王毅", ()),
        ("gb_2312-80", "gb2312", "普京会见王毅", ()),
        ("csGB2312", "gb2312", "普京会见王毅", ()),
        ("cn-big5", "big5", "普京會見王毅", ()),
        ("x-x-big5", "big5", "普京會見王毅", ()),
        ("koi8", "koi8_r", "Путин и Лавров", ()),
        ("x-cp1251", "cp1251", "Путин и Лавров", ()),
        ("x-mac-cyrillic", "mac_cyrillic", "Путин и Лавров", ()),
        # Declarations of another encoding than the page's.
        ("iso-8859-1", "cp1251", RU_TITLE, RU_PARAGRAPHS[1:3]),
        ("iso-8859-1", "cp1251", RU_TITLE, ()),
        ("windows-1251", "koi8_r", RU_TITLE, ()),
        ("koi8-r", "cp1251", RU_TITLE, RU_PARAGRAPHS),
        ("gb2312", "big5", ZH_HANT_TITLE, ZH_HANT_PARAGRAPHS[:2]),
        ("gb2312", "big5", ZH_HANT_TITLE, ()),
        ("big5", "gbk", ZH_TITLE, ZH_PARAGRAPHS[:2]),
        ("gb2312", "utf-8", ZH_TITLE, ZH_PARAGRAPHS[:1]),
        ("windows-1251", "utf-8", RU_TITLE, ()),
    ],
)
def test_declared_charsets_are_read_as_browsers_and_sense_read_them(
    label: str, codec: str, title: str, paragraphs: tuple[str, ...]
) -> None:
    html = _page(label, title, paragraphs)
    data = html.encode(codec)
    assert decode(data, "page.html") == html
    if paragraphs:  # (a page with only a title holds no article)
        [article] = parse_bytes(data, "page.html").articles
        assert article.title == title
        assert article.paragraphs == paragraphs


def test_a_gb2312_feed_with_gbk_characters_and_no_declared_encoding() -> None:
    item = (
        "<item><title>{t}</title><pubDate>Tue, 11 Sep 2018 20:15:00 +0800</pubDate>"
        "<description>{d}</description></item>"
    )
    body = "".join(
        item.format(t=t, d=d)
        for t, d in zip((ZH_TITLE, "朱镕基会见叶利钦"), ZH_PARAGRAPHS[:2], strict=True)
    )
    for prolog in ('<?xml version="1.0" encoding="gb2312"?>', '<?xml version="1.0"?>', ""):
        feed = f'{prolog}<rss version="2.0"><channel><title>新华网</title>{body}</channel></rss>'
        parsed = parse_bytes(feed.encode("gbk"), "feed.xml")
        assert parsed.format == "feed"
        assert [a.title for a in parsed.articles] == [ZH_TITLE, "朱镕基会见叶利钦"]
        assert [a.paragraphs for a in parsed.articles] == [(p,) for p in ZH_PARAGRAPHS[:2]]


# -- detection without any declaration: short texts and the classic confusions -----------


def _sentences() -> list[tuple[str, str]]:
    """(first sentence, codec) for every paragraph of every article."""
    out: list[tuple[str, str]] = []
    for article, codecs in (
        (ZH, ("gb2312", "gbk", "gb18030")),
        (ZH_HANT, ("big5", "cp950", "big5hkscs")),
        (RU, ("cp1251", "koi8_r", "mac_cyrillic")),
    ):
        for paragraph in (article.title, *article.paragraphs):
            end = max(paragraph.find("。"), paragraph.find(". "))
            sentence = paragraph[: end + 1] if end > 0 else paragraph
            for codec in codecs:
                out.append((koi8_plain(sentence) if codec == "koi8_r" else sentence, codec))
    return out


@pytest.mark.parametrize(("sentence", "codec"), _sentences())
def test_a_single_sentence_is_enough(sentence: str, codec: str) -> None:
    assert decode(encode(sentence, codec), "sentence.txt") == sentence


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        # Lower-case KOI8-R read as Windows-1251 is plausible-looking upper case.
        ("новости из владивостока и пекина", "koi8_r"),
        ("наши отношения находятся на самом высоком уровне", "koi8_r"),
        ("ВЛАДИВОСТОК И ПЕКИН ПОДПИСАЛИ СОГЛАШЕНИЕ", "cp1251"),
        ("Путин провёл переговоры с Си Цзиньпином", "mac_cyrillic"),
        ("Путин провёл переговоры с Си Цзиньпином", "cp866"),
        ("Россия и Китай: Лавров и Ван И обсудили ШОС", "koi8_r"),
        # GB2312 read as Big5 gives Big5 characters, common ones too; GBK-only names.
        ("习近平会见普京", "gb2312"),
        ("中俄关系迈入新时代", "gb2312"),
        ("朱镕基会见叶利钦", "gbk"),
        ("拉夫羅夫會見王毅", "big5"),
        ("中俄關係邁入新時代", "big5"),
        ("國家主席習近平", "big5"),
    ],
)
def test_classic_confusions_of_short_texts(text: str, codec: str) -> None:
    assert decode(text.encode(codec), "short.txt") == text


def test_other_languages_in_legacy_encodings_still_decode() -> None:
    samples = {
        "cp1253": "Ο πρωθυπουργός συναντήθηκε σήμερα στην Αθήνα με τον πρόεδρο της Κύπρου.",
        "cp1256": "قال وزير الخارجية إن المحادثات مع الجانب الروسي كانت مثمرة.",
        "cp874": "นายกรัฐมนตรีเดินทางเยือนกรุงปักกิ่งเพื่อหารือกับผู้นำจีน",
        "cp932": "日本政府は十一日、ロシアと中国の首脳会談について「注視している」と述べた。",
        "euc_jp": "日本政府は十一日、ロシアと中国の首脳会談について「注視している」と述べた。",
        "cp949": "한국 정부는 러시아와 중국 정상회담 결과를 주시하고 있다고 밝혔다.",
        "koi8_u": "Президент України заявив, що уряд підготує нові кроки для підтримки.",
        "cp1252": "Der Außenminister sagte, man müsse „wachsam“ bleiben – gerade jetzt.",
    }
    for codec, text in samples.items():
        assert decode(text.encode(codec), "other.txt") == text, codec


# -- JSON Lines that are not UTF-8 --------------------------------------------------------


def test_a_gb18030_json_lines_file_is_read_when_its_encoding_is_clear() -> None:
    [fixture] = [f for f in FIXTURES if f.name == "jsonl-zh-gb18030"]
    parsed = parse_bytes(fixture_bytes(fixture), "news.jsonl")
    assert [a.title for a in parsed.articles] == [ZH_TITLE, ZH_HANT_TITLE]
    assert parsed.problems == ()


def test_undecodable_json_lines_are_refused_naming_the_file(tmp_path: Path) -> None:
    junk = bytes(range(0x80, 0x100)) * 8
    data = b'{"title": "' + junk + b'", "body": "' + junk + b'"}\n'
    path = tmp_path / "broken.jsonl"
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        parse_file(path)
    assert caught.value.path == str(path)
    assert "encoding" in caught.value.reason
    with Library.open(tmp_path / "lib", import_seeds=False) as library:
        report = library.import_paths([path])
    [failed] = report.failed
    assert failed.path == str(path)
    assert "encoding" in failed.reason


# -- dates and datelines in Chinese and Russian -------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2018年9月11日", date(2018, 9, 11)),
        ("2018年09月11日 20:15", datetime(2018, 9, 11, 20, 15)),
        ("2018年9月11日20时15分", datetime(2018, 9, 11, 20, 15)),
        ("11 сентября 2018 года", date(2018, 9, 11)),
        ("11 сентября 2018 г.", date(2018, 9, 11)),
        ("11 сен. 2018", date(2018, 9, 11)),
        ("11 Сентября 2018 года в 13:05", datetime(2018, 9, 11, 13, 5)),
    ],
)
def test_chinese_and_russian_dates(text: str, value: date | datetime) -> None:
    assert parse_date(text) == ArticleDate(value)
    assert date_line(text) == ArticleDate(value)


@pytest.mark.parametrize(
    "text", ["107年9月11日", "2018年13月1日", "31 февраля 2018", "11 марш 2018", "9月11日"]
)
def test_no_date_is_invented(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("发布时间：2018-09-11 20:15", datetime(2018, 9, 11, 20, 15)),
        ("發布時間：2018年9月11日", date(2018, 9, 11)),
        ("Опубликовано: 11 сентября 2018, 13:05", datetime(2018, 9, 11, 13, 5)),
    ],
)
def test_chinese_and_russian_date_keywords(line: str, value: date | datetime) -> None:
    assert date_line(line) == ArticleDate(value)


@pytest.mark.parametrize(
    ("paragraph", "place", "agency", "reporters", "rest"),
    [
        ("新华社北京9月11日电 国家主席习近平", "北京", "新华社", None, "国家主席习近平"),
        (
            ZH_PARAGRAPHS[0],
            "符拉迪沃斯托克",
            "新华社",
            "陈晓东 刘畅",
            ZH_PARAGRAPHS[0][len(ZH.dateline_prefix) :],
        ),
        ("中新网9月11日电 据俄媒报道", None, "中新网", None, "据俄媒报道"),
        ("（中央社台北11日電）中國國家主席", "台北", "中央社", None, "中國國家主席"),
        ("本报莫斯科9月10日电（记者 王五）俄罗斯", "莫斯科", None, "王五", "俄罗斯"),
        (
            "МОСКВА, 11 сентября — РИА Новости. Президент",
            "МОСКВА",
            "РИА Новости",
            None,
            "Президент",
        ),
        ("МОСКВА, 11 сен — РИА Новости. Президент", "МОСКВА", "РИА Новости", None, "Президент"),
        ("МОСКВА, 11 сентября. /ТАСС/. Президент", "МОСКВА", "ТАСС", None, "Президент"),
        (
            "НИЖНИЙ НОВГОРОД, 3 марта — Интерфакс. Текст",
            "НИЖНИЙ НОВГОРОД",
            "Интерфакс",
            None,
            "Текст",
        ),
        (
            "ВЛАДИВОСТОК, 11 сентября -- РИА Новости. Текст",
            "ВЛАДИВОСТОК",
            "РИА Новости",
            None,
            "Текст",
        ),
    ],
)
def test_chinese_and_russian_datelines(
    paragraph: str, place: str | None, agency: str | None, reporters: str | None, rest: str
) -> None:
    found = find_dateline(paragraph)
    assert found is not None
    assert (found.place, found.agency, found.reporters, found.rest) == (
        place,
        agency,
        reporters,
        rest,
    )


@pytest.mark.parametrize(
    "paragraph",
    [
        "中国社会科学院9月召开会议，讨论中俄关系。",
        "他说9月11日电话会议将讨论合作。",
        "据报9月11日电视台播出了会谈。",
        "Москва, 11 сентября — текст без заглавных букв.",
        "новости, 11 сентября — текст.",
    ],
)
def test_ordinary_sentences_are_not_datelines(paragraph: str) -> None:
    assert find_dateline(paragraph) is None


def test_a_russian_dateline_with_a_year_dates_the_text() -> None:
    text = "Путин прибыл во Владивосток\n\nМОСКВА, 11 сентября 2018 года — Президент прибыл.\n"
    [article] = parse_bytes(text.encode("cp1251"), "story.txt").articles
    assert article.date == ArticleDate(date(2018, 9, 11))
    assert article.dateline == "МОСКВА"
    assert article.paragraphs == ("Президент прибыл.",)


def test_a_chinese_dateline_names_the_reporters_as_authors() -> None:
    [fixture] = [f for f in FIXTURES if f.name == "text-zh-gb2312"]
    [article] = parse_bytes(fixture_bytes(fixture), "story.txt").articles
    assert article.author == "陈晓东 刘畅"
    assert article.source == "新华社"
    assert article.dateline == "符拉迪沃斯托克"
