"""Logging in and recognising a session, the Backoffice way.

Both login forms answer a wrong password with HTTP 200, Result false — and echo the request, password
included, as the real server does. That echo is deliberate: it is what a client must never log.

Sessions end by age (`session_ttl_s`), by use (`session_max_calls`), by a fault or by the admin; with
`relogin_refusals` an expiry repeats itself on the user's next new session (see `moods`).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from intake_gui.sandbox.catalog import LSP_ID
from intake_gui.sandbox.runtime import SandboxRuntime
from intake_gui.sandbox.seed import (
    AZ_LOC_ID,
    LOCATIONS_BY_ID,
    ORG_ID,
    USERS,
    USERS_BY_ID,
    SandboxUser,
)
from intake_gui.sandbox.store import SessionRow
from intake_gui.sandbox.wire import as_int, json_response

COOKIE = "LLSession"
BAD_CREDENTIALS = "Invalid username or password"
SESSION_EXPIRED = "Session expired"
SESSION_INVALID = "Invalid session. Please log in again."
EMPLOYEE_APP_ID = 2


def _user(name: Any, password: Any) -> SandboxUser | None:
    user = USERS.get(str(name or "").strip().lower())
    if user is None or password != user.password:
        return None
    return user


def _open_session(runtime: SandboxRuntime, user: SandboxUser, loc_id: int) -> Response:
    session_id = secrets.token_hex(16)
    runtime.store.add_session(session_id, user.user_id, loc_id, time.time())
    runtime.moods.opened(user.user_id, session_id)
    record = {
        "session_id": session_id,
        "user_id": user.user_id,
        "org_id": ORG_ID,
        "lsp_id": LSP_ID,
        "loc_id": loc_id,
        "user_name": user.user_name,
        "full_name": user.full_name,
    }
    dialect = runtime.dialect
    return json_response(
        dialect.envelope(dialect.render("login", record)),
        headers={"Set-Cookie": f"{COOKIE}={session_id}; HttpOnly; Path=/"},
    )


def user_login(
    runtime: SandboxRuntime, request: Request, body: dict[str, Any], raw: dict[str, Any]
) -> Response:
    """`user/login`: {Username, Password, RememberMe} with header `appname: Backoffice`."""
    dialect = runtime.dialect
    appname = request.headers.get("appname", "").strip()
    if not appname:
        return dialect.refusal("Missing appname")
    if appname.lower() != "backoffice":
        return dialect.refusal(f"Unknown appname '{appname}'")
    user = _user(body.get("username"), body.get("password"))
    if user is None:
        return dialect.refusal(BAD_CREDENTIALS, data=raw)
    return _open_session(runtime, user, AZ_LOC_ID)


def employee_login(
    runtime: SandboxRuntime, request: Request, body: dict[str, Any], raw: dict[str, Any]
) -> Response:
    """`posv3/user/EmployeeLogin`: {UserName, Password, AppId: 2, LocId, LspId}; the session's default
    store is the LocId given."""
    dialect = runtime.dialect
    user = _user(body.get("username"), body.get("password"))
    if user is None:
        return dialect.refusal(BAD_CREDENTIALS, data=raw)
    if as_int(body.get("appid")) != EMPLOYEE_APP_ID:
        return dialect.refusal(f"Invalid AppId: expected {EMPLOYEE_APP_ID}.")
    loc_id = as_int(body.get("locid"))
    if loc_id not in LOCATIONS_BY_ID or as_int(body.get("lspid")) != LSP_ID:
        return dialect.refusal("Location not found")
    return _open_session(runtime, user, loc_id)


def authenticate(
    runtime: SandboxRuntime, request: Request, body: dict[str, Any]
) -> tuple[SessionRow, SandboxUser] | None:
    """The session a call belongs to: cookie and body SessionId must agree, the session must be alive,
    and the body's session block must name its user, org and LSP and carry a LocId."""
    cookie = request.cookies.get(COOKIE)
    if not cookie or body.get("sessionid") != cookie:
        return None
    row = runtime.store.get_session(cookie)
    if row is None:
        return None
    config = runtime.config
    if runtime.moods.doomed(cookie):
        runtime.store.drop_session(cookie)  # the repeat of an expiry: does not arm another
        return None
    if time.time() - row.created_at >= config.session_ttl_s or not runtime.moods.count_call(
        cookie, config.session_max_calls
    ):
        runtime.expire(row)
        return None
    user = USERS_BY_ID.get(row.user_id)
    if (
        user is None
        or as_int(body.get("userid")) != row.user_id
        or as_int(body.get("orgid")) != ORG_ID
        or as_int(body.get("lspid")) != LSP_ID
        or as_int(body.get("locid")) is None
    ):
        return None
    return row, user


def session_failure(runtime: SandboxRuntime) -> Response:
    """Alternately 401 "Session expired" and 200 "Invalid session": clients must handle both."""
    dialect = runtime.dialect
    if runtime.session_form.next_is_first():
        return json_response(dialect.message_only(SESSION_EXPIRED, result=False), 401)
    return dialect.refusal(SESSION_INVALID)
