"""Snippets: short excerpts of an article with the matched words marked.

Character offsets of every body term are stored in the index, so cutting a snippet never
analyses the text again (Whoosh's "pinpoint" highlighting). The text itself comes from
the library (SQLite), so the index stays small.
"""

from __future__ import annotations

import html
import re
from typing import Any

from whoosh.highlight import Formatter, Highlighter, PinpointFragmenter

_SPACES = re.compile(r"\s+")
_ADJACENT_MARKS = re.compile(r"</mark>(\s+)<mark>")


class MarkFormatter(Formatter):  # type: ignore[misc]
    """``<mark>word</mark>``; everything else HTML-escaped; fragments joined by "…"."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(_SPACES.sub(" ", text), quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        word = text[token.startchar : token.endchar]
        return f"<mark>{html.escape(word, quote=False)}</mark>"

    def format(self, fragments: list[Any], replace: bool = False) -> str:
        parts = [self.format_fragment(f, replace=replace).strip() for f in fragments]
        joined = self.between.join(p for p in parts if p)
        # A phrase reads as one mark: "<mark>joint press conference</mark>".
        joined = _ADJACENT_MARKS.sub(r"\1", joined)
        if not joined:
            return ""
        first, last = fragments[0], fragments[-1]
        if first.startchar > 0:
            joined = "… " + joined
        if last.endchar < len(last.text):
            joined += " …"
        return joined


class Fragmenter(PinpointFragmenter):  # type: ignore[misc]
    """Whoosh's pinpoint fragmenter, except that it keeps the first and last words of the
    text (its autotrim drops the first word even when a fragment starts the text)."""

    @staticmethod
    def _autotrim(fragment: Any) -> None:
        text = fragment.text
        start, end = fragment.startchar, fragment.endchar
        if start > 0:
            space = text.find(" ", start, end)
            if space > 0:
                start = space + 1
        if end < len(text):
            space = text.rfind(" ", start, end)
            if space > 0:
                end = space
        if fragment.matches:
            start = min(start, fragment.matches[0].startchar)
            end = max(end, fragment.matches[-1].endchar)
        fragment.startchar, fragment.endchar = start, end


def make_highlighter(chars: int, *, surround: int | None = None) -> Highlighter:
    fragmenter = Fragmenter(
        maxchars=chars, surround=chars // 3 if surround is None else surround, autotrim=True
    )
    return Highlighter(fragmenter=fragmenter, formatter=MarkFormatter())


def lead(text: str, chars: int) -> str:
    """The opening of an article, for hits where no body word matched (a title hit)."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    cut = cut if cut > chars // 2 else chars
    return html.escape(text[:cut], quote=False) + " …"
