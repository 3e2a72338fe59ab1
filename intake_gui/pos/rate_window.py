"""What a POS says about its request limit, and how Intake words it.

Why: a tenant limited to 5 requests a minute answers "Too many requests - only 5 per minute allowed" with
`Retry-After: 5`. The header is only when *this* request may be retried at the earliest; the window that
has to pass is in the message. Intake used to believe the header, give up after three 5-second waits and
tell the clerk "about 60 a minute" whatever the POS said. Here the limit is read from the message and from
the rate-limit headers some APIs send, so the pacer can pace to it and every message can quote it.

Words: the POS's own text when it said something; the documented figure (`PosWords.
documented_rate_per_minute`) only when it said nothing; never a constant.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import httpx

from intake_gui.domain.pos_words import PosWords

_UNIT_S = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
}
_LIMIT_IN_TEXT = re.compile(
    r"(\d{1,6})\s*(?:requests?|calls?|hits?)?\s*(?:per|/|every|an?|each|in)\s*(?:(\d{1,5})\s*)?"
    r"(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RateFacts:
    """Everything one answer said about the limit. Any field may be missing."""

    limit: int | None = None
    """Requests allowed per window."""
    window_s: float | None = None
    retry_after: float | None = None
    """The Retry-After header, in seconds: the earliest retry, a lower bound for the wait."""
    remaining: int | None = None
    reset_s: float | None = None
    """Seconds until the window resets, from a reset header."""
    pos_said: str = ""
    """The POS's message, as it wrote it (scrubbed by the caller)."""

    @property
    def per_minute(self) -> float | None:
        if self.limit is None:
            return None
        return self.limit * 60.0 / (self.window_s or 60.0)

    def quote(self) -> str:
        """What the POS said, for a message: its text, else its headers, else ""."""
        if self.pos_said:
            return f"“{self.pos_said}”"
        parts = []
        if self.limit is not None:
            parts.append(f"a limit of {_per(self.limit, self.window_s or 60.0)}")
        if self.retry_after is not None:
            parts.append(f"Retry-After: {_num(self.retry_after)} s")
        return ", ".join(parts)


@dataclass(frozen=True)
class StatedLimit:
    """The request limit a POS stated for this login (learned from a refusal or headers), for
    `intake doctor` and support: `limit` requests per `window_s`, in the POS's words `said`."""

    limit: int
    window_s: float
    said: str = ""


def limit_in_text(text: str) -> tuple[int, float] | None:
    """(limit, window seconds) from words like "only 5 per minute" or "100 requests / 10 seconds"."""
    for match in _LIMIT_IN_TEXT.finditer(text or ""):
        count = int(match.group(1))
        units = int(match.group(2)) if match.group(2) else 1
        unit = match.group(3).lower().rstrip("s") or "s"
        seconds = _UNIT_S.get(unit)
        if count > 0 and units > 0 and seconds is not None:
            return count, units * seconds
    return None


def _header_int(value: str | None) -> int | None:
    if not value:
        return None
    match = re.match(r"\s*(\d{1,9})", value)
    return int(match.group(1)) if match else None


def _reset_seconds(value: str | None) -> float | None:
    """A reset header: delta seconds, or (a large number) a Unix time."""
    if not value:
        return None
    try:
        number = float(value.strip().split(",")[0])
    except ValueError:
        return None
    if number != number or number < 0:
        return None
    if number > 1e9:  # epoch seconds
        return max(0.0, number - time.time())
    return number


def read_rate_facts(
    resp: httpx.Response, message: str = "", retry_after: float | None = None
) -> RateFacts:
    """The limit as the answer states it: in `message` (the POS's words) and/or its headers.

    Headers understood: `RateLimit-Policy: 5;w=60` and `RateLimit: limit=5, remaining=0, reset=50`
    (IETF drafts), `X-RateLimit-Limit` / `RateLimit-Limit` / `X-Rate-Limit-Limit`, the matching
    `-Remaining` and `-Reset`, and a `-Window` in seconds where a POS sends one.
    """
    h = resp.headers
    limit: int | None = None
    window: float | None = None
    remaining: int | None = None
    reset: float | None = None

    policy = h.get("RateLimit-Policy") or h.get("X-RateLimit-Policy")
    if policy:
        limit = _header_int(policy)
        w = re.search(r"\bw\s*=\s*(\d+(?:\.\d+)?)", policy)
        window = float(w.group(1)) if w else None
    combined = h.get("RateLimit")
    if combined:
        fields = dict(re.findall(r"(\w+)\s*=\s*(\d+(?:\.\d+)?)", combined))
        limit = limit or (int(float(fields["limit"])) if "limit" in fields else None)
        remaining = int(float(fields["remaining"])) if "remaining" in fields else None
        reset = float(fields["reset"]) if "reset" in fields else None
    for prefix in ("X-RateLimit-", "RateLimit-", "X-Rate-Limit-"):
        limit = limit or _header_int(h.get(prefix + "Limit"))
        if remaining is None:
            remaining = _header_int(h.get(prefix + "Remaining"))
        if reset is None:
            reset = _reset_seconds(h.get(prefix + "Reset"))
        if window is None:
            w_text = h.get(prefix + "Window")
            window = float(_header_int(w_text) or 0) or None
    in_text = limit_in_text(message)
    if in_text is not None:
        # The message is the POS's own statement of the limit; it wins over a header's guesswork.
        limit, window = in_text[0], in_text[1]
    if limit is not None and window is None:
        window = 60.0
    return RateFacts(
        limit=limit,
        window_s=window,
        retry_after=retry_after,
        remaining=remaining,
        reset_s=reset,
        pos_said=message,
    )


def _num(seconds: float) -> str:
    return f"{seconds:.0f}" if seconds >= 10 or seconds == int(seconds) else f"{seconds:.1f}"


def _per(limit: int, window_s: float) -> str:
    if window_s == 60.0:
        return f"{limit} requests a minute"
    if window_s == 1.0:
        return f"{limit} requests a second"
    if window_s == 3600.0:
        return f"{limit} requests an hour"
    return f"{limit} requests per {_num(window_s)} s"


def rate_limit_words(
    facts: RateFacts, words: PosWords, *, waited_s: float = 0.0, gave_up: bool = True
) -> str:
    """The message a clerk reads when the POS keeps refusing for its limit.

    Quotes the POS when it said anything; the documented figure only when it said nothing.
    """
    pos = words.pos_name if words.pos_name != "the POS" else "The POS"
    quoted = facts.quote()
    if quoted:
        said = f"{pos} is limiting how fast Intake may ask: {quoted}."
    elif words.documented_rate_per_minute:
        said = (
            f"{pos} is limiting how fast Intake may ask (it gave no figure; its documented limit is "
            f"{words.documented_rate_per_minute} requests a minute per login)."
        )
    else:
        said = f"{pos} is limiting how fast Intake may ask (it gave no figure)."
    if not gave_up:
        return said + " Intake waits for the limit to reset."
    if waited_s > 0:
        return (
            f"{said} Intake waited {_num(waited_s)} s for the limit to reset and it still refused; "
            "another program may be using the same login. Nothing was sent twice; try again in a minute."
        )
    return said + " Nothing was sent twice; try again in a minute."
