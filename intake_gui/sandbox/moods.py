"""The POS's moods that are not one-off faults but habits: a share of reads failing with HTTP 500, sessions
that die after a number of calls, and a session that "expires twice in a row" (the first call after a
re-login is refused again). The settings live in `SandboxConfig`; this is the little state they need.

Everything is counted, nothing is random: the same run of requests meets the same moods, so a test that
fails once fails again.
"""

from __future__ import annotations

from typing import Any

WRITE_ENDPOINTS = frozenset({"v2/inventory/receive", "v2/inventory/save-receive"})
"""Never hit by the read-error mood: whether a write landed must stay knowable from its answer."""
LOGIN_ENDPOINTS = frozenset({"user/login", "posv3/user/employeelogin"})


class Moods:
    def __init__(self) -> None:
        self._reads = 0
        self._calls: dict[str, int] = {}
        self._relogin_pending: dict[int, int] = {}
        self._doomed: set[str] = set()
        self.read_errors = 0

    def clear(self) -> None:
        self._reads = self.read_errors = 0
        self._calls.clear()
        self._relogin_pending.clear()
        self._doomed.clear()

    def read_error_due(self, endpoint: str, *, every: int, seed: int, on_login: bool) -> bool:
        """Whether this request is the one read in `every` answered 500. Reads are counted in arrival
        order; `seed` shifts which of each `every` fails. Two reads in a row never both fail (every ≥ 2)."""
        if every <= 0 or endpoint in WRITE_ENDPOINTS:
            return False
        if endpoint in LOGIN_ENDPOINTS and not on_login:
            return False
        self._reads += 1
        due = (self._reads + seed) % every == 0
        self.read_errors += due
        return due

    def count_call(self, session_id: str, budget: int) -> bool:
        """Count one authenticated call; False once the session has used up its `budget` (0 = none)."""
        if budget <= 0:
            return True
        used = self._calls.get(session_id, 0) + 1
        self._calls[session_id] = used
        return used <= budget

    def expired(self, user_id: int, refusals: int) -> None:
        """A session of `user_id` expired: its next `refusals` new sessions each die on first use."""
        self._relogin_pending[user_id] = refusals

    def opened(self, user_id: int, session_id: str) -> None:
        """A login: if an expiry is still to repeat, this session is refused on its first call."""
        pending = self._relogin_pending.get(user_id, 0)
        if pending > 0:
            self._relogin_pending[user_id] = pending - 1
            self._doomed.add(session_id)

    def doomed(self, session_id: str) -> bool:
        """True once for a session opened while an expiry was to repeat (it is then forgotten)."""
        if session_id in self._doomed:
            self._doomed.discard(session_id)
            return True
        return False

    def describe(self) -> dict[str, Any]:
        return {
            "reads_counted": self._reads,
            "read_errors_served": self.read_errors,
            "relogin_refusals_pending": sum(self._relogin_pending.values()),
        }
