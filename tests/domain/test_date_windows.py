"""Store-local dates: windows without gaps, days across midnight, and both DST transitions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake_gui.domain import date_windows as dw
from intake_gui.domain.models import HistoryRow
from intake_gui.domain.store_time import to_store_local

CHI = "America/Chicago"
NY = "America/New_York"
PHX = "America/Phoenix"


# ------------------------------------------------------------------------------- split_range


def test_split_range_clips_the_last_window() -> None:
    start, end = datetime(2026, 1, 1), datetime(2026, 3, 15)
    windows = dw.split_range(start, end, 31)
    assert windows == [
        (datetime(2026, 1, 1), datetime(2026, 2, 1)),
        (datetime(2026, 2, 1), datetime(2026, 3, 4)),
        (datetime(2026, 3, 4), datetime(2026, 3, 15)),
    ]


def test_split_range_short_and_exact() -> None:
    start = datetime(2026, 1, 1, 8)
    assert dw.split_range(start, start + timedelta(hours=3)) == [
        (start, start + timedelta(hours=3))
    ]
    assert dw.split_range(start, start + timedelta(days=2), 1) == [
        (start, start + timedelta(days=1)),
        (start + timedelta(days=1), start + timedelta(days=2)),
    ]
    assert dw.split_range(start, start) == []


def test_split_range_refuses_nonsense() -> None:
    start = datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="before it starts"):
        dw.split_range(start, start - timedelta(seconds=1))
    with pytest.raises(ValueError, match="max_days"):
        dw.split_range(start, start + timedelta(days=1), 0)
    with pytest.raises(ValueError, match="both be naive"):
        dw.split_range(start, datetime(2026, 2, 1, tzinfo=UTC))


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
    max_days=st.integers(min_value=1, max_value=90),
)
def test_split_range_is_contiguous_without_gaps_or_overlap(
    start: datetime, span: timedelta, max_days: int
) -> None:
    end = start + span
    windows = dw.split_range(start, end, max_days)
    if span == timedelta(0):
        assert windows == []
        return
    assert windows[0][0] == start and windows[-1][1] == end
    for (_, a_end), (b_start, _) in itertools.pairwise(windows):
        assert a_end == b_start
    for w_start, w_end in windows:
        assert w_start < w_end <= w_start + timedelta(days=max_days)
    assert all(w_end - w_start == timedelta(days=max_days) for w_start, w_end in windows[:-1])


def test_split_range_across_dst_with_aware_datetimes() -> None:
    z = dw.zone(CHI)
    start = datetime(2024, 3, 9, tzinfo=z)
    end = datetime(2024, 3, 12, tzinfo=z)
    windows = dw.split_range(start, end, 1)
    assert [w[0].day for w in windows] == [9, 10, 11]
    assert windows[-1][1] == end


# ------------------------------------------------------------------------------- merge_rows


def _row(rid: int, when: datetime, title: str = "") -> HistoryRow:
    return HistoryRow(receipt_id=rid, received_at=when, title=title)


def test_merge_rows_dedupes_by_receipt_and_orders_by_date() -> None:
    a = _row(1, datetime(2026, 1, 31, 23, 59), "first copy")
    b = _row(2, datetime(2026, 1, 15))
    a_again = _row(1, datetime(2026, 1, 31, 23, 59), "second copy")
    c = _row(3, datetime(2026, 2, 1))
    merged = dw.merge_rows([a, c, b, a_again])
    assert [r.receipt_id for r in merged] == [2, 1, 3]
    assert merged[1].title == "first copy"


def test_merge_rows_newest_first_keeps_read_order_for_ties() -> None:
    same = datetime(2026, 1, 1, 9)
    rows = [_row(1, same), _row(2, same), _row(3, datetime(2026, 1, 2))]
    assert [r.receipt_id for r in dw.merge_rows(rows, newest_first=True)] == [3, 1, 2]
    assert [r.receipt_id for r in dw.merge_rows(rows)] == [1, 2, 3]


def test_merge_rows_with_custom_keys() -> None:
    @dataclass
    class Thing:
        ref: str
        at: int

    things = [Thing("x", 3), Thing("y", 1), Thing("x", 0)]
    merged = dw.merge_rows(things, key=lambda t: t.ref, when=lambda t: t.at)
    assert [(t.ref, t.at) for t in merged] == [("y", 1), ("x", 3)]


# ------------------------------------------------------------------------------- days and zones


def test_local_day_bounds_is_midnight_to_midnight() -> None:
    assert dw.local_day_bounds(date(2026, 12, 31), PHX) == (
        datetime(2026, 12, 31),
        datetime(2027, 1, 1),
    )


def test_local_day_bounds_refuses_unknown_zone() -> None:
    with pytest.raises(ValueError, match="Unknown time zone"):
        dw.local_day_bounds(date(2026, 1, 1), "America/Nowhere")
    with pytest.raises(ValueError, match="Unknown time zone"):
        to_store_local(datetime(2026, 1, 1, tzinfo=UTC), "")


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (CHI, date(2024, 3, 10), 23),
        (CHI, date(2024, 11, 3), 25),
        (NY, date(2024, 3, 10), 23),
        (NY, date(2024, 11, 3), 25),
        (PHX, date(2024, 3, 10), 24),
        (PHX, date(2024, 11, 3), 24),
        (CHI, date(2024, 7, 4), 24),
    ],
)
def test_store_day_lasts_23_or_25_hours_on_dst_days(tz: str, day: date, hours: int) -> None:
    start, end = dw.local_day_bounds(day, tz)
    length = dw.from_store_local(end, tz) - dw.from_store_local(start, tz)
    assert dw.from_store_local(start, tz).tzinfo is UTC
    assert length.total_seconds() == hours * 3600


def test_to_store_local_across_midnight() -> None:
    # 03:30 UTC on Jan 2 is still the evening of Jan 1 in Chicago (UTC-6).
    local = to_store_local(datetime(2026, 1, 2, 3, 30, tzinfo=UTC), CHI)
    assert local == datetime(2026, 1, 1, 21, 30)
    assert local.tzinfo is None


def test_to_store_local_passes_naive_wall_time_and_none_through() -> None:
    # Naive values are already store wall time (the POS's habit); the one to_store_local keeps them.
    assert to_store_local(datetime(2026, 1, 1, 9, 30), CHI) == datetime(2026, 1, 1, 9, 30)
    assert to_store_local(None, CHI) is None
    with pytest.raises(ValueError, match="naive"):
        dw.from_store_local(datetime(2026, 1, 1, tzinfo=UTC), CHI)


@pytest.mark.parametrize(("tz", "utc_hour"), [(CHI, 7), (NY, 6)])
def test_fall_back_ambiguous_hour(tz: str, utc_hour: int) -> None:
    """01:30 happens twice on 2024-11-03: fold 0 is the first (daylight) pass, fold 1 the second."""
    wall = datetime(2024, 11, 3, 1, 30)
    assert dw.is_ambiguous(wall, tz) and not dw.is_nonexistent(wall, tz)
    first = dw.from_store_local(wall, tz)
    second = dw.from_store_local(wall.replace(fold=1), tz)
    assert first == datetime(2024, 11, 3, utc_hour - 1, 30, tzinfo=UTC)
    assert second == datetime(2024, 11, 3, utc_hour, 30, tzinfo=UTC)
    assert second - first == timedelta(hours=1)


@pytest.mark.parametrize("tz", [CHI, NY])
def test_round_trip_through_the_repeated_hour_is_exact(tz: str) -> None:
    start = datetime(2024, 11, 3, 4, 0, tzinfo=UTC)
    for minutes in range(0, 6 * 60, 15):
        instant = start + timedelta(minutes=minutes)
        wall = to_store_local(instant, tz)
        assert dw.from_store_local(wall, tz) == instant


@pytest.mark.parametrize(("tz", "utc_hour"), [(CHI, 8), (NY, 7)])
def test_spring_forward_nonexistent_time_moves_forward(tz: str, utc_hour: int) -> None:
    """02:30 does not exist on 2024-03-10; it is read with the pre-gap offset and lands at 03:30."""
    wall = datetime(2024, 3, 10, 2, 30)
    assert dw.is_nonexistent(wall, tz) and not dw.is_ambiguous(wall, tz)
    aware = dw.from_store_local(wall, tz)
    assert aware == datetime(2024, 3, 10, utc_hour, 30, tzinfo=UTC)
    assert to_store_local(aware, tz) == datetime(2024, 3, 10, 3, 30)
    earlier = dw.from_store_local(wall.replace(fold=1), tz)
    assert to_store_local(earlier, tz) == datetime(2024, 3, 10, 1, 30)


def test_phoenix_has_no_dst() -> None:
    for wall in (datetime(2024, 3, 10, 2, 30), datetime(2024, 11, 3, 1, 30)):
        assert not dw.is_ambiguous(wall, PHX) and not dw.is_nonexistent(wall, PHX)
    summer = dw.from_store_local(datetime(2024, 7, 1, 12), PHX)
    winter = dw.from_store_local(datetime(2024, 1, 1, 12), PHX)
    assert (summer.hour, winter.hour) == (19, 19)  # UTC-7 all year


def test_ordinary_times_are_neither_ambiguous_nor_nonexistent() -> None:
    wall = datetime(2024, 6, 1, 1, 30)
    assert not dw.is_ambiguous(wall, CHI) and not dw.is_nonexistent(wall, CHI)


# ------------------------------------------------------------------------------- presets


def test_today_uses_the_store_calendar_not_utc() -> None:
    now = datetime(2026, 1, 2, 3, 30, tzinfo=UTC)  # Jan 1, 21:30 in Chicago
    assert dw.today(now, CHI) == (datetime(2026, 1, 1), datetime(2026, 1, 2))
    assert dw.today(now, "UTC") == (datetime(2026, 1, 2), datetime(2026, 1, 3))


def test_last_7_days_includes_today() -> None:
    now = datetime(2026, 3, 3, 15, tzinfo=UTC)
    assert dw.last_7_days(now, PHX) == (datetime(2026, 2, 25), datetime(2026, 3, 4))


def test_this_month_across_year_end() -> None:
    now = datetime(2027, 1, 1, 2, tzinfo=UTC)  # still Dec 31 in New York
    assert dw.this_month(now, NY) == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    assert dw.this_month(datetime(2024, 2, 29, 18, tzinfo=UTC), NY) == (
        datetime(2024, 2, 1),
        datetime(2024, 3, 1),
    )


def test_presets_need_aware_now() -> None:
    for preset in (dw.today, dw.last_7_days, dw.this_month):
        with pytest.raises(ValueError, match="timezone-aware"):
            preset(datetime(2026, 1, 1), CHI)


def test_today_on_the_fall_back_day() -> None:
    now = datetime(2024, 11, 3, 7, 30, tzinfo=UTC)  # 01:30 CST, second pass
    assert dw.today(now, CHI) == (datetime(2024, 11, 3), datetime(2024, 11, 4))
