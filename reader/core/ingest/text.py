"""Plain text: one article per file.

Recognised around the body: a headline (a short first line), date lines (``date
2019-01-02``, ``Updated 21:09, 14-Sep-2018``, ``Published: March 3, 2020``,
``2018年9月11日``, ``发布时间：2018-09-11``, ``11 сентября 2018 года``), a by-line
(``By Jane Doe``), a dateline opening the first paragraph (``BEIJING •``, ``MOSCOW
(Reuters) -``, ``WASHINGTON, Jan 3 (Xinhua) --``, ``新华社北京9月11日电（记者 张三）``,
``（中央社台北11日電）``, ``МОСКВА, 11 сентября — РИА Новости.``, ``МОСКВА, 11 сентября.
/ТАСС/.``) and an all-caps credit line closing the text (``CHINA DAILY/ASIA NEWS
NETWORK`` becomes the source). The agency a dateline names becomes the source when the
text names none, and the reporters a Chinese dateline names the author. Paragraphs are blocks
separated by blank lines (hard-wrapped lines are joined), or single lines when the text
has no blank lines.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from pathlib import PurePath

from reader.core.ingest.normalize import (
    derive_title,
    normalize_newlines,
    normalize_paragraph,
    parse_date,
)
from reader.core.models import Article, ArticleDate

#: Longest line that can be a headline.
HEADLINE_MAX = 150

_EXTERNAL_ID = re.compile(r"\d+_([0-9a-f]{16})\.[A-Za-z0-9]+")
_DATE_KEYWORD = re.compile(
    r"(?:date|dated|updated|last updated|published|first published|posted|released|"
    r"issued|created|modified|filed|"
    r"发布时间|发布日期|更新时间|发表时间|日期|时间|發布時間|發佈時間|更新時間|發表時間|時間|"
    r"опубликовано|обновлено|дата публикации|дата)\b(?:\s+(?:on|at))?\s*(?:[:|：]\s*|\s+)",
    re.IGNORECASE,
)
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}\b")
# "года" / "г." after a Russian date's year belongs to the date.
_YEAR_WORD = re.compile(r"\A\s+(?:года|г\.)(?=[\s,;|]|\Z)")
_BYLINE = re.compile(r"by\s+(?P<name>.+)", re.IGNORECASE)
_NAME_PARTICLES = {
    "and", "&", "de", "da", "del", "della", "der", "den", "van", "von", "la", "le", "du",
    "bin", "binti", "al", "el", "y", "dos", "das", "ter", "zu",
}  # fmt: skip
_PLACE_WORD = r"[^\W\d_](?:[^\W\d_]|['’.\-])*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
#: A dateline is looked for in this many characters at the start of a paragraph.
DATELINE_MAX_CHARS = 160
_DATELINE = re.compile(
    # Words of a place are separated by spaces only: a hyphen is already part of a word
    # ("PORT-AU-PRINCE"), and letting it also separate words made the ways to split a
    # hyphenated run grow as its length to the fourth power (a 4,800-character
    # "AB-AB-…" paragraph took hours).
    rf"(?P<place>{_PLACE_WORD}(?: +{_PLACE_WORD}){{0,3}})"
    rf"(?:,\s*(?P<region>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}))?"
    rf"(?:,?\s+(?P<when>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    r"\s*(?:\((?P<agency>[^()\d]{2,40})\))?"
    r"\s*(?P<sep>•|·|—|–|--|-|:)\s+"
)
_AGENCY_ONLY = re.compile(r"\((?P<agency>[^\W\d_][^()\d]{1,39})\)\s*(?:•|·|—|–|--|-)\s+")
_CREDIT_LABEL = re.compile(r"(?:source|credit|courtesy(?: of)?)\s*:\s*(?P<source>.+)", re.I)
_SENTENCE_PUNCT = (".", "!", "?", ":", ";", ",", "。", "！", "？", "：", "；", "，")
# Short words kept upper-case in a title-cased credit line.
_ACRONYMS = {
    "AP", "AFP", "BBC", "CNN", "NHK", "TASS", "RIA", "UPI", "DPA", "ANSA", "EFE", "KCNA",
    "PTI", "IANS", "ANI", "AAP", "CBC", "ABC", "NBC", "CBS", "NPR", "PBS", "RT", "CGTN",
    "CCTV", "SCMP", "UN", "US", "UK", "EU", "USA", "NYT", "WSJ", "FT", "ANN", "IPS", "DW",
    "RFA", "VOA", "RFE", "RL", "SABC", "KBS", "MBC", "SBS", "TVB", "RTHK", "ABS", "CBN",
    "AA", "IRNA", "ISNA", "SANA", "WAM", "SPA", "KUNA", "MENA", "APA", "BNA", "ITAR",
}  # fmt: skip
_SMALL_WORDS = {"of", "and", "the", "for", "in", "on", "at", "to", "a", "an", "de", "du"}


@dataclass
class _Head:
    title: str | None = None
    date: ArticleDate | None = None
    author: str | None = None
    byline_source: str | None = None


def parse(text: str, path: str) -> tuple[list[Article], list[str]]:
    """One article from a plain text (no article when the text is blank)."""
    lines = [normalize_paragraph(line) for line in normalize_newlines(text).split("\n")]
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        return [], []
    blank_mode = any(b - a > 1 for a, b in itertools.pairwise(nonblank))

    head, body_start = _read_head(lines, blank_mode)
    paragraphs = _paragraphs(lines[body_start:], blank_mode)

    date = head.date
    author = head.author
    dateline: str | None = None
    agency: str | None = None
    if paragraphs and date is None:
        found = date_prefix(paragraphs[0])
        if found is not None:
            date, rest = found
            paragraphs[0] = rest
    if paragraphs:
        found_dateline = find_dateline(paragraphs[0])
        if found_dateline is not None:
            dateline, agency = found_dateline.place, found_dateline.agency
            paragraphs[0] = found_dateline.rest
            author = author or found_dateline.reporters
            date = date or found_dateline.date
    paragraphs = [p for p in paragraphs if p]

    source: str | None = None
    if len(paragraphs) >= 2:
        credit = credit_line(paragraphs[-1])
        if credit is not None:
            source = credit
            paragraphs.pop()
    source = source or head.byline_source or agency

    if not paragraphs:
        return [], []
    title = head.title
    derived = title is None
    if title is None:
        title = derive_title(paragraphs)
    article = Article(
        title=title,
        paragraphs=tuple(paragraphs),
        date=date,
        source=source,
        dateline=dateline,
        author=author,
        external_id=external_id_from_name(path),
        title_derived=derived,
    )
    return [article], []


def external_id_from_name(path: str) -> str | None:
    """``000_bd3a1e522d0c0aaa.txt`` → ``bd3a1e522d0c0aaa`` (the corpus naming)."""
    match = _EXTERNAL_ID.fullmatch(PurePath(path).name)
    return match.group(1) if match else None


# -- the head: headline, date lines, by-line ----------------------------------------


def _read_head(lines: list[str], blank_mode: bool) -> tuple[_Head, int]:
    """Headline, date and by-line at the top; returns them and where the body starts."""
    head = _Head()
    n = len(lines)

    def next_nonblank(i: int) -> int:
        while i < n and not lines[i]:
            i += 1
        return i

    i = next_nonblank(0)
    for _ in range(8):
        if i >= n:
            break
        line = lines[i]
        j = next_nonblank(i + 1)
        if head.date is None and (when := date_line(line)) is not None:
            head.date = when
        elif head.author is None and (by := byline(line)) is not None:
            head.author, head.byline_source = by
        elif (
            head.title is None
            and head.author is None
            and j < n
            and _is_headline(line, lines, i, j, blank_mode)
        ):
            head.title = line
        else:
            break
        i = j
    return head, i


def _typical_length(lines: list[str], blank_mode: bool) -> float:
    """The median length of the paragraphs after the first (a headline is much shorter)."""
    lengths = [len(p) for p in _paragraphs(lines, blank_mode)[1:]]
    return statistics.median(lengths) if lengths else 0


def _is_headline(line: str, lines: list[str], i: int, j: int, blank_mode: bool) -> bool:
    if len(line) > HEADLINE_MAX or not any(ch.isalpha() for ch in line):
        return False
    if dateline_prefix(line + " ") is not None:
        return False
    following = lines[j]
    blank_after = j > i + 1
    head_after = date_line(following) is not None or byline(following) is not None
    if blank_mode and not (blank_after or head_after):
        return False  # the first line of a hard-wrapped paragraph
    if not line.endswith(_SENTENCE_PUNCT):
        return True
    if not (blank_after or head_after):
        return False
    return len(line) * 2 < _typical_length(lines[j:], blank_mode)


def date_line(line: str) -> ArticleDate | None:
    """The date of a line that is only a date (with an optional keyword), else None."""
    found = date_prefix(line)
    if found is None or found[1]:
        return None
    return found[0]


def date_prefix(text: str) -> tuple[ArticleDate, str] | None:
    """A date opening ``text`` and the rest of the text after it.

    With a keyword (``date``, ``Updated``, ``Published:`` …) any date form is accepted;
    without one, the text must be only the date or start with an ISO day.
    """
    keyword = _DATE_KEYWORD.match(text)
    rest = text[keyword.end() :] if keyword else text
    if not rest or not re.match(r"[\w(]", rest):
        return None
    ends = [m.end() for m in itertools.islice(re.finditer(r"\S+", rest), 8)]
    found: tuple[int, ArticleDate] | None = None
    for k in range(len(ends), 0, -1):
        candidate = rest[: ends[k - 1]].rstrip(",;|")
        when = parse_date(candidate)
        if when is not None:
            found = (k, when)
            break
    if found is None:
        return None
    k, when = found
    # The shortest prefix giving the same date (trailing "at", "on" … are not part of it).
    for shorter in range(1, k):
        if parse_date(rest[: ends[shorter - 1]].rstrip(",;|")) == when:
            k = shorter
            break
    remainder = _YEAR_WORD.sub("", rest[ends[k - 1] :], count=1).lstrip(" ,;|")
    if not keyword and remainder and not _ISO_START.match(rest):
        return None
    return when, remainder


def byline(line: str) -> tuple[str, str | None] | None:
    """``By Jane Doe`` → ("Jane Doe", None); ``By Jane Doe, Reuters`` → ("Jane Doe",
    "Reuters"). None when the line is not a by-line."""
    match = _BYLINE.fullmatch(line)
    if not match:
        return None
    name = match.group("name").strip()
    extra: str | None = None
    parts = re.split(r"\s*(?:,|\||\s-\s|\s—\s)\s*", name, maxsplit=1)
    if len(parts) == 2:
        name, extra = parts[0], parts[1].strip() or None
    name = name.rstrip(".")
    words = name.split()
    if not 1 <= len(words) <= 6 or any(ch.isdigit() for ch in name):
        return None
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        if not word[0].isupper():
            return None
    if extra is not None and (len(extra.split()) > 4 or not extra[0].isupper()):
        extra = None
    return name, extra


# -- the body ----------------------------------------------------------------------


def _paragraphs(lines: list[str], blank_mode: bool) -> list[str]:
    if not blank_mode:
        return [line for line in lines if line]
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
        elif block:
            if _is_hard_wrapped(block):
                paragraphs.append(" ".join(block))
            else:
                paragraphs.extend(block)
            block = []
    return paragraphs


_TERMINAL = (".", "!", "?", '"', "”", "’", "»", ")", "。", "！", "？", "」", "』")


def _is_hard_wrapped(block: list[str]) -> bool:
    """Whether the lines of a block are one wrapped paragraph (the usual case) rather
    than one paragraph per line: every line but the last ending a sentence, with three or
    more lines or lines too long to be wrapped, says one paragraph per line."""
    if len(block) < 2:
        return True
    if not all(line.endswith(_TERMINAL) for line in block[:-1]):
        return True
    return not (len(block) >= 3 or max(map(len, block)) > 100)


# Chinese wire datelines: 新华社北京9月11日电（记者 张三 李四）, 中新网9月11日电,
# （中央社台北11日電）, 本报莫斯科9月10日电. The agency ends in 社, 网 or 报; the place may
# be absent; the month too (the day alone is usual in Taiwan); no year is given.
_ZH_DIGIT = "[0-9０-９]"
_ZH_DATELINE = re.compile(
    r"(?P<open>[（(【〔\[])?"
    r"(?P<agency>[\u4e00-\u9fff]{1,6}?(?:社|网|網|报|報))"
    r"(?P<place>[\u4e00-\u9fff·]{0,12}?)"
    rf"(?:{_ZH_DIGIT}{{1,2}}月)?{_ZH_DIGIT}{{1,2}}日(?:电|電)"
    r"(?![话話视視脑腦子力影台梯池站器])"  # 电话, 电视 …: a word, not a dateline
    r"(?(open)[）)】〕\]])"
    r"(?:\s*[（(](?:记者|記者)\s*(?P<reporters>[^（）()]{1,40}?)\s*[）)])?"
    r"[\s:：]*"
)
_ZH_OWN_PAPER = {"本报", "本報", "本网", "本網", "本社"}
# Russian wire datelines: МОСКВА, 11 сентября — РИА Новости. / МОСКВА, 11 сен — РИА
# Новости. / МОСКВА, 11 сентября. /ТАСС/. / МОСКВА, 1 января. (text).
_RU_MONTH = (
    r"(?:январ[яь]|феврал[яь]|март[а]?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|август[а]?|"
    r"сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь]|янв|февр?|мар|апр|июн|июл|авг|сент?|"
    r"окт|нояб?|дек)\.?"
)
_RU_DATELINE = re.compile(
    r"(?P<place>[А-ЯЁ][А-ЯЁ\-]+(?: [А-ЯЁ][А-ЯЁ\-]+){0,2}),\s+"
    rf"(?P<when>\d{{1,2}}\s+{_RU_MONTH}(?:\s+\d{{4}}(?:\s+(?:года|г\.))?)?)"
    r"(?:\s*(?:—|–|--|-)\s+(?:(?P<agency>[А-ЯЁA-Z][\w\-]*(?: [А-ЯЁA-Z][\w\-]*){0,2})\.\s+)?"
    r"|\.\s*/(?P<slashed>[^/\n]{2,30})/\.?\s*"
    r"|\.\s+)"
)


@dataclass
class Dateline:
    """What a dateline opening a paragraph says, and the paragraph without it."""

    place: str | None
    agency: str | None
    rest: str
    reporters: str | None = None
    date: ArticleDate | None = None


def dateline_prefix(paragraph: str) -> tuple[str | None, str | None, str] | None:
    """(dateline, agency, rest) when ``paragraph`` opens with a dateline, else None."""
    found = find_dateline(paragraph)
    return None if found is None else (found.place, found.agency, found.rest)


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening ``paragraph``: English, Chinese or Russian wire style."""
    found = _english_dateline(paragraph)
    if found is None:
        found = _chinese_dateline(paragraph) or _russian_dateline(paragraph)
    return found


