"""HttpSession's rules: reads outlast the POS's moods, rate refusals wait out the window, writes are
re-sent only when provably not processed, and every wait is announced.

Time is fake (`fake_time`: sleeping moves the clock), so minutes of waiting cost nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from intake_gui.pos.answers import (
    RATE_OUTCOME,
    RateOutcome,
    error_for_status,
    parse_retry_after,
    rate_limited,
)
from intake_gui.pos.errors import (
    AuthenticationError,
    ConnectionFailed,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
)
from intake_gui.pos.http import HttpSession, RetryPolicy
from intake_gui.pos.pacer import MARGIN_RATIO, MARGIN_S, Pacer
from intake_gui.pos.waits import WaitNotice

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]
FIVE_A_MINUTE = "Too many requests - only 5 per minute allowed"
SQL_NULL = (
    "Cannot insert the value NULL into column 'Status', table 'dutchie.dbo.ReceiveInventoryHistory'; "
    "column does not allow nulls. INSERT fails."
)


def scripted(*steps: Step) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport that plays `steps` in order (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = steps[min(len(seen), len(steps)) - 1]
        if isinstance(step, Exception):
            raise step
        if callable(step) and not isinstance(step, httpx.Response):
            return step(request)
        return step

    return httpx.MockTransport(handler), seen


@pytest.fixture
def session(fake_time: Any) -> Callable[..., tuple[HttpSession, list[httpx.Request], list[float]]]:
    def make(
        *steps: Step, retry: RetryPolicy = RetryPolicy(), pacer: Pacer | None = None, **kw: Any
    ) -> tuple[HttpSession, list[httpx.Request], list[float]]:
        transport, seen = scripted(*steps)
        client = httpx.Client(base_url="http://127.0.0.1/api/", transport=transport)
        options: dict[str, Any] = {
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "rng": lambda: 0.0,
        }
        options.update(kw)
        return HttpSession(client, pacer=pacer, retry=retry, **options), seen, fake_time.slept

    return make


def learned(window: float) -> float:
    """A learned window as the pacer keeps it: with slack for the travel between our clock and the POS's."""
    return window * (1 + MARGIN_RATIO) + MARGIN_S


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def refused_429(message: str = FIVE_A_MINUTE, retry_after: str = "5") -> httpx.Response:
    return httpx.Response(
        429,
        json={"Result": False, "Message": message, "Data": None},
        headers={"Retry-After": retry_after},
    )


def refused_200(message: str = FIVE_A_MINUTE) -> httpx.Response:
    return httpx.Response(200, json={"Result": False, "Message": message, "Data": None})


