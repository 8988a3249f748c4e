"""Snippets: short excerpts of an article with the matched words marked.

The text comes from the library (SQLite), so the index stays small; the matched words
are found again by a single regular-expression pass with cached stems (about 0.2 ms for
a 3 KB article), which is faster than storing character offsets in every posting made
indexing (a quarter of its time) and the index (a third of its size).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass

from reader.core.search.analysis import HAN, WORD_PATTERN, split_word, stem_term, subwords

_WORD = re.compile(WORD_PATTERN)
_HAN = re.compile(f"[{HAN}]")
_SPACES = re.compile(r"\s+")
_ADJACENT_MARKS = re.compile(r"</mark>(\s+)<mark>")


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    stem: str


def find_matches(text: str, stems: Collection[str]) -> list[_Match]:
    """Every word of ``text`` whose indexed form is one of ``stems``."""
    if not stems:
        return []
    found = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if _HAN.search(word):
            # Chinese: its words, and the dictionary words inside a long one.
            base = m.start()
            for part, s, e in split_word(word):
                stem = stem_term(part.lower())
                if stem in stems:
                    found.append(_Match(base + s, base + e, stem))
                    continue
                for sub, a, b in subwords(part):
                    if sub in stems:
                        found.append(_Match(base + s + a, base + s + b, sub))
                        break
            continue
        stem = stem_term(word.lower())
        if stem in stems:
            found.append(_Match(m.start(), m.end(), stem))
    return found


def _best_window(matches: list[_Match], width: int, skip: set[int]) -> tuple[int, int] | None:
    """Indexes [i, j) of the matches in the window of ``width`` characters that holds the
    most distinct stems (then the most matches); matches in ``skip`` are ignored."""
    best: tuple[int, int, int, int] | None = None  # (distinct, count, -i, j)
    j = 0
    usable = [k for k in range(len(matches)) if k not in skip]
    for a, i in enumerate(usable):
        j = max(j, a)
        while j < len(usable) and matches[usable[j]].end - matches[i].start <= width:
            j += 1
        window = [matches[usable[k]] for k in range(a, j)]
        if not window:
            continue
        key = (len({m.stem for m in window}), len(window), -i, j)
        if best is None or key > best:
            best = key
    if best is None:
        return None
    start_index = -best[2]
    end_match = usable[best[3] - 1]
    return start_index, end_match


def _fragment(text: str, matches: list[_Match], first: int, last: int, width: int) -> str:
    span_start, span_end = matches[first].start, matches[last].end
    room = max(0, width - (span_end - span_start))
    start = max(0, span_start - room // 3)
    end = min(len(text), span_end + room - (span_start - start))
    # Whole words at the edges.
    if start > 0:
        space = text.find(" ", start, span_start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", span_end, end)
        end = space if space >= 0 else end
    out = []
    pos = start
    for m in matches[first : last + 1]:
        out.append(html.escape(text[pos : m.start], quote=False))
        out.append(f"<mark>{html.escape(text[m.start : m.end], quote=False)}</mark>")
        pos = m.end
    out.append(html.escape(text[pos:end], quote=False))
    fragment = _SPACES.sub(" ", "".join(out)).strip()
    fragment = _ADJACENT_MARKS.sub(r"\1", fragment)
    if start > 0:
        fragment = "… " + fragment
    if end < len(text):
        fragment += " …"
    return fragment


def make_snippet(text: str, stems: Collection[str], chars: int = 240) -> str:
    """The best excerpt of about ``chars`` characters with the words whose stems are in
    ``stems`` marked; a second, shorter one when the first misses some of the stems.
    Everything else is HTML-escaped. "" when nothing matches."""
    matches = find_matches(text, set(stems))
    if not matches:
        return ""
    first = _best_window(matches, chars, set())
    assert first is not None
    i, j = first
    fragments = [(i, j, _fragment(text, matches, i, j, chars))]
    covered = {m.stem for m in matches[i : j + 1]}
    missing = [k for k, m in enumerate(matches) if m.stem not in covered]
    if missing:
        k = missing[0]
        last = k
        while last + 1 < len(matches) and matches[last + 1].end - matches[k].start <= chars // 2:
            last += 1
        fragments.append((k, last, _fragment(text, matches, k, last, chars // 2)))
    fragments.sort()
    joined = fragments[0][2]
    for _, _, piece in fragments[1:]:
        joined = joined.removesuffix(" …") + " … " + piece.removeprefix("… ")
    return joined


def lead(text: str, chars: int) -> str:
    """The opening of an article, for hits where no body word matched (a title hit)."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    cut = cut if cut > chars // 2 else chars
    return html.escape(text[:cut], quote=False) + " …"
