"""The supervisors' view from any PC (pytest-qt, real PostgreSQL, real sandbox over HTTP): the History window on an
office PC that never received anything shows who received what at two other stations, with their scans."""

from __future__ import annotations

import time
from typing import Any

from intake_gui.services.history import read_csv
from intake_gui.ui.history_filter import OUTSIDE
from intake_gui.ui.history_model import Column


def _cell(window: Any, receipt_id: int, column: Column) -> str:
    index = window.proxy.proxy_index_for(receipt_id)
    assert index.isValid(), receipt_id
    return window.proxy.index(index.row(), column, index.parent()).data()


def test_office_pc_sees_two_other_stations(
    qtbot, drain, open_station, receive, record, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from intake_gui.ui.history_window import HistoryWindow

    one = open_station("Receiving-1", record.station)
    two = open_station("Receiving-2", record.station2)
    _d1, r1 = receive(one, "INV-61001", count=2)
    _d2, r2 = receive(two, "INV-61002", count=3, first=4)
    for ctx in (one, two):
        assert ctx.shared.sender.flush(20)
    office = open_station("Office", record.supervisor)
    assert office.journal.by_receipt([r1.receipt_id, r2.receipt_id]) == {}, "no local journal"

    window = HistoryWindow(office)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=20000):
        window.show()
    try:
        for result, station, clerk, scans in (
            (r1, "Receiving-1", one.clerk, "6"),
            (r2, "Receiving-2", two.clerk, "9"),
        ):
            assert _cell(window, result.receipt_id, Column.STATION) == station
            assert _cell(window, result.receipt_id, Column.CLERK) == clerk
            assert _cell(window, result.receipt_id, Column.SCANS) == scans
            assert _cell(window, result.receipt_id, Column.ATTEMPTS) == "1"
            assert _cell(window, result.receipt_id, Column.VERIFICATION) == "✔ all green"
        outside = next(e for e in window.visible_entries() if e.source == "outside")
        assert _cell(window, outside.row.receipt_id, Column.STATION) == "outside Intake"
        assert "2 made through Intake" in window.totals_label.text()

        # Filters by station and by clerk
        window.people.choose(station="Receiving-2")
        assert [e.row.receipt_id for e in window.visible_entries()] == [r2.receipt_id]
        window.people.choose(station=OUTSIDE)
        assert window.visible_entries() and all(
            e.source == "outside" for e in window.visible_entries()
        )
        window.people.choose(station=None, clerk=one.clerk)
        assert {e.row.receipt_id for e in window.visible_entries()} == {
            r1.receipt_id,
            r2.receipt_id,
        }
        window.people.choose(station="Receiving-1", clerk=one.clerk)

        # The CSV carries them
        path = tmp_path / "office.csv"
        with qtbot.waitSignal(window.exported, timeout=10000):
            window.export_csv_to(path)
        (row,) = read_csv(path)
        assert (row["station"], row["clerk"], row["scans"], row["made_through"]) == (
            "Receiving-1",
            one.clerk,
            "6",
            "Intake, shared record",
        )

        # The drill-down shows the other station's audit trail, from the shared record
        window.select_receipt(r1.receipt_id)
        with qtbot.waitSignal(window.receipt_opened, timeout=5000) as opened:
            window.open_selected()
        dialog = opened.args[0]
        qtbot.waitUntil(lambda: dialog.details is not None, timeout=15000)
        assert "shared record" in dialog.audit_note.text()
        whats = [dialog.audit_table.item(r, 3).text() for r in range(dialog.audit_table.rowCount())]
        stations = {
            dialog.audit_table.item(r, 2).text() for r in range(dialog.audit_table.rowCount())
        }
        assert stations == {"Receiving-1"}
        assert sum(w.startswith("Scan") for w in whats) == 6
        assert any("receipt" in w and str(r1.receipt_id) in w for w in whats)

        # …and the PDF carries who, where and how many scans
        from intake_gui.ui.report_pdf import render_html

        html = render_html(dialog.details)
        assert f"{one.clerk} @ Receiving-1" in html and "6 / 1" in html
        pdf = tmp_path / "r1.pdf"
        with qtbot.waitSignal(dialog.report_saved, timeout=15000):
            dialog.save_report_to(pdf)
        assert pdf.stat().st_size > 1000
    finally:
        window.shutdown()


def test_status_label_goes_offline_and_comes_back(
    qtbot, drain, open_station, receive, record
) -> None:  # type: ignore[no-untyped-def]
    from intake_gui.ui.history_record_status import SharedRecordLabel

    station = open_station("Receiving-1", record.station)
    station.shared.sender.poll_s = 0.2
    station.shared.sender.max_backoff_s = 0.5
    label = SharedRecordLabel(lambda: station)
    qtbot.addWidget(label)
    label.show()
    label.refresh()
    qtbot.waitUntil(lambda: label.text() == "shared record: up to date", timeout=10000)
    record.server.stop()
    try:
        receive(station, "INV-62001", submit=False)
        qtbot.waitUntil(
            lambda: (label.refresh(), label.text())[1].startswith("shared record: offline since "),
            timeout=20000,
        )
        assert label.text().endswith(" waiting") and label.property("tone") == "bad"
    finally:
        record.server.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        label.refresh()
        if label.text() == "shared record: up to date":
            break
        qtbot.wait(100)
    assert label.text() == "shared record: up to date"
    label.stop()
