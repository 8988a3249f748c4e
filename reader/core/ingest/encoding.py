"""Text encoding detection.

Order: a byte-order mark; an encoding declared by an HTML ``<meta charset>`` or an XML
declaration (labels as browsers read them: ``gb2312`` means GBK/GB18030, ``big5`` means
cp950/Big5-HKSCS, ``x-gbk``, ``koi8`` and ``x-cp1251`` are understood); strict UTF-8; then
the most plausible of a few legacy encodings common in news text (GB18030/GBK/GB2312,
Big5, Windows-1252/Latin-1, Windows-1251, KOI8-R, …) plus charset-normalizer's guess.

Plausibility is judged on the decoded text (a few sentences are often too short for
statistical detectors alone): control and unassigned characters, ideographs that are
rare in the encoding that produced them, half-width katakana, words mixing scripts,
punctuation glued to the front of words, Cyrillic case flips and Cyrillic letters far
from Russian letter frequencies (KOI8-R read as Windows-1251 and back, Mac Cyrillic) are
all signs of a wrong guess. Bytes themselves say something too: GB2312 never uses a
second byte below 0x80, which nearly half of Big5's characters do.

A declaration is not the last word either: a file that is valid UTF-8 is read as UTF-8
whatever it declares, and a declared encoding that gives clearly implausible text (a
Windows-1251 page declared ISO-8859-1, a Big5 page declared GB2312) gives way to a
clearly better guess.
"""

from __future__ import annotations

import codecs
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
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
# Labels pages and feeds use that Python does not know (the WHATWG Encoding Standard's
# names), each → the Python codec name it means.
_LABELS: dict[str, str] = {
    "gb_2312": "gbk",
    "gb_2312-80": "gbk",
    "csgb2312": "gbk",
    "x-gbk": "gbk",
    "windows-936": "gbk",
    "x-euc-cn": "gbk",
    "cn-big5": "big5",
    "x-x-big5": "big5",
    "x-big5": "big5",
    "windows-950": "big5",
    "koi": "koi8-r",
    "koi8": "koi8-r",
    "koi8-ru": "koi8-u",
    "x-cp1251": "cp1251",
    "win-1251": "cp1251",
    "windows1251": "cp1251",
    "win1251": "cp1251",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "windows-949": "cp949",
    "windows-874": "cp874",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
}
# A declared codec (Python's name) → the codecs to try for it (supersets first, as
# browsers do: a page declared GB2312 is really GBK more often than not, and Big5 pages
# use Microsoft's and Hong Kong's extensions).
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
    "big5hkscs": ("big5hkscs", "cp950"),
    "shift_jis": ("cp932",),
    "euc_kr": ("cp949",),
    "iso8859-9": ("cp1254", "iso8859-9"),
    "tis-620": ("cp874",),
    "iso8859-11": ("cp874",),
}
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:\-]{1,40})["']"""
    rb"""|<meta[^>]{0,300}?charset\s*=\s*["']?([A-Za-z0-9._:\-]{1,40})""",
    re.IGNORECASE,
)
# How much implausibility (per non-ASCII character) is still a sensible text.
_MAX_PENALTY = 0.8
_TIE = 0.02
# A declared encoding whose text is this implausible is checked against a guess, which
# replaces it when it is at most half as implausible.
_DOUBTFUL_DECLARATION = 0.3
# Valid UTF-8 with at least this many multi-byte characters is UTF-8, whatever the file
# declares (legacy text forms a few valid sequences only by chance).
_UTF8_EVIDENCE = 4


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
    if declared and declared != ["utf-8"]:
        utf8 = _clearly_utf8(data)
        if utf8 is not None:
            return utf8  # a template's stale declaration on a page saved as UTF-8
    for name in declared:
        try:
            text = data.decode(name).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError):
            continue
        return _checked_declaration(data, text, name)

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
    label = (match.group(1) or match.group(2) or b"").decode("ascii").strip().lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
    except LookupError:
        return []
    if name.startswith(("utf-16", "utf-32")):
        return []  # a BOM-less document cannot really be UTF-16: the label is wrong
    if name == "utf-8":
        return ["utf-8"]
    return list(_DECLARED_ALIASES.get(name, (name,)))


