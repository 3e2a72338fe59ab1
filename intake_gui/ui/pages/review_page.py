"""Step 5: everything that will be sent, in words, and the one Submit.

The summary is what the POS will receive, not what the clerk typed: the order title with its idempotency tag,
each line with the room it lands in, and the note with the over/short reasons. Submit runs on a worker; the
button is disabled (and guarded) from the first press until the outcome is known, so it cannot double-submit.
"""

from __future__ import annotations

import html
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import NOTE_MAX, ReceiveDraft
from intake_gui.domain.quantities import format_quantity
from intake_gui.ui.pages.base import Page
from intake_gui.ui.wording import plural


def money(value: Decimal | None) -> str:
    return "no cost" if value is None else f"${value:,.2f}"


def qty_text(value: Decimal | None) -> str:
    # [input] the one quantity formatter (station's decimal mark)
    return "—" if value is None else format_quantity(value)


def summary_html(draft: ReceiveDraft) -> str:
    """The receive as a clerk reads it; every value escaped (product names come from the POS)."""
    e = html.escape
    room = draft.room
    sellable = (
        "✔ Yes — the stock can be sold at once"
        if room.sellable
        else ("⚠ No — the stock must be moved to a sales room before it can be sold")
    )
    rows = [
        (
            "Location",
            f"{e(draft.location.name)} (#{draft.location.loc_id}{', ' + e(draft.location.state) if draft.location.state else ''})",
        ),
        ("Vendor", e(draft.vendor.label)),
        ("Room", f"{e(room.name)} (#{room.room_id})"),
        ("Sellable", sellable),
        (
            "Title",
            f"{e(draft.title)} <span style='color:#4a524e'>(sent as “{e(draft.wire_title)}”)</span>",
        ),
    ]
    out = ["<table cellspacing='0' cellpadding='4'>"]
    out += [f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows]
    out.append("</table>")
    out.append("<h3>Lines</h3>")
    out.append(
        "<table cellspacing='0' cellpadding='4' border='1' style='border-collapse:collapse' width='100%'>"
        "<tr><th>#</th><th>SKU</th><th>Product</th><th align='right'>Qty</th><th align='right'>Expected</th>"
        "<th align='right'>Unit cost</th><th align='right'>Line total</th><th>Package / lot / expiry</th></tr>"
    )
    for n, ln in enumerate(draft.lines, 1):
        extra = " · ".join(
            x
            for x in (ln.package_tag, ln.lot, ln.expiration.isoformat() if ln.expiration else "")
            if x
        )
        out.append(
            f"<tr><td>{n}</td><td>{e(ln.sku)}</td><td>{e(ln.name)}</td>"
            f"<td align='right'><b>{qty_text(ln.quantity)}</b></td><td align='right'>{qty_text(ln.expected)}</td>"
            f"<td align='right'>{money(ln.unit_cost)}</td>"
            f"<td align='right'>{money(ln.line_total if ln.unit_cost is not None else None)}</td>"
            f"<td>{e(extra)}</td></tr>"
        )
    out.append("</table>")
    out.append(
        f"<p><b>Totals:</b> {plural(len(draft.lines), 'line')}, "
        f"{plural(draft.total_quantity, 'unit')}, {money(draft.total_cost)}"
        + (
            ""
            if draft.costs_known
            else f" for the lines with a cost; {sum(ln.unit_cost is None for ln in draft.lines)} "
            "without a cost are sent without one"
        )
        + "</p>"
    )
    note = e(draft.note).replace("\n", "<br>") if draft.note else "<i>(none)</i>"
    out.append(f"<p><b>Note sent with the receive:</b><br>{note}</p>")
    return "".join(out)


