"""The Dutchie connector against the sandbox's faults over real loopback HTTP: which error each fault
becomes, which reads recover, and that a write that may have landed is never sent twice.

Faults whose answer has a body (error envelopes, refusals, malformed bodies) look different in each dialect
(camelCase envelopes, ASP.NET errors), so they run in every calm dialect; faults of the connection itself
(drops, hangs, latency) have no body and run once. Time is fake unless a test says otherwise.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie import DutchieConnector
from intake_gui.pos.errors import (
    ConnectionFailed,
    MalformedResponse,
    OutcomeUnknown,
    PermissionDenied,
    PosError,
    RateLimited,
    RequestTimeout,
    ServerError,
)
from intake_gui.pos.http import RetryPolicy
from intake_gui.pos.pacer import Pacer
from intake_gui.sandbox import BusinessIds, EmbeddedSandbox, SandboxConfig
from tests.contract.conftest import CALM, az_of, committed, history_around_now, simple_draft

ROOMS = "v2/room/get-rooms"
RECEIVE = "v2/inventory/receive"


class Stop(Exception):
    """Raised by a fake sleep to end a test at the moment the client decided to wait."""


def wait_for_receives(box: EmbeddedSandbox, count: int, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        rows = committed(box)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


# ------------------------------------------------------------------ reads


@pytest.mark.parametrize("dialect", CALM)
@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ({"kind": "http_error", "status": 500, "times": -1}, ServerError),
        ({"kind": "http_error", "status": 503, "times": -1}, ServerError),
        ({"kind": "malformed_html", "status": 200}, MalformedResponse),
        ({"kind": "malformed_html", "status": 502, "times": -1}, ServerError),
        ({"kind": "malformed_truncated"}, MalformedResponse),
        ({"kind": "malformed_type"}, MalformedResponse),
        ({"kind": "not_permitted"}, PermissionDenied),
        ({"kind": "rate_limit_429", "times": -1, "retry_after_s": 2}, RateLimited),
        ({"kind": "rate_limit_200", "times": -1}, RateLimited),
    ],
)
def test_read_faults_map_to_error_classes(
    dialect_sandbox: EmbeddedSandbox,
    dialect_ids: BusinessIds,
    connect: Any,
    rule: dict[str, Any],
    error: type,
) -> None:
    conn = connect(dialect_sandbox, retry=RetryPolicy(max_attempts=2))
    az = az_of(conn, dialect_ids)
    dialect_sandbox.admin.set_faults([{"endpoint": ROOMS, **rule}])
    with pytest.raises(error) as info:
        conn.rooms(az)
    assert type(info.value) is error
    assert info.value.endpoint == ROOMS


def test_a_dropped_connection_on_every_try_is_connection_failed(
    sandbox: EmbeddedSandbox, connect: Any, sleeps: list[float]
) -> None:
    conn = connect(sandbox, retry=RetryPolicy(max_attempts=3))
    az = az_of(conn, sandbox.ids)
    sandbox.admin.set_faults([{"endpoint": ROOMS, "kind": "drop_before", "times": -1}])
    with pytest.raises(ConnectionFailed):
        conn.rooms(az)
    assert len(sleeps) == 2


@pytest.mark.parametrize("dialect", CALM)
@pytest.mark.parametrize("kind", ["http_error", "rate_limit_429", "rate_limit_200"])
def test_reads_recover_from_an_error_answer(
    dialect_sandbox: EmbeddedSandbox,
    dialect_ids: BusinessIds,
    connect: Any,
    sleeps: list[float],
    kind: str,
) -> None:
    conn = connect(dialect_sandbox)
    az = az_of(conn, dialect_ids)
    dialect_sandbox.admin.set_faults([{"endpoint": ROOMS, "kind": kind, "status": 500, "times": 3}])
    assert len(conn.rooms(az)) == 4
    assert len(sleeps) == 3


@pytest.mark.parametrize("kind", ["drop_before", "latency", "expire_session"])
def test_reads_recover_from_one_connection_fault(
    sandbox: EmbeddedSandbox, connect: Any, sleeps: list[float], kind: str
) -> None:
    conn = connect(sandbox, timeout=3.0)
    az = az_of(conn, sandbox.ids)
    rule = {"endpoint": ROOMS, "kind": kind, "latency_ms": 50 if kind == "latency" else 0}
    sandbox.admin.set_faults([rule])
    assert len(conn.rooms(az)) == 4
    # Backoff only where the fault refused: latency is just slow, a dead session is a re-login.
    assert len(sleeps) == (1 if kind == "drop_before" else 0)


def test_read_timeout_is_request_timeout(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox, timeout=0.3, retry=RetryPolicy(max_attempts=2))
    az = az_of(conn, sandbox.ids)
    sandbox.admin.set_faults([{"endpoint": ROOMS, "kind": "hang", "latency_ms": 800, "times": -1}])
    with pytest.raises(RequestTimeout):
        conn.rooms(az)


def test_every_error_is_a_pos_error(sandbox: EmbeddedSandbox, connect: Any) -> None:
    """Whatever a fault does, nothing but our hierarchy escapes (no KeyError, no httpx errors)."""
    conn = connect(sandbox, timeout=0.3, retry=RetryPolicy(max_attempts=1))
    az = az_of(conn, sandbox.ids)
    kinds = [
        "http_error",
        "drop_before",
        "malformed_html",
        "malformed_truncated",
        "malformed_type",
        "not_permitted",
    ]
    for kind in kinds:
        sandbox.admin.set_faults([{"endpoint": "*", "kind": kind, "times": -1, "status": 502}])
        for call in (
            lambda: conn.vendors(az),
            lambda: conn.sellable_inventory(az),
            lambda: conn.packages_for_receipt(az, 1),
        ):
            with pytest.raises(PosError):
                call()


# ------------------------------------------------------------------ the rate limit, with fake time


@pytest.mark.parametrize("dialect", CALM)
def test_rate_limit_never_gives_up_before_a_full_window(
    dialect: str, sandbox_factory: Any, connect: Any, sleeps: list[float]
) -> None:
    """With the client's time frozen the POS's window never passes: Intake keeps waiting (on paper)
    until a full window has been waited out, then says what the POS said; a write never lands."""
    box = sandbox_factory(SandboxConfig(dialect=dialect, rate_limit_per_minute=5))
    conn = connect(box)
    draft = simple_draft(conn, box.ids)  # login is not counted: locations, vendors, rooms = 3 of 5
    az = draft.location
    conn.rooms(az)
    conn.rooms(az)
    with pytest.raises(RateLimited) as info:
        conn.rooms(az)  # refused in both forms, alternately
    err = info.value
    assert err.waited_s >= 60 and sum(sleeps) >= 60
    assert "only 5 per minute" in err.message and "60 a minute" not in err.message
    assert err.limit_per_window == 5
    refused = box.admin.state()["counters"][ROOMS]["rate_limited"]
    assert 2 <= refused <= 6  # the waits grow; the POS is not hammered

    sleeps.clear()
    with pytest.raises(RateLimited):
        conn.receive(draft)
    assert committed(box) == []


def test_rate_limit_with_pacer_waits_instead_of_being_refused(
    sandbox_factory: Any, connect: Any
) -> None:
    box = sandbox_factory(SandboxConfig(rate_limit_per_minute=5))
    now = [0.0]
    waits: list[float] = []

    def stop_on_wait(seconds: float) -> None:
        waits.append(seconds)
        raise Stop

    pacer = Pacer(5, clock=lambda: now[0])
    conn = connect(box, pacer=pacer, sleep=stop_on_wait)
    az = az_of(conn, box.ids)  # pacer slots 1-2 (login, locations)
    for _ in range(3):
        now[0] += 1.0
        conn.rooms(az)  # slots 3-5
    with pytest.raises(Stop):
        conn.rooms(az)  # the sixth request in a minute waits on our side
    assert waits == [pytest.approx(57.0)]  # until the login slot (t=0) ages out; now t=3
    state = box.admin.state()["counters"]
    assert all("rate_limited" not in c for c in state.values())


def test_shared_pacer_spans_connectors_of_one_login(sandbox: EmbeddedSandbox) -> None:
    ids = sandbox.ids
    a = DutchieConnector(sandbox.base_url, Credentials(ids.user, ids.secret), rate_per_minute=60)
    b = DutchieConnector(sandbox.base_url, Credentials(ids.user, ids.secret), rate_per_minute=60)
    try:
        assert a._http.pacer is b._http.pacer
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ writes


@pytest.mark.parametrize(
    ("rule", "lands"),
    [
        ({"kind": "drop_after_commit"}, True),
        ({"kind": "error_after_commit"}, True),
        ({"kind": "hang", "latency_ms": 700}, True),
        ({"kind": "http_error", "status": 500}, False),
        ({"kind": "http_error", "status": 502}, False),
        ({"kind": "malformed_html", "status": 200}, False),
        ({"kind": "malformed_truncated"}, False),
        ({"kind": "drop_before"}, False),
    ],
)
def test_write_faults_are_outcome_unknown_and_never_resent(
    sandbox: EmbeddedSandbox, connect: Any, sleeps: list[float], rule: dict[str, Any], lands: bool
) -> None:
    """Whether or not the write landed, the client cannot know: OutcomeUnknown, one request, and the
    token in receive history tells the reconciler which it was."""
    conn = connect(sandbox, timeout=0.4)
    draft = simple_draft(conn, sandbox.ids)
    sandbox.admin.set_faults([{"endpoint": RECEIVE, **rule}])
    with pytest.raises(OutcomeUnknown):
        conn.receive(draft)
    assert sandbox.admin.state()["counters"][RECEIVE]["requests"] == 1
    assert sleeps == []
    rows = wait_for_receives(sandbox, 1 if lands else 0, timeout=3.0 if lands else 0.0)
    assert len(rows) == (1 if lands else 0)
    sandbox.admin.clear_faults()
    history = history_around_now(conn, draft.location)
    assert any(draft.token in r.title for r in history) is lands


@pytest.mark.parametrize("dialect", CALM)
def test_write_refused_for_permission_is_definite(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    draft = simple_draft(conn, dialect_ids)
    dialect_sandbox.admin.set_faults([{"endpoint": RECEIVE, "kind": "not_permitted"}])
    with pytest.raises(PermissionDenied):
        conn.receive(draft)
    assert committed(dialect_sandbox) == []


@pytest.mark.parametrize("dialect", CALM)
@pytest.mark.parametrize("kind", ["rate_limit_200", "rate_limit_429"])
def test_write_refused_for_the_rate_limit_waits_and_lands_once(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any, kind: str
) -> None:
    conn = connect(dialect_sandbox)
    draft = simple_draft(conn, dialect_ids)
    dialect_sandbox.admin.set_faults([{"endpoint": RECEIVE, "kind": kind, "times": 2}])
    receipt = conn.receive(draft)
    (only,) = committed(dialect_sandbox)
    assert only["id"] == receipt


def test_write_refused_for_the_rate_limit_for_good_is_rate_limited_and_never_lands(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn, sandbox.ids)
    sandbox.admin.set_faults([{"endpoint": RECEIVE, "kind": "rate_limit_429", "times": -1}])
    with pytest.raises(RateLimited):
        conn.receive(draft)
    assert committed(sandbox) == []
