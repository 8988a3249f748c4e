"""The same story across outlets: near-duplicate copies and write-ups of one event.

Two articles are related in one of two ways:

- **copy** — the same text, lightly edited (wire copy run by several outlets, a
  corrected version): most of their five-word shingles are shared (Jaccard ≥ 0.5);
- **event** — different write-ups of one event: a good part of their distinctive words
  (words of four letters or more, not stop words: names, places, figures, the event's
  vocabulary) are shared (Jaccard ≥ 0.3) *and* they are dated within three days of
  each other (undated articles are never related this way).

Jaccard similarity is estimated with MinHash, in its one-permutation form: every shingle
(or word) is hashed once (CRC-32, stable across runs and machines — Python's own hash()
is randomised per process), the hash's low bits choose one of 64 bins and the rest is
its value; a signature is the least value per bin (empty bins borrow from the next full
one, "densification"). The share of equal bins between two signatures estimates their
Jaccard similarity. Candidates are found without comparing every pair, by banded
locality-sensitive hashing: signatures are cut into bands, and articles that agree on a
whole band share a bucket (kept in SQLite). Copies use 16 bands of 4 bins (a pair at
Jaccard 0.5 shares a bucket with probability 1 − (1 − 0.5⁴)¹⁶ ≈ 0.64, at 0.7 0.98);
events 32 bands of 2 bins (at 0.3: 0.95). Each candidate is then checked against the
thresholds with the full signatures.

Why not datasketch: it needs numpy and scipy, some 100 MB in the installers (the same
reason langid was not taken); the arithmetic here is a few lines.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reader.core.analysis.sentences import sentence_spans

__all__ = [
    "BINS",
    "COPY",
    "EVENT",
    "STORY_VERSION",
    "Passage",
    "Signatures",
    "bands",
    "related",
    "signatures",
    "similarity",
]

#: Raised whenever signatures change: stored ones are made anew.
STORY_VERSION = 1
BINS = 64
COPY = "copy"
EVENT = "event"
#: Thresholds on the estimated Jaccard similarity, and the days an event spans.
COPY_THRESHOLD = 0.5
EVENT_THRESHOLD = 0.3
EVENT_DAYS = 3
#: Bins per band, for each relation.
ROWS = {COPY: 4, EVENT: 2}
SHINGLE = 5
#: Texts shorter than this (in words) are too short to be told apart.
MIN_WORDS = 25

_WORD = re.compile(r"\w+")
_EMPTY = 0xFFFFFFFF
_STOP = frozenset(
    """about above after again against also among been before being below between both
    could does doing down during each from further have having here into itself just
    more most much must only other over said same says should some such than that their
    theirs them then there these they this those through under until very were what
    when where which while whom with would your year years week told will""".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Signatures:
    """An article's two MinHash signatures (``BINS`` unsigned 32-bit values each)."""

    copy: bytes
    event: bytes

    @property
    def empty(self) -> bool:
        return not self.copy


def _minhash(tokens: Iterable[str]) -> bytes:
    mins = [_EMPTY] * BINS
    crc = zlib.crc32
    for token in tokens:
        h = crc(token.encode())
        b = h & (BINS - 1)
        v = h >> 6
        if v < mins[b]:
            mins[b] = v
    if all(m == _EMPTY for m in mins):
        return b""
    # Densification: an empty bin takes the next full bin's value (circularly), marked
    # by its distance so that two empty bins agree only when their donors do.
    filled = list(mins)
    for i in range(BINS):
        if mins[i] == _EMPTY:
            for step in range(1, BINS):
                donor = mins[(i + step) % BINS]
                if donor != _EMPTY:
                    filled[i] = (donor + step * 0x9E3779B1) & 0x3FFFFFF
                    break
    return array("I", filled).tobytes()


def signatures(text: str) -> Signatures:
    """Both signatures of a text; empty when it is too short to compare."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return Signatures(b"", b"")
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    distinct = {w for w in words if len(w) >= 4 and w not in _STOP}
    return Signatures(_minhash(shingles), _minhash(distinct))


def similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two signatures."""
    if not a or not b:
        return 0.0
    x, y = array("I"), array("I")
    x.frombytes(a)
    y.frombytes(b)
    return sum(1 for p, q in zip(x, y, strict=True) if p == q) / BINS


def bands(signature: bytes, relation: str) -> list[tuple[int, int]]:
    """(band, bucket) of a signature for one relation: articles sharing one are
    candidates."""
    if not signature:
        return []
    rows = ROWS[relation]
    width = rows * 4
    return [
        (i, zlib.crc32(signature[i * width : (i + 1) * width], i) & 0x7FFFFFFF)
        for i in range(BINS // rows)
    ]


def related(
    a: Signatures, b: Signatures, day_a: date | None, day_b: date | None
) -> tuple[str, float] | None:
    """How two articles are related (copy or event, and the estimated similarity), or
    None."""
    copy = similarity(a.copy, b.copy)
    if copy >= COPY_THRESHOLD:
        return COPY, copy
    if day_a is None or day_b is None or abs((day_a - day_b).days) > EVENT_DAYS:
        return None
    event = similarity(a.event, b.event)
    if event >= EVENT_THRESHOLD:
        return EVENT, event
    return None


# -- comparing two articles ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of an article: its span, and whether the other article has it too."""

    start: int
    end: int
    shared: bool


def _norm(sentence: str) -> str:
    return " ".join(_WORD.findall(sentence.lower()))


def compare(a: str, b: str, *, threshold: float = 85.0) -> tuple[list[Passage], list[Passage]]:
    """The sentences of two texts, each marked shared when the other text has the same
    or nearly the same sentence (a light edit: a word changed, a clause added)."""
    from rapidfuzz import fuzz, process

    spans_a, spans_b = list(sentence_spans(a)), list(sentence_spans(b))
    norm_a = [_norm(a[s:e]) for s, e in spans_a]
    norm_b = [_norm(b[s:e]) for s, e in spans_b]

    def marks(mine: Sequence[str], theirs: Sequence[str]) -> list[bool]:
        exact = set(theirs)
        out = []
        for sentence in mine:
            if not sentence:
                out.append(False)
            elif sentence in exact:
                out.append(True)
            else:
                best = process.extractOne(
                    sentence, theirs, scorer=fuzz.ratio, score_cutoff=threshold
                )
                out.append(best is not None)
        return out

    shared_a, shared_b = marks(norm_a, norm_b), marks(norm_b, norm_a)
    return (
        [Passage(s, e, m) for (s, e), m in zip(spans_a, shared_a, strict=True)],
        [Passage(s, e, m) for (s, e), m in zip(spans_b, shared_b, strict=True)],
    )
