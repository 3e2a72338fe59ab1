"""BLAZE extras beyond the receive contract: counting a room and moving stock between inventories.

Why a separate module: these are the features only BLAZE offers among our POSes (transfers that move stock
when accepted, batch quantities per inventory), and they are read by count mode and the move dialog, not by
the receive flow. Every transfer call names the employee (`currentEmployeeId`) BLAZE requires.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from intake_gui.domain.counting import Employee, ShelfQuantity, Transfer, TransferItem
from intake_gui.domain.models import Location, Room
from intake_gui.pos.blaze import endpoints as E
from intake_gui.pos.blaze import wire as W
from intake_gui.pos.blaze.calls import BlazeCalls, reading


class BlazeExtras(BlazeCalls):
    """Count and move on top of the shared calls (see `BlazeConnector` for the receive contract)."""

    def employees(self, location: Location) -> list[Employee]:
        """Who may be named as currentEmployeeId on a transfer (ASSUMED endpoint, see endpoints.py)."""
        self._shop_of(location)
        rows = self._models(W.BlazeEmployee, self._collect(E.EMPLOYEES), E.EMPLOYEES)
        return [W.to_employee(e) for e in rows if e.active]

    # -- count ---------------------------------------------------------------------------------------

    def _batch_labels(self, batch_ids: set[str]) -> dict[str, str]:
        """Package labels for count mode. Batch quantities do not carry them, so the shop's batch list is
        read once (and again only when a batch appears that was not in it)."""
        if batch_ids - self._labels.keys():
            for b in self._models(W.Batch, self._collect(E.BATCHES), E.BATCHES):
                self._labels[b.id] = b.trackPackageLabel or b.lotId
        return self._labels

    def room_quantities(
        self, location: Location, room: Room, *, labels: bool = True
    ) -> list[ShelfQuantity]:
        """What BLAZE believes one room holds: per product, its batches oldest first (FIFO).

        `labels=False` skips reading the batch list for package tags (one page per 100 batches).
        """
        self._shop_of(location)
        inv_ext = self._inventory_ext(room.room_id)
        rows = [q for q in self._quantities(inv_ext) if q.quantity > 0]
        names = self._batch_labels({q.batchId for q in rows}) if labels else {}
        by_product: dict[str, list[W.BatchQuantity]] = defaultdict(list)
        for q in rows:
            by_product[q.productId].append(q)
        out = []
        with reading(E.QUANTITY_BY_INVENTORY):
            for product_ext, qs in by_product.items():
                product = self._catalog_entry(product_ext)
                out.append(
                    ShelfQuantity(
                        product_id=self._ids.intern("product", product_ext),
                        sku=product.sku if product else (qs[0].productId),
                        name=product.name if product else "",
                        quantity=sum((q.quantity for q in qs), Decimal(0)),
                        packages=tuple(
                            W.to_package_qty(q, names.get(q.batchId, ""), location.timezone)
                            for q in qs
                        ),
                    )
                )
        return sorted(out, key=lambda s: (s.name.casefold(), s.sku))

    # -- move ----------------------------------------------------------------------------------------

    def _transfer_body(
        self,
        location: Location,
        from_room: Room,
        to_room: Room,
        items: Iterable[TransferItem],
        employee_id: str,
    ) -> dict[str, Any]:
        shop = self._shop_of(location)
        logs = []
        for item in items:
            entry: dict[str, Any] = {
                "productId": self._product_ext(item.product_id, item.sku),
                "transferAmount": W.json_number(item.quantity),
            }
            if item.package_id is not None:
                entry["fromBatchId"] = str(item.package_id)
            logs.append(entry)
        return {
            "fromShopId": shop.id,
            "toShopId": shop.id,
            "fromInventoryId": self._inventory_ext(from_room.room_id),
            "toInventoryId": self._inventory_ext(to_room.room_id),
            "currentEmployeeId": employee_id,
            "transferByBatch": any("fromBatchId" in e for e in logs),
            "transferLogs": logs,
        }

    def _transfer(self, data: Any, path: str) -> Transfer:
        with reading(path):
            history = W.TransferHistory.model_validate(data)
            skus = {k: p.sku for k, p in (self._catalog or {}).items()}
            return W.to_transfer(history, self._ids, skus)

    def create_transfer(
        self,
        location: Location,
        from_room: Room,
        to_room: Room,
        items: Iterable[TransferItem],
        employee_id: str,
    ) -> Transfer:
        """A pending transfer; nothing moves until it is accepted."""
        body = self._transfer_body(location, from_room, to_room, items, employee_id)
        return self._transfer(self._call("POST", E.TRANSFERS, json=body, write=True), E.TRANSFERS)

    def update_transfer(
        self,
        location: Location,
        transfer_id: str,
        from_room: Room,
        to_room: Room,
        items: Iterable[TransferItem],
        employee_id: str,
    ) -> Transfer:
        """Replace rooms and items of a transfer that is still pending (BLAZE refuses otherwise)."""
        body = self._transfer_body(location, from_room, to_room, items, employee_id)
        path = E.TRANSFER.format(history_id=quote(transfer_id, safe=""))
        return self._transfer(
            self._call("PUT", path, json={"id": transfer_id, **body}, write=True), path
        )

    def accept_transfer(self, transfer_id: str, employee_id: str) -> Transfer:
        """Accepting is what moves the stock. OutcomeUnknown here: read `transfer(id)` before retrying."""
        path = E.TRANSFER_ACCEPT.format(history_id=quote(transfer_id, safe=""))
        return self._transfer(
            self._call("POST", path, json={"currentEmployeeId": employee_id}, write=True), path
        )

    def decline_transfer(self, transfer_id: str, employee_id: str) -> Transfer:
        path = E.TRANSFER_DECLINE.format(history_id=quote(transfer_id, safe=""))
        return self._transfer(
            self._call("POST", path, json={"currentEmployeeId": employee_id}, write=True), path
        )

    def transfer(self, transfer_id: str) -> Transfer:
        """The transfer as BLAZE has it now (ASSUMED read: the document lists no GET for one transfer)."""
        path = E.TRANSFER.format(history_id=quote(transfer_id, safe=""))
        return self._transfer(self._call("GET", path), path)
