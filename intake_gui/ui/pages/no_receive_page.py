"""Shown instead of the wizard's steps when the station's POS has no receive API (IndicaOnline).

A clerk must learn this on the first screen, not after scanning a whole delivery into a draft that could never
be sent. So the wizard never starts: this page says why, where deliveries are checked in instead, and offers
the one thing Intake can do with this POS — count the shelf and compare it with what the POS believes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from intake_gui.ui.pages.base import Page

COUNT_KEYS = "Ctrl+Shift+C"
"""The main window's Shelf count shortcut, quoted on the button so the clerk learns it."""


class NoReceivePage(Page):
    title = "Receiving unavailable"
    count_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("This POS has no receive API", "", parent)
        self.card = QFrame()
        self.card.setObjectName("card")
        box = QVBoxLayout(self.card)
        self.summary = QLabel()
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_button = QPushButton(f"Open Shelf count  ({COUNT_KEYS})")
        self.count_button.setObjectName("primary")
        self.count_button.setMinimumHeight(48)
        self.count_button.setAutoDefault(True)
        self.count_button.setToolTip(
            "Scan what is on a shelf and compare it with what the POS says is there"
        )
        self.count_button.clicked.connect(self.count_requested.emit)
        row = QHBoxLayout()
        row.addWidget(self.count_button)
        row.addStretch(1)
        box.addWidget(self.summary)
        box.addWidget(self.detail)
        box.addLayout(row)
        self.layout_.addWidget(self.card)
        self.layout_.addStretch(1)
        self.add_status_line()
        self.pos_name = ""

    def show_for(self, pos_name: str, hint: str) -> None:
        """`hint` is the connector's `receive_hint`: where this POS checks deliveries in instead."""
        self.pos_name = pos_name
        self.heading.setText(f"{pos_name} has no receive API")
        self.summary.setText(
            f"This POS has no receive API — use Shelf count, or receive in {pos_name}'s own screen. "
            "Intake cannot send a receive to it, so the receiving steps are switched off for this station."
        )
        self.detail.setText(hint)
        self.detail.setVisible(bool(hint))

    def on_enter(self) -> None:
        self.take_focus(self.count_button)