def _chinese_dateline(paragraph: str) -> Dateline | None:
    match = _ZH_DATELINE.match(paragraph[:DATELINE_MAX_CHARS])
    if not match:
        return None
    agency = match["agency"]
    place = match["place"] or None
    if place and ("记者" in place or "記者" in place):
        place = None  # （中央社記者張三台北11日電）: name and place cannot be told apart
    reporters = normalize_paragraph(match["reporters"] or "") or None
    return Dateline(
        place=place,
        agency=None if agency in _ZH_OWN_PAPER else agency,
        rest=paragraph[match.end() :],
        reporters=reporters,
    )


def _russian_dateline(paragraph: str) -> Dateline | None:
    match = _RU_DATELINE.match(paragraph[:DATELINE_MAX_CHARS])
    if not match:
        return None
    agency = match["agency"] or match["slashed"]
    return Dateline(
        place=match["place"],
        agency=_agency(agency) if agency else None,
        rest=paragraph[match.end() :],
        date=parse_date(match["when"]),  # only when it states a year
    )


def _english_dateline(paragraph: str) -> Dateline | None:
    head = paragraph[:DATELINE_MAX_CHARS]
    match = _AGENCY_ONLY.match(head)
    if match:
        return Dateline(None, _agency(match.group("agency")), paragraph[match.end() :])
    match = _DATELINE.match(head)
    if not match:
        return None
    place = match.group("place").strip(" -")
    agency = match.group("agency")
    letters = [ch for ch in place if ch.isalpha()]
    if place != place.upper() or len(letters) < (2 if agency else 3):
        return None
    if match.group("sep") == ":" and not agency:
        return None
    region = match.group("region")
    dateline = f"{place}, {region}" if region else place
    return Dateline(dateline, _agency(agency) if agency else None, paragraph[match.end() :])


