"""DutchieConnector against an in-memory Backoffice: envelope rules, sessions, writes, secrets."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import httpx
import pytest

from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie import MOVE_HINT, DutchieConnector
from intake_gui.pos.errors import (
    AuthenticationError,
    ConnectionFailed,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    PosError,
    RateLimited,
    RequestTimeout,
    ServerError,
    SessionRejected,
    ValidationRejected,
)
from intake_gui.pos.http import RetryPolicy
from intake_gui.pos.pacer import Pacer
from intake_gui.pos.waits import WaitNotice

ROOMS = "v2/room/get-rooms"
RECEIVE = "v2/inventory/receive"
SELLABLE = "preorder/inventory"
ROOM_ROWS = [
    {"RoomId": 24772, "RoomName": "Sales Floor", "PosRoom": "yes", "InventoryRoom": "yes"},
    {"RoomId": 24775, "RoomName": "Break Room", "PosRoom": "no", "InventoryRoom": "no"},
]
SQL_NULL = (
    "Cannot insert the value NULL into column 'Status', table 'dutchie.dbo.ReceiveInventoryHistory'; "
    "column does not allow nulls. INSERT fails."
)


@pytest.fixture(autouse=True)
def _rooms(fake: Any) -> None:
    fake.data[ROOMS] = ROOM_ROWS


# ------------------------------------------------------------------ login and session


def test_login_sends_appname_and_uses_session_block_and_cookie(
    connect: Any, fake: Any, kit: Any
) -> None:
    conn = connect()
    rooms = conn.rooms(kit.other)
    assert [r.name for r in rooms] == ["Sales Floor", "Break Room"]
    login, call = fake.seen
    assert login.path == "user/login"
    assert login.headers["appname"] == "Backoffice"
    assert login.body == {"Username": "clerk", "Password": kit.password, "RememberMe": True}
    sid = "SID-0001-abcdef"
    assert call.body == {
        "SessionId": sid,
        "LspId": 576,  # from the Location we passed, not the session's default 575
        "LocId": 2001,  # not the session's default 1989
        "OrgId": 7,
        "UserId": 42,
    }
    assert call.headers["cookie"] == f"LLSession={sid}"
    assert conn.user_name == "clerk"


def test_cached_session_reused_without_login(connect: Any, fake: Any, cache: Any, kit: Any) -> None:
    connect().rooms(kit.az)
    assert fake.logins == 1
    assert list(cache.values) == ["http://127.0.0.1:9/api/|clerk"]
    second = connect()
    second.rooms(kit.az)
    second.rooms(kit.az)
    assert fake.logins == 1


def test_expired_session_relogs_once_and_repeats_the_call(
    connect: Any, fake: Any, cache: Any, kit: Any
) -> None:
    conn = connect()
    conn.rooms(kit.az)
    fake.expire_all()
    assert len(conn.rooms(kit.az)) == 2
    assert fake.logins == 2
    assert "SID-0002" in next(iter(cache.values.values()))


@pytest.mark.parametrize(
    "refusal",
    [
        lambda kit: kit.reply(401, kit.envelope(result=False, message="Session expired")),
        lambda kit: kit.reply(401, b""),
        lambda kit: kit.reply(
            200, kit.envelope(result=False, message="Invalid session. Please log in again.")
        ),
        lambda kit: kit.reply(403, kit.envelope(result=False, message="Session is not valid")),
    ],
)
def test_each_session_refusal_form_triggers_relogin(
    connect: Any, fake: Any, kit: Any, refusal: Any
) -> None:
    conn = connect()
    conn.login()
    fake.script(ROOMS, refusal(kit))
    assert len(conn.rooms(kit.az)) == 2
    assert fake.logins == 2


def test_a_session_refused_right_after_relogin_is_retried_with_backoff(
    connect: Any, fake: Any, kit: Any, sleeps: list[float]
) -> None:
    """Expiry twice in a row (8 of 30 runs ended "login failed" with correct credentials)."""
    expired = kit.reply(401, kit.envelope(result=False, message="Session expired"))
    conn = connect()
    conn.login()
    fake.script(ROOMS, expired, expired)
    notices: list[WaitNotice] = []
    conn.on_wait = notices.append
    assert len(conn.rooms(kit.az)) == 2
    assert fake.logins == 3
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.5  # no wait before the first re-login
    assert [n.reason for n in notices if not n.done] == ["session"]


def test_a_session_refused_every_time_is_session_rejected_not_login_failed(
    connect: Any, fake: Any, kit: Any, cache: Any, sleeps: list[float]
) -> None:
    expired = kit.reply(401, kit.envelope(result=False, message="Session expired"))
    fake.script(ROOMS, *[expired] * 10)
    with pytest.raises(SessionRejected) as info:
        connect().rooms(kit.az)
    assert not isinstance(info.value, AuthenticationError)
    assert info.value.pos_message == "Session expired"
    retries = RetryPolicy().max_session_retries
    assert fake.logins == 1 + retries
    assert len(fake.calls(ROOMS)) == 1 + retries
    assert len(sleeps) == retries - 1 and sleeps == sorted(sleeps)  # backoff grows
    assert cache.values == {}  # a refused session is not kept


def test_write_refused_for_session_is_relogged_and_sent_again(
    connect: Any, fake: Any, kit: Any
) -> None:
    conn = connect()
    conn.login()
    fake.expire_all()
    assert conn.receive(kit.draft()) == 1379127
    assert len(fake.calls(RECEIVE)) == 2
    assert fake.logins == 2


def test_bad_password(connect: Any, fake: Any) -> None:
    fake.password = "something else"
    with pytest.raises(AuthenticationError) as info:
        connect().login()
    assert "Invalid username or password" in info.value.detail
    assert "Invalid username or password" in info.value.pos_message
    assert fake.logins == 1  # a refused password is never tried again


def test_login_answered_500_is_retried(
    connect: Any, fake: Any, kit: Any, sleeps: list[float]
) -> None:
    fake.script("user/login", kit.reply(500, {"Message": "An error has occurred."}))
    connect().login()
    assert fake.logins == 1 and len(fake.calls("user/login")) == 2
    assert len(sleeps) == 1


def test_login_that_keeps_answering_500_is_a_server_error_not_unreachable_nor_bad_password(
    connect: Any, fake: Any, kit: Any
) -> None:
    fake.script("user/login", *[kit.reply(503, b"<html>Service Unavailable</html>")] * 20)
    with pytest.raises(ServerError) as info:
        connect().login()
    assert not isinstance(info.value, ConnectionFailed | AuthenticationError)
    assert info.value.status == 503 and "503" in info.value.message
    assert len(fake.calls("user/login")) == RetryPolicy().max_attempts


def test_unreadable_cached_session_is_dropped(
    connect: Any, fake: Any, cache: Any, kit: Any
) -> None:
    cache.values["http://127.0.0.1:9/api/|clerk"] = "{not json"
    connect().rooms(kit.az)
    assert fake.logins == 1
    assert "SID-0001" in cache.values["http://127.0.0.1:9/api/|clerk"]


def test_broken_cache_does_not_stop_work(connect: Any, fake: Any, kit: Any) -> None:
    class Broken:
        def load(self, key: str) -> str | None:
            raise RuntimeError("keyring locked")

        def save(self, key: str, value: str) -> None:
            raise RuntimeError("keyring locked")

        def clear(self, key: str) -> None:
            raise RuntimeError("keyring locked")

    conn = connect(session_cache=Broken())
    assert len(conn.rooms(kit.az)) == 2
    conn.forget_session()


def test_forget_session_and_logout(connect: Any, fake: Any, cache: Any, kit: Any) -> None:
    conn = connect()
    conn.rooms(kit.az)
    conn.forget_session()
    assert cache.values == {}
    conn.rooms(kit.az)
    assert fake.logins == 2
    conn.logout()
    assert cache.values == {}


def test_login_malformed_and_missing_session(connect: Any, fake: Any, kit: Any) -> None:
    fake.script("user/login", kit.reply(200, b"<html>login</html>"))
    with pytest.raises(MalformedResponse):
        connect().login()
    fake.script("user/login", kit.reply(200, kit.envelope({"UserId": 1})))
    with pytest.raises(MalformedResponse) as info:
        connect().login()
    assert "SessionId" in info.value.detail


# ------------------------------------------------------------------ envelope rules


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (
            lambda k: k.reply(200, k.envelope(result=False, message="User is not permitted")),
            PermissionDenied,
        ),
        (
            lambda k: k.reply(403, k.envelope(result=False, message="User is not permitted")),
            PermissionDenied,
        ),
        (lambda k: k.reply(403, b"Forbidden"), PermissionDenied),
        (lambda k: k.reply(404, b"Not Found"), NotFound),
        (lambda k: k.reply(400, b"bad"), InvalidRequest),
        (
            lambda k: k.reply(400, k.envelope(result=False, message="LocId is required")),
            InvalidRequest,
        ),
        (
            lambda k: k.reply(
                200, k.envelope(result=False, message="Date range cannot exceed 31 days")
            ),
            ServerError,
        ),
        (  # an id of another tenant or dialect: the POS's words say what is missing
            lambda k: k.reply(200, k.envelope(result=False, message="Location not found")),
            NotFound,
        ),
        (
            lambda k: k.reply(200, k.envelope(result=False, message="LocId is required")),
            InvalidRequest,
        ),
        (
            lambda k: k.reply(500, k.envelope(result=False, message="Object reference not set")),
            ServerError,
        ),
        (lambda k: k.reply(500, b"<html>oops</html>"), ServerError),
        (
            lambda k: k.reply(200, b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"),
            MalformedResponse,
        ),
        (
            lambda k: k.reply(200, b'{"Result": true, "Data": [{"RoomId": 1, "Room'),
            MalformedResponse,
        ),
        (lambda k: k.reply(200, b"[1, 2]"), MalformedResponse),
        (lambda k: k.reply(200, b"\xff\xfe\x00garbage"), MalformedResponse),
        # (tolerant envelope, see tests/pos/test_dutchie_wire.py: {"Data": []} and "Result": "yes" read)
        (lambda k: k.reply(200, {"Message": "Session gone?"}), MalformedResponse),
        (lambda k: k.reply(200, {"Result": "maybe", "Data": []}), MalformedResponse),
        (lambda k: k.reply(200, k.envelope("abc")), MalformedResponse),
        (lambda k: k.reply(200, k.envelope([{"RoomId": "x", "RoomName": 1}])), MalformedResponse),
        (lambda k: k.reply(200, k.envelope([{"RoomName": "no id"}])), MalformedResponse),
    ],
)
def test_read_envelope_rules(connect: Any, fake: Any, kit: Any, response: Any, error: type) -> None:
    conn = connect(retry=RetryPolicy(max_attempts=1))
    conn.login()
    fake.script(ROOMS, response(kit))
    with pytest.raises(error) as info:
        conn.rooms(kit.az)
    assert type(info.value) is error
    assert info.value.endpoint == ROOMS


FIVE = "Too many requests - only 5 per minute allowed"


@pytest.mark.parametrize("form", ["200", "429"])
def test_read_rate_limit_is_waited_out(
    connect: Any, fake: Any, kit: Any, sleeps: list[float], form: str
) -> None:
    headers = {"Retry-After": "5"} if form == "429" else {}
    limited = kit.reply(
        429 if form == "429" else 200, kit.envelope(result=False, message=FIVE), **headers
    )
    conn = connect()
    conn.login()
    fake.script(ROOMS, limited, limited)
    assert len(conn.rooms(kit.az)) == 2
    assert len(sleeps) == 2 and all(s >= 5 for s in sleeps)


@pytest.mark.parametrize("form", ["200", "429"])
def test_read_rate_limit_that_never_clears_quotes_the_pos(
    connect: Any, fake: Any, kit: Any, sleeps: list[float], form: str
) -> None:
    headers = {"Retry-After": "5"} if form == "429" else {}
    limited = kit.reply(
        429 if form == "429" else 200, kit.envelope(result=False, message=FIVE), **headers
    )
    conn = connect()
    conn.login()
    fake.script(ROOMS, *[limited] * 50)
    with pytest.raises(RateLimited) as info:
        conn.rooms(kit.az)
    err = info.value
    assert err.waited_s >= 60 and sum(sleeps) >= 60  # never before a full window
    assert FIVE in err.message and err.message.startswith("Dutchie")
    assert "60" not in err.message.replace(f"{err.waited_s:.0f} s", "")
    assert err.limit_per_window == 5 and err.pos_message == FIVE


def test_read_rate_limit_429_honours_retry_after(
    connect: Any, fake: Any, kit: Any, sleeps: list[float]
) -> None:
    limited = kit.reply(
        429,
        kit.envelope(result=False, message="Too many requests - only 60 per minute allowed"),
        **{"Retry-After": "4"},
    )
    conn = connect()
    conn.login()
    fake.script(ROOMS, limited)
    assert len(conn.rooms(kit.az)) == 2
    assert sleeps == [4.0]


def test_network_errors_on_reads(connect: Any, fake: Any, kit: Any) -> None:
    conn = connect(retry=RetryPolicy(max_attempts=2))
    conn.login()
    fake.script(ROOMS, httpx.ConnectError("no route"), httpx.ConnectError("no route"))
    with pytest.raises(ConnectionFailed):
        conn.rooms(kit.az)
    fake.script(ROOMS, httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    with pytest.raises(RequestTimeout):
        conn.rooms(kit.az)


# ------------------------------------------------------------------ the receive


def test_receive_body_carries_session_block_status_rooms_and_token(
    connect: Any, fake: Any, kit: Any
) -> None:
    draft = kit.draft()
    assert connect().receive(draft) == 1379127
    (sent,) = fake.calls(RECEIVE)
    body = sent.body
    assert body["Status"] == "Received"
    assert body["OrderTitle"] == draft.wire_title
    assert body["SessionId"].startswith("SID-") and body["UserId"] == 42 and body["OrgId"] == 7
    assert (body["LocId"], body["LspId"]) == (1989, 575)
    assert all("RoomId" in p for p in body["Products"])


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (lambda k: k.reply(200, k.envelope(result=False, message=SQL_NULL)), ValidationRejected),
        (
            lambda k: k.reply(200, k.envelope(result=False, message="Vendor not found")),
            ValidationRejected,
        ),
        (
            lambda k: k.reply(400, k.envelope(result=False, message="Quantity must be > 0")),
            ValidationRejected,
        ),
        (
            lambda k: k.reply(200, k.envelope(result=False, message="User is not permitted")),
            PermissionDenied,
        ),
        (lambda k: k.reply(404, b"Not Found"), NotFound),
        (
            lambda k: k.reply(500, k.envelope(result=False, message="Object reference not set")),
            OutcomeUnknown,
        ),
        (lambda k: k.reply(502, b"<html>Bad gateway</html>"), OutcomeUnknown),
        (lambda k: k.reply(200, b"<html>Cloudflare</html>"), OutcomeUnknown),
        (lambda k: k.reply(200, b'{"Result": true, "Da'), OutcomeUnknown),
        (lambda k: k.reply(200, k.envelope("abc")), OutcomeUnknown),
        (lambda k: k.reply(200, k.envelope(None)), OutcomeUnknown),
        (lambda _: httpx.ReadTimeout("slow"), OutcomeUnknown),
        (lambda _: httpx.RemoteProtocolError("peer closed connection"), OutcomeUnknown),
    ],
)
def test_receive_outcomes_are_never_resent(
    connect: Any, fake: Any, kit: Any, sleeps: list[float], response: Any, error: type
) -> None:
    conn = connect()
    conn.login()
    fake.script(RECEIVE, response(kit))
    with pytest.raises(error) as info:
        conn.receive(kit.draft())
    assert type(info.value) is error
    assert len(fake.calls(RECEIVE)) == 1
    assert sleeps == []
    if isinstance(info.value, ValidationRejected):
        assert info.value.pos_message in (SQL_NULL, "Vendor not found", "Quantity must be > 0")


@pytest.mark.parametrize(
    "refusal",
    [
        lambda k: k.reply(503, k.envelope(result=False, message="Too many requests")),
        lambda k: k.reply(200, k.envelope(result=False, message=FIVE)),
    ],
)
def test_receive_refused_for_the_rate_limit_waits_and_lands_once(
    connect: Any, fake: Any, kit: Any, refusal: Any
) -> None:
    conn = connect()
    conn.login()
    fake.script(RECEIVE, refusal(kit))
    assert conn.receive(kit.draft()) == 1379127
    assert len(fake.calls(RECEIVE)) == 2  # the first was refused before processing


@pytest.mark.parametrize(
    "body",
    [
        {"Result": False, "Message": SQL_NULL, "Data": None},
        {"Message": "An error has occurred.", "ExceptionMessage": SQL_NULL},
        b"Cannot insert the value NULL into column 'Status'; INSERT fails.",
    ],
)
def test_receive_500_with_the_sql_status_message_is_a_refusal_with_that_message(
    connect: Any, fake: Any, kit: Any, sleeps: list[float], body: Any
) -> None:
    """The course's first failure arrives as a server error; its words prove nothing was stored."""
    conn = connect()
    conn.login()
    fake.script(RECEIVE, kit.reply(500, body))
    with pytest.raises(ValidationRejected) as info:
        conn.receive(kit.draft())
    assert "Cannot insert the value NULL into column 'Status'" in info.value.pos_message
    assert info.value.status == 500
    assert len(fake.calls(RECEIVE)) == 1 and sleeps == []


