"""Moods: the POS's habits, as SandboxConfig settings usable with any dialect and switchable at runtime —
flaky reads, a rate limit whose Retry-After is shorter than its window, sessions that die after a number
of calls and expire twice in a row — and the `moody` dialect that turns a hard combination on."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from intake_gui.sandbox import LIMITED_USER, EmbeddedSandbox, FaultKind, FaultRule, SandboxConfig
from intake_gui.sandbox.dialects import CALM_DIALECTS
from tests.conftest import FAST_MOODS
from tests.sandbox.conftest import Backoffice, ci, envelope

SMALL = {"product_count": 300}


def answer(response: httpx.Response) -> tuple[int, Any]:
    return response.status_code, response.json()


def start(sandbox_factory: Callable[..., EmbeddedSandbox], **settings: Any) -> EmbeddedSandbox:
    return sandbox_factory(SandboxConfig(**SMALL, **settings))


# ---------------------------------------------------------------- one read in N is a 500


@pytest.mark.parametrize("dialect", CALM_DIALECTS)
def test_one_read_in_n_is_a_server_error_and_is_not_processed(
    sandbox_factory, connect, dialect: str
) -> None:
    box = start(sandbox_factory, dialect=dialect, read_error_every=5, rate_limit_per_minute=0)
    bo = connect(box)
    results = [bo.call("v2/room/get-rooms").status_code for _ in range(20)]
    assert [i for i, status in enumerate(results, 1) if status == 500] == [5, 10, 15, 20]
    assert answer(bo.call("v2/room/get-rooms"))[0] == 200
    assert answer(bo.call("v2/room/get-rooms"))[0] == 200
    for _ in range(2):
        bo.call("v2/room/get-rooms")
    failed = bo.call("v2/room/get-rooms")
    assert (failed.status_code, ci(failed.json(), "Message")) == (500, "An error has occurred.")
    state = box.admin.state()
    assert state["counters"]["v2/room/get-rooms"]["read_error"] == 5
    assert state["moods"]["read_errors_served"] == 5


def test_writes_and_logins_are_never_hit_unless_asked(sandbox_factory, connect) -> None:
    box = start(sandbox_factory, read_error_every=2, rate_limit_per_minute=0)
    bo = connect(box)
    ids = box.ids
    line = {
        "ProductId": ids.product_id,
        "Sku": ids.sku,
        "Quantity": 1,
        "RoomId": ids.sales_floor_id,
    }
    body = {"VendorId": ids.vendor_id, "Status": "Received", "Products": [line]}
    for _ in range(6):
        assert envelope(bo.call("v2/inventory/receive", **body))["Result"] is True
        assert envelope(bo.login())["Result"] is True
    assert len(box.admin.receives()) == 6
    box.admin.configure(read_errors_on_login=True)
    assert [bo.login().status_code for _ in range(4)] == [200, 500, 200, 500]


def test_the_seed_shifts_which_read_fails_and_a_reset_starts_the_count_again(
    sandbox_factory, connect
) -> None:
    box = start(sandbox_factory, read_error_every=4, mood_seed=1, rate_limit_per_minute=0)
    bo = connect(box)
    pattern = [bo.call("user/get-locations").status_code for _ in range(8)]
    assert pattern == [200, 200, 500, 200, 200, 200, 500, 200]
    box.admin.reset()
    bo.login()
    assert [bo.call("user/get-locations").status_code for _ in range(8)] == pattern


# ---------------------------------------------------------------- rate limit: window and Retry-After


def test_a_retry_after_shorter_than_the_window_is_refused_again(sandbox_factory, connect) -> None:
    box = start(
        sandbox_factory,
        rate_limit_per_minute=3,
        rate_limit_window_s=2.0,
        rate_limit_retry_after_s=1,
    )
    bo = connect(box)
    started = time.monotonic()
    for _ in range(3):
        bo.data("user/get-locations")
    first, second = bo.call("user/get-locations"), bo.call("user/get-locations")
    message = "Too many requests - only 3 per minute allowed"
    assert (first.status_code, first.headers["Retry-After"]) == (429, "1")
    assert envelope(first) == {"Result": False, "Message": message, "Data": None}
    assert second.status_code == 200 and envelope(second)["Message"] == message
    time.sleep(max(0.0, started + 1.1 - time.monotonic()))  # the client trusts Retry-After: 1
    assert envelope(bo.call("user/get-locations"))["Result"] is False
    time.sleep(max(0.0, started + 2.2 - time.monotonic()))  # a whole window has passed
    assert bo.data("user/get-locations")


@pytest.mark.parametrize("dialect", CALM_DIALECTS)
def test_the_limit_answers_in_both_forms_in_every_dialect(
    sandbox_factory, connect, dialect: str
) -> None:
    box = start(
        sandbox_factory, dialect=dialect, rate_limit_per_minute=2, rate_limit_retry_after_s=5
    )
    bo = connect(box)
    bo.data("v2/room/get-rooms")
    bo.data("v2/room/get-rooms")
    first, second = bo.call("v2/room/get-rooms"), bo.call("v2/room/get-rooms")
    message = "Too many requests - only 2 per minute allowed"
    assert (first.status_code, first.headers["Retry-After"], envelope(first)["Message"]) == (
        429,
        "5",
        message,
    )
    assert (second.status_code, envelope(second)["Result"], envelope(second)["Message"]) == (
        200,
        False,
        message,
    )


def test_without_a_fixed_retry_after_it_is_the_real_wait(sandbox_factory, connect) -> None:
    box = start(sandbox_factory, rate_limit_per_minute=1, rate_limit_window_s=30.0)
    bo = connect(box)
    bo.data("user/get-locations")
    refused = bo.call("user/get-locations")
    assert refused.status_code == 429 and 28 <= int(refused.headers["Retry-After"]) <= 30


# ---------------------------------------------------------------- sessions that die


def test_a_session_dies_after_its_call_budget(sandbox_factory, connect) -> None:
    box = start(sandbox_factory, session_max_calls=3)
    bo = connect(box)
    for _ in range(3):
        bo.data("v2/room/get-rooms")
    assert answer(bo.call("v2/room/get-rooms"))[0] == 401
    assert (
        envelope(bo.call("v2/room/get-rooms"))["Message"] == "Invalid session. Please log in again."
    )
    bo.login()
    assert bo.data("v2/room/get-rooms")


@pytest.mark.parametrize("how", ["budget", "ttl", "admin", "fault"])
def test_an_expiry_repeats_once_after_the_relogin(sandbox_factory, connect, how: str) -> None:
    settings: dict[str, Any] = {"relogin_refusals": 1}
    if how == "budget":
        settings["session_max_calls"] = 2
    box = start(sandbox_factory, **settings)
    bo = connect(box)
    bo.data("v2/room/get-rooms")
    if how == "budget":
        bo.data("v2/room/get-rooms")
    elif how == "ttl":
        box.admin.configure(session_ttl_s=0.2)
        time.sleep(0.25)
    elif how == "admin":
        assert box.admin.expire_sessions() == 1
    else:
        box.admin.add_fault(FaultRule(endpoint="v2/room/get-rooms", kind=FaultKind.EXPIRE_SESSION))
    assert envelope(bo.call("v2/room/get-rooms"))["Result"] is False  # the expiry
    if how == "ttl":
        box.admin.configure(session_ttl_s=1800)
    assert envelope(bo.login())["Result"] is True
    assert envelope(bo.call("v2/room/get-rooms"))["Result"] is False  # refused again, once
    assert envelope(bo.call("v2/room/get-rooms"))["Result"] is False  # that session is gone
    assert envelope(bo.login())["Result"] is True
    assert bo.data("v2/room/get-rooms")


def test_the_repeat_concerns_only_the_user_whose_session_expired(sandbox_factory, connect) -> None:
    box = start(sandbox_factory, relogin_refusals=1)
    bo, limited = connect(box), connect(box, LIMITED_USER)
    box.admin.add_fault(FaultRule(endpoint="user/get-locations", kind=FaultKind.EXPIRE_SESSION))
    assert envelope(bo.call("user/get-locations"))["Result"] is False
    assert limited.data("v2/room/get-rooms")
    other = connect(box, LIMITED_USER)
    assert other.data("v2/room/get-rooms")


# ---------------------------------------------------------------- the moody dialect


def test_moody_turns_on_a_hard_combination_and_explicit_settings_win() -> None:
    moody = SandboxConfig(dialect="moody")
    assert (
        moody.read_error_every,
        moody.rate_limit_per_minute,
        moody.rate_limit_retry_after_s,
        moody.rate_limit_window_s,
        moody.relogin_refusals,
        moody.visibility_delay_s,
    ) == (5, 5, 5, 60.0, 1, 20.0)
    assert moody.session_max_calls > 0
    calmer = SandboxConfig(dialect="moody", read_error_every=0, visibility_delay_s=1)
    assert (calmer.read_error_every, calmer.visibility_delay_s, calmer.rate_limit_per_minute) == (
        0,
        1,
        5,
    )
    assert calmer.given() == {"dialect": "moody", "read_error_every": 0, "visibility_delay_s": 1}
    assert SandboxConfig(dialect="camel", read_error_every=3).rate_limit_per_minute == 60


def test_moods_follow_the_dialect_switched_at_runtime(box: EmbeddedSandbox) -> None:
    box.admin.configure(visibility_delay_s=4)
    config = box.admin.set_dialect("moody")
    assert (config["rate_limit_per_minute"], config["read_error_every"]) == (5, 5)
    assert config["visibility_delay_s"] == 4  # given earlier: kept
    config = box.admin.configure(dialect="course", read_error_every=7)
    assert (config["rate_limit_per_minute"], config["read_error_every"]) == (60, 7)
    assert config["visibility_delay_s"] == 4 and config["rate_limit_retry_after_s"] is None


class Patient:
    """A client that survives the moods the way issue 11 asks: reads retried on 500, rate limits waited
    out for a whole window at worst, a refused session logged into again (more than once)."""

    def __init__(self, bo: Backoffice, window_s: float) -> None:
        self.bo, self.window_s = bo, window_s

    def data(self, endpoint: str, **fields: Any) -> Any:
        for _ in range(40):
            response = self.bo.call(endpoint, **fields)
            payload = envelope(response) if response.status_code != 500 else {}
            message = str(payload.get("Message") or "")
            if response.status_code == 500:
                time.sleep(0.05)
            elif response.status_code == 429 or message.startswith("Too many requests"):
                time.sleep(self.window_s / 3)
            elif response.status_code == 401 or "session" in message.lower():
                self.bo.login()
            else:
                assert payload["Result"] is True, (endpoint, message)
                return payload["Data"]
        raise AssertionError(f"{endpoint} never answered")


@pytest.mark.parametrize("dialect", ["moody"])
def test_a_patient_client_completes_the_course_assessment_in_moody(
    dialect_sandbox: EmbeddedSandbox, dialect_ids, connect
) -> None:
    ids = dialect_ids
    bo = connect(dialect_sandbox, login=False)
    assert envelope(bo.login())["Result"] is True
    client = Patient(bo, FAST_MOODS["rate_limit_window_s"])
    assert len(client.data("user/get-locations")) >= 18
    assert any(ci(v, "VendorId") == ids.vendor_id for v in client.data("vendor/get-vendors"))
    assert any(ci(r, "RoomId") == ids.sales_floor_id for r in client.data("v2/room/get-rooms"))

    def sellable() -> dict[str, Decimal]:
        rows = client.data("preorder/inventory")
        return {ci(r, "Sku"): Decimal(str(ci(r, "Quantity"))) for r in rows}

    baseline = sellable()
    lines = [
        {"ProductId": pid, "Sku": sku, "Quantity": 3, "RoomId": ids.sales_floor_id}
        for pid, sku in ((ids.product_id, ids.sku), (ids.second_product_id, ids.second_sku))
    ]
    receipt = client.data(
        "v2/inventory/receive", VendorId=ids.vendor_id, Status="Received", Products=lines
    )
    assert receipt == ids.first_receive_id
    packages = client.data(
        "v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt
    )
    assert sorted(ci(p, "Sku") for p in packages) == sorted([ids.sku, ids.second_sku])
    now = datetime.now(ZoneInfo(ids.az_timezone)).replace(tzinfo=None, microsecond=0)
    rows = client.data(
        "v2/inventory/get-receive-history",
        StartDate=(now - timedelta(hours=1)).isoformat(),
        EndDate=(now + timedelta(hours=1)).isoformat(),
    )
    assert [ci(r, "Products") for r in rows if ci(r, "ReceiveInventoryHistoryId") == receipt] == [2]
    time.sleep(FAST_MOODS["visibility_delay_s"])  # new stock is sellable only after the delay
    after = sellable()
    assert all(after[s] - baseline[s] == 3 for s in (ids.sku, ids.second_sku))
    assert len(dialect_sandbox.admin.receives()) == 1
    served = dialect_sandbox.admin.state()["moods"]
    assert served["read_errors_served"] >= 1