def _clearly_utf8(data: bytes) -> str | None:
    """The text when ``data`` is valid UTF-8 with enough multi-byte characters to say so."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    multibyte = len(data) - len(text)  # extra bytes: at least one per non-ASCII character
    return text if multibyte >= _UTF8_EVIDENCE else None


def _checked_declaration(data: bytes, text: str, name: str) -> str:
    """The declared decoding, unless it is clearly implausible and a guess is clearly
    better (a declaration copied from a template, a server default)."""
    if name == "utf-8":
        return text  # valid UTF-8 is what it says
    penalty = _penalty(text[:20000], name)
    if penalty <= _DOUBTFUL_DECLARATION:
        return text
    try:
        guess = _guess(data)
    except _Undecodable:
        return text
    if guess is None:
        return text
    guessed, guessed_penalty = guess
    if guessed_penalty * 2 < penalty and guessed_penalty <= _MAX_PENALTY:
        return guessed
    return text


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
    try:
        guess = _guess(data)
    except _Undecodable as exc:
        raise IngestError(path, str(exc)) from exc
    if guess is None:
        raise IngestError(path, "cannot tell the text encoding (it is mixed or damaged)")
    return guess[0]


class _Undecodable(Exception):
    pass


def _guess(data: bytes) -> tuple[str, float] | None:
    """The most plausible decoding of ``data`` and its implausibility; None when the
    plausible decodings fail on the rest of the data. Raises :class:`_Undecodable` when
    no encoding gives sensible text."""
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
        scored.append((_penalty(text[:20000], name), rank, name))
    gb = [penalty for penalty, _, name in scored if name == "gb18030"]
    if gb and gb[0] <= _DOUBTFUL_DECLARATION:
        # A sensible GB reading: do the bytes look like Big5's at all?
        doubt = _big5_doubt(sample)
        scored = [
            (penalty + doubt if _family(name) == "big5" else penalty, rank, name)
            for penalty, rank, name in scored
        ]
    if not scored:
        raise _Undecodable("cannot tell the text encoding (the bytes fit no known one)")
    best = min(p for p, _, _ in scored)
    high_bytes = len(data.translate(None, bytes(range(0x80))))
    if best > _MAX_PENALTY and high_bytes * 50 > len(data):
        # (A mostly-ASCII text with a few stray bytes is still read: those bytes are few.)
        raise _Undecodable("cannot tell the text encoding (it does not decode to sensible text)")
    for penalty, _rank, name in sorted(scored, key=lambda s: s[1]):
        if penalty > best + _TIE:
            continue
        try:
            return data.decode(name), penalty
        except UnicodeDecodeError:
            continue
    return None


_BIG5_PAIR = re.compile(rb"[\x81-\xfe][\x40-\x7e\xa1-\xfe]")


def _big5_doubt(sample: bytes) -> float:
    """Implausibility (per character) of reading ``sample`` as Big5, from its bytes.

    Nearly half of the characters of Big5 text (45% in news) have a second byte below
    0x80; GB2312 and EUC text never has one. A run of characters without any such byte
    is GB2312 read as Big5, however common the ideographs it happens to give.
    """
    pairs = _BIG5_PAIR.findall(sample)
    if len(pairs) < 6:
        return 0.0
    low = sum(1 for pair in pairs if pair[1] < 0x80)
    # log P(bytes | Big5) - log P(bytes | GB), with 45% and 3% (GBK's rarer characters).
    evidence = low * math.log(0.45 / 0.03) + (len(pairs) - low) * math.log(0.55 / 0.97)
    return max(0.0, -evidence) * 0.5 / len(pairs)


# -- plausibility ------------------------------------------------------------------


def _family(codec: str | None) -> str | None:
    """Which Han character tiers judge a decoding by ``codec``."""
    if codec is None:
        return None
    name = codecs.lookup(codec).name
    if name in ("gb18030", "gbk", "gb2312", "hz"):
        return "gb"
    if name in ("cp950", "big5", "big5hkscs"):
        return "big5"
    if name in ("cp932", "shift_jis", "euc_jp", "shift_jis_2004", "euc_jis_2004"):
        return "jis"
    if name in ("cp949", "euc_kr", "johab"):
        return "kr"
    return None


def _han_of(codec: str, leads: Iterable[int], trails: tuple[int, ...]) -> frozenset[str]:
    raw = b"".join(bytes((lead, trail)) for lead in leads for trail in trails)
    return frozenset(ch for ch in raw.decode(codec, errors="ignore") if _script(ch) == "han")


_GB_TRAILS = (*range(0xA1, 0xFF),)
_BIG5_TRAILS = (*range(0x40, 0x7F), *range(0xA1, 0xFF))
_SJIS_TRAILS = (*range(0x40, 0x7F), *range(0x80, 0xFD))
_GBK_TRAILS = (*range(0x40, 0x7F), *range(0x80, 0xFF))


@lru_cache(maxsize=8)
def _han_tiers(family: str | None) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(frequent, less frequent, known) Han characters of an encoding family: what its
    own users write most (GB2312 level 1, Big5 level 1, JIS level 1), less often
    (level 2) and at all (GBK, Big5-HKSCS, JIS X 0208 / CP932, KS X 1001)."""
    if family == "gb":
        frequent = _han_of("gb2312", range(0xB0, 0xD8), _GB_TRAILS)
        rare = _han_of("gb2312", range(0xD8, 0xF8), _GB_TRAILS)
        known = _han_of("gbk", range(0x81, 0xFF), _GBK_TRAILS)
    elif family == "big5":
        frequent = _han_of("big5", range(0xA4, 0xC7), _BIG5_TRAILS)
        rare = _han_of("big5", range(0xC9, 0xFA), _BIG5_TRAILS)
        known = _han_of("big5hkscs", range(0x87, 0xFF), _BIG5_TRAILS)
    elif family == "jis":
        frequent = _han_of("shift_jis", range(0x88, 0x99), _SJIS_TRAILS)
        rare = _han_of("cp932", (*range(0x99, 0xA0), *range(0xE0, 0xFD)), _SJIS_TRAILS)
        known = rare
    elif family == "kr":
        frequent = frozenset()
        rare = _han_of("euc_kr", range(0xCA, 0xFE), _GB_TRAILS)  # hanja: rare in Korean news
        known = rare
    else:
        frequent = frozenset().union(*(_han_tiers(f)[0] for f in ("gb", "big5", "jis")))
        rare = frozenset().union(*(_han_tiers(f)[1] for f in ("gb", "big5"))) - frequent
        known = rare
    return frequent, rare - frequent, known | rare | frequent


