"""Edit ▸ Name Spellings…: the table, its filter, adding and removing spellings and
groups, driven through the real dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QInputDialog, QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from reader.core.library import Library
from reader.ui.aliases_dialog import AliasDialog, NewGroupDialog
from reader.ui.models.aliases import AliasModel


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib") as library:
        yield library


def when_modal(qtbot: QtBot, kind: type[QDialog], act: Callable[[QDialog], None]) -> list[bool]:
    """As soon as a modal dialog of ``kind`` is up, let ``act`` fill it in and close it.
    Nothing is asserted in here (a failure would leave the test blocked in exec())."""
    done: list[bool] = []
    waited = [0]

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind) or not widget.isVisible():
            waited[0] += 20
            if waited[0] < 10_000:
                QTimer.singleShot(20, attempt)
            return
        act(widget)
        done.append(True)

    QTimer.singleShot(0, attempt)
    return done


def select_row(qtbot: QtBot, dialog: AliasDialog, key: str) -> None:
    view = dialog.view
    for row in range(dialog.proxy.rowCount()):
        index = dialog.proxy.index(row, AliasModel.KEY)
        if index.data() == key:
            view.scrollTo(index)
            rect = view.visualRect(index)
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{key} is not shown")


def shown_keys(dialog: AliasDialog) -> list[str]:
    return [
        str(dialog.proxy.index(r, AliasModel.KEY).data()) for r in range(dialog.proxy.rowCount())
    ]


def test_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, lib: Library
) -> None:
    dialog = AliasDialog(lib)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    dialog.proxy.set_text("путин")
    assert dialog.proxy.rowCount() == 1
    qtmodeltester.check(dialog.proxy)


def test_the_table_lists_and_filters_the_groups(qtbot: QtBot, lib: Library) -> None:
    dialog = AliasDialog(lib)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.proxy.rowCount() == len(lib.alias_table().groups) >= 40
    assert shown_keys(dialog) == sorted(shown_keys(dialog))
    # Chinese comes from an input method, not from key presses QTest can make.
    dialog.filter.setText("普京")
    assert shown_keys(dialog) == ["putin"]
    names = dialog.proxy.index(0, AliasModel.NAMES).data()
    assert "Путин" in names and "Vladimir Putin" in names
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "shanghai")
    assert set(shown_keys(dialog)) == {"shanghai", "sco"}
    # Nothing chosen: nothing to add to.
    assert not dialog.add_button.isEnabled() and not dialog.remove_button.isEnabled()


def test_adding_and_removing_a_spelling(qtbot: QtBot, lib: Library) -> None:
    dialog = AliasDialog(lib)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.filter, "lavrov")
    select_row(qtbot, dialog, "lavrov")
    assert dialog.add_button.isEnabled()

    def type_name(box: QDialog) -> None:
        edit = box.findChild(QLineEdit)
        if edit is not None:
            edit.setText("Лавров С.В.")
        box.accept()

    done = when_modal(qtbot, QInputDialog, type_name)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert done == [True]
    assert "Лавров С.В." in lib.alias_table().group("lavrov").names
    assert "Лавров С.В." in dialog.proxy.index(0, AliasModel.NAMES).data()
    assert "Added by you: Лавров С.В." in dialog.proxy.index(0, AliasModel.NAMES).data(
        Qt.ItemDataRole.ToolTipRole
    )

    def choose_name(box: QDialog) -> None:
        combo = box.findChild(QComboBox)
        if combo is not None:
            combo.setCurrentIndex(combo.findText("拉夫罗夫"))
        box.accept()

    select_row(qtbot, dialog, "lavrov")
    done = when_modal(qtbot, QInputDialog, choose_name)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert done == [True]
    assert "拉夫罗夫" not in lib.alias_table().group("lavrov").names
    assert lib.alias_table().group("lavrov").removed == ("拉夫罗夫",)


def test_a_new_group_is_made_and_searchable(qtbot: QtBot, lib: Library) -> None:
    dialog = AliasDialog(lib)
    qtbot.addWidget(dialog)
    dialog.show()

    def fill(box: QDialog) -> None:
        assert isinstance(box, NewGroupDialog)
        box.key.setText("Vladivostok Forum")
        box.kind.setCurrentIndex(box.kind.findData("organisation"))
        box.name.setText("Eastern Economic Forum in Vladivostok")
        box.accept()

    done = when_modal(qtbot, NewGroupDialog, fill)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert done == [True]
    group = lib.alias_table().group("vladivostok-forum")
    assert group.kind == "organisation"
    assert group.names == ("Eastern Economic Forum in Vladivostok",)
    # The new group is chosen in the table.
    chosen = dialog.selected_group()
    assert chosen is not None and chosen.key == "vladivostok-forum"


def test_a_bad_key_is_explained(
    qtbot: QtBot, lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(
        "reader.ui.aliases_dialog.QMessageBox.warning",
        lambda _parent, _title, text: warnings.append(text),
    )
    dialog = AliasDialog(lib)
    qtbot.addWidget(dialog)
    dialog.show()

    def fill(box: QDialog) -> None:
        assert isinstance(box, NewGroupDialog)
        box.key.setText("no/slashes")
        box.name.setText("Name")
        box.accept()

    done = when_modal(qtbot, NewGroupDialog, fill)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert done == [True]
    assert len(warnings) == 1 and "cannot be a name group" in warnings[0]
    assert "no/slashes" not in lib.alias_table().groups


def test_a_read_only_library_can_be_browsed_but_not_changed(qtbot: QtBot, tmp_path: Path) -> None:
    Library.open(tmp_path / "lib").close()
    library = Library.open_read_only(tmp_path / "lib")
    try:
        dialog = AliasDialog(library)
        qtbot.addWidget(dialog)
        dialog.show()
        select_row(qtbot, dialog, "putin")
        assert dialog.proxy.rowCount() >= 40
        assert not dialog.add_button.isEnabled()
        assert not dialog.remove_button.isEnabled()
        assert not dialog.new_button.isEnabled()
    finally:
        library.close()
