"""One read from the scanner: the text it meant, and when its first and last keys were pressed.

The scanner filter (ui) emits a `ScanRead` for every burst it recognises. It *is* a `str` (the code's text), so
everything that handles a scan as text keeps working; the timestamps ride along for the one decision that needs
them: whether a second identical read is the scanner firing twice for one trigger (the second burst begins
within ~100 ms of the first's Enter) or the clerk scanning another identical item (hundreds of ms later).

The times are the window system's key-event timestamps (the X server's clock under X11, the message time on
Windows), never the time the event reached Python: on a loaded station events queue up and arrive together,
and arrival times would make two items scanned 400 ms apart look like one double read.
"""

from __future__ import annotations

from typing import Any


class ScanRead(str):
    """A scanned string that knows when it was typed (milliseconds on the window system's clock)."""

    started_ms: int
    """Timestamp of the first character's key press."""
    ended_ms: int
    """Timestamp of the suffix key (Enter/Tab), or of the last character when the scanner sends none."""
    keys: int
    """Characters in the burst, prefix included (modifier presses such as Shift are not counted)."""

    def __new__(cls, text: str, started_ms: int = 0, ended_ms: int = 0, keys: int = 0) -> ScanRead:
        obj = super().__new__(cls, text)
        obj.started_ms = int(started_ms)
        obj.ended_ms = int(ended_ms or started_ms)
        obj.keys = int(keys or len(text))
        return obj

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ScanRead, (self.text, self.started_ms, self.ended_ms, self.keys))

    def __repr__(self) -> str:
        return f"ScanRead({self.text!r}, started_ms={self.started_ms}, ended_ms={self.ended_ms})"


def read_times(raw: object) -> tuple[int, int] | None:
    """(started_ms, ended_ms) of a ScanRead, or None for plain text (typed into a box, restored, a test)."""
    if isinstance(raw, ScanRead) and raw.ended_ms > 0:
        return raw.started_ms, raw.ended_ms
    return None
