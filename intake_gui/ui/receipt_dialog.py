"""Drill-down into one receive: its packages, the three lights re-run on demand, and the journal's audit trail.

A supervisor opens a receipt to answer "did this delivery really land, and who handled it". The packages answer the
first half (with the room's sellability beside each, because stock in a vault is received yet unsellable); the
re-verification runs the wizard's own check again, so the verdict means the same thing in both places; the audit
trail is the journal's append-only record and is shown read-only.

Size: the packages table, the re-verification and the audit trail are three tabs of one dialog sharing one
loaded receipt; their text already comes from report_pdf/history_model.
"""

from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import Location
from intake_gui.domain.quantities import format_quantity
from intake_gui.domain.verification import VerificationReport
from intake_gui.services.error_words import error_words
from intake_gui.services.history import HistoryEntry, HistoryService
from intake_gui.ui.history_model import (
    clean_title,
    format_instant,
    format_wall,
    verification_display,
    zone_label,
)
from intake_gui.ui.report_pdf import (
    ReceiptDetails,
    audit_note,
    describe_event,
    event_actor,
    load_details,
    report_file_name,
    save_report,
    sellable_word,
)
from intake_gui.ui.theme import repolish
from intake_gui.ui.verification_panel import VerificationPanel
from intake_gui.ui.wording import plural
from intake_gui.ui.workers import start_worker

log = logging.getLogger(__name__)


