"""The notice a clerk cannot miss when a read was taken for the scanner reading one label twice.

A blanked read is the one place the scan path decides *not* to count something the scanner sent. If that was
wrong (two identical items really were scanned in quick succession) the clerk must know at once and fix it
with one key, without hunting for the line: so the page shows this bar -- large, amber, in the scan area, with
the gap that was measured -- plays its own sound (ui/sounds.py, "blanked"), and Insert (or the button) counts
the read. The bar stays until the next scan or until it is used.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

COUNT_KEY = Qt.Key.Key_Insert
"""One key, on every keyboard, that no text field or table on the Products page uses."""

_STYLE = """
QFrame#blanked_notice { background: #fff4d6; border: 2px solid #b7791f; border-radius: 4px; }
QFrame#blanked_notice QLabel { color: #5c3b00; font-weight: 600; background: transparent; }
"""


class BlankedReadNotice(QFrame):
    count_requested = Signal()

    def __init__(self, shortcut_scope: QWidget, parent: QWidget | None = None) -> None:
        """`shortcut_scope`: the page whose focus makes Insert count the read."""
        super().__init__(parent)
        self.setObjectName("blanked_notice")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName("Read not counted")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.button = QPushButton("Count it (Insert)")
        self.button.setFocusPolicy(
            Qt.FocusPolicy.NoFocus
        )  # focus stays where the clerk's hands are
        self.button.clicked.connect(self.count_requested.emit)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.shortcut = QShortcut(QKeySequence(COUNT_KEY), shortcut_scope)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.shortcut.setEnabled(False)
        self.shortcut.activated.connect(self.count_requested.emit)
        self.setVisible(False)

    def show_for(self, outcome: Any) -> None:
        self.text.setText(
            f"Not counted: {outcome.message} Two items? Press Insert to count this one."
        )
        self.shortcut.setEnabled(True)
        self.setVisible(True)

    def dismiss(self) -> None:
        self.shortcut.setEnabled(False)
        self.setVisible(False)
