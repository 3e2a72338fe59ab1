"""The BLAZE connector: Intake's contract over BLAZE's partner store API.

How the contract maps onto BLAZE:
- locations = the shop the developer key belongs to (BLAZE binds a key to one shop; several shops need
  several keys). rooms = the shop's inventories, sellable when the inventory kind is a sales floor.
- receive = one batch created per draft line in the chosen inventory. The batches document has no create
  call: the path and body are our design (see endpoints.py), emulated by the sandbox the same way. Every
  batch carries the order title with the idempotency token (poNumber) and token:line (externalId), so a
  receive sent again skips lines that already landed, and history finds the receive by its token.
- verification: packages = the batches of the receive (searched by token), history = batches by purchase
  date in 7-day windows grouped by receive, sellable = batch quantities of the sellable inventories.
- count and move (extras beyond the contract): `room_quantities`, and inventory transfers, which move stock
  only when accepted; every transfer call names the employee (`currentEmployeeId`) BLAZE requires.

BLAZE ids are strings; see ids.py for how they become the integers the domain uses.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from intake_gui.domain.date_windows import from_store_local, split_range
from intake_gui.domain.models import (
    HistoryRow,
    Location,
    Package,
    Product,
    ReceiveDraft,
    Room,
    SellableItem,
    Vendor,
)
from intake_gui.pos.base import Capabilities, ProgressFn
from intake_gui.pos.blaze import endpoints as E
from intake_gui.pos.blaze import wire as W
from intake_gui.pos.blaze.calls import reading
from intake_gui.pos.blaze.extras import BlazeExtras
from intake_gui.pos.blaze.ids import receipt_key, receipt_token, token_receipt_id
from intake_gui.pos.errors import NotFound, OutcomeUnknown, PosError

log = logging.getLogger(__name__)


class BlazeConnector(BlazeExtras):
    """Intake's contract over one BLAZE shop key; plumbing in `calls.py`, count and move in `extras.py`."""

    capabilities = Capabilities(
        receive=True,
        verify_packages=True,
        verify_history=True,
        verify_sellable=True,
        count=True,
        move=True,
    )

    def locations(self) -> list[Location]:
        shop = self._load_shop()
        with reading(E.STORE):
            return [W.to_location(shop, self._ids)]

    def rooms(self, location: Location) -> list[Room]:
        self._shop_of(location)
        invs = self._load_inventories()
        with reading(E.INVENTORIES):
            return [W.to_room(inv, self._ids) for inv in invs.values() if not inv.deleted]

    def vendors(self, location: Location) -> list[Vendor]:
        self._shop_of(location)
        rows = self._models(W.BlazeVendor, self._collect(E.VENDORS), E.VENDORS)
        with reading(E.VENDORS):
            return [W.to_vendor(v, self._ids) for v in rows if v.active and not v.deleted]

    def products(self, location: Location, progress: ProgressFn | None = None) -> list[Product]:
        self._shop_of(location)
        rows = self._read_catalog(progress)
        with reading(E.PRODUCTS):
            return [W.to_product(p, self._ids) for p in rows.values() if p.active and not p.deleted]

    # -- receive -------------------------------------------------------------------------------------

    @staticmethod
    def receipt_id_for(draft: ReceiveDraft) -> int:
        """The receipt id a draft gets: its token's number, or (for a foreign token) a hash of its title."""
        rid = token_receipt_id(draft.token)
        return rid if rid is not None else receipt_key(draft.wire_title, "")[0]

    def receive(self, draft: ReceiveDraft) -> int:
        """Create one batch per line; return the receipt id (the number in the draft's token).

        Resumable: lines whose batch already exists (same token and line id in externalId) are not sent
        again, so sending a draft twice never books it twice. If BLAZE refuses or loses a line after
        others landed, the receive is partial: that raises OutcomeUnknown (never "failed"), so the caller
        reconciles through history and verification names the missing lines.
        """
        self._shop_of(draft.location)
        receipt_id = self.receipt_id_for(draft)
        _, key = receipt_key(draft.wire_title, "")
        if receipt_token(receipt_id) is None:
            self._ids.remember("receipt", receipt_id, key)
        vendor_ext = self._vendor_ext(draft.vendor)
        bodies = []
        for line in draft.lines:
            room_id = line.room_id if line.room_id is not None else draft.room.room_id
            bodies.append(
                (
                    line,
                    W.batch_body(
                        draft,
                        line,
                        product_ext=self._product_ext(line.product_id, line.sku),
                        inventory_ext=self._inventory_ext(room_id),
                        vendor_ext=vendor_ext,
                    ),
                )
            )
        landed = {b.externalId for b in self._receipt_batches(receipt_id)}
        todo = [(line, body) for line, body in bodies if body["externalId"] not in landed]
        done = len(bodies) - len(todo)
        if done:
            log.info(
                "Receive %s: %d of %d lines already in BLAZE, sending the rest",
                draft.token,
                done,
                len(bodies),
            )
        for line, body in todo:
            try:
                self._call("POST", E.CREATE_BATCH, json=body, write=True)
            except OutcomeUnknown as exc:
                raise OutcomeUnknown(
                    f"BLAZE's answer for line {line.sku} was lost ({done} of {len(bodies)} lines "
                    "confirmed before it). Intake will check what landed; nothing is sent again blindly.",
                    cause=exc.cause,
                    detail=exc.detail,
                    endpoint=E.CREATE_BATCH,
                ) from exc
            except PosError as exc:
                if done == 0:
                    raise  # nothing landed: a plain refusal the clerk can fix and send again
                raise OutcomeUnknown(
                    f"{done} of {len(bodies)} lines reached BLAZE, then it refused line {line.sku} "
                    f"({exc.message}). Intake will check what landed; nothing is sent again blindly.",
                    cause=exc,
                    detail=exc.detail,
                    endpoint=E.CREATE_BATCH,
                ) from exc
            done += 1
        return receipt_id

    # -- verification ------------------------------------------------------------------------------

    def _receipt_batches(self, receipt_id: int) -> list[W.Batch]:
        token = receipt_token(receipt_id)
        if token is not None:
            term, tag = token, f"[{token}]"

            def keep(b: W.Batch) -> bool:
                return tag in b.poNumber

        else:
            key = self._ids.ext("receipt", receipt_id)
            if key is None:
                raise NotFound(
                    f"Receipt {receipt_id} is not an Intake receive and was not seen in history this session.",
                    endpoint=E.BATCHES,
                )
            if key.startswith("batch:"):
                data = self._call("GET", E.BATCHES, params={"batchId": key[6:]})
                return self._models(W.Batch, [data], E.BATCHES)
            po = key[3:]
            term = po

            def keep(b: W.Batch) -> bool:
                return b.poNumber.strip() == po

        shop = self._shop or self._load_shop()
        rows = self._models(W.Batch, self._collect(E.BATCHES, {"term": term}), E.BATCHES)
        return [b for b in rows if keep(b) and b.shopId in ("", shop.id)]

    def packages_for_receipt(self, location: Location, receipt_id: int) -> list[Package]:
        self._shop_of(location)
        batches = self._receipt_batches(receipt_id)
        names = self._room_names()
        with reading(E.BATCHES):
            return [
                W.to_package(b, receipt_id, self._ids, location.timezone, names) for b in batches
            ]

    def receipt_history(
        self, location: Location, start: datetime, end: datetime
    ) -> list[HistoryRow]:
        """Batches purchased between two store-local times, one row per receive, oldest first."""
        shop = self._shop_of(location)
        tz = location.timezone
        batches: dict[str, W.Batch] = {}
        # Split in absolute time: BLAZE counts the 7 days in milliseconds, and a week of wall-clock time
        # across a fall-back DST change is 7 days and an hour.
        span = (from_store_local(start, tz), from_store_local(end, tz))
        for w_start, w_end in split_range(*span, E.MAX_RANGE_DAYS):
            # Windows are half-open; BLAZE's dates are inclusive, so each window ends 1 ms early.
            s_ms = int(w_start.timestamp() * 1000)
            params = {"startDate": s_ms, "endDate": max(s_ms, int(w_end.timestamp() * 1000) - 1)}
            rows = self._models(
                W.Batch, self._collect(E.BATCHES_BY_PURCHASE, params), E.BATCHES_BY_PURCHASE
            )
            batches.update((b.id, b) for b in rows if b.shopId in ("", shop.id))
        groups: dict[int, list[W.Batch]] = defaultdict(list)
        for b in batches.values():
            rid, key = receipt_key(b.poNumber, b.id)
            if receipt_token(rid) is None:
                self._ids.remember("receipt", rid, key)
            groups[rid].append(b)
        out = []
        with reading(E.BATCHES_BY_PURCHASE):
            for rid, group in groups.items():
                first = min(group, key=lambda b: (b.purchasedDate or 0, b.id))
                out.append(
                    HistoryRow(
                        receipt_id=rid,
                        received_at=W.local_datetime(first.purchasedDate or first.receiveDate, tz),
                        vendor_id=self._ids.intern("vendor", first.vendorId)
                        if first.vendorId
                        else None,
                        vendor_name=first.vendorName,
                        title=first.poNumber or f"Batch {first.id}",
                        status=first.status,
                        product_count=len(group),
                        total_quantity=sum((b.quantity for b in group), Decimal(0)),
                    )
                )
        return sorted(out, key=lambda r: r.sort_key)

    def sellable_inventory(
        self, location: Location, skus: Iterable[str] | None = None
    ) -> list[SellableItem]:
        """Stock in the sellable inventories (sales floor), per product and room."""
        self._shop_of(location)
        wanted = set(skus) if skus is not None else None
        invs = self._load_inventories()
        out: list[SellableItem] = []
        for inv in invs.values():
            if not inv.sellable or not inv.active or inv.deleted:
                continue
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for q in self._quantities(inv.id):
                if q.sellable:
                    totals[q.productId] += q.quantity
            with reading(E.QUANTITY_BY_INVENTORY):
                for product_ext, qty in totals.items():
                    product = self._catalog_entry(product_ext)
                    sku = product.sku if product else ""
                    if wanted is not None and sku not in wanted:
                        continue
                    out.append(
                        SellableItem(
                            sku=sku,
                            product_id=self._ids.intern("product", product_ext),
                            product_name=product.name if product else "",
                            quantity=qty,
                            room_id=self._ids.intern("inventory", inv.id),
                            room_name=inv.name,
                        )
                    )
        return out