@pytest.mark.parametrize(
    "body",
    [{"Message": "An error has occurred."}, {"Result": False, "Message": "Object reference"}, None],
)
def test_receive_500_without_a_telling_message_is_unknown_and_keeps_what_was_said(
    connect: Any, fake: Any, kit: Any, body: Any
) -> None:
    conn = connect()
    conn.login()
    fake.script(RECEIVE, kit.reply(500, b"" if body is None else body))
    with pytest.raises(OutcomeUnknown) as info:
        conn.receive(kit.draft())
    said = "" if body is None else body["Message"]
    assert info.value.pos_message == said and info.value.status == 500
    assert len(fake.calls(RECEIVE)) == 1


def test_receive_retried_when_it_never_left_and_on_429(
    connect: Any, fake: Any, kit: Any, sleeps: list[float]
) -> None:
    conn = connect()
    conn.login()
    fake.script(
        RECEIVE,
        httpx.ConnectError("refused"),
        kit.reply(
            429, kit.envelope(result=False, message="Too many requests"), **{"Retry-After": "3"}
        ),
    )
    assert conn.receive(kit.draft()) == 1379127
    titles = {c.body["OrderTitle"] for c in fake.calls(RECEIVE)}
    assert len(fake.calls(RECEIVE)) == 3 and len(titles) == 1
    assert 0.375 <= sleeps[0] <= 0.5 and sleeps[1] == 3.0  # jittered backoff, then Retry-After


