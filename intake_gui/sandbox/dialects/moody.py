"""`moody`: the course's shapes under other ids, with a hard combination of moods turned on — one read in
five answered HTTP 500, five requests a minute per session refused in both forms with a `Retry-After` (5 s)
shorter than the window, sessions that die after 20 calls and expire twice in a row, new stock sellable
only after 20 s. Each mood is an ordinary `SandboxConfig` setting: a caller's own value wins."""

from __future__ import annotations

from intake_gui.sandbox.dialects import course
from intake_gui.sandbox.dialects.base import Dialect, IdSpace

MOODY = Dialect(
    name="moody",
    summary="course shapes, other ids; 1 read in 5 is a 500, 5/min (Retry-After 5), double expiry, 20 s delay",
    shapes=course.SHAPES,
    ids=IdSpace(
        {
            "loc": 70_000,
            "lsp": 70_000,
            "org": 70_000,
            "user": 70_000,
            "vendor": 1_300_000,
            "room": 700_000,
            "product": 80_000_000,
            "receive": 40_000_000,
            "package": 90_000_000,
        }
    ),
    renames={"AZ Sandbox — Phoenix": "Moody Test Store — Phoenix"},
    moods={
        "read_error_every": 5,
        "rate_limit_per_minute": 5,
        "rate_limit_retry_after_s": 5,
        "session_max_calls": 20,
        "relogin_refusals": 1,
        "visibility_delay_s": 20.0,
    },
)