# ------------------------------------------------------------------ reads: transient failures


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_read_retried_on_transient_statuses_with_exponential_backoff(
    session: Any, status: int
) -> None:
    s, seen, slept = session(
        httpx.Response(status), httpx.Response(status), httpx.Response(status), ok()
    )
    resp = s.send("POST", "x", json={}, idempotent=True)
    assert resp.status_code == 200
    assert len(seen) == 4
    assert slept == [0.5, 1.0, 2.0]


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=4.0)
    assert [policy.backoff(n, lambda: 0.0) for n in range(1, 6)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.backoff(3, lambda: 1.0) == pytest.approx(3.0)  # up to 25% shorter, never longer


def test_a_read_is_not_retried_forever(session: Any) -> None:
    """A POS that is down: the read gives up after the policy's tries, in bounded time."""
    s, seen, slept = session(httpx.Response(500, json={"Message": "An error has occurred."}))
    resp = s.send("POST", "x", idempotent=True)
    assert resp.status_code == 500
    assert len(seen) == RetryPolicy().max_attempts == 8
    assert len(slept) == 7
    assert sum(slept) <= 32.0


def test_one_read_in_five_answering_500_still_serves_every_read(session: Any) -> None:
    """The mood that ended 149 of 400 receives: with random 500s at one in five, 500 reads all succeed."""
    rng = random.Random(20260418)

    def moody(request: httpx.Request) -> httpx.Response:
        if rng.random() < 0.2:
            return httpx.Response(500, json={"Message": "An error has occurred."})
        return ok()

    s, seen, slept = session(moody, rng=random.Random(1).random)
    for _ in range(500):
        assert s.send("POST", "x", idempotent=True).status_code == 200
    assert 560 < len(seen) < 690  # about 500 / 0.8 tries
    assert max(slept) <= RetryPolicy().max_delay


def test_read_honours_retry_after_on_a_503(session: Any) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    s, _seen, slept = session(
        httpx.Response(503, headers={"Retry-After": "7"}),
        httpx.Response(503, headers={"Retry-After": later}),
        ok(),
    )
    assert s.send("POST", "x", idempotent=True).status_code == 200
    assert slept[0] == 7.0
    assert 25 <= slept[1] <= 30


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_read_not_retried_on_answers_that_would_not_change(session: Any, status: int) -> None:
    s, seen, slept = session(httpx.Response(status), ok())
    assert s.send("POST", "x", idempotent=True).status_code == status
    assert len(seen) == 1
    assert slept == []


@pytest.mark.parametrize(
    "message", ["User is not permitted", "Session expired", "LocId is required", SQL_NULL]
)
def test_a_5xx_whose_words_prove_a_refusal_is_not_retried(session: Any, message: str) -> None:
    s, seen, slept = session(httpx.Response(500, json={"Result": False, "Message": message}))
    assert s.send("POST", "x", idempotent=True).status_code == 500
    assert len(seen) == 1
    assert slept == []


@pytest.mark.parametrize(
    ("exc", "mapped"),
    [
        (httpx.ConnectError("refused"), ConnectionFailed),
        (httpx.ReadTimeout("slow"), RequestTimeout),
        (httpx.ConnectTimeout("slow"), RequestTimeout),
        (httpx.RemoteProtocolError("cut"), ConnectionFailed),
        (httpx.ReadError("reset"), ConnectionFailed),
    ],
)
def test_read_network_errors_retried_then_mapped(
    session: Any, exc: Exception, mapped: type
) -> None:
    s, seen, slept = session(exc, retry=RetryPolicy(max_attempts=4))
    with pytest.raises(mapped) as info:
        s.send("POST", "x", idempotent=True)
    assert len(seen) == 4
    assert slept == [0.5, 1.0, 2.0]
    assert info.value.endpoint == "x"
    assert type(exc).__name__ in info.value.detail


def test_read_recovers_after_a_network_blip(session: Any) -> None:
    s, seen, _ = session(httpx.ReadTimeout("slow"), ok())
    assert s.send("POST", "x", idempotent=True).json() == {"ok": True}
    assert len(seen) == 2


# ------------------------------------------------------------------ the rate window


def test_retry_after_shorter_than_the_window_is_a_lower_bound_not_the_plan(
    session: Any, fake_time: Any
) -> None:
    """Five requests in five seconds, then a refusal saying 5 a minute with Retry-After: 5. Intake
    waits until the first of the five ages out of the window (55 s and a little slack), not 5 s, and is
    then served."""
    served = 0

    def five_a_minute(request: httpx.Request) -> httpx.Response:
        nonlocal served
        window = [t for t in stamps if t > fake_time.now - 60]
        if len(window) >= 5:
            return refused_429()
        served += 1
        stamps.append(fake_time.now)
        return ok()

    stamps: list[float] = []
    s, seen, slept = session(five_a_minute)
    for _ in range(5):
        s.send("POST", "x", idempotent=True)
        fake_time.now += 1.0
    assert s.send("POST", "x", idempotent=True).status_code == 200
    assert slept == [pytest.approx(learned(60.0) - 5.0)]
    assert len(seen) == 7 and served == 6
    # From now on Intake paces to what the POS said, instead of being refused again.
    for _ in range(6):
        assert s.send("POST", "x", idempotent=True).status_code == 200
    assert len(seen) == 13
    assert s.pacer.learned == (5, 60.0)


@pytest.mark.parametrize("form", ["429", "200"])
def test_rate_refusals_never_give_up_before_a_full_window(
    session: Any, fake_time: Any, form: str
) -> None:
    refusal = refused_429() if form == "429" else refused_200()
    s, seen, slept = session(refusal)
    resp = s.send("POST", "x", idempotent=True)
    assert resp.status_code == (429 if form == "429" else 200)
    outcome = resp.extensions[RATE_OUTCOME]
    assert isinstance(outcome, RateOutcome)
    assert outcome.waited_s >= 60.0
    assert sum(slept) == pytest.approx(outcome.waited_s)
    assert outcome.facts.limit == 5 and outcome.facts.pos_said == FIVE_A_MINUTE
    assert 2 <= len(seen) <= 8  # waits grow; the POS is not hammered


@pytest.mark.parametrize("form", ["429", "200"])
def test_a_rate_refusal_that_clears_is_served(session: Any, form: str) -> None:
    refusal = refused_429() if form == "429" else refused_200()
    s, seen, slept = session(refusal, refusal, ok())
    assert s.send("POST", "x", idempotent=True).status_code == 200
    assert len(seen) == 3
    assert slept and all(w >= 5.0 for w in slept)  # Retry-After (or the window) is the least wait


def test_retry_after_beyond_what_we_accept_is_handed_back(session: Any) -> None:
    s, seen, slept = session(refused_429(retry_after="3600"), ok())
    resp = s.send("POST", "x", idempotent=True)
    assert resp.status_code == 429
    assert slept == [] and len(seen) == 1


def test_limit_learned_from_headers_paces_later_requests(session: Any) -> None:
    headers = {"RateLimit-Policy": "3;w=10", "RateLimit-Remaining": "2"}
    s, _seen, slept = session(httpx.Response(200, json={"ok": True}, headers=headers))
    for _ in range(4):
        s.send("POST", "x", idempotent=True)
    assert s.pacer.learned == (3, 10.0)
    assert slept == [
        pytest.approx(learned(10.0))
    ]  # the fourth waits for the first to leave the window


def test_remaining_zero_with_reset_holds_until_the_reset(session: Any) -> None:
    headers = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"}
    s, _seen, slept = session(httpx.Response(200, json={"ok": True}, headers=headers), ok())
    s.send("POST", "x", idempotent=True)
    s.send("POST", "x", idempotent=True)
    assert slept == [12.0]


def test_a_hold_is_shared_by_every_session_of_the_login(session: Any, fake_time: Any) -> None:
    pacer = Pacer(0, clock=fake_time.clock)
    first, _, slept = session(refused_429(retry_after="9"), ok(), pacer=pacer)
    second, _, _ = session(ok(), pacer=pacer)
    pacer.hold(9.0)
    second.send("POST", "y", idempotent=True)
    assert slept == [9.0]
    assert first.pacer is second.pacer


def test_rate_limited_error_quotes_the_pos_and_the_wait(session: Any) -> None:
    s, _seen, _ = session(refused_429())
    resp = s.send("POST", "x", idempotent=True)
    err = rate_limited(resp, endpoint="x", detail="d", message=FIVE_A_MINUTE)
    assert isinstance(err, RateLimited)
    assert FIVE_A_MINUTE in err.message and "60 a minute" not in err.message
    assert err.limit_per_window == 5 and err.window_s == 60.0 and err.waited_s >= 60
    assert err.pos_message == FIVE_A_MINUTE and err.status == 429


# ------------------------------------------------------------------ writes


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        httpx.ReadError("reset"),
        httpx.WriteTimeout("slow"),
        httpx.WriteError("broken pipe"),
    ],
)
def test_write_lost_after_sending_is_outcome_unknown_and_never_resent(
    session: Any, exc: Exception
) -> None:
    s, seen, slept = session(exc, ok())
    with pytest.raises(OutcomeUnknown) as info:
        s.send("POST", "v2/inventory/receive", json={"a": 1}, idempotent=False)
    assert len(seen) == 1
    assert slept == []
    assert info.value.cause is not None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_write_5xx_without_a_reason_is_outcome_unknown_and_never_resent(
    session: Any, status: int
) -> None:
    s, seen, slept = session(httpx.Response(status, text="<html>Bad gateway</html>"), ok())
    with pytest.raises(OutcomeUnknown) as info:
        s.send("POST", "v2/inventory/receive", json={}, idempotent=False)
    assert len(seen) == 1 and slept == []
    assert isinstance(info.value.cause, ServerError)