@lru_cache(maxsize=1)
def _common_hangul() -> frozenset[str]:
    """The 2,350 Hangul syllables of KS X 1001 (the rest are rare in real text)."""
    raw = b"".join(bytes((lead, trail)) for lead in range(0xB0, 0xC9) for trail in _GB_TRAILS)
    return frozenset(raw.decode("euc_kr", errors="ignore"))


# Letter frequencies (per cent) of news text in the alphabets legacy encodings give.
# A decoding whose letters are far from them is a wrong one: KOI8-R read as Windows-1251
# ("ОПЧПУФЙ" for "новости") has all the right letters in all the wrong proportions.
_LETTER_FREQUENCIES: dict[str, dict[str, float]] = {
    # Russian, with the letters other Cyrillic alphabets add.
    "cyrillic": {
        "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47,
        "р": 4.73, "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81,
        "у": 2.62, "я": 2.01, "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59,
        "ч": 1.44, "й": 1.21, "х": 0.97, "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48,
        "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.5, "ё": 0.2, "і": 2.0, "ї": 0.5,
        "є": 0.4, "ў": 0.5, "ј": 1.0, "љ": 0.3, "њ": 0.3, "ћ": 0.3, "ґ": 0.05,
        "ђ": 0.1, "џ": 0.05, "ѓ": 0.05, "ќ": 0.05, "ѕ": 0.05,
    },
    # Greek (σ counts ς too).
    "greek": {
        "α": 10.5, "ο": 8.6, "ι": 7.9, "ε": 7.5, "τ": 7.8, "σ": 7.4, "ν": 6.6, "η": 4.6,
        "υ": 3.8, "ρ": 4.6, "π": 4.0, "κ": 4.0, "μ": 3.3, "λ": 2.7, "ω": 1.5, "γ": 1.8,
        "δ": 1.7, "θ": 1.2, "χ": 1.1, "φ": 0.8, "β": 0.6, "ξ": 0.4, "ζ": 0.4, "ψ": 0.2,
        "ά": 1.9, "έ": 1.4, "ή": 1.2, "ί": 1.7, "ό": 1.7, "ύ": 0.7, "ώ": 0.6, "ϊ": 0.05,
        "ϋ": 0.02,
    },
    # Arabic, with the letters Persian writes instead or adds.
    "arabic": {
        "ا": 12.5, "ل": 10.5, "ي": 5.5, "ی": 3.0, "م": 6.0, "و": 6.0, "ن": 5.5,
        "ه": 3.5, "ر": 4.5, "ب": 4.0, "ت": 4.0, "ع": 3.0, "ف": 2.8, "ق": 2.2, "د": 3.0,
        "س": 2.4, "ة": 2.8, "ك": 1.6, "ک": 1.0, "ح": 1.8, "أ": 2.4, "ج": 1.4, "إ": 0.9,
        "ى": 0.9, "ش": 1.0, "ص": 0.9, "خ": 0.8, "ط": 0.8, "ز": 0.6, "ث": 0.5, "غ": 0.4,
        "ض": 0.5, "ذ": 0.6, "ظ": 0.3, "ء": 0.4, "ئ": 0.3, "ؤ": 0.15, "آ": 0.2,
        "پ": 0.3, "چ": 0.3, "گ": 0.4, "ژ": 0.05,
    },
    "hebrew": {
        "י": 10.5, "ו": 10.0, "ה": 8.5, "ל": 6.5, "מ": 5.5, "א": 6.0, "ר": 5.5,
        "ב": 5.0, "ת": 5.0, "ש": 4.5, "נ": 4.0, "ע": 3.0, "ד": 2.5, "כ": 2.2, "ח": 2.5,
        "ק": 2.0, "ם": 2.5, "פ": 1.5, "ס": 1.5, "ג": 1.5, "ן": 1.5, "ט": 1.2, "צ": 1.0,
        "ז": 0.8, "ך": 0.5, "ף": 0.3, "ץ": 0.2,
    },
    # Thai letters (the vowel and tone marks written above and below are not letters).
    "thai": {
        "า": 8.0, "น": 6.5, "ร": 5.5, "อ": 5.0, "ก": 5.0, "ง": 4.0, "ม": 4.0, "เ": 4.0,
        "ย": 3.0, "ว": 3.0, "ด": 3.0, "ล": 3.0, "ท": 2.5, "ส": 2.5, "ห": 2.5, "บ": 2.0,
        "ต": 2.0, "ค": 2.0, "ข": 1.5, "ป": 1.5, "ะ": 1.5, "จ": 1.5, "แ": 1.5, "ไ": 1.5,
        "พ": 1.5, "ำ": 1.5, "โ": 1.0, "ใ": 1.0, "ช": 1.0, "ถ": 0.6, "ผ": 0.5, "ซ": 0.4,
        "ศ": 0.4, "ธ": 0.4, "ภ": 0.4, "ณ": 0.4, "ษ": 0.3, "ญ": 0.3, "ๆ": 0.3, "ฝ": 0.2,
        "ฟ": 0.2, "ฉ": 0.2, "ฐ": 0.1, "ฑ": 0.1, "ฒ": 0.1, "ฮ": 0.1, "ฤ": 0.05,
        "ฏ": 0.05, "ฎ": 0.05, "ฯ": 0.05,
    },
}  # fmt: skip


