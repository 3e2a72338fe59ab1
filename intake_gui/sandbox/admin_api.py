"""The sandbox's own control panel under /_admin/: what happened (counters, every committed receive) and
what should happen next (faults, settings, expiry, reset). Tests count duplicates and losses from here.

Loopback only and sessionless: it exists for tests, the CLI and a trainer at the same machine. Ids in its
answers are the ids the API shows *now*, in the current dialect, so a test compares them with what its
client received.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_gui.sandbox.config import FaultRule
from intake_gui.sandbox.dialects import DIALECTS
from intake_gui.sandbox.runtime import SandboxRuntime

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


def create_admin_app(runtime: SandboxRuntime) -> Starlette:
    def guarded(
        fn: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if request.client is None or request.client.host not in LOOPBACK:
                return JSONResponse({"error": "the admin API answers loopback clients only"}, 403)
            try:
                return await fn(request)
            except (ValidationError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, 422)

        return endpoint

    async def body(request: Request) -> Any:
        raw = await request.body()
        return json.loads(raw) if raw.strip() else None

    async def state(request: Request) -> Response:
        return JSONResponse(runtime.snapshot())

    async def receives(request: Request) -> Response:
        seeded = request.query_params.get("include_seeded", "0") in ("1", "true", "yes")
        rows = runtime.store.all_receives(include_seeded=seeded)
        ids = runtime.dialect.ids
        return JSONResponse(
            [
                {
                    "id": ids.out("receive", r["receive_id"]),
                    "loc_id": ids.out("loc", r["loc_id"]),
                    "vendor_id": ids.out("vendor", r["vendor_id"]),
                    "order_title": r["order_title"],
                    "status": r["status"],
                    "line_count": r["line_count"],
                    "package_count": r["packages"],
                    "created_at": _iso(r["created_at"]),
                    "seeded": bool(r["seeded"]),
                }
                for r in rows
            ]
        )

    async def set_faults(request: Request) -> Response:
        payload = await body(request)
        items = payload.get("faults", []) if isinstance(payload, dict) else payload or []
        rules = [FaultRule.model_validate(item) for item in items]
        runtime.faults.replace(rules)
        return JSONResponse({"faults": runtime.faults.describe()})

    async def add_fault(request: Request) -> Response:
        runtime.faults.add(FaultRule.model_validate(await body(request)))
        return JSONResponse({"faults": runtime.faults.describe()})

    async def clear_faults(request: Request) -> Response:
        runtime.faults.clear()
        return JSONResponse({"faults": []})

    async def config(request: Request) -> Response:
        changes = await body(request) or {}
        if not isinstance(changes, dict):
            raise ValueError("send an object of settings")
        updated = runtime.update_config(changes)
        return JSONResponse(updated.model_dump(mode="json", exclude={"faults"}))

    async def expire_sessions(request: Request) -> Response:
        return JSONResponse({"expired": runtime.expire_all()})

    async def business(request: Request) -> Response:
        return JSONResponse(runtime.business())

    async def dialects(request: Request) -> Response:
        return JSONResponse(
            {
                "current": runtime.config.dialect,
                "dialects": [
                    {"name": d.name, "summary": d.summary, "moods": dict(d.moods)}
                    for d in DIALECTS.values()
                ],
            }
        )

    async def reset(request: Request) -> Response:
        runtime.reset()
        return JSONResponse({"reset": True})

    return Starlette(
        routes=[
            Route("/state", guarded(state), methods=["GET"]),
            Route("/receives", guarded(receives), methods=["GET"]),
            Route("/business", guarded(business), methods=["GET"]),
            Route("/dialects", guarded(dialects), methods=["GET"]),
            Route("/faults", guarded(set_faults), methods=["POST"]),
            Route("/faults", guarded(clear_faults), methods=["DELETE"]),
            Route("/faults/add", guarded(add_fault), methods=["POST"]),
            Route("/config", guarded(config), methods=["POST"]),
            Route("/expire-sessions", guarded(expire_sessions), methods=["POST"]),
            Route("/reset", guarded(reset), methods=["POST"]),
        ]
    )
