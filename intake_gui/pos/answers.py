"""What an HTTP answer means as one of Intake's errors: the status, the POS's words, a rate refusal.

Why apart from `pos.http`: the session decides *whether to try again*; this module only *names* a final
answer, and every connector uses it to word its errors (with the `PosWords` of the POS in use, so a BLAZE
clerk never reads "Backoffice" and nobody reads a constant "60 a minute").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords
from intake_gui.pos.errors import (
    AuthenticationError,
    ConnectionFailed,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    PosError,
    RateLimited,
    RequestTimeout,
    ServerError,
)
from intake_gui.pos.rate_window import RateFacts, rate_limit_words, read_rate_facts


@dataclass(frozen=True)
class RateOutcome:
    """Attached to a response that is still a rate refusal after Intake gave up waiting
    (`resp.extensions[RATE_OUTCOME]`), so the connector can word the error with the facts."""

    facts: RateFacts
    waited_s: float
    refusals: int


RATE_OUTCOME = "intake.rate_outcome"


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


def rate_limited(
    resp: httpx.Response,
    *,
    endpoint: str,
    detail: str,
    message: str = "",
    words: PosWords = GENERIC_WORDS,
) -> RateLimited:
    """The error for a rate refusal Intake gave up on, worded from what the POS said (`message`, the
    headers) and how long Intake waited; the documented figure only when the POS said nothing."""
    outcome = resp.extensions.get(RATE_OUTCOME)
    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
    if isinstance(outcome, RateOutcome):
        facts, waited = outcome.facts, outcome.waited_s
    else:
        facts, waited = read_rate_facts(resp, message, retry_after), 0.0
    return RateLimited(
        rate_limit_words(facts, words, waited_s=waited),
        detail=detail,
        endpoint=endpoint,
        pos_message=facts.pos_said,
        status=resp.status_code,
        retry_after=facts.retry_after if facts.retry_after is not None else 5.0,
        limit_per_window=facts.limit,
        window_s=facts.window_s,
        waited_s=waited,
    )


def error_for_status(
    resp: httpx.Response,
    *,
    endpoint: str = "",
    message: str = "",
    words: PosWords = GENERIC_WORDS,
) -> PosError | None:
    """The generic meaning of an HTTP status, or None for a success. `message` is the POS's own words
    (already scrubbed): kept as `pos_message` and in `detail`; connectors refine the class with it."""
    status = resp.status_code
    if status < 300:
        return None
    path = endpoint or resp.request.url.path
    detail = f"HTTP {status} from {path}" + (f": {message}" if message else "")
    common: dict[str, Any] = {
        "detail": detail,
        "endpoint": path,
        "pos_message": message,
        "status": status,
    }
    if status == 401:
        return AuthenticationError(**common)
    if status == 403:
        return PermissionDenied(**common)
    if status == 404:
        return NotFound(**common)
    if status == 429:
        return rate_limited(resp, endpoint=path, detail=detail, message=message, words=words)
    if 400 <= status < 500:
        return InvalidRequest(**common)
    pos = words.pos_name if words.pos_name != "the POS" else "The POS"
    said = f": “{message}”" if message else "."
    return ServerError(f"{pos} answered with an error (HTTP {status}){said}", **common)


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
