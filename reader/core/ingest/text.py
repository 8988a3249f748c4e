"""Plain text: one article per file.

Recognised around the body: a headline (a short first line), date lines (``date
2019-01-02``, ``Updated 21:09, 14-Sep-2018``, ``Published: March 3, 2020``), a by-line
(``By Jane Doe``), a dateline opening the first paragraph (``BEIJING •``, ``MOSCOW
(Reuters) -``, ``WASHINGTON, Jan 3 (Xinhua) --``) and an all-caps credit line closing the
text (``CHINA DAILY/ASIA NEWS NETWORK`` becomes the source). Paragraphs are blocks
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
    r"issued|created|modified|filed)\b(?:\s+(?:on|at))?\s*(?:[:|]\s*|\s+)",
    re.IGNORECASE,
)
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}\b")
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
    dateline: str | None = None
    agency: str | None = None
    if paragraphs and date is None:
        found = date_prefix(paragraphs[0])
        if found is not None:
            date, rest = found
            paragraphs[0] = rest
    if paragraphs:
        found_dateline = dateline_prefix(paragraphs[0])
        if found_dateline is not None:
            dateline, agency, paragraphs[0] = found_dateline
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
        author=head.author,
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
    remainder = rest[ends[k - 1] :].lstrip(" ,;|")
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


def dateline_prefix(paragraph: str) -> tuple[str | None, str | None, str] | None:
    """(dateline, agency, rest) when ``paragraph`` opens with a dateline, else None."""
    head = paragraph[:DATELINE_MAX_CHARS]
    match = _AGENCY_ONLY.match(head)
    if match:
        return None, _agency(match.group("agency")), paragraph[match.end() :]
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
    return dateline, _agency(agency) if agency else None, paragraph[match.end() :]


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
