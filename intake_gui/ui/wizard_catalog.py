"""The wizard's catalog: the saved copy first, the synced one when the owner's scheduler has it.

The catalog is refreshed by the main window's CatalogRefreshScheduler, not here: the wizard asks for a refresh
(`catalog_refresh_requested`) and is handed the synced snapshot (`use_synced_catalog`), so one schedule serves the
wizard, the History window and the sync dashboard. A snapshot synced for another company's store is ignored.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from intake_gui.domain.wizard_flow import Step

if TYPE_CHECKING:
    from intake_gui.domain.models import Location
    from intake_gui.ui.wizard import ReceiveWizard

log = logging.getLogger(__name__)


class WizardCatalog:
    """Part of ReceiveWizard (one per wizard); the wizard's signals and pages are used through `w`."""

    def __init__(self, wizard: ReceiveWizard) -> None:
        self.w = wizard
        self.snapshot: Any = None
        """The CatalogSnapshot in use (cached first, replaced by the refreshed one)."""
        self.lsp_id: int | None = None

    def forget(self) -> None:
        self.snapshot = None
        self.lsp_id = None

    def load(self, location: Location) -> None:
        w = self.w
        assert w.services is not None
        if self.lsp_id == location.lsp_id and self.snapshot is not None:
            return
        self.lsp_id = location.lsp_id
        self.snapshot = None
        w.catalog_state.emit("Catalog: loading…")
        w.products_page.set_catalog_loading("Loading the product catalog…", 0, 0)
        w.run(
            w.services.catalog.load_cached,
            location,
            on_returned=lambda snap: self._loaded(snap),
            on_errored=lambda exc: self._loaded(None, exc),
        )

    def _loaded(self, snapshot: Any, error: BaseException | None = None) -> None:
        if error is not None:
            log.warning("Cached catalog unreadable", exc_info=error)
        if self.snapshot is not None and not self.snapshot.from_cache:
            return  # a sync finished before the disk read: never swap the fresh catalog for the saved one
        if snapshot is not None:
            self.use(snapshot)
            synced = snapshot.synced_at
            if synced.tzinfo is None:
                synced = synced.replace(tzinfo=UTC)
            age_s = (datetime.now(UTC) - synced).total_seconds()
            if age_s < self.w.settings.catalog_refresh_minutes * 60:
                return  # fresh enough: the periodic refresh will pick up changes
        self.refresh()

    def refresh(self) -> None:
        """Ask the owner's scheduler for a sync of this location's catalog."""
        if self.w.services is None or self.w.flow.location is None:
            return
        self.w.catalog_refresh_requested.emit()

    def use_synced(self, snapshot: Any, lsp_id: int | None) -> None:
        if self.w.services is None or lsp_id is None or lsp_id != self.lsp_id:
            return
        self.use(snapshot)

    def sync_failed(self, words: str) -> None:
        """Keep the saved catalog if there is one, and say so either way."""
        w = self.w
        if w.services is None or self.lsp_id is None:
            return
        if self.snapshot is None:
            w.catalog_state.emit("Catalog: not loaded")
            w.products_page.set_catalog_loading(
                f"The catalog could not be loaded: {words} Use View > Refresh catalog to try again.",
                -1,
                0,
            )
        else:
            w.catalog_state.emit(
                self.text(self.snapshot, note=" (refresh failed: using the saved copy)")
            )
        w.status_message.emit(f"Catalog refresh failed: {words}")

    def progress(self, done: int, total: int) -> None:
        if self.w.services is None:
            return
        self.w.catalog_progress.emit(done, total)
        if self.snapshot is None:
            self.w.products_page.set_catalog_loading("Loading the product catalog…", done, total)

    def use(self, snapshot: Any) -> None:
        from intake_gui.services.heap import set_aside

        w = self.w
        self.snapshot = snapshot
        w.catalog_state.emit(self.text(snapshot))
        w.products_page.set_catalog(snapshot.index)
        # The catalog lives until the next one replaces it: out of the collector's walks, or a full collection
        # in the middle of a scan walks all of it (~100 ms at 200k products).
        set_aside("the catalog")
        w.catalog_ready.emit(snapshot)
        if w.flow.step is Step.PRODUCTS:
            w.ensure_products_session()

    @staticmethod
    def text(snapshot: Any, note: str = "") -> str:
        when = snapshot.synced_at.astimezone().strftime("%H:%M")
        how = "saved copy from" if snapshot.from_cache else "synced"
        return f"Catalog: {len(snapshot.products):,} products · {how} {when}{note}"
