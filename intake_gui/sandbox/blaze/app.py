"""A local emulator of BLAZE's partner store API (batches, batch quantities, inventory transfers).

Written from the BLAZE "Batches" partner document (reference 002), not from our client. What that document
leaves out is filled from BLAZE's public getting-started pages or designed here, and every such route says
so below, so the connector's endpoint table and this app can be compared line by line:

documented (reference 002)                     | from BLAZE's public pages       | designed here (assumed)
-----------------------------------------------|---------------------------------|---------------------------
GET  /store/batches (+ batchId, productId,     | auth headers x-api-key +        | GET  /store/inventories
     term, start, limit; 100 a page, newest    |   Authorization, 401/403        | POST /store/batches (receive)
     modified first)                           | error body {error,message,      | GET  /store/batches/
GET  /store/batches/dates                      |   status}                       |      transferInventory/{id}
GET  /store/batches/dates/purchaseDate         | GET /store (the key's shop)     | GET  /vendors, /employees
GET  /store/batches/{productId}/               | GET /products paging            | the {values,skip,limit,total}
     batchQuantityInfo (no paging)             | 7-day maximum date range        |   page shape (the document
GET  /store/batches/quantities?inventoryId     |                                 |   says only "SearchResult")
POST /store/batches/transferInventory          |                                 | transferLogs item shape
PUT  /store/batches/transferInventory/{id}     |                                 |   {productId, fromBatchId,
POST .../{id}/accept, .../{id}/decline         |                                 |    transferAmount}
     (currentEmployeeId required)              |                                 |

All paths are under /api/v1/partner. The app is mountable under any prefix (the embedded sandbox uses /blaze).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_gui.sandbox.blaze.config import PERMISSION_NORMAL, BlazeConfig
from intake_gui.sandbox.blaze.seed import DAY_MS
from intake_gui.sandbox.blaze.state import ApiError, BlazeState, now_ms
from intake_gui.sandbox.rate_limit import RateLimiter

Handler = Callable[[Request, dict[str, Any]], Awaitable[Any]]
PREFIX = "/api/v1/partner"


def _error(
    status: int, message: str, error: str = "", headers: dict[str, str] | None = None
) -> Response:
    exc = ApiError(status, message, error)
    return JSONResponse(
        {"error": exc.error, "message": exc.message, "status": status},
        status_code=status,
        headers=headers,
    )


def _int_param(request: Request, *names: str, default: int | None = None) -> int | None:
    for name in names:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            continue
        try:
            return int(raw)
        except ValueError:
            raise ApiError(400, f"{name} must be an integer") from None
    return default


def _page(request: Request, rows: list[dict[str, Any]], max_page: int) -> dict[str, Any]:
    """The paged answer: at most `max_page` rows whatever `limit` asks for (the document's cap)."""
    start = _int_param(request, "start", "skip", default=0) or 0
    limit = _int_param(request, "limit", default=max_page) or max_page
    if start < 0:
        raise ApiError(400, "start must not be negative")
    if limit < 0:
        raise ApiError(400, "limit must not be negative")
    limit = min(limit, max_page)
    return {
        "values": rows[start : start + limit],
        "skip": start,
        "limit": limit,
        "total": len(rows),
    }


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise ApiError(400, "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object")
    return body


def create_app(data_dir: Path, *, seed: int = 7, config: BlazeConfig | None = None) -> Starlette:
    """The emulator as an ASGI app; `app.state.blaze` is its `BlazeState` (tests inspect it)."""
    cfg = config or BlazeConfig()
    state = BlazeState(Path(data_dir), cfg, seed)
    limiter = RateLimiter()

    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            state.requests.append((request.method, request.url.path, dict(request.query_params)))
            partner = request.headers.get(cfg.partner_header)
            developer = request.headers.get(cfg.developer_header)
            if not partner:
                return _error(401, "Missing partner key")
            permissions = cfg.partner_keys.get(partner)
            if permissions is None:
                return _error(401, "Invalid partner key")
            shop = state.shop_for_developer_key(developer) if developer else None
            if shop is None:
                return _error(
                    401, "Invalid developer key" if developer else "Missing developer key"
                )
            if PERMISSION_NORMAL not in permissions:
                return _error(403, f"Partner key does not have {PERMISSION_NORMAL} permission")
            wait = limiter.check(developer or "", cfg.rate_limit_per_minute)
            if wait is not None:
                return _error(
                    429, "Rate limit exceeded", headers={"Retry-After": str(int(wait) + 1)}
                )
            try:
                result = await handler(request, shop)
            except ApiError as exc:
                return _error(exc.status, exc.message, exc.error)
            return JSONResponse(result)

        return run

    def shop_rows(kind: str, shop: dict[str, Any]) -> list[dict[str, Any]]:
        return [o for o in state.world[kind].values() if o["shopId"] == shop["id"]]

    async def store(request: Request, shop: dict[str, Any]) -> Any:
        return {k: v for k, v in shop.items() if k != "developerKeyIndex"}

    async def inventories(request: Request, shop: dict[str, Any]) -> Any:
        rows = shop_rows("inventories", shop)  # in the order the shop set them up
        return _page(request, rows, cfg.max_page)

    async def employees(request: Request, shop: dict[str, Any]) -> Any:
        rows = sorted(shop_rows("employees", shop), key=lambda e: e["id"])
        return _page(request, rows, cfg.max_page)

    async def vendors(request: Request, shop: dict[str, Any]) -> Any:
        rows = sorted(state.world["vendors"].values(), key=lambda v: v["id"])
        return _page(request, rows, cfg.max_page)

    async def products(request: Request, shop: dict[str, Any]) -> Any:
        rows = sorted(state.world["products"].values(), key=lambda p: p["id"])
        return _page(request, rows, cfg.max_page)

    async def batches(request: Request, shop: dict[str, Any]) -> Any:
        batch_id = request.query_params.get("batchId")
        if batch_id:
            # "returns that single batch directly and ignores all other filters"
            batch = state.world["batches"].get(batch_id)
            if batch is None or batch["shopId"] != shop["id"]:
                raise ApiError(404, f"Batch {batch_id} not found")
            return batch
        rows = shop_rows("batches", shop)
        product_id = request.query_params.get("productId")
        if product_id:
            rows = [b for b in rows if b["productId"] == product_id]
        status = request.query_params.get("status")
        if status:
            rows = [b for b in rows if b["status"] == status]
        term = (request.query_params.get("term") or "").strip().lower()
        if term:
            fields = ("sku", "productName", "poNumber", "trackPackageLabel", "lotId", "externalId")
            rows = [b for b in rows if any(term in str(b.get(f) or "").lower() for f in fields)]
        rows.sort(key=lambda b: (-b["modified"], b["id"]))
        return _page(request, rows, cfg.max_page)

    def date_window(request: Request) -> tuple[int, int]:
        end = _int_param(request, "endDate", default=now_ms())
        assert end is not None
        span = cfg.max_date_range_days * DAY_MS if cfg.max_date_range_days else end
        start = _int_param(request, "startDate", default=max(0, end - span))
        assert start is not None
        if start < 0 or end < start:
            raise ApiError(400, "startDate must not be negative nor after endDate")
        if cfg.max_date_range_days and end - start > cfg.max_date_range_days * DAY_MS:
            raise ApiError(400, f"Date range cannot exceed {cfg.max_date_range_days} days")
        return start, end

    def dated(field: str) -> Handler:
        async def handler(request: Request, shop: dict[str, Any]) -> Any:
            start, end = date_window(request)
            rows = [b for b in shop_rows("batches", shop) if start <= (b.get(field) or 0) <= end]
            rows.sort(key=lambda b: (b.get(field) or 0, b["id"]))
            return _page(request, rows, cfg.max_page)

        return handler

    def live_quantities(shop: dict[str, Any]) -> list[dict[str, Any]]:
        return [q for q in shop_rows("quantities", shop) if q["quantity"] > 0]

    async def quantity_by_product(request: Request, shop: dict[str, Any]) -> Any:
        product_id = request.path_params["productId"]
        if product_id not in state.world["products"]:
            raise ApiError(404, f"Product {product_id} not found")
        rows = [q for q in live_quantities(shop) if q["productId"] == product_id]
        return sorted(rows, key=lambda q: (q["batchPurchaseDate"], q["id"]))

    async def quantity_by_inventory(request: Request, shop: dict[str, Any]) -> Any:
        rows = live_quantities(shop)
        inventory_id = request.query_params.get("inventoryId")
        if inventory_id:
            state.inventory(shop["id"], inventory_id, "inventoryId")
            rows = [q for q in rows if q["inventoryId"] == inventory_id]
        rows.sort(key=lambda q: (q["productId"], q["batchPurchaseDate"], q["id"]))
        return _page(request, rows, cfg.max_page)

    async def create_batch(request: Request, shop: dict[str, Any]) -> Any:
        return state.create_batch(shop, await _json_body(request))

    async def create_transfer(request: Request, shop: dict[str, Any]) -> Any:
        return state.create_transfer(shop, await _json_body(request))

    async def get_transfer(request: Request, shop: dict[str, Any]) -> Any:
        return state.transfer(shop, request.path_params["historyId"])

    async def update_transfer(request: Request, shop: dict[str, Any]) -> Any:
        return state.update_transfer(
            shop, request.path_params["historyId"], await _json_body(request)
        )

    async def accept_transfer(request: Request, shop: dict[str, Any]) -> Any:
        return state.accept_transfer(
            shop, request.path_params["historyId"], await _json_body(request)
        )

    async def decline_transfer(request: Request, shop: dict[str, Any]) -> Any:
        return state.decline_transfer(
            shop, request.path_params["historyId"], await _json_body(request)
        )

    b = f"{PREFIX}/store/batches"
    t = f"{b}/transferInventory"
    routes = [
        Route(f"{PREFIX}/store", endpoint(store), methods=["GET"]),
        Route(f"{PREFIX}/store/inventories", endpoint(inventories), methods=["GET"]),
        Route(f"{PREFIX}/employees", endpoint(employees), methods=["GET"]),
        Route(f"{PREFIX}/vendors", endpoint(vendors), methods=["GET"]),
        Route(f"{PREFIX}/products", endpoint(products), methods=["GET"]),
        Route(b, endpoint(batches), methods=["GET"]),
        Route(b, endpoint(create_batch), methods=["POST"]),
        Route(f"{b}/dates", endpoint(dated("modified")), methods=["GET"]),
        Route(f"{b}/dates/purchaseDate", endpoint(dated("purchasedDate")), methods=["GET"]),
        Route(f"{b}/quantities", endpoint(quantity_by_inventory), methods=["GET"]),
        Route(t, endpoint(create_transfer), methods=["POST"]),
        Route(f"{t}/{{historyId}}", endpoint(get_transfer), methods=["GET"]),
        Route(f"{t}/{{historyId}}", endpoint(update_transfer), methods=["PUT"]),
        Route(f"{t}/{{historyId}}/accept", endpoint(accept_transfer), methods=["POST"]),
        Route(f"{t}/{{historyId}}/decline", endpoint(decline_transfer), methods=["POST"]),
        Route(
            f"{b}/{{productId}}/batchQuantityInfo", endpoint(quantity_by_product), methods=["GET"]
        ),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Internal error"
        return _error(status, str(detail))

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.blaze = state
    return app