def test_write_500_with_a_message_that_proves_nothing_keeps_the_message(session: Any) -> None:
    s, seen, _ = session(
        httpx.Response(500, json={"Result": False, "Message": "Object reference not set"})
    )
    with pytest.raises(OutcomeUnknown) as info:
        s.send("POST", "w", idempotent=False)
    assert info.value.pos_message == "Object reference not set"
    assert len(seen) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"Result": False, "Message": SQL_NULL},
        {"Message": "An error has occurred.", "ExceptionMessage": SQL_NULL},
        {"Message": "An error has occurred.", "InnerException": {"ExceptionMessage": SQL_NULL}},
    ],
)
def test_write_5xx_whose_message_proves_a_refusal_is_handed_back(
    session: Any, body: dict[str, Any]
) -> None:
    s, seen, _ = session(httpx.Response(500, json=body))
    assert s.send("POST", "w", idempotent=False).status_code == 500
    assert len(seen) == 1


@pytest.mark.parametrize(
    "exc", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")]
)
def test_write_retried_when_it_never_left(session: Any, exc: Exception) -> None:
    s, seen, slept = session(exc, exc, ok())
    assert s.send("POST", "w", json={"t": "IN-1"}, idempotent=False).status_code == 200
    assert len(seen) == 3
    assert slept == [0.5, 1.0]
    assert {r.content for r in seen} == {b'{"t":"IN-1"}'}  # the same body, token included


