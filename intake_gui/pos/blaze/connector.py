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

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from intake_gui.domain.counting import Employee, ShelfQuantity, Transfer, TransferItem
from intake_gui.domain.date_windows import from_store_local, split_range
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
from intake_gui.pos.base import Capabilities, PosConnector, ProgressFn
from intake_gui.pos.blaze import endpoints as E
from intake_gui.pos.blaze import wire as W
from intake_gui.pos.blaze.ids import IdBook, receipt_key, receipt_token, stable_id, token_receipt_id
from intake_gui.pos.errors import (
    InvalidRequest,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    PosError,
    ValidationRejected,
)
from intake_gui.pos.http import HttpSession, RetryPolicy, error_for_status
from intake_gui.pos.pacer import shared_pacer
from intake_gui.pos.transport import TransportKind, build_http_client

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

CATALOG_REREAD_S = 60.0


def _describe(exc: ValueError) -> str:
    """A parse failure in words for the log, without echoing the payload (it may hold anything)."""
    if isinstance(exc, ValidationError):
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        return f"{exc.error_count()} invalid field(s); first at {where}: {first['msg']}"
    return str(exc)[:200]


@contextmanager
def _reading(path: str) -> Iterator[None]:
    """Any shape problem in an answer (pydantic's ValidationError is a ValueError) is MalformedResponse."""
    try:
        yield
    except ValueError as exc:
        raise MalformedResponse(detail=f"{path}: {_describe(exc)}", endpoint=path) from None


