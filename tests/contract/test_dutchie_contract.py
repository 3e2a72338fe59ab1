"""The Dutchie connector against the sandbox over real loopback HTTP: the course, its traps, the faults.

The sandbox was written from the course independently of the connector, so these tests check that the
two readings of the course agree. Waits are never real: the connector gets a recording `sleep`, and the
pacer a fake clock, so rate limits and backoff are asserted rather than waited out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine, Location, Product, ReceiveDraft, Room, Vendor
from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie import ENDPOINTS, DutchieConnector
from intake_gui.pos.dutchie.wire import parse_receipt_id, receive_body
from intake_gui.pos.errors import (
    AuthenticationError,
    ConnectionFailed,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    PosError,
    RateLimited,
    RequestTimeout,
    ServerError,
    ValidationRejected,
)
from intake_gui.pos.http import RetryPolicy
from intake_gui.pos.pacer import Pacer
from intake_gui.sandbox import (
    LIMITED_USER,
    TRAINING_SECRET,
    TRAINING_USER,
    EmbeddedSandbox,
    FaultRule,
    SandboxConfig,
)

AZ_LOC = 1989
PALOMINO = 39195
SALES_FLOOR = 24772
VAULT = 24773
TOMMY_CHONG_ID = 11484902


class Stop(Exception):
    """Raised by a fake sleep to end a test at the moment the client decided to wait."""


class FakeTime:
    """The client's clock moves only when it sleeps: waits are recorded, never spent. (The sandbox's
    clock is real, so a test that needs the POS's window to pass uses real time; see the rate tests.)"""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sleeps(fake_time: FakeTime) -> list[float]:
    return fake_time.slept


@pytest.fixture
def connect(fake_time: FakeTime) -> Iterator[Callable[..., DutchieConnector]]:
    made: list[DutchieConnector] = []

    def make(sb: EmbeddedSandbox, user: str = TRAINING_USER, **kw: Any) -> DutchieConnector:
        options: dict[str, Any] = {
            "rate_per_minute": 0,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "timeout": 10.0,
        }
        options.update(kw)
        conn = DutchieConnector(sb.base_url, Credentials(user, TRAINING_SECRET), **options)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


def az_of(conn: DutchieConnector) -> Location:
    return next(loc for loc in conn.locations() if loc.loc_id == AZ_LOC)


def palomino(conn: DutchieConnector, az: Location) -> Vendor:
    return next(v for v in conn.vendors(az) if v.vendor_id == PALOMINO)


def room(conn: DutchieConnector, az: Location, room_id: int) -> Room:
    return next(r for r in conn.rooms(az) if r.room_id == room_id)


def line(product: Product, qty: int = 3) -> DraftLine:
    return DraftLine(
        product_id=product.product_id,
        sku=product.sku,
        name=product.name,
        quantity=qty,
        unit_cost=product.unit_cost or 0,
        unit_id=product.unit_id,
    )


TOMMY = Product(
    product_id=TOMMY_CHONG_ID, sku="3B4791", name="Tommy Chong Joint (H)", unit_cost=Decimal("4")
)


def simple_draft(
    conn: DutchieConnector, *, room_id: int = SALES_FLOOR, title: str = "Contract"
) -> ReceiveDraft:
    az = az_of(conn)
    return ReceiveDraft(
        location=az,
        vendor=palomino(conn, az),
        room=room(conn, az, room_id),
        title=title,
        lines=(line(TOMMY),),
    )


def sellable_qty(conn: DutchieConnector, az: Location, skus: list[str]) -> dict[str, Decimal]:
    found = {s.sku: s.quantity for s in conn.sellable_inventory(az, skus)}
    return {sku: found.get(sku, Decimal(0)) for sku in skus}


def committed(sb: EmbeddedSandbox) -> list[dict[str, Any]]:
    return sb.admin.receives()


# ------------------------------------------------------------------ the course's final assessment


