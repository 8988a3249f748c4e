"""Russian and Chinese test articles, and files holding them in every format and encoding.

The articles are written for these tests (they are not copies of real reports): news on
China–Russia relations in Simplified Chinese (``ZH_*``), Traditional Chinese
(``ZH_HANT_*``) and Russian (``RU_*``), each a title and a few paragraphs. They name the
people, places and organisations searches look for (普京, 习近平, 王毅, 拉夫罗夫, 上海合作组织,
符拉迪沃斯托克; Путин in several cases, Си Цзиньпин, Лавров, Владивосток, ШОС) and carry
a date.

:func:`write_fixtures` writes every article in every format and the encodings Chinese
and Russian sources still use: RSS in GB2312, Big5, Windows-1251 and KOI8-R, HTML pages in
GBK, GB18030, Big5, Windows-1251 and KOI8-R (with and without a declared charset), plain
text, Markdown and JSON Lines, and an Atom feed in UTF-8. :data:`FIXTURES` describes each
file (what it holds, how it is encoded), so that tests can say what importing it must give.

Plain text in KOI8-R cannot hold «guillemets» or the em dash (the encoding has neither):
such text is written, as it was in practice, with straight quotes and a double hyphen
(:func:`koi8_plain`). HTML and XML carry those characters as character references.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Literal

# -- the articles ----------------------------------------------------------------------

ZH_TITLE = "习近平会见普京 中俄元首就深化全面战略协作交换意见"
#: The dateline opening the first paragraph (Xinhua style: agency, place, day, 电, reporters).
ZH_DATELINE_PREFIX = "新华社符拉迪沃斯托克9月11日电（记者 陈晓东 刘畅）"
ZH_PARAGRAPHS: tuple[str, ...] = (
    ZH_DATELINE_PREFIX
    + "国家主席习近平11日在符拉迪沃斯托克会见俄罗斯总统弗拉基米尔·普京。两国元首回顾了"
    "今年以来中俄关系的发展，一致同意继续加强政治互信，扩大务实合作，推动两国全面战略协作"
    "伙伴关系在新时代取得更大发展。",
    "习近平指出，中俄互为最大邻国，也是全面战略协作伙伴。今年6月普京总统对中国进行国事访问"
    "并出席上海合作组织青岛峰会，双方共同规划了下一阶段合作的方向。当前国际形势复杂多变，"
    "中俄双方要坚定支持对方走符合本国国情的发展道路，在国际和地区事务中密切沟通协调。",
    "普京表示，俄方高度重视同中方的关系。俄中在能源、交通、农业和远东开发等领域的合作不断"
    "取得新进展，双边贸易额有望在今年创下历史新高。俄方愿同中方一道，办好明年两国建交70周年"
    "的庆祝活动。",
    "会见前，国务委员兼外交部长王毅同俄罗斯外交部长拉夫罗夫举行了简短交谈。王毅说，两国外交"
    "部门将按照元首共识，加强在联合国、上海合作组织和金砖国家等多边框架内的协调配合。拉夫罗夫"
    "表示赞同，并称俄方期待双方在“一带一路”与欧亚经济联盟对接方面取得更多成果。",
    "2018年9月11日至13日，第四届东方经济论坛在符拉迪沃斯托克举行。这是中国国家主席首次出席"
    "该论坛。分析人士认为，此访将为中俄地方合作——特别是东北地区与俄远东地区的合作——注入"
    "新的动力。",
)

ZH_HANT_TITLE = "習近平與普京在海參崴會面 中俄關係再升溫"
ZH_HANT_DATELINE_PREFIX = "（中央社台北11日電）"
ZH_HANT_PARAGRAPHS: tuple[str, ...] = (
    ZH_HANT_DATELINE_PREFIX
    + "中國國家主席習近平今天在俄羅斯遠東城市符拉迪沃斯托克（海參崴）與俄羅斯總統普京會面。"
    "這是兩人今年第三次會晤，雙方表示將持續深化政治互信與經貿合作。",
    "據中國官方媒體報導，習近平在會談中強調，中俄關係正處於歷史最好時期，兩國應在上海合作組織"
    "等多邊平台加強協調。普京則說，俄中兩國的貿易額今年可望突破1000億美元。",
    "中國外交部長王毅和俄羅斯外交部長拉夫羅夫也出席了會談。分析人士指出，在美中貿易摩擦升高"
    "之際，北京與莫斯科走得更近，但雙方在中亞與北極等議題上仍各有盤算。",
    "東方經濟論壇於11日至13日舉行，日本首相也在受邀之列。俄羅斯同時在遠東舉行冷戰結束以來"
    "規模最大的軍事演習「東方-2018」，中國派出約3200名官兵參加。",
)

RU_TITLE = "Путин и Си Цзиньпин обсудили во Владивостоке торговлю и безопасность"
#: The dateline opening the first paragraph (RIA Novosti style).
RU_DATELINE_PREFIX = "ВЛАДИВОСТОК, 11 сентября — РИА Новости. "
RU_PARAGRAPHS: tuple[str, ...] = (
    RU_DATELINE_PREFIX + "Президент России Владимир Путин провёл во Владивостоке переговоры "
    "с председателем КНР Си Цзиньпином, который впервые приехал на Восточный экономический "
    "форум. Встреча продолжалась более трёх часов, сообщили в Кремле.",
    "«Наши отношения находятся на самом высоком уровне за всю историю, и мы намерены и дальше "
    "укреплять доверие между Россией и Китаем», — заявил Путин журналистам по итогам встречи. "
    "По словам российского лидера, товарооборот двух стран в этом году может превысить "
    "100 миллиардов долларов.",
    "Си Цзиньпин, в свою очередь, назвал Путина «старым другом» и пригласил его посетить Китай "
    "в следующем году. Председатель КНР подчеркнул, что Пекин готов расширять сотрудничество "
    "в энергетике, сельском хозяйстве и освоении Дальнего Востока.",
    "В переговорах также участвовали министр иностранных дел России Сергей Лавров и глава МИД "
    "КНР Ван И. Лавров сообщил, что стороны согласовали позиции по ряду вопросов повестки ШОС "
    "и БРИКС накануне саммитов, запланированных на 2019 год.",
    "Путину и Си Цзиньпину предстоит ещё одна встреча — в ноябре, на полях саммита «Группы "
    "двадцати» в Буэнос-Айресе. Владивосток принимает форум в четвёртый раз: Восточный "
    "экономический форум проходит с 11 по 13 сентября 2018 года.",
)

ZH_DATE = date(2018, 9, 11)
ZH_HANT_DATE = date(2018, 9, 11)
RU_DATE = date(2018, 9, 11)
ZH_PUBLISHED = datetime(2018, 9, 11, 20, 15, tzinfo=timezone(timedelta(hours=8)))
ZH_HANT_PUBLISHED = datetime(2018, 9, 11, 21, 30, tzinfo=timezone(timedelta(hours=8)))
RU_PUBLISHED = datetime(2018, 9, 11, 13, 5, tzinfo=timezone(timedelta(hours=3)))


@dataclass(frozen=True, slots=True)
class SampleArticle:
    """One of the articles above, with what each format says about it."""

    key: str
    language: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    #: The day as a plain-text date line states it ("2018年9月11日").
    day_line: str
    #: The dateline opening the first paragraph, and what it names.
    dateline_prefix: str
    dateline: str | None
    agency: str
    source: str
    url: str

    @property
    def day(self) -> date:
        return self.published.date()


ZH = SampleArticle(
    key="zh",
    language="zh-CN",
    title=ZH_TITLE,
    paragraphs=ZH_PARAGRAPHS,
    published=ZH_PUBLISHED,
    day_line="2018年9月11日",
    dateline_prefix=ZH_DATELINE_PREFIX,
    dateline="符拉迪沃斯托克",
    agency="新华社",
    source="新华网",
    url="https://news.example.cn/world/2018-09/11/c_1123412345.htm",
)
ZH_HANT = SampleArticle(
    key="zh-hant",
    language="zh-TW",
    title=ZH_HANT_TITLE,
    paragraphs=ZH_HANT_PARAGRAPHS,
    published=ZH_HANT_PUBLISHED,
    day_line="2018年9月11日",
    dateline_prefix=ZH_HANT_DATELINE_PREFIX,
    dateline="台北",
    agency="中央社",
    source="中央通訊社",
    url="https://news.example.tw/aopl/201809110321.aspx",
)
RU = SampleArticle(
    key="ru",
    language="ru",
    title=RU_TITLE,
    paragraphs=RU_PARAGRAPHS,
    published=RU_PUBLISHED,
    day_line="11 сентября 2018 года",
    dateline_prefix=RU_DATELINE_PREFIX,
    dateline="ВЛАДИВОСТОК",
    agency="РИА Новости",
    source="РИА Новости",
    url="https://news.example.ru/20180911/1528123456.html",
)
ARTICLES: dict[str, SampleArticle] = {a.key: a for a in (ZH, ZH_HANT, RU)}

_KOI8_PUNCTUATION = str.maketrans({"«": '"', "»": '"', "—": "--"})


def koi8_plain(text: str) -> str:
    """``text`` as plain KOI8-R text writes it: straight quotes, ``--`` for the dash."""
    return text.translate(_KOI8_PUNCTUATION)


# -- the files -------------------------------------------------------------------------

Format = Literal["rss", "atom", "html", "text", "markdown", "jsonl"]


@dataclass(frozen=True, slots=True)
class Fixture:
    """One file: which articles it holds, in which format and encoding."""

    name: str
    format: Format
    #: Python codec the bytes are written in.
    codec: str
    articles: tuple[SampleArticle, ...]
    #: The charset label the file declares (None: nothing is declared).
    declared: str | None = None

    @property
    def filename(self) -> str:
        suffix = {
            "rss": "xml",
            "atom": "atom",
            "html": "html",
            "text": "txt",
            "markdown": "md",
            "jsonl": "jsonl",
        }[self.format]
        return f"{self.name}.{suffix}"


def _fixtures() -> tuple[Fixture, ...]:
    out: list[Fixture] = []
    # RSS 2.0 feeds, declared and encoded.
    for article, codec, label in (
        (ZH, "gb2312", "GB2312"),
        (ZH_HANT, "big5", "Big5"),
        (RU, "cp1251", "windows-1251"),
        (RU, "koi8_r", "KOI8-R"),
    ):
        out.append(Fixture(f"rss-{article.key}-{codec}", "rss", codec, (article,), label))
    out.append(Fixture("atom-zh-ru-utf8", "atom", "utf-8", (ZH, RU, ZH_HANT), "utf-8"))
    # HTML pages, with a declared charset and without one.
    for article, codec, label in (
        (ZH, "gbk", "gbk"),
        (ZH, "gb18030", "gb18030"),
        (ZH_HANT, "big5", "big5"),
        (RU, "cp1251", "windows-1251"),
        (RU, "koi8_r", "koi8-r"),
    ):
        out.append(Fixture(f"html-{article.key}-{codec}-meta", "html", codec, (article,), label))
        out.append(Fixture(f"html-{article.key}-{codec}-undeclared", "html", codec, (article,)))
    # Plain text: nothing can be declared.
    for article, codec in (
        (ZH, "gb2312"),
        (ZH, "gb18030"),
        (ZH_HANT, "big5"),
        (RU, "cp1251"),
        (RU, "koi8_r"),
    ):
        out.append(Fixture(f"text-{article.key}-{codec}", "text", codec, (article,)))
    # Markdown with front matter.
    out.append(Fixture("markdown-ru-cp1251", "markdown", "cp1251", (RU,)))
    out.append(Fixture("markdown-zh-gbk", "markdown", "gbk", (ZH,)))
    # JSON Lines: UTF-8 by the specification; a GB18030 file is read when it can be told.
    out.append(Fixture("jsonl-zh-ru-utf8", "jsonl", "utf-8", (ZH, ZH_HANT, RU)))
    out.append(Fixture("jsonl-zh-gb18030", "jsonl", "gb18030", (ZH, ZH_HANT)))
    return tuple(out)


#: Every file :func:`write_fixtures` writes.
FIXTURES: tuple[Fixture, ...] = _fixtures()


def write_fixtures(folder: Path) -> dict[str, Path]:
    """Write every fixture file into ``folder`` (created if needed); name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for fixture in FIXTURES:
        path = folder / fixture.filename
        path.write_bytes(fixture_bytes(fixture))
        paths[fixture.name] = path
    return paths


