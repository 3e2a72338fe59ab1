"""The Dutchie connector against the sandbox over real loopback HTTP: the course and its traps, in every
calm dialect (the `moody` dialect's moods are exercised in test_dutchie_moods.py, where every dialect gets
them explicitly).

The sandbox was written from the course independently of the connector, so these tests check that the
two readings of the course agree; the dialects check that the connector does not depend on one shape.
Waits are never real here: the connector gets a fake clock.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie import ENDPOINTS, DutchieConnector
from intake_gui.pos.dutchie.wire import parse_receipt_id, receive_body
from intake_gui.pos.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
)
from intake_gui.sandbox import BusinessIds, EmbeddedSandbox, FaultRule
from tests.contract.conftest import (
    CALM,
    az_of,
    committed,
    history_around_now,
    logins,
    receive_flow,
    sellable_qty,
    simple_draft,
)

pytestmark = pytest.mark.parametrize("dialect", CALM)


class DictCache:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def load(self, key: str) -> str | None:
        return self.values.get(key)

    def save(self, key: str, value: str) -> None:
        self.values[key] = value

    def clear(self, key: str) -> None:
        self.values.pop(key, None)


# ------------------------------------------------------------------ the course's final assessment


def test_final_assessment_end_to_end(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    ids = dialect_ids
    conn = connect(dialect_sandbox)
    # 1. Authenticate and see at least 18 locations.
    locations = conn.locations()
    assert len(locations) >= 18
    az = next(loc for loc in locations if loc.loc_id == ids.az_loc_id)
    assert az.lsp_id == ids.lsp_id
    # 2-3. A vendor, an inventory room, two products; receive 3 of each (see receive_flow).
    progress: list[tuple[int, int]] = []
    assert len(conn.products(az, progress=lambda d, t: progress.append((d, t)))) == 17000
    assert progress and progress[-1][0] == progress[-1][1] > 1_000_000
    flow = receive_flow(conn, ids, title="Final assessment")
    assert len(flow.rooms) == 4
    floor = next(r for r in flow.rooms if r.room_id == ids.sales_floor_id)
    assert floor.eligible and floor.sellable
    assert flow.vendor.name == ids.vendor_name
    # 4a. Two new packages, each 3, in the Sales Floor.
    assert sorted(p.sku for p in flow.packages) == sorted([ids.sku, ids.second_sku])
    assert all(p.quantity == 3 and p.room_id == ids.sales_floor_id for p in flow.packages)
    # 4b. A history row with Products: 2 and the title carrying the token.
    row = flow.history
    assert row.status == "Received" and row.product_count == 2
    assert row.vendor_id == ids.vendor_id or row.vendor_name == ids.vendor_name
    # 4c. Both SKUs sellable at +3.
    assert flow.sellable_delta == {ids.sku: 3, ids.second_sku: 3}
    (only,) = committed(dialect_sandbox)
    assert only["line_count"] == 2 and "[IN-" in only["order_title"]


def test_mastery_packages_in_a_non_sellable_room(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    """Step 5: packages and history fine, sellable unchanged -> the packages sit in a non-sellable room."""
    conn = connect(dialect_sandbox)
    draft = simple_draft(conn, dialect_ids, room_id=dialect_ids.vault_id)
    az = draft.location
    baseline = sellable_qty(conn, az, [dialect_ids.sku])
    receipt = conn.receive(draft)
    (package,) = conn.packages_for_receipt(az, receipt)
    assert package.room_id == dialect_ids.vault_id and package.quantity == 3
    assert sellable_qty(conn, az, [dialect_ids.sku]) == baseline


# ------------------------------------------------------------------ every course failure


def test_lines_without_room_are_an_orphaned_receive(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    draft = simple_draft(conn, dialect_ids, title="Orphan")
    az = draft.location
    baseline = sellable_qty(conn, az, [dialect_ids.sku])
    body = receive_body(draft)
    for item in body["Products"]:
        del item["RoomId"]
    receipt = parse_receipt_id(conn.call(ENDPOINTS.receive, az, body, write=True))
    assert conn.packages_for_receipt(az, receipt) == []
    assert sellable_qty(conn, az, [dialect_ids.sku]) == baseline
    assert any(r.receipt_id == receipt for r in history_around_now(conn, az))
    # Our own body builder never produces that: RoomId is on every line.
    assert all(
        item["RoomId"] == dialect_ids.sales_floor_id for item in receive_body(draft)["Products"]
    )


def test_id_instead_of_receive_inventory_history_id_reads_empty(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    draft = simple_draft(conn, dialect_ids)
    receipt = conn.receive(draft)
    wrong = conn.call(
        ENDPOINTS.packages, draft.location, {"LocId": dialect_ids.az_loc_id, "Id": receipt}
    )
    assert wrong == []
    assert len(conn.packages_for_receipt(draft.location, receipt)) == 1


def test_v2_vendor_path_is_not_found(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    az = az_of(conn, dialect_ids)
    with pytest.raises(NotFound):
        conn.call("v2/vendor/get-vendors", az, {"LocId": az.loc_id})
    assert any(v.vendor_id == dialect_ids.vendor_id for v in conn.vendors(az))


def test_not_permitted_is_permission_denied_and_not_fatal(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    limited = connect(dialect_sandbox, user=dialect_ids.limited_user)
    az = az_of(limited, dialect_ids)
    with pytest.raises(PermissionDenied) as info:
        limited.sellable_inventory(az)
    assert "not permitted" in info.value.pos_message
    assert limited.vendors(az)  # the same login still works for what it may do
    trainer = connect(dialect_sandbox)
    with pytest.raises(PermissionDenied):
        trainer.call("product-master/get-product-master", az, {"LspId": az.lsp_id})


def test_il_and_oh_sandboxes_have_no_rooms(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    by_id = {loc.loc_id: loc for loc in conn.locations()}
    assert conn.rooms(by_id[dialect_ids.il_loc_id]) == []
    assert conn.rooms(by_id[dialect_ids.oh_loc_id]) == []
    assert len(conn.rooms(by_id[dialect_ids.az_loc_id])) == 4


def test_duplicate_vendor_names_keep_distinct_ids(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    vendors = {v.vendor_id: v for v in conn.vendors(az_of(conn, dialect_ids))}
    a, b = (vendors[i] for i in dialect_ids.twin_vendor_ids)
    assert a.name == b.name and a.label != b.label


def test_locations_path_is_reported(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    conn.locations()
    assert conn.locations_source is not None
    assert conn.locations_source.kind in ("login", "table")


# ------------------------------------------------------------------ sessions


def test_session_cached_reused_and_relogged_after_expiry(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    cache = DictCache()
    first = connect(dialect_sandbox, session_cache=cache)
    az = az_of(first, dialect_ids)
    assert logins(dialect_sandbox) == 1
    second = connect(dialect_sandbox, session_cache=cache)
    assert second.rooms(az)
    assert logins(dialect_sandbox) == 1  # the cached session was reused

    for expected in (2, 3):  # the sandbox alternates 401 and 200 "Invalid session" forms
        dialect_sandbox.admin.expire_sessions()
        assert len(second.rooms(az)) == 4
        assert logins(dialect_sandbox) == expected
    counters = dialect_sandbox.admin.state()["counters"]["v2/room/get-rooms"]
    assert counters["session_rejected"] == 2


def test_expired_session_during_a_write_is_relogged_and_lands_once(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    draft = simple_draft(conn, dialect_ids)
    dialect_sandbox.admin.expire_sessions()
    receipt = conn.receive(draft)
    (only,) = committed(dialect_sandbox)
    assert only["id"] == receipt


def test_expire_session_fault_then_forget(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    az = az_of(conn, dialect_ids)
    dialect_sandbox.admin.add_fault(FaultRule(endpoint="v2/room/get-rooms", kind="expire_session"))
    assert len(conn.rooms(az)) == 4
    assert logins(dialect_sandbox) == 2
    conn.forget_session()
    conn.rooms(az)
    assert logins(dialect_sandbox) == 3


def test_wrong_password_and_secrets_stay_out_of_logs(
    dialect_sandbox: EmbeddedSandbox,
    dialect_ids: BusinessIds,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="intake_gui")
    ids = dialect_ids
    wrong = "wrong-" + ids.secret
    conn = DutchieConnector(
        dialect_sandbox.base_url, Credentials(ids.user, wrong), rate_per_minute=0
    )
    with pytest.raises(AuthenticationError) as info:
        conn.login()
    conn.close()
    text = " ".join(
        [str(info.value), repr(info.value), info.value.detail, info.value.pos_message, caplog.text]
    )
    assert "Invalid username or password" in info.value.pos_message
    assert wrong not in text

    good = DutchieConnector(
        dialect_sandbox.base_url, Credentials(ids.user, ids.secret), rate_per_minute=0
    )
    good.login()
    sid = good._session.session_id  # type: ignore[union-attr]
    good.rooms(az_of(good, ids))
    good.close()
    assert sid not in caplog.text and ids.secret not in caplog.text


def test_quantities_are_exact_decimals(
    dialect_sandbox: EmbeddedSandbox, dialect_ids: BusinessIds, connect: Any
) -> None:
    conn = connect(dialect_sandbox)
    az = az_of(conn, dialect_ids)
    quantities = sellable_qty(conn, az, [dialect_ids.sku])
    assert isinstance(quantities[dialect_ids.sku], Decimal)
