"""Every fault kind, set through the admin API or the start-up config, over real HTTP."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from intake_gui.sandbox import TOMMY_CHONG, EmbeddedSandbox, FaultKind, FaultRule, SandboxConfig

RECEIVE = "v2/inventory/receive"
BODY = {
    "VendorId": 39195,
    "OrderTitle": "FAULT-1",
    "Status": "Received",
    "Products": [
        {
            "ProductId": TOMMY_CHONG.product_id,
            "Sku": TOMMY_CHONG.sku,
            "Quantity": 2,
            "RoomId": 24772,
        }
    ],
}


def fault(kind: FaultKind, endpoint: str = RECEIVE, **kw: object) -> FaultRule:
    return FaultRule(endpoint=endpoint, kind=kind, **kw)


def wait_for_receives(box: EmbeddedSandbox, count: int, timeout: float = 3.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        receives = box.admin.receives()
        if len(receives) >= count or time.monotonic() > deadline:
            return receives
        time.sleep(0.02)


def test_latency_delays_then_answers(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.LATENCY, "v2/room/get-rooms", latency_ms=250))
    started = time.monotonic()
    assert bo.data("v2/room/get-rooms")
    assert time.monotonic() - started >= 0.25


def test_latency_past_the_client_timeout_never_processes(bo, box: EmbeddedSandbox, connect) -> None:
    box.admin.add_fault(fault(FaultKind.LATENCY, latency_ms=500))
    impatient = connect(box, login=False, timeout=0.15)
    impatient.http.cookies.update(bo.http.cookies)
    impatient.block = bo.block
    with pytest.raises(httpx.ReadTimeout):
        impatient.call(RECEIVE, **BODY)
    time.sleep(0.7)
    assert box.admin.receives() == []


def test_hang_processes_after_the_client_gave_up(bo, box: EmbeddedSandbox, connect) -> None:
    box.admin.add_fault(fault(FaultKind.HANG, latency_ms=400))
    impatient = connect(box, login=False, timeout=0.1)
    impatient.http.cookies.update(bo.http.cookies)
    impatient.block = bo.block
    with pytest.raises(httpx.ReadTimeout):
        impatient.call(RECEIVE, **BODY)
    assert len(wait_for_receives(box, 1)) == 1


def test_http_500_is_aspnet_json_and_processes_nothing(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.HTTP_ERROR, status=500))
    response = bo.call(RECEIVE, **BODY)
    assert response.status_code == 500
    assert response.json() == {"Message": "An error has occurred."}
    assert box.admin.receives() == []


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_html_pages(bo, box: EmbeddedSandbox, status: int) -> None:
    box.admin.add_fault(fault(FaultKind.HTTP_ERROR, status=status))
    response = bo.call(RECEIVE, **BODY)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert box.admin.receives() == []


def test_error_after_commit_lands_the_receive_but_answers_500(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.ERROR_AFTER_COMMIT))
    response = bo.call(RECEIVE, **BODY)
    assert response.status_code == 500
    assert len(box.admin.receives()) == 1


def test_drop_before_closes_without_a_response_or_a_receive(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.DROP_BEFORE))
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        bo.call(RECEIVE, **BODY)
    assert box.admin.receives() == []
    assert bo.data(RECEIVE, **BODY) == 1379127


def test_drop_after_commit_cuts_the_body_after_the_receive_landed(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.DROP_AFTER_COMMIT))
    with pytest.raises(httpx.RemoteProtocolError):
        bo.call(RECEIVE, **BODY)
    receives = box.admin.receives()
    assert len(receives) == 1 and receives[0]["package_count"] == 1


def test_rate_limit_faults_in_both_forms(bo, box: EmbeddedSandbox) -> None:
    box.admin.set_faults(
        [
            fault(FaultKind.RATE_LIMIT_429, "user/get-locations", retry_after_s=7),
            fault(FaultKind.RATE_LIMIT_200, "user/get-locations"),
        ]
    )
    first = bo.call("user/get-locations")
    assert (first.status_code, first.headers["Retry-After"]) == (429, "7")
    assert first.json()["Message"].startswith("Too many requests")
    second = bo.call("user/get-locations")
    assert second.status_code == 200 and second.json()["Result"] is False
    assert second.json()["Message"].startswith("Too many requests")
    assert bo.data("user/get-locations")


def test_expire_session_kills_the_session_for_good(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.EXPIRE_SESSION, "v2/room/get-rooms"))
    assert bo.call("v2/room/get-rooms").status_code == 401
    followup = bo.call("v2/room/get-rooms")
    assert followup.json()["Message"] == "Invalid session. Please log in again."
    bo.login()
    assert bo.data("v2/room/get-rooms")


@pytest.mark.parametrize(("status", "expected"), [(200, 200), (500, 502), (502, 502)])
def test_malformed_html(bo, box: EmbeddedSandbox, status: int, expected: int) -> None:
    box.admin.add_fault(fault(FaultKind.MALFORMED_HTML, "v2/room/get-rooms", status=status))
    response = bo.call("v2/room/get-rooms")
    assert response.status_code == expected
    assert response.text.lstrip().startswith("<!DOCTYPE html>")
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_malformed_truncated_json(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.MALFORMED_TRUNCATED, "v2/room/get-rooms"))
    response = bo.call("v2/room/get-rooms")
    assert response.status_code == 200
    assert response.text.startswith('{"Result":true')
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_malformed_type(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.MALFORMED_TYPE, "v2/room/get-rooms"))
    assert bo.call("v2/room/get-rooms").json() == {"Result": True, "Message": None, "Data": "abc"}


def test_not_permitted(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.NOT_PERMITTED, "v2/room/get-rooms"))
    assert bo.refused("v2/room/get-rooms") == "User is not permitted"
    assert bo.data("v2/room/get-rooms")


def test_times_counts_down_and_minus_one_is_forever(bo, box: EmbeddedSandbox) -> None:
    box.admin.set_faults([fault(FaultKind.NOT_PERMITTED, "v2/room/get-rooms", times=2)])
    results = [bo.call("v2/room/get-rooms").json()["Result"] for _ in range(3)]
    assert results == [False, False, True]
    box.admin.set_faults([fault(FaultKind.NOT_PERMITTED, "v2/room/get-rooms", times=-1)])
    assert not any(bo.call("v2/room/get-rooms").json()["Result"] for _ in range(5))
    box.admin.set_faults([fault(FaultKind.NOT_PERMITTED, "v2/room/get-rooms", times=0)])
    assert bo.data("v2/room/get-rooms")


def test_probability_is_seeded_and_repeatable(bo, box: EmbeddedSandbox) -> None:
    rule = fault(FaultKind.NOT_PERMITTED, "v2/room/get-rooms", times=-1, probability=0.5, seed=7)
    patterns = []
    for _ in range(2):
        box.admin.set_faults([rule])
        patterns.append([bo.call("v2/room/get-rooms").json()["Result"] for _ in range(20)])
    assert patterns[0] == patterns[1]
    assert 3 <= patterns[0].count(False) <= 17


def test_wildcard_endpoint_hits_everything_including_login(box: EmbeddedSandbox, connect) -> None:
    box.admin.add_fault(fault(FaultKind.HTTP_ERROR, "*", status=503))
    client = connect(box, login=False)
    assert client.login().status_code == 503
    assert client.login().json()["Result"] is True


def test_faults_from_the_start_config_fire_and_reset_rearms_them(sandbox_factory, connect) -> None:
    config = SandboxConfig(
        product_count=100, faults=[fault(FaultKind.NOT_PERMITTED, "V2/Room/Get-Rooms")]
    )
    box = sandbox_factory(config)
    bo = connect(box)
    assert bo.refused("v2/room/get-rooms") == "User is not permitted"
    assert bo.data("v2/room/get-rooms")
    box.admin.reset()
    bo.login()
    assert bo.refused("v2/room/get-rooms") == "User is not permitted"


def test_admin_lists_clears_and_rejects_faults(box: EmbeddedSandbox) -> None:
    listed = box.admin.add_fault({"endpoint": RECEIVE, "kind": "hang", "latency_ms": 10})
    assert listed[0]["kind"] == "hang" and listed[0]["remaining"] == 1
    assert box.admin.state()["faults"][0]["endpoint"] == RECEIVE
    box.admin.clear_faults()
    assert box.admin.state()["faults"] == []
    with pytest.raises(httpx.HTTPStatusError):
        box.admin._call("POST", "faults/add", {"kind": "meteor"})


def test_fired_faults_are_counted(bo, box: EmbeddedSandbox) -> None:
    box.admin.add_fault(fault(FaultKind.NOT_PERMITTED, "v2/room/get-rooms"))
    bo.call("v2/room/get-rooms")
    assert box.admin.state()["counters"]["v2/room/get-rooms"]["fault:not_permitted"] == 1
    assert box.admin.state()["faults"][0]["fired"] == 1
