"""One query for "any of these words": expanded prefixes, fuzzy terms and plain words.

``con*`` may stand for a hundred words. Whoosh's Or of a hundred terms is a binary tree
of union matchers: every posting climbs seven levels of Python, the collector walks the
tree again each time it looks for a cheaper matcher, and it asks each of the hundred term
matchers, for every hit, whether it matched. At 100,000 articles that took seconds; a
single common word, with 50,000 hits in three fields, took half a second.

:class:`AnyWord` reads each word's postings block by block and adds up each document's
BM25F score — the same formula, parameters and statistics as Whoosh's scorer (a test
compares the scores), with the field lengths read once per segment instead of once per
posting — and hands the collector a single pre-scored list. It still says which word a
document matched first (snippets and "matched in" use that), and it is still an Or for
everything that walks queries (highlighting, ``iter_all_terms``).
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

#: Field length of each length byte Whoosh stores.
_LENGTHS = [byte_to_length(b) for b in range(256)]


class AnyWord(wq.Or):  # type: ignore[misc]
    """Documents with any of ``terms`` (in one field or several), scored in one pass.

    Scores are exactly Whoosh's BM25F (when the searcher uses BM25F, its default; any
    other weighting falls back to a plain Or)."""

    JOINT = " ANY "

    def _matcher(self, subs: list[wq.Query], searcher: Any, context: Any) -> Any:
        if not all(isinstance(sub, wq.Term) for sub in subs):
            return wq.Or(subs, boost=self.boost).matcher(searcher, context)
        reader = searcher.reader()
        weighting = context.weighting if context is not None else searcher.weighting
        scored = weighting is not None
        if scored and type(weighting) is not BM25F:
            return wq.Or(subs, boost=self.boost).matcher(searcher, context)
        top = searcher.get_parent()
        scores: dict[int, float] = {}
        # Per field: document -> the first of its words the document has there.
        firsts: dict[str, dict[int, bytes]] = {}
        for sub in subs:
            fieldname = sub.fieldname
            if (fieldname, sub.text) not in reader:
                continue
            btext = reader._text_to_bytes(fieldname, sub.text)
            first = firsts.setdefault(fieldname, {})
            matcher = reader.postings(fieldname, sub.text)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # deletions are dropped below
            if not scored:
                for docnum, _weight in _postings(matcher):
                    scores[docnum] = 0.0
                    first.setdefault(docnum, btext)
                continue
            # Whoosh's BM25FScorer, term by term: bm25(idf, tf, fl, avgfl, B, K1).
            b = weighting._field_B.get(fieldname, weighting.B)
            k1 = weighting.K1
            idf = top.idf(fieldname, sub.text) * sub.boost
            avgfl = top.avg_field_length(fieldname) or 1
            lengths = _field_lengths(reader, fieldname)
            count = len(lengths)
            norm = [k1 * ((1 - b) + b * fl / avgfl) for fl in _LENGTHS]
            norm[0] = k1 * ((1 - b) + b / avgfl)  # no length stored: Whoosh assumes 1
            for docnum, tf in _postings(matcher):
                s = idf * ((tf * (k1 + 1)) / (tf + norm[lengths[docnum] if docnum < count else 0]))
                if docnum in scores:
                    scores[docnum] += s
                else:
                    scores[docnum] = s
                if docnum not in first:
                    first[docnum] = btext
        if reader.has_deletions():
            for docnum in reader.deleted_docs_set:
                scores.pop(docnum, None)
        if not scores:
            return NullMatcher()
        ids = sorted(scores)
        weights = [scores[d] * self.boost for d in ids] if scored else None
        return _ScoredList(ids, weights, firsts)


def _field_lengths(reader: Any, fieldname: str) -> bytes:
    """The length byte of every document's field in this segment, read in one go (Whoosh
    reads it once per posting)."""
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
    if column is None:
        return b""
    return bytes(column._dbfile.get(column._basepos, column._count))


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
    """Pre-scored documents. Its children stand for its fields: each matches the current
    document when the document has one of the words in that field, and names the first
    such word (what Whoosh's collector asks of term matchers for "matched terms")."""

    def __init__(
        self,
        ids: list[int],
        weights: list[float] | None,
        firsts: dict[str, dict[int, bytes]],
        position: int = 0,
    ) -> None:
        super().__init__(ids, weights=weights, position=position, all_weights=None)
        self._firsts = firsts
        self._fields = [_FieldMatch(self, name, docs) for name, docs in firsts.items()]

    def term(self) -> None:
        return None

    def children(self) -> list[Any]:
        return list(self._fields)

    def copy(self) -> _ScoredList:
        return _ScoredList(self._ids, self._weights, self._firsts, self._i)

    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality: float = 0) -> Any:
        # ListMatcher drops itself once its best score cannot reach the top N (the
        # collector asks every ten hits): the count of hits would then be short. A
        # pre-scored list costs nothing to keep walking.
        return self if self.is_active() else NullMatcher()


class _FieldMatch:
    """One field of a :class:`_ScoredList`, as a term matcher for "matched terms"."""

    __slots__ = ("_docs", "_field", "_parent")

    def __init__(self, parent: _ScoredList, field: str, docs: dict[int, bytes]) -> None:
        self._parent = parent
        self._field = field
        self._docs = docs

    def is_active(self) -> bool:
        parent = self._parent
        return bool(parent.is_active() and parent.id() in self._docs)

    def id(self) -> int:
        return int(self._parent.id())

    def term(self) -> tuple[str, bytes]:
        parent = self._parent
        docnum = parent.id() if parent.is_active() else -1
        return (self._field, self._docs.get(docnum, b""))

    def term_matchers(self) -> Any:
        yield self

    def matching_terms(self, id: int | None = None) -> Any:
        if self.is_active() and (id is None or id == self.id()):
            yield self.term()
