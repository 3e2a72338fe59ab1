"""The store's time zone: which one, where it came from, and the words to show for it.

Why: POS dates are store-local wall time, and History and Verify must show and compare them in the store's
zone. A tenant may send no zone at all (every store then showed UTC), an IANA name, a Windows zone name
("US Mountain Standard Time"), an abbreviation ("MST") or an offset ("-07:00"). The rule, most reliable
first:

1. the zone the POS gives, when it maps *safely* to one IANA zone. An abbreviation or offset alone names a
   moment's offset, not a zone (MST is Denver in winter and Phoenix all year), so it is read through the
   store's state when that state's zone uses it, and as a fixed offset otherwise;
2. else the zone of the store's state (Arizona keeps standard time all year: America/Phoenix);
3. else the station's own zone: the station sits in the store;
4. else UTC, said as such.

`StoreZone.words()` gives the one sentence History, Verify, the doctor and the CLI show, e.g.
"Mountain Standard Time, America/Phoenix — from the store's state, AZ".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from intake_gui.domain.us_zones import ABBREVIATIONS, LONG_NAMES, STATE_NAMES, STATE_ZONES


class ZoneSource(StrEnum):
    POS = "pos"
    STATE = "state"
    STATION = "station"
    DEFAULT = "default"
    SETTING = "setting"
    """The station's `timezone_override` setting, for a POS that reports a zone wrongly."""


_SOURCE_WORDS = {
    ZoneSource.POS: "from the POS",
    ZoneSource.STATE: "from the store's state",
    ZoneSource.STATION: "the station's own zone (the POS gave none, nor a state)",
    ZoneSource.DEFAULT: "UTC: the POS gave no zone or state and the station's zone is unknown",
    ZoneSource.SETTING: "set on this station (Settings), overriding the POS",
}


@dataclass(frozen=True)
class StoreZone:
    name: str
    """An IANA name ZoneInfo can load."""
    source: ZoneSource
    given: str = ""
    """What the source said, when it was not the IANA name itself ("MST", "AZ", "-07:00")."""

    def words(self, at: datetime | None = None) -> str:
        return zone_words(self.name, self.source, self.given, at)


def zone_words(name: str, source: str, given: str = "", at: datetime | None = None) -> str:
    """ "Mountain Standard Time, America/Phoenix — from the store's state, AZ" (the long name is the
    one in force at `at`, now by default)."""
    try:
        src = ZoneSource(source)
    except ValueError:
        src = None
    head = f"{long_name(name, at)}, {name}" if long_name(name, at) != name else name
    if src is None:
        return head
    tail = _SOURCE_WORDS[src]
    if given and given != name and src in (ZoneSource.POS, ZoneSource.STATE):
        tail += f", {given}"
    return f"{head} — {tail}"


def long_name(name: str, at: datetime | None = None) -> str:
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return name
    moment = (at or datetime.now(UTC)).astimezone(zone)
    abbreviation = moment.tzname() or ""
    if abbreviation.startswith(("+", "-")):
        return f"UTC{abbreviation}, no daylight saving"
    return LONG_NAMES.get(abbreviation, abbreviation)


# ---------------------------------------------------------------- resolution


def with_station_override(location: Any, override: str | None) -> Any:
    """`location` with the station's zone setting applied (and said so); unchanged without one or when
    the setting names no zone that loads."""
    if not override or not _loads(override):
        return location
    return location.model_copy(
        update={"timezone": override, "zone_source": ZoneSource.SETTING.value, "zone_given": ""}
    )


def resolve_zone(
    given: str | None, state: str | None = None, station: str | None = None
) -> StoreZone:
    """The store's zone by the rule in the module doc. `station` overrides the detected station zone
    (tests, and a station configured for a store elsewhere)."""
    text = (given or "").strip()
    state_zone = zone_of_state(state)
    if text:
        mapped = _map_given(text, state_zone)
        if mapped is not None:
            return StoreZone(mapped, ZoneSource.POS, "" if mapped == text else text)
    if state_zone is not None:
        return StoreZone(state_zone, ZoneSource.STATE, (state or "").strip())
    own = station if station is not None else station_zone()
    if own and _loads(own) and own not in ("UTC", "Etc/UTC"):
        return StoreZone(own, ZoneSource.STATION)
    return StoreZone("UTC", ZoneSource.DEFAULT)


