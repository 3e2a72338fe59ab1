"""Catalog sync: the ~17k products a scan is looked up in, cached locally so a station starts scanning at once.

A station opens on the cached catalog and refreshes it in the background; a failed refresh keeps the cache and
is counted for the sync dashboard rather than leaving the clerk with nothing to scan against.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from intake_gui.domain.models import Location, Product
from intake_gui.pos.base import ProgressFn
from intake_gui.pos.errors import PosError
from intake_gui.services.context import AppContext

if TYPE_CHECKING:
    # Imported where an index is built (on a worker): it pulls in barcode parsing, whose tables take a
    # couple of hundred ms to load, and a window opening its services must not wait for that.
    from intake_gui.domain.catalog_index import CatalogIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogSnapshot:
    products: list[Product]
    index: CatalogIndex
    synced_at: datetime
    duration_s: float
    from_cache: bool


@dataclass(frozen=True)
class SyncStatus:
    last_sync: datetime | None
    records: int
    duration_s: float | None
    last_error: str | None
    error_count: int
    next_due: datetime | None
    stale: bool


class CatalogService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def key(self, location: Location) -> str:
        """Catalogs are scoped by POS and LSP (Dutchie's product master is LSP-wide, not per store)."""
        return f"{self.ctx.settings.pos_kind}:{location.lsp_id}:{self.ctx.tenant_key}"

    def _index(self, products: list[Product]) -> CatalogIndex:
        from intake_gui.domain.catalog_index import CatalogIndex

        codes = {code: pid for code, (pid, _sku) in self.ctx.journal.code_mappings().items()}
        return CatalogIndex(products, extra_codes=codes)

    def load_cached(self, location: Location) -> CatalogSnapshot | None:
        cached = self.ctx.catalog_cache.load(self.key(location))
        if cached is None:
            return None
        return CatalogSnapshot(
            products=cached.products,
            index=self._index(cached.products),
            synced_at=cached.synced_at,
            duration_s=cached.duration_s,
            from_cache=True,
        )

    def sync(self, location: Location, progress: ProgressFn | None = None) -> CatalogSnapshot:
        key = self.key(location)
        started = time.perf_counter()
        try:
            products = self.ctx.connector.products(location, progress)
        except PosError as exc:
            self.ctx.catalog_cache.record_sync_error(key, exc.message)
            raise
        duration = time.perf_counter() - started
        synced_at = datetime.now(UTC)
        self.ctx.catalog_cache.save(key, products, synced_at=synced_at, duration_s=duration)
        log.info("Catalog %s synced: %d products in %.2fs", key, len(products), duration)
        return CatalogSnapshot(products, self._index(products), synced_at, duration, False)

    def status(self, location: Location) -> SyncStatus:
        st = self.ctx.catalog_cache.sync_status(self.key(location))
        every = timedelta(minutes=self.ctx.settings.catalog_refresh_minutes)
        last = st.last_sync
        next_due = (last + every) if last else None
        stale = last is None or datetime.now(UTC) - last > 2 * every
        return SyncStatus(
            last_sync=last,
            records=st.records,
            duration_s=st.duration_s,
            last_error=st.last_error,
            error_count=st.error_count,
            next_due=next_due,
            stale=stale,
        )