def _pos_message(resp: httpx.Response) -> str:
    """BLAZE's own words from an error body ({"error", "message", "status"}), shortened for the log."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        text = body.get("message") or body.get("error") or ""
        return str(text)[:300]
    return ""


class BlazeConnector(PosConnector):
    kind = PosKind.BLAZE
    capabilities = Capabilities(
        receive=True,
        verify_packages=True,
        verify_history=True,
        verify_sellable=True,
        count=True,
        move=True,
    )

    def __init__(
        self,
        base_url: str,
        partner_key: str,
        developer_key: str,
        *,
        header_names: tuple[str, str] = E.DEFAULT_HEADERS,
        timeout: float = 20.0,
        transport_kind: TransportKind = "default",
        transport: httpx.BaseTransport | None = None,
        rate_per_minute: int = 60,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = build_http_client(
            base_url, timeout=timeout, transport_kind=transport_kind, transport=transport
        )
        partner_header, developer_header = header_names
        self._client.headers[partner_header] = partner_key
        self._client.headers[developer_header] = developer_key
        # The budget belongs to the key, so every connector on this key shares one pacer. The registry
        # key holds a digest, never the key itself.
        digest = hashlib.sha256(developer_key.encode()).hexdigest()[:16]
        pacer = shared_pacer(f"blaze:{base_url}:{digest}", rate_per_minute)
        self._http = HttpSession(self._client, pacer=pacer, retry=retry, sleep=sleep)
        self._ids = IdBook()
        self._shop: W.Shop | None = None
        self._inventories: dict[str, W.Inventory] = {}
        self._catalog: dict[str, W.BlazeProduct] | None = None
        self._catalog_at = float("-inf")
        self._labels: dict[str, str] = {}

    # -- plumbing -----------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        write: bool = False,
    ) -> Any:
        resp = self._http.send(method, path, params=params, json=json, idempotent=not write)
        if resp.status_code >= 300:
            raise self._refusal(resp, path, write)
        try:
            return resp.json()
        except ValueError:
            raise MalformedResponse(
                detail=f"{method} {path}: the answer is not JSON ({len(resp.content)} bytes)",
                endpoint=path,
            ) from None

    @staticmethod
    def _refusal(resp: httpx.Response, path: str, write: bool) -> PosError:
        message = _pos_message(resp)
        err = error_for_status(resp, endpoint=path, message=message)
        assert err is not None  # only called for statuses >= 300
        if write and resp.status_code in (400, 409, 422):
            return ValidationRejected(
                message or f"HTTP {resp.status_code}", detail=err.detail, endpoint=path
            )
        if isinstance(err, InvalidRequest) and message:
            return InvalidRequest(
                f"BLAZE refused the request: {message}", detail=err.detail, endpoint=path
            )
        return err

    def _collect(
        self, path: str, params: dict[str, Any] | None = None, *, progress: ProgressFn | None = None
    ) -> list[dict[str, Any]]:
        """Every row of a paged list, 100 at a time, to the end. Rows are de-duplicated by id because
        the batch list is sorted by modification time and can shift under us while we page."""
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        start = 0
        while True:
            data = self._call(
                "GET", path, params={**(params or {}), "start": start, "limit": E.PAGE_LIMIT}
            )
            with _reading(path):
                page = W.Page.model_validate(data)
            fresh = 0
            for row in page.values:
                rid = row.get("id")
                if isinstance(rid, str):
                    if rid in seen:
                        continue
                    seen.add(rid)
                rows.append(row)
                fresh += 1
            start += len(page.values)
            if progress is not None:
                progress(len(rows), page.total or 0)
            if not page.values:
                break
            if page.total is not None and start >= page.total:
                break
            if page.total is None and len(page.values) < E.PAGE_LIMIT:
                break
            if fresh == 0:
                raise MalformedResponse(
                    detail=f"{path}: paging did not advance at start={start}", endpoint=path
                )
        return rows

    def _models(self, model: type[M], rows: Iterable[Any], path: str) -> list[M]:
        with _reading(path):
            return W.read_rows(model, list(rows), path)  # type: ignore[arg-type]

    # -- contract: session and lookups --------------------------------------------------------------

    def login(self) -> None:
        """BLAZE has no session: reading the key's shop proves both keys (401/403 otherwise)."""
        self._load_shop()

    def close(self) -> None:
        self._client.close()

    @property
    def user_name(self) -> str:
        return f"BLAZE API ({self._shop.name})" if self._shop else "BLAZE API"

    def _load_shop(self) -> W.Shop:
        data = self._call("GET", E.STORE)
        with _reading(E.STORE):
            shop = W.Shop.model_validate(data)
            self._ids.intern("shop", shop.id)
        self._shop = shop
        return shop

    def _shop_of(self, location: Location) -> W.Shop:
        shop = self._shop or self._load_shop()
        if stable_id("shop", shop.id) != location.loc_id:
            raise NotFound(
                f"This BLAZE developer key belongs to {shop.name}, not to {location.name}.",
                endpoint=E.STORE,
            )
        return shop

    def locations(self) -> list[Location]:
        shop = self._load_shop()
        with _reading(E.STORE):
            return [W.to_location(shop, self._ids)]

    def _load_inventories(self) -> dict[str, W.Inventory]:
        invs = self._models(W.Inventory, self._collect(E.INVENTORIES), E.INVENTORIES)
        with _reading(E.INVENTORIES):
            for inv in invs:
                self._ids.intern("inventory", inv.id)
        self._inventories = {inv.id: inv for inv in invs}
        return self._inventories

    def rooms(self, location: Location) -> list[Room]:
        self._shop_of(location)
        invs = self._load_inventories()
        with _reading(E.INVENTORIES):
            return [W.to_room(inv, self._ids) for inv in invs.values() if not inv.deleted]

    def _inventory_ext(self, room_id: int) -> str:
        ext = self._ids.ext("inventory", room_id)
        if ext is None:
            self._load_inventories()
            ext = self._ids.ext("inventory", room_id)
        if ext is None:
            raise NotFound(
                f"Room {room_id} is not an inventory of this BLAZE shop.", endpoint=E.INVENTORIES
            )
        return ext

    def _room_names(self) -> dict[str, str]:
        return {i.id: i.name for i in (self._inventories or self._load_inventories()).values()}

    def vendors(self, location: Location) -> list[Vendor]:
        self._shop_of(location)
        rows = self._models(W.BlazeVendor, self._collect(E.VENDORS), E.VENDORS)
        with _reading(E.VENDORS):
            return [W.to_vendor(v, self._ids) for v in rows if v.active and not v.deleted]

    def employees(self, location: Location) -> list[Employee]:
        """Who may be named as currentEmployeeId on a transfer (ASSUMED endpoint, see endpoints.py)."""
        self._shop_of(location)
        rows = self._models(W.BlazeEmployee, self._collect(E.EMPLOYEES), E.EMPLOYEES)
        return [W.to_employee(e) for e in rows if e.active]

    def products(self, location: Location, progress: ProgressFn | None = None) -> list[Product]:
        self._shop_of(location)
        rows = self._read_catalog(progress)
        with _reading(E.PRODUCTS):
            return [W.to_product(p, self._ids) for p in rows.values() if p.active and not p.deleted]

    def _read_catalog(self, progress: ProgressFn | None = None) -> dict[str, W.BlazeProduct]:
        rows = self._models(
            W.BlazeProduct, self._collect(E.PRODUCTS, progress=progress), E.PRODUCTS
        )
        with _reading(E.PRODUCTS):
            for p in rows:
                self._ids.intern("product", p.id)
        self._catalog = {p.id: p for p in rows}
        self._catalog_at = time.monotonic()
        return self._catalog

    def _catalog_entry(self, product_ext: str) -> W.BlazeProduct | None:
        """The product behind a BLAZE id. The catalog is read on first need and re-read for an unknown
        id only if the copy is older than a minute, so a loop over unknown ids costs one read, not many."""
        stale = time.monotonic() - self._catalog_at > CATALOG_REREAD_S
        if self._catalog is None or (product_ext not in self._catalog and stale):
            self._read_catalog()
        assert self._catalog is not None
        return self._catalog.get(product_ext)

    def _product_ext(self, product_id: int, sku: str) -> str:
        ext = self._ids.ext("product", product_id)
        if ext is None:
            self._catalog_entry("")
            ext = self._ids.ext("product", product_id)
        if ext is None:
            raise ValidationRejected(
                f"Product {sku} (id {product_id}) is not in this BLAZE catalog."
            )
        return ext

    def _vendor_ext(self, vendor: Vendor) -> str:
        ext = self._ids.ext("vendor", vendor.vendor_id)
        if ext is None:
            for v in self._models(W.BlazeVendor, self._collect(E.VENDORS), E.VENDORS):
                self._ids.intern("vendor", v.id)
            ext = self._ids.ext("vendor", vendor.vendor_id)
        if ext is None:
            raise ValidationRejected(
                f"Vendor {vendor.name} (id {vendor.vendor_id}) is not known to BLAZE."
            )
        return ext

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
        with _reading(E.BATCHES):
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
        with _reading(E.BATCHES_BY_PURCHASE):
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

    def _quantities(self, inventory_ext: str) -> list[W.BatchQuantity]:
        rows = self._collect(E.QUANTITY_BY_INVENTORY, {"inventoryId": inventory_ext})
        found = self._models(W.BatchQuantity, rows, E.QUANTITY_BY_INVENTORY)
        # The filter is ours to keep: a server that ignored inventoryId must not mix rooms up.
        return [q for q in found if q.inventoryId == inventory_ext]

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
            with _reading(E.QUANTITY_BY_INVENTORY):
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
        with _reading(E.QUANTITY_BY_INVENTORY):
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
        with _reading(path):
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
