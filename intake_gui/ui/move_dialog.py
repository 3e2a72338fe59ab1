"""Offered from the verify page when received stock sits in a room customers cannot buy from.

With a POS that has a move API (BLAZE) the dialog walks the two-step transfer: create it (nothing moves),
then a supervisor accepts it (the stock moves, and the caller re-checks the sellable light) or declines it
(nothing moves, the light stays red). With a POS that has none (Dutchie Backoffice) it shows exactly where
to make the move by hand and what to move; it never pretends to have moved anything.

All POS calls run on workers; the dialog only shows state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.counting import Transfer, TransferStatus
from intake_gui.domain.models import ReceiveDraft, Room
from intake_gui.domain.verification import VerificationReport
from intake_gui.pos.errors import PosError
from intake_gui.services.error_words import error_words
from intake_gui.services.moving import (
    MoveError,
    MoveOffer,
    MovingService,
    move_needed,
    transfer_words,
)
from intake_gui.ui.sync_status import context_of
from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import start_worker

log = logging.getLogger(__name__)


def offer_move(
    parent: QWidget | None,
    services: Any,
    draft: ReceiveDraft,
    report: VerificationReport,
    *,
    on_moved: Callable[[Transfer], None] | None = None,
    rooms: Mapping[int, Room] | None = None,
) -> MoveDialog | None:
    """Open the move dialog when the sellable light is red because of a non-sellable room; else None.

    `on_moved` runs once a transfer is accepted (the stock moved): the verify page re-checks its lights then.
    """
    if not move_needed(report, draft, rooms):
        return None
    dialog = MoveDialog(services, draft, report.receipt_id, parent)
    if on_moved is not None:
        dialog.moved.connect(on_moved)
    dialog.open()
    return dialog


class MoveDialog(QDialog):
    offer_ready = Signal(object)
    """The MoveOffer, once read (supported or with manual instructions)."""
    created = Signal(object)
    """The pending Transfer."""
    moved = Signal(object)
    """The accepted Transfer: the stock is in the sales room now."""
    declined = Signal(object)
    failed = Signal(str)

    def __init__(
        self, services: Any, draft: ReceiveDraft, receipt_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = context_of(services)
        self.moving = MovingService(self.ctx)
        self.draft = draft
        self.receipt_id = receipt_id
        self.offer: MoveOffer | None = None
        self.transfer: Transfer | None = None
        self._busy = False
        self._closed = False

        self.setWindowTitle("Move to a sellable room")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.heading = QLabel("Move the stock to a sales room")
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        self.explain = QLabel(
            f"Receipt {receipt_id} is in {draft.room.name}, which is not a sales room, so customers "
            "cannot buy it yet. Reading what can be moved…"
        )
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        self.lines_label = QLabel("")
        self.lines_label.setWordWrap(True)
        self.lines_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.lines_label)
        self.instructions = QLabel("")
        self.instructions.setObjectName("hint")
        self.instructions.setWordWrap(True)
        self.instructions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.instructions.setVisible(False)
        layout.addWidget(self.instructions)

        self.form_widget = QWidget()
        form = QFormLayout(self.form_widget)
        form.setContentsMargins(0, 0, 0, 0)
        self.to_combo = QComboBox()
        self.creator_combo = QComboBox()
        self.supervisor_combo = QComboBox()
        form.addRow("Move to", self.to_combo)
        form.addRow("Created by", self.creator_combo)
        form.addRow("Supervisor", self.supervisor_combo)
        self.form_widget.setVisible(False)
        layout.addWidget(self.form_widget)

        self.state_label = QLabel("")
        self.state_label.setObjectName("subheading")
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        self.status = QLabel("")
        self.status.setObjectName("status_line")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.create_button = QPushButton("&Create transfer")
        self.create_button.setObjectName("primary")
        self.create_button.setToolTip(
            "Creates a pending transfer; nothing moves until a supervisor accepts"
        )
        self.create_button.clicked.connect(self.create_transfer)
        self.accept_button = QPushButton("&Accept (moves the stock)")
        self.accept_button.clicked.connect(self.accept_transfer)
        self.decline_button = QPushButton("&Decline")
        self.decline_button.clicked.connect(self.decline_transfer)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for b in (self.create_button, self.accept_button, self.decline_button):
            b.setVisible(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        start_worker(
            self.moving.offer,
            draft,
            receipt_id,
            on_returned=self._offer_ready,
            on_errored=self._offer_failed,
        )

    # ---- the offer --------------------------------------------------------------------------------

    def _offer_ready(self, offer: MoveOffer) -> None:
        if self._closed:
            return
        self.offer = offer
        self.explain.setText(
            f"Receipt {offer.receipt_id} is in {offer.from_room.name}, which is not a sales room, so "
            "customers cannot buy it yet. This is what would move:"
        )
        self.lines_label.setText("\n".join(f"• {line.text}" for line in offer.lines))
        if not offer.supported:
            self.heading.setText("Move it by hand in the POS")
            self.instructions.setText(offer.instructions)
            self.instructions.setVisible(True)
            self.lines_label.setVisible(False)
            self.close_button.setText("Close")
            self.adjustSize()
            self.offer_ready.emit(offer)
            return
        if not offer.destinations:
            self._say(
                "This location has no sales room to move the stock to. Ask an admin to make a room a "
                "sales room, then receive or move into it.",
                "bad",
            )
            self.offer_ready.emit(offer)
            return
        for room in offer.destinations:
            self.to_combo.addItem(room.name, room.room_id)
        for employee in offer.employees:
            self.creator_combo.addItem(employee.name, employee.employee_id)
            self.supervisor_combo.addItem(employee.name, employee.employee_id)
        if self.supervisor_combo.count() > 1:
            self.supervisor_combo.setCurrentIndex(1)
        self.form_widget.setVisible(True)
        self.create_button.setVisible(True)
        if offer.note:
            self._say(offer.note, "info")
        self._update_buttons()
        self.adjustSize()
        self.offer_ready.emit(offer)

    def _offer_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        if not isinstance(exc, PosError | MoveError):
            log.error("Reading the move offer failed", exc_info=exc)
        self._say(f"The move cannot be prepared: {error_words(exc)}", "bad")
        self.failed.emit(error_words(exc))

    # ---- choices ----------------------------------------------------------------------------------

    def choose(
        self, *, to_room_id: int | None = None, creator: str = "", supervisor: str = ""
    ) -> None:
        """Pick the destination and the people by id (for keyboard-free tests and scripted stations)."""
        for combo, value in (
            (self.to_combo, to_room_id),
            (self.creator_combo, creator or None),
            (self.supervisor_combo, supervisor or None),
        ):
            if value is not None:
                i = combo.findData(value)
                if i >= 0:
                    combo.setCurrentIndex(i)

    def _to_room(self) -> Room | None:
        if self.offer is None:
            return None
        room_id = self.to_combo.currentData()
        return next((r for r in self.offer.destinations if r.room_id == room_id), None)

    # ---- the transfer -----------------------------------------------------------------------------

    def create_transfer(self) -> None:
        offer, room = self.offer, self._to_room()
        employee = self.creator_combo.currentData()
        if self._busy or offer is None or room is None or self.transfer is not None:
            return
        if not employee:
            self._say(
                "Choose who creates the transfer: the POS records a name on every move.", "bad"
            )
            return
        self._run(
            "Creating the transfer…", self.moving.create, offer, room, employee, done=self._created
        )

    def _created(self, transfer: Transfer) -> None:
        self.transfer = transfer
        self._show_transfer(transfer)
        self.created.emit(transfer)

    def accept_transfer(self) -> None:
        self._decide(self.moving.accept, "Accepting — the stock moves now…")

    def decline_transfer(self) -> None:
        self._decide(self.moving.decline, "Declining…")

    def _decide(self, call: Callable[..., Transfer], text: str) -> None:
        offer, transfer = self.offer, self.transfer
        supervisor = self.supervisor_combo.currentData()
        if self._busy or offer is None or transfer is None or not transfer.open:
            return
        if not supervisor:
            self._say("Choose the supervisor who accepts or declines the move.", "bad")
            return
        self._run(text, call, offer, transfer, supervisor, done=self._decided)

    def _decided(self, transfer: Transfer) -> None:
        self.transfer = transfer
        self._show_transfer(transfer)
        if transfer.status is TransferStatus.ACCEPTED:
            self._say("Moved. The Ready to sell light is checked again now.", "good")
            self.moved.emit(transfer)
        elif transfer.status is TransferStatus.DECLINED:
            self._say(
                "Declined: the stock stays where it is, so the Ready to sell light stays red. "
                "Create a new transfer if it should still move.",
                "bad",
            )
            self.declined.emit(transfer)

    def _show_transfer(self, transfer: Transfer) -> None:
        rooms = list(self.offer.destinations) if self.offer else []
        if self.offer is not None:
            rooms.append(self.offer.from_room)
        self.state_label.setText(transfer_words(transfer, rooms))
        self._update_buttons()
        self.adjustSize()

    def _run(
        self, text: str, fn: Callable[..., Transfer], *args: Any, done: Callable[[Transfer], None]
    ) -> None:
        self._busy = True
        self._update_buttons()
        self._say(text, "info")

        def returned(transfer: Transfer) -> None:
            self._busy = False
            if self._closed:
                return
            self._say("", "info")
            done(transfer)

        def errored(exc: BaseException) -> None:
            self._busy = False
            if self._closed:
                return
            if not isinstance(exc, PosError | MoveError):
                log.error("Move step failed", exc_info=exc)
            self._say(error_words(exc), "bad")
            self._update_buttons()
            self.failed.emit(error_words(exc))

        start_worker(fn, *args, on_returned=returned, on_errored=errored)

    # ---- state ------------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        pending = self.transfer is not None and self.transfer.open
        created = self.transfer is not None
        self.create_button.setEnabled(not self._busy and not created)
        self.create_button.setVisible(
            self.offer is not None and self.offer.supported and not created
        )
        self.accept_button.setVisible(pending)
        self.decline_button.setVisible(pending)
        self.accept_button.setEnabled(pending and not self._busy)
        self.decline_button.setEnabled(pending and not self._busy)
        self.to_combo.setEnabled(not created)
        self.creator_combo.setEnabled(not created)
        if pending:
            self.close_button.setText("Close (leave it pending)")
            self.close_button.setToolTip(
                "The transfer stays pending in the POS; a supervisor can accept or decline it there."
            )
        else:
            self.close_button.setText("Close")

    def _say(self, text: str, tone: str) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.setVisible(bool(text))
        repolish(self.status, deep=False)

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)
