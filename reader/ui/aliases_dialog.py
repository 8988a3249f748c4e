"""Search ▸ Name spellings: the table of names that mean the same person, place or
organisation in English, Russian and Chinese, and the user's own additions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import CoverageReaderError
from reader.core.library import AliasGroup, Library
from reader.ui.models.aliases import AliasFilterProxy, AliasModel


class NewGroupDialog(QDialog):
    """A new group: its key, its kind and its first spelling."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New name group")
        self.setObjectName("new-alias-group")
        form = QFormLayout(self)
        self.key = QLineEdit(self)
        self.key.setObjectName("aliasKey")
        self.key.setPlaceholderText("a short name for alias:, such as kadyrov")
        self.kind = QComboBox(self)
        self.kind.setObjectName("aliasKind")
        for kind in ("person", "place", "organisation"):
            self.kind.addItem(kind.capitalize(), kind)
        self.name = QLineEdit(self)
        self.name.setObjectName("aliasName")
        self.name.setPlaceholderText("a spelling, such as Ramzan Kadyrov")
        form.addRow("Group", self.key)
        form.addRow("Kind", self.kind)
        form.addRow("Spelling", self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class AliasDialog(QDialog):
    """Browse, filter and extend the table of name spellings."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setWindowTitle("Name spellings")
        self.setObjectName("alias-dialog")
        self.resize(760, 460)
        intro = QLabel(
            "Names that mean the same person, place or organisation. Type "
            "<code>alias:putin</code> in the search bar to search every spelling of a "
            "group, or switch on <b>All spellings</b> to do it for every name you type.",
            self,
        )
        intro.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("aliasFilter")
        self.filter.setPlaceholderText("Find a group or a spelling…")
        self.filter.setClearButtonEnabled(True)
        self.model = AliasModel(self)
        self.proxy = AliasFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView(self)
        self.view.setObjectName("aliasTable")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(AliasModel.KEY, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(AliasModel.NAMES, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("Add spelling…", self)
        self.add_button.setObjectName("addSpelling")
        self.remove_button = QPushButton("Remove spelling…", self)
        self.remove_button.setObjectName("removeSpelling")
        self.new_button = QPushButton("New group…", self)
        self.new_button.setObjectName("newGroup")
        read_only = library.read_only is not None
        for button in (self.add_button, self.remove_button, self.new_button):
            button.setEnabled(not read_only)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.new_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.filter.textChanged.connect(self.proxy.set_text)
        self.add_button.clicked.connect(self.add_spelling)
        self.remove_button.clicked.connect(self.remove_spelling)
        self.new_button.clicked.connect(self.new_group)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload()

    # -- the table ----------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.model.set_table(self.library.alias_table())
        if select is not None:
            self.select(select)
        self._update_buttons()

    def select(self, key: str) -> None:
        row = self.model.row_of(key)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show it
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def selected_group(self) -> AliasGroup | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.group(self.proxy.mapToSource(rows[0]).row())

    def _update_buttons(self) -> None:
        writable = self.library.read_only is None
        chosen = self.selected_group() is not None
        self.add_button.setEnabled(writable and chosen)
        self.remove_button.setEnabled(writable and chosen)

    # -- changes ------------------------------------------------------------------------

    def add_spelling(self) -> None:
        group = self.selected_group()
        if group is None:
            return
        name, ok = QInputDialog.getText(self, "Add spelling", f"Another spelling of “{group.key}”:")
        if ok and name.strip():
            self._change(lambda: self.library.add_alias(group.key, name), group.key)

    def remove_spelling(self) -> None:
        group = self.selected_group()
        if group is None or not group.names:
            return
        name, ok = QInputDialog.getItem(
            self, "Remove spelling", f"Spelling to take out of “{group.key}”:", list(group.names),
            0, False,
        )  # fmt: skip
        if ok and name:
            self._change(lambda: self.library.remove_alias(group.key, name), group.key)

    def new_group(self) -> None:
        dialog = NewGroupDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        key, name = dialog.key.text(), dialog.name.text()
        kind = str(dialog.kind.currentData())
        added: list[AliasGroup] = []
        self._change(lambda: added.append(self.library.add_alias(key, name, kind=kind)), None)
        if added:
            self.select(added[0].key)

    def _change(self, change: Callable[[], object], select: str | None) -> None:
        try:
            change()
        except CoverageReaderError as exc:
            QMessageBox.warning(self, "Name spellings", str(exc))
            return
        self.reload(select)
