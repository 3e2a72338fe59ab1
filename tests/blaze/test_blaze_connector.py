"""The BLAZE connector against the BLAZE emulator over loopback HTTP: the contract, paging, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room
from intake_gui.pos.blaze import endpoints as E
from intake_gui.pos.blaze.connector import BlazeConnector
from intake_gui.pos.errors import (
    AuthenticationError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ValidationRejected,
)
from intake_gui.pos.waits import WaitNotice
from intake_gui.sandbox.blaze import (
    LIMITED_PARTNER_KEY,
    SHOP_DEVELOPER_KEYS,
    TRAINING_DEVELOPER_KEY,
    TRAINING_PARTNER_KEY,
    BlazeConfig,
)
from intake_gui.sandbox.blaze.seed import DAY_MS

from .conftest import Served


def _setup(conn: BlazeConnector) -> tuple[Location, dict[str, Room]]:
    (loc,) = conn.locations()
    return loc, {r.name: r for r in conn.rooms(loc)}


def _draft(
    conn: BlazeConnector, loc: Location, room: Room, lines: int, qty: int = 3
) -> ReceiveDraft:
    products = conn.products(loc)[:lines]
    vendor = conn.vendors(loc)[0]
    return ReceiveDraft(
        location=loc,
        vendor=vendor,
        room=room,
        title="Invoice 4411",
        lines=tuple(
            DraftLine(
                product_id=p.product_id, sku=p.sku, name=p.name, quantity=qty, unit_cost="2.5"
            )
            for p in products
        ),
    )


def test_location_is_the_key_shop_and_rooms_say_which_sell(conn: BlazeConnector) -> None:
    loc, rooms = _setup(conn)
    assert (
        loc.name == "Green Leaf — Denver" and loc.state == "CO" and loc.timezone == "America/Denver"
    )
    assert set(rooms) == {"Safe", "Sales floor", "Quarantine"}
    assert rooms["Sales floor"].sellable and rooms["Sales floor"].eligible
    assert not rooms["Safe"].sellable and rooms["Safe"].eligible
    assert conn.user_name == "BLAZE API (Green Leaf — Denver)"


def test_ids_are_the_same_integers_for_every_connector(
    connector_for: Callable[..., BlazeConnector],
) -> None:
    one, two = connector_for(), connector_for()
    loc1, rooms1 = _setup(one)
    loc2, rooms2 = _setup(two)
    assert loc1 == loc2 and rooms1 == rooms2
    assert [p.product_id for p in one.products(loc1)] == [p.product_id for p in two.products(loc2)]
    assert all(0 < p.product_id < 2**63 for p in one.products(loc1))


def test_products_follow_paging_to_the_end_of_a_2000_item_catalog(
    blaze_server: Callable[..., Served],
) -> None:
    served = blaze_server(BlazeConfig(batches_per_shop=10))
    conn = BlazeConnector(
        served.base_url, TRAINING_PARTNER_KEY, TRAINING_DEVELOPER_KEY, rate_per_minute=0
    )
    try:
        (loc,) = conn.locations()
        seen: list[tuple[int, int]] = []
        products = conn.products(loc, progress=lambda done, total: seen.append((done, total)))
    finally:
        conn.close()
    assert len(products) == 2000 and len({p.sku for p in products}) == 2000
    starts = [int(q["start"]) for q in served.calls("/api/v1/partner/products")]
    assert starts == list(range(0, 2000, 100))
    assert seen[-1] == (2000, 2000) and len(seen) == 20
    assert sum(1 for p in products if p.gtin) > 1000
    assert all(len(p.gtin) == 14 for p in products if p.gtin)


def test_receive_250_lines_reads_back_in_three_pages(conn: BlazeConnector, blaze: Served) -> None:
    loc, rooms = _setup(conn)
    draft = _draft(conn, loc, rooms["Safe"], 250)
    receipt = conn.receive(draft)
    assert receipt == int(draft.token[3:], 16)

    before = len(blaze.calls("/store/batches"))
    packages = conn.packages_for_receipt(loc, receipt)
    pages = blaze.calls("/store/batches")[before:]
    assert [int(q["start"]) for q in pages] == [0, 100, 200]
    assert all(q["term"] == draft.token for q in pages)
    assert len(packages) == 250 and {p.sku for p in packages} == {ln.sku for ln in draft.lines}
    assert all(p.receipt_id == receipt and p.room_name == "Safe" for p in packages)
    assert all(p.quantity == 3 for p in packages)

    now = datetime.now()
    rows = conn.receipt_history(loc, now - timedelta(days=1), now + timedelta(days=1))
    (mine,) = [r for r in rows if f"[{draft.token}]" in r.title]
    assert mine.receipt_id == receipt and mine.product_count == 250 and mine.total_quantity == 750
    assert mine.vendor_id == draft.vendor.vendor_id


def test_receive_writes_the_documented_batch_fields(conn: BlazeConnector, blaze: Served) -> None:
    loc, rooms = _setup(conn)
    base = _draft(conn, loc, rooms["Sales floor"], 1)
    line = base.lines[0].model_copy(
        update={"package_tag": "1A4000000000000000000123", "lot": "L-9"}
    )
    draft = base.model_copy(update={"lines": (line,), "note": "Boxes dented"})
    conn.receive(draft)
    (batch,) = [
        b for b in blaze.state.world["batches"].values() if draft.token in (b["poNumber"] or "")
    ]
    assert batch["poNumber"] == draft.wire_title
    assert batch["externalId"] == f"{draft.token}:{line.line_id}"
    assert batch["trackPackageLabel"] == line.package_tag and batch["lotId"] == "L-9"
    assert batch["costPerUnit"] == 2.5 and batch["quantity"] == 3
    assert batch["referenceNote"] == {"message": "Boxes dented"}


def test_receiving_the_same_draft_twice_books_it_once(conn: BlazeConnector, blaze: Served) -> None:
    loc, rooms = _setup(conn)
    draft = _draft(conn, loc, rooms["Safe"], 4)
    first = conn.receive(draft)
    assert conn.receive(draft) == first
    assert len(conn.packages_for_receipt(loc, first)) == 4


class _DropSecondBatchAnswer(httpx.BaseTransport):
    """Sends every request, but loses the answer to the second batch creation (the write landed)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.creates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resp = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/store/batches"):
            self.creates += 1
            if self.creates == 2:
                resp.read()
                raise httpx.ReadTimeout("answer lost", request=request)
        return resp

    def close(self) -> None:
        self.inner.close()


