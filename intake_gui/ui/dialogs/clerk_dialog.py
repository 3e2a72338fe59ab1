"""Who is receiving? Asked when the POS signs in with a shop's key (BLAZE, IndicaOnline) and no name is known.

The key proves the station may talk to the shop; it says nothing about the person scanning the delivery, and
the audit trail must name that person. The name is kept in the station's settings (changeable in Settings)
and recorded with every receive and move from then on.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.pos_words import PosWords
from intake_gui.ui.theme import repolish


class ClerkDialog(QDialog):
    def __init__(self, words: PosWords, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is receiving?")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"This station signs in to {words.pos_name} with a {words.credential_word}, which names the "
            f"{words.location_word}, not a person. Intake records your name with every receive and move; "
            "change it in Settings when someone else takes over."
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Your name")
        self.name.setMaxLength(80)
        form.addRow("Your &name:", self.name)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("status_line")
        self.error.setProperty("tone", "bad")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self._accept)
        layout.addWidget(buttons)
        self.name.setFocus()
        self.resize(460, 0)

    def clerk_name(self) -> str:
        return " ".join(self.name.text().split())

    def _accept(self) -> None:
        if not self.clerk_name():
            self.error.setText("✖ Enter your name: the receiving record says who received.")
            self.error.setVisible(True)
            repolish(self.error)
            return
        self.accept()
