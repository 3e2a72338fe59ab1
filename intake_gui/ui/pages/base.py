"""What every wizard page shares: a heading, a hint, a status line, and a busy/error state.

Pages only collect input and show state; the wizard (ui/wizard.py) decides what happens next through
domain.wizard_flow.WizardFlow. Keeping that split means a page never navigates by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from intake_gui.ui.theme import density, repolish


class Page(QWidget):
    title = ""
    """The step's name in the breadcrumb and the window's accessible description."""

    def __init__(self, heading: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.heading = QLabel(heading)
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.status = QLabel("")
        self.status.setObjectName("status_line")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_ = QVBoxLayout(self)
        self._apply_density()
        self.heading_row = QHBoxLayout()
        """The heading, and room at its right for a page's one-line context (what this receive is for)."""
        self.heading_row.setSpacing(16)
        self.heading_row.addWidget(self.heading)
        self.layout_.addLayout(self.heading_row)
        self.layout_.addWidget(self.hint)

    def _apply_density(self) -> None:
        dense = density()
        self.layout_.setContentsMargins(*dense.page_margins)
        self.layout_.setSpacing(dense.page_spacing)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.StyleChange:
            self._apply_density()  # the theme was applied again: maybe for another screen
        super().changeEvent(event)

    def add_status_line(self) -> None:
        """Pages place the status line where it reads best (usually right under their main control)."""
        self.layout_.addWidget(self.status)

    def say(self, text: str, tone: str = "info") -> None:
        """tone: info / good / bad. The text itself carries the meaning; tone only tints it."""
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.setVisible(bool(text))
        repolish(self.status, deep=False)

    def on_enter(self) -> None:
        """Called when the page becomes current: put the focus where the clerk's hands expect it."""
