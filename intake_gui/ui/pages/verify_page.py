"""Step 6: did it land? The three lights, and the way to the next delivery.

A receive whose answer was lost also lands here: it must never go back to Review, where Submit would be offered
again. When Intake could not find out whether it landed, the page says so with what is known, a button to look
again (F6) and one to decide (F7: it is in the POS / send it again) — lifecycle helper's edit.

When the sellable light is red because the stock sits in a room customers cannot buy from, a "Move to a sales
room…" button appears beside the lights (Alt+M). It is a button, not a dialog that pops up by itself: the lights
re-check on their own, and a window jumping up mid-check would steal the clerk's keyboard.

The lights stay until the clerk deliberately starts the next delivery (Ctrl+N, or the button pressed). Nothing
here is a default button and the keyboard lands on the summary, not on "New receive": an Enter or Ctrl+Enter
pressed twice on Review used to skip straight past the lights — even a red one — to the next delivery.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from intake_gui.domain.models import ReceiveDraft
from intake_gui.ui.pages.base import Page
from intake_gui.ui.verification_panel import DEFAULT_BACKOFF_S, VerificationPanel
from intake_gui.ui.wording import plural


def _lines(draft: ReceiveDraft) -> str:
    return plural(len(draft.lines), "line")


class VerifyPage(Page):
    title = "Verify"
    new_receive_requested = Signal()
    confirm_requested = Signal()
    """Look again for a receive whose outcome is still unknown."""
    decide_requested = Signal()
    """Open the decision for a receive Intake could not settle (it is in the POS / send it again)."""
    move_requested = Signal()
    """Open the move to a sales room (or, without a move API, the steps to do it by hand)."""

    def __init__(self, parent: QWidget | None = None, *, backoff_s=DEFAULT_BACKOFF_S) -> None:
        super().__init__("Did it land?", "", parent)
        self.receipt = QLabel("")
        self.receipt.setObjectName("subheading")
        self.receipt.setWordWrap(True)
        self.layout_.addWidget(self.receipt)
        self.add_status_line()

        confirm_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.confirm_button = QPushButton("Look for it again (F6)")
        self.confirm_button.setShortcut(QKeySequence("F6"))
        self.confirm_button.setVisible(False)
        self.confirm_button.clicked.connect(self.confirm_requested.emit)
        self.decide_button = QPushButton("Decide… (F7)")
        self.decide_button.setShortcut(QKeySequence("F7"))
        self.decide_button.setVisible(False)
        self.decide_button.clicked.connect(self.decide_requested.emit)
        confirm_row.addWidget(self.progress)
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.decide_button)
        confirm_row.addStretch(1)
        self.layout_.addLayout(confirm_row)

        self.panel = VerificationPanel(backoff_s=backoff_s)
        self.layout_.addWidget(self.panel, 1)

        bottom = QHBoxLayout()
        self.move_button = QPushButton("Move to a sales room…  (Alt+M)")
        self.move_button.setShortcut(QKeySequence("Alt+M"))
        self.move_button.setMinimumHeight(48)
        self.move_button.setVisible(False)
        self.move_button.clicked.connect(self.move_requested.emit)
        bottom.addWidget(self.move_button)
        bottom.addStretch(1)
        self.new_button = QPushButton("New receive  (Ctrl+N)")
        self.new_button.setObjectName("primary")
        self.new_button.setMinimumHeight(48)
        self.new_button.setToolTip("Start the next delivery at the same location (Ctrl+N)")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_receive_requested.emit)
        bottom.addWidget(self.new_button)
        self.layout_.addLayout(bottom)

    def start(self, draft: ReceiveDraft) -> None:
        """A new submit is under way for this draft."""
        self.panel.reset()
        self.heading.setText("Did it land?")
        self.receipt.setText(f"“{draft.title}” — {_lines(draft)} for {draft.location.name}")
        self.new_button.setText(f"New receive at {draft.location.name}  (Ctrl+N)")
        self.panel.store_zone = draft.location.timezone
        self.set_confirming(False)
        self.show_move_offer(False)
        self.say("", "info")

    def set_receipt(self, receipt_id: int, draft: ReceiveDraft, *, reconciled: bool) -> None:
        how = " (found in receive history after the answer was lost)" if reconciled else ""
        self.receipt.setText(
            f"Receipt {receipt_id}{how}: “{draft.title}”, {_lines(draft)}, "
            f"{draft.vendor.name} → {draft.room.name}\nStore time: {draft.location.zone_words}"
        )
        self.set_confirming(False)

    def set_confirming(self, confirming: bool, text: str = "") -> None:
        """Intake is looking for the receive right now (`confirming`), or not; never offers to send it again."""
        self.progress.setVisible(confirming)
        self.confirm_button.setVisible(bool(text) and not confirming)
        if not text:
            self.decide_button.setVisible(False)
        if text:
            self.say(text, "info")

    def show_decision(self, headline: str, what_happened: str, what_to_do: str) -> None:
        """Sent, and Intake could not find out whether it landed: what is known, and the way to decide."""
        self.progress.setVisible(False)
        self.confirm_button.setVisible(True)
        self.decide_button.setVisible(True)
        self.say(f"{headline} {what_happened}", "bad")
        self.panel.set_failed(
            "? Not known whether it landed.",
            f"{what_to_do} F7 to decide, F6 to look in receive history again.",
        )

    def show_move_offer(self, offered: bool, *, manual: bool = False) -> None:
        """`manual`: the POS has no move API, so the button leads to the steps to do it in the POS itself."""
        self.move_button.setVisible(offered)
        self.move_button.setToolTip(
            "The stock is in a room customers cannot buy from: see how to move it in the POS (Alt+M)"
            if manual
            else "The stock is in a room customers cannot buy from: transfer it to a sales room (Alt+M)"
        )

    @property
    def move_offered(self) -> bool:
        return not self.move_button.isHidden()

    def on_enter(self) -> None:
        self.take_focus(self.panel.summary)
