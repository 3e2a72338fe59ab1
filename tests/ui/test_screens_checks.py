"""The checks themselves: `layout_check` sees cut-off text and `keyboard_check` sees shared Alt+letters.

A check that cannot fail proves nothing, so each is shown a widget that is wrong and one that is right.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.ui.keyboard_check import mnemonic_clashes, mnemonic_of
from intake_gui.ui.layout_check import ELIDES_PROPERTY, find_clipped
from intake_gui.ui.wording import plural

pytestmark = pytest.mark.gui

WORDS = (
    "Not sellable: the packages are in Vault, which is not a sales room. Do not receive them again."
)


def _shown(qtbot, *widgets: QWidget, width: int = 400, height: int = 300) -> QWidget:
    """The widgets placed by hand (no layout), so each keeps exactly the size a test gives it."""
    root = QWidget()
    qtbot.addWidget(root)
    root.resize(width, height)
    for w in widgets:
        w.setParent(root)
    root.show()
    qtbot.waitExposed(root)
    return root


def test_a_label_narrower_than_its_words_is_cut_and_one_wide_enough_is_not(qtbot):
    cut, whole = QLabel("Receive into Vault anyway (Enter)"), QLabel("OK")
    root = _shown(qtbot, cut, whole)
    cut.setGeometry(0, 0, 60, 30)
    whole.setGeometry(0, 40, 200, 30)
    clips = find_clipped(root)
    assert [c.text for c in clips] == ["Receive into Vault anyway (Enter)"]
    assert clips[0].axis == "width"


def test_a_wrapping_label_shorter_than_its_lines_is_cut(qtbot):
    short, tall = QLabel(WORDS), QLabel(WORDS)
    for label in (short, tall):
        label.setWordWrap(True)
    root = _shown(qtbot, short, tall, height=600)
    short.setGeometry(0, 0, 150, 20)
    tall.setGeometry(0, 40, 150, tall.heightForWidth(150))
    clips = find_clipped(root)
    assert len(clips) == 1 and clips[0].axis == "height" and clips[0].has[1] == 20


def test_buttons_and_check_boxes_too_narrow_for_their_words_are_cut(qtbot):
    button, box = (
        QPushButton("New receive at AZ Sandbox — Phoenix (Ctrl+N)"),
        QCheckBox("&Blind count"),
    )
    # Wide enough for the button's words whatever theme an earlier test left applied (large type is ~416 px).
    root = _shown(qtbot, button, box, width=800)
    button.setGeometry(0, 0, 120, 40)
    box.setGeometry(0, 50, 40, 30)
    assert {c.kind for c in find_clipped(root)} == {"QPushButton", "QCheckBox"}
    button.resize(button.sizeHint())
    box.resize(box.sizeHint())
    assert find_clipped(root) == []


def test_text_elided_on_purpose_is_not_reported(qtbot):
    label = QLabel("Catalog: 17,000 products · synced 10:42")
    label.setProperty(ELIDES_PROPERTY, True)
    root = _shown(qtbot, label)
    label.setGeometry(0, 0, 50, 30)
    assert find_clipped(root) == []


def test_a_row_wider_than_its_window_is_cut_at_the_edge(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    row = QWidget(root)
    row.setObjectName("row")
    row.setGeometry(0, 0, 700, 40)
    root.resize(500, 100)
    root.show()
    qtbot.waitExposed(root)
    clips = find_clipped(root)
    assert [c.name for c in clips] == ["row"] and clips[0].has == (500, 100)


def test_shared_alt_letters_are_found_with_the_menu_bar(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.menuBar().addMenu("&Tools")
    central = QWidget()
    layout = QVBoxLayout(central)
    title = QLabel("&Title:")
    edit = QLineEdit()
    title.setBuddy(edit)
    for w in (title, edit, QPushButton("&Save"), QLabel("&Search (no buddy: no mnemonic)")):
        layout.addWidget(w)
    window.setCentralWidget(central)
    assert list(mnemonic_clashes(window)) == ["T"]
    title.setText("T&itle:")
    assert mnemonic_clashes(window) == {}
    assert (mnemonic_of("Fish && &Chips"), mnemonic_of("R&&D"), mnemonic_of("Plain")) == (
        "C",
        "",
        "",
    )


def test_counts_in_words():
    from decimal import Decimal

    assert [plural(1, "unit"), plural(Decimal("2.50"), "unit"), plural(0, "line")] == [
        "1 unit",
        "2.5 units",
        "0 lines",
    ]
    assert plural(1, "unknown code") == "1 unknown code" and plural(3, "box", "boxes") == "3 boxes"
