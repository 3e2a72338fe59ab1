"""Refused and unanswered submits: the rule that recognises each, its facts, and whether re-sending is safe."""

from __future__ import annotations

import pytest

from intake_gui.domain import diagnosis as dg
from intake_gui.domain.diagnosis import RuleId, Speech
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS

COURSE_SQL = (
    "Cannot insert the value NULL into column 'Status', table "
    "'dutchie.dbo.ReceiveInventoryHistory'; column does not allow nulls. INSERT fails."
)


@pytest.mark.parametrize("kind", ["server", "ServerError", "validation", "ValidationRejected"])
def test_the_course_sql_status_message_is_a_refusal_with_its_fix(kind) -> None:
    """An HTTP 500 carrying the course's SQL text refused the receive: nothing landed, and the fix is the
    Status header, not "wait and re-check"."""
    d = dg.diagnose_submit_error(kind, COURSE_SQL, speech=Speech(DUTCHIE_WORDS))
    assert d.rule == "submit.null_status"
    assert d.facts["column"] == "Status"
    assert d.facts["table"] == "dutchie.dbo.ReceiveInventoryHistory"
    assert d.safe_to_resend
    assert "Received" in d.what_to_do and "top level" in d.what_to_do
    assert COURSE_SQL in d.detail
    assert dg.recognised_refusal(COURSE_SQL) is RuleId.SUBMIT_NULL_STATUS


def test_another_null_column() -> None:
    d = dg.diagnose_submit_error("server", "Cannot insert the value NULL into column 'UnitId'")
    assert (d.rule, d.facts["column"], d.safe_to_resend) == ("submit.null_column", "UnitId", True)


@pytest.mark.parametrize(
    ("message", "field", "back_to"),
    [
        ("The Lot field is required.", "Lot", "products"),
        ("'ExpirationDate' is required", "ExpirationDate", "products"),
        ("Vendor is required", "Vendor", "vendor"),
        ("Required field: RoomId", "RoomId", "room"),
        ("OrderTitle required", "OrderTitle", ""),
    ],
)
def test_required_names_the_field_and_where_to_fix_it(message, field, back_to) -> None:
    d = dg.diagnose_submit_error("validation", message)
    assert d.rule == "submit.required_field"
    assert d.facts["field"] == field
    assert d.go_back_to == back_to
    assert d.safe_to_resend
    assert field in d.headline


@pytest.mark.parametrize(
    ("message", "rule", "back_to"),
    [
        ("Vendor not found", "submit.vendor_unknown", "vendor"),
        ("The vendor no longer exists", "submit.vendor_unknown", "vendor"),
        ("Room 24774 is not an inventory room", "submit.room_unknown", "room"),
        ("Room not found", "submit.room_unknown", "room"),
        ("Product 11484902 does not exist", "submit.product_unknown", "products"),
        ("Quantity must be greater than zero", "submit.quantity_refused", "products"),
        ("Invalid quantity for product 3B4791", "submit.quantity_refused", "products"),
        ("Location not found", "submit.not_found", ""),
        ("User is not permitted", "submit.not_permitted", ""),
    ],
)
def test_refusals_with_their_fixes(message, rule, back_to) -> None:
    d = dg.diagnose_submit_error("validation", message)
    assert (d.rule, d.go_back_to, d.safe_to_resend) == (rule, back_to, True)
    assert message in d.detail
    assert dg.recognised_refusal(message) == rule


def test_not_permitted_fix_names_the_pos_admin_app() -> None:
    d = dg.diagnose_submit_error("PermissionDenied", "", speech=Speech(BLAZE_WORDS))
    assert d.rule == "submit.not_permitted"
    assert "BLAZE Retail" in d.what_to_do and "Backoffice" not in d.what_to_do


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("rate_limited", ""),
        ("validation", "Too many requests - only 5 per minute allowed"),
        ("RateLimited", ""),
    ],
)
def test_rate_limited(kind, message) -> None:
    d = dg.diagnose_submit_error(kind, message, retry_after_s=5)
    assert (d.rule, d.safe_to_resend, d.facts["retry_after_s"]) == (
        "submit.rate_limited",
        True,
        5,
    )
    assert "5 seconds" in d.what_to_do and "60" not in d.what_happened


@pytest.mark.parametrize(
    ("kind", "message"), [("authentication", ""), ("server", "Session expired")]
)
def test_session_expired(kind, message) -> None:
    assert dg.diagnose_submit_error(kind, message).rule == "submit.session_expired"


@pytest.mark.parametrize("kind", ["outcome_unknown", "RequestTimeout", "MalformedResponse"])
def test_an_answer_that_may_hide_a_receive_is_never_safe_to_resend(kind) -> None:
    """Even a message that looks like a refusal cannot be trusted when the answer was lost."""
    d = dg.diagnose_submit_error(kind, "Too many requests")
    assert (d.rule, d.safe_to_resend) == ("submit.outcome_unknown", False)


def test_a_message_less_server_error_may_have_landed() -> None:
    d = dg.diagnose_submit_error("server", "")
    assert (d.rule, d.safe_to_resend) == ("submit.server_error", False)
    assert dg.recognised_refusal("") is None
    assert dg.recognised_refusal("Internal Server Error") is None


def test_connection_not_found_not_supported_and_unknown() -> None:
    assert dg.diagnose_submit_error("connection", "").rule == "submit.connection"
    assert dg.diagnose_submit_error("not_found", "").rule == "submit.not_found"
    d = dg.diagnose_submit_error("not_supported", "")
    assert (d.rule, d.safe_to_resend) == ("submit.not_supported", False)
    odd = dg.diagnose_submit_error("something-new", "weird")
    assert (odd.rule, odd.safe_to_resend) == ("submit.unknown", False)
    assert "error kind: unknown (something-new)" in odd.detail


def test_an_unrecognised_refusal_keeps_and_shows_the_pos_message() -> None:
    d = dg.diagnose_submit_error("ValidationRejected", "Manifest number mismatch")
    assert (d.rule, d.safe_to_resend) == ("submit.refused", True)
    assert "Manifest number mismatch" in d.what_happened


def test_the_detail_hides_credentials() -> None:
    d = dg.diagnose_submit_error(
        "validation", 'bad {"Password": "hunter2", "SessionId": "abc123"} x'
    )
    assert "hunter2" not in d.detail + str(d.facts) and "abc123" not in d.detail
    assert "***" in d.detail
    assert len(dg.scrub("x" * 5000)) == 600


def test_every_submit_and_location_rule_has_words() -> None:
    from intake_gui.domain.diagnosis.submit_words import SUBMIT_WORDS

    assert {r for r in RuleId if r.area in ("submit", "location")} == set(SUBMIT_WORDS)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("VALIDATION", dg.SubmitErrorKind.VALIDATION),
        ("outcome-unknown", dg.SubmitErrorKind.OUTCOME_UNKNOWN),
        ("ConnectionFailed", dg.SubmitErrorKind.CONNECTION),
        ("ServerError", dg.SubmitErrorKind.SERVER),
        ("nonsense", dg.SubmitErrorKind.UNKNOWN),
    ],
)
def test_submit_error_kind_aliases(kind, expected) -> None:
    assert dg.submit_error_kind(kind) is expected
