"""Exceptions the core raises towards its callers (UI and CLI)."""

from __future__ import annotations


class CoverageReaderError(Exception):
    """Base class: every error meant to be shown to a user."""


class IngestError(CoverageReaderError):
    """A file could not be imported. The message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QueryError(CoverageReaderError):
    """A search query could not be understood."""


class LibraryError(CoverageReaderError):
    """The library folder cannot be opened or written."""


class ArticleNotFound(CoverageReaderError):
    def __init__(self, article_id: int) -> None:
        super().__init__(f"no article with id {article_id}")
        self.article_id = article_id


class LibraryReadOnly(LibraryError):
    """A change was asked of a library opened for reading only."""


class WriteFailed(LibraryError):
    """Something could not be written to the library folder (the disk is full, a file
    is too large, an I/O error). What was being changed was not kept (or, for the search
    index, the change is kept and the index catches up later: the message says which)."""
