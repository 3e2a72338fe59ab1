"""A scripted in-memory POS for testing the submit state machine without a network.

Each call to `receive` takes the next scripted behaviour: "ok" (commit, answer), "lost" (commit, then the answer
is lost), "refuse-before" (lost before the POS saw it: raises OutcomeUnknown without committing), a PosError
instance to raise without committing. History reads can be made to fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from intake_gui.domain.models import (
    HistoryRow,
    Location,
    Package,
    PosKind,
    Product,
    ReceiveDraft,
    Room,
    SellableItem,
    Vendor,
)
from intake_gui.pos import errors as E
from intake_gui.pos.base import PosConnector

LOC = Location(loc_id=1989, name="AZ Sandbox", state="AZ", lsp_id=575, timezone="America/Phoenix")
VENDOR = Vendor(vendor_id=39195, name="PALOMINO PRINTING")
SALES = Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True)
VAULT = Room(room_id=24773, name="Vault", inventory_room=True, pos_room=False)
PRODUCTS = [
    Product(
        product_id=11484902, sku="3B4791", name="Tommy Chong Joint (H)", unit_cost=Decimal("4.5")
    ),
    Product(product_id=11484903, sku="3B4792", name="Blue Dream 3.5g", unit_cost=Decimal("12")),
]


class ScriptedPos(PosConnector):
    kind = PosKind.DUTCHIE

    def __init__(self, script: Iterable[object] = ()) -> None:
        self.script = list(script)
        self.receipts: list[tuple[int, ReceiveDraft, datetime]] = []
        self.sends = 0
        self.history_failures: list[E.PosError] = []
        self.next_id = 1379127

    def login(self) -> None:
        pass

    @property
    def user_name(self) -> str:
        return "trainer"

    def locations(self) -> list[Location]:
        return [LOC]

    def vendors(self, location: Location) -> list[Vendor]:
        return [VENDOR]

    def rooms(self, location: Location) -> list[Room]:
        return [SALES, VAULT]

    def products(self, location, progress=None) -> list[Product]:
        return list(PRODUCTS)

    def _commit(self, draft: ReceiveDraft) -> int:
        rid = self.next_id
        self.next_id += 1
        self.receipts.append((rid, draft, datetime.now()))
        return rid

    def receive(self, draft: ReceiveDraft) -> int:
        self.sends += 1
        step = self.script.pop(0) if self.script else "ok"
        if step == "ok":
            return self._commit(draft)
        if step == "lost":
            self._commit(draft)
            raise E.OutcomeUnknown("answer lost")
        if step == "refuse-before":
            raise E.OutcomeUnknown("answer lost before commit")
        if step == "500-after":
            self._commit(draft)
            raise E.ServerError("500")
        assert isinstance(step, E.PosError)
        raise step

    def packages_for_receipt(self, location: Location, receipt_id: int) -> list[Package]:
        out = []
        for rid, draft, _ in self.receipts:
            if rid == receipt_id:
                out += [
                    Package(
                        package_id=f"{rid}-{i}",
                        sku=ln.sku,
                        quantity=ln.quantity,
                        room_id=ln.room_id,
                        room_name=draft.room.name,
                    )
                    for i, ln in enumerate(draft.lines)
                ]
        return out

    def receipt_history(
        self, location: Location, start: datetime, end: datetime
    ) -> list[HistoryRow]:
        if self.history_failures:
            raise self.history_failures.pop(0)
        return [
            HistoryRow(
                receipt_id=rid,
                received_at=at,
                vendor_id=d.vendor.vendor_id,
                vendor_name=d.vendor.name,
                title=d.wire_title,
                status="Received",
                product_count=len(d.lines),
            )
            for rid, d, at in self.receipts
        ]

    def sellable_inventory(self, location: Location, skus=None) -> list[SellableItem]:
        totals: dict[str, Decimal] = {}
        for _, d, _ in self.receipts:
            if d.room.sellable:
                for ln in d.lines:
                    totals[ln.sku] = totals.get(ln.sku, Decimal(0)) + ln.quantity
        return [SellableItem(sku=s, quantity=q) for s, q in totals.items()]


import pytest  # noqa: E402


@pytest.fixture
def make_ctx(intake_home):
    """An AppContext on real local storage, with a scripted POS instead of a network."""
    from intake_gui.services.context import AppContext
    from intake_gui.store.catalog_cache import CatalogCache
    from intake_gui.store.journal import Journal
    from intake_gui.store.journal_writer import JournalWriter
    from intake_gui.store.paths import app_paths
    from intake_gui.store.secrets import SecretStore
    from intake_gui.store.settings import StationSettings

    made = []

    def make(pos: ScriptedPos) -> AppContext:
        paths = app_paths()
        paths.ensure()
        journal = Journal(paths.journal_path)
        ctx = AppContext(
            paths=paths,
            settings=StationSettings(station_name="dock-1"),
            secrets=SecretStore(),
            journal=journal,
            writer=JournalWriter(journal),
            catalog_cache=CatalogCache(paths.catalog_dir),
            connector=pos,
        )
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


def make_draft(room: Room = SALES, qty: str = "3") -> ReceiveDraft:
    from intake_gui.domain.models import DraftLine

    return ReceiveDraft(
        location=LOC,
        vendor=VENDOR,
        room=room,
        title="Final assessment",
        lines=tuple(
            DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=qty)
            for p in PRODUCTS
        ),
    )


@pytest.fixture
def draft_factory():
    return make_draft


@pytest.fixture
def scripted_pos():
    """The ScriptedPos class (test modules cannot import this conftest under importlib mode)."""
    return ScriptedPos


@pytest.fixture
def rooms():
    return {"sales": SALES, "vault": VAULT}
