"""The shelf count's CSV export, as part of the count window (a mixin of `CountWindow`).

Split from the window so each reads in one sitting: choosing the file, writing it on a worker, and saying
what happened. It uses the window's comparison, counting service, view, status line and signals.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from intake_gui.services.count_session import default_csv_name
from intake_gui.services.error_words import error_words
from intake_gui.ui.workers import start_worker


class CountExport:
    """Needs from the window: `comparison`, `counting`, `view`, `current_location()`, `current_room()`,
    `_say()`, `_closed` and the `exported` / `export_failed` signals."""

    comparison: Any
    counting: Any
    view: Any
    exported: Any
    export_failed: Any
    _closed: bool

    def default_csv_name(self) -> str:
        window: Any = self
        return default_csv_name(window.current_location(), window.current_room(), date.today())

    def choose_export_path(self) -> None:
        if self.comparison is not None:
            path = self.view.ask_csv_path(self.default_csv_name())
            if path is not None:
                self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the comparison shown on a worker; `exported` (or `export_failed`) follows."""
        comparison = self.comparison
        if comparison is None:
            self._tell("Nothing to export yet: start a count first.", "bad")
            return
        start_worker(
            self.counting.export_csv,
            comparison,
            Path(path),
            on_returned=lambda n: self._exported(Path(path), n),
            on_errored=self._export_error,
        )

    def _exported(self, path: Path, rows: int) -> None:
        if not self._closed:
            self._tell(f"Exported {rows} rows to {path}", "good")
            self.exported.emit(path, rows)

    def _export_error(self, exc: BaseException) -> None:
        if not self._closed:
            self._tell(f"The CSV could not be written: {error_words(exc)}", "bad")
            self.export_failed.emit(error_words(exc))

    def _tell(self, text: str, tone: str) -> None:
        window: Any = self
        window._say(text, tone)