def test_write_that_never_left_raises_connection_error_not_unknown(session: Any) -> None:
    s, seen, _ = session(httpx.ConnectError("refused"))
    with pytest.raises(ConnectionFailed) as info:
        s.send("POST", "w", idempotent=False)
    assert not isinstance(info.value, OutcomeUnknown)
    assert len(seen) == RetryPolicy().max_attempts


@pytest.mark.parametrize("form", ["429", "200", "503"])
def test_write_refused_for_the_rate_limit_waits_and_goes_again(session: Any, form: str) -> None:
    """A rate refusal is a refusal before processing, in any of its forms: waiting and sending the
    same body again cannot book the delivery twice."""
    refusal = {
        "429": refused_429(retry_after="2"),
        "200": refused_200(),
        "503": httpx.Response(503, json={"Result": False, "Message": "Too many requests"}),
    }[form]
    s, seen, slept = session(refusal, ok())
    assert s.send("POST", "w", json={"t": 1}, idempotent=False).status_code == 200
    assert len(seen) == 2 and len(slept) == 1


# ------------------------------------------------------------------ visible waits


def test_every_wait_is_announced_with_what_the_pos_said(session: Any, fake_time: Any) -> None:
    notices: list[WaitNotice] = []
    s, _seen, slept = session(refused_429(), httpx.Response(500), ok(), on_wait=notices.append)
    s.send("POST", "x", idempotent=True)
    started = [n for n in notices if not n.done]
    assert [n.reason for n in started] == ["rate_limit", "retry"]
    assert started[0].pos_said == FIVE_A_MINUTE and started[0].seconds == slept[0]
    assert started[0].until == pytest.approx(1000.0 + slept[0])
    assert started[1].pos_said == "HTTP 500" and started[1].attempt == 1
    assert len([n for n in notices if n.done]) == 2  # each wait also says when it is over
    assert "5 per minute" in started[0].describe()


def test_a_broken_listener_never_ends_the_request(session: Any) -> None:
    def broken(notice: WaitNotice) -> None:
        raise RuntimeError("the GUI went away")

    s, seen, _ = session(httpx.Response(503), ok(), on_wait=broken)
    assert s.send("POST", "x", idempotent=True).status_code == 200
    assert len(seen) == 2


