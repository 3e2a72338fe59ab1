"""Retries that are safe for money and stock: reads are retried, writes only when provably not processed.

A receive that is sent twice books the delivery twice, so the rule for writes is narrow: retry only when
the request never left this machine (the connection or a pool slot could not be had) or the server said
"too many requests" (a refusal before processing). When a write may have reached the POS and the answer
was lost, we raise `OutcomeUnknown` and let the caller reconcile against receive history.

Nothing here knows Dutchie: a POS that hides a refusal behind HTTP 200 teaches the session through the
`soft_refusal` and `definite_refusal` hooks.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from intake_gui.pos.base import ProgressFn
from intake_gui.pos.errors import (
    AuthenticationError,
    ConnectionFailed,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    PosError,
    RateLimited,
    RequestTimeout,
    ServerError,
)
from intake_gui.pos.pacer import Pacer

log = logging.getLogger(__name__)

ResponseCheck = Callable[[httpx.Response], bool]

# The request never reached the server: no connection, or no free connection in our own pool.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. `max_attempts` counts the first try; `max_retry_after` is the longest a
    server-requested wait we accept before giving up and letting the caller decide."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Capped exponential backoff with up to 25% jitter downwards, so clients that failed together
        do not come back together."""
        delay = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        return max(0.0, delay * (1.0 - 0.25 * rng()))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(0.0, seconds)


def error_for_status(
    resp: httpx.Response, *, endpoint: str = "", message: str = ""
) -> PosError | None:
    """The generic meaning of an HTTP status, or None for a success. Connectors refine it with the
    POS's own message where they can read one; `message` is put in `detail`, not shown to a clerk."""
    status = resp.status_code
    if status < 300:
        return None
    path = endpoint or resp.request.url.path
    detail = f"HTTP {status} from {path}" + (f": {message}" if message else "")
    if status == 401:
        return AuthenticationError(detail=detail, endpoint=path)
    if status == 403:
        return PermissionDenied(detail=detail, endpoint=path)
    if status == 404:
        return NotFound(detail=detail, endpoint=path)
    if status == 429:
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        return RateLimited(
            detail=detail, endpoint=path, retry_after=5.0 if retry_after is None else retry_after
        )
    if 400 <= status < 500:
        return InvalidRequest(detail=detail, endpoint=path)
    return ServerError(detail=detail, endpoint=path)


def network_error(exc: httpx.HTTPError, endpoint: str) -> PosError:
    """httpx's exception as one of ours. The text of httpx errors holds no body, so it is safe as detail."""
    detail = f"{type(exc).__name__} on {endpoint}: {exc}"
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(detail=detail, endpoint=endpoint)
    if isinstance(exc, httpx.DecodingError):
        return ServerError(
            "The POS sent back a response Intake could not decode.",
            detail=detail,
            endpoint=endpoint,
        )
    return ConnectionFailed(detail=detail, endpoint=endpoint)


class HttpSession:
    """One POS conversation: pacing, retries and the write-safety rule around an httpx.Client.

    `send` returns the final response whatever its status (the connector reads the POS's own message
    from it); it raises only for network failures, or `OutcomeUnknown` for a write that may have landed.

    Hooks (both optional, both see the full response):
    - `soft_refusal(resp)`: True when a 2xx response is really "too many requests"; reads are then
      retried like a 429. Writes are not: the caller raises the refusal and the user decides.
    - `definite_refusal(resp)`: True when a 5xx answer to a write proves the write was not processed
      (e.g. a session or rate-limit refusal). Without it every 5xx to a write is `OutcomeUnknown`.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        pacer: Pacer | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        soft_refusal: ResponseCheck | None = None,
        definite_refusal: ResponseCheck | None = None,
    ) -> None:
        self.client = client
        self.pacer = pacer
        self.retry = retry
        self._sleep = sleep
        self._rng = rng
        self._soft_refusal = soft_refusal
        self._definite_refusal = definite_refusal

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool,
        progress: ProgressFn | None = None,
    ) -> httpx.Response:
        """Send with retries. `progress(bytes_done, bytes_total_or_0)` streams the body when given."""
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.retry.max_attempts
            if self.pacer is not None:
                self.pacer.acquire()
            started = time.monotonic()
            try:
                resp = self._once(method, path, json, params, headers, progress)
            except httpx.HTTPError as exc:
                err = network_error(exc, path)
                never_sent = isinstance(exc, _NEVER_SENT)
                log.info("%s %s failed (attempt %d): %s", method, path, attempt, type(exc).__name__)
                if not idempotent and not never_sent:
                    raise OutcomeUnknown(detail=err.detail, cause=err, endpoint=path) from exc
                if last:
                    raise err from exc
                self._sleep(self.retry.backoff(attempt, self._rng))
                continue
            log.debug(
                "%s %s -> %d in %.0f ms",
                method,
                path,
                resp.status_code,
                (time.monotonic() - started) * 1e3,
            )

            status = resp.status_code
            refused = status == 429 or (
                idempotent
                and 200 <= status < 300
                and self._soft_refusal
                and self._soft_refusal(resp)
            )
            if refused or (idempotent and status in self.retry.statuses):
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                delay = (
                    retry_after
                    if retry_after is not None
                    else self.retry.backoff(attempt, self._rng)
                )
                if refused and self.pacer is not None:
                    self.pacer.note_retry_after(delay)
                if last or delay > self.retry.max_retry_after:
                    return resp
                log.info("%s %s -> %d, retrying in %.1f s", method, path, status, delay)
                self._sleep(delay)
                continue
            if not idempotent and status >= 500:
                if self._definite_refusal is not None and self._definite_refusal(resp):
                    return resp
                cause = error_for_status(resp, endpoint=path)
                raise OutcomeUnknown(
                    detail=f"HTTP {status} from {path} after the write was sent",
                    cause=cause,
                    endpoint=path,
                )
            return resp

    def _once(
        self,
        method: str,
        path: str,
        json: Any,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        progress: ProgressFn | None,
    ) -> httpx.Response:
        request = self.client.build_request(
            method, path, json=json, params=params, headers=dict(headers or {})
        )
        if progress is None:
            return self.client.send(request)
        resp = self.client.send(request, stream=True)
        if (
            resp.is_stream_consumed
        ):  # already in memory (an in-process transport): nothing to stream
            progress(len(resp.content), len(resp.content))
            return resp
        try:
            total = int(resp.headers.get("Content-Length", "0") or 0)
        except ValueError:
            total = 0
        raw = bytearray()
        try:
            for chunk in resp.iter_raw():
                raw += chunk
                progress(len(raw), total)
        finally:
            resp.close()
        if total == 0:
            progress(len(raw), len(raw))
        # Rebuild a fully-read response from the raw bytes so content decoding (gzip) still applies.
        full = httpx.Response(
            resp.status_code,
            headers=resp.headers,
            stream=httpx.ByteStream(bytes(raw)),
            request=request,
            extensions=resp.extensions,
        )
        full.read()
        return full