def test_receive_answer_as_object(connect: Any, fake: Any, kit: Any) -> None:
    fake.script(RECEIVE, kit.reply(200, kit.envelope({"ReceiveInventoryHistoryId": 77})))
    assert connect().receive(kit.draft()) == 77


def test_save_receive_uses_its_own_path(connect: Any, fake: Any, kit: Any) -> None:
    fake.data["v2/inventory/save-receive"] = 555
    assert connect().save_receive(kit.draft()) == 555
    assert fake.calls("v2/inventory/save-receive")[0].body["Status"] == "Received"


# ------------------------------------------------------------------ verification reads


def test_packages_use_receive_inventory_history_id(connect: Any, fake: Any, kit: Any) -> None:
    def packages(body: dict[str, Any]) -> list[dict[str, Any]]:
        if body.get("ReceiveInventoryHistoryId") != 1379127:
            return []
        return [
            {
                "PackageId": 1,
                "Sku": "3B4791",
                "Quantity": 3,
                "RoomId": 24772,
                "RoomName": "Sales Floor",
            },
        ]

    fake.data["v2/inventory/get-packages-from-receive"] = packages
    pkgs = connect().packages_for_receipt(kit.az, 1379127)
    assert [(p.sku, p.quantity, p.room_name) for p in pkgs] == [("3B4791", 3, "Sales Floor")]
    body = fake.calls("v2/inventory/get-packages-from-receive")[0].body
    assert "Id" not in body and body["ReceiveInventoryHistoryId"] == 1379127


