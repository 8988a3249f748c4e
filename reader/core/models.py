"""Plain data models shared by every layer of the core.

Data flows one way: a file is parsed by an importer into :class:`Article` values, the
store keeps them (as :class:`StoredArticle` with versions), the search index is derived
from the store, and searches return :class:`SearchHit` values.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """A publication date, with or without a time of day.

    Wire copy often gives only a day (``date 2019-01-02``); we never invent a time.
    Aware datetimes are kept with their offset.
    """

    value: date | datetime

    @property
    def has_time(self) -> bool:
        return isinstance(self.value, datetime)

    def isoformat(self) -> str:
        if isinstance(self.value, datetime):
            return self.value.isoformat(timespec="seconds" if self.value.second else "minutes")
        return self.value.isoformat()

    def as_datetime(self) -> datetime:
        """The moment used for sorting and date queries (midnight for a bare day)."""
        if isinstance(self.value, datetime):
            return self.value
        return datetime(self.value.year, self.value.month, self.value.day)

    @classmethod
    def parse_iso(cls, text: str) -> ArticleDate:
        if "T" in text or " " in text.strip():
            return cls(datetime.fromisoformat(text))
        return cls(date.fromisoformat(text))


@dataclass(frozen=True, slots=True)
class Article:
    """One article as an importer found it, before it is stored.

    ``paragraphs`` is the body, one string per paragraph, already normalised (no
    non-breaking spaces, no trailing blanks, no empty paragraphs). Metadata that the
    input does not state stays ``None``: importers never invent it.
    """

    title: str
    paragraphs: tuple[str, ...]
    date: ArticleDate | None = None
    source: str | None = None
    dateline: str | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    #: An identifier the input gives the article (feed guid, corpus id, JSON "id").
    external_id: str | None = None
    #: True when no headline was present and the title was derived from the text.
    title_derived: bool = False

    @property
    def text(self) -> str:
        """The normalised body text that annotation offsets refer to."""
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        """SHA-256 over title and body: identical content is the same version."""
        return content_hash(self.title, self.paragraphs)


def content_hash(title: str, paragraphs: tuple[str, ...] | list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(title.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(PARAGRAPH_SEPARATOR.join(paragraphs).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one importer made of one file."""

    path: str
    format: str
    articles: tuple[Article, ...]
    #: Problems with parts of the file (a bad JSON line, an empty feed item) that did not
    #: stop the rest of the file from importing: human-readable, each naming the place.
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the library holds it (current version)."""

    id: int
    title: str
    paragraphs: tuple[str, ...]
    date: ArticleDate | None
    source: str | None
    dateline: str | None
    author: str | None
    url: str | None
    language: str | None
    tags: tuple[str, ...]
    external_id: str | None
    content_hash: str
    version: int
    version_id: int
    is_read: bool
    added_at: datetime
    updated_at: datetime
    origin: str | None = None

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """A row of the article list: everything but the body."""

    id: int
    title: str
    date: ArticleDate | None
    source: str | None
    dateline: str | None
    language: str | None
    url: str | None
    is_read: bool
    tags: tuple[str, ...] = ()
    #: How many highlights the article has.
    highlights: int = 0


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles a list shows. Every criterion left ``None`` lets everything through."""

    source: str | None = None
    tag: str | None = None
    #: Inclusive bounds on the publication day (articles without a date are left out
    #: when either bound is set).
    date_from: date | None = None
    date_to: date | None = None
    read: bool | None = None
    has_highlights: bool | None = None
    language: str | None = None
    #: Articles naming this person, place or organisation: (kind, key) as in
    #: ``Library.entities()``, e.g. ("person", "putin").
    mentions: tuple[str, str] | None = None

    @property
    def is_empty(self) -> bool:
        return self == ArticleFilter()


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: int
    score: float
    #: Body excerpt with matches wrapped in ``<mark>…</mark>``; other text is HTML-escaped.
    #: When only a note matched, the note's excerpt (and ``matched_in`` says so).
    snippet: str
    #: Where the query matched: any of "title", "body", "note", "highlight", "tags",
    #: "source", "dateline", "author", "color", "language", "date", "person", "place",
    #: "org", "speaker".
    matched_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: str
    hits: tuple[SearchHit, ...]
    #: Number of matching articles (may be an estimate when ``total_is_exact`` is false).
    total: int
    total_is_exact: bool = True
    #: A corrected query string when some terms look misspelt, else None.
    suggestion: str | None = None
    #: How the query was understood: "all" (every term), "any" (ranked, pasted text), or
    #: "advanced" (explicit operators / fields).
    mode: str = "all"
    #: Set when a time cap or expansion bound cut the search short.
    partial: bool = False
    elapsed_ms: float = 0.0
    notices: tuple[str, ...] = field(default_factory=tuple)
