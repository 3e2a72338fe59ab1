"""Client-side pacing: stay under a POS's request budget instead of bumping into it.

A POS limits requests per login (the Backoffice's course-era figure is 60 a minute; a tenant may allow
far fewer, and says so only when it refuses: "Too many requests - only 5 per minute allowed"). A catalog
sync, a verification poll and the wizard can all be talking at once, so the budget is shared by everything
that uses one login: `shared_pacer` hands out one `Pacer` per key.

Two sources of limits, both honoured at once:
- the *configured* rate (station settings), a rolling 60-second window; 0 turns it off;
- the *learned* limit: what the POS said when it refused (`learn`), N requests per W seconds, kept for the
  rest of the process, so every later call paces to it instead of being refused again.

And one hold: after a refusal, `hold(seconds)` keeps every caller sharing the login back until then.

Scheduling is by reservation (each caller books the earliest slot that keeps every window within its
limit, then sleeps until it), so threads never spin and a caller's wait is known before it starts — which
is what a countdown needs.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_S = 60.0
MARGIN_S = 0.25
MARGIN_RATIO = 0.02
"""Slack added to a learned window: the POS counts a request when it processes it, we when we send it, and
the two clocks drift apart by the request's travel and queueing time."""
_LOG_MAX = 10_000
"""Send times kept (far more than any real limit); older ones are dropped first."""


@dataclass(frozen=True)
class Slot:
    """What `reserve` booked: how long to wait, and whether a POS refusal (not our own pacing) is why."""

    wait: float
    held: bool
    """True when the wait comes from `hold` (the POS refused), False for ordinary pacing."""
    at: float = 0.0
    """The booked send time (the pacer's clock), for `release`."""


class Pacer:
    """Rolling-window limiter shared by every request of one login (see the module docstring)."""

    def __init__(
        self,
        rate_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_minute < 0:
            raise ValueError("rate_per_minute must be zero (off) or positive")
        self._rate = rate_per_minute
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent: list[float] = []
        """Booked send times, sorted (a slot booked behind a hold may precede a later, unheld one)."""
        self._held_until = float("-inf")
        self._learned: tuple[int, float] | None = None
        self._said = ""

    # ---------------------------------------------------------------- what it knows

    @property
    def rate_per_minute(self) -> int:
        """The configured rate (0: no configured pacing)."""
        return self._rate

    @rate_per_minute.setter
    def rate_per_minute(self, value: int) -> None:
        if value < 0:
            raise ValueError("rate_per_minute must be zero (off) or positive")
        with self._lock:
            self._rate = value

    @property
    def learned(self) -> tuple[int, float] | None:
        """(limit, window seconds) as the POS stated it, or None until it has."""
        return self._learned

    @property
    def said(self) -> str:
        """The POS's words the learned limit came from ("" if none)."""
        return self._said

    @property
    def enabled(self) -> bool:
        return self._rate > 0 or self._learned is not None

    @property
    def window_s(self) -> float:
        """The window a refusal has to outlast: the learned one, else the configured minute."""
        return self._learned[1] if self._learned else WINDOW_S

    def learn(self, limit: int, window_s: float = WINDOW_S, said: str = "") -> None:
        """The POS said how many requests it allows per window: pace to it from now on.

        A limit is only ever tightened by what the POS says (a refusal quoting 60 after one quoting 5 is
        most likely the other login's; the smaller is the safe one), never loosened within a process.
        """
        if limit <= 0 or window_s <= 0:
            return
        with self._lock:
            old = self._learned
            if old is None or limit / window_s < old[0] / old[1]:
                self._learned = (limit, window_s)
                if said:
                    self._said = said
            elif said and not self._said:
                self._said = said

    def hold(self, seconds: float, said: str = "") -> None:
        """The POS refused us: keep every caller sharing this login back for `seconds`."""
        if seconds <= 0:
            return
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + seconds)
            if said and not self._learned:
                self._said = said

    # Kept for callers written before `hold` existed.
    note_retry_after = hold

    # ---------------------------------------------------------------- booking a slot

    def _limits(self) -> list[tuple[int, float]]:
        limits = []
        if self._rate > 0:
            limits.append((self._rate, WINDOW_S))
        if self._learned is not None:
            limit, window = self._learned
            limits.append((limit, window * (1 + MARGIN_RATIO) + MARGIN_S))
        return limits

    def reserve(self) -> Slot:
        """Book the next request's slot and say how long to wait for it (the caller does the waiting)."""
        with self._lock:
            now = self._clock()
            horizon = max([WINDOW_S] + [w for _, w in self._limits()])
            drop = bisect.bisect_right(self._sent, now - horizon)
            if drop or len(self._sent) > _LOG_MAX:
                del self._sent[: max(drop, len(self._sent) - _LOG_MAX)]
            slot = now
            held = self._held_until > slot
            if held:
                slot = self._held_until
            for limit, window in self._limits():
                if len(self._sent) >= limit:
                    slot = max(slot, self._sent[-limit] + window)
            bisect.insort(self._sent, slot)
            return Slot(max(0.0, slot - now), held, slot)

    def release(self, slot: Slot) -> None:
        """The request sent in `slot` was refused for the limit: a refusal is not counted against the
        window (so the wait for the window is exact), but the `hold` that follows keeps everyone back."""
        with self._lock:
            i = bisect.bisect_left(self._sent, slot.at)
            if i < len(self._sent) and self._sent[i] == slot.at:
                del self._sent[i]

    def window_wait(self) -> float:
        """How long until the learned/configured windows would allow one more request (0: now)."""
        with self._lock:
            now = self._clock()
            wait = max(0.0, self._held_until - now)
            for limit, window in self._limits():
                if len(self._sent) >= limit:
                    wait = max(wait, self._sent[-limit] + window - now)
            return wait

    def acquire(self) -> float:
        """Reserve and wait with this pacer's own sleep; return how long we waited."""
        slot = self.reserve()
        if slot.wait > 0:
            self._sleep(slot.wait)
        return slot.wait


_registry: dict[str, Pacer] = {}
_registry_lock = threading.Lock()


def shared_pacer(key: str, rate_per_minute: int) -> Pacer:
    """The process-wide pacer for one POS login (key it by base URL and username or a key digest).

    A later caller asking for a different configured rate changes it for everyone: the budget belongs to
    the login, so there can only be one. What the POS taught (`learn`) stays.
    """
    with _registry_lock:
        pacer = _registry.get(key)
        if pacer is None:
            pacer = _registry[key] = Pacer(rate_per_minute)
        elif pacer.rate_per_minute != rate_per_minute:
            pacer.rate_per_minute = rate_per_minute
        return pacer


def reset_shared_pacers() -> None:
    """Forget every login's pacer (tests: one test's learned limit must not pace the next)."""
    with _registry_lock:
        _registry.clear()