def test_history_splits_long_ranges_and_dedupes(connect: Any, fake: Any, kit: Any) -> None:
    def history(body: dict[str, Any]) -> list[dict[str, Any]]:
        start = datetime.fromisoformat(body["StartDate"])
        end = datetime.fromisoformat(body["EndDate"])
        assert (end - start).days <= 31
        return [
            {"ReceiveInventoryHistoryId": 1, "ReceivedDate": "2026-03-01T09:00:00", "Products": 1},
            {
                "ReceiveInventoryHistoryId": int(start.timestamp()),
                "ReceivedDate": body["StartDate"],
            },
        ]

    fake.data["v2/inventory/get-receive-history"] = history
    rows = connect().receipt_history(kit.az, datetime(2026, 1, 1), datetime(2026, 4, 1))
    calls = fake.calls("v2/inventory/get-receive-history")
    assert len(calls) == 3
    assert calls[0].body["StartDate"] == "2026-01-01T00:00:00"
    assert calls[-1].body["EndDate"] == "2026-04-01T00:00:00"
    assert len(rows) == 4  # three window rows + the duplicate reported once
    assert rows == sorted(rows, key=lambda r: (r.received_at, r.receipt_id))
    assert connect().receipt_history(kit.az, datetime(2026, 4, 1), datetime(2026, 4, 1)) == []


