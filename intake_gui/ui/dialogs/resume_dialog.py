"""Drafts left open by a closed (or crashed) Intake, offered back at start-up.

Resuming restores location, vendor, room, title and every line exactly; discarding marks the draft abandoned in
the journal (it stays in the audit trail). "Later" keeps it for the next start. A draft that was sent and did not
reach the POS is offered too, marked "not received": resuming it is how it is sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import DraftState
from intake_gui.domain.quantities import format_quantity

if TYPE_CHECKING:
    from intake_gui.services.recovery import JournalEntry


class ResumeAction(StrEnum):
    RESUME = "resume"
    DISCARD = "discard"
    LATER = "later"


def entry_text(entry: JournalEntry) -> str:
    d = entry.draft
    units = format_quantity(d.total_quantity)
    saved = entry.updated_at.astimezone().strftime("%a %d %b %H:%M")
    lines = f"{len(d.lines)} line{'s' if len(d.lines) != 1 else ''}, {units} units"
    text = f"{d.title} — {d.vendor.name} → {d.room.name} at {d.location.name} — {lines} — saved {saved}"
    if entry.state is DraftState.FAILED:
        return f"NOT RECEIVED, send it again: {text}"
    return text


class ResumeDialog(QDialog):
    def __init__(self, entries: Sequence[JournalEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unfinished receives")
        self.entries = list(entries)
        self.action = ResumeAction.LATER
        self.selected: JournalEntry | None = None
        layout = QVBoxLayout(self)
        n = len(self.entries)
        heading = QLabel(
            "Intake was closed with an unfinished receive."
            if n == 1
            else f"{n} receives were left unfinished."
        )
        heading.setObjectName("subheading")
        layout.addWidget(heading)
        hint = QLabel(
            "Every scan was saved. Resume to carry on where you stopped (Enter), "
            "discard one you will not send (Delete), or decide later (Esc)."
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.list = QListWidget()
        for entry in self.entries:
            item = QListWidgetItem(entry_text(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.draft.draft_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self._finish(ResumeAction.RESUME))
        layout.addWidget(self.list, 1)

        buttons = QDialogButtonBox()
        self.resume_button = QPushButton("&Resume")
        self.resume_button.setObjectName("primary")
        self.resume_button.setDefault(True)
        self.discard_button = QPushButton("&Discard (Del)")
        self.discard_button.setObjectName("danger")
        later = QPushButton("&Later")
        buttons.addButton(self.resume_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(later, QDialogButtonBox.ButtonRole.RejectRole)
        self.resume_button.clicked.connect(lambda: self._finish(ResumeAction.RESUME))
        self.discard_button.clicked.connect(lambda: self._finish(ResumeAction.DISCARD))
        later.clicked.connect(self.reject)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self, activated=self.discard_button.click
        )
        layout.addWidget(buttons)
        self.list.setFocus()
        self.resize(760, 320)

    def _finish(self, action: ResumeAction) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self.selected = self.entries[row]
        self.action = action
        self.accept()
