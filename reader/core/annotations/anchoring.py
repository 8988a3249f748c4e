"""Anchoring highlights to article text, after the W3C Web Annotation data model.

A highlight's anchor holds two selectors over the article's normalised text:

* a ``TextQuoteSelector`` — the exact quote with up to 32 characters of context on each
  side (prefix and suffix), which survives edits elsewhere in the text;
* a ``TextPositionSelector`` — start and end character offsets, fast and unambiguous while
  the text is unchanged.

When an article gets a new version, :func:`reanchor` places each highlight again:
by position if the quote still stands there, then by the exact quote (the context
choosing between repeats), then by a fuzzy match that allows errors up to a quarter of the
quote's length, scored on the quote, the prefix, the suffix and nearness to the old
position (rapidfuzz does the matching). What cannot be placed is an orphan — never moved
onto unrelated text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

CONTEXT_CHARS = 32
#: A fuzzy match may differ from the quote by at most this share of its length.
MAX_ERROR_RATE = 0.25
#: Quotes shorter than this are only ever placed exactly (too little text to be sure).
MIN_FUZZY_LENGTH = 8

AnchorStatus = Literal["exact", "moved", "fuzzy", "orphan"]


@dataclass(frozen=True, slots=True)
class TextQuoteSelector:
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class TextPositionSelector:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Anchor:
    quote: TextQuoteSelector
    position: TextPositionSelector


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a highlight landed in a (new) text, and how sure we are."""

    status: AnchorStatus
    start: int
    end: int
    #: 1.0 for exact and moved; the match score (0–1) for fuzzy; 0.0 for orphans.
    confidence: float

    @property
    def placed(self) -> bool:
        return self.status != "orphan"


ORPHAN = Placement("orphan", 0, 0, 0.0)


def describe(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Anchor:
    """The anchor of ``text[start:end]``."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"range {start}–{end} is not inside a text of {len(text)} characters")
    return Anchor(
        TextQuoteSelector(
            exact=text[start:end],
            prefix=text[max(0, start - context) : start],
            suffix=text[end : end + context],
        ),
        TextPositionSelector(start, end),
    )


def find_occurrence(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """The ``occurrence``-th (1-based) place where ``quote`` stands in ``text``."""
    if not quote or occurrence < 1:
        return None
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            return None
    return start, start + len(quote)


def reanchor(anchor: Anchor, text: str) -> Placement:
    """Place ``anchor`` in ``text`` (see the module docstring for the order of attempts)."""
    exact = anchor.quote.exact
    if not exact:
        return ORPHAN
    start, end = anchor.position.start, anchor.position.end
    occurrences = _all_occurrences(text, exact)
    if occurrences:
        scores = {s: _context_score(anchor, text, s, s + len(exact)) for s in occurrences}
        best = max(occurrences, key=lambda s: scores[s])
        # The old position wins while its context is as good as any other repeat's: a
        # repeat that moved into the old offset must not capture the highlight.
        if start in scores and end - start == len(exact) and scores[start] >= scores[best] - 0.05:
            return Placement("exact", start, end, 1.0)
        return Placement("moved", best, best + len(exact), 1.0)

    return _fuzzy(anchor, text)


def _all_occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    start = text.find(quote)
    while start >= 0:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def _context_score(anchor: Anchor, text: str, start: int, end: int) -> float:
    """How well the text around ``start:end`` matches the anchor's prefix and suffix, with
    nearness to the old position as a tie-breaker (0–1)."""
    prefix, suffix = anchor.quote.prefix, anchor.quote.suffix
    score = 0.0
    weight = 0.0
    if prefix:
        score += 0.45 * Levenshtein.normalized_similarity(
            prefix, text[max(0, start - len(prefix)) : start]
        )
        weight += 0.45
    if suffix:
        score += 0.45 * Levenshtein.normalized_similarity(suffix, text[end : end + len(suffix)])
        weight += 0.45
    score += 0.10 * _nearness(anchor.position.start, start, len(text))
    weight += 0.10
    return score / weight


def _nearness(old: int, new: int, length: int) -> float:
    return 1.0 - min(1.0, abs(new - old) / max(length, 1))


def _fuzzy(anchor: Anchor, text: str) -> Placement:
    exact = anchor.quote.exact
    if len(exact) < MIN_FUZZY_LENGTH or not text:
        return ORPHAN
    max_errors = int(len(exact) * MAX_ERROR_RATE)
    candidates = _candidate_starts(exact, text)
    best: Placement | None = None
    best_score = -1.0
    for window_start, window_end in candidates:
        start, end, errors = _refine(exact, text, window_start, window_end, max_errors)
        if errors > max_errors:
            continue
        quote_similarity = 1.0 - errors / len(exact)
        score = 0.6 * quote_similarity + 0.4 * _context_score(anchor, text, start, end)
        if score > best_score:
            best_score = score
            best = Placement("fuzzy", start, end, round(score, 4))
    return best or ORPHAN


def _candidate_starts(quote: str, text: str) -> list[tuple[int, int]]:
    """Windows of ``text`` where ``quote`` aligns best, one per overlapping chunk."""
    size = 4 * len(quote) + 256
    step = size // 2
    cutoff = 100.0 * (1.0 - MAX_ERROR_RATE) - 10.0
    found: set[tuple[int, int]] = set()
    for offset in range(0, max(1, len(text) - len(quote) + step), step):
        chunk = text[offset : offset + size]
        if len(chunk) < len(quote) * (1 - MAX_ERROR_RATE):
            continue
        alignment = fuzz.partial_ratio_alignment(quote, chunk, score_cutoff=cutoff)
        if alignment is not None:
            found.add((offset + alignment.dest_start, offset + alignment.dest_end))
    return sorted(found)


def _refine(quote: str, text: str, start: int, end: int, max_errors: int) -> tuple[int, int, int]:
    """Move the window's edges (each by up to ``max_errors``) to the lowest edit distance."""

    def distance(a: int, b: int) -> int:
        return int(Levenshtein.distance(quote, text[a:b]))

    best = distance(start, end)
    for _ in range(2):  # coordinate descent: start, then end, twice
        for a in range(max(0, start - max_errors), min(end, start + max_errors) + 1):
            d = distance(a, end)
            if d < best:
                best, start = d, a
        for b in range(max(start + 1, end - max_errors), min(len(text), end + max_errors) + 1):
            d = distance(start, b)
            if d < best:
                best, end = d, b
    return start, end, best