def test_sellable_filters_skus(connect: Any, fake: Any, kit: Any) -> None:
    fake.data[SELLABLE] = [
        {"Sku": "3B4791", "Quantity": 3, "ProductId": 1},
        {"Sku": "OTHER", "Quantity": 9},
    ]
    conn = connect()
    assert [s.sku for s in conn.sellable_inventory(kit.az, ["3B4791"])] == ["3B4791"]
    assert len(conn.sellable_inventory(kit.az)) == 2


def test_products_reports_progress(connect: Any, fake: Any, kit: Any) -> None:
    fake.data["product-master/get-products-lite"] = [
        {"ProductId": i, "Sku": f"S{i}", "ProductName": f"P{i}", "Upc": "036000291452"}
        for i in range(3000)
    ]
    seen: list[tuple[int, int]] = []
    products = connect().products(kit.az, progress=lambda d, t: seen.append((d, t)))
    assert len(products) == 3000
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert fake.calls("product-master/get-products-lite")[0].body["LspId"] == 575


def test_locations_use_session_defaults(connect: Any, fake: Any) -> None:
    fake.data["user/get-locations"] = [
        {
            "LocId": 1989,
            "LocationName": "AZ",
            "State": "AZ",
            "LspId": 575,
            "OrgId": 7,
            "TimeZone": "America/Phoenix",
        }
    ]
    (loc,) = connect().locations()
    assert loc.timezone == "America/Phoenix"
    body = fake.calls("user/get-locations")[0].body
    assert (body["LocId"], body["LspId"]) == (1989, 575)


