"""How a sandbox behaves: limits, delays and the faults it injects.

One model covers the embedded default (a new user trains on it), the contract tests (which switch faults
on and off) and the `intake sandbox` command, so the same knob means the same thing everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class FaultKind(StrEnum):
    """What can go wrong between a client and the POS. Each kind mirrors a failure integrators have met."""

    LATENCY = "latency"
    """Delay, then handle normally — unless the client gave up meanwhile (a gateway that never forwarded)."""
    HTTP_ERROR = "http_error"
    """Answer `status` without processing (500 in ASP.NET's JSON shape, 502/503/504 as an HTML page)."""
    ERROR_AFTER_COMMIT = "error_after_commit"
    """Process and commit, then answer 500: the write landed although the client was told it failed."""
    DROP_BEFORE = "drop_before"
    """Close the connection without processing and without a byte of response."""
    DROP_AFTER_COMMIT = "drop_after_commit"
    """Process and commit, then send half a response and close: the client cannot know the outcome."""
    RATE_LIMIT_429 = "rate_limit_429"
    RATE_LIMIT_200 = "rate_limit_200"
    EXPIRE_SESSION = "expire_session"
    """Invalidate the caller's session, then answer as expired."""
    MALFORMED_HTML = "malformed_html"
    """A 502-style HTML page where JSON was expected (status 200 if the rule's status is 200, else 502)."""
    MALFORMED_TRUNCATED = "malformed_truncated"
    MALFORMED_TYPE = "malformed_type"
    """A well-formed envelope whose Data has the wrong type ("abc")."""
    NOT_PERMITTED = "not_permitted"
    HANG = "hang"
    """Sleep, then process and answer even if the client has gone: the write lands after a client timeout."""


class FaultRule(BaseModel):
    """One fault: which endpoint, what happens, how often.

    `latency_ms` delays every kind before it acts; for `latency` and `hang` the delay is the point.
    The probability roll uses its own RNG seeded from `seed`, so a test run is repeatable.
    """

    model_config = ConfigDict(extra="forbid")

    endpoint: str = "*"
    """A path under /api/ such as "v2/inventory/receive" (case-insensitive), or "*" for every endpoint."""
    kind: FaultKind
    times: int = Field(default=1, ge=-1)
    """How many requests it hits; -1 is forever, 0 is disarmed."""
    probability: float = Field(default=1.0, ge=0.0, le=1.0)
    latency_ms: int = Field(default=0, ge=0, le=600_000)
    status: int = Field(default=500, ge=100, le=599)
    retry_after_s: int = Field(default=1, ge=0, le=3600)
    """The Retry-After header of `rate_limit_429`."""
    seed: int = 0


class SandboxConfig(BaseModel):
    """The sandbox's behaviour. Defaults are the embedded training sandbox, which behaves like production."""

    model_config = ConfigDict(extra="forbid")

    rate_limit_per_minute: int = Field(default=60, ge=0)
    """Per session, sliding 60-second window; 0 disables the limit."""
    session_ttl_s: float = Field(default=1800.0, ge=0)
    """Sessions die this long after login (0 expires every session at once)."""
    visibility_delay_s: float = Field(default=0.0, ge=0)
    """New packages show in preorder/inventory only this long after the receive (integrators saw minutes)."""
    product_count: int = Field(default=17_000, ge=10, le=200_000)
    history_max_days: int = Field(default=31, ge=1)
    faults: list[FaultRule] = Field(default_factory=list)


RUNTIME_SETTINGS = frozenset(
    {"rate_limit_per_minute", "session_ttl_s", "visibility_delay_s", "history_max_days"}
)
"""What the admin API may change on a running sandbox (the catalogue size is fixed at start)."""
