"""One query for "any of these words", for expanded prefixes and fuzzy terms.

``con*`` may stand for a hundred words. Whoosh's Or of a hundred terms is a binary tree
of union matchers: every posting climbs seven levels of Python, the collector walks the
tree again each time it looks for a cheaper matcher, and it asks each of the hundred term
matchers, for every hit, whether it matched. At 100,000 articles that took seconds.

:class:`AnyWord` reads each word's postings block by block, adds up a BM25 score per
document (term frequency saturated as in BM25, without the document-length
normalisation, which would cost a lookup per posting), and hands the collector a single
pre-scored list. It still says which word a document matched first (snippets and "matched
in" use that), and it is still an Or for everything that walks queries (highlighting,
``iter_all_terms``).
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher

#: BM25's term-frequency saturation (Whoosh's default).
K1 = 1.2


class AnyWord(wq.Or):  # type: ignore[misc]
    """Documents with any of ``terms`` (all in one field), scored in one pass."""

    JOINT = " ANY "

    def _matcher(self, subs: list[wq.Query], searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        scored = context is None or context.weighting is not None
        top = searcher.get_parent()
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        scores: dict[int, float] = {}
        first: dict[int, bytes] = {}
        fieldname = ""
        for sub in subs:
            if not isinstance(sub, wq.Term):  # not made by the expansions; play safe
                return wq.Or(subs, boost=self.boost).matcher(searcher, context)
            fieldname = sub.fieldname
            if (fieldname, sub.text) not in reader:
                continue
            btext = reader._text_to_bytes(fieldname, sub.text)
            factor = top.idf(fieldname, sub.text) * (K1 + 1) if scored else 0.0
            matcher = reader.postings(fieldname, sub.text)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # deletions are dropped below
            for docnum, weight in _postings(matcher):
                if docnum not in scores:
                    scores[docnum] = 0.0
                    first[docnum] = btext
                if scored:
                    scores[docnum] += factor * weight / (weight + K1)
        for docnum in deleted:
            scores.pop(docnum, None)
        if not scores:
            return NullMatcher()
        ids = sorted(scores)
        weights = [scores[d] * self.boost for d in ids] if scored else None
        return _ScoredList(ids, weights, fieldname, first)


def _postings(matcher: Any) -> Any:
    """(docnum, weight) of every posting; whole blocks at a time for Whoosh's own
    matcher (reading its private block arrays: whoosh-reloaded is pinned), one by one
    for anything else."""
    if type(matcher) is W3LeafMatcher:
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            yield from zip(matcher._ids, matcher._weights, strict=False)
            matcher._next_block()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


class _ScoredList(ListMatcher):  # type: ignore[misc]
    """Pre-scored documents; its term is the word the current document matched first."""

    def __init__(
        self,
        ids: list[int],
        weights: list[float] | None,
        fieldname: str,
        first: dict[int, bytes],
        position: int = 0,
    ) -> None:
        super().__init__(ids, weights=weights, position=position, all_weights=None)
        self._fieldname = fieldname
        self._first = first

    def term(self) -> tuple[str, bytes]:
        if self.is_active():
            return (self._fieldname, self._first[self.id()])
        return (self._fieldname, b"")

    def copy(self) -> _ScoredList:
        return _ScoredList(self._ids, self._weights, self._fieldname, self._first, self._i)

    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality: float = 0) -> Any:
        # ListMatcher drops itself once its best score cannot reach the top N (the
        # collector asks every ten hits): the count of hits would then be short. A
        # pre-scored list costs nothing to keep walking.
        return self if self.is_active() else NullMatcher()