def test_capabilities_say_where_to_move_by_hand(connect: Any) -> None:
    conn = connect()
    assert conn.capabilities.move is False
    assert conn.capabilities.move_hint == MOVE_HINT
    assert "Move / change room" in MOVE_HINT


def test_pacer_is_shared_per_login(kit: Any, fake: Any) -> None:
    clock = kit.fake_time()
    pacer = Pacer(3, clock=clock.clock)
    conn = DutchieConnector(
        kit.base,
        Credentials(kit.user, kit.password),
        transport=httpx.MockTransport(fake),
        pacer=pacer,
        sleep=clock.sleep,
        clock=clock.clock,
    )
    fake.data[ROOMS] = ROOM_ROWS
    for _ in range(3):
        conn.rooms(kit.az)  # login + 3 calls = 4 requests at 3/min: one wait
    assert clock.slept == [60.0]
    conn.close()


def test_a_stated_limit_paces_every_connector_of_the_login(kit: Any, fake: Any) -> None:
    """What one connector learned from a refusal, the next one of the same login paces to."""
    clock = kit.fake_time()
    options: dict[str, Any] = {
        "transport": httpx.MockTransport(fake),
        "rate_per_minute": 60,
        "sleep": clock.sleep,
        "clock": clock.clock,
    }
    first = DutchieConnector(kit.base, Credentials(kit.user, kit.password), **options)
    second = DutchieConnector(kit.base, Credentials(kit.user, kit.password), **options)
    assert first._http.pacer is second._http.pacer
    fake.script(ROOMS, kit.reply(200, kit.envelope(result=False, message=FIVE)))
    first.rooms(kit.az)
    assert second._http.pacer.learned == (5, 60.0)
    assert second.stated_limit is not None
    assert (second.stated_limit.limit, second.stated_limit.said) == (5, FIVE)
    first.close()
    second.close()


