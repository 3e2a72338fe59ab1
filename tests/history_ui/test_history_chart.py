"""The chart adds up to the rows: receives per store day and units by vendor, empty days and small vendors kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from intake_gui.domain.models import HistoryRow
from intake_gui.services.history import HistoryEntry
from intake_gui.ui.history_chart import OTHER_VENDORS, chart_data, vendor_labels


def _entry(receipt_id: int, when: datetime, vendor: str, qty: str) -> HistoryEntry:
    return HistoryEntry(
        HistoryRow(
            receipt_id=receipt_id,
            received_at=when,
            vendor_name=vendor,
            total_quantity=Decimal(qty),
        )
    )


def test_chart_totals_match_the_range_shown(world, open_window):
    window = open_window()
    shown = window.visible_entries()
    units = sum((e.row.total_quantity or Decimal(0) for e in shown), Decimal(0))

    chart = window.chart
    assert chart.day_total == len(shown)
    assert chart.vendor_total == float(units)
    assert (
        len(chart.data.buckets) == 7
    )  # one bar per store day of "last 7 days", empty days included
    assert f"{len(shown)} in all" in chart.day_chart.title()
    assert "America/Phoenix" in chart.day_chart.title()

    window.set_filter_text("Ωmega-7731")
    assert chart.day_total == 2
    assert chart.vendor_total == float(world.sales.units + world.vault.units)
    assert sorted(name for name, _ in chart.data.vendors) == sorted(
        {world.sales.draft.vendor.name, world.vault.draft.vendor.name}
    )
    assert "40 in all" in chart.vendor_chart.title()


def test_empty_days_are_zero_bars_and_long_ranges_use_weeks():
    start = datetime(2026, 3, 1)
    entries = [
        _entry(1, datetime(2026, 3, 2, 9), "A", "5"),
        _entry(2, datetime(2026, 3, 2, 15), "B", "7"),
        _entry(3, datetime(2026, 3, 5, 11), "A", "1.5"),
    ]
    daily = chart_data(entries, start, start + timedelta(days=7))
    assert [n for _, n in daily.buckets] == [0, 2, 0, 0, 1, 0, 0]
    assert daily.buckets[1][0] == "Mon 03-02"
    assert (daily.receives, daily.units) == (3, Decimal("13.5"))
    assert daily.vendors == [("B", Decimal("7")), ("A", Decimal("6.5"))]

    long = chart_data(entries, start, start + timedelta(days=90))
    assert long.by_week
    assert sum(n for _, n in long.buckets) == 3
    assert long.buckets[0] == ("wk 02-23", 0)  # the Monday of the week holding 1 March
    assert long.buckets[1] == ("wk 03-02", 3)


def test_small_vendors_fold_into_other_and_the_total_holds():
    day = datetime(2026, 3, 2, 10)
    entries = [_entry(i, day, f"Vendor {i:02d}", str(100 - i)) for i in range(15)]
    data = chart_data(entries, None, None, top_vendors=10)
    assert len(data.vendors) == 10
    assert data.vendors[-1][0] == OTHER_VENDORS
    assert sum(q for _, q in data.vendors) == data.units == sum(Decimal(100 - i) for i in range(15))
    # No stated range: only days with receives.
    assert data.buckets == [("Mon 03-02", 15)]


def test_labels_stay_unique_across_a_new_year_and_for_long_vendor_names():
    entries = [
        _entry(1, datetime(2025, 12, 31, 9), "A", "1"),
        _entry(2, datetime(2026, 1, 1, 9), "A", "1"),
    ]
    data = chart_data(entries, datetime(2025, 12, 20), datetime(2026, 1, 10))
    labels = [label for label, _ in data.buckets]
    assert len(labels) == len(set(labels)) == 21
    assert labels[0] == "25-12-20"

    long = "SONORAN ROOTS CULTIVATION AND EXTRACTION LLC"
    names = vendor_labels([long + " NORTH", long + " SOUTH", "Short"])
    assert len(set(names)) == 3
    assert names[2] == "Short"
    assert all(len(n) <= 33 for n in names)
