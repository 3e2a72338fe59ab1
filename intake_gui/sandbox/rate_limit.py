"""The emulators' one rate limiter: a sliding window of accepted requests per key (a session, a developer key).

All three emulators (Dutchie's `/api/`, BLAZE, IndicaOnline) refuse the request past `limit` in `window_s`
seconds and say how long until one would pass; refused requests do not count. The lock matters because
uvicorn may serve requests from more than one thread of the test process.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """Per-key sliding window (60 s unless a test shortens it)."""

    WINDOW_S = 60.0

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(
        self, key: str, limit: int, window_s: float = WINDOW_S, now: float | None = None
    ) -> float | None:
        """Count a request; return None if allowed (or `limit` <= 0), else the seconds until one would be."""
        if limit <= 0:
            return None
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window_s:
                hits.popleft()
            if len(hits) >= limit:
                return max(0.0, hits[0] + window_s - now)
            hits.append(now)
            return None

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()
