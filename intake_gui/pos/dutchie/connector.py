"""The Dutchie Backoffice connector: the course's receive flow and its reads, with every rule applied.

What the Backoffice teaches (see ARCHITECTURE.md and the intake course):
- Every answer is an envelope `{Result, Message, Data}` and `Result: false` often arrives with HTTP 200,
  so the envelope is checked on every response (`envelope.py`), and its Message is what tells a session
  expiry from a rate limit from a permission gap from a real refusal (`pos.refusals`).
- The login response echoes the password on failure: login traffic is never logged, and every `detail`
  we raise is scrubbed of the password, the session id and the cookie (`session.py`).
- The session block goes in every body with LocId/LspId taken from the Location we were handed, never
  the session's default store (one integration leaked data to the wrong store that way).
- A session refusal means the call was not processed, so we log in again and repeat it, writes included;
  a POS that refuses the fresh session too is given a few more logins with backoff, then
  `SessionRejected` (never "login failed": the credentials worked). Any other doubt about a write becomes
  OutcomeUnknown, never a second send; a failure whose message proves nothing was stored (the course's
  SQL NULL error, even as a 500) is `ValidationRejected` with the POS's words.
- The locations path is not public: `locations.py` tries the settings, the login answer, the table and a
  few alternates, and says which one worked.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

import httpx

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
from intake_gui.pos import refusals
from intake_gui.pos.answers import error_for_status, rate_limited
from intake_gui.pos.base import Capabilities, Credentials, PosConnector, ProgressFn, SessionCache
from intake_gui.pos.dutchie.endpoints import ENDPOINTS, HISTORY_MAX_DAYS, DutchieEndpoints
from intake_gui.pos.dutchie.envelope import failure_message, parse_envelope, summarize
from intake_gui.pos.dutchie.locations import LocationFinder, LocationsSource
from intake_gui.pos.dutchie.session import (
    APPNAME_HEADER,
    SESSION_COOKIE,
    Session,
    SessionKeeper,
)
from intake_gui.pos.dutchie.wire import (
    WireHistoryRow,
    WirePackage,
    WireRoom,
    WireSellable,
    WireVendor,
    parse_products,
    parse_receipt_id,
    parse_rows,
    receive_body,
    wire_datetime,
)
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.errors import (
    InvalidRequest,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ServerError,
    SessionRejected,
    ValidationRejected,
)
from intake_gui.pos.http import HttpSession, OverHttp, RetryPolicy
from intake_gui.pos.pacer import Pacer, shared_pacer
from intake_gui.pos.transport import TransportKind, build_http_client
from intake_gui.pos.waits import WaitFn

log = logging.getLogger(__name__)

MOVE_HINT = DUTCHIE_WORDS.move_hint


class _SessionRefused(Exception):
    """Internal: the POS refused the session (not the request); log in again and repeat."""

    def __init__(self, detail: str, pos_message: str) -> None:
        super().__init__(detail)
        self.pos_message = pos_message


W = TypeVar("W")


class DutchieConnector(OverHttp, PosConnector):
    """Intake's face of one Dutchie Backoffice tenant, for one login."""

    kind = PosKind.DUTCHIE
    words = DUTCHIE_WORDS
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
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        pacer: Pacer | None = None,
        endpoints: DutchieEndpoints = ENDPOINTS,
        locations_path: str | None = None,
        on_wait: WaitFn | None = None,
    ) -> None:
        """`pacer` overrides the process-wide one for this login (tests inject a fake clock);
        `endpoints` is the path table, replaceable for a tenant whose paths differ; `locations_path` is
        the station setting that overrides where locations are read (see `locations.py`)."""
        self._client = build_http_client(
            base_url, timeout=timeout, transport_kind=transport_kind, transport=transport
        )
        self.base_url = str(self._client.base_url)
        self._credentials = credentials
        self.session_key = f"{self.base_url}|{credentials.username}"
        if pacer is None and rate_per_minute > 0:
            pacer = shared_pacer(f"dutchie|{self.session_key}", rate_per_minute)
        self.endpoints = endpoints
        self.retry = retry
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
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
        self._sessions = SessionKeeper(
            self._http,
            self._client,
            credentials,
            session_cache,
            self.session_key,
            lambda: self.endpoints.login,
        )
        self._locations = LocationFinder(
            self.base_url,
            endpoints.locations,
            locations_path,
            lambda: self._session.lsp_id if self._session is not None else None,
        )

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> DutchieConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @property
    def _session(self) -> Session | None:
        return self._sessions.session

    @property
    def user_name(self) -> str:
        session = self._sessions.session
        return (session.user_name if session else "") or self._credentials.username

    @property
    def locations_source(self) -> LocationsSource | None:
        """Where `locations()` found the locations (None before it has been called)."""
        return self._locations.source

    def login(self) -> None:
        self._sessions.current()

    def forget_session(self) -> None:
        """Drop the session here and in the cache, so the next call logs in with the password again."""
        self._sessions.drop()

    def logout(self) -> None:
        """Sign out of Intake. No Backoffice logout path is known, so this forgets the session locally;
        the server-side session simply expires."""
        self.forget_session()

    # ------------------------------------------------------------ contract: reads

    def locations(self) -> list[Location]:
        # No location yet: the only call that may use the session's default LocId/LspId.
        def login_data() -> dict[str, Any] | None:
            self._sessions.current()
            session = self._sessions.session
            return session.login_data if session is not None else None

        return self._locations.find(lambda path: self.call(path, None, {}), login_data)

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
        return self._parsed(path, lambda rows: parse_products(rows, path), data)

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
            cause = MalformedResponse(detail=f"{path}: {summarize(exc)}", endpoint=path)
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
                detail=self._scrub(f"{path}: {summarize(exc)}"), endpoint=path
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
        `location`), the envelope check, re-login on a session refusal (bounded, with backoff when the
        fresh session is refused too), and the write-safety rule when `write`. Returns `Data`. Public for
        diagnostics and training (e.g. showing what the POS says to a receive without Status); the
        contract methods above are built on it."""
        refused = 0
        while True:
            session = self._sessions.current()
            body = {**self._session_block(session, location), **payload}
            headers = {**APPNAME_HEADER, "Cookie": self._cookie_header(session)}
            resp = self._http.send(
                "POST", path, json=body, headers=headers, idempotent=not write, progress=progress
            )
            try:
                return self._open(resp, path, write=write)
            except _SessionRefused as exc:
                self._sessions.drop(session)
                refused += 1
                if refused > self.retry.max_session_retries:
                    raise SessionRejected(
                        detail=self._scrub(f"{path}: refused {refused} sessions in a row: {exc}"),
                        endpoint=path,
                        pos_message=exc.pos_message,
                        status=resp.status_code,
                    ) from None
                if refused > 1:
                    # The session we had just logged in for was refused too: give the POS a moment.
                    delay = self.retry.backoff(refused - 1, self._rng)
                    self._http.wait(delay, "session", endpoint=path, pos_said=exc.pos_message)
                log.info("Session refused on %s (%d); logging in again", path, refused)

    def _cookie_header(self, session: Session) -> str:
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
    def _session_block(session: Session, location: Location | None) -> dict[str, Any]:
        return {
            "SessionId": session.session_id,
            "LspId": location.lsp_id if location is not None else session.lsp_id,
            "LocId": location.loc_id if location is not None else session.loc_id,
            "OrgId": session.org_id,
            "UserId": session.user_id,
        }

    def _open(self, resp: httpx.Response, path: str, *, write: bool) -> Any:
        """The envelope's Data, or the right error for what the POS said.

        The POS's words decide first (session, permission, rate, a refusal that proves nothing was
        stored), then the status, then the envelope's Result."""
        status = resp.status_code
        env, problem = parse_envelope(resp)
        if env is not None and env.result and status < 300:
            return env.data
        message = self._scrub(failure_message(resp, env))
        detail = f"{path}: HTTP {status}: {message or problem or '(no message)'}"
        common: dict[str, Any] = {
            "detail": detail,
            "endpoint": path,
            "pos_message": message,
            "status": status,
        }
        refusal = refusals.classify(message)
        if message or status >= 300:
            log.info("%s refused: HTTP %d: %s", path, status, message or problem)
        if refusal is refusals.Refusal.SESSION or status == 401:
            raise _SessionRefused(detail, message)
        if refusal is refusals.Refusal.PERMISSION or status == 403:
            raise PermissionDenied(**common)
        if refusal is refusals.Refusal.RATE or status == 429:
            raise rate_limited(
                resp, endpoint=path, detail=detail, message=message, words=DUTCHIE_WORDS
            )
        if status == 404:
            raise NotFound(**common)
        if write:
            return self._write_failure(resp, path, env, refusal, common)
        if refusal is refusals.Refusal.NOT_FOUND:
            raise NotFound(
                **common
            )  # e.g. "Location not found": an id of another tenant or dialect
        if refusal is refusals.Refusal.INVALID:
            raise InvalidRequest(**common)
        if env is not None and not env.result and status < 300:
            raise ServerError(f"Dutchie could not answer: “{message}”" if message else "", **common)
        if 400 <= status < 500:
            raise InvalidRequest(**common)
        error = error_for_status(resp, endpoint=path, message=message, words=DUTCHIE_WORDS)
        if error is not None:
            error.detail = detail
            raise error
        raise MalformedResponse(
            detail=self._scrub(f"{path}: HTTP {status}, {problem}; starts {resp.text[:120]!r}"),
            endpoint=path,
            status=status,
        )

    def _write_failure(
        self,
        resp: httpx.Response,
        path: str,
        env: Any,
        refusal: refusals.Refusal | None,
        common: dict[str, Any],
    ) -> Any:
        """A write that did not succeed: a refusal when the answer proves nothing was stored, else
        OutcomeUnknown (the caller reconciles against receive history; nothing is sent again blindly)."""
        status = resp.status_code
        message = common["pos_message"]
        if refusal in refusals.INPUT_REFUSALS or (
            env is not None and not env.result and status < 500
        ):
            kept = {k: v for k, v in common.items() if k != "pos_message"}
            raise ValidationRejected(message or "(no message)", **kept)
        if 400 <= status < 500:
            raise InvalidRequest(**common)
        problem = "could not be read" if env is None else "was an error without a reason"
        cause: Any = (
            MalformedResponse(**common) if env is None and status < 300 else ServerError(**common)
        )
        raise OutcomeUnknown(
            f"The receive was sent but the answer {problem}. Intake will check whether it landed.",
            cause=cause,
            detail=common["detail"]
            if status >= 300
            else self._scrub(f"{path}: HTTP {status}; starts {resp.text[:120]!r}"),
            endpoint=path,
        )

    def _scrub(self, text: str) -> str:
        return self._sessions.scrub(text) if hasattr(self, "_sessions") else text


__all__ = ["MOVE_HINT", "DutchieConnector"]
