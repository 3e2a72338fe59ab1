"""What every wizard page shares: a heading, a hint, a status line, and a busy/error state.

Pages only collect input and show state; the wizard (ui/wizard.py) decides what happens next through
domain.wizard_flow.WizardFlow. Keeping that split means a page never navigates by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from intake_gui.ui.theme import density, repolish


class Page(QWidget):
    title = ""
    """The step's name in the breadcrumb and the window's accessible description."""

    def __init__(self, heading: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        # Every label is this page's child from the start: `setVisible(True)` on a parentless one shows it as a
        # window of its own for a moment, which takes the focus window from the station's main window when a
        # page is built after the window is up (pages are built on first use, ui/wizard_pages.py).
        self.heading = QLabel(heading, self)
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.status = QLabel("", self)
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

    def take_focus(self, widget: QWidget) -> None:
        """Give `widget` the keyboard focus, unless another page of the wizard is the one on screen.

        Pages fill in whenever their data arrives (the rooms load while the clerk is still choosing a vendor),
        and Qt lets a widget on a hidden page take the focus: the page the clerk is on then loses it, and
        hiding the stolen widget afterwards leaves nothing focused at all. Since pages are built on first use
        (ui/wizard.py), a page is as often filled while hidden as shown, so every page asks through here. A page
        outside a stack (a test, a dialog) always takes it."""
        stack = self.parentWidget()
        if isinstance(stack, QStackedWidget) and stack.currentWidget() is not self:
            return
        widget.setFocus()

    def on_enter(self) -> None:
        """Called when the page becomes current: put the focus where the clerk's hands expect it."""
