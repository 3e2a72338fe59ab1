"""Assemble the sandbox's ASGI app: the Backoffice API, the admin API and any other POS emulators."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from intake_gui.sandbox.admin_api import create_admin_app
from intake_gui.sandbox.api import DutchieApi
from intake_gui.sandbox.runtime import SandboxRuntime
from intake_gui.sandbox.wire import CaptureTransport


def create_app(
    runtime: SandboxRuntime, extra_mounts: Mapping[str, ASGIApp] | None = None
) -> ASGIApp:
    """Extra mounts come first so a prefix such as "/blaze" is never swallowed by a broader one."""

    async def index(request: Request) -> JSONResponse:
        # A person who opens the sandbox in a browser learns what it is instead of seeing a 404.
        return JSONResponse(
            {
                "name": "Intake sandbox (Dutchie Backoffice emulator)",
                "api": "/api/",
                "admin": "/_admin/state",
            }
        )

    routes: list[BaseRoute] = [
        Mount("/" + prefix.strip("/"), app=sub) for prefix, sub in (extra_mounts or {}).items()
    ]
    routes += [
        Route("/", index, methods=["GET"]),
        Mount("/_admin", app=create_admin_app(runtime)),
        Mount("/api", app=DutchieApi(runtime)),
    ]
    return CaptureTransport(Starlette(routes=routes))
