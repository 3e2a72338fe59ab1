"""HttpSession's retry rules: reads retried with backoff, writes only when provably not processed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

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
from intake_gui.pos.http import HttpSession, RetryPolicy, error_for_status, parse_retry_after
from intake_gui.pos.pacer import Pacer

Step = httpx.Response | Exception


def scripted(*steps: Step) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport that plays `steps` in order (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = steps[min(len(seen), len(steps)) - 1]
        if isinstance(step, Exception):
            raise step
        return step

    return httpx.MockTransport(handler), seen


def session(
    *steps: Step, retry: RetryPolicy = RetryPolicy(), pacer: Pacer | None = None, **kw: object
) -> tuple[HttpSession, list[httpx.Request], list[float]]:
    transport, seen = scripted(*steps)
    slept: list[float] = []
    client = httpx.Client(base_url="http://127.0.0.1/api/", transport=transport)
    return (
        HttpSession(client, pacer=pacer, retry=retry, sleep=slept.append, rng=lambda: 0.0, **kw),
        seen,
        slept,
    )


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


# ------------------------------------------------------------------ reads


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_read_retried_on_retry_statuses_with_exponential_backoff(status: int) -> None:
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


def test_read_honours_retry_after_seconds_and_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    s, _seen, slept = session(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503, headers={"Retry-After": later}),
        ok(),
    )
    assert s.send("POST", "x", idempotent=True).status_code == 200
    assert slept[0] == 7.0
    assert 25 <= slept[1] <= 30


def test_read_gives_back_last_response_when_attempts_run_out() -> None:
    s, seen, slept = session(httpx.Response(503), retry=RetryPolicy(max_attempts=3))
    resp = s.send("POST", "x", idempotent=True)
    assert resp.status_code == 503
    assert len(seen) == 3
    assert len(slept) == 2


def test_retry_after_longer_than_we_accept_is_not_waited_for() -> None:
    s, seen, slept = session(httpx.Response(429, headers={"Retry-After": "3600"}), ok())
    assert s.send("POST", "x", idempotent=True).status_code == 429
    assert slept == []
    assert len(seen) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500, 422])
def test_read_not_retried_on_other_statuses(status: int) -> None:
    s, seen, slept = session(httpx.Response(status), ok())
    assert s.send("POST", "x", idempotent=True).status_code == status
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
def test_read_network_errors_retried_then_mapped(exc: Exception, mapped: type) -> None:
    s, seen, slept = session(exc)
    with pytest.raises(mapped) as info:
        s.send("POST", "x", idempotent=True)
    assert len(seen) == 4
    assert slept == [0.5, 1.0, 2.0]
    assert info.value.endpoint == "x"
    assert type(exc).__name__ in info.value.detail


def test_read_recovers_after_a_network_blip() -> None:
    s, seen, _ = session(httpx.ReadTimeout("slow"), ok())
    assert s.send("POST", "x", idempotent=True).json() == {"ok": True}
    assert len(seen) == 2


def test_soft_refusal_hook_retries_reads_only() -> None:
    refusal = httpx.Response(200, json={"Result": False, "Message": "Too many requests"})

    def is_refusal(resp: httpx.Response) -> bool:
        return resp.json().get("Result") is False

    s, seen, slept = session(refusal, ok(), soft_refusal=is_refusal)
    assert s.send("POST", "x", idempotent=True).json() == {"ok": True}
    assert len(seen) == 2
    assert slept == [0.5]

    s, seen, slept = session(refusal, ok(), soft_refusal=is_refusal)
    assert s.send("POST", "x", idempotent=False).json()["Result"] is False
    assert len(seen) == 1


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
def test_write_lost_after_sending_is_outcome_unknown_and_never_resent(exc: Exception) -> None:
    s, seen, slept = session(exc, ok())
    with pytest.raises(OutcomeUnknown) as info:
        s.send("POST", "v2/inventory/receive", json={"a": 1}, idempotent=False)
    assert len(seen) == 1
    assert slept == []
    assert info.value.cause is not None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_write_5xx_is_outcome_unknown_and_never_resent(status: int) -> None:
    s, seen, _slept = session(httpx.Response(status, text="<html>Bad gateway</html>"), ok())
    with pytest.raises(OutcomeUnknown) as info:
        s.send("POST", "v2/inventory/receive", json={}, idempotent=False)
    assert len(seen) == 1
    assert isinstance(info.value.cause, ServerError)


def test_write_5xx_with_definite_refusal_is_returned_not_unknown() -> None:
    s, seen, _ = session(
        httpx.Response(503, json={"Result": False, "Message": "Session expired"}),
        definite_refusal=lambda r: "Session" in r.text,
    )
    assert s.send("POST", "w", idempotent=False).status_code == 503
    assert len(seen) == 1


@pytest.mark.parametrize(
    "exc", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")]
)
def test_write_retried_when_it_never_left(exc: Exception) -> None:
    s, seen, slept = session(exc, exc, ok())
    assert s.send("POST", "w", json={"t": "IN-1"}, idempotent=False).status_code == 200
    assert len(seen) == 3
    assert slept == [0.5, 1.0]
    assert {r.content for r in seen} == {b'{"t":"IN-1"}'}  # the same body, token included


def test_write_that_never_left_raises_connection_error_not_unknown() -> None:
    s, seen, _ = session(httpx.ConnectError("refused"))
    with pytest.raises(ConnectionFailed) as info:
        s.send("POST", "w", idempotent=False)
    assert not isinstance(info.value, OutcomeUnknown)
    assert len(seen) == 4


def test_write_retried_on_429_honouring_retry_after() -> None:
    s, seen, slept = session(httpx.Response(429, headers={"Retry-After": "2"}), ok())
    assert s.send("POST", "w", idempotent=False).status_code == 200
    assert slept == [2.0]
    assert len(seen) == 2


# ------------------------------------------------------------------ pacer


def test_pacer_acquired_on_every_attempt_and_told_about_429() -> None:
    now = [0.0]
    paced: list[float] = []

    def pacer_sleep(seconds: float) -> None:
        paced.append(seconds)
        now[0] += seconds

    pacer = Pacer(100, clock=lambda: now[0], sleep=pacer_sleep)
    acquired: list[float] = []
    original = pacer.acquire

    def counting_acquire() -> float:
        acquired.append(now[0])
        return original()

    pacer.acquire = counting_acquire  # type: ignore[method-assign]
    s, seen, _slept = session(
        httpx.Response(429, headers={"Retry-After": "9"}), httpx.Response(502), ok(), pacer=pacer
    )
    s.send("POST", "x", idempotent=True)
    assert len(acquired) == len(seen) == 3
    # The 429 blocked the shared pacer for 9 s (our fake session sleep did not move its clock).
    assert paced == [9.0]


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
    err = error_for_status(resp, endpoint="x")
    assert type(err) is kind
    assert err.endpoint == "x"
    assert str(status) in err.detail
    if isinstance(err, RateLimited):
        assert err.retry_after == 11.0


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
