"""Logging in and carrying a session, as the course and the integrators describe the Backoffice."""

from __future__ import annotations

import time

import httpx

from intake_gui.sandbox import (
    AZ_LOC_ID,
    IL_LOC_ID,
    LIMITED_USER,
    TRAINING_SECRET,
    TRAINING_USER,
    EmbeddedSandbox,
    SandboxConfig,
)

LOGIN = {"Username": TRAINING_USER, "Password": TRAINING_SECRET, "RememberMe": True}
APPNAME = {"appname": "Backoffice"}


def test_login_sets_httponly_cookie_and_returns_the_session_block(box: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=box.base_url) as http:
        response = http.post("user/login", json=LOGIN, headers=APPNAME)
    assert response.status_code == 200
    payload = response.json()
    assert payload["Result"] is True
    data = payload["Data"]
    assert set(data) >= {"SessionId", "UserId", "OrgId", "LspId", "LocId", "UserName", "FullName"}
    assert data["LspId"] == 575
    assert data["LocId"] == AZ_LOC_ID
    assert data["UserName"] == TRAINING_USER
    assert response.headers["set-cookie"] == f"LLSession={data['SessionId']}; HttpOnly; Path=/"


def test_wrong_password_is_http_200_result_false_and_echoes_the_password(
    box: EmbeddedSandbox,
) -> None:
    with httpx.Client(base_url=box.base_url) as http:
        response = http.post("user/login", json={**LOGIN, "Password": "not-it"}, headers=APPNAME)
    assert response.status_code == 200
    payload = response.json()
    assert payload["Result"] is False
    assert payload["Message"] == "Invalid username or password"
    assert payload["Data"]["Password"] == "not-it"
    assert "set-cookie" not in response.headers


def test_unknown_user_is_refused_the_same_way(box: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=box.base_url) as http:
        response = http.post("user/login", json={**LOGIN, "Username": "nobody"}, headers=APPNAME)
    assert (response.status_code, response.json()["Message"]) == (
        200,
        "Invalid username or password",
    )


def test_login_requires_the_appname_header(box: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=box.base_url) as http:
        missing = http.post("user/login", json=LOGIN)
        wrong = http.post("user/login", json=LOGIN, headers={"appname": "Ecommerce"})
    assert missing.status_code == 200
    assert missing.json() == {"Result": False, "Message": "Missing appname", "Data": None}
    assert wrong.json()["Result"] is False
    assert "set-cookie" not in missing.headers


def test_employee_login_is_the_second_form(box: EmbeddedSandbox) -> None:
    body = {
        "UserName": TRAINING_USER,
        "Password": TRAINING_SECRET,
        "AppId": 2,
        "LocId": IL_LOC_ID,
        "LspId": 575,
    }
    with httpx.Client(base_url=box.base_url) as http:
        ok = http.post("posv3/user/EmployeeLogin", json=body)
        bad = http.post("posv3/user/EmployeeLogin", json={**body, "Password": "nope"})
        wrong_app = http.post("posv3/user/EmployeeLogin", json={**body, "AppId": 3})
    assert ok.json()["Result"] is True
    assert ok.json()["Data"]["LocId"] == IL_LOC_ID
    assert ok.cookies["LLSession"] == ok.json()["Data"]["SessionId"]
    assert bad.json()["Message"] == "Invalid username or password"
    assert bad.json()["Data"]["Password"] == "nope"
    assert wrong_app.json()["Result"] is False


def test_session_failures_alternate_between_401_and_200(box: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=box.base_url) as http:
        answers = [http.post("v2/room/get-rooms", json={"LocId": AZ_LOC_ID}) for _ in range(4)]
    forms = [(r.status_code, r.json()["Message"]) for r in answers]
    expired = (401, "Session expired")
    invalid = (200, "Invalid session. Please log in again.")
    assert forms == [expired, invalid, expired, invalid]
    assert answers[0].json()["Result"] is False and answers[1].json()["Result"] is False


def test_a_call_needs_both_the_cookie_and_the_body_session_block(bo, box: EmbeddedSandbox) -> None:
    assert bo.data("v2/room/get-rooms")
    # The body block without the cookie.
    with httpx.Client(base_url=box.base_url) as bare:
        no_cookie = bare.post("v2/room/get-rooms", json={**bo.block, "LocId": AZ_LOC_ID})
    assert no_cookie.json()["Result"] is False
    # The cookie without (parts of) the body block.
    for missing in ("SessionId", "UserId", "OrgId", "LspId", "LocId"):
        body = {k: v for k, v in {**bo.block, "LocId": AZ_LOC_ID}.items() if k != missing}
        response = bo.http.post("v2/room/get-rooms", json=body)
        assert response.json()["Result"] is False, missing
    # A SessionId that is not the cookie's.
    assert bo.call("v2/room/get-rooms", SessionId="0" * 32).json()["Result"] is False
    assert bo.data("v2/room/get-rooms")


def test_sessions_expire_after_their_ttl(sandbox_factory, connect) -> None:
    box = sandbox_factory(SandboxConfig(session_ttl_s=0.3, product_count=100))
    bo = connect(box)
    assert bo.data("user/get-locations")
    time.sleep(0.4)
    first = bo.call("user/get-locations")
    assert first.status_code in (200, 401) and first.json()["Result"] is False
    assert bo.login().json()["Result"] is True
    assert bo.data("user/get-locations")


def test_admin_can_expire_every_session(bo, box: EmbeddedSandbox) -> None:
    assert box.admin.expire_sessions() == 1
    assert bo.call("user/get-locations").json()["Result"] is False
    bo.login()
    assert bo.data("user/get-locations")


def test_ttl_change_at_runtime_applies_to_live_sessions(bo, box: EmbeddedSandbox) -> None:
    box.admin.configure(session_ttl_s=0)
    assert bo.call("user/get-locations").json()["Result"] is False


def test_limited_user_is_not_permitted_to_read_sellable_inventory(
    box: EmbeddedSandbox, connect
) -> None:
    limited = connect(box, LIMITED_USER)
    assert limited.refused("preorder/inventory") == "User is not permitted"
    assert limited.data("v2/room/get-rooms")
    assert connect(box).data("preorder/inventory")


def test_product_master_is_an_elevated_endpoint_for_everyone(box: EmbeddedSandbox, connect) -> None:
    for user in (TRAINING_USER, LIMITED_USER):
        client = connect(box, user)
        assert (
            client.refused("product-master/get-product-master", LspId=575)
            == "User is not permitted"
        )


def test_a_body_that_is_not_a_json_object_is_a_400(box: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=box.base_url) as http:
        for content in (b"{not json", b"[1, 2]"):
            response = http.post(
                "user/login",
                content=content,
                headers={**APPNAME, "content-type": "application/json"},
            )
            assert response.status_code == 400
            assert response.json() == {"Message": "The request is invalid."}
