"""Sentences of an article's text, as character spans: shared by the statement
extractor and the side-by-side comparison of two articles."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["sentence_spans"]

#: The end of a sentence: a full stop, question or exclamation mark (and the quotation
#: mark or bracket closing it) before the next sentence's capital or the end; or a
#: Chinese full stop, question or exclamation mark wherever it stands.
_SENTENCE_END = re.compile(
    r"[.!?]+[”\"’)\]]*(?=\s+[\"“‘(]?[A-Z0-9\u0400-\u042f]|\s*$)|[。！？]+[”」』）]*"
)
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "prof", "sen",
    "rep", "gov", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "no", "vs", "etc", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n",
})  # fmt: skip


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, within paragraphs (never across a blank line);
    an abbreviation ("Mr. Xi", "the U.S. side", "J. Smith") does not end one."""
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        base, body = paragraph.start(), paragraph.group()
        start = 0
        for match in _SENTENCE_END.finditer(body):
            before = body[start : match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if match.group()[0] == "." and (
                last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())
            ):
                continue
            end = match.end()
            chunk = body[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            if chunk.strip():
                yield base + start + lead, base + end
            start = end
        rest = body[start:]
        if rest.strip():
            lead = len(rest) - len(rest.lstrip())
            yield base + start + lead, base + len(body.rstrip())
