"""Text normalisation shared by every importer, titles, dates and small value cleaners."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit

from dateutil import parser as date_parser

from reader.core.models import ArticleDate

#: Longest derived title, the ellipsis included.
TITLE_MAX = 80

# Unicode spaces that become a plain space (NBSP, en/em spaces, thin spaces, …).
_SPACES = "\u00a0\u1680\u202f\u205f\u3000\t\x0b\x0c" + "".join(map(chr, range(0x2000, 0x200B)))
# Invisible characters that are dropped: zero-width space, word joiner, BOM (zero-width
# no-break space), soft hyphen, Mongolian vowel separator, invisible operators. ZWJ and
# ZWNJ are kept: they change the meaning of Persian, Indic and emoji text.
_DROP = "\u200b\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064"
_TRANSLATE = {ord(c): " " for c in _SPACES} | {ord(c): None for c in _DROP}
# Other control characters (C0 but tab/newline, DEL, C1) are dropped too.
_TRANSLATE |= {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D)}
_TRANSLATE |= dict.fromkeys(range(0x7F, 0xA0))
_TRANSLATE |= {0x2028: "\n", 0x2029: "\n\n"}
_WS = re.compile(r"\s+")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` (and Unicode line/paragraph separators) become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n\n")


def normalize_paragraph(text: str) -> str:
    """One paragraph: NFC, Unicode spaces → space, invisible characters dropped, runs of
    whitespace (newlines included) collapsed to one space, stripped."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    return _WS.sub(" ", text).strip()


