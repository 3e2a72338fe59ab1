"""The tolerant reader's rules, one by one: names, guesses, blanks, skips, reports and the log."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

import pytest

from intake_gui.pos.dutchie import wire
from intake_gui.pos.tolerant import (
    EssentialFieldMissing,
    collect_reports,
    looks_like_a_date_name,
    norm,
    reset_log_memory,
    to_flag,
)


def test_keys_match_after_normalisation() -> None:
    assert (
        norm("ReceivedDate")
        == norm("receivedDate")
        == norm("received_date")
        == norm("RECEIVED-DATE")
    )


@pytest.mark.parametrize(
    ("key", "dated"),
    [
        ("deliveredOn", True), ("created_at", True), ("DateAdded", True), ("ReceivedDateUtc", True),
        ("timestamp", True), ("Description", False), ("Location", False), ("OnHand", False),
        ("Status", False), ("Products", False),
    ],
)  # fmt: skip
def test_date_names(key: str, dated: bool) -> None:
    assert looks_like_a_date_name(key) is dated


def test_a_history_date_under_a_name_nobody_listed_is_found_by_its_look() -> None:
    rows = [
        {"ReceiveInventoryHistoryId": 1, "ExpirationDate": "2027-01-01", "whenItArrived": "x",
         "CheckInTimestamp": "03/17/2021 1:42 pm"},
    ]  # fmt: skip
    with collect_reports() as reports:
        (row,) = wire.parse_rows(wire.WireHistoryRow, rows, "history")
    assert row.received_at == datetime(2021, 3, 17, 13, 42)  # never the expiration date
    assert reports[0].guessed == {"ReceivedDate": "CheckInTimestamp"}


def test_the_known_date_name_wins_over_a_guess_and_an_unreadable_one_blanks() -> None:
    rows = [
        {
            "ReceiveInventoryHistoryId": 1,
            "DeliveredOn": "2021-03-17T10:00:00",
            "CreatedAt": "2020-01-01",
        },
        {"ReceiveInventoryHistoryId": 2, "DeliveredOn": "next tuesday", "OrderTitle": "T"},
    ]
    with collect_reports() as reports:
        first, second = wire.parse_rows(wire.WireHistoryRow, rows, "history")
    assert first.received_at == datetime(2021, 3, 17, 10)
    assert second.received_at is None and second.title == "T"  # the row still proves the receive
    report = reports[0]
    assert report.renamed == {"ReceivedDate": "DeliveredOn"}
    assert report.unreadable == {"ReceivedDate": 1}
    assert report.date_formats == {"ReceivedDate": {"ISO 8601 local": 1}}


def test_rows_without_an_essential_field_are_skipped_and_counted_never_silently() -> None:
    rows = [
        {"PackageId": 1, "Sku": "A", "Quantity": 3},
        {"PackageId": 2, "Sku": "B"},  # no quantity
        {"PackageId": 3, "Quantity": 1},  # neither SKU nor product id
        "not an object",
        {"PackageId": 4, "ProductId": 9, "Quantity": "2"},
    ]
    with collect_reports() as reports:
        got = wire.parse_rows(wire.WirePackage, rows, "packages")
    assert [p.package_id for p in got] == [1, 4]
    assert got.report is reports[0]
    assert (got.report.rows, got.report.read, got.report.skipped) == (5, 2, 3)
    assert dict(got.report.skipped_for) == {
        "Quantity": 1, "Sku or ProductId": 1, "(not an object)": 1,
    }  # fmt: skip
    assert "3 of 5 rows skipped" in got.report.findings()[0]


def test_no_readable_row_at_all_is_an_error_naming_the_field() -> None:
    with pytest.raises(EssentialFieldMissing, match="RoomId") as caught:
        wire.parse_rows(wire.WireRoom, [{"RoomName": "Floor"}, {"Name": "Vault"}], "rooms")
    assert caught.value.fields == ("RoomId",)
    assert wire.parse_rows(wire.WireRoom, [], "rooms") == []  # no rows is an answer, not a failure
    with pytest.raises(ValueError, match="list"):
        wire.parse_rows(wire.WireRoom, "text", "rooms")


def test_rows_inside_an_object_are_found() -> None:
    got = wire.parse_rows(wire.WireVendor, {"items": [{"id": 5, "name": "Acme"}], "total": 1})
    assert got[0].to_domain().label.startswith("Acme") and "'items'" in got.report.shape


def test_values_are_coerced_tolerantly() -> None:
    (row,) = wire.parse_rows(
        wire.WireHistoryRow,
        [{"ReceiveInventoryHistoryId": "1,379,127", "Products": "2", "TotalQuantity": "$1,234.5"}],
    )
    assert (row.receipt_id, row.product_count, row.total_quantity) == (
        1379127, 2, Decimal("1234.5"),
    )  # fmt: skip
    for yes in ("yes", "Y", "true", "1", 1, True, "on"):
        assert to_flag(yes) is True
    for no in ("no", "N", "false", "0", 0, False, "off"):
        assert to_flag(no) is False
    with pytest.raises(ValueError):
        to_flag("maybe")


def test_findings_are_logged_once_per_endpoint_and_field_without_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reset_log_memory()
    rows = [{"ReceiveInventoryHistoryId": 1, "DeliveredOn": "SECRET-VALUE-1"}]
    with caplog.at_level(logging.INFO, logger="intake_gui.pos.tolerant"):
        for _ in range(3):
            wire.parse_rows(wire.WireHistoryRow, rows, "v2/inventory/get-receive-history")
        wire.parse_rows(wire.WireHistoryRow, rows, "another/endpoint")
    lines = [r.getMessage() for r in caplog.records]
    assert sum("ReceivedDate unreadable" in line for line in lines) == 2  # once per endpoint
    assert not any("SECRET-VALUE" in line for line in lines)


def test_envelope_and_login_read_in_any_casing() -> None:
    env = wire.read_envelope(
        {"result": True, "message": None, "data": {"sessionId": "s", "userId": "7"}}
    )
    login = wire.read_login(env.data)
    assert (login.session_id, login.user_id, login.org_id) == ("s", 7, 0)
    with pytest.raises(ValueError, match="SessionId"):
        wire.read_login({"userId": 7})
