"""Qt item models of the desktop window: the article list and the highlights list."""

from reader.ui.models.articles import ArticleTableModel
from reader.ui.models.highlights import (
    HighlightDelegate,
    HighlightFilterProxy,
    HighlightTableModel,
)

__all__ = [
    "ArticleTableModel",
    "HighlightDelegate",
    "HighlightFilterProxy",
    "HighlightTableModel",
]
