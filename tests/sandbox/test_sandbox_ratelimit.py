"""The per-session request limit, refused in both of the real service's forms."""

from __future__ import annotations

from intake_gui.sandbox import EmbeddedSandbox

MESSAGE = "Too many requests - only 60 per minute allowed"


def test_the_61st_request_in_a_minute_is_refused_in_alternating_forms(bo) -> None:
    for _ in range(60):
        assert bo.call("user/get-locations").json()["Result"] is True
    first, second, third = (bo.call("user/get-locations") for _ in range(3))
    assert first.status_code == 429
    assert first.json() == {"Result": False, "Message": MESSAGE, "Data": None}
    assert int(first.headers["Retry-After"]) in range(1, 61)
    assert second.status_code == 200
    assert second.json() == {"Result": False, "Message": MESSAGE, "Data": None}
    assert "Retry-After" not in second.headers
    assert third.status_code == 429


def test_the_limit_is_per_session(box: EmbeddedSandbox, connect) -> None:
    box.admin.configure(rate_limit_per_minute=3)
    one = connect(box)
    for _ in range(3):
        one.data("user/get-locations")
    assert one.call("user/get-locations").status_code == 429
    other = connect(box)
    assert other.data("user/get-locations")


def test_the_message_names_the_configured_limit(bo, box: EmbeddedSandbox) -> None:
    box.admin.configure(rate_limit_per_minute=2)
    bo.data("user/get-locations")
    bo.data("user/get-locations")
    assert (
        bo.call("user/get-locations").json()["Message"]
        == "Too many requests - only 2 per minute allowed"
    )


def test_zero_disables_the_limit(bo, box: EmbeddedSandbox) -> None:
    box.admin.configure(rate_limit_per_minute=0)
    for _ in range(75):
        assert bo.call("user/get-locations").json()["Result"] is True


def test_refusals_are_counted(bo, box: EmbeddedSandbox) -> None:
    box.admin.configure(rate_limit_per_minute=1)
    bo.data("user/get-locations")
    bo.call("user/get-locations")
    counters = box.admin.state()["counters"]["user/get-locations"]
    assert counters == {"requests": 2, "rate_limited": 1}