def test_a_lost_answer_mid_receive_is_outcome_unknown_and_a_resend_completes_it(
    connector_for: Callable[..., BlazeConnector],
) -> None:
    flaky = connector_for(transport=_DropSecondBatchAnswer())
    loc, rooms = _setup(flaky)
    draft = _draft(flaky, loc, rooms["Safe"], 4)
    with pytest.raises(OutcomeUnknown) as caught:
        flaky.receive(draft)
    assert "1 of 4 lines confirmed" in caught.value.message
    clean = connector_for()
    receipt = clean.receive(draft)
    packages = clean.packages_for_receipt(loc, receipt)
    assert sorted(p.sku for p in packages) == sorted(ln.sku for ln in draft.lines)  # none twice


class _RefuseCreate(httpx.BaseTransport):
    """Passes everything through except batch creation number `n`, which BLAZE refuses with a 400."""

    def __init__(self, n: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.n = n
        self.creates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/store/batches"):
            self.creates += 1
            if self.creates == self.n:
                body = {
                    "error": "Invalid argument",
                    "message": "Batch limit reached",
                    "status": 400,
                }
                return httpx.Response(400, json=body, request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_refusal_after_some_lines_landed_is_outcome_unknown_not_failed(
    connector_for: Callable[..., BlazeConnector],
) -> None:
    conn = connector_for(transport=_RefuseCreate(3))
    loc, rooms = _setup(conn)
    draft = _draft(conn, loc, rooms["Safe"], 4)
    with pytest.raises(OutcomeUnknown) as caught:
        conn.receive(draft)
    assert "2 of 4 lines reached BLAZE" in caught.value.message
    assert isinstance(caught.value.cause, ValidationRejected)
    assert caught.value.cause.pos_message == "Batch limit reached"
    assert len(connector_for().packages_for_receipt(loc, int(draft.token[3:], 16))) == 2


def test_a_refusal_of_the_first_line_is_a_plain_refusal(
    connector_for: Callable[..., BlazeConnector],
) -> None:
    conn = connector_for(transport=_RefuseCreate(1))
    loc, rooms = _setup(conn)
    with pytest.raises(ValidationRejected, match="Batch limit reached"):
        conn.receive(_draft(conn, loc, rooms["Safe"], 2))


def test_a_line_whose_product_blaze_does_not_know_is_refused_before_anything_is_sent(
    conn: BlazeConnector, blaze: Served
) -> None:
    loc, rooms = _setup(conn)
    draft = _draft(conn, loc, rooms["Safe"], 2)
    ghost = draft.lines[0].model_copy(update={"product_id": 12345, "sku": "GHOST"})
    before = len(blaze.state.world["batches"])
    with pytest.raises(ValidationRejected, match="GHOST"):
        conn.receive(draft.model_copy(update={"lines": (*draft.lines, ghost)}))
    assert len(blaze.state.world["batches"]) == before


def test_history_reads_long_ranges_in_7_day_windows(conn: BlazeConnector, blaze: Served) -> None:
    loc, _ = _setup(conn)
    end = datetime.now().replace(microsecond=0) + timedelta(hours=1)
    start = end - timedelta(days=30)
    before = len(blaze.calls("/dates/purchaseDate"))
    rows = conn.receipt_history(loc, start, end)
    windows = blaze.calls("/dates/purchaseDate")[before:]
    assert len(windows) >= math.ceil(30 / 7)
    assert all(int(q["endDate"]) - int(q["startDate"]) <= 7 * DAY_MS for q in windows)
    start_ms, end_ms = int(windows[0]["startDate"]), int(windows[-1]["endDate"])
    shop = next(s for s in blaze.state.world["shops"].values() if s["developerKeyIndex"] == 0)
    expected = {
        b["id"]
        for b in blaze.state.world["batches"].values()
        if b["shopId"] == shop["id"] and start_ms <= b["purchasedDate"] <= end_ms
    }
    assert sum(r.product_count for r in rows) == len(expected) > 0
    assert [r.received_at for r in rows] == sorted(r.received_at for r in rows)


def test_the_servers_7_day_rule_surfaces_as_invalid_request(
    conn: BlazeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    loc, _ = _setup(conn)
    monkeypatch.setattr(E, "MAX_RANGE_DAYS", 30)
    now = datetime.now()
    with pytest.raises(InvalidRequest, match="7 days"):
        conn.receipt_history(loc, now - timedelta(days=20), now)


def test_sellable_is_only_what_sits_in_sellable_rooms(conn: BlazeConnector, blaze: Served) -> None:
    loc, rooms = _setup(conn)
    floor = _draft(conn, loc, rooms["Sales floor"], 2, qty=5)
    skus = [ln.sku for ln in floor.lines]
    before = {i.sku: i.quantity for i in conn.sellable_inventory(loc, skus)}
    conn.receive(floor)
    after = conn.sellable_inventory(loc, skus)
    assert {i.sku for i in after} == set(skus)
    assert all(i.room_name == "Sales floor" for i in after)
    for item in after:
        assert item.quantity == before.get(item.sku, 0) + 5

    everything = conn.sellable_inventory(loc)
    shop = next(s for s in blaze.state.world["shops"].values() if s["developerKeyIndex"] == 0)
    floor_id = next(
        i["id"]
        for i in blaze.state.world["inventories"].values()
        if i["shopId"] == shop["id"] and i["name"] == "Sales floor"
    )
    products = {
        q["productId"]
        for q in blaze.state.world["quantities"].values()
        if q["inventoryId"] == floor_id and q["quantity"] > 0
    }
    assert len(everything) == len(products)


def test_room_quantities_page_to_the_end_and_match_the_emulator(
    blaze_server: Callable[..., Served],
) -> None:
    blaze = blaze_server(BlazeConfig(product_count=300, vendor_count=6, batches_per_shop=400))
    conn = BlazeConnector(
        blaze.base_url, TRAINING_PARTNER_KEY, TRAINING_DEVELOPER_KEY, rate_per_minute=0
    )
    loc, rooms = _setup(conn)
    shop = blaze.state.shop_for_developer_key(TRAINING_DEVELOPER_KEY)
    assert shop is not None
    safe_ext = next(
        i["id"]
        for i in blaze.state.world["inventories"].values()
        if i["name"] == "Safe" and i["shopId"] == shop["id"]
    )
    rows = [
        q
        for q in blaze.state.world["quantities"].values()
        if q["inventoryId"] == safe_ext and q["quantity"] > 0
    ]
    before = len(blaze.calls("/store/batches/quantities"))
    shelf = conn.room_quantities(loc, rooms["Safe"])
    pages = blaze.calls("/store/batches/quantities")[before:]
    assert len(rows) > 100 and len(pages) == math.ceil(len(rows) / 100)
    assert sum(s.quantity for s in shelf) == sum(Decimal(str(q["quantity"])) for q in rows)
    assert sum(len(s.packages) for s in shelf) == len(rows)
    labelled = [p for s in shelf for p in s.packages]
    assert all(p.label for p in labelled)  # seeded batches all carry a Metrc tag
    assert all(p.received_on is not None for p in labelled)
    conn.close()


@pytest.mark.parametrize(
    ("partner", "developer", "error"),
    [
        ("wrong", TRAINING_DEVELOPER_KEY, AuthenticationError),
        (TRAINING_PARTNER_KEY, "wrong", AuthenticationError),
        (LIMITED_PARTNER_KEY, TRAINING_DEVELOPER_KEY, PermissionDenied),
    ],
)
def test_key_problems_map_to_the_error_classes(
    connector_for: Callable[..., BlazeConnector], partner: str, developer: str, error: type
) -> None:
    conn = connector_for(partner, developer)
    with pytest.raises(error) as caught:
        conn.login()
    assert partner not in str(caught.value) + caught.value.detail
    assert developer not in str(caught.value) + caught.value.detail


def test_another_shops_location_is_not_found(connector_for: Callable[..., BlazeConnector]) -> None:
    other = connector_for(developer=SHOP_DEVELOPER_KEYS[1])
    (elsewhere,) = other.locations()
    mine = connector_for()
    with pytest.raises(NotFound, match="Green Leaf — Denver"):
        mine.rooms(elsewhere)


def test_packages_of_a_foreign_receipt_come_from_history(
    conn: BlazeConnector, blaze: Served
) -> None:
    loc, _ = _setup(conn)
    now = datetime.now()
    rows = conn.receipt_history(loc, now - timedelta(days=6), now)
    seeded = rows[0]
    assert seeded.title.startswith("PO-")
    packages = conn.packages_for_receipt(loc, seeded.receipt_id)
    assert len(packages) == seeded.product_count and all(p.label for p in packages)
    with pytest.raises(NotFound):
        conn.packages_for_receipt(loc, 2**41 + 7)


# -- the POS's moods: the same policies as every POS ------------------------------------------------


class _Moody(httpx.BaseTransport):
    """Passes through to the emulator, but answers every `every`-th read (GET) with `reply` instead, and
    batch creation with `on_create` when given (without passing it on: the emulator stores nothing)."""

    def __init__(
        self, every: int = 0, reply: httpx.Response | None = None, on_create: Any = None
    ) -> None:
        self.inner = httpx.HTTPTransport()
        self.every = every
        self.reply = reply
        self.on_create = on_create
        self.reads = 0
        self.creates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and self.every:
            self.reads += 1
            if self.reads % self.every == 0 and self.reply is not None:
                return httpx.Response(
                    self.reply.status_code,
                    headers=self.reply.headers,
                    content=self.reply.content,
                    request=request,
                )
        if request.method == "POST" and request.url.path.endswith("/store/batches"):
            self.creates += 1
            if self.on_create is not None:
                return httpx.Response(
                    self.on_create.status_code, content=self.on_create.content, request=request
                )
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _no_waiting(**kw: Any) -> dict[str, Any]:
    slept: list[float] = kw.pop("slept", [])
    return {"sleep": slept.append, "rng": lambda: 0.0, **kw}


def test_reads_outlast_one_in_three_answering_500(
    connector_for: Callable[..., BlazeConnector],
) -> None:
    error = httpx.Response(
        500, json={"error": "Internal Server Error", "message": "oops", "status": 500}
    )
    moody = _Moody(every=3, reply=error)
    slept: list[float] = []
    conn = connector_for(transport=moody, **_no_waiting(slept=slept))
    loc, rooms = _setup(conn)
    assert len(conn.products(loc)) > 0 and len(rooms) == 3
    assert moody.reads >= 6 and len(slept) == moody.reads // 3


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (
            {"error": "Internal Server Error", "message": "quantity is required", "status": 500},
            ValidationRejected,
        ),
        (
            {"error": "Internal Server Error", "message": "Internal Server Error", "status": 500},
            OutcomeUnknown,
        ),
    ],
)
def test_a_500_to_a_batch_is_a_refusal_only_when_its_words_prove_it(
    connector_for: Callable[..., BlazeConnector], answer: dict[str, Any], error: type
) -> None:
    moody = _Moody(on_create=httpx.Response(500, json=answer))
    conn = connector_for(transport=moody, **_no_waiting())
    loc, rooms = _setup(conn)
    with pytest.raises(error) as caught:
        conn.receive(_draft(conn, loc, rooms["Safe"], 2))
    assert moody.creates == 1  # never sent again
    assert caught.value.pos_message == answer["message"]


def test_rate_limit_words_are_blazes_and_waits_are_visible(
    blaze_server: Callable[..., Served],
) -> None:
    served = blaze_server(BlazeConfig(rate_limit_per_minute=2, product_count=20))
    notices: list[WaitNotice] = []
    slept: list[float] = []
    conn = BlazeConnector(
        served.base_url,
        TRAINING_PARTNER_KEY,
        TRAINING_DEVELOPER_KEY,
        rate_per_minute=0,
        **_no_waiting(slept=slept),
    )
    conn.on_wait = notices.append
    try:
        with pytest.raises(RateLimited) as caught:
            for _ in range(4):
                conn.login()
    finally:
        conn.close()
    message = caught.value.message
    assert message.startswith("BLAZE") and "Backoffice" not in message and "60" not in message
    assert caught.value.waited_s >= 60  # a full window before giving up
    assert any(n.reason == "rate_limit" for n in notices)
