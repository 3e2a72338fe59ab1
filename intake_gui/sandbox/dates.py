"""Dates in requests, read the way a lenient .NET model binder reads them, whatever dialect is spoken:
ISO 8601 with or without an offset (`Z` included) or as a bare day, and the US forms the Backoffice web UI
writes (`03/17/2021`, `03/17/2021 1:42 pm`, `03/17/2021 13:42:05`). A value without an offset is the
store's wall time; one with an offset is converted to it. Handlers then work in store-local wall time and
store Unix time.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

_US = re.compile(
    r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?$",
    re.IGNORECASE,
)


def _us(text: str) -> datetime | None:
    match = _US.match(text)
    if match is None:
        return None
    hour = int(match["H"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            hour,
            int(match["M"] or 0),
            int(match["S"] or 0),
        )
    except ValueError:
        return None


def store_wall(value: Any, zone: ZoneInfo) -> datetime | None:
    """A request's date as the store's naive wall time, or None if it is no date we can read."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        guessed = _us(text)
        if guessed is None:
            return None
        parsed = guessed
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(zone).replace(tzinfo=None)
    return parsed


def wall_to_ts(wall: datetime, zone: ZoneInfo) -> float:
    return wall.replace(tzinfo=zone).timestamp()


def ts_in_zone(ts: float, zone: ZoneInfo) -> datetime:
    """A stored instant as an aware datetime in the store's zone: what dialects render from."""
    return datetime.fromtimestamp(ts, zone)
