"""The History window lists a store's receives with who made them, in the store's calendar and zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from intake_gui.sandbox import FaultKind, FaultRule
from intake_gui.ui.history_model import Column, Grouping
from intake_gui.ui.history_window import Preset

HISTORY = "v2/inventory/get-receive-history"


def _row_texts(window: Any, receipt_id: int) -> dict[Column, str]:
    index = window.proxy.proxy_index_for(receipt_id)
    assert index.isValid(), f"receipt {receipt_id} is not shown"
    return {col: window.proxy.index(index.row(), col, index.parent()).data() for col in Column}


def test_receives_made_here_show_with_clerk_station_and_verification(world, open_window):
    window = open_window()

    shown = {e.row.receipt_id: e for e in window.visible_entries()}
    for made in (world.sales, world.vault):
        entry = shown[made.receipt_id]
        assert (entry.clerk, entry.station) == ("trainer", "dock-7")
        texts = _row_texts(window, made.receipt_id)
        assert texts[Column.CLERK] == "trainer"
        assert texts[Column.STATION] == "dock-7"
        assert texts[Column.TITLE] == made.draft.title  # the idempotency tag is not shown
        assert texts[Column.PRODUCTS] == str(len(made.draft.lines))
        assert texts[Column.VENDOR] == made.draft.vendor.name
    assert _row_texts(window, world.sales.receipt_id)[Column.VERIFICATION] == "✔ all green"
    assert _row_texts(window, world.vault.receipt_id)[Column.VERIFICATION].startswith("✖ ")
    # Seeded receives of the last week are there too, without journal columns.
    seeded = [e for e in window.visible_entries() if e.draft_id is None]
    assert seeded and all(e.clerk == "" for e in seeded)


def test_every_shown_time_names_the_store_zone(world, open_window):
    window = open_window()

    header = window.model.headerData(Column.RECEIVED, window.view.header().orientation())
    assert header == "Received (America/Phoenix)"
    assert "America/Phoenix (MST, UTC−07:00)" in window.zone_label.text()
    start, end = window.range
    assert end - start == timedelta(days=7)
    # Receives are listed newest first by default.
    times = [e.row.received_at for e in window.visible_entries()]
    assert times == sorted(times, reverse=True)


def test_today_is_the_store_calendar_day_not_the_stations(world, open_window, qtbot):
    # 05:30 UTC on 1 March is still 28 February (22:30) in Phoenix.
    window = open_window(now=lambda: datetime(2027, 3, 1, 5, 30, tzinfo=UTC))
    with qtbot.waitSignal(window.loaded, timeout=15000):
        window.set_preset(Preset.TODAY)

    assert window.range == (datetime(2027, 2, 28), datetime(2027, 3, 1))
    with qtbot.waitSignal(window.loaded, timeout=15000):
        window.set_preset(Preset.THIS_MONTH)
    assert window.range == (datetime(2027, 2, 1), datetime(2027, 3, 1))


def test_filter_and_grouping(world, open_window):
    window = open_window()
    total = len(window.visible_entries())

    window.set_filter_text("ωMEGA-7731")  # case-insensitive, any column
    assert {e.row.receipt_id for e in window.visible_entries()} == {
        world.sales.receipt_id,
        world.vault.receipt_id,
    }
    assert "2 of" in window.totals_label.text()

    window.set_grouping(Grouping.VENDOR)
    groups = [window.proxy.index(r, 0) for r in range(window.proxy.rowCount())]
    assert sorted(g.data() for g in groups) == sorted(
        {world.sales.draft.vendor.name, world.vault.draft.vendor.name}
    )
    for group in groups:
        assert window.proxy.rowCount(group) == 1
        assert window.proxy.index(group.row(), Column.TITLE).data() == "1 receive"

    window.set_grouping(Grouping.DAY)
    (day,) = [window.proxy.index(r, 0) for r in range(window.proxy.rowCount())]
    assert window.proxy.rowCount(day) == 2
    assert window.proxy.index(day.row(), Column.QUANTITY).data() == str(
        int(world.sales.units + world.vault.units)
    )

    window.set_filter_text("")
    window.set_grouping(Grouping.NONE)
    assert len(window.visible_entries()) == total


def test_sorting_by_a_column_uses_values_not_text(world, open_window):
    window = open_window()
    window.view.sortByColumn(Column.QUANTITY, Qt.SortOrder.AscendingOrder)
    quantities = [e.row.total_quantity for e in window.visible_entries()]
    assert quantities == sorted(quantities)


def test_a_long_range_is_read_in_windows_with_progress(world, open_window, qtbot):
    window = open_window()
    maxima: list[int] = []
    window.progress.valueChanged.connect(lambda _v: maxima.append(window.progress.maximum()))
    today = window.range[1].date() - timedelta(days=1)
    window.set_custom_range(today - timedelta(days=69), today)
    with qtbot.waitSignal(window.loaded, timeout=20000) as blocker:
        window.load()

    entries = blocker.args[0]
    assert max(maxima) == 3  # 70 days in windows of 31
    ids = [e.row.receipt_id for e in entries]
    assert len(ids) == len(set(ids))
    oldest = min(e.row.received_at for e in entries)
    assert oldest.date() < today - timedelta(days=40)  # seeded history beyond one window came back
    assert window.progress.isHidden()


def test_a_failed_read_says_why_and_keeps_the_rows(world, open_window, qtbot):
    window = open_window()
    before = len(window.visible_entries())
    world.box.admin.set_faults([FaultRule(endpoint=HISTORY, kind=FaultKind.NOT_PERMITTED, times=1)])

    with qtbot.waitSignal(window.load_failed, timeout=15000) as blocker:
        window.load()

    assert "not permitted" in blocker.args[0].lower()
    assert not window.message.isHidden()
    assert window.message.property("tone") == "bad"
    assert len(window.visible_entries()) == before
    assert window.load_button.isEnabled()


def test_a_custom_range_ending_before_it_starts_is_refused(world, open_window):
    window = open_window()
    generation = window._generation
    window.set_custom_range(date(2026, 5, 10), date(2026, 5, 1))
    window.load()
    assert window._generation == generation
    assert "ends before it starts" in window.message.text()