def _item(text: str, *, right: bool = False, bad: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bad:
        item.setForeground(QBrush(QColor("#7f1d1d")))
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


class ReceiptDialog(QDialog):
    """Non-modal: a supervisor compares receipts side by side. Call `load()` once shown (it reads on a worker)."""

    details_loaded = Signal(object)
    """ReceiptDetails."""
    verified = Signal(object)
    """A fresh VerificationReport."""
    verify_failed = Signal(str)
    audit_refreshed = Signal(object)
    """ReceiptDetails with the journal events re-read after a re-verification."""
    report_saved = Signal(object)
    """Path of the written PDF."""
    report_failed = Signal(str)

    def __init__(
        self,
        history: HistoryService,
        location: Location,
        entry: HistoryEntry,
        *,
        printed_by: str = "",
        station: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = history
        self.location = location
        self.entry = entry
        self.details: ReceiptDetails | None = None
        self.report: VerificationReport | None = None
        self.printed_by = printed_by
        self.station = station
        self._closed = False
        self._verifying = False
        tz = location.timezone
        row = entry.row

        self.setWindowTitle(f"Receipt {row.receipt_id} — {row.vendor_name}")
        self.setModal(False)
        self.resize(1040, 700)

        heading = QLabel(f"Receipt {row.receipt_id} — {row.vendor_name}")
        heading.setObjectName("heading")
        facts = QLabel(
            f"“{clean_title(row.title)}” · received {format_wall(row.received_at)} store time, "
            f"{zone_label(tz)} · {row.product_count} products, "
            f"{format_quantity(row.total_quantity) or '?'} units · {row.status or 'no status'}"
        )
        facts.setWordWrap(True)
        facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.who = QLabel(self._who_text())
        self.who.setObjectName("hint")
        self.who.setWordWrap(True)
        self.status = QLabel("Reading the packages and the journal…")
        self.status.setObjectName("status_line")
        self.status.setProperty("tone", "info")
        self.status.setWordWrap(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._packages_tab(), "&Packages")
        self.tabs.addTab(self._verify_tab(), "&Verification")
        self.tabs.addTab(self._audit_tab(), "&Audit trail")

        self.save_button = QPushButton("Save report as &PDF…")
        self.save_button.setToolTip("A printable receiving report for this receipt (Ctrl+P)")
        self.save_button.setShortcut(QKeySequence("Ctrl+P"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.choose_report_path)
        self.report_link = QLabel("")
        self.report_link.setOpenExternalLinks(True)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.report_link, 1)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(facts)
        layout.addWidget(self.who)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.finished.connect(self._on_finished)

    # ---- building ------------------------------------------------------------------------------------

    def _packages_tab(self) -> QWidget:
        page = QWidget()
        self.packages_table = _table(["Package", "SKU", "Product", "Qty", "Room", "Sellable room"])
        self.packages_summary = QLabel("")
        self.packages_summary.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.packages_table, 1)
        layout.addWidget(self.packages_summary)
        return page

    def _verify_tab(self) -> QWidget:
        page = QWidget()
        source = self.entry.source
        explain = QLabel(
            "Reads the POS again now and applies the same rules as the check after a submit."
            + {
                "journal": "",
                "shared": " This receive was made at another station: it is checked against what that "
                "station sent, and the result is shown here, not stored.",
            }.get(
                source,
                " This receive was not made through Intake: it is checked against the packages the POS "
                "lists for it, and the result is not stored.",
            )
        )
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.verify_button = QPushButton("&Verify now (F5)")
        self.verify_button.setObjectName("primary")
        self.verify_button.setShortcut(QKeySequence("F5"))
        self.verify_button.setToolTip("Read the POS again now (F5)")
        self.verify_button.clicked.connect(self.run_verification)
        top = QHBoxLayout()
        top.addWidget(explain, 1)
        top.addWidget(self.verify_button)
        self.panel = VerificationPanel(backoff_s=())
        # One button for one action: the panel's own "Check again" would duplicate "Verify now" here.
        self.panel.check_button.setVisible(False)
        self.panel.summary.setText(
            "Not checked in this window yet. Press Verify now to read the POS."
        )
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.panel, 1)
        return page

    def _audit_tab(self) -> QWidget:
        page = QWidget()
        tz = self.location.timezone
        self.audit_table = _table([f"When ({tz})", "Who", "Station", "What"])
        self.audit_note = QLabel("")
        self.audit_note.setObjectName("hint")
        self.audit_note.setWordWrap(True)
        over_title = QLabel("Over / short")
        over_title.setObjectName("subheading")
        self.over_short_table = _table(["SKU", "Product", "Expected", "Counted", "", "Reason"])
        self.over_short_table.setMaximumHeight(160)
        self.over_short_note = QLabel("")
        self.over_short_note.setObjectName("hint")
        layout = QVBoxLayout(page)
        layout.addWidget(self.audit_note)
        layout.addWidget(self.audit_table, 3)
        layout.addWidget(over_title)
        layout.addWidget(self.over_short_note)
        layout.addWidget(self.over_short_table, 1)
        return page

    def _who_text(self) -> str:
        e = self.entry
        if e.clerk:
            who = f"Received by {e.clerk} at station {e.station}"
            if e.scans is not None:
                who += f" · {plural(e.scans, 'scan')}, {plural(e.submit_attempts or 0, 'submit attempt')}"
            if e.source == "shared":
                who += " (from the shared record)"
        else:
            who = "Made outside Intake"
        return f"{who} · last verification: {verification_display(e)}"

    def _say(self, text: str, tone: str) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.setVisible(bool(text))
        repolish(self.status)

    # ---- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read packages (POS) and the audit trail (journal) on a worker."""
        start_worker(
            load_details,
            self.history,
            self.location,
            self.entry,
            on_returned=self._details_ready,
            on_errored=self._details_error,
        )

    def _details_ready(self, details: ReceiptDetails) -> None:
        if self._closed:
            return
        self.details = details
        self._fill_packages(details)
        self._fill_audit(details)
        if details.last_report is not None and self.report is None:
            self._show_report(details.last_report, stored=True)
        if details.packages is None:
            self._say(f"Could not read the packages from the POS: {details.packages_error}", "bad")
        else:
            self._say("", "info")
        self.save_button.setEnabled(True)
        self.details_loaded.emit(details)

    def _details_error(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._say(f"Could not read this receipt: {error_words(exc)}", "bad")

    def _fill_packages(self, details: ReceiptDetails) -> None:
        table = self.packages_table
        packages = details.packages or []
        table.setRowCount(len(packages))
        for r, pv in enumerate(packages):
            p = pv.package
            unsellable = pv.room_sellable is False
            values = [
                (str(p.label or p.package_id), False),
                (p.sku, False),
                (p.product_name, False),
                (format_quantity(p.quantity), True),
                (p.room_name or (f"room {p.room_id}" if p.room_id else "no room"), False),
            ]
            for c, (text, right) in enumerate(values):
                table.setItem(r, c, _item(text, right=right))
            table.setItem(r, 5, _item(sellable_word(pv.room_sellable), bad=unsellable))
        table.resizeColumnsToContents()
        if details.packages is None:
            self.packages_summary.setText("")
            return
        if not packages:
            self.packages_summary.setText(
                "The POS lists no packages for this receipt: nothing from it reached inventory."
            )
            return
        units = sum((pv.package.quantity for pv in packages), Decimal(0))
        blocked = sorted(
            {
                pv.package.room_name or str(pv.package.room_id)
                for pv in packages
                if pv.room_sellable is False
            }
        )
        count = len(packages)
        text = f"{count} package{'' if count == 1 else 's'}, {format_quantity(units)} units."
        if blocked:
            n = sum(1 for pv in packages if pv.room_sellable is False)
            text += (
                f" {n} {'is' if n == 1 else 'are'} in a room customers cannot buy from "
                f"({', '.join(blocked)}): move them in the POS if they are meant for sale."
            )
        else:
            text += " All in sellable rooms." if all(pv.room_sellable for pv in packages) else ""
        self.packages_summary.setText(text)

    def _fill_audit(self, details: ReceiptDetails) -> None:
        tz = self.location.timezone
        events = details.events
        table = self.audit_table
        table.setRowCount(len(events))
        for r, ev in enumerate(events):
            bad = ev.kind in ("failed", "duplicate_detected") or (
                ev.kind == "submit_result" and ev.data.get("outcome") == "refused"
            )
            table.setItem(r, 0, _item(format_instant(ev.at, tz)))
            table.setItem(r, 1, _item(event_actor(ev)))
            table.setItem(r, 2, _item(ev.station))
            table.setItem(r, 3, _item(describe_event(ev), bad=bad))
        table.resizeColumnsToContents()
        if details.draft is None and not events:
            self.audit_note.setText(audit_note(details))
        else:
            where = (
                "the shared record (made at station " + (self.entry.station or "?") + ")"
                if self.entry.source == "shared"
                else "this station's journal"
            )
            self.audit_note.setText(
                f"{len(events)} events from {where}, oldest first. Read-only: the record is append-only."
            )
        over = details.over_short
        self.over_short_table.setRowCount(len(over))
        for r, o in enumerate(over):
            cells = [
                (o.sku, False),
                (o.name, False),
                (format_quantity(o.expected), True),
                (format_quantity(o.counted), True),
                (o.kind, False),
                (o.reason or "(no reason given)", False),
            ]
            for c, (text, right) in enumerate(cells):
                self.over_short_table.setItem(r, c, _item(text, right=right))
        self.over_short_table.resizeColumnsToContents()
        self.over_short_table.setVisible(bool(over))
        if details.draft is None:
            self.over_short_note.setText(
                "No manifest counts are known for a receive made elsewhere."
            )
        elif over:
            lines = "1 line differs" if len(over) == 1 else f"{len(over)} lines differ"
            self.over_short_note.setText(f"{lines} from the manifest; the clerk's reasons:")
        else:
            self.over_short_note.setText(
                "Every counted line matched its manifest line (or there was no manifest)."
            )

    # ---- re-verification -----------------------------------------------------------------------------

    def run_verification(self) -> None:
        if self._verifying or self._closed:
            return
        self._verifying = True
        self.verify_button.setEnabled(False)
        self.panel.set_checking()
        start_worker(
            self.history.reverify,
            self.location,
            self.entry,
            on_returned=self._verified,
            on_errored=self._verify_error,
        )

    def _verified(self, report: VerificationReport) -> None:
        self._verifying = False
        if self._closed:
            return
        self.verify_button.setEnabled(True)
        self._show_report(report, stored=False)
        self._refresh_audit()
        self.verified.emit(report)

    def _show_report(self, report: VerificationReport, *, stored: bool) -> None:
        self.report = report
        self.panel.set_report(report)
        # The panel words its own time in the station's zone without naming it; this window names the store's.
        when = format_instant(report.checked_at, self.location.timezone)
        how = "Last stored check" if stored else "Checked just now"
        self.panel.next_check.setText(
            f"{how}: {when}, store time (attempt {report.attempt}). Press F5 to check again."
        )

    def _refresh_audit(self) -> None:
        """A re-verification adds journal events: show them without re-reading the POS. Only this station's own
        receives get them (another station's check is shown, not stored)."""
        if self.entry.source != "journal" or self.entry.draft_id is None or self.details is None:
            return
        start_worker(
            self.history.audit,
            self.entry.draft_id,
            on_returned=self._audit_ready,
            on_errored=lambda exc: log.warning("Audit trail re-read failed", exc_info=exc),
        )

    def _audit_ready(self, events: list[Any]) -> None:
        if self._closed or self.details is None:
            return
        self.details = dataclasses.replace(
            self.details, events=list(events), last_report=self.report
        )
        self._fill_audit(self.details)
        self.audit_refreshed.emit(self.details)

    def _verify_error(self, exc: BaseException) -> None:
        self._verifying = False
        if self._closed:
            return
        self.verify_button.setEnabled(True)
        words = error_words(exc)
        self.panel.set_failed("The check could not run.", words)
        self.verify_failed.emit(words)

    # ---- report --------------------------------------------------------------------------------------

    def choose_report_path(self) -> None:
        if self.details is None:
            return
        start = str(Path.home() / report_file_name(self.details))
        path, _ = QFileDialog.getSaveFileName(self, "Save receiving report", start, "PDF (*.pdf)")
        if path:
            self.save_report_to(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def save_report_to(self, path: Path) -> None:
        """Write the PDF on a worker; `report_saved` or `report_failed` follows."""
        if self.details is None:
            self.report_failed.emit("The receipt is still loading.")
            return
        self.save_button.setEnabled(False)
        start_worker(
            save_report,
            self.details,
            Path(path),
            verification=self.report,
            printed_by=self.printed_by,
            station=self.station,
            on_returned=self._report_done,
            on_errored=self._report_error,
        )

    def _report_done(self, path: Path) -> None:
        if self._closed:
            return
        self.save_button.setEnabled(True)
        url = QUrl.fromLocalFile(str(path)).toString()
        self.report_link.setText(f"Saved: <a href='{url}'>{path.name}</a>")
        self.report_saved.emit(path)

    def _report_error(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.save_button.setEnabled(True)
        words = error_words(exc)
        self._say(f"The report could not be saved: {words}", "bad")
        self.report_failed.emit(words)

    def _on_finished(self, _result: int) -> None:
        self.panel.stop()

    def shutdown(self) -> None:
        """The owning window is closing: late worker results must not touch this dialog."""
        self._closed = True
        self.panel.stop()
        self.close()
