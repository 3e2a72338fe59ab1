"""Waiting made visible: what a connector tells its caller before it sleeps.

Why: outlasting a POS's moods means waiting — up to a full rate window (a minute, or more if the POS asks)
— and a clerk staring at a frozen wizard, or a script at a silent terminal, assumes Intake hung. Every
wait the HTTP layer does (a rate-limit refusal, pacing to a learned limit, backing off after a 5xx, a
pause before logging in again) is announced through one callback, `on_wait(notice)`:

- once when the wait starts (`notice.seconds > 0`, `notice.until` is the `time.monotonic()` deadline, so a
  GUI can run its own countdown without further calls), and
- once when it is over (`notice.seconds == 0`, same reason), so a countdown can be hidden.

The callback runs on the worker thread that is waiting: a GUI must hand it to the GUI thread (a Qt signal);
it must be quick and must not raise (an exception is logged and ignored, never allowed to end a receive).
`notice.describe(words)` is a one-line English rendering for the CLI's stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords

WaitReason = Literal["rate_limit", "pacing", "retry", "session"]
"""rate_limit: the POS refused for its limit; pacing: Intake holds back to stay under a limit the POS
stated; retry: backing off after an error answer or a network failure on a read; session: pausing before
logging in again because the POS refused a fresh session."""


@dataclass(frozen=True)
class WaitNotice:
    seconds: float
    """How long this wait lasts from now; 0 means the wait is over."""
    reason: WaitReason
    endpoint: str = ""
    pos_said: str = ""
    """What the POS said that caused the wait (its message, or e.g. "HTTP 500"), "" when nothing."""
    limit_per_window: int | None = None
    window_s: float | None = None
    attempt: int = 0
    """Which retry this precedes (1 = the first retry), 0 for pacing."""
    until: float = 0.0
    """`time.monotonic()` when the wait ends (0 when `seconds` is 0)."""

    @property
    def done(self) -> bool:
        return self.seconds <= 0

    def describe(self, words: PosWords = GENERIC_WORDS) -> str:
        """One line for a terminal, e.g. "Dutchie refused: “Too many requests - only 5 per minute
        allowed”. Waiting 57 s for its limit to reset …"."""
        pos = words.pos_name if words.pos_name != "the POS" else "The POS"
        secs = _secs(self.seconds)
        said = f"“{self.pos_said}”" if self.pos_said else ""
        if self.done:
            return f"{pos}: done waiting; continuing."
        if self.reason == "rate_limit":
            if said:
                return (
                    f"{pos} refused for its request limit: {said}. Waiting {secs} for it to reset …"
                )
            if words.documented_rate_per_minute:
                return (
                    f"{pos} refused for its request limit (no figure given; documented: "
                    f"{words.documented_rate_per_minute} a minute). Waiting {secs} for it to reset …"
                )
            return f"{pos} refused for its request limit. Waiting {secs} for it to reset …"
        if self.reason == "pacing":
            limit = (
                f"{self.limit_per_window} requests per {_secs(self.window_s or 60.0)}"
                if self.limit_per_window
                else "its limit"
            )
            told = f" (it said {said})" if said else ""
            return f"Keeping under {pos}'s limit of {limit}{told}: next request in {secs} …"
        if self.reason == "session":
            return f"{pos} refused the new session{f' ({said})' if said else ''}; logging in again in {secs} …"
        answer = f"answered {said}" if said else "did not answer"
        return f"{pos} {answer} on {self.endpoint or 'a read'}; trying again in {secs} (retry {self.attempt}) …"


WaitFn = Callable[[WaitNotice], None]


def _secs(seconds: float) -> str:
    if seconds >= 90:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    if seconds >= 10:
        return f"{round(seconds)} s"
    return f"{seconds:.1f}".removesuffix(".0") + " s"
