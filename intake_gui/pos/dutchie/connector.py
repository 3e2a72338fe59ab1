"""The Dutchie Backoffice connector: session handling, the envelope rules and the course's receive flow.

What the Backoffice teaches (see ARCHITECTURE.md and the intake course):
- Every answer is an envelope `{Result, Message, Data}` and `Result: false` often arrives with HTTP 200,
  so the envelope is checked on every response, and its Message is what tells a session expiry from a
  rate limit from a permission gap from a real refusal.
- The login response echoes the password on failure: login traffic is never logged, and every `detail`
  we raise is scrubbed of the password, the session id and the cookie.
- The session block goes in every body with LocId/LspId taken from the Location we were handed, never
  the session's default store (one integration leaked data to the wrong store that way).
- A session refusal means the call was not processed, so we log in again once and repeat it, writes
  included. Any other doubt about a write becomes OutcomeUnknown, never a second send.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum, auto
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from intake_gui.domain.date_windows import split_range
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
from intake_gui.domain.store_time import to_store_local
from intake_gui.pos.base import Capabilities, Credentials, PosConnector, ProgressFn, SessionCache
from intake_gui.pos.dutchie.endpoints import ENDPOINTS, HISTORY_MAX_DAYS, DutchieEndpoints
from intake_gui.pos.dutchie.wire import (
    Envelope,
    WireHistoryRow,
    WirePackage,
    WireRoom,
    WireSellable,
    WireVendor,
    parse_products,
    parse_receipt_id,
    parse_rows,
    read_envelope,
    read_locations,
    read_login,
    receive_body,
    wire_datetime,
)
from intake_gui.pos.errors import (
    AuthenticationError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationRejected,
)
from intake_gui.pos.http import HttpSession, RetryPolicy, error_for_status, parse_retry_after
from intake_gui.pos.pacer import Pacer, shared_pacer
from intake_gui.pos.transport import TransportKind, build_http_client

log = logging.getLogger(__name__)

APPNAME_HEADER = {"appname": "Backoffice"}
SESSION_COOKIE = "LLSession"

MOVE_HINT = (
    "The Dutchie Backoffice has no known API for moving stock between rooms. Move it by hand in the "
    "Backoffice: Inventory > open the package > Move / change room."
)

_SESSION_RE = re.compile(r"session|log\s?in again|not logged in", re.IGNORECASE)
_RATE_RE = re.compile(r"too many requests|per minute", re.IGNORECASE)
_PERMISSION_RE = re.compile(r"not permitted", re.IGNORECASE)
_SMALL_BODY = 4096
"""Refusal envelopes are tiny; bigger bodies are real data and are not scanned for refusal messages."""


class _Refusal(Enum):
    SESSION = auto()
    RATE = auto()
    PERMISSION = auto()
    OTHER = auto()


def _classify(message: str) -> _Refusal:
    if _RATE_RE.search(message):
        return _Refusal.RATE
    if _PERMISSION_RE.search(message):
        return _Refusal.PERMISSION
    if _SESSION_RE.search(message):
        return _Refusal.SESSION
    return _Refusal.OTHER


def _decimal(text: str) -> Decimal:
    """`parse_float` for every answer. A Python function on purpose, not the Decimal class itself: the
    parser holds the GIL for the whole body (tens of ms for a 17k catalog), and a call into Python code is
    where the interpreter hands the GIL to a thread that waits for it, e.g. the GUI thread."""
    return Decimal(text)


def _parse_envelope(resp: httpx.Response) -> tuple[Envelope | None, str]:
    """The envelope, or None and a short reason (never the body) when there is none to read."""
    try:
        raw = json.loads(resp.content, parse_float=_decimal)
    except (ValueError, RecursionError):
        kind = resp.headers.get("Content-Type", "no content type").split(";")[0]
        return None, f"not JSON ({kind}, {len(resp.content)} bytes)"
    try:
        return read_envelope(raw), ""
    except ValueError as exc:  # pydantic's ValidationError included
        return None, "envelope " + _summarize(exc)


def _summarize(exc: Exception) -> str:
    """A validation failure as field paths and reasons, without the offending values."""
    if isinstance(exc, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)[:3]
        ]
        more = exc.error_count() - len(parts)
        return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")
    return str(exc)


def _refusal_in(resp: httpx.Response) -> _Refusal | None:
    if len(resp.content) > _SMALL_BODY:
        return None
    env, _ = _parse_envelope(resp)
    if env is None or env.result:
        return None
    return _classify(env.message or "")


def _is_soft_rate_refusal(resp: httpx.Response) -> bool:
    """HTTP 200 + Result false + "Too many requests": a 429 in disguise, safe to retry for reads."""
    return _refusal_in(resp) is _Refusal.RATE


def _is_definite_refusal(resp: httpx.Response) -> bool:
    """A 5xx to a write that still says why it refused before processing (session, rate, permission)."""
    return _refusal_in(resp) in (_Refusal.SESSION, _Refusal.RATE, _Refusal.PERMISSION)


@dataclass(frozen=True)
class _Session:
    session_id: str
    cookie: str
    user_id: int
    org_id: int
    lsp_id: int | None
    loc_id: int | None
    user_name: str

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> _Session:
        data = json.loads(text)
        return cls(
            session_id=str(data["session_id"]),
            cookie=str(data["cookie"]),
            user_id=int(data["user_id"]),
            org_id=int(data["org_id"]),
            lsp_id=None if data["lsp_id"] is None else int(data["lsp_id"]),
            loc_id=None if data["loc_id"] is None else int(data["loc_id"]),
            user_name=str(data["user_name"]),
        )


class _SessionRefused(Exception):
    """Internal: the POS refused the session (not the request); log in again and repeat."""


W = TypeVar("W")


class DutchieConnector(PosConnector):
    """Intake's face of one Dutchie Backoffice tenant, for one login."""

    kind = PosKind.DUTCHIE
    capabilities = Capabilities(move=False, move_hint=MOVE_HINT)

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        session_cache: SessionCache | None = None,
        timeout: float = 20.0,
        transport_kind: TransportKind = "default",
        transport: httpx.BaseTransport | None = None,
        rate_per_minute: int = 60,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        pacer: Pacer | None = None,
        endpoints: DutchieEndpoints = ENDPOINTS,
    ) -> None:
        """`pacer` overrides the process-wide one for this login (tests inject a fake clock);
        `endpoints` is the path table, replaceable for a tenant whose paths differ."""
        self._client = build_http_client(
            base_url, timeout=timeout, transport_kind=transport_kind, transport=transport
        )
        self.base_url = str(self._client.base_url)
        self._credentials = credentials
        self._cache = session_cache
        self.session_key = f"{self.base_url}|{credentials.username}"
        if pacer is None and rate_per_minute > 0:
            pacer = shared_pacer(f"dutchie|{self.session_key}", rate_per_minute)
        self._http = HttpSession(
            self._client,
            pacer=pacer,
            retry=retry,
            sleep=sleep,
            soft_refusal=_is_soft_rate_refusal,
            definite_refusal=_is_definite_refusal,
        )
        self.endpoints = endpoints
        self._session: _Session | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> DutchieConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @property
    def user_name(self) -> str:
        session = self._session
        return (session.user_name if session else "") or self._credentials.username

    def login(self) -> None:
        self._current_session()

    def forget_session(self) -> None:
        """Drop the session here and in the cache, so the next call logs in with the password again."""
        with self._lock:
            self._session = None
            self._cache_call("clear")

    def logout(self) -> None:
        """Sign out of Intake. No Backoffice logout path is known, so this forgets the session locally;
        the server-side session simply expires."""
        self.forget_session()

    # ------------------------------------------------------------ contract: reads

    def locations(self) -> list[Location]:
        # No location yet: the only call that may use the session's default LocId/LspId.
        path = self.endpoints.locations
        data = self.call(path, None, {})
        lsp = self._session.lsp_id if self._session is not None else None
        return self._parsed(path, lambda rows: read_locations(rows, path, lsp_fallback=lsp), data)

    def vendors(self, location: Location) -> list[Vendor]:
        rows = self._rows(self.endpoints.vendors, location, {"LocId": location.loc_id}, WireVendor)
        return [row.to_domain() for row in rows]

    def rooms(self, location: Location) -> list[Room]:
        rows = self._rows(self.endpoints.rooms, location, {"LocId": location.loc_id}, WireRoom)
        return [row.to_domain() for row in rows]

    def products(self, location: Location, progress: ProgressFn | None = None) -> list[Product]:
        """The LSP's catalog (~17k rows); `progress` gets (bytes received, Content-Length or 0).

        Parsed by `parse_products` (WireProduct's rules, straight to domain Products, in chunks) because
        this is the one answer large enough for parsing to show: it runs beside a clerk who is scanning."""
        path = self.endpoints.products
        data = self.call(path, location, {"LspId": location.lsp_id}, progress=progress)
        return self._parsed(path, parse_products, data)

    def packages_for_receipt(self, location: Location, receipt_id: int) -> list[Package]:
        # ReceiveInventoryHistoryId, never Id: with Id the Backoffice silently answers [].
        payload = {"LocId": location.loc_id, "ReceiveInventoryHistoryId": receipt_id}
        rows = self._rows(self.endpoints.packages, location, payload, WirePackage)
        return [row.to_domain(location.timezone) for row in rows]

    def receipt_history(
        self, location: Location, start: datetime, end: datetime
    ) -> list[HistoryRow]:
        """Receives in [start, end), split into windows the Backoffice accepts (31 days at most)."""
        start_local = to_store_local(start, location.timezone)
        end_local = to_store_local(end, location.timezone)
        assert start_local is not None and end_local is not None
        found: dict[int, HistoryRow] = {}
        for w_start, w_end in split_range(start_local, end_local, HISTORY_MAX_DAYS):
            payload = {
                "LocId": location.loc_id,
                "StartDate": wire_datetime(w_start),
                "EndDate": wire_datetime(w_end),
            }
            for row in self._rows(self.endpoints.history, location, payload, WireHistoryRow):
                found[row.receipt_id] = row.to_domain(location.timezone)
        return sorted(found.values(), key=lambda r: r.sort_key)

    def sellable_inventory(
        self, location: Location, skus: Iterable[str] | None = None
    ) -> list[SellableItem]:
        rows = [
            row.to_domain()
            for row in self._rows(
                self.endpoints.sellable, location, {"LocId": location.loc_id}, WireSellable
            )
        ]
        if skus is None:
            return rows
        wanted = set(skus)
        return [row for row in rows if row.sku in wanted]

    # ------------------------------------------------------------ contract: writes

    def receive(self, draft: ReceiveDraft) -> int:
        return self._write(self.endpoints.receive, draft)

    def save_receive(self, draft: ReceiveDraft) -> int:
        """Save the receive as Pending in the Backoffice (no stock moves); returns its history id."""
        return self._write(self.endpoints.save_receive, draft)

    def _write(self, path: str, draft: ReceiveDraft) -> int:
        data = self.call(path, draft.location, receive_body(draft), write=True)
        try:
            return parse_receipt_id(data)
        except ValueError as exc:
            # Result was true, so the receive landed; only its id is unreadable. Reconcile, never resend.
            cause = MalformedResponse(detail=f"{path}: {_summarize(exc)}", endpoint=path)
            raise OutcomeUnknown(
                "The POS accepted the receive but its answer had no receipt number. Intake will look "
                "it up in receive history.",
                cause=cause,
                detail=cause.detail,
                endpoint=path,
            ) from None

    # ------------------------------------------------------------ plumbing

    def _rows(
        self,
        path: str,
        location: Location | None,
        payload: dict[str, Any],
        model: type[W],
        *,
        progress: ProgressFn | None = None,
    ) -> list[W]:
        data = self.call(path, location, payload, progress=progress)
        return self._parsed(path, lambda rows: parse_rows(model, rows, path), data)

    def _parsed(self, path: str, parse: Callable[[Any], W], data: Any) -> W:
        try:
            return parse(data)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise MalformedResponse(
                detail=self._scrub(f"{path}: {_summarize(exc)}"), endpoint=path
            ) from None

    def call(
        self,
        path: str,
        location: Location | None,
        payload: dict[str, Any],
        *,
        write: bool = False,
        progress: ProgressFn | None = None,
    ) -> Any:
        """One Backoffice call with every rule applied: the session block (LocId/LspId from
        `location`), the envelope check, one re-login on a session refusal, and the write-safety rule
        when `write`. Returns `Data`. Public for diagnostics and training (e.g. showing what the POS
        says to a receive without Status); the contract methods above are built on it."""
        for attempt in (1, 2):
            session = self._current_session()
            body = {**self._session_block(session, location), **payload}
            headers = {**APPNAME_HEADER, "Cookie": self._cookie_header(session)}
            resp = self._http.send(
                "POST", path, json=body, headers=headers, idempotent=not write, progress=progress
            )
            try:
                return self._open(resp, path, write=write)
            except _SessionRefused as refused:
                self._drop_session(session)
                if attempt == 2:
                    raise AuthenticationError(
                        "The POS refused the session right after logging in again.",
                        detail=self._scrub(f"{path}: {refused}"),
                        endpoint=path,
                    ) from None
                log.info("Session refused on %s; logging in again", path)
        raise AssertionError("unreachable")

    def _cookie_header(self, session: _Session) -> str:
        """LLSession from our session plus whatever else the host set (e.g. Cloudflare's bot cookies).

        We write the header ourselves because a cached session has no jar entry, and an explicit Cookie
        header makes httpx skip its jar; this client only ever talks to one host, so every jar cookie
        is that host's.
        """
        others = [
            f"{c.name}={c.value}"
            for c in self._client.cookies.jar
            if c.name != SESSION_COOKIE and c.value is not None
        ]
        return "; ".join([f"{SESSION_COOKIE}={session.cookie}", *others])

    @staticmethod
    def _session_block(session: _Session, location: Location | None) -> dict[str, Any]:
        return {
            "SessionId": session.session_id,
            "LspId": location.lsp_id if location is not None else session.lsp_id,
            "LocId": location.loc_id if location is not None else session.loc_id,
            "OrgId": session.org_id,
            "UserId": session.user_id,
        }

    def _open(self, resp: httpx.Response, path: str, *, write: bool) -> Any:
        """The envelope's Data, or the right error for what the POS said."""
        status = resp.status_code
        env, problem = _parse_envelope(resp)
        if env is not None and not env.result:
            message = self._scrub(env.message or "")
            detail = f"{path}: HTTP {status}: {message or '(no message)'}"
            refusal = _classify(message)
            log.info("%s refused: HTTP %d: %s", path, status, message)
            if refusal is _Refusal.SESSION or status == 401:
                raise _SessionRefused(detail)
            if refusal is _Refusal.PERMISSION or status == 403:
                raise PermissionDenied(detail=detail, endpoint=path)
            if refusal is _Refusal.RATE or status == 429:
                raise RateLimited(detail=detail, endpoint=path, retry_after=self._retry_after(resp))
            if status == 404:
                raise NotFound(detail=detail, endpoint=path)
            if status >= 500:
                raise ServerError(detail=detail, endpoint=path)
            if write:
                raise ValidationRejected(message or "(no message)", detail=detail, endpoint=path)
            if 400 <= status < 500:
                raise InvalidRequest(detail=detail, endpoint=path)
            raise ServerError(
                f"The POS could not answer: {message}" if message else "",
                detail=detail,
                endpoint=path,
            )
        if status == 401:
            raise _SessionRefused(f"{path}: HTTP 401")
        if status == 429:
            raise RateLimited(
                detail=f"{path}: HTTP 429", endpoint=path, retry_after=self._retry_after(resp)
            )
        error = error_for_status(resp, endpoint=path)
        if error is not None:
            raise error
        if env is None:
            malformed = MalformedResponse(
                detail=self._scrub(f"{path}: HTTP {status}, {problem}; starts {resp.text[:120]!r}"),
                endpoint=path,
            )
            if write:
                raise OutcomeUnknown(
                    "The receive was sent but the answer could not be read. Intake will check whether "
                    "it landed.",
                    cause=malformed,
                    detail=malformed.detail,
                    endpoint=path,
                )
            raise malformed
        return env.data

    @staticmethod
    def _retry_after(resp: httpx.Response) -> float:
        seconds = parse_retry_after(resp.headers.get("Retry-After"))
        return 5.0 if seconds is None else seconds

    # ------------------------------------------------------------ session

    def _current_session(self) -> _Session:
        with self._lock:
            if self._session is None:
                self._session = self._cached_session() or self._fresh_login()
            return self._session

    def _drop_session(self, session: _Session) -> None:
        with self._lock:
            if self._session is session:
                self._session = None
            self._cache_call("clear")

    def _cached_session(self) -> _Session | None:
        text = self._cache_call("load")
        if not text:
            return None
        try:
            return _Session.loads(text)
        except (ValueError, KeyError, TypeError):
            log.warning("Ignoring an unreadable cached session for %s", self._credentials.username)
            self._cache_call("clear")
            return None

    def _cache_call(self, op: str, value: str | None = None) -> str | None:
        """The cache is a convenience: a broken keyring must not stop a receive, so its failures are
        logged (by type only) and otherwise ignored."""
        if self._cache is None:
            return None
        try:
            if op == "load":
                return self._cache.load(self.session_key)
            if op == "save":
                assert value is not None
                self._cache.save(self.session_key, value)
            else:
                self._cache.clear(self.session_key)
        except Exception as exc:  # any keyring backend error
            log.warning("Session cache %s failed: %s", op, type(exc).__name__)
        return None

    def _fresh_login(self) -> _Session:
        """Log in with the password. Nothing of this request or its response is ever logged: the
        Backoffice echoes the password back on a failed login."""
        path = self.endpoints.login
        body = {
            "Username": self._credentials.username,
            "Password": self._credentials.password,
            "RememberMe": True,
        }
        resp = self._http.send("POST", path, json=body, headers=APPNAME_HEADER, idempotent=True)
        status = resp.status_code
        env, problem = _parse_envelope(resp)
        if env is not None and not env.result:
            message = self._scrub(env.message or "")
            detail = f"{path}: HTTP {status}: {message or '(no message)'}"
            if _classify(message) is _Refusal.RATE or status == 429:
                raise RateLimited(detail=detail, endpoint=path, retry_after=self._retry_after(resp))
            if status >= 500:
                raise ServerError(detail=detail, endpoint=path)
            raise AuthenticationError(detail=detail, endpoint=path)
        error = error_for_status(resp, endpoint=path)
        if error is not None:
            raise error
        if env is None:
            raise MalformedResponse(detail=f"{path}: HTTP {status}, {problem}", endpoint=path)
        try:
            data = read_login(env.data, path)
        except ValueError as exc:
            raise MalformedResponse(detail=f"{path}: {_summarize(exc)}", endpoint=path) from None
        cookie = resp.cookies.get(SESSION_COOKIE) or data.session_id
        # The session cookie lives in one place (our session, cached), not also in httpx's jar.
        self._client.cookies.delete(SESSION_COOKIE)
        session = _Session(
            session_id=data.session_id,
            cookie=cookie,
            user_id=data.user_id,
            org_id=data.org_id,
            lsp_id=data.lsp_id,
            loc_id=data.loc_id,
            user_name=data.user_name or self._credentials.username,
        )
        self._cache_call("save", session.dumps())
        log.info("Logged in to %s as %s", self._client.base_url.host, self._credentials.username)
        return session

    def _scrub(self, text: str) -> str:
        secrets = [self._credentials.password]
        session = self._session
        if session is not None:
            secrets += [session.session_id, session.cookie]
        for secret in sorted(filter(None, secrets), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


__all__ = ["MOVE_HINT", "DutchieConnector"]