def _letter_model(frequencies: dict[str, float]) -> tuple[dict[str, float], float]:
    """(bits of information per letter, their average in text of the language)."""
    total = sum(frequencies.values())
    bits = {ch: -math.log2(f / total) for ch, f in frequencies.items()}
    return bits, sum(f / total * bits[ch] for ch, f in frequencies.items())


_LETTER_MODELS = {script: _letter_model(f) for script, f in _LETTER_FREQUENCIES.items()}
#: Information of a letter the model does not list (rarer than any it lists).
_UNLISTED_LETTER_BITS = 13.0
#: A letter carrying more information than this costs on its own ("Џутин": the Mac
#: Cyrillic "П" read as Windows-1251), however ordinary the rest of the text.
_RARE_LETTER_BITS = 9.5


def _letter_excess(script: str, count: int, bits: float) -> float:
    """Implausibility of ``count`` letters of ``script`` carrying ``bits`` in all: what
    their average exceeds the language's by, beyond what chance gives a text that long."""
    allowed = _LETTER_MODELS[script][1] + _EXCESS_MARGIN + _EXCESS_CHANCE / math.sqrt(count)
    return max(0.0, bits / count - allowed) * count


_EXCESS_MARGIN = 0.25
_EXCESS_CHANCE = 1.0
_CYRILLIC_VOWELS = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")
# Russian text is 43% vowels; words never start with ь, ъ or ы.
_VOWEL_SHARE = 0.43
_NO_WORD_STARTS = re.compile(r"(?<![^\W\d_])[ьъыЬЪЫ]")


