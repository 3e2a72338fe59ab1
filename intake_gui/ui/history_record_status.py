"""The status-bar words for the shared record: "shared record: up to date / 12 waiting / offline since 10:42".

The sender runs on its own thread and keeps a status object (`store.shared_record.sender`); this label reads that
object every two seconds. Reading it is a lock and a copy — no disk or network on the GUI thread — so polling is
simpler and safer than marshalling callbacks from a foreign thread. Hidden when no shared record is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from intake_gui.services.shared_record import OFF, SharedRecordStatus, shared_status, status_words
from intake_gui.ui.theme import repolish

POLL_MS = 2000


class SharedRecordLabel(QLabel):
    def __init__(self, context: Callable[[], Any], parent: QWidget | None = None) -> None:
        """`context()` returns the current AppContext, or None while there is none."""
        super().__init__("", parent)
        self._context = context
        self.setObjectName("status_line")
        self.setAccessibleName("Shared record")
        self.setVisible(False)
        self.status: SharedRecordStatus = OFF
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def refresh(self) -> None:
        ctx = self._context()
        status = shared_status(ctx) if ctx is not None else OFF
        if status == self.status and self.isVisible() == (status.state != "off"):
            return
        self.status = status
        words = status_words(status)
        self.setText(words)
        self.setVisible(bool(words))
        tone = {"offline": "bad", "sending": "info"}.get(status.state, "good")
        if status.state == "up_to_date" and status.waiting:
            tone = "info"
        self.setProperty("tone", tone)
        tip = f"The store's shared receiving record: {status.where}"
        if status.last_error:
            tip += f"\nLast problem: {status.last_error}"
        if status.state == "offline":
            tip += (
                "\nScanning and submitting go on as usual; every event is kept here and sent, in order, "
                "once the record is reachable again."
            )
        self.setToolTip(tip)
        repolish(self)

    def stop(self) -> None:
        self._timer.stop()