class ReviewPage(Page):
    title = "Review"
    submit_requested = Signal()
    note_changed = Signal(str)
    go_back_requested = Signal(str)
    """A Diagnosis' `go_back_to` step value: the page where the refused input can be fixed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Check everything before it goes to the POS",
            "This is exactly what will be sent. Ctrl+Enter submits; Alt+← goes back to change something.",
            parent,
        )
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.summary.setMinimumHeight(110)
        self.summary.setAccessibleName("What will be sent")
        self.layout_.addWidget(self.summary, 1)

        note_label = QLabel(
            "&Note for the POS (optional; over/short reasons are added automatically):"
        )
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("e.g. driver name, seal numbers, damaged boxes")
        note_label.setBuddy(self.note)
        self.note.textChanged.connect(lambda: self.note_changed.emit(self.note.toPlainText()))
        self.layout_.addWidget(note_label)
        self.layout_.addWidget(self.note)

        self.problems = QLabel()
        self.problems.setObjectName("status_line")
        self.problems.setProperty("tone", "bad")
        self.problems.setWordWrap(True)
        self.problems.setVisible(False)
        self.layout_.addWidget(self.problems)

        self.error_box = QFrame()
        self.error_box.setObjectName("card")
        box = QVBoxLayout(self.error_box)
        self.error_headline = QLabel()
        self.error_headline.setObjectName("subheading")
        self.error_headline.setWordWrap(True)
        self.error_text = QLabel()
        self.error_text.setWordWrap(True)
        self.error_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_detail = QPlainTextEdit()
        self.error_detail.setReadOnly(True)
        self.error_detail.setMaximumHeight(90)
        self.error_detail.setVisible(False)
        error_buttons = QHBoxLayout()
        self.detail_button = QPushButton("Technical detail")
        self.detail_button.setCheckable(True)
        self.detail_button.toggled.connect(self.error_detail.setVisible)
        self.go_back_button = QPushButton()
        self.go_back_button.setVisible(False)
        self.go_back_button.clicked.connect(self._go_back)
        error_buttons.addWidget(self.go_back_button)
        error_buttons.addWidget(self.detail_button)
        error_buttons.addStretch(1)
        for w in (self.error_headline, self.error_text):
            box.addWidget(w)
        box.addLayout(error_buttons)
        box.addWidget(self.error_detail)
        self.error_box.setVisible(False)
        self.layout_.addWidget(self.error_box)
        self._go_back_to = ""

        bottom = QHBoxLayout()
        self.phase = QLabel("")
        self.phase.setObjectName("subheading")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.submit_button = QPushButton("Submit to POS  (Ctrl+Enter)")
        self.submit_button.setObjectName("primary")
        self.submit_button.setToolTip("Send this receive to the POS (Ctrl+Enter)")
        self.submit_button.setMinimumHeight(48)
        self.submit_button.clicked.connect(self.submit_requested.emit)
        bottom.addWidget(self.phase, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.submit_button)
        self.layout_.addLayout(bottom)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._shortcut_submit)
        self._busy = False

    # ---- state in --------------------------------------------------------------------------------

    def show_draft(self, draft: ReceiveDraft, problems: list[str]) -> None:
        scroll = self.summary.verticalScrollBar().value()
        self.summary.setHtml(summary_html(draft))
        self.summary.verticalScrollBar().setValue(scroll)
        self.problems.setText("Cannot submit yet:\n• " + "\n• ".join(problems) if problems else "")
        self.problems.setVisible(bool(problems))
        self.submit_button.setEnabled(not problems and not self._busy)

    def set_note(self, text: str) -> None:
        if self.note.toPlainText() != text:
            self.note.blockSignals(True)
            self.note.setPlainText(text[:NOTE_MAX])
            self.note.blockSignals(False)

    def set_busy(self, busy: bool, phase: str = "") -> None:
        """While a submit runs: Submit disabled, edits locked, the phase in words."""
        self._busy = busy
        self.submit_button.setEnabled(not busy and not self.problems.isVisible())
        self.note.setReadOnly(busy)
        self.progress.setVisible(busy)
        self.phase.setText(phase)
        if busy:
            self.error_box.setVisible(False)

    def set_phase(self, text: str) -> None:
        self.phase.setText(text)

    def show_refusal(self, diagnosis: Diagnosis, step_title: str = "") -> None:
        self.error_headline.setText(f"✖  {diagnosis.headline}")
        words = " ".join(
            x
            for x in (
                diagnosis.what_happened,
                f"What to do: {diagnosis.what_to_do}" if diagnosis.what_to_do else "",
            )
            if x
        )
        self.error_text.setText(words)
        self.error_detail.setPlainText(diagnosis.detail)
        self.detail_button.setVisible(bool(diagnosis.detail))
        self._go_back_to = diagnosis.go_back_to
        self.go_back_button.setText(f"Go to {step_title or diagnosis.go_back_to} (Alt+G)")
        self.go_back_button.setShortcut(QKeySequence("Alt+G"))
        self.go_back_button.setVisible(bool(diagnosis.go_back_to))
        self.error_box.setVisible(True)

    def clear_refusal(self) -> None:
        self.error_box.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._busy

    # ---- internals -------------------------------------------------------------------------------

    def _shortcut_submit(self) -> None:
        if self.submit_button.isEnabled():
            self.submit_requested.emit()

    def _go_back(self) -> None:
        if self._go_back_to:
            self.go_back_requested.emit(self._go_back_to)

    def on_enter(self) -> None:
        """The keyboard rests on the summary (arrows scroll it), not on Submit: the Enter that brought the clerk
        here from the title, pressed twice, must not send the receive unread. Ctrl+Enter submits, as the
        page says; Tab reaches the note and the Submit button."""
        self.take_focus(self.summary)
