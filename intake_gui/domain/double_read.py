"""The double-read guard: one trigger, two reads -> one item; two identical items -> two, however quick.

A scanner sometimes decodes one label twice for one pull of the trigger and types it twice. The second burst
then starts within ~100 ms of the first one's Enter (measured: 25-40 ms on corded imagers). A clerk scanning a
stack of identical items needs at least a few hundred ms per item (put one down, aim at the next). So the
window is short -- `BLANKING_DEFAULT_MS` -- and measured on the scanner's own key timestamps (the first key of
the new read against the Enter of the previous one), never on when Python got round to the reads: a busy
station delivers two reads that were 400 ms apart in the same instant.

A read the guard blanks is not thrown away: the session keeps it so the clerk, told on screen and by ear, can
count it with one key when there really were two items.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from intake_gui.domain.scan_read import read_times

BLANKING_DEFAULT_MS = 120
"""Covers a scanner's double fire (within ~100 ms of the first read's end) and nothing a person can do."""
BLANKING_MAX_MS = 300
"""Above this the window starts to eat real items scanned briskly one after another."""


@dataclass(frozen=True, slots=True)
class Blanked:
    """A read that was taken for a double read: what it was, and how soon after the counted one it came."""

    text: str
    gap_ms: int


class DoubleReadGuard:
    """Remembers the last counted read and judges whether the next identical one is the same trigger."""

    def __init__(
        self, window_ms: int = BLANKING_DEFAULT_MS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_ms = window_ms
        self._clock = clock
        self._text = ""
        self._ended_ms: int | None = None
        """End of the last counted read on the scanner's clock (None when it came without timestamps)."""
        self._at = float("-inf")
        """When the last counted read arrived, on `clock` (for reads without timestamps)."""

    def check(self, text: str, raw: object) -> Blanked | None:
        """A `Blanked` when `text` repeats the last counted read within the window; None to count it.

        `raw` is what the scanner filter delivered (a ScanRead carries its key timestamps). A read that is not
        blanked becomes the new reference; a blanked one does not, so the window never slides along a run of
        repeats.
        """
        times = read_times(raw)
        now = self._clock()
        gap = self._gap_ms(times, now)
        if text and text == self._text and gap is not None and 0 <= gap < self.window_ms:
            return Blanked(text, gap)
        self._text = text
        self._ended_ms = times[1] if times else None
        self._at = now
        return None

    def forget(self) -> None:
        """The last read did not count (a misread, a refusal): the next identical read is a fresh one."""
        self._text = ""
        self._ended_ms = None

    def _gap_ms(self, times: tuple[int, int] | None, now: float) -> int | None:
        if times is not None and self._ended_ms is not None:
            return times[0] - self._ended_ms
        if times is None and self._ended_ms is None:
            return int((now - self._at) * 1000) if self._at > float("-inf") else None
        return None  # one read timed by the scanner, one typed: never the same trigger
