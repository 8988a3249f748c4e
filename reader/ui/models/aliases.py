"""The table of name spellings as a Qt model: one row per group (key, kind, names)."""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from reader.core.library import AliasGroup, AliasTable
from reader.ui.models.base import ReadOnlyTableModel

_ROOT: Final = QModelIndex()

#: The role that gives a row's :class:`AliasGroup`.
GroupRole: Final = Qt.ItemDataRole.UserRole + 1


class AliasModel(ReadOnlyTableModel):
    HEADERS = ("Group", "Kind", "Spellings")
    KEY, KIND, NAMES = range(3)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AliasGroup] = []

    def set_table(self, table: AliasTable) -> None:
        self.beginResetModel()
        self._rows = list(table.groups.values())
        self.endResetModel()

    def group(self, row: int) -> AliasGroup:
        return self._rows[row]

    def row_of(self, key: str) -> int:
        for row, group in enumerate(self._rows):
            if group.key == key:
                return row
        return -1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        group = self._row_at(index)
        if group is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.KEY:
                return group.key
            if column == self.KIND:
                return group.kind or ""
            return " · ".join(group.names) if group.names else "(no spellings)"
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAMES:
            lines = list(group.names)
            if group.added:
                lines.append(f"Added by you: {', '.join(group.added)}")
            if group.removed:
                lines.append(f"Removed by you: {', '.join(group.removed)}")
            return "\n".join(lines)
        if role == GroupRole:
            return group
        return None


class AliasFilterProxy(QSortFilterProxyModel):
    """Rows whose key or any spelling contains the filter text (case-insensitive)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        group = model.data(model.index(source_row, 0, source_parent), GroupRole)
        if not isinstance(group, AliasGroup):
            return False
        return self._needle in group.key.casefold() or any(
            self._needle in name.casefold() for name in group.names
        )