def test_final_assessment_end_to_end(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    # 1. Authenticate and see at least 18 locations.
    locations = conn.locations()
    assert len(locations) >= 18
    az = next(loc for loc in locations if loc.loc_id == AZ_LOC)
    assert az.timezone == "America/Phoenix" and az.lsp_id == 575

    # 2. A vendor, an inventory room, two cannabis products.
    vendor = palomino(conn, az)
    assert vendor.name == "PALOMINO PRINTING"
    rooms = conn.rooms(az)
    assert len(rooms) == 4
    floor = next(r for r in rooms if r.room_id == SALES_FLOOR)
    assert floor.name == "Sales Floor" and floor.eligible and floor.sellable
    progress: list[tuple[int, int]] = []
    products = conn.products(az, progress=lambda done, total: progress.append((done, total)))
    assert len(products) == 17000
    assert progress and progress[-1][0] > 1_000_000 and progress[-1][0] == progress[-1][1]
    joint = next(p for p in products if p.product_id == TOMMY_CHONG_ID)
    assert joint.sku == "3B4791" and len(joint.gtin) == 14
    other = next(
        p for p in products if p.is_cannabis and p.category == "Flower" and p.sku != joint.sku
    )
    skus = [joint.sku, other.sku]
    baseline = sellable_qty(conn, az, skus)

    # 3. Receive 3 of each; capture the ReceiveInventoryHistoryId.
    draft = ReceiveDraft(
        location=az,
        vendor=vendor,
        room=floor,
        title="Final assessment",
        delivered_by="Juan",
        lines=(line(joint), line(other)),
    )
    before = datetime.now(UTC) - timedelta(hours=1)
    receipt = conn.receive(draft)
    assert isinstance(receipt, int) and receipt >= 1379127

    # 4a. Two new packages, each 3, in the Sales Floor.
    packages = conn.packages_for_receipt(az, receipt)
    assert sorted(p.sku for p in packages) == sorted(skus)
    assert all(p.quantity == 3 and p.room_name == "Sales Floor" for p in packages)
    assert all(p.receipt_id in (None, receipt) for p in packages)
    # 4b. A history row with Products: 2, our vendor and the title carrying the token.
    history = conn.receipt_history(az, before, datetime.now(UTC) + timedelta(hours=1))
    row = next(r for r in history if r.receipt_id == receipt)
    assert row.status == "Received" and row.product_count == 2
    assert row.vendor_name == "PALOMINO PRINTING" and row.title == draft.wire_title
    assert draft.token in row.title
    # 4c. Both SKUs sellable at +3.
    after = sellable_qty(conn, az, skus)
    assert {sku: after[sku] - baseline[sku] for sku in skus} == {sku: 3 for sku in skus}

    (only,) = committed(sandbox)
    assert only["order_title"] == draft.wire_title and only["line_count"] == 2


def test_mastery_packages_in_a_non_sellable_room(sandbox: EmbeddedSandbox, connect: Any) -> None:
    """Step 5: packages and history fine, sellable unchanged -> the packages sit in a non-sellable room."""
    conn = connect(sandbox)
    draft = simple_draft(conn, room_id=VAULT)
    az = draft.location
    baseline = sellable_qty(conn, az, [TOMMY.sku])
    receipt = conn.receive(draft)
    (package,) = conn.packages_for_receipt(az, receipt)
    assert package.room_name == "Vault" and package.quantity == 3
    assert sellable_qty(conn, az, [TOMMY.sku]) == baseline


# ------------------------------------------------------------------ every course failure


def test_missing_status_is_the_sql_error_as_validation_rejected(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    body = receive_body(draft)
    del body["Status"]
    with pytest.raises(ValidationRejected) as info:
        conn.call(ENDPOINTS.receive, draft.location, body, write=True)
    assert "Cannot insert the value NULL into column 'Status'" in info.value.pos_message
    assert committed(sandbox) == []


def test_lines_without_room_are_an_orphaned_receive(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn, title="Orphan")
    az = draft.location
    baseline = sellable_qty(conn, az, [TOMMY.sku])
    body = receive_body(draft)
    for item in body["Products"]:
        del item["RoomId"]
    receipt = parse_receipt_id(conn.call(ENDPOINTS.receive, az, body, write=True))
    assert conn.packages_for_receipt(az, receipt) == []
    assert sellable_qty(conn, az, [TOMMY.sku]) == baseline
    now = datetime.now(UTC)
    rows = conn.receipt_history(az, now - timedelta(hours=1), now + timedelta(hours=1))
    assert any(r.receipt_id == receipt for r in rows)  # "succeeded", yet nothing reached stock
    # Our own body builder never produces that: RoomId is on every line.
    assert all(item["RoomId"] == SALES_FLOOR for item in receive_body(draft)["Products"])


def test_id_instead_of_receive_inventory_history_id_reads_empty(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    receipt = conn.receive(draft)
    wrong = conn.call(ENDPOINTS.packages, draft.location, {"LocId": AZ_LOC, "Id": receipt})
    assert wrong == []
    assert len(conn.packages_for_receipt(draft.location, receipt)) == 1


def test_v2_vendor_path_is_not_found(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    az = az_of(conn)
    with pytest.raises(NotFound):
        conn.call("v2/vendor/get-vendors", az, {"LocId": AZ_LOC})
    assert any(v.vendor_id == PALOMINO for v in conn.vendors(az))


def test_not_permitted_is_permission_denied_and_not_fatal(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    limited = connect(sandbox, user=LIMITED_USER)
    az = az_of(limited)
    with pytest.raises(PermissionDenied):
        limited.sellable_inventory(az)
    assert limited.vendors(az)  # the same login still works for what it may do
    trainer = connect(sandbox)
    with pytest.raises(PermissionDenied):
        trainer.call("product-master/get-product-master", az, {"LspId": az.lsp_id})


def test_il_and_oh_sandboxes_have_no_rooms(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    by_id = {loc.loc_id: loc for loc in conn.locations()}
    assert conn.rooms(by_id[2862]) == []
    assert conn.rooms(by_id[2869]) == []
    assert len(conn.rooms(by_id[AZ_LOC])) == 4


def test_duplicate_vendor_names_keep_distinct_ids(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    vendors = conn.vendors(az_of(conn))
    names = [v.name for v in vendors]
    twins = [v for v in vendors if names.count(v.name) > 1]
    assert len({v.vendor_id for v in twins}) == len(twins) >= 2
    assert len({v.label for v in twins}) == len(twins)


# ------------------------------------------------------------------ rate limit, both forms


def test_rate_limit_never_gives_up_before_a_full_window(
    sandbox_factory: Any, connect: Any, sleeps: list[float]
) -> None:
    """With the client's time frozen the POS's window never passes: Intake keeps waiting (on paper)
    until a full window has been waited out, then says what the POS said."""
    sb = sandbox_factory(SandboxConfig(rate_limit_per_minute=5))
    conn = connect(sb)
    az = az_of(conn)  # login is not counted; this is request 1 of 5
    for _ in range(4):
        conn.rooms(az)
    with pytest.raises(RateLimited) as info:
        conn.rooms(az)  # refused in both forms, alternately
    err = info.value
    assert err.waited_s >= 60 and sum(sleeps) >= 60
    assert "only 5 per minute" in err.message and "60 a minute" not in err.message
    assert err.limit_per_window == 5
    refused = sb.admin.state()["counters"]["v2/room/get-rooms"]["rate_limited"]
    assert 2 <= refused <= 6  # the waits grow; the POS is not hammered

    # A write under the limit is refused definitely and never lands.
    sleeps.clear()
    with pytest.raises(RateLimited):
        conn.receive(
            ReceiveDraft(
                location=az,
                vendor=Vendor(vendor_id=PALOMINO, name="PALOMINO PRINTING"),
                room=Room(
                    room_id=SALES_FLOOR, name="Sales Floor", inventory_room=True, pos_room=True
                ),
                title="Too fast",
                lines=(line(TOMMY),),
            )
        )
    assert committed(sb) == []


def test_rate_limit_with_pacer_waits_instead_of_being_refused(
    sandbox_factory: Any, connect: Any
) -> None:
    sb = sandbox_factory(SandboxConfig(rate_limit_per_minute=5))
    now = [0.0]
    waits: list[float] = []

    def stop_on_wait(seconds: float) -> None:
        waits.append(seconds)
        raise Stop

    pacer = Pacer(5, clock=lambda: now[0])
    conn = connect(sb, pacer=pacer, sleep=stop_on_wait)
    az = az_of(conn)  # pacer slots 1-2 (login, locations)
    for _ in range(3):
        now[0] += 1.0
        conn.rooms(az)  # slots 3-5
    with pytest.raises(Stop):
        conn.rooms(az)  # the sixth request in a minute waits on our side
    assert waits == [pytest.approx(57.0)]  # until the login slot (t=0) ages out; now t=3
    state = sb.admin.state()["counters"]
    assert all("rate_limited" not in c for c in state.values())


def test_shared_pacer_spans_connectors_of_one_login(sandbox: EmbeddedSandbox) -> None:
    a = DutchieConnector(
        sandbox.base_url, Credentials(TRAINING_USER, TRAINING_SECRET), rate_per_minute=60
    )
    b = DutchieConnector(
        sandbox.base_url, Credentials(TRAINING_USER, TRAINING_SECRET), rate_per_minute=60
    )
    try:
        assert a._http.pacer is b._http.pacer is not None
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ sessions


class DictCache:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def load(self, key: str) -> str | None:
        return self.values.get(key)

    def save(self, key: str, value: str) -> None:
        self.values[key] = value

    def clear(self, key: str) -> None:
        self.values.pop(key, None)


def logins(sb: EmbeddedSandbox) -> int:
    return sb.admin.state()["counters"].get("user/login", {}).get("requests", 0)


def test_session_cached_reused_and_relogged_after_expiry(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    cache = DictCache()
    first = connect(sandbox, session_cache=cache)
    az = az_of(first)
    assert logins(sandbox) == 1
    second = connect(sandbox, session_cache=cache)
    assert second.rooms(az)
    assert logins(sandbox) == 1  # the cached session was reused

    for expected in (2, 3):  # the sandbox alternates 401 and 200 "Invalid session" forms
        sandbox.admin.expire_sessions()
        assert len(second.rooms(az)) == 4
        assert logins(sandbox) == expected
    rejected = sandbox.admin.state()["counters"]["v2/room/get-rooms"]["session_rejected"]
    assert rejected == 2


def test_expired_session_during_a_write_is_relogged_and_lands_once(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    sandbox.admin.expire_sessions()
    receipt = conn.receive(draft)
    (only,) = committed(sandbox)
    assert only["id"] == receipt


def test_expire_session_fault_then_forget(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    az = az_of(conn)
    sandbox.admin.add_fault(FaultRule(endpoint="v2/room/get-rooms", kind="expire_session"))
    assert len(conn.rooms(az)) == 4
    assert logins(sandbox) == 2
    conn.forget_session()
    conn.rooms(az)
    assert logins(sandbox) == 3


def test_wrong_password_and_secrets_stay_out_of_logs(
    sandbox: EmbeddedSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="intake_gui")
    wrong = "wrong-" + TRAINING_SECRET
    conn = DutchieConnector(sandbox.base_url, Credentials(TRAINING_USER, wrong), rate_per_minute=0)
    with pytest.raises(AuthenticationError) as info:
        conn.login()
    conn.close()
    text = " ".join([str(info.value), repr(info.value), info.value.detail, caplog.text])
    assert "Invalid username or password" in info.value.detail
    assert wrong not in text

    good = DutchieConnector(
        sandbox.base_url, Credentials(TRAINING_USER, TRAINING_SECRET), rate_per_minute=0
    )
    good.login()
    sid = good._session.session_id  # type: ignore[union-attr]
    good.rooms(az_of(good))
    good.close()
    assert sid not in caplog.text and TRAINING_SECRET not in caplog.text


# ------------------------------------------------------------------ faults -> error classes


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
        ({"kind": "drop_before", "times": -1}, ConnectionFailed),
        ({"kind": "rate_limit_429", "times": -1, "retry_after_s": 2}, RateLimited),
        ({"kind": "rate_limit_200", "times": -1}, RateLimited),
    ],
)
def test_read_faults_map_to_error_classes(
    sandbox: EmbeddedSandbox, connect: Any, rule: dict[str, Any], error: type
) -> None:
    conn = connect(sandbox, retry=RetryPolicy(max_attempts=2))
    az = az_of(conn)
    sandbox.admin.set_faults([{"endpoint": "v2/room/get-rooms", **rule}])
    with pytest.raises(error) as info:
        conn.rooms(az)
    assert type(info.value) is error
    assert info.value.endpoint == "v2/room/get-rooms"


@pytest.mark.parametrize(
    "kind",
    ["http_error", "rate_limit_429", "rate_limit_200", "drop_before", "latency", "expire_session"],
)
def test_reads_recover_from_one_fault(
    sandbox: EmbeddedSandbox, connect: Any, sleeps: list[float], kind: str
) -> None:
    conn = connect(sandbox, timeout=3.0)
    az = az_of(conn)
    rule = {"endpoint": "v2/room/get-rooms", "kind": kind, "status": 503, "latency_ms": 0}
    if kind == "latency":
        rule["latency_ms"] = 50
    sandbox.admin.set_faults([rule])
    assert len(conn.rooms(az)) == 4
    # Backoff only where the fault refused: latency is just slow, a dead session is a re-login.
    assert len(sleeps) == (0 if kind in ("latency", "expire_session") else 1)


def test_read_timeout_is_request_timeout(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox, timeout=0.3, retry=RetryPolicy(max_attempts=2))
    az = az_of(conn)
    sandbox.admin.set_faults(
        [{"endpoint": "v2/room/get-rooms", "kind": "hang", "latency_ms": 800, "times": -1}]
    )
    with pytest.raises(RequestTimeout):
        conn.rooms(az)


def wait_for_receives(
    sb: EmbeddedSandbox, count: int, timeout: float = 5.0
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        rows = committed(sb)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


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
    draft = simple_draft(conn)
    sandbox.admin.set_faults([{"endpoint": "v2/inventory/receive", **rule}])
    with pytest.raises(OutcomeUnknown):
        conn.receive(draft)
    assert sandbox.admin.state()["counters"]["v2/inventory/receive"]["requests"] == 1
    assert sleeps == []
    rows = wait_for_receives(sandbox, 1 if lands else 0, timeout=3.0 if lands else 0.0)
    assert len(rows) == (1 if lands else 0)
    sandbox.admin.clear_faults()
    now = datetime.now(UTC)
    history = conn.receipt_history(
        draft.location, now - timedelta(hours=1), now + timedelta(hours=1)
    )
    assert any(draft.token in r.title for r in history) is lands


def test_write_never_sent_is_retried_and_lands_once(
    sandbox: EmbeddedSandbox, connect: Any, sleeps: list[float]
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    sandbox.admin.set_faults(
        [{"endpoint": "v2/inventory/receive", "kind": "rate_limit_429", "retry_after_s": 1}]
    )
    receipt = conn.receive(draft)
    assert sleeps == [1.0]
    (only,) = committed(sandbox)
    assert only["id"] == receipt


def test_write_refused_for_permission_is_definite(sandbox: EmbeddedSandbox, connect: Any) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    sandbox.admin.set_faults([{"endpoint": "v2/inventory/receive", "kind": "not_permitted"}])
    with pytest.raises(PermissionDenied):
        conn.receive(draft)
    assert committed(sandbox) == []


@pytest.mark.parametrize("kind", ["rate_limit_200", "rate_limit_429"])
def test_write_refused_for_the_rate_limit_waits_and_lands_once(
    sandbox: EmbeddedSandbox, connect: Any, kind: str
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    sandbox.admin.set_faults([{"endpoint": "v2/inventory/receive", "kind": kind, "times": 2}])
    receipt = conn.receive(draft)
    (only,) = committed(sandbox)
    assert only["id"] == receipt


def test_write_refused_for_the_rate_limit_for_good_is_rate_limited_and_never_lands(
    sandbox: EmbeddedSandbox, connect: Any
) -> None:
    conn = connect(sandbox)
    draft = simple_draft(conn)
    sandbox.admin.set_faults(
        [{"endpoint": "v2/inventory/receive", "kind": "rate_limit_429", "times": -1}]
    )
    with pytest.raises(RateLimited):
        conn.receive(draft)
    assert committed(sandbox) == []


def test_every_error_is_a_pos_error(sandbox: EmbeddedSandbox, connect: Any) -> None:
    """Whatever a fault does, nothing but our hierarchy escapes (no KeyError, no httpx errors)."""
    conn = connect(sandbox, timeout=0.3, retry=RetryPolicy(max_attempts=1))
    az = az_of(conn)
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
