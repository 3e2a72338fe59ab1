"""Retries that are safe for money and stock: reads outlast the POS's moods, writes are re-sent only
when provably not processed.

A receive that is sent twice books the delivery twice, so the rule for writes is narrow: retry only when
the request never left this machine (the connection or a pool slot could not be had) or the POS said
"too many requests" (a refusal before processing). When a write may have reached the POS and the answer
was lost, we raise `OutcomeUnknown` and let the caller reconcile against receive history.

Reads are another matter: a POS that answers one read in five with a 500, or refuses for its rate limit
with a `Retry-After` shorter than its window, must not end a receive. See `RetryPolicy` for the numbers.

Nothing here knows one POS: hooks (defaulting to `pos.refusals`) say what a response means.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx

from intake_gui.pos import refusals
from intake_gui.pos.answers import (
    RATE_OUTCOME,
    RateOutcome,
    error_for_status,
    network_error,
    parse_retry_after,
)
from intake_gui.pos.base import ProgressFn
from intake_gui.pos.errors import (
    OutcomeUnknown,
)
from intake_gui.pos.pacer import WINDOW_S, Pacer, Slot
from intake_gui.pos.rate_window import RateFacts, StatedLimit, read_rate_facts
from intake_gui.pos.waits import WaitFn, WaitNotice, WaitReason

log = logging.getLogger(__name__)

ResponseCheck = Callable[[httpx.Response], bool]

# The request never reached the server: no connection, or no free connection in our own pool.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try, and how long to wait.

    Transient failures of a read (a 5xx or 408 answer, a dropped or refused connection) are retried up to
    `max_attempts` tries in all with capped, jittered exponential backoff: 8 tries outlast a POS that
    answers one read in five with a 500 (0.2**8, about 3 in a million reads fail) and give up on one
    that is down after about half a minute (0.5+1+2+4+8+8+8 s).

    Rate-limit refusals are a different clock: the POS said when it will answer again. Intake waits as
    long as the window needs (the pacer knows our own send times and the limit the POS stated; a
    `Retry-After` is a lower bound, not the plan) and never gives up before a full `window_s` has been
    waited out. Only a `Retry-After` beyond `max_retry_after` is not waited for (the caller decides).
    """

    max_attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 8.0
    statuses: frozenset[int] = frozenset({408, 500, 502, 503, 504})
    """Statuses of a read worth trying again (a rate refusal is recognised separately, whatever its status)."""
    window_s: float | None = None
    """The rate window, when known better than the POS's words say (a tenant whose refusal says "per
    minute" but counts another window; the sandbox's fast moods). None: the window the POS states, else
    a minute."""
    min_rate_wait: float = 1.0
    max_retry_after: float = 900.0
    max_session_retries: int = 3
    """Fresh logins in a row a connector tries when the POS refuses each new session right away."""

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Capped exponential backoff with up to 25% jitter downwards, so clients that failed together
        do not come back together."""
        factor: int = 2 ** max(
            0, attempt - 1
        )  # typeshed: int ** int is Any (a negative power is a float)
        delay = min(self.max_delay, self.base_delay * factor)
        return max(0.0, delay * (1.0 - 0.25 * rng()))


@dataclass
class _Tries:
    """One `send`'s bookkeeping: transient failures, rate refusals, and the waiting since the first."""

    failures: int = 0
    refusals: int = 0
    rate_waited: float = 0.0
    refused_with: str | None = None
    """What the POS said in the refusal the next wait follows (None: the last answer was no refusal)."""


