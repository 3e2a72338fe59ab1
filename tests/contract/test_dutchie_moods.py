"""The POS's moods end no receive: issue 11's Done-when (2), (10), (11)'s write rule and (13) at the
connector level, over real loopback HTTP, in every dialect.

Each mood is switched on explicitly (the sandbox's knobs are orthogonal to its dialect), so every dialect
meets every mood. Flaky reads and expiring sessions need no real time, so the client's clock is fake there.
The rate window does: those tests use a 1-s window (and tell the connector so, as a station
setting would); one test keeps the real 60-second window with `Retry-After: 5`.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from intake_gui.pos.dutchie import ENDPOINTS
from intake_gui.pos.dutchie.wire import receive_body
from intake_gui.pos.errors import ValidationRejected
from intake_gui.pos.http import RetryPolicy
from intake_gui.pos.waits import WaitNotice
from intake_gui.sandbox import SandboxConfig
from intake_gui.sandbox.inventory import STATUS_NULL
from tests.contract.conftest import (
    EVERY_DIALECT,
    az_of,
    committed,
    logins,
    receive_flow,
    simple_draft,
)

every_dialect = pytest.mark.parametrize("dialect", EVERY_DIALECT)

CALM_MOODS = {  # the moody dialect's presets off, so each test sees only the mood it is about
    "read_error_every": 0,
    "rate_limit_per_minute": 0,
    "session_max_calls": 0,
    "relogin_refusals": 0,
    "visibility_delay_s": 0.0,
}


def moods(dialect: str, **settings: Any) -> SandboxConfig:
    return SandboxConfig(dialect=dialect, **{**CALM_MOODS, **settings})


def assert_landed_once(box: Any, flow: Any) -> None:
    (only,) = committed(box)
    assert only["id"] == flow.receipt and only["line_count"] == 2
    assert len(flow.packages) == 2 and flow.history.product_count == 2
    assert flow.sellable_delta == {box.ids.sku: 3, box.ids.second_sku: 3}


@every_dialect
def test_one_read_in_five_answering_500_still_serves_every_read(
    dialect: str, sandbox_factory: Any, connect: Any, sleeps: list[float]
) -> None:
    """Done-when (13): the receive completes, and so do fifty more reads."""
    box = sandbox_factory(moods(dialect, read_error_every=5, read_errors_on_login=True))
    conn = connect(box)
    flow = receive_flow(conn, box.ids)
    assert_landed_once(box, flow)
    az = az_of(conn, box.ids)
    for _ in range(50):
        assert len(conn.rooms(az)) == 4
    served = box.admin.state()["moods"]["read_errors_served"]
    assert served >= 10 and len(sleeps) == served  # every 500 cost one short backoff, no more


@every_dialect
def test_a_session_that_expires_twice_still_works(
    dialect: str, sandbox_factory: Any, connect: Any, sleeps: list[float]
) -> None:
    """Sessions that die every few calls, and the next new session refused on its first call too
    (expiry twice in a row): the flow completes, the receive lands once, nobody is told "login failed"."""
    box = sandbox_factory(moods(dialect, session_max_calls=3, relogin_refusals=1))
    conn = connect(box)
    notices: list[WaitNotice] = []
    conn.on_wait = notices.append
    flow = receive_flow(conn, box.ids)
    assert_landed_once(box, flow)
    assert logins(box) >= 4
    assert any(n.reason == "session" for n in notices if not n.done)


@every_dialect
@pytest.mark.parametrize("how", ["receive without Status", "POS fails the INSERT"])
def test_a_500_with_the_sql_status_message_is_a_refusal_with_that_message(
    dialect: str, how: str, sandbox_factory: Any, connect: Any, sleeps: list[float]
) -> None:
    """Done-when (2) at the connector: HTTP 500 with the course's SQL NULL-insert message — for the
    course's own cause (no `Status`) and for a POS that fails it on a receive that did send `Status` — is
    a refusal with the POS's words, sent once, nothing recorded, no waiting."""
    box = sandbox_factory(moods(dialect))
    conn = connect(box)
    draft = simple_draft(conn, box.ids)
    with pytest.raises(ValidationRejected) as info:
        if how == "receive without Status":
            body = receive_body(draft)
            del body["Status"]
            conn.call(ENDPOINTS.receive, draft.location, body, write=True)
        else:
            box.admin.set_faults(
                [{"endpoint": ENDPOINTS.receive, "kind": "http_error", "message": STATUS_NULL}]
            )
            conn.receive(draft)
    assert info.value.pos_message == STATUS_NULL and info.value.status == 500
    assert "Cannot insert the value NULL into column 'Status'" in info.value.message
    assert box.admin.state()["counters"][ENDPOINTS.receive]["requests"] == 1
    assert committed(box) == [] and sleeps == []


@every_dialect
def test_five_a_minute_in_both_forms_the_receive_completes_once(
    dialect: str, sandbox_factory: Any, connect: Any
) -> None:
    """Done-when (10), at test speed: 5 requests per 1-s window, refusals alternating 429 and 200
    `Result: false`, Retry-After 0 (shorter than the window, as the real 5 s is shorter than a minute). Each of two connectors of the login fills
    the window at once, is refused (one form each), learns the limit and paces to it; the receive
    lands once."""
    window = 1.0
    box = sandbox_factory(
        moods(
            dialect, rate_limit_per_minute=5, rate_limit_window_s=window, rate_limit_retry_after_s=0
        )
    )
    real = {"sleep": time.sleep, "clock": time.monotonic, "retry": RetryPolicy(window_s=window)}
    notices: list[WaitNotice] = []
    first = connect(box, on_wait=notices.append, **real)
    az = az_of(first, box.ids)
    for _ in range(5):  # with the locations read, six requests in well under a window
        assert len(first.rooms(az)) == 4
    flow = receive_flow(first, box.ids)
    assert_landed_once(box, flow)
    second = connect(box, **real)
    az = az_of(second, box.ids)
    for _ in range(5):
        assert len(second.rooms(az)) == 4
    refused = sum(c.get("rate_limited", 0) for c in box.admin.state()["counters"].values())
    assert 2 <= refused <= 4
    waits = [n for n in notices if not n.done]
    assert any(n.reason == "rate_limit" and "only 5 per minute" in n.pos_said for n in waits)
    assert all(n.seconds <= window + 0.5 for n in waits)  # the window (and slack), never more


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["course"])
def test_five_a_minute_with_the_real_window_and_retry_after_5(
    dialect: str, sandbox_factory: Any, connect: Any
) -> None:
    """Done-when (10) with the real numbers: 60-s window, Retry-After: 5 (a lower bound, not the plan).
    Intake is refused once, waits as long as the window needs (not 5 s, and not three 5-s waits), and
    the whole flow completes in about a minute."""
    box = sandbox_factory(moods(dialect, rate_limit_per_minute=5, rate_limit_retry_after_s=5))
    notices: list[WaitNotice] = []
    conn = connect(box, sleep=time.sleep, clock=time.monotonic, on_wait=notices.append)
    started = time.monotonic()
    flow = receive_flow(conn, box.ids)
    assert_landed_once(box, flow)
    refused = sum(c.get("rate_limited", 0) for c in box.admin.state()["counters"].values())
    assert refused == 1
    (wait,) = [n for n in notices if not n.done and n.reason == "rate_limit"]
    assert 50 <= wait.seconds <= 62 and "only 5 per minute" in wait.pos_said  # the window + slack
    assert 50 <= time.monotonic() - started <= 90
