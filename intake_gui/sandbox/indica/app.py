"""A local emulator of IndicaOnline's Open API v2.3 inventory reads.

Written from "Tracking inventory" (reference 004), not from our client. Documented there, and emulated:

    GET /open_api/v2.3/inventory/products/{id}            inventory of one product across offices
    GET /open_api/v2.3/inventory/office/{id}              inventory of one office
    GET /open_api/v2.3/inventory/updated/{timestamp}      rows changed after a Unix timestamp
    GET /open_api/v2.3/inventory/packages/{id}            one package (PRO plan)
    GET /open_api/v2.3/inventory/products/{id}/packages   a product's active packages, qty > 0 (PRO plan)

with `limit` (<= 500, more is a 400) and `offset` (the document spells it "offest" once; we read `offset`),
the {items, count, total} page, 400 for an invalid id and 404 for an unknown one.

Not in that document, and therefore assumed here: the API-key header (`X-API-Key`, configurable), the error
body {"code", "message"}, 403 for package endpoints on a non-PRO key (the document says package detail is
"available exclusively to PRO Plan users" without naming the status), and the listings a client needs to
start at all: `GET /offices`, `GET /offices/{id}` (named in IndicaOnline's office guide) and `GET /products`
(a "Get products" endpoint exists per the Product API guide; its path and shape here are our guess). There is
no receive: the document describes none and this emulator invents none.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_gui.sandbox.indica.config import PLAN_PRO, IndicaConfig
from intake_gui.sandbox.indica.seed import IndicaWorld, generate, utc_now
from intake_gui.sandbox.rate_limit import RateLimiter

PREFIX = "/open_api/v2.3"
META_FILE = "indica-world.json"


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"code": status, "message": message}, status_code=status, headers=headers)


def _id(raw: str, what: str) -> int:
    """400 for anything that is not a positive integer, before any lookup (404 is for valid unknowns)."""
    if not raw.isascii() or not raw.isdigit() or int(raw) <= 0:
        raise ApiError(400, f"Invalid {what} id: {raw!r}")
    return int(raw)


class IndicaState:
    """The world plus a request log; the world is rebuilt from (seed, generated_at) kept in the data dir."""

    def __init__(self, data_dir: Path, config: IndicaConfig, seed: int) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        meta_path = data_dir / META_FILE
        generated_at = None
        if meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text("utf-8"))
                if meta.get("seed") == seed:
                    generated_at = datetime.fromisoformat(meta["generated_at"])
            except (ValueError, KeyError, TypeError):
                generated_at = None
        if generated_at is None:
            generated_at = utc_now()
            tmp = meta_path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"seed": seed, "generated_at": generated_at.isoformat()}), "utf-8"
            )
            tmp.replace(meta_path)
        self.config = config
        self.world: IndicaWorld = generate(config, seed, generated_at)
        self.requests: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=20_000)


def create_app(data_dir: Path, *, seed: int = 11, config: IndicaConfig | None = None) -> Starlette:
    """The emulator as an ASGI app; `app.state.indica` is its `IndicaState` (tests inspect it)."""
    cfg = config or IndicaConfig()
    state = IndicaState(Path(data_dir), cfg, seed)
    world = state.world
    limiter = RateLimiter()

    def page(request: Request, rows: list[dict[str, Any]]) -> dict[str, Any]:
        params = request.query_params
        values = {}
        for name, default in (("limit", cfg.default_limit), ("offset", 0)):
            raw = params.get(name)
            if raw is None or raw == "":
                values[name] = default
                continue
            try:
                values[name] = int(raw)
            except ValueError:
                raise ApiError(400, f"{name} must be an integer") from None
        limit, offset = values["limit"], values["offset"]
        if limit < 1 or limit > cfg.max_limit:
            raise ApiError(400, f"limit must be between 1 and {cfg.max_limit}")
        if offset < 0:
            raise ApiError(400, "offset must not be negative")
        items = rows[offset : offset + limit]
        return {"items": items, "count": len(items), "total": len(rows)}

    def endpoint(
        handler: Callable[[Request], Any], *, pro: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            state.requests.append((request.method, request.url.path, dict(request.query_params)))
            plan = cfg.api_keys.get(request.headers.get(cfg.api_key_header) or "")
            if plan is None:
                return _error(401, "Unauthorized: missing or invalid API key")
            if pro and plan != PLAN_PRO:
                return _error(403, "Package-level inventory is available to PRO plan users only")
            wait = limiter.check("", cfg.rate_limit_per_minute)
            if wait is not None:
                return _error(429, "Too many requests", headers={"Retry-After": str(int(wait) + 1)})
            try:
                return JSONResponse(handler(request))
            except ApiError as exc:
                return _error(exc.status, exc.message)

        return run

    def offices(request: Request) -> Any:
        return page(request, [world.offices[k] for k in sorted(world.offices)])

    def office(request: Request) -> Any:
        oid = _id(request.path_params["id"], "office")
        if oid not in world.offices:
            raise ApiError(404, f"Office {oid} not found")
        return world.offices[oid]

    def products(request: Request) -> Any:
        return page(request, [world.products[k] for k in sorted(world.products)])

    def inventory_by_product(request: Request) -> Any:
        pid = _id(request.path_params["id"], "product")
        if pid not in world.products:
            raise ApiError(404, f"Product {pid} not found")
        return page(request, world.rows_by_product.get(pid, []))

    def inventory_by_office(request: Request) -> Any:
        oid = _id(request.path_params["id"], "office")
        if oid not in world.offices:
            raise ApiError(404, f"Office {oid} not found")
        return page(request, world.rows_by_office.get(oid, []))

    def inventory_updated(request: Request) -> Any:
        raw = request.path_params["timestamp"]
        if not raw.isascii() or not raw.isdigit():
            raise ApiError(400, f"Invalid timestamp: {raw!r} (Unix seconds expected)")
        since = int(raw)
        rows = [
            r
            for r in world.rows
            if world.row_updated.get((r["product_id"], r["office_id"]), 0) > since
        ]
        rows.sort(
            key=lambda r: (
                world.row_updated[(r["product_id"], r["office_id"])],
                r["office_id"],
                r["product_id"],
            )
        )
        return page(request, rows)

    def package(request: Request) -> Any:
        pkg_id = _id(request.path_params["id"], "package")
        if pkg_id not in world.packages:
            raise ApiError(404, f"Package {pkg_id} not found")
        return world.package_view(pkg_id)

    def product_packages(request: Request) -> Any:
        pid = _id(request.path_params["id"], "product")
        if pid not in world.products:
            raise ApiError(404, f"Product {pid} not found")
        active = [
            world.package_view(p) for p in world.product_packages.get(pid, []) if world.stock.get(p)
        ]
        return page(request, active)

    routes = [
        Route(f"{PREFIX}/offices", endpoint(offices), methods=["GET"]),
        Route(f"{PREFIX}/offices/{{id}}", endpoint(office), methods=["GET"]),
        Route(f"{PREFIX}/products", endpoint(products), methods=["GET"]),
        Route(
            f"{PREFIX}/inventory/products/{{id}}", endpoint(inventory_by_product), methods=["GET"]
        ),
        Route(
            f"{PREFIX}/inventory/products/{{id}}/packages",
            endpoint(product_packages, pro=True),
            methods=["GET"],
        ),
        Route(f"{PREFIX}/inventory/office/{{id}}", endpoint(inventory_by_office), methods=["GET"]),
        Route(
            f"{PREFIX}/inventory/updated/{{timestamp}}",
            endpoint(inventory_updated),
            methods=["GET"],
        ),
        Route(f"{PREFIX}/inventory/packages/{{id}}", endpoint(package, pro=True), methods=["GET"]),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return _error(
            status, str(exc.detail) if isinstance(exc, HTTPException) else "Internal error"
        )

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.indica = state
    return app