def _agency(text: str) -> str | None:
    agency = normalize_paragraph(text)
    return agency or None


def credit_line(paragraph: str) -> str | None:
    """The source named by a closing credit line, else None."""
    label = _CREDIT_LABEL.fullmatch(paragraph)
    if label:
        source = label.group("source").strip().rstrip(".")
        if 0 < len(source.split()) <= 8:
            return title_case(source) if source == source.upper() else source
        return None
    if len(paragraph) > 80:
        return None
    words = paragraph.split()
    if not 1 <= len(words) <= 8:
        return None
    if paragraph != paragraph.upper() or paragraph == paragraph.lower():
        return None
    if any(ch in paragraph for ch in '.!?:;"“”') or any(ch.isdigit() for ch in paragraph):
        return None
    return title_case(paragraph)


def title_case(text: str) -> str:
    """``CHINA DAILY/ASIA NEWS NETWORK`` → ``China Daily/Asia News Network``; acronyms such
    as AP, BBC or CCTV stay upper-case."""
    out: list[str] = []
    first = True
    for piece in re.split(r"([\s/]+)", text):
        if not piece:
            continue
        if piece.isspace() or set(piece) <= {"/", " "}:
            out.append(piece)
            if "/" in piece:
                first = True
            continue
        out.append(_title_word(piece, first))
        first = False
    return "".join(out)


def _title_word(word: str, first: bool) -> str:
    letters = "".join(ch for ch in word if ch.isalpha())
    if word in _ACRONYMS or letters in _ACRONYMS:
        return word
    if letters.isascii() and 1 < len(letters) <= 4 and not re.search("[AEIOUY]", letters):
        return word  # BBC, NHK, CCTV
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
