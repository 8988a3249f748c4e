"""The SQLite store: the library's source of truth."""

from reader.core.store.db import (
    SCHEMA_VERSION,
    AddOutcome,
    ImportFileRecord,
    PendingChange,
    Store,
)

__all__ = ["SCHEMA_VERSION", "AddOutcome", "ImportFileRecord", "PendingChange", "Store"]