def zone_of_state(state: str | None) -> str | None:
    """US state (code or name; Canadian provinces too) to its main IANA zone."""
    if not state:
        return None
    key = " ".join(state.strip().upper().replace(".", "").split())
    key = STATE_NAMES.get(key, key)
    return STATE_ZONES.get(key)


_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def _map_given(text: str, state_zone: str | None) -> str | None:
    iana = _iana(text)
    if iana is not None:
        return iana
    windows = _windows_zone(text)
    if windows is not None:
        return windows
    upper = text.upper().replace(".", "")
    if upper in ("UTC", "GMT", "Z", "ZULU", "COORDINATED UNIVERSAL TIME"):
        return "UTC"
    candidates = ABBREVIATIONS.get(upper)
    if candidates is not None:
        if state_zone is not None and state_zone in candidates:
            return state_zone
        if len({frozenset(_offsets_of(z)) for z in candidates}) == 1:
            return candidates[0]  # the zones it may mean keep the same clock all year: any is right
        return _fixed_zone(_abbreviation_offset(upper))
    offset = _OFFSET.match(text)
    if offset:
        sign, hours, minutes = offset.groups()
        total = (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes or 0))
        if state_zone is not None and total in _offsets_of(state_zone):
            return state_zone
        return _fixed_zone(total)
    return None


def _iana(text: str) -> str | None:
    if "/" not in text and text.upper() != "UTC":
        return None
    if _loads(text):
        return text
    folded = text.replace(" ", "_").casefold()
    return _iana_by_fold().get(folded)


@functools.cache
def _iana_by_fold() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def _windows_zone(text: str) -> str | None:
    """Windows zone names ("US Mountain Standard Time") through tzlocal's CLDR table."""
    from tzlocal.windows_tz import win_tz

    wanted = " ".join(text.split()).casefold()
    for windows_name, iana in win_tz.items():
        if windows_name.casefold() == wanted:
            return iana if _loads(iana) else None
    return None


def _fixed_zone(minutes: int | None) -> str | None:
    """A whole-hour offset as the Etc zone of that offset (note the POSIX sign: Etc/GMT+7 is UTC-7)."""
    if minutes is None or minutes % 60:
        return None
    hours = minutes // 60
    if hours == 0:
        return "UTC"
    name = f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    return name if _loads(name) else None


def _abbreviation_offset(abbreviation: str) -> int | None:
    zones = ABBREVIATIONS.get(abbreviation, ())
    for zone in zones:
        for minutes, name in _offsets_named(zone):
            if name == abbreviation:
                return minutes
    return None


def _offsets_of(zone: str) -> set[int]:
    return {minutes for minutes, _ in _offsets_named(zone)}


@functools.cache
def _offsets_named(zone: str) -> tuple[tuple[int, str], ...]:
    """The (offset in minutes, abbreviation) pairs a zone uses across this year."""
    z = ZoneInfo(zone)
    year = datetime.now(UTC).year
    seen: dict[tuple[int, str], None] = {}
    for month in range(1, 13):
        moment = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(z)
        offset = moment.utcoffset() or timedelta(0)
        seen[(int(offset.total_seconds() // 60), moment.tzname() or "")] = None
    return tuple(seen)


@functools.cache
def _loads(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.cache
def station_zone() -> str | None:
    """The station's own IANA zone (tzlocal reads it on Windows, macOS and Linux), or None."""
    try:
        from tzlocal import get_localzone_name

        name = get_localzone_name()
    except (
        Exception
    ):  # tzlocal raises its own errors for a misconfigured host; the zone is then unknown
        return None
    return name if name and _loads(name) else None


# ---------------------------------------------------------------- wall time


@overload
def to_store_local(value: datetime, tz: str) -> datetime: ...


@overload
def to_store_local(value: None, tz: str) -> None: ...


def to_store_local(value: datetime | None, tz: str) -> datetime | None:
    """A POS or station time as the store's naive wall time.

    Aware values are converted (through UTC, so a repeated hour keeps fold=1 on its second pass); naive
    values are already store-local wall time (the POS's habit) and pass through; None stays None. An
    unknown `tz` raises ValueError: a location's zone comes from `resolve_zone`, which only gives zones
    that load.
    """
    if value is None or value.tzinfo is None:
        return value
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {tz!r}.") from exc
    return value.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
