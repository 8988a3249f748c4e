"""Text encoding detection.

Order: a byte-order mark; an encoding declared by an HTML ``<meta charset>`` or an XML
declaration; strict UTF-8; then the most plausible of a few legacy encodings common in
news text (GB18030/GBK/GB2312, Big5, Windows-1252/Latin-1, Windows-1251, KOI8-R, …) plus
charset-normalizer's guess. Plausibility is judged on the decoded text (a few sentences
are often too short for statistical detectors alone): control and unassigned characters,
rare ideographs, half-width katakana, words mixing scripts, Cyrillic case flips
(KOI8-R read as Windows-1251 and back) are all signs of a wrong guess.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from charset_normalizer import from_bytes

from reader.core.errors import IngestError

_SAMPLE = 1 << 16
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy encodings tried in order of preference (earlier wins a tie).
_CANDIDATES: tuple[str, ...] = (
    "gb18030",
    "cp950",
    "big5hkscs",
    "cp1252",
    "latin-1",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "cp932",
    "euc_jp",
    "cp949",
    "cp1250",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp874",
    "cp866",
    "mac_cyrillic",
)
# A declared name → the codecs to try for it (supersets first, as browsers do).
_DECLARED_ALIASES: dict[str, tuple[str, ...]] = {
    "ascii": ("cp1252", "latin-1"),
    "latin-1": ("cp1252", "latin-1"),
    "iso8859-1": ("cp1252", "latin-1"),
    "cp1252": ("cp1252", "latin-1"),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
    "shift_jis": ("cp932",),
    "euc_kr": ("cp949",),
    "iso8859-9": ("cp1254", "iso8859-9"),
}
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:\-]{1,40})["']"""
    rb"""|<meta[^>]{0,300}?charset\s*=\s*["']?([A-Za-z0-9._:\-]{1,40})""",
    re.IGNORECASE,
)
# How much implausibility (per non-ASCII character) is still a sensible text.
_MAX_PENALTY = 0.8
_TIE = 0.02


