"""Every change to annotations is a reversible command, so the window can offer
Undo/Redo over any number of steps. Each command's ``apply`` and ``revert`` commit to
SQLite at once: undo history lives in memory, the highlights themselves never do."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reader.core.annotations.anchoring import Anchor
from reader.core.annotations.model import Highlight
from reader.core.store import Store
from reader.core.store.db import DeletedArticle


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Command(ABC):
    #: Shown in the Edit menu: "Undo Change colour".
    label: str = ""

    @abstractmethod
    def apply(self, store: Store) -> None: ...

    @abstractmethod
    def revert(self, store: Store) -> None: ...

    def affected_articles(self) -> set[int]:
        return set()


@dataclass
class CreateHighlight(Command):
    article_id: int
    anchor: Anchor
    color: str
    note: str = ""
    tags: tuple[str, ...] = ()
    label: str = "Add highlight"
    created: Highlight | None = field(default=None, init=False)

    def apply(self, store: Store) -> None:
        with store.transaction():
            if self.created is None:
                highlight_id = store.highlights.insert(
                    store.snapshot(self.article_id),
                    self.anchor,
                    color=self.color,
                    note=self.note,
                    tags=self.tags,
                    now=_now(),
                )
                self.created = store.highlights.get(highlight_id)
            else:  # redo: the very same highlight (id, uid, times) comes back
                store.highlights.restore(self.created)

    def revert(self, store: Store) -> None:
        assert self.created is not None
        store.highlights.delete([self.created.id])

    def affected_articles(self) -> set[int]:
        return {self.article_id}


@dataclass
class UpdateHighlight(Command):
    """Change colour, note and/or tags of one highlight."""

    before: Highlight
    color: str | None = None
    note: str | None = None
    tags: tuple[str, ...] | None = None
    label: str = "Edit highlight"
    modified_at: str | None = field(default=None, init=False)

    def apply(self, store: Store) -> None:
        self.modified_at = self.modified_at or _now()
        with store.transaction():
            store.highlights.update(
                self.before.id,
                now=self.modified_at,
                color=self.color,
                note=self.note,
                tags=self.tags,
            )

    def revert(self, store: Store) -> None:
        with store.transaction():
            store.highlights.update(
                self.before.id,
                now=self.before.modified_at.isoformat(),
                color=self.before.color,
                note=self.before.note,
                tags=self.before.tags,
            )

    def affected_articles(self) -> set[int]:
        return {self.before.article_id} if self.before.article_id is not None else set()


@dataclass
class DeleteHighlights(Command):
    deleted: Sequence[Highlight]
    label: str = "Delete highlight"

    def apply(self, store: Store) -> None:
        with store.transaction():
            store.highlights.delete([h.id for h in self.deleted])

    def revert(self, store: Store) -> None:
        with store.transaction():
            for highlight in self.deleted:
                store.highlights.restore(highlight)

    def affected_articles(self) -> set[int]:
        return {h.article_id for h in self.deleted if h.article_id is not None}


@dataclass
class DeleteArticle(Command):
    """Deleting an article (keeping its highlights as orphans, or deleting them too).
    Undo puts back the article with every version, its tags and its highlights."""

    article_id: int
    keep_highlights: bool
    label: str = "Delete article"
    record: DeletedArticle | None = field(default=None, init=False)

    def apply(self, store: Store) -> None:
        self.record = store.capture_article(self.article_id)
        store.delete_article(self.article_id, keep_highlights=self.keep_highlights)

    def revert(self, store: Store) -> None:
        assert self.record is not None
        # The id stays the same unless another article took it meanwhile.
        self.article_id = store.restore_article(self.record)

    def affected_articles(self) -> set[int]:
        return {self.article_id}


class UndoStack:
    """A linear history: a new command after some undos drops the redo branch."""

    def __init__(self, limit: int = 1000) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._limit = limit

    def push(self, command: Command, store: Store) -> None:
        command.apply(store)
        self._done.append(command)
        del self._done[: -self._limit]
        self._undone.clear()

    def undo(self, store: Store) -> Command | None:
        if not self._done:
            return None
        command = self._done.pop()
        command.revert(store)
        self._undone.append(command)
        return command

    def redo(self, store: Store) -> Command | None:
        if not self._undone:
            return None
        command = self._undone.pop()
        command.apply(store)
        self._done.append(command)
        return command

    @property
    def undo_label(self) -> str | None:
        return self._done[-1].label if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1].label if self._undone else None

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
