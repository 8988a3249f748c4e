"""The highlight model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reader.core.annotations.anchoring import (
    Anchor,
    AnchorStatus,
    TextPositionSelector,
    TextQuoteSelector,
)

#: The palette, by name: themes decide the actual colours.
COLORS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOR = "yellow"


@dataclass(frozen=True, slots=True)
class Highlight:
    id: int
    uid: str
    #: None when the article was deleted and the highlight kept as an orphan.
    article_id: int | None
    #: The article version the highlight is anchored to now (None for orphans).
    version_id: int | None
    #: The version it was made on.
    origin_version_id: int | None
    color: str
    note: str
    tags: tuple[str, ...]
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    anchor: AnchorStatus
    confidence: float
    #: What a citation needs, copied from the article version the highlight is on.
    article_title: str
    article_source: str | None
    article_date: str | None
    article_url: str | None
    article_hash: str
    created_at: datetime
    modified_at: datetime

    @property
    def selectors(self) -> Anchor:
        return Anchor(
            TextQuoteSelector(self.exact, self.prefix, self.suffix),
            TextPositionSelector(self.start, self.end),
        )

    @property
    def is_orphan(self) -> bool:
        return self.anchor == "orphan"
