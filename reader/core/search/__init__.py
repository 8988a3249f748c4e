"""Full-text search over the library (Whoosh, behind this package's own API).

Nothing outside this package imports Whoosh: the rest of the app sees
:class:`SearchIndex`, :class:`IndexDocument` and the plain result types of
:mod:`reader.core.models`.
"""

from reader.core.search.helper import HelperFailed, check_helper
from reader.core.search.index import IndexDamaged, IndexDocument, IndexUnavailable, SearchIndex

__all__ = [
    "HelperFailed",
    "IndexDamaged",
    "IndexDocument",
    "IndexUnavailable",
    "SearchIndex",
    "check_helper",
]
