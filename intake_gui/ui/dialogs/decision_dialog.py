"""Receives Intake could not settle on its own: what is known, and the two choices only a person can make.

A draft "needs a decision" when it was sent, its answer was lost, and receive history could not be read within
the reads Intake allows itself. Intake never sends it again on its own (the person may have entered it by hand
meanwhile). This dialog shows each one with everything known — when it was sent, how often, its tag, what receive
history said — and records the choice: **It is in the POS** or **Send it again**. Both are journal events; "send
it again" is refused while the same delivery is known to have landed, unless the person confirms it.

Shown at start-up (after recovery) and from the verify page of a receive that ended this way. All I/O runs on
workers; the dialog itself is opened with `open()`, never `exec()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.ui.workers import start_worker

log = logging.getLogger(__name__)

LANDED = "landed"
RESEND = "resend"


def decision_text(decision: Any) -> str:
    """Everything known about one undecided receive, as the dialog and tests read it."""
    d, f = decision.diagnosis, decision.facts
    rows = [
        d.what_happened,
        f"Tag {f.token} · {f.lines} line{'s' if f.lines != 1 else ''} · {f.vendor} at {f.location}"
        + (f" · station {f.station}" if f.station else "")
        + (f" · {f.clerk}" if f.clerk else ""),
    ]
    tz = decision.entry.draft.location.timezone
    rows += [f"Note: {p.sentence(tz)}" for p in decision.landed_twins.priors]
    rows.append(d.what_to_do)
    return "\n\n".join(r for r in rows if r)


class DecisionDialog(QDialog):
    chosen = Signal(object, str)
    """(Decision, "landed" | "resend") — the owner records it on a worker."""

    def __init__(self, decisions: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receives that need a decision")
        self.decisions = list(decisions)
        layout = QVBoxLayout(self)
        n = len(self.decisions)
        heading = QLabel(
            "Intake cannot tell whether this receive landed."
            if n == 1
            else f"Intake cannot tell whether {n} receives landed."
        )
        heading.setObjectName("subheading")
        layout.addWidget(heading)
        self.list = QListWidget()
        for decision in self.decisions:
            item = QListWidgetItem(decision.diagnosis.headline)
            item.setData(Qt.ItemDataRole.UserRole, decision.draft_id)
            self.list.addItem(item)
        self.list.setVisible(n > 1)
        self.list.currentRowChanged.connect(self._show)
        layout.addWidget(self.list)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details, 1)

        buttons = QDialogButtonBox()
        self.landed_button = QPushButton("It is in the &POS")
        self.landed_button.setToolTip(
            "You found it in the POS's receive history: record it as received"
        )
        self.resend_button = QPushButton("&Send it again")
        self.resend_button.setToolTip(
            "You looked and it is not in the POS: send this receive again"
        )
        later = QPushButton("&Later")
        later.setToolTip(
            "Decide later: it is offered again at the next start and by `intake recover`"
        )
        buttons.addButton(self.landed_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.resend_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(later, QDialogButtonBox.ButtonRole.RejectRole)
        self.landed_button.clicked.connect(lambda: self._choose(LANDED))
        self.resend_button.clicked.connect(lambda: self._choose(RESEND))
        later.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.list.setCurrentRow(0)
        self._show(0)
        self.resize(720, 360)

    @property
    def current(self) -> Any:
        row = self.list.currentRow()
        return self.decisions[row] if 0 <= row < len(self.decisions) else None

    def _show(self, _row: int) -> None:
        decision = self.current
        self.details.setText(decision_text(decision) if decision is not None else "")

    def _choose(self, choice: str) -> None:
        decision = self.current
        if decision is None:
            return
        self.chosen.emit(decision, choice)
        self.accept()


def record_decision(
    parent: QWidget,
    services: Any,
    decision: Any,
    choice: str,
    on_done: Callable[[Any], None],
    *,
    again: bool = False,
) -> None:
    """Record `choice` on a worker; a refused resend (the delivery is in the POS) asks before sending anyway.

    `on_done` gets the RecoveryOutcome, or the exception (its words are the owner's to show).
    """
    from intake_gui.services.deliveries import SameDelivery

    def failed(exc: BaseException) -> None:
        if isinstance(exc, SameDelivery) and not again:
            d = exc.diagnosis
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "The same delivery is in the POS",
                f"{d.headline}\n\n{d.what_happened}\n\nSend this one as a second receive anyway?",
                QMessageBox.StandardButton.Cancel,
                parent,
            )
            send = box.addButton("Send a second receive", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)

            def answered(_result: int) -> None:
                if box.clickedButton() is send:
                    record_decision(parent, services, decision, choice, on_done, again=True)
                else:
                    on_done(exc)

            box.finished.connect(answered)
            box.open()
            return
        on_done(exc)

    start_worker(
        services.receiving.decide,
        decision.draft_id,
        choice,
        again=again,
        how="gui confirm" if again else "gui",
        on_returned=on_done,
        on_errored=failed,
    )


def offer_decisions(
    parent: QWidget,
    services: Any,
    then: Callable[[], None],
    *,
    on_outcome: Callable[[Any], None] | None = None,
) -> None:
    """Start-up: load the undecided receives (a worker), show them, record each choice, then `then()`."""

    def show(decisions: list[Any]) -> None:
        if not decisions or not parent.isVisible():
            then()
            return
        dialog = DecisionDialog(decisions, parent)

        def chosen(decision: Any, choice: str) -> None:
            def done(outcome: Any) -> None:
                if on_outcome is not None:
                    on_outcome(outcome)
                offer_decisions(parent, services, then, on_outcome=on_outcome)

            record_decision(parent, services, decision, choice, done)

        dialog.chosen.connect(chosen)
        dialog.rejected.connect(then)
        dialog.open()

    def failed(exc: BaseException) -> None:
        log.warning("Could not load the receives that need a decision", exc_info=exc)
        then()

    start_worker(services.receiving.decisions, on_returned=show, on_errored=failed)
