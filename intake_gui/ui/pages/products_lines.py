"""The Products page's lines table and manifest: column widths, line edits, undo, the manifest import.

A mixin of `ProductsPage` (ui/pages/products_page.py). Short columns get fixed widths in characters of the
table's font (large type widens them too); the product name keeps a generous width of its own; manifest and
tag/lot/expiry columns show only when they carry something. A manifest is read and parsed on a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView

from intake_gui.ui.wording import plural
from intake_gui.ui.workers import start_worker

if TYPE_CHECKING:
    from intake_gui.domain.scan_session import Row
    from intake_gui.ui.pages.products_page import ProductsPage

    _Base = ProductsPage
else:
    _Base = object

COLUMN_CHARS = {
    "SKU": 9,
    "EXPECTED": 7,
    "SCANNED": 7,
    "DIFFERENCE": 7,
    "UNIT_COST": 8,
    "LINE_TOTAL": 9,
    "PACKAGE_TAG": 17,
    "LOT": 9,
    "EXPIRATION": 10,
    "REASON": 16,
}
"""Column widths in characters of the table's font, so large-type mode widens them too; a column is never
narrower than its header text."""
PRODUCT_CHARS = 32
MANIFEST_COLUMNS = ("EXPECTED", "DIFFERENCE", "REASON")
DETAIL_COLUMNS = ("PACKAGE_TAG", "LOT", "EXPIRATION")
"""lines_model.Column member names."""


def read_manifest(path: str) -> Any:
    """Runs on a worker: read and parse a CSV or WCIA JSON manifest (the format is chosen by content)."""
    from intake_gui.domain.manifest import parse_csv, parse_wcia

    text = Path(path).read_text(encoding="utf-8-sig")
    if path.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_wcia(text)
    return parse_csv(text)


class LinesTableMixin(_Base):
    # ---- table -----------------------------------------------------------------------------------

    def selected_row(self) -> Row | None:
        if self.model is None:
            return None
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def remove_selected(self) -> None:
        row = self.selected_row()
        if self.session is None or row is None or row.line is None:
            return
        error = self.session.remove(row.line.line_id)
        if error:
            self._show_outcome_text(f"✖ {error}", "bad")
        else:
            self._show_outcome_text(f"Removed {row.name}. Ctrl+Z brings it back.", "info")

    def edit_selected_quantity(self) -> None:
        if self.model is None:
            return
        row = max(self.table.currentIndex().row(), 0)
        from intake_gui.ui.lines_model import Column

        column = self.model.column_of(Column.SCANNED)
        if self.model.rowCount() and column >= 0:
            index = self.model.index(row, column)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def undo(self) -> None:
        if self.session is None:
            return
        done = self.session.undo()
        self._show_outcome_text(done or "Nothing to undo.", "info")
        self._update_map_button()

    def _scroll_to_row(self, row: int) -> None:
        if self.model is not None:
            self.table.scrollTo(self.model.index(row, 0))

    def _size_columns(self) -> None:
        """Fixed widths for the short columns, the rest for the product name (it is what the clerk reads)."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        model = self.model
        if model is None:
            return
        metrics = header.fontMetrics()
        char = self.table.fontMetrics().averageCharWidth()
        from intake_gui.ui.lines_model import Column

        for name, chars in COLUMN_CHARS.items():
            section = model.column_of(Column[name])
            if section >= 0:
                title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(
                    section, max(chars * char + 16, metrics.horizontalAdvance(title) + 24)
                )
        product = model.column_of(Column.PRODUCT)
        if product >= 0:
            # Fixed, generous and first: the name stays readable; extra columns scroll sideways instead.
            header.setSectionResizeMode(product, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(product, PRODUCT_CHARS * char + 16)
        self._update_columns()

    def _update_columns(self) -> None:
        """Show the manifest columns only with a manifest, and tag/lot/expiry only when used or asked for."""
        model, session = self.model, self.session
        if model is None or session is None:
            return
        from intake_gui.ui.lines_model import Column

        with_manifest = session.manifest is not None
        details = self.details_check.isChecked() or any(
            ln.package_tag or ln.lot or ln.expiration for ln in session.lines
        )
        for columns, show in ((MANIFEST_COLUMNS, with_manifest), (DETAIL_COLUMNS, details)):
            for name in columns:
                section = model.column_of(Column[name])
                if section >= 0 and self.table.isColumnHidden(section) == show:
                    self.table.setColumnHidden(section, not show)

    # ---- manifest --------------------------------------------------------------------------------

    def choose_manifest(self) -> None:
        if self.session is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Import manifest", "", "Manifests (*.csv *.json *.txt);;All files (*)"
        )
        if path:
            self.load_manifest_file(path)

    def load_manifest_file(self, path: str) -> None:
        self._show_outcome_text("Reading the manifest…", "info")
        start_worker(
            read_manifest, path, on_returned=self.load_manifest, on_errored=self._manifest_failed
        )

    def load_manifest(self, manifest: Any) -> None:
        if self.session is None:
            return
        self.session.load_expected(manifest)
        bad = len(manifest.errors)
        text = f"Manifest loaded: {plural(len(manifest.lines), 'line')}"
        if manifest.transfer_id:
            text += f" (transfer {manifest.transfer_id})"
        if bad:
            text += f"; {plural(bad, 'row')} could not be read: " + "; ".join(
                f"row {e.row}: {e.message}" for e in manifest.errors[:3]
            )
        # On the scan line, with the scans: it is what just happened to the lines (and the page keeps its
        # status line for what stands in the way of Review).
        self._show_outcome_text(text + ".", "bad" if bad else "good")
        self.audit.emit(
            "manifest_loaded",
            {
                "source": manifest.source,
                "transfer_id": manifest.transfer_id,
                "lines": len(manifest.lines),
                "errors": bad,
            },
        )

    def _manifest_failed(self, exc: BaseException) -> None:
        self._show_outcome_text(f"✖ The manifest could not be read: {exc}", "bad")

    def variances_missing_reason(self) -> list[Row]:
        return self.session.variances_missing_reason() if self.session is not None else []
