"""Date ranges the way the POS wants them: store-local wall time, in windows it will accept.

Backoffice speaks naive store-local wall time ("2024-03-10T02:30" at the store), limits how long a history
range may be, and the clerk thinks in the store's calendar days. Intake itself keeps instants as aware
datetimes. Everything that crosses between the two goes through here, so DST is handled in one place.

DST policy (PEP 495 `fold`):
- Ambiguous wall times (the repeated hour when clocks fall back) follow the naive datetime's `fold`:
  0 (Python's default) is the first occurrence, the earlier instant. `to_store_local` sets fold=1 on the
  second occurrence, so a round trip through wall time is exact. (`to_store_local` itself lives in
  `store_time`, the one place that turns POS and station times into store wall time; import it from there.)
- Nonexistent wall times (the skipped hour when clocks spring forward) are read with the offset in force
  *before* the gap (fold=0), i.e. they land one hour later on the clock: 02:30 on a spring-forward night
  becomes 03:30 daylight time, the moment a clock not yet set forward would have shown 02:30. With fold=1
  they land an hour earlier (01:30 standard time). Nothing raises: a clerk's typed time is never refused.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from intake_gui.domain.store_time import to_store_local

R = TypeVar("R")
Window = tuple[datetime, datetime]

DEFAULT_MAX_DAYS = 31
"""The widest history range sent in one request; longer ranges are split (see `split_range`)."""


def zone(tz: str) -> ZoneInfo:
    """The zone for an IANA name; raises ValueError (not a zoneinfo-specific error) on an unknown name."""
    try:
        return ZoneInfo(tz)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"Unknown time zone {tz!r}.") from exc


def split_range(start: datetime, end: datetime, max_days: int = DEFAULT_MAX_DAYS) -> list[Window]:
    """Cut [start, end) into contiguous half-open windows of at most `max_days` days, the last one clipped.

    Each window starts exactly where the previous ended, so no receive falls in a gap and none is read
    twice unless the POS treats the end as inclusive (`merge_rows` covers that). Works on naive wall
    times (what the POS wants) and on aware datetimes alike, but not a mix. An empty range gives [].
    """
    if max_days < 1:
        raise ValueError("max_days must be at least 1")
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise ValueError("start and end must both be naive or both be timezone-aware")
    if end < start:
        raise ValueError(
            f"the range ends ({end.isoformat()}) before it starts ({start.isoformat()})"
        )
    step = timedelta(days=max_days)
    windows: list[Window] = []
    cursor = start
    while cursor < end:
        nxt = min(cursor + step, end)
        windows.append((cursor, nxt))
        cursor = nxt
    return windows


def _receipt_id(row: Any) -> Hashable:
    receipt_id: Hashable = row.receipt_id
    return receipt_id


def _received_at(row: Any) -> Any:
    # A row without a date (a tenant's unreadable date) sorts as the oldest instead of failing the sort.
    when = row.received_at
    return when if when is not None else datetime.min


def merge_rows(
    rows: Iterable[R],
    key: Callable[[R], Hashable] = _receipt_id,
    *,
    when: Callable[[R], Any] = _received_at,
    newest_first: bool = False,
) -> list[R]:
    """Rows from several windows as one list: each receipt once (the first copy seen), ordered by date.

    Windows may overlap at their edges when a POS treats EndDate as inclusive, and a retried window
    returns its rows again; dedupe by receipt id, then sort stably so equal times keep their read order.
    """
    seen: set[Hashable] = set()
    unique: list[R] = []
    for row in rows:
        k = key(row)
        if k in seen:
            continue
        seen.add(k)
        unique.append(row)
    if newest_first:
        return _newest_first(unique, when)
    return sorted(unique, key=when)


def _newest_first(rows: list[R], when: Callable[[R], Any]) -> list[R]:
    # reverse=True would also reverse the order of equal times; keep read order among ties instead.
    indexed = sorted(enumerate(rows), key=lambda pair: (when(pair[1]), -pair[0]), reverse=True)
    return [row for _, row in indexed]


def local_day_bounds(day: date, tz: str) -> Window:
    """[00:00, next day 00:00) as naive store-local wall time.

    The bounds are wall times on purpose: on a DST day they span 23 or 25 real hours, which is exactly the
    store's calendar day as the POS records it. `tz` is validated so a typo fails here, not at the POS.
    """
    zone(tz)
    start = datetime.combine(day, time())
    return start, start + timedelta(days=1)


def from_store_local(naive: datetime, tz: str) -> datetime:
    """A store wall time as an aware instant in UTC, per the fold policy in the module doc.

    UTC, not the store's zone, because Python compares and subtracts two datetimes that share a tzinfo
    by wall time: across a DST change such values would be an hour off or compare equal when they are not.
    """
    if naive.tzinfo is not None:
        raise ValueError("from_store_local needs a naive store-local datetime")
    return naive.replace(tzinfo=zone(tz)).astimezone(UTC)


def is_ambiguous(naive: datetime, tz: str) -> bool:
    """True in the repeated hour after clocks fall back: the wall time names two instants."""
    z = zone(tz)
    offsets_differ = (
        naive.replace(tzinfo=z, fold=0).utcoffset() != naive.replace(tzinfo=z, fold=1).utcoffset()
    )
    # Offsets also differ inside a spring-forward gap; only a wall time that exists can be ambiguous.
    return offsets_differ and _round_trips(naive, z)


def is_nonexistent(naive: datetime, tz: str) -> bool:
    """True in the skipped hour when clocks spring forward: no instant has this wall time."""
    return not _round_trips(naive, zone(tz))


def _round_trips(naive: datetime, z: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=z, fold=0)
    back = aware.astimezone(UTC).astimezone(z).replace(tzinfo=None, fold=0)
    return back == naive.replace(fold=0)


def _local_today(now: datetime, tz: str) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return to_store_local(now, tz).date()


def today(now: datetime, tz: str) -> Window:
    """The store's calendar day containing `now`, as naive wall-time bounds."""
    return local_day_bounds(_local_today(now, tz), tz)


def last_7_days(now: datetime, tz: str) -> Window:
    """Seven store calendar days ending with today (today included), as naive wall-time bounds."""
    day = _local_today(now, tz)
    start, _ = local_day_bounds(day - timedelta(days=6), tz)
    _, end = local_day_bounds(day, tz)
    return start, end


def this_month(now: datetime, tz: str) -> Window:
    """The store's calendar month containing `now`: the 1st at 00:00 to the next month's 1st at 00:00."""
    day = _local_today(now, tz)
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time()), datetime.combine(nxt, time())
