"""How a sandbox behaves: which dialect it speaks, its moods (limits, delays, flaky reads, sessions that
die), and the faults it injects.

One model covers the embedded default (a new user trains on it), the contract tests (which switch faults
on and off) and the `intake sandbox` command, so the same knob means the same thing everywhere.

A dialect may bring *mood presets* (the `moody` dialect turns several on at once). A preset fills only the
settings the caller did not give, and the model remembers which ones those were (`model_fields_set`), so a
dialect switched at runtime brings its own presets and drops the previous dialect's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)


class FaultKind(StrEnum):
    """What can go wrong between a client and the POS. Each kind mirrors a failure integrators have met."""

    LATENCY = "latency"
    """Delay, then handle normally — unless the client gave up meanwhile (a gateway that never forwarded)."""
    HTTP_ERROR = "http_error"
    """Answer `status` without processing (500 in ASP.NET's JSON shape, 502/503/504 as an HTML page; with
    the rule's `message`, an envelope `Result: false` carrying it, e.g. the course's SQL Status text)."""
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
    message: str | None = None
    """For `http_error`: the envelope Message to answer with (`inventory.STATUS_NULL` for the course's
    SQL error on a receive that did carry a Status)."""
    seed: int = 0


class SandboxConfig(BaseModel):
    """The sandbox's behaviour. Defaults are the embedded training sandbox: the course's `course`
    dialect, as strict as the course, with production's 60-a-minute limit and no other mood."""

    model_config = ConfigDict(extra="forbid")

    dialect: str = "course"
    """Which wire shape and id space the same business data is served in (`intake_gui.sandbox.dialects`)."""

    # -- moods: orthogonal to the dialect -----------------------------------------------------------
    rate_limit_per_minute: int = Field(default=60, ge=0)
    """Requests allowed per session and window; 0 disables the limit. The refusal always words it
    "only N per minute", as the real service does, whatever `rate_limit_window_s` is."""
    rate_limit_window_s: float = Field(default=60.0, gt=0, le=3600)
    """The sliding window's length. Shorter than 60 only to make rate-limit tests fast."""
    rate_limit_retry_after_s: int | None = Field(default=None, ge=0, le=3600)
    """The 429's Retry-After; None is the honest wait until the window frees a slot. A value shorter
    than the window is a POS that invites a retry too early: the client is refused again."""
    session_ttl_s: float = Field(default=1800.0, ge=0)
    """Sessions die this long after login (0 expires every session at once)."""
    session_max_calls: int = Field(default=0, ge=0)
    """A session dies after this many authenticated calls (0 = never): an expiry a test can place."""
    relogin_refusals: int = Field(default=0, ge=0, le=10)
    """After a user's session expired, that user's next this-many *new* sessions are each refused as
    expired on their first call: a session that "expires twice in a row" is 1."""
    visibility_delay_s: float = Field(default=0.0, ge=0)
    """New packages show in preorder/inventory only this long after the receive (integrators saw minutes)."""
    read_error_every: int = Field(default=0, ge=0)
    """One read in N is answered HTTP 500 without being processed (0 = never). Which one is fixed by
    `mood_seed`; writes are never hit (a write's outcome must stay knowable), nor logins unless
    `read_errors_on_login`."""
    read_errors_on_login: bool = False
    mood_seed: int = Field(default=0, ge=0)

    dropped_skus: list[str] = Field(default_factory=list)
    """Products the catalogue lists but a receive drops without a word (like an unknown ProductId): the
    line counts in history's Products, has no package and moves no stock."""
    withhold_fields: list[str] = Field(default_factory=list)
    """Wire keys never sent, in any dialect: "Quantity" everywhere, "package.Quantity" in packages only
    (kinds: login, location, vendor, room, product, package, history, history_line, sellable). For a
    tenant missing a field a client cannot do without (the doctor must name it)."""

    # -- data ---------------------------------------------------------------------------------------
    product_count: int = Field(default=17_000, ge=10, le=200_000)
    history_max_days: int = Field(default=31, ge=1)
    faults: list[FaultRule] = Field(default_factory=list)

    @field_validator("dialect")
    @classmethod
    def _known_dialect(cls, value: str) -> str:
        from intake_gui.sandbox.dialects import DIALECT_NAMES

        name = value.strip().lower()
        if name not in DIALECT_NAMES:
            raise ValueError(f"unknown dialect {value!r}; choose one of {', '.join(DIALECT_NAMES)}")
        return name

    @model_validator(mode="wrap")
    @classmethod
    def _dialect_presets(
        cls, data: Any, handler: ModelWrapValidatorHandler[SandboxConfig]
    ) -> SandboxConfig:
        if not isinstance(data, dict):
            return handler(data)
        from intake_gui.sandbox.dialects import mood_presets  # the dialects import this module

        given = set(data)
        model = handler({**mood_presets(str(data.get("dialect", "course"))), **data})
        model.__pydantic_fields_set__ = given & set(type(model).model_fields)
        return model

    def given(self) -> dict[str, Any]:
        """The settings the caller chose (not defaults, not dialect presets), faults excluded."""
        return self.model_dump(mode="json", exclude_unset=True, exclude={"faults"})


MOOD_SETTINGS = frozenset(
    {
        "rate_limit_per_minute",
        "rate_limit_window_s",
        "rate_limit_retry_after_s",
        "session_ttl_s",
        "session_max_calls",
        "relogin_refusals",
        "visibility_delay_s",
        "read_error_every",
        "read_errors_on_login",
        "mood_seed",
        "withhold_fields",
        "dropped_skus",
    }
)
RUNTIME_SETTINGS = MOOD_SETTINGS | {"dialect", "history_max_days"}
"""What the admin API may change on a running sandbox (the catalogue size is fixed at start)."""
