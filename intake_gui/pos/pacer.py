"""Client-side pacing: stay under a POS's requests-per-minute budget instead of bumping into it.

The Backoffice allows about 60 requests a minute per login and answers the 61st with a refusal. A
catalog sync, a verification poll and the wizard can all be talking at once, so the budget has to be
shared by everything that uses one login: `shared_pacer` hands out one `Pacer` per key.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class Pacer:
    """A rolling-window limiter: at most `rate_per_minute` acquisitions in any 60 seconds.

    A rolling window (rather than a token bucket that refills steadily) mirrors how the server counts,
    so a burst of exactly the budget is allowed and the next caller waits for the oldest slot to age out.
    A rate of 0 disables pacing altogether, including `note_retry_after`.
    """

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
        self._sent: deque[float] = deque()
        self._blocked_until = float("-inf")

    @property
    def rate_per_minute(self) -> int:
        return self._rate

    @rate_per_minute.setter
    def rate_per_minute(self, value: int) -> None:
        if value < 0:
            raise ValueError("rate_per_minute must be zero (off) or positive")
        with self._lock:
            self._rate = value

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def acquire(self) -> float:
        """Block until a request may go out; return how long we waited.

        Sleeping happens outside the lock so one waiting thread never stalls another that could go.
        """
        waited = 0.0
        while True:
            with self._lock:
                if self._rate <= 0:
                    return waited
                now = self._clock()
                while self._sent and self._sent[0] <= now - WINDOW_S:
                    self._sent.popleft()
                if self._blocked_until > now:
                    wait = self._blocked_until - now
                elif len(self._sent) < self._rate:
                    self._sent.append(now)
                    return waited
                else:
                    wait = self._sent[0] + WINDOW_S - now
            self._sleep(wait)
            waited += wait

    def note_retry_after(self, seconds: float) -> None:
        """The server refused us: make every caller sharing this login hold off, not just the one refused."""
        if seconds <= 0:
            return
        with self._lock:
            if self._rate <= 0:
                return
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)


_registry: dict[str, Pacer] = {}
_registry_lock = threading.Lock()


def shared_pacer(key: str, rate_per_minute: int) -> Pacer:
    """The process-wide pacer for one POS login (key it by base URL and username).

    A later caller asking for a different rate changes it for everyone: the budget belongs to the
    login, so there can only be one.
    """
    with _registry_lock:
        pacer = _registry.get(key)
        if pacer is None:
            pacer = _registry[key] = Pacer(rate_per_minute)
        elif pacer.rate_per_minute != rate_per_minute:
            pacer.rate_per_minute = rate_per_minute
        return pacer
