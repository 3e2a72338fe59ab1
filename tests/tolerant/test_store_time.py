"""Store time: which zone, where it came from, the words for it, and wall time across DST and midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake_gui.domain.models import Location
from intake_gui.domain.store_time import (
    StoreZone,
    ZoneSource,
    resolve_zone,
    to_store_local,
    zone_of_state,
)

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "state", "zone", "source"),
    [
        ("America/Phoenix", "AZ", "America/Phoenix", ZoneSource.POS),
        ("america/phoenix", "", "America/Phoenix", ZoneSource.POS),
        ("US Mountain Standard Time", "", "America/Phoenix", ZoneSource.POS),  # Windows name
        ("Pacific Standard Time", "", "America/Los_Angeles", ZoneSource.POS),
        ("MST", "AZ", "America/Phoenix", ZoneSource.POS),  # the state decides an abbreviation
        ("MST", "CO", "America/Denver", ZoneSource.POS),
        ("MST", "", "Etc/GMT+7", ZoneSource.POS),  # no state: only the fixed offset is safe
        ("PDT", "", "America/Los_Angeles", ZoneSource.POS),
        ("-07:00", "AZ", "America/Phoenix", ZoneSource.POS),  # an offset the state's zone uses
        ("-06:00", "CO", "America/Denver", ZoneSource.POS),  # Denver's summer offset
        ("UTC-5", "", "Etc/GMT+5", ZoneSource.POS),
        ("UTC", "AZ", "UTC", ZoneSource.POS),
        ("", "AZ", "America/Phoenix", ZoneSource.STATE),
        ("", "Arizona", "America/Phoenix", ZoneSource.STATE),
        ("", "mi", "America/Detroit", ZoneSource.STATE),
        ("", "Ontario", "America/Toronto", ZoneSource.STATE),
        ("Mars/Olympus", "NV", "America/Los_Angeles", ZoneSource.STATE),  # unusable: the state
        ("-05:30", "", "America/Chicago", ZoneSource.STATION),  # no whole-hour zone, no state
        ("", "", "America/Chicago", ZoneSource.STATION),
    ],
)
def test_resolution(given: str, state: str, zone: str, source: ZoneSource) -> None:
    found = resolve_zone(given, state, station="America/Chicago")
    assert (found.name, found.source) == (zone, source)


def test_no_zone_no_state_no_station_is_utc_said_as_such() -> None:
    found = resolve_zone(None, None, station="")
    assert found == StoreZone("UTC", ZoneSource.DEFAULT)
    assert "UTC" in found.words(WINTER) and "no zone" in found.words(WINTER)


def test_words() -> None:
    az = resolve_zone("", "AZ", station="")
    assert az.words(WINTER) == (
        "Mountain Standard Time, America/Phoenix — from the store's state, AZ"
    )
    assert az.words(SUMMER).startswith("Mountain Standard Time")  # Arizona keeps standard time
    denver = resolve_zone("America/Denver", "CO", station="")
    assert denver.words(SUMMER) == "Mountain Daylight Time, America/Denver — from the POS"
    given = resolve_zone("MST", "AZ", station="")
    assert given.words(WINTER).endswith("— from the POS, MST")
    station = resolve_zone("", "", station="America/New_York")
    assert "the station's own zone" in station.words(WINTER)
    fixed = resolve_zone("MST", "", station="")
    assert fixed.words(WINTER).startswith("UTC-07, no daylight saving, Etc/GMT+7")


def test_location_carries_its_zone_words() -> None:
    loc = Location(
        loc_id=1,
        name="x",
        lsp_id=2,
        timezone="America/Phoenix",
        zone_source="state",
        zone_given="AZ",
    )
    assert loc.zone_words.endswith("America/Phoenix — from the store's state, AZ")
    assert Location(loc_id=1, name="x", lsp_id=2).zone_words.startswith(
        "Coordinated Universal Time"
    )


def test_every_state_maps_to_a_loadable_zone() -> None:
    from intake_gui.domain.us_zones import STATE_NAMES, STATE_ZONES

    assert len(STATE_ZONES) >= 51
    for code in [*STATE_ZONES, *STATE_NAMES]:
        zone = zone_of_state(code)
        assert zone is not None
        assert resolve_zone("", code, station="").name == zone


# ---- wall time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "tz", "wall"),
    [
        # Arizona has no DST: the same offset in January and July.
        (datetime(2026, 1, 15, 19, 0, tzinfo=UTC), "America/Phoenix", datetime(2026, 1, 15, 12, 0)),
        (datetime(2026, 7, 15, 19, 0, tzinfo=UTC), "America/Phoenix", datetime(2026, 7, 15, 12, 0)),
        # Denver does: an hour apart in summer.
        (datetime(2026, 7, 15, 19, 0, tzinfo=UTC), "America/Denver", datetime(2026, 7, 15, 13, 0)),
        # Spring forward: 02:00 local does not exist; 09:00 UTC is 03:00 MDT.
        (datetime(2026, 3, 8, 9, 0, tzinfo=UTC), "America/Denver", datetime(2026, 3, 8, 3, 0)),
        (datetime(2026, 3, 8, 8, 59, tzinfo=UTC), "America/Denver", datetime(2026, 3, 8, 1, 59)),
        # Midnight: late evening in the store is already tomorrow in UTC.
        (datetime(2026, 4, 1, 6, 59, tzinfo=UTC), "America/Phoenix", datetime(2026, 3, 31, 23, 59)),
        (datetime(2026, 4, 1, 7, 0, tzinfo=UTC), "America/Phoenix", datetime(2026, 4, 1, 0, 0)),
    ],
)
def test_to_store_local(instant: datetime, tz: str, wall: datetime) -> None:
    assert to_store_local(instant, tz) == wall


def test_fall_back_keeps_both_passes_apart() -> None:
    first = to_store_local(datetime(2026, 11, 1, 7, 30, tzinfo=UTC), "America/Denver")
    second = to_store_local(datetime(2026, 11, 1, 8, 30, tzinfo=UTC), "America/Denver")
    assert first == second == datetime(2026, 11, 1, 1, 30)  # the repeated hour
    assert (first.fold, second.fold) == (0, 1)


def test_naive_and_none_pass_through_and_an_unknown_zone_is_refused() -> None:
    assert to_store_local(datetime(2026, 1, 1, 9), "America/Phoenix") == datetime(2026, 1, 1, 9)
    assert to_store_local(None, "America/Phoenix") is None
    with pytest.raises(ValueError, match="Unknown time zone"):
        to_store_local(WINTER, "Mars/Olympus")
