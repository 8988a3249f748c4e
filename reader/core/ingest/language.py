"""Which language an article is written in, found offline from its text.

The declared language of a feed or page is often wrong (a template's ``en-US`` on a
Chinese page), so the text decides when it is clear: Google's Compact Language Detector
3 (cld3-py; a small neural network compiled into the wheel, nothing is downloaded) reads
the title and the first two thousand characters. When the text is too short or the
model unsure, the declared language stands. Languages are stored as their primary
subtag (``zh``, ``ru``, ``en``), which is what filters and ``lang:`` queries use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

#: The text read to decide (the start of the article says enough).
SAMPLE_CHARS = 2_000
#: Fewer letters than this and the text does not decide.
MIN_LETTERS = 24
#: The model's probability needed to overrule a declared language.
MIN_CONFIDENCE = 0.7

LanguageOrigin = Literal["declared", "detected", "user", "unknown"]

#: CLD3's codes that are not today's ISO 639-1 ones.
_RENAMED = {"iw": "he", "jw": "jv", "in": "id", "fil": "tl"}

_local = threading.local()


def _model() -> Any:
    """A detector for this thread (the C++ object is not shared between threads)."""
    detector = getattr(_local, "detector", None)
    if detector is None:
        import gcld3

        detector = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=4 * SAMPLE_CHARS)
        _local.detector = detector
    return detector


def primary(tag: str | None) -> str | None:
    """``zh-CN`` → ``zh``; None stays None."""
    if not tag:
        return None
    head = tag.split("-", 1)[0].strip().lower()
    return head or None


@dataclass(frozen=True, slots=True)
class Guess:
    language: str | None
    confidence: float


def detect(parts: Iterable[str]) -> Guess:
    """The language of a text given as parts (title, paragraphs); ``None`` when there
    are too few letters to tell."""
    sample: list[str] = []
    size = 0
    for part in parts:
        if size >= SAMPLE_CHARS:
            break
        piece = part[: SAMPLE_CHARS - size]
        sample.append(piece)
        size += len(piece) + 1
    text = "\n".join(sample)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return Guess(None, 0.0)
    result = _model().FindLanguage(text=text)
    code = primary(str(result.language))
    if code is None or code == "und" or "-" in str(result.language) or not result.is_reliable:
        # "und", or a language in Latin letters ("ru-Latn"): not a language to file under.
        return Guess(None, float(result.probability))
    return Guess(_RENAMED.get(code, code), float(result.probability))


def decide(declared: str | None, parts: Iterable[str]) -> tuple[str | None, LanguageOrigin]:
    """The language to store for an article, and where it came from."""
    declared = primary(declared)
    guess = detect(parts)
    if guess.language is not None and (guess.confidence >= MIN_CONFIDENCE or declared is None):
        if guess.language == declared:
            return declared, "declared"
        if guess.confidence >= MIN_CONFIDENCE:
            return guess.language, "detected"
    if declared is not None:
        return declared, "declared"
    return None, "unknown"