# ------------------------------------------------------------------ secrets


def _all_text(err: BaseException) -> str:
    parts = [str(err), repr(err), getattr(err, "detail", ""), getattr(err, "message", "")]
    cause = getattr(err, "cause", None)
    if cause is not None:
        parts.append(_all_text(cause))
    return " ".join(parts)


def test_secrets_never_in_errors_or_logs(
    connect: Any, fake: Any, kit: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[PosError] = []

    fake.password = "not the right one"
    try:
        connect().login()
    except PosError as exc:
        errors.append(exc)
    fake.password = kit.password

    conn = connect()
    conn.login()
    sid = "SID-0002-abcdef"

    # The POS echoes secrets into messages and bodies; none may come out the other side.
    echo = f"Session {sid} expired for password {kit.password}"
    fake.script(ROOMS, kit.reply(401, kit.envelope(result=False, message=echo)))
    fake.script(
        "user/login", kit.reply(200, kit.envelope(result=False, message=f"locked {kit.password}"))
    )
    try:
        conn.rooms(kit.az)
    except PosError as exc:
        errors.append(exc)
    conn.login()
    sid = conn._session.session_id
    fake.script(ROOMS, kit.reply(200, f"<html>{sid} {kit.password}</html>".encode()))
    fake.script(
        RECEIVE, kit.reply(200, kit.envelope(result=False, message=f"Nope {sid} {kit.password}"))
    )
    fake.script(RECEIVE, kit.reply(200, f"<html>{sid}</html>".encode()))
    for call in (
        lambda: conn.rooms(kit.az),
        lambda: conn.receive(kit.draft()),
        lambda: conn.receive(kit.draft()),
    ):
        try:
            call()
        except PosError as exc:
            errors.append(exc)

    # A login answered 500 echoing the request: the retry's wait notice quotes it, scrubbed.
    notices: list[WaitNotice] = []
    fake.script(
        "user/login",
        kit.reply(500, {"Message": f"Login failed for password {kit.password}"}),
    )
    fresh = connect(on_wait=notices.append)
    fresh.forget_session()
    fresh.login()
    assert notices and "***" in notices[0].pos_said

    assert len(errors) == 5
    text = " ".join(_all_text(e) for e in errors) + caplog.text
    text += " ".join(n.pos_said for n in notices)
    text += repr(Credentials(kit.user, kit.password)) + str(Credentials(kit.user, kit.password))
    for secret in (kit.password, "SID-0001-abcdef", "SID-0002-abcdef", sid):
        assert secret not in text
    assert "***" in text


def test_other_host_cookies_travel_with_the_session_cookie(
    connect: Any, fake: Any, kit: Any
) -> None:
    conn = connect()
    conn.login()
    fake.script(
        ROOMS,
        httpx.Response(
            200, json=kit.envelope(ROOM_ROWS), headers={"Set-Cookie": "__cf_bm=bot-ok; Path=/"}
        ),
    )
    conn.rooms(kit.az)
    conn.rooms(kit.az)
    cookie = fake.calls(ROOMS)[-1].headers["cookie"]
    assert cookie.split("; ") == ["LLSession=SID-0001-abcdef", "__cf_bm=bot-ok"]
