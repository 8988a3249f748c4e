"""Languages as the window shows them.

The library stores an article's language as a primary subtag (``en``, ``ru``, ``zh``).
Names come from Qt's locale data (:class:`QLocale`), never from a hand-made table, so every
language Qt knows has its English name ("Russian", "Chinese"); a code Qt does not know is
shown as the code itself.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QLocale, Qt

#: Offered first when the user corrects a language (after those in the library).
COMMON_LANGUAGES: tuple[str, ...] = ("en", "ru", "zh", "uk", "kk", "de", "fr", "es", "ja", "ko",
                                     "ar")  # fmt: skip

_UNKNOWN = (QLocale.Language.AnyLanguage, QLocale.Language.C)
#: Bidirectional classes of strong characters (UAX #9).
_LEFT = frozenset({"L"})
_RIGHT = frozenset({"R", "AL"})
#: Letters looked at to tell a paragraph's direction (the start of a long one is enough).
_DIRECTION_SAMPLE = 400


def _qt_language(code: str | None) -> QLocale.Language | None:
    if not code:
        return None
    language = QLocale.codeToLanguage(code.strip())
    return None if language in _UNKNOWN else language


def language_name(code: str | None) -> str:
    """The English name of a language code ("ru" → "Russian"); a code Qt does not know
    is returned as it is, and no code gives ""."""
    if not code:
        return ""
    language = _qt_language(code)
    return QLocale.languageToString(language) if language is not None else code


def language_label(code: str) -> str:
    """Name and code, for lists where both help: "Russian (ru)"."""
    name = language_name(code)
    return name if name == code else f"{name} ({code})"


def language_tooltip(code: str | None) -> str:
    if not code:
        return "Language not known"
    return f"Language: {language_label(code)}"


@functools.cache
def known_language_codes() -> tuple[str, ...]:
    """Every two-letter (ISO 639-1) code Qt has a language for, sorted by name."""
    codes: dict[str, QLocale.Language] = {}
    for language in QLocale.Language:
        if language in _UNKNOWN:
            continue
        code = QLocale.languageToCode(language, QLocale.LanguageCodeType.ISO639Part1)
        if len(code) == 2 and code.isalpha() and code.islower():
            codes.setdefault(code, language)
    return tuple(sorted(codes, key=lambda c: (language_name(c).casefold(), c)))


def language_choices(present: Iterable[str]) -> list[str]:
    """The codes to offer for a correction, in order: the library's languages (as given,
    most articles first), the common ones, then every other language by name."""
    ordered: dict[str, None] = {}
    for code in (*present, *COMMON_LANGUAGES, *known_language_codes()):
        if code:
            ordered.setdefault(code, None)
    return list(ordered)


def is_right_to_left_language(code: str | None) -> bool:
    """True for languages written right to left (Arabic, Hebrew, Persian, Urdu…)."""
    language = _qt_language(code)
    if language is None:
        return False
    return QLocale(language).textDirection() == Qt.LayoutDirection.RightToLeft


def text_direction(text: str, fallback: Qt.LayoutDirection) -> Qt.LayoutDirection:
    """The direction a paragraph reads in: the direction most of its letters are
    written in (an Arabic paragraph that opens with "CNN" is still right to left, an
    English one quoting an Arabic name left to right). Text without letters of either
    kind (numbers, punctuation) takes ``fallback``."""
    left = right = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _LEFT:
            left += 1
        elif kind in _RIGHT:
            right += 1
        else:
            continue
        if left + right >= _DIRECTION_SAMPLE:
            break
    if left == right == 0:
        return fallback
    return Qt.LayoutDirection.RightToLeft if right > left else Qt.LayoutDirection.LeftToRight


def counted_languages(languages: Sequence[tuple[str, int]]) -> list[tuple[str, str]]:
    """(label, code) for a filter list: "Russian (12)"."""
    return [(f"{language_name(code)} ({count})", code) for code, count in languages]
