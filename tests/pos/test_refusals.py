"""What a POS's words prove: the refusal table, and reading the words out of any error shape."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_gui.pos import refusals
from intake_gui.pos.refusals import RULES, Refusal, classify, pos_message

SQL_NULL = (
    "Cannot insert the value NULL into column 'Status', table 'dutchie.dbo.ReceiveInventoryHistory'; "
    "column does not allow nulls. INSERT fails.\r\nThe statement has been terminated."
)


@pytest.mark.parametrize(
    ("message", "meaning"),
    [
        (SQL_NULL, Refusal.INVALID),
        ("Cannot insert the value NULL into column 'RoomId'", Refusal.INVALID),
        ("LocId is required", Refusal.INVALID),
        ("The VendorId field is required.", Refusal.INVALID),
        ("Vendor not found", Refusal.NOT_FOUND),
        ("Product 123 does not exist", Refusal.NOT_FOUND),
        ("Location not found", Refusal.NOT_FOUND),
        ("Invalid ProductId", Refusal.INVALID),
        ("Quantity must be greater than 0", Refusal.INVALID),
        (
            "The INSERT statement conflicted with the FOREIGN KEY constraint FK_Room",
            Refusal.INVALID,
        ),
        ("User is not permitted", Refusal.PERMISSION),
        ("Access denied", Refusal.PERMISSION),
        ("Session expired", Refusal.SESSION),
        ("Invalid session. Please log in again.", Refusal.SESSION),
        ("Session is not valid", Refusal.SESSION),
        ("Too many requests - only 5 per minute allowed", Refusal.RATE),
        ("Rate limit exceeded", Refusal.RATE),
        # Proves nothing: the insert may have happened before the failure.
        ("An error has occurred.", None),
        ("Object reference not set to an instance of an object.", None),
        ("Timeout expired. The timeout period elapsed prior to completion.", None),
        ("Transaction was deadlocked", None),
        ("Internal Server Error", None),
        ("", None),
    ],
)
def test_classify(message: str, meaning: Refusal | None) -> None:
    assert classify(message) is meaning


def test_every_rule_says_why() -> None:
    assert all(rule.why and rule.pattern.pattern for rule in RULES)
    assert len(RULES) <= 10  # small on purpose: see the module docstring before adding one


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"Result": False, "Message": "Vendor not found", "Data": None}, "Vendor not found"),
        (  # ASP.NET Web API: the generic Message hides the real cause in ExceptionMessage
            {"Message": "An error has occurred.", "ExceptionMessage": SQL_NULL},
            SQL_NULL,
        ),
        (
            {
                "Message": "An error has occurred.",
                "ExceptionMessage": "An error occurred while updating the entries.",
                "InnerException": {
                    "Message": "An error has occurred.",
                    "ExceptionMessage": SQL_NULL,
                },
            },
            SQL_NULL,
        ),
        (
            {"error": "Bad Request", "message": "quantity is required", "status": 400},
            "quantity is required",
        ),
        ({"code": 404, "message": "Product not found"}, "Product not found"),
        ({"error": {"message": "nested words"}}, "nested words"),
        (
            {"errors": ["VendorId is required", "RoomId is required"]},
            "VendorId is required; RoomId is required",
        ),
        (
            {"title": "One or more validation errors occurred."},
            "One or more validation errors occurred.",
        ),
        ({"Result": True, "Data": [1, 2]}, ""),
    ],
)
def test_pos_message_reads_every_shape(body: object, expected: str) -> None:
    text = pos_message(httpx.Response(500, json=body))
    assert " ".join(expected.split()) == text


def test_pos_message_from_text_html_and_large_bodies() -> None:
    assert pos_message(httpx.Response(500, text="Cannot insert the value NULL")) == (
        "Cannot insert the value NULL"
    )
    html = httpx.Response(502, text="<html><body>Bad gateway</body></html>")
    assert pos_message(html) == ""
    page = httpx.Response(
        500, text="Service down", headers={"Content-Type": "text/html; charset=utf-8"}
    )
    assert pos_message(page) == ""
    assert pos_message(httpx.Response(500, text="x" * 100_000)) == ""
    assert pos_message(httpx.Response(500)) == ""
    assert len(pos_message(httpx.Response(500, text="y" * 5000))) <= 500


def test_data_is_never_read_as_a_refusal() -> None:
    """A 200 with rows that happen to say "per minute" or "invalid" is data, not a refusal."""
    rows = [{"ProductName": "Too many requests per minute gummies", "Message": "invalid"}]
    resp = httpx.Response(200, json={"Result": True, "Message": None, "Data": rows})
    assert not refusals.is_rate_refusal(resp)
    assert not refusals.proves_not_processed(resp)
    soft = httpx.Response(
        200, json={"Result": False, "Message": "Too many requests - only 60 per minute allowed"}
    )
    assert refusals.is_rate_refusal(soft)


@given(st.text(max_size=300))
def test_reading_any_text_never_fails(text: str) -> None:
    for resp in (httpx.Response(500, text=text), httpx.Response(500, json={"Message": text})):
        message = pos_message(resp)
        assert isinstance(message, str) and len(message) <= 500
        classify(message)
