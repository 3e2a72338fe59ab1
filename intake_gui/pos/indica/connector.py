"""The IndicaOnline connector: Intake's contract over the Open API v2.3 inventory reads.

What IndicaOnline can and cannot do for Intake, and why:
- locations = offices; rooms = one virtual room per office (the inventory API knows no rooms).
- receive: not supported. The Open API documents no check-in call, so `receive` raises NotSupported and
  `capabilities.receive` is False with `receive_hint` saying where to check deliveries in instead.
- verification: receipts do not exist here, so packages-of-a-receipt and receive history are NotSupported;
  sellable = the office's inventory (all of an office's stock is on offer; there is no back room to exclude).
- count: `room_quantities` reads the office inventory and each product's active packages, oldest check-in
  first (FIFO). Package detail is a PRO-plan feature: on other plans the count still works, without dates.
- errors: 400 (a malformed id or limit) is InvalidRequest and 404 (a valid id that names nothing) is NotFound;
  they are kept apart because one is our bug and the other is stale data. Every read outlasts 500s, 408s
  and dropped connections, and waits out rate refusals, through `pos.http` like every POS.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from intake_gui.domain.counting import ShelfQuantity
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
from intake_gui.pos.answers import error_for_status
from intake_gui.pos.base import Capabilities, PosConnector, ProgressFn
from intake_gui.pos.errors import (
    InvalidRequest,
    MalformedResponse,
    NotFound,
    NotSupported,
    PermissionDenied,
)
from intake_gui.pos.http import HttpSession, OverHttp, RetryPolicy
from intake_gui.pos.indica import endpoints as E
from intake_gui.pos.indica import wire as W
from intake_gui.pos.indica.words import INDICA_WORDS
from intake_gui.pos.pacer import Pacer, shared_pacer
from intake_gui.pos.tolerant import TolerantModel
from intake_gui.pos.transport import TransportKind, build_http_client
from intake_gui.pos.waits import WaitFn

log = logging.getLogger(__name__)

M = TypeVar("M", bound=TolerantModel)  # every wire model is one; read_rows takes only those

MAX_PAGES = 10_000
"""A server that ignores `offset` and reports no total would page forever; this stops it loudly."""

RECEIVE_HINT = INDICA_WORDS.receive_hint
MOVE_HINT = INDICA_WORDS.move_hint


def _describe(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        return f"{exc.error_count()} invalid field(s); first at {where}: {first['msg']}"
    return str(exc)[:200]


@contextmanager
def _reading(path: str) -> Iterator[None]:
    try:
        yield
    except ValueError as exc:
        raise MalformedResponse(detail=f"{path}: {_describe(exc)}", endpoint=path) from None


def _pos_message(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or "")[:300]
    return ""


class IndicaConnector(OverHttp, PosConnector):
    kind = PosKind.INDICA
    words = INDICA_WORDS
    capabilities = Capabilities(
        receive=False,
        verify_packages=False,
        verify_history=False,
        verify_sellable=True,
        count=True,
        move=False,
        move_hint=MOVE_HINT,
        receive_hint=RECEIVE_HINT,
    )

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        header_name: str = E.DEFAULT_KEY_HEADER,
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
        self._client.headers[header_name] = api_key
        digest = hashlib.sha256(api_key.encode()).hexdigest()[:16]
        if pacer is None and rate_per_minute > 0:
            pacer = shared_pacer(f"indica:{base_url}:{digest}", rate_per_minute)
        self._api_key = api_key
        self._http = HttpSession(
            self._client,
            pacer=pacer,
            retry=retry,
            sleep=sleep,
            clock=clock,
            rng=rng,
            scrub=self._scrub,
            on_wait=on_wait,
        )
        self._catalog: dict[int, W.IndicaProduct] | None = None
        self._package_detail: dict[int, W.IndicaPackage] = {}
        self._packages_forbidden = False

    # -- plumbing -----------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        resp = self._http.send("GET", path, params=params, idempotent=True)
        if resp.status_code >= 300:
            message = self._scrub(_pos_message(resp))
            err = error_for_status(resp, endpoint=path, message=message, words=INDICA_WORDS)
            assert err is not None
            common: dict[str, Any] = {
                "detail": err.detail,
                "endpoint": path,
                "pos_message": message,
                "status": resp.status_code,
            }
            if isinstance(err, InvalidRequest):
                raise InvalidRequest(
                    f"IndicaOnline refused the request as malformed: {message or resp.status_code}",
                    **common,
                )
            if isinstance(err, NotFound) and message:
                raise NotFound(f"IndicaOnline has no such record: {message}", **common)
            raise err
        try:
            return resp.json()
        except ValueError:
            raise MalformedResponse(
                detail=f"GET {path}: the answer is not JSON ({len(resp.content)} bytes)",
                endpoint=path,
            ) from None

    def _collect(self, path: str, *, progress: ProgressFn | None = None) -> list[dict[str, Any]]:
        """Every item of a paged list, 500 (the documented maximum) at a time, to the end."""
        items: list[dict[str, Any]] = []
        offset = 0
        for _ in range(MAX_PAGES):
            data = self._get(path, {"limit": E.PAGE_LIMIT, "offset": offset})
            with _reading(path):
                page = W.Page.model_validate(data)
            items.extend(page.items)
            offset += len(page.items)
            if progress is not None:
                progress(len(items), page.total or 0)
            if not page.items:
                return items
            if page.total is not None and offset >= page.total:
                return items
            if page.total is None and len(page.items) < E.PAGE_LIMIT:
                return items
        raise MalformedResponse(detail=f"{path}: more than {MAX_PAGES} pages", endpoint=path)

    def _models(self, model: type[M], rows: Iterable[Any], path: str) -> list[M]:
        with _reading(path):
            return W.read_rows(model, list(rows), path)

    # -- contract ----------------------------------------------------------------------------------

    def login(self) -> None:
        """No session: one small read proves the key (401 otherwise)."""
        self._get(E.OFFICES, {"limit": 1, "offset": 0})

    def close(self) -> None:
        self._client.close()

    @property
    def user_name(self) -> str:
        return "IndicaOnline API key"

    def locations(self) -> list[Location]:
        offices = self._models(W.Office, self._collect(E.OFFICES), E.OFFICES)
        with _reading(E.OFFICES):
            return [W.to_location(o) for o in offices]

    def vendors(self, location: Location) -> list[Vendor]:
        """None: the Open API documents no vendor list, and without a receive nothing needs one."""
        return []

    def rooms(self, location: Location) -> list[Room]:
        return [W.virtual_room(location)]

    def products(self, location: Location, progress: ProgressFn | None = None) -> list[Product]:
        catalog = self._read_catalog(progress)
        with _reading(E.PRODUCTS):
            return [W.to_product(p) for p in catalog.values()]

    def _read_catalog(self, progress: ProgressFn | None = None) -> dict[int, W.IndicaProduct]:
        rows = self._models(
            W.IndicaProduct, self._collect(E.PRODUCTS, progress=progress), E.PRODUCTS
        )
        self._catalog = {p.id: p for p in rows}
        return self._catalog

    def _catalog_entry(self, product_id: int) -> W.IndicaProduct | None:
        if self._catalog is None:
            self._read_catalog()
        assert self._catalog is not None
        return self._catalog.get(product_id)

    def receive(self, draft: ReceiveDraft) -> int:
        raise NotSupported(RECEIVE_HINT, endpoint="receive")

    def packages_for_receipt(self, location: Location, receipt_id: int) -> list[Package]:
        raise NotSupported(
            "IndicaOnline has no receipts in its Open API, so a receive's packages cannot be read.",
            endpoint="packages_for_receipt",
        )

    def receipt_history(
        self, location: Location, start: datetime, end: datetime
    ) -> list[HistoryRow]:
        raise NotSupported(
            "IndicaOnline's Open API has no receive history.", endpoint="receipt_history"
        )

    def _office_rows(
        self, location: Location, progress: ProgressFn | None = None
    ) -> list[W.InventoryRow]:
        path = E.INVENTORY_BY_OFFICE.format(id=location.loc_id)
        return self._models(W.InventoryRow, self._collect(path, progress=progress), path)

    def sellable_inventory(
        self, location: Location, skus: Iterable[str] | None = None
    ) -> list[SellableItem]:
        """The office's whole inventory: IndicaOnline has no back room, so all of it is on offer."""
        wanted = set(skus) if skus is not None else None
        room = W.virtual_room(location)
        out = []
        rows = self._office_rows(location)
        with _reading(E.INVENTORY_BY_OFFICE):
            for row in rows:
                item = W.to_sellable(row, self._catalog_entry(row.product_id), room)
                if wanted is None or item.sku in wanted:
                    out.append(item)
        return out

    # -- extras: stock of one product, one package, and count mode ----------------------------------

    def product_stock(self, product_id: int) -> list[SellableItem]:
        """Where a product is in stock, office by office ("is it anywhere else?").

        The id goes out as given: IndicaOnline answers 400 (InvalidRequest) for a malformed one and 404
        (NotFound) for an unknown one, and callers tell the two apart.
        """
        path = E.INVENTORY_BY_PRODUCT.format(id=product_id)
        rows = self._models(W.InventoryRow, self._collect(path), path)
        product = self._catalog_entry(product_id) if rows else None
        out = []
        with _reading(path):
            for row in rows:
                out.append(W.to_sellable(row, product, W.office_room(row.office_id)))
        return out

    def package(self, package_id: int) -> Package:
        """One package by id (PRO plan): its tag, lot and what is left of it across offices."""
        path = E.PACKAGE.format(id=package_id)
        data = self._get(path)
        with _reading(path):
            return W.to_package(W.IndicaPackage.model_validate(data))

    def _details(self, product_id: int) -> dict[int, W.IndicaPackage]:
        """Active packages of a product, remembered: check-in date and tag never change."""
        if self._packages_forbidden:
            return {}
        path = E.PRODUCT_PACKAGES.format(id=product_id)
        try:
            rows = self._models(W.IndicaPackage, self._collect(path), path)
        except PermissionDenied:
            log.info(
                "Package detail is not available on this IndicaOnline plan; counting without dates"
            )
            self._packages_forbidden = True
            return {}
        for pkg in rows:
            self._package_detail[pkg.id] = pkg
        return self._package_detail

    def room_quantities(
        self,
        location: Location,
        room: Room,
        *,
        product_ids: Iterable[int] | None = None,
        progress: ProgressFn | None = None,
    ) -> list[ShelfQuantity]:
        """What IndicaOnline believes the office holds, per product, packages oldest check-in first.

        Check-in dates come from each product's package list (one read per product, cached for the
        session), so pass `product_ids` to count a shelf rather than the whole office.
        """
        if room.room_id != location.loc_id:
            raise NotFound(
                f"IndicaOnline offices have one room; {room.name} is not the room of {location.name}.",
                endpoint="room_quantities",
            )
        wanted = set(product_ids) if product_ids is not None else None
        rows = [r for r in self._office_rows(location) if wanted is None or r.product_id in wanted]
        out = []
        for done, row in enumerate(rows, start=1):
            if any(ref.id not in self._package_detail for ref in row.packages):
                self._details(row.product_id)
            product = self._catalog_entry(row.product_id)
            with _reading(E.PRODUCT_PACKAGES):
                out.append(
                    ShelfQuantity(
                        product_id=row.product_id,
                        sku=product.sku if product else "",
                        name=product.name if product else "",
                        quantity=row.quantity,
                        packages=tuple(
                            W.to_package_qty(ref, self._package_detail.get(ref.id))
                            for ref in row.packages
                        ),
                    )
                )
            if progress is not None:
                progress(done, len(rows))
        return sorted(out, key=lambda s: (s.name.casefold(), s.sku))