def fixture_bytes(fixture: Fixture) -> bytes:
    """The bytes of one fixture file."""
    builders = {
        "rss": _rss,
        "atom": _atom,
        "html": _html,
        "text": _text,
        "markdown": _markdown,
        "jsonl": _jsonl,
    }
    text = builders[fixture.format](fixture)
    markup = fixture.format in ("rss", "atom", "html")
    return encode(text, fixture.codec, markup=markup)


def encode(text: str, codec: str, *, markup: bool = False) -> bytes:
    """``text`` in ``codec``; markup writes characters the codec lacks as references.

    GB2312 is written with the GBK codec and checked to stay within GB2312: Python's
    ``gb2312`` codec maps two GB2312 punctuation marks (the dash ``——`` and the middle dot
    of foreign names) to other characters than GBK, GB18030 and browsers do.
    """
    if codec == "gb2312":
        data = text.encode("gbk", errors="xmlcharrefreplace" if markup else "strict")
        data.decode("gb2312")  # raises if a character is outside GB2312
        return data
    return text.encode(codec, errors="xmlcharrefreplace" if markup else "strict")


def _rfc822(when: datetime) -> str:
    offset = when.utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return when.strftime("%a, %d %b %Y %H:%M:%S ") + zone


def _rss(fixture: Fixture) -> str:
    [article] = fixture.articles
    items = []
    for art in fixture.articles:
        if fixture.codec in ("gb2312", "koi8_r"):
            # HTML in a CDATA section.
            body = "<![CDATA[" + "".join(f"<p>{p}</p>\n" for p in art.paragraphs) + "]]>"
        else:
            # HTML escaped as text.
            body = escape("".join(f"<p>{escape(p, quote=False)}</p>\n" for p in art.paragraphs))
        items.append(
            f"""  <item>
    <title>{escape(art.title, quote=False)}</title>
    <link>{art.url}</link>
    <guid isPermaLink="true">{art.url}</guid>
    <pubDate>{_rfc822(art.published)}</pubDate>
    <description>{body}</description>
  </item>
"""
        )
    return f"""<?xml version="1.0" encoding="{fixture.declared}"?>
<rss version="2.0">
<channel>
  <title>{escape(article.source, quote=False)}</title>
  <link>{article.url.rsplit("/", 2)[0]}/</link>
  <language>{article.language.lower()}</language>
  <lastBuildDate>{_rfc822(article.published)}</lastBuildDate>
{"".join(items)}</channel>
</rss>
"""


