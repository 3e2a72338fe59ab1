"""What the History window opens and writes: one receipt's drill-down, the rows shown as CSV, one receipt as a
printable PDF, and the catalog sync dashboard. A mixin of `HistoryWindow`; every read and every file runs on a
worker, and a late result after the window was shut down is dropped.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from intake_gui.services.error_words import error_words
from intake_gui.services.history import HistoryEntry, export_csv
from intake_gui.ui.history_model import verification_words
from intake_gui.ui.receipt_dialog import ReceiptDialog
from intake_gui.ui.report_pdf import ReceiptDetails, report_file_name, save_report_for
from intake_gui.ui.sync_status import SyncStatusDialog
from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import start_worker


class HistoryOutputsMixin:
    """Needs from the window: `ctx`, `services`, `history`, `scheduler`, `range`, `range_location`, `model`,
    `visible_entries`, `selected_entry`, `current_location`, `_say`, `_closed`, the output signals."""

    # ---- export and report ---------------------------------------------------------------------------

    def _default_csv_name(self) -> str:
        loc = self.range_location
        start, end = self.range or self.requested_range()
        last = (end - timedelta(days=1)).date()
        return f"intake-history-{loc.loc_id if loc else 'store'}-{start:%Y%m%d}-{last:%Y%m%d}.csv"

    def choose_export_path(self) -> None:
        if not self.visible_entries():
            return
        start = str(Path.home() / self._default_csv_name())
        path, _ = QFileDialog.getSaveFileName(self, "Export history as CSV", start, "CSV (*.csv)")
        if path:
            self.export_csv_to(Path(path if path.lower().endswith(".csv") else path + ".csv"))

    def export_csv_to(self, path: Path) -> None:
        """Write the rows shown (filter applied, in the order shown) on a worker; `exported` follows."""
        entries = self.visible_entries()
        tz = self.range_location.timezone if self.range_location else self.model.timezone
        start_worker(
            export_csv,
            entries,
            Path(path),
            tz,
            on_returned=lambda n: self._exported(Path(path), n),
            on_errored=self._export_error,
        )

    def _exported(self, path: Path, count: int) -> None:
        if self._closed:
            return
        self.statusBar().showMessage(f"Exported {count} receives to {path}", 10000)
        self.exported.emit(path, count)

    def _export_error(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._say(f"The CSV could not be written: {error_words(exc)}", "bad")
        self.export_failed.emit(error_words(exc))

    def choose_report_path(self) -> None:
        entry = self.selected_entry()
        if entry is None or self.range_location is None:
            return
        name = report_file_name(ReceiptDetails(entry, self.range_location, None))
        path, _ = QFileDialog.getSaveFileName(
            self, "Save receiving report", str(Path.home() / name), "PDF (*.pdf)"
        )
        if path:
            self.save_report_to(
                entry, Path(path if path.lower().endswith(".pdf") else path + ".pdf")
            )

    def save_report_to(self, entry: HistoryEntry, path: Path) -> None:
        """Print one receipt's report to `path` on a worker; `report_saved` follows."""
        loc = self.range_location
        if loc is None:
            self.report_failed.emit("Load a range first.")
            return
        self.statusBar().showMessage(f"Writing the report for receipt {entry.row.receipt_id}…")
        start_worker(
            save_report_for,
            self.history,
            loc,
            entry,
            Path(path),
            printed_by=self.ctx.clerk,
            station=self.ctx.station,
            on_returned=self._report_done,
            on_errored=self._report_error,
        )

    def _report_done(self, path: Path) -> None:
        if self._closed:
            return
        self.statusBar().showMessage(f"Report saved to {path}", 10000)
        self.report_saved.emit(path)

    def _report_error(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._say(f"The report could not be written: {error_words(exc)}", "bad")
        self.report_failed.emit(error_words(exc))

    # ---- catalog sync --------------------------------------------------------------------------------

    def open_sync_status(self) -> SyncStatusDialog | None:
        loc = self.current_location()
        if loc is None:
            return None
        if self.sync_dialog is not None and self.sync_dialog.location.loc_id != loc.loc_id:
            self.sync_dialog.shutdown()
            self.sync_dialog = None
        if self.sync_dialog is None:
            self.sync_dialog = SyncStatusDialog(
                self.services, loc, scheduler=self.scheduler, parent=self
            )
        self.sync_dialog.load()
        self.sync_dialog.show()
        self.sync_dialog.raise_()
        return self.sync_dialog

    def _sync_failed(self, words: str) -> None:
        if self._closed:
            return
        self.sync_alert.setText(f"⚠ Catalog sync failing: {words}")
        self.sync_alert.setToolTip("Catalog > Sync status… for details")
        self.sync_alert.setVisible(True)
        repolish(self.sync_alert)

    def _sync_ok(self, _snapshot: Any) -> None:
        if not self._closed:
            self.sync_alert.setVisible(False)

    # ---- drill-down ----------------------------------------------------------------------------------

    def open_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.open_receipt(entry)

    def open_receipt(self, entry: HistoryEntry) -> ReceiptDialog | None:
        """Open (or raise) the drill-down for one receipt of the range on screen."""
        loc = self.range_location
        if loc is None:
            return None
        key = (loc.loc_id, entry.row.receipt_id)
        dialog = self._receipts.get(key)
        if dialog is None:
            dialog = ReceiptDialog(
                self.history,
                loc,
                entry,
                printed_by=self.ctx.clerk,
                station=self.ctx.station,
                parent=self,
            )
            dialog.verified.connect(lambda report, e=entry: self._reverified(e, report))
            self._receipts[key] = dialog
            dialog.load()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.receipt_opened.emit(dialog)
        return dialog

    def _reverified(self, entry: HistoryEntry, report: Any) -> None:
        if self._closed or entry.source != "journal":
            return  # nothing was stored for a receive made elsewhere: the column keeps its stored words
        words, green = verification_words(report)
        self.model.replace_entry(entry.row.receipt_id, {"verification": words, "all_green": green})
