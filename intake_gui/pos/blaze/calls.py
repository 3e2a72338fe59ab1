"""BLAZE plumbing: one HTTP conversation per key, paging, error mapping, and the id lookups every part needs.

Why a separate module: the connector is the contract (receive, verification), `extras.py` the count and
move features; both stand on the same calls and the same caches (the shop, its inventories, the catalog,
the id book), which live here so neither has to reach into the other.

Errors: BLAZE's body is `{"error", "message", "status"}`. Its message is kept as `pos_message`; a write
refused with a message that proves nothing was stored (see `pos.refusals`) is `ValidationRejected` even
under a 5xx; reads outlast 500s, 408s and dropped connections, and rate refusals wait for the window
(`pos.http`), as for every POS.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from intake_gui.domain.models import Location, PosKind, Vendor
from intake_gui.pos import refusals
from intake_gui.pos.answers import error_for_status
from intake_gui.pos.base import PosConnector, ProgressFn
from intake_gui.pos.blaze import endpoints as E
from intake_gui.pos.blaze import wire as W
from intake_gui.pos.blaze.ids import IdBook, stable_id
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.errors import (
    InvalidRequest,
    MalformedResponse,
    NotFound,
    PosError,
    ValidationRejected,
)
from intake_gui.pos.http import HttpSession, OverHttp, RetryPolicy
from intake_gui.pos.pacer import Pacer, shared_pacer
from intake_gui.pos.tolerant import TolerantModel
from intake_gui.pos.transport import TransportKind, build_http_client
from intake_gui.pos.waits import WaitFn

log = logging.getLogger(__name__)

M = TypeVar("M", bound=TolerantModel)  # every wire model is one; read_rows takes only those

CATALOG_REREAD_S = 60.0


def _describe(exc: ValueError) -> str:
    """A parse failure in words for the log, without echoing the payload (it may hold anything)."""
    if isinstance(exc, ValidationError):
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        return f"{exc.error_count()} invalid field(s); first at {where}: {first['msg']}"
    return str(exc)[:200]


@contextmanager
def reading(path: str) -> Iterator[None]:
    """Any shape problem in an answer (pydantic's ValidationError is a ValueError) is MalformedResponse."""
    try:
        yield
    except ValueError as exc:
        raise MalformedResponse(detail=f"{path}: {_describe(exc)}", endpoint=path) from None


def _scrub(text: str, secrets: list[str]) -> str:
    """BLAZE keys never leave in a message, even if the POS echoes them."""
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


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


class BlazeCalls(OverHttp, PosConnector):
    """The shared base of `BlazeConnector`: calls, paging and the shop/inventory/catalog lookups."""

    kind = PosKind.BLAZE
    words = BLAZE_WORDS

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
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        pacer: Pacer | None = None,
        on_wait: WaitFn | None = None,
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
        if pacer is None and rate_per_minute > 0:
            pacer = shared_pacer(f"blaze:{base_url}:{digest}", rate_per_minute)
        secrets = [partner_key, developer_key]
        self._http = HttpSession(
            self._client,
            pacer=pacer,
            retry=retry,
            sleep=sleep,
            clock=clock,
            rng=rng,
            scrub=lambda text: _scrub(text, secrets),
            on_wait=on_wait,
        )
        self._ids = IdBook()
        self._shop: W.Shop | None = None
        self._inventories: dict[str, W.Inventory] = {}
        self._catalog: dict[str, W.BlazeProduct] | None = None
        self._catalog_at = float("-inf")
        self._labels: dict[str, str] = {}
        self._secrets = secrets

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

    def _refusal(self, resp: httpx.Response, path: str, write: bool) -> PosError:
        message = _scrub(_pos_message(resp), self._secrets)
        err = error_for_status(resp, endpoint=path, message=message, words=BLAZE_WORDS)
        assert err is not None  # only called for statuses >= 300
        common: dict[str, Any] = {
            "detail": err.detail,
            "endpoint": path,
            "status": resp.status_code,
        }
        # A 5xx normally leaves a write's outcome open; its words can still prove nothing was stored.
        # (A 4xx already says so by its status; a 404 stays NotFound.)
        proven = resp.status_code >= 500 and refusals.classify(message) in refusals.INPUT_REFUSALS
        if write and (resp.status_code in (400, 409, 422) or proven):
            return ValidationRejected(message or f"HTTP {resp.status_code}", **common)
        if isinstance(err, InvalidRequest) and message:
            return InvalidRequest(
                f"BLAZE refused the request: {message}", pos_message=message, **common
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
            with reading(path):
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
        with reading(path):
            return W.read_rows(model, list(rows), path)

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
        with reading(E.STORE):
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

    def _load_inventories(self) -> dict[str, W.Inventory]:
        invs = self._models(W.Inventory, self._collect(E.INVENTORIES), E.INVENTORIES)
        with reading(E.INVENTORIES):
            for inv in invs:
                self._ids.intern("inventory", inv.id)
        self._inventories = {inv.id: inv for inv in invs}
        return self._inventories

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

    def _read_catalog(self, progress: ProgressFn | None = None) -> dict[str, W.BlazeProduct]:
        rows = self._models(
            W.BlazeProduct, self._collect(E.PRODUCTS, progress=progress), E.PRODUCTS
        )
        with reading(E.PRODUCTS):
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

    def _quantities(self, inventory_ext: str) -> list[W.BatchQuantity]:
        rows = self._collect(E.QUANTITY_BY_INVENTORY, {"inventoryId": inventory_ext})
        found = self._models(W.BatchQuantity, rows, E.QUANTITY_BY_INVENTORY)
        # The filter is ours to keep: a server that ignored inventoryId must not mix rooms up.
        return [q for q in found if q.inventoryId == inventory_ext]