def normalize_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Normalise each paragraph and drop the empty ones."""
    out: list[str] = []
    for paragraph in paragraphs:
        cleaned = normalize_paragraph(paragraph)
        if cleaned:
            out.append(cleaned)
    return out


def split_blank_line_blocks(text: str) -> list[str]:
    """Blocks of text separated by blank lines (lines inside a block joined by spaces)."""
    text = normalize_newlines(text)
    blocks = re.split(r"\n[ \t\u00a0\u3000]*\n", text)
    return normalize_paragraphs(blocks)


# -- titles ------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "col", "lt", "sgt", "capt",
    "gov", "sen", "rep", "rev", "hon", "pres", "vs", "etc", "no", "nos", "vol", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "inc", "ltd", "co", "corp", "bros", "dept", "univ", "approx", "est", "mt", "ft",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?](?:[\"”’')\]]*)(?=\s+|$)|[。！？](?:[”』」）]*)")


def first_sentence(paragraph: str) -> str:
    """The first sentence of ``paragraph`` (the whole paragraph when it has one)."""
    for match in _SENTENCE_END.finditer(paragraph):
        end = match.end()
        if paragraph[match.start()] == ".":
            before = paragraph[: match.start()]
            word = re.split(r"[\s(\"“‘']", before)[-1] if before else ""
            # "Mr." / "Jan." / "U.S." / "J. Smith" / "3.5" are not sentence ends.
            if (
                word.lower().rstrip(".") in _ABBREVIATIONS
                or re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word)
                or not word
            ):
                continue
        return paragraph[:end].strip()
    return paragraph.strip()


def shorten(text: str, limit: int = TITLE_MAX) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, adding "…"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    room = limit - 1  # for the ellipsis
    cut = text[: room + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space >= room // 2 else text[:room]  # no spaces: CJK text
    return cut.rstrip(" ,;:-–—·•/(").rstrip() + "…"


def derive_title(paragraphs: Iterable[str]) -> str:
    """A title for an article that has no headline: the first sentence of the first
    paragraph, at most :data:`TITLE_MAX` characters, cut at a word boundary with "…"."""
    for paragraph in paragraphs:
        paragraph = normalize_paragraph(paragraph)
        if not paragraph:
            continue
        sentence = first_sentence(paragraph)
        if sentence.endswith((".", "。")) and not sentence.endswith(".."):
            sentence = sentence[:-1].rstrip()
        return shorten(sentence) or shorten(paragraph)
    return ""


def clean_title(title: object) -> str | None:
    """A title as stated by metadata: a non-empty normalised string, else None."""
    if not isinstance(title, str | int | float) or isinstance(title, bool):
        return None
    cleaned = normalize_paragraph(str(title))
    return cleaned or None


# -- small values ------------------------------------------------------------------


def clean_text(value: object, limit: int = 500) -> str | None:
    """A short metadata string (source, author, …): normalised, or None when empty or not
    a plain scalar."""
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, str | int | float):
        return None
    cleaned = normalize_paragraph(str(value))
    if not cleaned:
        return None
    return cleaned[:limit]


def clean_url(value: object) -> str | None:
    """A web address when it is an absolute http(s) URL; anything else (``javascript:``,
    ``file:``, relative paths) is dropped."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > 4000 or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def clean_language(value: object) -> str | None:
    """A language tag such as ``en`` or ``zh-CN`` (``en_US`` → ``en-US``), else None."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", tag):
        return None
    head, _, rest = tag.partition("-")
    return head.lower() + ("-" + rest if rest else "")


def clean_tags(value: object) -> tuple[str, ...]:
    """Tags from a list of strings or a comma-separated string, deduplicated in order."""
    items: list[object]
    if isinstance(value, str):
        items = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return ()
    out: list[str] = []
    for item in items[:200]:
        tag = clean_text(item, limit=100)
        if tag and tag not in out:
            out.append(tag)
    return tuple(out)


# -- dates -------------------------------------------------------------------------

# Common zone abbreviations (dateutil warns about, then drops, names it does not know).
_TZINFOS: dict[str, tzinfo] = {
    "UTC": UTC,
    "UT": UTC,
    "GMT": UTC,
    "Z": UTC,
    "EST": timezone(timedelta(hours=-5)),
    "EDT": timezone(timedelta(hours=-4)),
    "CST": timezone(timedelta(hours=-6)),
    "CDT": timezone(timedelta(hours=-5)),
    "MST": timezone(timedelta(hours=-7)),
    "MDT": timezone(timedelta(hours=-6)),
    "PST": timezone(timedelta(hours=-8)),
    "PDT": timezone(timedelta(hours=-7)),
    "BST": timezone(timedelta(hours=1)),
    "CET": timezone(timedelta(hours=1)),
    "CEST": timezone(timedelta(hours=2)),
    "EET": timezone(timedelta(hours=2)),
    "EEST": timezone(timedelta(hours=3)),
    "MSK": timezone(timedelta(hours=3)),
    "IST": timezone(timedelta(hours=5, minutes=30)),
    "SGT": timezone(timedelta(hours=8)),
    "HKT": timezone(timedelta(hours=8)),
    "JST": timezone(timedelta(hours=9)),
    "KST": timezone(timedelta(hours=9)),
    "AEST": timezone(timedelta(hours=10)),
    "AEDT": timezone(timedelta(hours=11)),
}
# Two different defaults: a field that differs between the two parses was not stated.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Chinese and Japanese dates: 2018年9月11日, 2018年09月11日 20:15, 2018年9月11日20时15分.
_CJK_DATE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时時点點]\s*(?P<M>\d{2})\s*分?(?:\s*[:：]\s*(?P<S>\d{2})\s*秒?)?)?"
)
# Russian dates: 11 сентября 2018 года, 11 сентября 2018 г., 11 сен 2018, 13:05.
_RUSSIAN_MONTHS: dict[str, int] = {
    form: number
    for number, forms in enumerate(
        (
            "январь января янв",
            "февраль февраля фев февр",
            "март марта мар",
            "апрель апреля апр",
            "май мая",
            "июнь июня июн",
            "июль июля июл",
            "август августа авг",
            "сентябрь сентября сен сент",
            "октябрь октября окт",
            "ноябрь ноября ноя нояб",
            "декабрь декабря дек",
        ),
        start=1,
    )
    for form in forms.split()
}
_RUSSIAN_DATE = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<month>[а-яё]+)\.?\s+(?P<y>\d{4})(?:\s*(?:года|год|г)\.?)?"
    r"(?:,?\s*(?:в\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?",
    re.IGNORECASE,
)
_MIN_YEAR = 1800
_MAX_YEAR = 2200


def _dateutil(text: str, default: datetime, dayfirst: bool) -> datetime | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnknownTimezoneWarning: the name is dropped
        try:
            return date_parser.parse(
                text, default=default, tzinfos=_TZINFOS, dayfirst=dayfirst, fuzzy=False
            )
        except (ValueError, OverflowError, TypeError, date_parser.ParserError):
            return None


def parse_date(text: str, *, dayfirst: bool = False) -> ArticleDate | None:
    """A date as stated in ``text``, or None.

    A day without a time gives a bare :class:`~datetime.date`; a time gives a datetime,
    aware when an offset or a known zone name is stated. A string missing the year, the
    month or the day is not a date (nothing is invented).
    """
    text = normalize_paragraph(text)
    if not text or len(text) > 80 or not re.search(r"\d", text):
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return _checked(ArticleDate(date.fromisoformat(text)))
        except ValueError:
            return None
    native = _native_date(text)
    if native is not None:
        return native
    first = _dateutil(text, _DEFAULT_A, dayfirst)
    second = _dateutil(text, _DEFAULT_B, dayfirst)
    if first is None or second is None:
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None  # the year, month or day was not stated
    if (first.hour, first.minute) != (second.hour, second.minute):
        return _checked(ArticleDate(first.date()))  # no time of day was stated
    value = first
    offset = value.utcoffset()
    if offset is not None:
        value = value.replace(tzinfo=UTC if not offset else timezone(offset))
    return _checked(ArticleDate(value))


def _native_date(text: str) -> ArticleDate | None:
    """A Chinese (``2018年9月11日``) or Russian (``11 сентября 2018 года``) date: the
    whole of ``text``, else None. A time of day is kept (no zone: none is stated)."""
    match = _CJK_DATE.fullmatch(text)
    month: int | None = None
    if match:
        month = int(match["m"])
    else:
        match = _RUSSIAN_DATE.fullmatch(text)
        if match:
            month = _RUSSIAN_MONTHS.get(match["month"].lower())
    if match is None or month is None:
        return None
    try:
        day = date(int(match["y"]), month, int(match["d"]))
        if match["H"] is None:
            return _checked(ArticleDate(day))
        moment = datetime(
            day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0)
        )
    except ValueError:
        return None
    return _checked(ArticleDate(moment))


def _checked(value: ArticleDate) -> ArticleDate | None:
    year = value.value.year
    return value if _MIN_YEAR <= year <= _MAX_YEAR else None


def date_from_value(value: object) -> ArticleDate | None:
    """A date from a metadata value: a string, a :class:`date` or a :class:`datetime`
    (as YAML loads them), or a Unix timestamp is not accepted (ambiguous)."""
    if isinstance(value, datetime):
        return _checked(ArticleDate(value))
    if isinstance(value, date):
        return _checked(ArticleDate(value))
    if isinstance(value, str):
        return parse_date(value)
    return None
