"""The BLAZE emulator's world and the rules that change it: receiving batches and moving stock between rooms.

State lives in memory for speed and is written through to SQLite in the data dir (one small upsert per
changed record), so a second start on the same dir sees every receive and transfer of the first. All
mutation happens under one lock: uvicorn runs the app in its own thread and tests poke at the state from
theirs.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from intake_gui.sandbox.blaze.config import BlazeConfig
from intake_gui.sandbox.blaze.seed import generate, object_id, put_quantity, quantity_id
from intake_gui.sandbox.blaze.values import ApiError, note, now_ms, to_decimal, to_json_number

BATCH_STATUSES = frozenset(
    {"IN_TRANSFER", "RECEIVED", "IN_TESTING", "READY_FOR_SALE", "PROCESSING"}
)


class BlazeState:
    """Everything one emulator instance knows, plus the operations the partner endpoints perform."""

    def __init__(self, data_dir: Path, config: BlazeConfig, seed: int) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.requests: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=20_000)
        """(method, path, query) of every call, newest last: tests count pages with it."""
        data_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(data_dir / "blaze.sqlite3", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL stays consistent after a crash and may only lose the last writes on power loss:
        # right for an emulator, and it keeps a 250-line receive from paying 250 fsyncs.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entities (kind TEXT NOT NULL, id TEXT NOT NULL, "
            "data TEXT NOT NULL, PRIMARY KEY (kind, id))"
        )
        self.world: dict[str, dict[str, dict[str, Any]]] = {}
        rows = self._db.execute("SELECT kind, id, data FROM entities").fetchall()
        if rows:
            for kind, oid, data in rows:
                self.world.setdefault(kind, {})[oid] = json.loads(data)
            for kind in (
                "shops",
                "inventories",
                "employees",
                "vendors",
                "products",
                "batches",
                "quantities",
                "transfers",
            ):
                self.world.setdefault(kind, {})
        else:
            self.world = generate(config, seed, now_ms())
            with self._db:
                self._db.executemany(
                    "INSERT INTO entities (kind, id, data) VALUES (?, ?, ?)",
                    (
                        (kind, oid, json.dumps(obj, separators=(",", ":")))
                        for kind, objs in self.world.items()
                        for oid, obj in objs.items()
                    ),
                )
        # New ids must not repeat the seeded ones nor those of an earlier run on the same data dir.
        self._id_rng = random.Random(f"{seed}:{len(rows)}:{time.time_ns()}")

    # -- persistence -------------------------------------------------------------------------------

    def _save(self, kind: str, objs: Iterable[dict[str, Any]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO entities (kind, id, data) VALUES (?, ?, ?)",
                ((kind, o["id"], json.dumps(o, separators=(",", ":"))) for o in objs),
            )

    def _save_meta(self) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO entities (kind, id, data) VALUES ('meta', 'company', ?)",
                (json.dumps(self.company),),
            )

    def _new_id(self) -> str:
        return object_id(self._id_rng)

    def close(self) -> None:
        self._db.close()

    # -- lookups -----------------------------------------------------------------------------------

    @property
    def company(self) -> dict[str, Any]:
        return self.world["meta"]["company"]

    def shop_for_developer_key(self, key: str) -> dict[str, Any] | None:
        try:
            index = self.config.developer_keys.index(key)
        except ValueError:
            return None
        for shop in self.world["shops"].values():
            if shop.get("developerKeyIndex") == index:
                return shop
        return None

    def inventory(self, shop_id: str, inventory_id: object, field: str) -> dict[str, Any]:
        inv = self.world["inventories"].get(str(inventory_id)) if inventory_id else None
        if inv is None or inv["shopId"] != shop_id or not inv.get("active", True):
            raise ApiError(400, f"{field} is not an inventory of this shop")
        return inv

    def employee(self, shop_id: str, body: dict[str, Any]) -> str:
        emp_id = body.get("currentEmployeeId")
        if not emp_id or not isinstance(emp_id, str):
            raise ApiError(400, "currentEmployeeId is required")
        emp = self.world["employees"].get(emp_id)
        if emp is None or emp["shopId"] != shop_id or not emp.get("active", True):
            raise ApiError(400, "currentEmployeeId is not an active employee of this shop")
        return emp_id

    # -- receive (assumed endpoint: POST /batches) ------------------------------------------------

    def create_batch(self, shop: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """Receive stock as a new batch placed in one inventory.

        The batches document lists no create call; this is the emulator's design of one, shaped after the
        ProductBatch fields the document does list (plus `inventoryId`, which a batch lacks but a receive
        must name, as BatchQuantity does).
        """
        product = self.world["products"].get(str(body.get("productId") or ""))
        if product is None:
            raise ApiError(400, "productId does not name a product")
        qty = to_decimal(body.get("quantity"), "quantity")
        if qty <= 0:
            raise ApiError(400, "quantity must be greater than zero")
        inv = self.inventory(shop["id"], body.get("inventoryId"), "inventoryId")
        vendor = None
        if body.get("vendorId"):
            vendor = self.world["vendors"].get(str(body["vendorId"]))
            if vendor is None:
                raise ApiError(400, "vendorId does not name a vendor")
        cost_per_unit = to_decimal(body.get("costPerUnit", 0) or 0, "costPerUnit")
        if cost_per_unit < 0:
            raise ApiError(400, "costPerUnit must not be negative")
        status = body.get("status") or "RECEIVED"
        if status not in BATCH_STATUSES:
            raise ApiError(400, f"status must be one of {', '.join(sorted(BATCH_STATUSES))}")
        for name in ("purchasedDate", "expirationDate"):
            value = body.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ApiError(400, f"{name} must be epoch milliseconds")
        with self.lock:
            when = now_ms()
            self.company["batchNo"] += 1
            bid = self._new_id()
            batch = {
                "id": bid,
                "companyId": self.company["id"],
                "shopId": shop["id"],
                "created": when,
                "modified": when,
                "deleted": False,
                "updated": False,
                "productId": product["id"],
                "vendorId": vendor["id"] if vendor else None,
                "batchNo": self.company["batchNo"],
                "quantity": to_json_number(qty),
                "costPerUnit": to_json_number(cost_per_unit),
                "cost": to_json_number((cost_per_unit * qty).quantize(Decimal("0.01"))),
                "sku": product["sku"],
                "purchasedDate": body.get("purchasedDate") or when,
                "receiveDate": when,
                "status": status,
                "trackTraceSystem": body.get("trackTraceSystem") or "MANUAL",
                "trackPackageLabel": body.get("trackPackageLabel") or None,
                "lotId": body.get("lotId") or None,
                "poNumber": body.get("poNumber") or None,
                "externalId": body.get("externalId") or None,
                "referenceNote": note(body.get("referenceNote")),
                "expirationDate": body.get("expirationDate"),
                "productName": product["name"],
                "vendorName": vendor["name"] if vendor else None,
                "brandName": product["brandName"],
                "liveQuantity": to_json_number(qty),
                "roomId": inv["id"],
                "active": True,
                "archived": False,
                "unsellable": False,
                "voidStatus": False,
                "batchType": "SALE",
            }
            self.world["batches"][bid] = batch
            row = put_quantity(
                self.world,
                self.company["id"],
                shop["id"],
                inv["id"],
                batch,
                to_json_number(qty),
                when,
            )
            self._save("batches", [batch])
            self._save("quantities", [row])
            self._save_meta()
            return batch

    # -- transfers ----------------------------------------------------------------------------------

    def _logs(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        logs = body.get("transferLogs")
        if not isinstance(logs, list) or not logs:
            raise ApiError(400, "transferLogs must list at least one item")
        out = []
        for n, log in enumerate(logs):
            if not isinstance(log, dict):
                raise ApiError(400, f"transferLogs[{n}] must be an object")
            amount = to_decimal(log.get("transferAmount"), f"transferLogs[{n}].transferAmount")
            if amount <= 0:
                raise ApiError(400, f"transferLogs[{n}].transferAmount must be greater than zero")
            batch_id = log.get("fromBatchId") or None
            product_id = log.get("productId") or None
            if batch_id is not None:
                batch = self.world["batches"].get(str(batch_id))
                if batch is None:
                    raise ApiError(400, f"transferLogs[{n}].fromBatchId does not name a batch")
                if product_id is not None and product_id != batch["productId"]:
                    raise ApiError(400, f"transferLogs[{n}]: the batch is not of that product")
                product_id = batch["productId"]
            if product_id not in self.world["products"]:
                raise ApiError(400, f"transferLogs[{n}].productId does not name a product")
            out.append(
                {
                    "productId": product_id,
                    "fromBatchId": batch_id,
                    "transferAmount": to_json_number(amount),
                }
            )
        return out

    def _plan(
        self, shop_id: str, from_inv: str, logs: list[dict[str, Any]]
    ) -> list[tuple[str, Decimal]]:
        """Which batch gives how much: named batches first, then oldest purchase first (FIFO)."""
        left = {
            q["batchId"]: Decimal(str(q["quantity"]))
            for q in self.world["quantities"].values()
            if q["shopId"] == shop_id and q["inventoryId"] == from_inv and q["quantity"] > 0
        }
        moves: list[tuple[str, Decimal]] = []
        for log in sorted(logs, key=lambda lg: lg["fromBatchId"] is None):
            want = Decimal(str(log["transferAmount"]))
            if log["fromBatchId"]:
                have = left.get(log["fromBatchId"], Decimal(0))
                if have < want:
                    raise ApiError(
                        400,
                        f"Batch {log['fromBatchId']} has {to_json_number(have)} in the "
                        f"source inventory; {to_json_number(want)} requested",
                    )
                left[log["fromBatchId"]] = have - want
                moves.append((log["fromBatchId"], want))
                continue
            candidates = sorted(
                (
                    b
                    for b, q in left.items()
                    if q > 0 and self.world["batches"][b]["productId"] == log["productId"]
                ),
                key=lambda b: (self.world["batches"][b]["purchasedDate"], b),
            )
            available = sum((left[b] for b in candidates), Decimal(0))
            if available < want:
                sku = self.world["products"][log["productId"]]["sku"]
                raise ApiError(
                    400,
                    f"Not enough {sku} in the source inventory: "
                    f"{to_json_number(available)} available, {to_json_number(want)} requested",
                )
            for b in candidates:
                take = min(left[b], want)
                if take > 0:
                    left[b] -= take
                    want -= take
                    moves.append((b, take))
                if want == 0:
                    break
        return moves

    def _check_rooms(self, shop: dict[str, Any], body: dict[str, Any]) -> tuple[str, str]:
        for name in ("fromShopId", "toShopId"):
            if body.get(name) not in (None, "", shop["id"]):
                raise ApiError(
                    400,
                    f"{name} must be this shop (transfers between shops need the "
                    "other shop's own keys)",
                )
        src = self.inventory(shop["id"], body.get("fromInventoryId"), "fromInventoryId")
        dst = self.inventory(shop["id"], body.get("toInventoryId"), "toInventoryId")
        if src["id"] == dst["id"]:
            raise ApiError(400, "fromInventoryId and toInventoryId must differ")
        return src["id"], dst["id"]

    def create_transfer(self, shop: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            employee = self.employee(shop["id"], body)
            src, dst = self._check_rooms(shop, body)
            logs = self._logs(body)
            self._plan(shop["id"], src, logs)
            when = now_ms()
            self.company["transferNo"] += 1
            transfer = {
                "id": self._new_id(),
                "companyId": self.company["id"],
                "shopId": shop["id"],
                "created": when,
                "modified": when,
                "deleted": False,
                "updated": False,
                "status": "PENDING",
                "createByEmployeeId": employee,
                "acceptByEmployeeId": None,
                "declineByEmployeeId": None,
                "fromShopId": shop["id"],
                "toShopId": shop["id"],
                "fromInventoryId": src,
                "toInventoryId": dst,
                "prevFromInventoryId": None,
                "declinedDate": None,
                "acceptedDate": None,
                "transferNo": str(self.company["transferNo"]),
                "completeTransfer": False,
                "transferByBatch": any(lg["fromBatchId"] for lg in logs),
                "processedTime": None,
                "processing": False,
                "transferLogs": logs,
            }
            self.world["transfers"][transfer["id"]] = transfer
            self._save("transfers", [transfer])
            self._save_meta()
            return transfer

    def transfer(self, shop: dict[str, Any], history_id: str) -> dict[str, Any]:
        transfer = self.world["transfers"].get(history_id)
        if transfer is None or transfer["shopId"] != shop["id"]:
            raise ApiError(404, f"Inventory transfer {history_id} not found")
        return transfer

    def _pending(self, shop: dict[str, Any], history_id: str) -> dict[str, Any]:
        transfer = self.transfer(shop, history_id)
        if transfer["status"] != "PENDING":
            raise ApiError(
                400, f"Inventory transfer {history_id} is {transfer['status']}, not PENDING"
            )
        return transfer

    def update_transfer(
        self, shop: dict[str, Any], history_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        with self.lock:
            transfer = self._pending(shop, history_id)
            self.employee(shop["id"], body)
            src, dst = self._check_rooms(shop, body)
            logs = self._logs(body)
            self._plan(shop["id"], src, logs)
            old_src = transfer["fromInventoryId"]
            transfer.update(
                fromInventoryId=src,
                toInventoryId=dst,
                transferLogs=logs,
                modified=now_ms(),
                updated=True,
                prevFromInventoryId=old_src if old_src != src else None,
                transferByBatch=any(lg["fromBatchId"] for lg in logs),
            )
            self._save("transfers", [transfer])
            return transfer

    def accept_transfer(
        self, shop: dict[str, Any], history_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """Accepting is the only thing that moves stock; it re-checks stock, which may have changed."""
        with self.lock:
            employee = self.employee(shop["id"], body)
            transfer = self._pending(shop, history_id)
            moves = self._plan(shop["id"], transfer["fromInventoryId"], transfer["transferLogs"])
            when = now_ms()
            changed_rows = []
            changed_batches = []
            for batch_id, amount in moves:
                batch = self.world["batches"][batch_id]
                src = self.world["quantities"][quantity_id(batch_id, transfer["fromInventoryId"])]
                left = Decimal(str(src["quantity"])) - amount
                changed_rows.append(
                    put_quantity(
                        self.world,
                        self.company["id"],
                        shop["id"],
                        transfer["fromInventoryId"],
                        batch,
                        to_json_number(left),
                        when,
                    )
                )
                dst_id = quantity_id(batch_id, transfer["toInventoryId"])
                have = Decimal(str(self.world["quantities"].get(dst_id, {}).get("quantity", 0)))
                changed_rows.append(
                    put_quantity(
                        self.world,
                        self.company["id"],
                        shop["id"],
                        transfer["toInventoryId"],
                        batch,
                        to_json_number(have + amount),
                        when,
                    )
                )
                batch["modified"] = when
                changed_batches.append(batch)
            transfer.update(
                status="ACCEPTED",
                acceptByEmployeeId=employee,
                acceptedDate=when,
                processedTime=when,
                completeTransfer=True,
                modified=when,
            )
            self._save("quantities", changed_rows)
            self._save("batches", changed_batches)
            self._save("transfers", [transfer])
            return transfer

    def decline_transfer(
        self, shop: dict[str, Any], history_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        with self.lock:
            employee = self.employee(shop["id"], body)
            transfer = self._pending(shop, history_id)
            when = now_ms()
            transfer.update(
                status="DECLINED", declineByEmployeeId=employee, declinedDate=when, modified=when
            )
            self._save("transfers", [transfer])
            return transfer

    # -- reads --------------------------------------------------------------------------------------

    def product_quantity(self, shop_id: str, inventory_id: str, product_id: str) -> Decimal:
        """Test helper: how much of a product an inventory holds (sum over its batches)."""
        return sum(
            (
                Decimal(str(q["quantity"]))
                for q in self.world["quantities"].values()
                if q["shopId"] == shop_id
                and q["inventoryId"] == inventory_id
                and q["productId"] == product_id
            ),
            Decimal(0),
        )