def _atom(fixture: Fixture) -> str:
    entries = []
    for art in fixture.articles:
        content = escape("".join(f"<p>{escape(p, quote=False)}</p>" for p in art.paragraphs))
        entries.append(
            f"""  <entry xml:lang="{art.language}">
    <title>{escape(art.title, quote=False)}</title>
    <id>{art.url}</id>
    <link href="{art.url}"/>
    <published>{art.published.isoformat()}</published>
    <updated>{art.published.isoformat()}</updated>
    <author><name>{escape(art.source, quote=False)}</name></author>
    <content type="html">{content}</content>
  </entry>
"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Китай и Россия · 中俄新闻</title>
  <id>urn:example:china-russia</id>
  <updated>{ZH_PUBLISHED.isoformat()}</updated>
{"".join(entries)}</feed>
"""


_HTML_CHROME = {
    "zh": ("首页", "国际", "评论", "版权所有 新华网 未经授权禁止转载"),
    "zh-hant": ("首頁", "國際", "兩岸", "本網站之文字、圖片及影音，非經授權，不得轉載"),
    "ru": ("Главная", "В мире", "Экономика", "© 2018 МИА «Россия сегодня»"),
}


def _html(fixture: Fixture) -> str:
    [art] = fixture.articles
    if fixture.declared is None:
        charset = ""
    elif fixture.codec in ("cp1251", "koi8_r"):
        charset = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={fixture.declared}">\n'
        )
    else:
        charset = f'<meta charset="{fixture.declared}">\n'
    home, world, other, copyright_line = _HTML_CHROME[art.key]
    paragraphs = "".join(f"<p>{escape(p, quote=False)}</p>\n" for p in art.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{art.language}">
<head>
{charset}<title>{escape(art.title, quote=False)}</title>
<meta property="og:site_name" content="{escape(art.source)}">
<meta property="article:published_time" content="{art.published.isoformat()}">
<link rel="canonical" href="{art.url}">
</head>
<body>
<nav><ul><li><a href="/">{home}</a></li><li><a href="/world/">{world}</a></li>
<li><a href="/comment/">{other}</a></li></ul></nav>
<article>
<h1>{escape(art.title, quote=False)}</h1>
{paragraphs}</article>
<footer><p>{escape(copyright_line, quote=False)}</p></footer>
</body>
</html>
"""


def _text(fixture: Fixture) -> str:
    [art] = fixture.articles
    text = "\n\n".join((art.title, art.day_line, *art.paragraphs)) + "\n"
    if fixture.codec == "koi8_r":
        text = koi8_plain(text)
    return text.replace("\n", "\r\n") if fixture.codec == "cp1251" else text


def _markdown(fixture: Fixture) -> str:
    [art] = fixture.articles
    front = {
        "title": art.title,
        "date": art.day.isoformat(),
        "source": art.source,
        "language": art.language,
        "url": art.url,
    }
    lines = [
        "---",
        *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()),
        "---",
        "",
    ]
    return "\n".join(lines) + "\n\n".join(art.paragraphs) + "\n"


def _jsonl(fixture: Fixture) -> str:
    lines = []
    for art in fixture.articles:
        record = {
            "id": art.url.rsplit("/", 1)[-1],
            "title": art.title,
            "body": list(art.paragraphs),
            "date": art.published.isoformat(),
            "source": art.source,
            "language": art.language,
            "url": art.url,
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"