def _cyrillic_shape(text: str, count: int) -> float:
    """Implausibility of the Cyrillic letters of ``text`` (``count`` of them) beyond
    their frequencies: too few or too many vowels, words opening with a soft sign, a long
    text all in capitals (Hebrew, Greek or Arabic read as KOI8-R: "ЬЮЫ ДННЫЛД ПТБЫ")."""
    bad = float(len(_NO_WORD_STARTS.findall(text)))
    cyrillic = [ch for ch in text if "\u0400" <= ch < "\u0530" and ch.isalpha()]
    vowels = sum(1 for ch in cyrillic if ch in _CYRILLIC_VOWELS)
    if count >= 8:
        bad += max(0.0, abs(vowels / count - _VOWEL_SHARE) - 0.2) * count * 2
    upper = sum(1 for ch in cyrillic if ch.isupper())
    if count >= 12 and upper * 10 > count * 9:
        bad += 0.3 * count
    return bad


_COMMON_MARKS = set(
    "“”‘’„‚«»‹›–—‐‑…•·€£¥¢°§©®™×÷±¶†‡′″¿¡"
    "。，、：；！？「」『』（）《》〈〉【】〔〕～·—…“”‘’％＃＆＊＋－／＝＠＼＿｜"
    "０１２３４５６７８９"
)
# Signs that never touch a letter: Mac Cyrillic capitals read as Windows-1251 become
# some ("‚ладивосток", "сп≥впрац€"), Cyrillic read as Arabic others ("ر×ة×").
_MARKS_APART = "‚†‡€‰•™¬√≈∆≥≤¤÷×§¦¶‹›"
_MARK_AT_A_LETTER = re.compile(rf"(?<=[^\W\d_])[{_MARKS_APART}]|[{_MARKS_APART}](?=[^\W\d_])")
# ... nor stand alone between words ("В переговорах" in Mac Cyrillic read as
# Windows-1251: "‚ переговорах"; "в" in KOI8-R read as Windows-1256: "×").
_MARK_BETWEEN_WORDS = re.compile(r"(?<=[^\W\d_] )[‚×÷](?= [^\W\d_])|(?:^|(?<=\s))‚(?=\s)")
# A dash opening a word ("–зиньпин": a Mac Cyrillic capital read as Windows-1251).
_DASH_OPENING_A_WORD = re.compile(r"(?:^|(?<=\s))[–—](?=[^\W\d_])")
# Signs that never stand between two letters, nor do Hebrew direction marks.
_NEVER_INSIDE_A_WORD = re.compile(r"(?<=[^\W\d_])[©®°±\u200e\u200f](?=[^\W\d_])")
# Letters written only at the end of a word (Greek ς, Arabic ة ى, Hebrew final forms),
# and the Hebrew letters that take a final form there instead.
_FINAL_ONLY = "ςةىךםןףץ"
_NOT_FINAL_HEBREW = "כמנפצ"
# Cyrillic letters that Serbian and Macedonian have and Russian lacks, and letters of
# Russian (and Bulgarian, Ukrainian) they lack; likewise Ukrainian and Russian. A text
# using both is Mac Cyrillic read as Windows-1251 ("ђоссией") or the like.
_SERBIAN_ONLY = set("ђјљњћџѓќѕЂЈЉЊЋЏЃЌЅ")
_NOT_SERBIAN = set("йяющьыэёъЙЯЮЩЬЫЭЁЪ")
_UKRAINIAN_ONLY = set("їєґЇЄҐ")
_NOT_UKRAINIAN = set("ыэёъЫЭЁЪ")
# Letters that are valid but (nearly) never written: Greek ΰ ΐ (Russian "а" read as
# Greek), Urdu letters in a Windows-1256 text.
_RARE_LETTERS = set("ΰΐٹڈڑںہھے")
_ARABIC_VOWEL_MARKS = re.compile("[\u064b-\u0652]")
# A Thai vowel or tone mark written above or below must follow a consonant or another
# such mark; a leading vowel must be followed by a consonant.
_THAI_MARK = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_THAI_MISPLACED = re.compile(
    rf"(?:^|(?<=[^\u0e01-\u0e2e{_THAI_MARK}]))[{_THAI_MARK}]|[\u0e40-\u0e44](?![\u0e01-\u0e2e])"
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


def _penalty(text: str, codec: str | None = None) -> float:
    """Implausibility of a decoded text: 0 for clean text, higher for mojibake.

    ``codec`` (the encoding that produced the text) decides which ideographs count as
    frequent: GB2312 text read as Big5 gives Big5 characters, common ones too.
    """
    counted = 0
    bad = 0.0
    scripts: Counter[str] = Counter()
    family = _family(codec)
    frequent, rare, known = _han_tiers(family)
    hangul = _common_hangul()
    letters: Counter[str] = Counter()
    bits: dict[str, float] = dict.fromkeys(_LETTER_MODELS, 0.0)
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
                if ch not in frequent:
                    bad += 0.3 if ch in rare else 0.8 if ch in known else 2
            elif script == "hangul":
                if ch not in hangul:
                    bad += 1  # a syllable outside KS X 1001, or a lone jamo
            elif 0xFF61 <= o <= 0xFF9F:
                bad += 2  # half-width katakana: rare in real text, common in mojibake
            elif ch in _RARE_LETTERS or 0xFB50 <= o < 0xFE00 or 0xFE70 <= o < 0xFF00:
                bad += 1  # (Arabic presentation forms: legacy visual encodings only)
            if script in _LETTER_MODELS:
                letters[script] += 1
                lower = "σ" if ch == "ς" else ch.lower()
                info = _LETTER_MODELS[script][0].get(lower, _UNLISTED_LETTER_BITS)
                bits[script] += info
                if info > _RARE_LETTER_BITS:
                    bad += (info - _RARE_LETTER_BITS) / 2
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
        if family == "jis" and scripts["han"] >= 6 and scripts["kana"] * 10 < scripts["han"]:
            bad += 0.3 * scripts["han"]  # Japanese is not written in ideographs alone
    for script, count in letters.items():
        bad += _letter_excess(script, count, bits[script])
    if letters["cyrillic"]:
        bad += _cyrillic_shape(text, letters["cyrillic"])
        for only, lacking in ((_SERBIAN_ONLY, _NOT_SERBIAN), (_UKRAINIAN_ONLY, _NOT_UKRAINIAN)):
            if any(ch in lacking for ch in text):
                bad += sum(1 for ch in text if ch in only)
    if scripts["arabic"]:
        bad += 0.5 * len(_ARABIC_VOWEL_MARKS.findall(text))  # news is written unvocalised
        bad += text.count(" \u0640")  # a tatweel (kashida) only ever joins two letters
    if scripts["thai"]:
        bad += len(_THAI_MISPLACED.findall(text))
    bad += _word_penalty(text)
    return bad / counted


def _word_penalty(text: str) -> float:
    bad = 0.0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word.isascii():
            continue
        bad += sum(1 for ch in word[:-1] if ch in _FINAL_ONLY)  # "Βρςπεχΰ", "פמנףל"
        if word[-1] in _NOT_FINAL_HEBREW and len(word) > 1:
            bad += 0.5
        scripts = {_script(ch) for ch in word}
        if "latin" in scripts and len(scripts) > 1 and any(ch.isascii() for ch in word):
            bad += 2  # "prιsident": Latin letters mixed with Greek/Cyrillic/…
        alphabetic = scripts - {"han", "kana", "hangul", "other"}
        if len(alphabetic) > 1:
            # "دٍَèيà": letters of two alphabets in one word.
            counts = Counter(_script(ch) for ch in word if _script(ch) in alphabetic)
            bad += sum(counts.values()) - max(counts.values())
        letters = [ch for ch in word if ch.isalpha()]
        if len(letters) >= 2 and scripts == {"latin"}:
            foreign = sum(1 for ch in letters if not ch.isascii())
            if foreign * 2 > len(letters) and (len(letters) >= 3 or foreign == 2):
                bad += 0.8 * foreign  # "Ïðåçèäåíò", "èâ": Cyrillic read as Latin-1
        for prev, ch in itertools.pairwise(word):
            if prev.islower() and ch.isupper() and not (prev.isascii() and ch.isascii()):
                bad += 1  # "лНЯЙБЮ": KOI8-R read as Windows-1251 (and back)
        if "hangul" in scripts and len(word) > 12:
            bad += 0.5 * len(word)  # Korean words are short; GB2312 read as EUC-KR
    bad += len(_MARK_AT_A_LETTER.findall(text))
    bad += len(_MARK_BETWEEN_WORDS.findall(text))
    bad += len(_DASH_OPENING_A_WORD.findall(text))
    bad += len(_NEVER_INSIDE_A_WORD.findall(text))
    bad += 0.5 * len(re.findall(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text))
    return bad
