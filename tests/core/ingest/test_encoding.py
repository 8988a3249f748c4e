"""Encoding detection: BOMs, declared charsets, and legacy encodings of news text."""

from __future__ import annotations

import codecs

import pytest

from reader.core.errors import IngestError
from reader.core.ingest import parse_bytes
from reader.core.ingest.encoding import decode

CHINESE_SIMPLIFIED = (
    "习近平同普京互致新年贺电\n\n"
    "新华社北京1月2日电 国家主席习近平同俄罗斯总统普京互致新年贺电。"
    "两国元首表示，将以建交70周年为契机，推动中俄关系取得新的发展。\n\n"
    "习近平在贺电中指出，过去一年，中俄高层交往更加密切，各领域务实合作取得丰硕成果。\n"
)
CHINESE_TRADITIONAL = (
    "習近平與普京互致新年賀電\n\n"
    "中央社台北2日電 中國國家主席習近平與俄羅斯總統普京互致新年賀電。"
    "兩國元首表示，將以建交七十週年為契機，推動雙邊關係取得新的發展。\n\n"
    "習近平在賀電中指出，過去一年，兩國高層交往更加密切，各領域務實合作取得豐碩成果。\n"
)
RUSSIAN = (
    "Путин и Си Цзиньпин обменялись поздравлениями\n\n"
    "МОСКВА, 1 января. Президент России Владимир Путин и председатель КНР Си Цзиньпин "
    "обменялись поздравлениями с Новым годом.\n\n"
    "Стороны договорились развивать сотрудничество в торговле и энергетике.\n"
)
FRENCH = (
    "Sommet franco-allemand à Paris\n\n"
    "Le président français a rencontré le chancelier allemand à l'Élysée. "
    "« Nous sommes d'accord sur l'essentiel », a-t-il déclaré après la réunion.\n\n"
    "Les deux dirigeants se retrouveront en décembre à Berlin.\n"
)
GERMAN_1252 = (
    "Regierung berät über Energiepreise\n\n"
    "Die Bundesregierung hat am Mittwoch über die Energiepreise beraten. Der Minister "
    "sagte, die Maßnahmen würden „zügig“ umgesetzt – für Bürger und Unternehmen.\n\n"
    "Die Entlastung kostet rund 5 Milliarden €.\n"
)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (FRENCH, "latin-1"),
        (GERMAN_1252, "cp1252"),
        (CHINESE_SIMPLIFIED, "gb2312"),
        (CHINESE_SIMPLIFIED, "gbk"),
        (CHINESE_SIMPLIFIED, "gb18030"),
        (CHINESE_TRADITIONAL, "big5"),
        (RUSSIAN, "koi8_r"),
        (RUSSIAN, "cp1251"),
    ],
)
def test_legacy_encodings_decode_correctly(text: str, codec: str) -> None:
    data = text.encode(codec)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the detection is really needed
    assert decode(data, "story.txt") == text
    [article] = parse_bytes(data, "story.txt").articles
    assert article.title == text.split("\n", 1)[0]
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize(
    ("word", "codec"),
    [
        ("Москва", "koi8_r"),
        ("Москва", "cp1251"),
        ("习近平会见普京", "gb2312"),
        ("習近平會見普京", "big5"),
        ("Café Zürich", "latin-1"),
    ],
)
def test_even_a_few_words_decode_correctly(word: str, codec: str) -> None:
    assert decode(word.encode(codec), "short.txt") == word


@pytest.mark.parametrize(
    ("bom_codec", "codec"),
    [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-32", "utf-32")],
)
def test_byte_order_marks_are_honoured_and_stripped(bom_codec: str, codec: str) -> None:
    data = RUSSIAN.encode(bom_codec)
    assert data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE))
    text = decode(data, "story.txt")
    assert text == RUSSIAN
    assert not text.startswith("\ufeff")


def test_utf16_without_bom_is_text_not_binary() -> None:
    data = FRENCH.encode("utf-16-le")
    assert decode(data, "story.txt") == FRENCH


def test_a_declared_html_charset_is_honoured() -> None:
    html = (
        '<html><head><meta charset="koi8-r"><title>Новости</title></head>'
        "<body><p>Путин</p></body></html>"
    )
    assert decode(html.encode("koi8_r"), "page.html") == html
    xml = '<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>Новости</title>'
    assert decode(xml.encode("cp1251"), "feed.xml") == xml


def test_a_wrong_declaration_falls_back_to_detection() -> None:
    html = '<html><head><meta charset="utf-8"></head><body><p>Le café de l\'Élysée</p>'
    assert decode(html.encode("cp1252"), "page.html") == html


def test_plain_utf8_and_ascii() -> None:
    assert decode("naïve — “quoted”".encode(), "a.txt") == "naïve — “quoted”"
    assert decode(b"plain ascii", "a.txt") == "plain ascii"


def test_undecodable_bytes_are_refused() -> None:
    junk = bytes(range(0x80, 0x100)) * 4 + bytes(range(1, 9)) * 8
    with pytest.raises(IngestError) as caught:
        parse_bytes(junk, "junk.txt")
    assert caught.value.path == "junk.txt"
    assert caught.value.reason


def test_a_stray_byte_in_ascii_text_does_not_stop_the_import() -> None:
    data = b"Talks resume\n\nNegotiators met again on Monday\x81 after a pause.\n"
    [article] = parse_bytes(data, "story.txt").articles
    assert article.title == "Talks resume"
    [paragraph] = article.paragraphs
    assert paragraph.startswith("Negotiators met again on Monday")
    assert paragraph.endswith(" after a pause.")
