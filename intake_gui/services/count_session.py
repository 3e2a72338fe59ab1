"""One shelf count in progress, without Qt: the POS's belief, the clerk's scans, and the comparison of the two.

The count window is a view of this object: it starts reads on workers and repaints, while the rules of a
count in progress live here and are tested without a window. Scans go through the receiving pipeline's
`ScanSession` (interpretation, catalog lookup, double-read blanking, multipliers, undo); every package tag the
POS lists is taught to the session's index, so a scanned tag finds its product. With ON_DEMAND package detail
(packages read per product as they are scanned) the products still waiting for their read are collected
here, and a window takes them in one batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from intake_gui.domain.count_compare import compare
from intake_gui.domain.counting import ShelfQuantity
from intake_gui.domain.models import Location, Room
from intake_gui.domain.quantities import format_quantity
from intake_gui.domain.scan_read import ScanRead
from intake_gui.domain.scan_session import ScanOutcome, ScanSession
from intake_gui.domain.shelf_count import (
    CountComparison,
    CountScope,
    RoomStock,
    UnknownScan,
)
from intake_gui.services.catalog import CatalogSnapshot
from intake_gui.services.counting import apply_detail
from intake_gui.store.settings import ScannerSettings


class CountSession:
    def __init__(
        self, stock: RoomStock, snapshot: CatalogSnapshot, scanner: ScannerSettings
    ) -> None:
        self.scans = ScanSession(
            snapshot.index,
            stock.room.room_id,
            blanking_ms=scanner.blanking_ms,
            gs_substitutes=tuple(scanner.gs_substitutes),
        )
        self.stock = stock
        self.scope = CountScope.ROOM
        self.comparison: CountComparison | None = None
        self._waiting_detail: set[int] = set()
        self.use_stock(stock)

    def use_stock(self, stock: RoomStock) -> None:
        """Compare against `stock` from now on (a refresh, or packages read for some products)."""
        self.stock = stock
        for label, product_id in stock.labels().items():
            self.scans.index.add_code(label, product_id)

    def compare(self, scope: CountScope | None = None) -> CountComparison:
        if scope is not None:
            self.scope = scope
        unknown = [UnknownScan(p.code.display, p.quantity) for p in self.scans.pending_unknown]
        self.comparison = compare(self.stock, self.scans.lines, unknown=unknown, scope=self.scope)
        return self.comparison

    def scan(self, raw: str | ScanRead) -> tuple[ScanOutcome, str]:
        """Count one scan; returns its outcome and the status line to show (with the fresh numbers)."""
        return self._counted(self.scans.scan(raw))

    def count_blanked(self) -> tuple[ScanOutcome, str] | None:
        """The read just taken for a double read was a second unit after all (the clerk pressed Insert)."""
        if not self.scans.blanked:
            return None
        return self._counted(self.scans.count_blanked())

    def _counted(self, outcome: ScanOutcome) -> tuple[ScanOutcome, str]:
        comparison = self.compare()
        text = outcome.message
        product = outcome.product
        if outcome.counted and product is not None:
            row = comparison.product(product.product_id)
            if row is not None:
                text += f" — counted {format_quantity(row.counted)}, POS says {format_quantity(row.expected)}"
            if self.stock.missing_detail([product.product_id]):
                self._waiting_detail.add(product.product_id)
        return outcome, text

    def undo(self) -> str:
        return self.scans.undo() or "Nothing to undo."

    @property
    def scanned_products(self) -> list[int]:
        return [ln.product_id for ln in self.scans.lines]

    @property
    def waiting_detail(self) -> bool:
        return bool(self._waiting_detail)

    def take_waiting_detail(self) -> list[int]:
        """The products whose packages should be read now; the list empties."""
        wanted = sorted(self._waiting_detail)
        self._waiting_detail.clear()
        return wanted

    def add_detail(self, shelves: Iterable[ShelfQuantity], product_ids: Iterable[int]) -> RoomStock:
        """Merge a per-product package read into the stock being compared against."""
        self.use_stock(apply_detail(self.stock, shelves, product_ids))
        return self.stock


def default_csv_name(location: Location | None, room: Room | None, day: date) -> str:
    """`intake-count-<location id>-<room>-<yyyymmdd>.csv`, safe as a file name on every platform."""
    where = f"{location.loc_id if location else 'store'}-{room.name if room else 'room'}"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in where)
    return f"intake-count-{safe}-{day:%Y%m%d}.csv"