def decode(data: bytes, path: str) -> str:
    """The text of ``data``, without a leading byte-order mark.

    Raises :class:`IngestError` when no encoding gives sensible text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    path, f"the text is not valid {name.upper()} despite its byte-order mark"
                ) from exc
    if not data.strip(b"\x00") and data:
        raise IngestError(path, "this is a binary file (it contains NUL bytes), not text")

    if b"\x00" in data[:_SAMPLE]:
        # UTF-16 without a byte-order mark (binary files were refused before).
        for name in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if _penalty(text[: _SAMPLE // 2]) <= _MAX_PENALTY and "\x00" not in text:
                return text
        raise IngestError(path, "this is a binary file (it contains NUL bytes), not text")

    declared = _declared_encoding(data)
    for name in declared:
        try:
            return data.decode(name).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError):
            continue

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _mostly_utf8(data)
    if damaged is not None:
        return damaged
    return _best_guess(data, path)


def _declared_encoding(data: bytes) -> list[str]:
    head = data[:4096]
    if b"<" not in head:
        return []
    match = _DECLARED.search(head)
    if not match:
        return []
    label = (match.group(1) or match.group(2) or b"").decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return []
    if name.startswith(("utf-16", "utf-32")):
        return []  # a BOM-less document cannot really be UTF-16: the label is wrong
    if name == "utf-8":
        return ["utf-8"]
    return list(_DECLARED_ALIASES.get(name, (name,)))


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a truncated copy, one stray Latin-1 byte): decoded
    with replacement characters when the valid multi-byte sequences clearly dominate.

    Text in a legacy encoding forms valid UTF-8 sequences only by chance: fewer of them
    than invalid ones (at most 0.4 per invalid one in GB2312, Big5, Shift-JIS, EUC-KR or
    Thai news text; none at all in Cyrillic and Western European). Ten to one is far from
    that; it used to be fifty to one, and a UTF-8 article with three damaged bytes among
    a hundred accented letters was read as Mac Cyrillic, every letter of it wrong.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - text.count("\ufffd")
    if good >= 8 and bad * 10 <= good:
        return text
    return None


def _best_guess(data: bytes, path: str) -> str:
    sample = data[:_SAMPLE]
    candidates = list(_CANDIDATES)
    try:
        guess = from_bytes(sample).best()
    except Exception:  # the detector is a heuristic: its failure is not the file's
        guess = None
    if guess is not None and guess.encoding:
        try:
            name = codecs.lookup(guess.encoding).name
        except LookupError:
            name = ""
        if name and name not in candidates and not name.startswith(("utf-16", "utf-32")):
            candidates.append(name)

    scored: list[tuple[float, int, str]] = []
    for rank, name in enumerate(candidates):
        try:
            decoder = codecs.getincrementaldecoder(name)(errors="strict")
            text = decoder.decode(sample, final=len(sample) == len(data))
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_penalty(text[:20000]), rank, name))
    if not scored:
        raise IngestError(path, "cannot tell the text encoding (the bytes fit no known one)")
    best = min(p for p, _, _ in scored)
    high_bytes = len(data.translate(None, bytes(range(0x80))))
    if best > _MAX_PENALTY and high_bytes * 50 > len(data):
        # (A mostly-ASCII text with a few stray bytes is still read: those bytes are few.)
        raise IngestError(
            path, "cannot tell the text encoding (it does not decode to sensible text)"
        )
    for penalty, _rank, name in sorted(scored, key=lambda s: s[1]):
        if penalty > best + _TIE:
            continue
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise IngestError(path, "cannot tell the text encoding (it is mixed or damaged)")


# -- plausibility ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _common_ideographs() -> frozenset[str]:
    """Frequently used Han characters: GB2312 level 1, Big5 common, JIS level 1."""
    chars: set[str] = set()
    ranges = (
        ("gb2312", range(0xB0, 0xD8), (*range(0xA1, 0xFF),)),
        ("big5", range(0xA4, 0xC7), (*range(0x40, 0x7F), *range(0xA1, 0xFF))),
        ("shift_jis", range(0x88, 0x99), (*range(0x40, 0x7F), *range(0x80, 0xFD))),
    )
    for codec, leads, trails in ranges:
        for lead in leads:
            raw = b"".join(bytes((lead, trail)) for trail in trails)
            chars.update(raw.decode(codec, errors="ignore"))
    return frozenset(ch for ch in chars if _script(ch) == "han")


@lru_cache(maxsize=1)
def _uncommon_ideographs() -> frozenset[str]:
    """Han characters that are valid but less frequent (GB2312 level 2, Big5 level 2)."""
    chars: set[str] = set()
    ranges = (
        ("gb2312", range(0xD8, 0xF8), (*range(0xA1, 0xFF),)),
        ("big5", range(0xC9, 0xFA), (*range(0x40, 0x7F), *range(0xA1, 0xFF))),
    )
    for codec, leads, trails in ranges:
        for lead in leads:
            raw = b"".join(bytes((lead, trail)) for trail in trails)
            chars.update(raw.decode(codec, errors="ignore"))
    return frozenset(ch for ch in chars if _script(ch) == "han") - _common_ideographs()


_COMMON_MARKS = set(
    "“”‘’„‚«»‹›–—‐‑…•·€£¥¢°§©®™×÷±¶†‡′″¿¡"
    "。，、：；！？「」『』（）《》〈〉【】〔〕～·—…“”‘’％＃＆＊＋－／＝＠＼＿｜"
    "０１２３４５６７８９"
)


def _script(ch: str) -> str:
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o < 0x1F00:
        return "latin"
    if 0x370 <= o < 0x400 or 0x1F00 <= o < 0x2000:
        return "greek"
    if 0x400 <= o < 0x530:
        return "cyrillic"
    if 0x590 <= o < 0x600:
        return "hebrew"
    if 0x600 <= o < 0x700 or 0xFB50 <= o < 0xFF00:
        return "arabic" if not 0xFE30 <= o < 0xFE50 else "cjk-mark"
    if 0xE00 <= o < 0xE80:
        return "thai"
    if 0x3040 <= o < 0x3100 or 0x31F0 <= o < 0x3200:
        return "kana"
    if 0xAC00 <= o < 0xD7B0 or 0x1100 <= o < 0x1200 or 0x3130 <= o < 0x3190:
        return "hangul"
    if 0x4E00 <= o < 0xA000 or 0x3400 <= o < 0x4DC0 or 0xF900 <= o < 0xFB00 or o >= 0x20000:
        return "han"
    return "other"


_WORD = re.compile(r"[^\W\d_]+")


def _penalty(text: str) -> float:
    """Implausibility of a decoded text: 0 for clean text, higher for mojibake."""
    counted = 0
    bad = 0.0
    scripts: Counter[str] = Counter()
    common = _common_ideographs()
    uncommon = _uncommon_ideographs()
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            if o < 0x20 and ch not in "\t\n\r\x0c\x1b":
                counted += 1
                bad += 3
            continue
        counted += 1
        category = unicodedata.category(ch)
        if category in ("Cc", "Co", "Cn", "Cs"):
            bad += 4
            continue
        script = _script(ch)
        if category[0] == "L":
            scripts[script] += 1
            if script == "han":
                if ch not in common:
                    bad += 0.3 if ch in uncommon else 2
            elif 0xFF61 <= o <= 0xFF9F:
                bad += 2  # half-width katakana: rare in real text, common in mojibake
        elif category[0] == "M" or ch in _COMMON_MARKS or category == "Zs":
            pass
        elif 0x2500 <= o < 0x2600:
            bad += 2  # box drawing and block elements
        else:
            bad += 1
    if not counted:
        return 0.0
    if scripts:
        dominant = scripts.most_common(1)[0][0]
        for script, count in scripts.items():
            if script == dominant or script == "latin":
                continue
            if {script, dominant} <= {"han", "kana"}:
                bad += 0.2 * count
            elif {script, dominant} == {"han", "hangul"}:
                bad += 0.5 * count
            else:
                bad += count
    bad += _word_penalty(text)
    return bad / counted


def _word_penalty(text: str) -> float:
    bad = 0.0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word.isascii():
            continue
        scripts = {_script(ch) for ch in word}
        if "latin" in scripts and len(scripts) > 1 and any(ch.isascii() for ch in word):
            bad += 2  # "prιsident": Latin letters mixed with Greek/Cyrillic/…
        letters = [ch for ch in word if ch.isalpha()]
        if len(letters) >= 3 and scripts == {"latin"}:
            foreign = sum(1 for ch in letters if not ch.isascii())
            if foreign * 2 > len(letters):
                bad += 0.8 * foreign  # "Ïðåçèäåíò": Cyrillic read as Latin-1
        for prev, ch in itertools.pairwise(word):
            if prev.islower() and ch.isupper() and not (prev.isascii() and ch.isascii()):
                bad += 1  # "лНЯЙБЮ": KOI8-R read as Windows-1251 (and back)
        if "hangul" in scripts and len(word) > 12:
            bad += 0.5 * len(word)  # Korean words are short; GB2312 read as EUC-KR
    bad += 0.5 * len(re.findall(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text))
    return bad
