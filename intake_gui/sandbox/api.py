"""The Backoffice API under /api/: routing, then fault or read-error mood, session, rate limit and
permission, then the handler — in the order a request meets them on the real service (the edge fails
before the origin looks at the session, the session is checked before the limit is counted).

Every answer is rendered in the dialect the runtime speaks at the moment the request arrives, and every
request body goes through that dialect's `inbound` (case-folded keys, canonical ids) before a handler
sees it.

A raw ASGI app rather than Starlette routes, because two faults must touch the connection itself.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from intake_gui.sandbox import inventory, lookups, readbacks
from intake_gui.sandbox.auth import authenticate, employee_login, session_failure, user_login
from intake_gui.sandbox.call import Call, Handler
from intake_gui.sandbox.config import FaultKind, FaultRule
from intake_gui.sandbox.dialects import Dialect
from intake_gui.sandbox.runtime import SandboxRuntime
from intake_gui.sandbox.wire import ASPNET_500_MESSAGE, drop, dumps, html_response, json_response

LoginHandler = Callable[[SandboxRuntime, Request, dict[str, Any], dict[str, Any]], Response]

LOGIN_ROUTES: dict[str, LoginHandler] = {
    "user/login": user_login,
    "posv3/user/employeelogin": employee_login,
}
SESSION_ROUTES: dict[str, Handler] = {
    "user/get-locations": lookups.get_locations,
    "vendor/get-vendors": lookups.get_vendors,
    "v2/room/get-rooms": lookups.get_rooms,
    "product-master/get-products-lite": lookups.get_products_lite,
    "product-master/get-product-master": lookups.get_product_master,
    "v2/inventory/receive": inventory.receive,
    "v2/inventory/save-receive": inventory.save_receive,
    "v2/inventory/get-packages-from-receive": readbacks.get_packages_from_receive,
    "v2/inventory/get-receive-history": readbacks.get_receive_history,
    "preorder/inventory": readbacks.preorder_inventory,
}

_INVALID_BODY = "The request is invalid."


def rate_limit_message(limit: int) -> str:
    return f"Too many requests - only {limit or 60} per minute allowed"


class DutchieApi:
    def __init__(self, runtime: SandboxRuntime) -> None:
        self.rt = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        endpoint = path.strip("/").lower()
        dialect = self.rt.dialect
        if endpoint not in LOGIN_ROUTES and endpoint not in SESSION_ROUTES:
            message = f"No HTTP resource was found that matches the request URI '{request.url}'."
            await json_response(dialect.message_only(message), 404)(scope, receive, send)
            return
        if request.method != "POST":
            message = f"The requested resource does not support http method '{request.method}'."
            await json_response(dialect.message_only(message), 405)(scope, receive, send)
            return
        self.rt.bump(endpoint)
        rule = self.rt.faults.pick(endpoint)
        config = self.rt.config
        if rule is not None:
            self.rt.bump(endpoint, f"fault:{rule.kind}")
            response = await self._fault(rule, endpoint, request, scope, receive, send)
        elif self.rt.moods.read_error_due(
            endpoint,
            every=config.read_error_every,
            seed=config.mood_seed,
            on_login=config.read_errors_on_login,
        ):
            self.rt.bump(endpoint, "read_error")
            await request.body()
            response = json_response(dialect.message_only(ASPNET_500_MESSAGE), 500)
        else:
            response = await self._process(endpoint, request)
        if response is not None:
            await response(scope, receive, send)

    async def _process(self, endpoint: str, request: Request) -> Response:
        dialect = self.rt.dialect
        raw = await request.body()
        try:
            given = _json_object(raw)
        except ValueError:
            return json_response(dialect.message_only(_INVALID_BODY), 400)
        body = dialect.inbound(given)
        login = LOGIN_ROUTES.get(endpoint)
        if login is not None:
            return login(self.rt, request, body, given)
        who = authenticate(self.rt, request, body)
        if who is None:
            self.rt.bump(endpoint, "session_rejected")
            return session_failure(self.rt)
        session, user = who
        config = self.rt.config
        wait = self.rt.limiter.check(
            session.session_id, config.rate_limit_per_minute, config.rate_limit_window_s
        )
        if wait is not None:
            self.rt.bump(endpoint, "rate_limited")
            retry_after = config.rate_limit_retry_after_s
            if retry_after is None:
                retry_after = math.ceil(wait) or 1
            return self._rate_limited(retry_after, use_429=self.rt.rate_form.next_is_first())
        if not user.may(endpoint):
            return dialect.refusal(lookups.NOT_PERMITTED)
        return SESSION_ROUTES[endpoint](Call(self.rt, request, body, user, session, dialect))

    def _rate_limited(self, retry_after: int, *, use_429: bool) -> Response:
        """Both of the real service's forms; only the 429 carries Retry-After (the 200 form leaves the
        client to read the limit from the message)."""
        message = rate_limit_message(self.rt.config.rate_limit_per_minute)
        body = self.rt.dialect.envelope(None, result=False, message=message)
        if use_429:
            return json_response(body, 429, headers={"Retry-After": str(retry_after)})
        return json_response(body)

    async def _fault(
        self,
        rule: FaultRule,
        endpoint: str,
        request: Request,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> Response | None:
        """Apply one fault. Returns the response to send, or None when the connection was cut."""
        # Read the body first: the disconnect check below would otherwise consume it.
        await request.body()
        if rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        kind = rule.kind
        dialect = self.rt.dialect
        if kind is FaultKind.LATENCY:
            if await request.is_disconnected():
                return None  # the client gave up during the delay; nothing reached the "origin"
            return await self._process(endpoint, request)
        if kind is FaultKind.HANG:
            return await self._process(endpoint, request)
        if kind is FaultKind.ERROR_AFTER_COMMIT:
            await self._process(endpoint, request)
            return json_response(dialect.message_only(ASPNET_500_MESSAGE), 500)
        if kind is FaultKind.DROP_AFTER_COMMIT:
            done = await self._process(endpoint, request)
            await drop(scope, receive, send, partial=done.body[: max(1, len(done.body) // 2)])
            return None
        if kind is FaultKind.DROP_BEFORE:
            await drop(scope, receive, send)
            return None
        if kind is FaultKind.HTTP_ERROR:
            if rule.message is not None:  # the origin's own words, in an envelope, at any status
                return dialect.refusal(rule.message, status=rule.status)
            return self._http_error(rule.status, rule.retry_after_s)
        if kind is FaultKind.RATE_LIMIT_429:
            return self._rate_limited(rule.retry_after_s, use_429=True)
        if kind is FaultKind.RATE_LIMIT_200:
            return self._rate_limited(rule.retry_after_s, use_429=False)
        if kind is FaultKind.EXPIRE_SESSION:
            session_id = request.cookies.get("LLSession")
            row = self.rt.store.get_session(session_id) if session_id else None
            if row is not None:
                self.rt.expire(row)
            return session_failure(self.rt)
        if kind is FaultKind.MALFORMED_HTML:
            return html_response(200 if rule.status == 200 else 502, page_status=502)
        if kind is FaultKind.MALFORMED_TRUNCATED:
            whole = dumps(dialect.envelope(dialect.render_all("sellable", [_TRUNCATED_ROW])))
            return json_response(whole[: len(whole) // 2])
        if kind is FaultKind.MALFORMED_TYPE:
            return json_response(dialect.envelope("abc"))
        if kind is FaultKind.NOT_PERMITTED:
            return dialect.refusal(lookups.NOT_PERMITTED)
        raise AssertionError(f"unhandled fault kind {kind}")

    def _http_error(self, status: int, retry_after: int) -> Response:
        dialect: Dialect = self.rt.dialect
        if status == 500:
            return json_response(dialect.message_only(ASPNET_500_MESSAGE), 500)
        if status in (502, 503, 504):
            return html_response(status)
        if status == 429:
            return self._rate_limited(retry_after, use_429=True)
        return dialect.refusal(f"HTTP {status}", status=status)


_TRUNCATED_ROW = {
    "product_id": 11484902,
    "sku": "3B4791",
    "product_name": "Tommy Chong Joint (H)",
    "room_id": 24772,
    "room_name": "Sales Floor",
    "qty": 3000,
    "loc_id": 1989,
}
"""What a truncated answer was about to say (it never arrives whole)."""


def _json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body counts as {} (the server binds nothing)."""
    if not raw.strip():
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