def test_pacing_waits_are_announced_as_pacing(session: Any, fake_time: Any) -> None:
    notices: list[WaitNotice] = []
    pacer = Pacer(0, clock=fake_time.clock)
    pacer.learn(2, 60.0, FIVE_A_MINUTE)
    s, _, slept = session(ok(), pacer=pacer, on_wait=notices.append)
    for _ in range(3):
        s.send("POST", "x", idempotent=True)
    (notice,) = [n for n in notices if not n.done]
    assert notice.reason == "pacing" and notice.limit_per_window == 2
    assert slept == [pytest.approx(learned(60.0))]


# ------------------------------------------------------------------ helpers


def test_parse_retry_after() -> None:
    now = datetime(2026, 4, 18, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12", now=now) == 12.0
    assert parse_retry_after("1.5", now=now) == 1.5
    assert parse_retry_after("-4", now=now) == 0.0
    assert parse_retry_after("Sat, 18 Apr 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sat, 18 Apr 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after("nan", now=now) is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthenticationError),
        (403, PermissionDenied),
        (404, NotFound),
        (400, InvalidRequest),
        (422, InvalidRequest),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_error_for_status(status: int, kind: type) -> None:
    resp = httpx.Response(
        status,
        headers={"Retry-After": "11"},
        request=httpx.Request("POST", "http://127.0.0.1/api/x"),
    )
    err = error_for_status(resp, endpoint="x", message="the POS's words")
    assert type(err) is kind
    assert err.endpoint == "x" and err.status == status
    assert str(status) in err.detail
    assert err.pos_message == "the POS's words"
    if isinstance(err, RateLimited):
        assert err.retry_after == 11.0
    if isinstance(err, ServerError):
        assert "answered" in err.message and "the POS's words" in err.message


def test_error_for_status_success_is_none() -> None:
    resp = httpx.Response(200, request=httpx.Request("POST", "http://127.0.0.1/api/x"))
    assert error_for_status(resp) is None


def test_progress_streams_body_and_keeps_it_readable() -> None:
    body = b'{"rows": [' + b",".join(b'{"n": %d}' % i for i in range(2000)) + b"]}"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Length": str(len(body)), "Content-Type": "application/json"},
            stream=httpx.ByteStream(body),
        )

    client = httpx.Client(base_url="http://127.0.0.1/api/", transport=httpx.MockTransport(handler))
    calls: list[tuple[int, int]] = []
    resp = HttpSession(client).send(
        "POST", "p", idempotent=True, progress=lambda d, t: calls.append((d, t))
    )
    assert len(resp.json()["rows"]) == 2000
    assert calls[-1] == (len(body), len(body))
    assert all(t == len(body) for _, t in calls)


def test_progress_counts_wire_bytes_of_a_gzipped_body() -> None:
    import gzip

    plain = b'{"rows": [' + b",".join(b'{"n": %d}' % i for i in range(5000)) + b"]}"
    packed = gzip.compress(plain)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Encoding": "gzip", "Content-Length": str(len(packed))},
            stream=httpx.ByteStream(packed),
        )

    client = httpx.Client(base_url="http://127.0.0.1/api/", transport=httpx.MockTransport(handler))
    calls: list[tuple[int, int]] = []
    resp = HttpSession(client).send(
        "POST", "p", idempotent=True, progress=lambda d, t: calls.append((d, t))
    )
    assert resp.content == plain
    assert calls[-1] == (len(packed), len(packed))


def test_on_response_sees_every_answer_and_cannot_break_a_request(session: Any) -> None:
    statuses: list[int] = []
    s, _seen, _ = session(httpx.Response(503), refused_429(), ok())
    s.on_response = lambda resp: statuses.append(resp.status_code)
    assert s.send("POST", "x", idempotent=True).status_code == 200
    assert statuses == [503, 429, 200]

    def broken(resp: httpx.Response) -> None:
        raise RuntimeError("observer bug")

    s.on_response = broken
    assert s.send("POST", "x", idempotent=True).status_code == 200
