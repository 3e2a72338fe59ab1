"""The catalog refresh schedule as the main window runs it: one scheduler per open context.

A mixin of `MainWindow`. The scheduler (ui/sync_status.py) syncs the catalog of the wizard's location on a
worker; its results go to the wizard, its progress to the status bar, and its failures stay visible there (an
alert with a link to the sync dashboard) until a sync succeeds. A reconnect retires the scheduler: a sync still
running lands in the retired one and reaches nobody.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from intake_gui.ui.theme import repolish

if TYPE_CHECKING:
    from intake_gui.domain.models import Location
    from intake_gui.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class CatalogScheduleMixin(_Base):
    def _scheduler_location(self) -> Location | None:
        return self.wizard.flow.location if self.wizard.can_receive else None

    def _start_scheduler(self) -> None:
        from intake_gui.ui.sync_status import CatalogRefreshScheduler

        assert self.services is not None
        scheduler = CatalogRefreshScheduler(self.services, self._scheduler_location, parent=self)
        scheduler.sync_started.connect(self._sync_started)
        scheduler.progress.connect(self.wizard.catalog_sync_progress)
        scheduler.synced.connect(self._catalog_synced)
        scheduler.failed.connect(self._catalog_sync_failed)
        self.scheduler = scheduler
        self._sync_lsp = None
        self._refresh_pending = False
        self.sync_alert.setVisible(False)
        scheduler.start()

    def _retire_scheduler(self) -> None:
        """Stop the old context's schedule. A sync still running lands in the retired scheduler, which then
        deletes itself: its results belong to a closed context and must reach nobody."""
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is None:
            return
        scheduler.stop()
        for signal, slot in (
            (scheduler.sync_started, self._sync_started),
            (scheduler.progress, self.wizard.catalog_sync_progress),
            (scheduler.synced, self._catalog_synced),
            (scheduler.failed, self._catalog_sync_failed),
        ):
            signal.disconnect(slot)
        if scheduler.busy:
            scheduler.synced.connect(scheduler.deleteLater)
            scheduler.failed.connect(scheduler.deleteLater)
        else:
            scheduler.deleteLater()
        self.catalog_progress.setVisible(False)

    def refresh_catalog(self) -> None:
        """A sync now (View > Refresh catalog, or the wizard found its catalog missing or stale)."""
        scheduler = self.scheduler
        if scheduler is None or not self.wizard.can_receive:
            return
        if not scheduler.refresh_now() and scheduler.busy:
            # A sync is running, maybe for the previous location's company: look again when it ends.
            self._refresh_pending = True

    def _sync_started(self) -> None:
        location = self._scheduler_location()
        self._sync_lsp = location.lsp_id if location is not None else None
        self._catalog_progress(0, 0)

    def _catalog_synced(self, snapshot: Any) -> None:
        self._catalog_progress(1, 1)
        self.sync_alert.setVisible(False)
        self.wizard.use_synced_catalog(snapshot, self._sync_lsp)
        self._after_sync()

    def _catalog_sync_failed(self, words: str) -> None:
        self._catalog_progress(1, 1)
        failures = self.scheduler.consecutive_failures if self.scheduler is not None else 1
        streak = f" ({failures} times in a row)" if failures > 1 else ""
        self.sync_alert.setText(
            f"⚠ Catalog sync failing{streak}: {html.escape(words)} "
            "<a href='sync-status'>Details…</a>"
        )
        self.sync_alert.setToolTip(
            "Scanning goes on against the saved catalog; products added in the POS since the last good sync "
            "will not scan. View > Catalog sync status… has the details."
        )
        self.sync_alert.setVisible(True)
        repolish(self.sync_alert, deep=False)
        self.statusBar().showMessage(f"Catalog sync failed: {words}", 15000)
        self.wizard.catalog_sync_failed(words)
        self._after_sync()

    def _after_sync(self) -> None:
        if not self._refresh_pending:
            return
        self._refresh_pending = False
        location = self._scheduler_location()
        if location is not None and location.lsp_id != self._sync_lsp:
            self.refresh_catalog()

    def _catalog_progress(self, done: int, total: int) -> None:
        busy = total == 0 or done < total
        self.catalog_progress.setVisible(busy and done >= 0)
        self.catalog_progress.setRange(0, max(total, 0))
        self.catalog_progress.setValue(max(done, 0))
