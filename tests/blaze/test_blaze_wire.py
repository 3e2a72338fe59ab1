"""BLAZE wire details that need no server: id mapping, lenient parsing, malformed answers, rate limits."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from intake_gui.pos.blaze import wire as W
from intake_gui.pos.blaze.connector import BlazeConnector
from intake_gui.pos.blaze.ids import (
    TOKEN_LIMIT,
    IdBook,
    receipt_key,
    receipt_token,
    stable_id,
    token_receipt_id,
)
from intake_gui.pos.errors import MalformedResponse, RateLimited
from intake_gui.sandbox.blaze import TRAINING_DEVELOPER_KEY, TRAINING_PARTNER_KEY, BlazeConfig

from .conftest import Served

BASE = "http://127.0.0.1:9/blaze/"


def test_stable_ids_fit_sqlite_and_never_look_like_tokens() -> None:
    ids = [stable_id("product", f"{n:024x}") for n in range(2000)]
    assert len(set(ids)) == 2000
    assert all(TOKEN_LIMIT <= i < 2**62 for i in ids)
    assert stable_id("product", "abc") != stable_id("inventory", "abc")


def test_token_and_receipt_id_round_trip() -> None:
    assert token_receipt_id("IN-00000000FF") == 255
    assert receipt_token(255) == "IN-00000000FF"
    assert token_receipt_id("IN-xyz") is None and receipt_token(TOKEN_LIMIT) is None
    assert receipt_key("Invoice 7 [IN-0123456789]", "b1") == (0x0123456789, "IN-0123456789")
    po_id, po_key = receipt_key("PO-12", "b1")
    assert po_key == "po:PO-12" and po_id >= TOKEN_LIMIT
    assert receipt_key(None, "b1")[1] == "batch:b1"


def test_idbook_remembers_the_way_back() -> None:
    book = IdBook()
    n = book.intern("shop", "5f0c")
    assert book.ext("shop", n) == "5f0c" and book.ext("inventory", n) is None


def test_pages_are_read_in_either_documented_shape() -> None:
    assert W.Page.model_validate({"values": [{"id": "a"}], "total": 1}).total == 1
    assert W.Page.model_validate(
        {"searchResult": [{"id": "a"}], "count": 1, "total": 9}
    ).values == [{"id": "a"}]
    with pytest.raises(ValueError):
        W.Page.model_validate({"total": 3})


def test_java_zero_and_nulls_are_numbers_and_text() -> None:
    q = W.BatchQuantity.model_validate(
        {"productId": "p", "inventoryId": "i", "batchId": "b", "quantity": "ZERO"}
    )
    assert q.quantity == Decimal(0) and not q.sellable
    b = W.Batch.model_validate({"id": "b", "productId": "p", "quantity": 2.5, "poNumber": None})
    assert b.quantity == Decimal("2.5") and b.poNumber == ""


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> BlazeConnector:
    return BlazeConnector(
        BASE, "pk", "dk", transport=httpx.MockTransport(handler), rate_per_minute=0
    )


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>Cloudflare says no</html>"),
        httpx.Response(200, json={"name": "no id"}),
        httpx.Response(200, text='{"id": "tru'),
    ],
)
def test_unreadable_answers_are_malformed_responses(answer: httpx.Response) -> None:
    conn = _mock(lambda request: answer)
    with pytest.raises(MalformedResponse):
        conn.login()


def test_a_list_that_never_advances_is_malformed_not_an_endless_loop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/store"):
            return httpx.Response(200, json={"id": "s1", "name": "Shop"})
        return httpx.Response(200, json={"values": [{"id": "v1", "name": "V"}], "total": 50})

    conn = _mock(handler)
    (loc,) = conn.locations()
    with pytest.raises(MalformedResponse) as caught:
        conn.vendors(loc)
    assert "did not advance" in caught.value.detail


def test_keys_travel_in_the_configured_headers() -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json={"id": "s1", "name": "Shop"})

    conn = BlazeConnector(
        BASE,
        "pk",
        "dk",
        header_names=("X-Partner", "X-Dev"),
        transport=httpx.MockTransport(handler),
        rate_per_minute=0,
    )
    conn.login()
    assert seen[0]["X-Partner"] == "pk" and seen[0]["X-Dev"] == "dk"
    assert "Authorization" not in seen[0]


def test_rate_limited_reads_wait_as_told_then_give_up(blaze_server: Callable[..., Served]) -> None:
    served = blaze_server(
        BlazeConfig(product_count=20, batches_per_shop=5, rate_limit_per_minute=2)
    )
    slept: list[float] = []
    conn = BlazeConnector(
        served.base_url,
        TRAINING_PARTNER_KEY,
        TRAINING_DEVELOPER_KEY,
        rate_per_minute=0,
        sleep=slept.append,
    )
    try:
        conn.login()
        conn.login()
        with pytest.raises(RateLimited) as caught:
            conn.login()
    finally:
        conn.close()
    # Retry-After honoured on each retry, and a full rate window waited out before giving up (http helper)
    assert slept and all(s >= 1 for s in slept) and sum(slept) >= 59.9
    assert caught.value.retry_after >= 1


def test_receive_body_carries_token_line_and_numbers() -> None:
    from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor

    loc = Location(loc_id=1, name="S", lsp_id=0, timezone="America/Denver")
    draft = ReceiveDraft(
        location=loc,
        vendor=Vendor(vendor_id=2, name="V"),
        room=Room(room_id=3, name="Safe", inventory_room=True, pos_room=False),
        title="Inv 9",
        delivered_by="Sam",
        lines=(
            DraftLine(
                product_id=4,
                sku="A",
                name="A",
                quantity="2.5",
                unit_cost="10",
                expiration="2030-01-31",
            ),
        ),
    )
    body = W.batch_body(draft, draft.lines[0], product_ext="p", inventory_ext="i", vendor_ext="v")
    assert json.loads(json.dumps(body)) == body  # plain JSON, no Decimal left
    assert body["quantity"] == 2.5 and body["costPerUnit"] == 10
    assert body["poNumber"].endswith(f"[{draft.token}]")
    assert body["externalId"] == f"{draft.token}:{draft.lines[0].line_id}"
    assert body["expirationDate"] == 1896073200000  # midnight in Denver (MST, UTC-7)
    assert body["referenceNote"] == {"message": "Delivered by Sam"}
