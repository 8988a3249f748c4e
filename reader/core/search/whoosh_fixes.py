"""Fixes to whoosh-reloaded 2.7.5, which we pin and treat as frozen code we own.

Each fix replaces one method with a corrected copy, is applied once when the search
package is imported, and has a test (tests/core/search/test_whoosh_fixes.py) that fails
if the pinned version changes under it.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3

_APPLIED = False


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """W3PerDocReader._cached_reader, remembering fields that have no column.

    The original caches only the readers it finds: for a field without a lengths column
    (ids, tags, the spelling words) it asks the file system whether the column file
    exists again for every posting it writes — one stat() call per posting, a third of
    the time an index commit took.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    _APPLIED = True