class HttpSession:
    """One POS conversation: pacing, retries, visible waits and the write-safety rule around an httpx.Client.

    `send` returns the final response whatever its status (the connector reads the POS's own message
    from it); it raises only for network failures, or `OutcomeUnknown` for a write that may have landed.

    Hooks (all optional, all see the full response; the defaults read any POS's message generically
    through `pos.refusals`):
    - `rate_refusal(resp)`: True when the answer is "too many requests" whatever its status (a 200 with
      `Result: false`, a 5xx envelope). Refused before processing, so reads *and* writes wait and go again.
    - `definite_refusal(resp)`: True when an error answer proves the request was not processed (session,
      permission, invalid input). A read is then not retried (the answer would not change) and a write is
      handed back to the connector to raise the refusal instead of `OutcomeUnknown`.
    - `message_of(resp)`: the POS's words in an answer, for wait notices and rate facts.
    - `scrub(text)`: removes secrets from anything taken out of an answer.
    - `on_wait(notice)`: told before and after every wait (see `pos.waits`); settable at any time.
    - `on_response(resp)`: sees every answer, retried ones included (for `intake doctor`: statuses,
      Retry-After, rate-limit headers); settable; must not read a streamed body's content.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        pacer: Pacer | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        rate_refusal: ResponseCheck | None = None,
        definite_refusal: ResponseCheck | None = None,
        message_of: Callable[[httpx.Response], str] | None = None,
        scrub: Callable[[str], str] | None = None,
        on_wait: WaitFn | None = None,
    ) -> None:
        self.client = client
        # Without a configured pacer a private one still learns what the POS states and holds back after
        # a refusal; it paces nothing until then.
        self.pacer = pacer if pacer is not None else Pacer(0, clock=clock, sleep=sleep)
        self.retry = retry
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._rate_refusal = rate_refusal or refusals.is_rate_refusal
        self._definite_refusal = definite_refusal or refusals.proves_not_processed
        self._message_of = message_of or refusals.pos_message
        self._scrub = scrub or (lambda text: text)
        self.on_wait = on_wait
        self.on_response: Callable[[httpx.Response], None] | None = None

    @property
    def stated_limit(self) -> StatedLimit | None:
        """The limit the POS stated for this login so far (shared by its connectors), or None."""
        learned = self.pacer.learned
        return StatedLimit(learned[0], learned[1], self.pacer.said) if learned else None

    # ---------------------------------------------------------------- waiting, visibly

    def _notify(self, notice: WaitNotice) -> None:
        listener = self.on_wait
        if listener is None:
            return
        try:
            listener(notice)
        except Exception:  # a broken listener must never end a receive
            log.exception("on_wait listener failed")

    def _observe(self, resp: httpx.Response) -> None:
        observer = self.on_response
        if observer is None:
            return
        try:
            observer(resp)
        except Exception:  # an observer must never change what a request does
            log.exception("on_response observer failed")

    def wait(self, seconds: float, reason: WaitReason, **about: Any) -> None:
        """Sleep `seconds`, telling `on_wait` when the wait starts and when it is over."""
        if seconds <= 0:
            return
        self._notify(WaitNotice(seconds, reason, until=self._clock() + seconds, **about))
        self._sleep(seconds)
        self._notify(WaitNotice(0.0, reason, **{k: v for k, v in about.items() if k == "endpoint"}))

    def _pace(self, path: str, after_refusal: str | None) -> Slot:
        """Book this request's slot with the pacer and wait for it."""
        slot = self.pacer.reserve()
        if slot.wait > 0:
            learned = self.pacer.learned
            reason: WaitReason = (
                "rate_limit" if (slot.held or after_refusal is not None) else "pacing"
            )
            self.wait(
                slot.wait,
                reason,
                endpoint=path,
                pos_said=after_refusal or self.pacer.said,
                limit_per_window=learned[0] if learned else None,
                window_s=learned[1] if learned else None,
            )
        return slot

    def _said(self, resp: httpx.Response) -> str:
        try:
            return self._scrub(self._message_of(resp))
        except Exception:  # a hook reading a strange body must not turn into a crash
            return ""

    def _learn(self, resp: httpx.Response, message: str = "") -> RateFacts:
        """Teach the pacer whatever the answer states about the limit (headers; the message if given)."""
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        facts = read_rate_facts(resp, message, retry_after)
        if self.retry.window_s is not None and facts.limit is not None:
            facts = replace(facts, window_s=self.retry.window_s)
        if facts.limit is not None:
            self.pacer.learn(facts.limit, facts.window_s or WINDOW_S, message)
        if facts.remaining == 0 and facts.reset_s:
            self.pacer.hold(min(facts.reset_s, self.retry.max_retry_after), message)
        return facts

    # ---------------------------------------------------------------- sending

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool,
        progress: ProgressFn | None = None,
    ) -> httpx.Response:
        """Send with retries. `progress(bytes_done, bytes_total_or_0)` streams the body when given."""
        tries = _Tries()
        while True:
            slot = self._pace(path, tries.refused_with)
            if tries.refusals:
                tries.rate_waited += slot.wait
            started = time.monotonic()
            try:
                resp = self._once(method, path, json, params, headers, progress)
            except httpx.HTTPError as exc:
                self._after_network_error(exc, method, path, idempotent, tries)
                continue
            log.debug(
                "%s %s -> %d in %.0f ms",
                method,
                path,
                resp.status_code,
                (time.monotonic() - started) * 1e3,
            )
            self._observe(resp)
            if self._is_rate_refusal(resp):
                if self._after_rate_refusal(resp, method, path, slot, tries):
                    continue
                return resp
            tries.refused_with = None
            self._learn(resp)
            status = resp.status_code
            # 408 to a write is the server saying it never got the whole request: the connector's to word.
            if status in self.retry.statuses and (idempotent or status >= 500):
                if self._definite_refusal(resp):
                    return resp  # proven not processed; the same request would get the same answer
                if not idempotent:
                    raise self._unknown(resp, path)
                if self._after_transient(resp, method, path, tries):
                    continue
                return resp
            if not idempotent and status >= 500 and not self._definite_refusal(resp):
                raise self._unknown(resp, path)
            return resp

    def _after_network_error(
        self, exc: httpx.HTTPError, method: str, path: str, idempotent: bool, tries: _Tries
    ) -> None:
        """No answer. A write that may have left is OutcomeUnknown; anything else waits and goes again,
        until the tries run out (then the network error, as ours)."""
        err = network_error(exc, path)
        log.info("%s %s failed (try %d): %s", method, path, tries.failures + 1, type(exc).__name__)
        if not idempotent and not isinstance(exc, _NEVER_SENT):
            raise OutcomeUnknown(detail=err.detail, cause=err, endpoint=path) from exc
        tries.failures += 1
        if tries.failures >= self.retry.max_attempts:
            raise err from exc
        delay = self.retry.backoff(tries.failures, self._rng)
        self.wait(
            delay, "retry", endpoint=path, pos_said=type(exc).__name__, attempt=tries.failures
        )

    def _after_transient(self, resp: httpx.Response, method: str, path: str, tries: _Tries) -> bool:
        """A read answered 5xx/408: wait (backoff, at least its Retry-After) and go again, or False
        when the tries are spent or the POS asks for a wait beyond what we accept."""
        tries.failures += 1
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if tries.failures >= self.retry.max_attempts or (
            retry_after is not None and retry_after > self.retry.max_retry_after
        ):
            return False
        delay = self.retry.backoff(tries.failures, self._rng)
        if retry_after is not None:
            delay = max(delay, retry_after)
        status = resp.status_code
        log.info("%s %s -> %d, retrying in %.1f s", method, path, status, delay)
        said = self._said(resp) or f"HTTP {status}"
        self.wait(delay, "retry", endpoint=path, pos_said=said, attempt=tries.failures)
        return True

    def _after_rate_refusal(
        self, resp: httpx.Response, method: str, path: str, slot: Slot, tries: _Tries
    ) -> bool:
        """Refused for the limit (never processed): learn what the POS said, hold every caller of the
        login back, and go again — or False (the outcome attached to `resp`) once a full window has
        been waited out, or when the POS asks for longer than we accept."""
        said = self._said(resp)
        facts = self._learn(resp, said)
        self.pacer.release(slot)
        tries.refusals += 1
        learned = self.pacer.learned
        window = self.retry.window_s or facts.window_s or (learned[1] if learned else WINDOW_S)
        too_long = (facts.retry_after or 0.0) > self.retry.max_retry_after
        if too_long or tries.rate_waited >= window:
            log.info(
                "%s %s still refused for the rate limit after %.0f s of waiting; giving up",
                method,
                path,
                tries.rate_waited,
            )
            outcome = RateOutcome(facts, tries.rate_waited, tries.refusals)
            resp.extensions = {**resp.extensions, RATE_OUTCOME: outcome}
            return False
        lower = max(facts.retry_after or 0.0, facts.reset_s or 0.0)
        # Without a stated wait, start from the spacing the limit implies (12 s at 5 a minute); the
        # pacer adds whatever the window itself still needs when the next request books its slot.
        spacing = window / learned[0] if learned else self.retry.min_rate_wait
        escalate = max(self.retry.min_rate_wait, lower, spacing) * 2 ** (tries.refusals - 1)
        self.pacer.hold(max(lower, min(window, escalate)), said)
        tries.refused_with = said or f"HTTP {resp.status_code}"
        log.info(
            "%s %s -> %d, rate-limited (refusal %d)", method, path, resp.status_code, tries.refusals
        )
        return True

    def _unknown(self, resp: httpx.Response, path: str) -> OutcomeUnknown:
        """A write answered with an error that does not prove it was refused: it may have landed."""
        cause = error_for_status(resp, endpoint=path, message=self._said(resp))
        return OutcomeUnknown(
            detail=f"HTTP {resp.status_code} from {path} after the write was sent",
            cause=cause,
            endpoint=path,
        )

    def _is_rate_refusal(self, resp: httpx.Response) -> bool:
        try:
            return resp.status_code == 429 or self._rate_refusal(resp)
        except Exception:
            return resp.status_code == 429

    def _once(
        self,
        method: str,
        path: str,
        json: Any,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        progress: ProgressFn | None,
    ) -> httpx.Response:
        request = self.client.build_request(
            method, path, json=json, params=params, headers=dict(headers or {})
        )
        if progress is None:
            return self.client.send(request)
        resp = self.client.send(request, stream=True)
        if (
            resp.is_stream_consumed
        ):  # already in memory (an in-process transport): nothing to stream
            progress(len(resp.content), len(resp.content))
            return resp
        try:
            total = int(resp.headers.get("Content-Length", "0") or 0)
        except ValueError:
            total = 0
        raw = bytearray()
        try:
            for chunk in resp.iter_raw():
                raw += chunk
                progress(len(raw), total)
        finally:
            resp.close()
        if total == 0:
            progress(len(raw), len(raw))
        # Rebuild a fully-read response from the raw bytes so content decoding (gzip) still applies.
        full = httpx.Response(
            resp.status_code,
            headers=resp.headers,
            stream=httpx.ByteStream(bytes(raw)),
            request=request,
            extensions=resp.extensions,
        )
        full.read()
        return full


class OverHttp:
    """For a connector that speaks through one `HttpSession`: the session's wait listener, response observer
    and stated limit, as the connector's own. The faces set `connector.on_wait` and `intake doctor` sets
    `connector.on_response`; both must reach the session that actually waits and answers. List it before
    `PosConnector` among the bases, so these properties win over the base's plain attribute."""

    _http: HttpSession

    @property
    def on_wait(self) -> WaitFn | None:
        """Told before and after every wait (rate limit, pacing, retry, re-login); see `pos.waits`."""
        return self._http.on_wait

    @on_wait.setter
    def on_wait(self, listener: WaitFn | None) -> None:
        self._http.on_wait = listener

    @property
    def on_response(self) -> Callable[[httpx.Response], None] | None:
        """Sees every HTTP answer, retried ones included (for `intake doctor`)."""
        return self._http.on_response

    @on_response.setter
    def on_response(self, observer: Callable[[httpx.Response], None] | None) -> None:
        self._http.on_response = observer

    @property
    def stated_limit(self) -> StatedLimit | None:
        """The request limit the POS stated for this login so far (for `intake doctor`), or None."""
        return self._http.stated_limit
