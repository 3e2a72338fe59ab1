"""What goes on the wire whatever the dialect: JSON responses, the gateway's HTML error page, the number
conventions, and the two ways to break a connection on purpose (no answer at all, or half an answer).
The envelope's shape belongs to the dialect (`dialects.base.Dialect`).

ASGI has no "abort the connection" message. Uvicorn's `send` is a bound method of its per-request cycle,
which holds the socket's transport; `CaptureTransport` (the outermost layer) stores that transport in the
scope so a fault can close it. Under another server the transport is absent and a drop degrades to the
server's own reaction to an exception (a 500 before the answer started, a cut connection after).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

TRANSPORT_KEY = "intake.sandbox.transport"
JSON_TYPE = "application/json; charset=utf-8"

ASPNET_500_MESSAGE = "An error has occurred."
"""ASP.NET's body for an unhandled exception, `{"Message": ...}` (a dialect decides the key's case)."""


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    raw = body if isinstance(body, bytes) else dumps(body)
    return Response(raw, status_code=status, headers=headers, media_type=JSON_TYPE)


def gateway_page(status: int) -> bytes:
    """The HTML a CDN in front of the POS serves when the origin fails: not JSON, not an envelope."""
    phrase = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(
        status, "Bad Gateway"
    )
    return (
        f"<!DOCTYPE html>\n<html><head><title>{status} {phrase}</title></head>\n"
        f"<body><center><h1>{status} {phrase}</h1></center><hr><center>cloudflare</center>\n"
        "</body></html>\n"
    ).encode()


def html_response(status: int, *, page_status: int | None = None) -> Response:
    return Response(gateway_page(page_status or status), status_code=status, media_type="text/html")


def milli(value: Any) -> int | None:
    """A quantity in thousandths, or None when it is not a finite number (booleans are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        dec = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not dec.is_finite():
        return None
    return int((dec * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_milli(value: int) -> int | float:
    """Whole quantities as JSON integers (what a .NET decimal of 3 looks like), fractions as numbers."""
    return value // 1000 if value % 1000 == 0 else value / 1000


def as_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


class CaptureTransport:
    """Outermost ASGI layer: remember the connection's transport so a fault can cut it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if transport is not None:
                scope = {**scope, TRANSPORT_KEY: transport}
        await self.app(scope, receive, send)


class DroppedConnection(ConnectionAbortedError):
    """Raised only when no transport can be closed directly; the server then cuts the connection."""


async def _until_disconnected(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def drop(
    scope: Scope, receive: Receive, send: Send, partial: bytes | memoryview | None = None
) -> None:
    """Close the connection; with `partial`, first send headers promising twice its length and the
    partial bytes, so the client sees a response that breaks off mid-body."""
    if partial is not None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", JSON_TYPE.encode()),
                    (b"content-length", str(len(partial) * 2).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": partial, "more_body": True})
    transport = scope.get(TRANSPORT_KEY)
    if transport is None:
        raise DroppedConnection("sandbox fault: connection dropped")
    transport.close()
    # Wait until the server has seen the disconnect, so it does not answer on our behalf.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_until_disconnected(receive), timeout=2.0)
