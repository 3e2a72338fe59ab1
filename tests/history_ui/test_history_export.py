"""What a supervisor takes away: the rows shown as CSV, and one receipt as a printable PDF report."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from intake_gui.domain.store_time import to_store_local
from intake_gui.services.history import CSV_COLUMNS, read_csv
from intake_gui.ui.report_pdf import load_details, render_html


def test_csv_export_of_the_filtered_rows_round_trips(world, open_window, qtbot, tmp_path):
    window = open_window()
    window.set_filter_text("Ωmega-7731")
    shown = window.visible_entries()
    assert len(shown) == 2
    path = tmp_path / "history.csv"

    with qtbot.waitSignal(window.exported, timeout=10000) as done:
        window.export_csv_to(path)

    assert done.args == [path, 2]
    raw = path.read_bytes()
    assert "Café delivery Ωmega-7731 Nº 1".encode() in raw  # UTF-8, not a legacy code page
    rows = read_csv(path)
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(shown)
    for row, entry in zip(rows, shown, strict=True):  # same order as on screen
        assert datetime.fromisoformat(row["received_at"]) == entry.row.received_at
        assert row["timezone"] == "America/Phoenix"
        assert int(row["receipt_id"]) == entry.row.receipt_id
        assert row["vendor"] == entry.row.vendor_name
        assert int(row["vendor_id"]) == entry.row.vendor_id
        assert row["title"] == entry.row.title
        assert int(row["products"]) == entry.row.product_count
        assert Decimal(row["total_quantity"]) == entry.row.total_quantity
        assert (row["clerk"], row["station"]) == ("trainer", "dock-7")
        assert row["verification"] == entry.verification


def test_csv_export_without_a_filter_writes_every_row_shown(world, open_window, qtbot, tmp_path):
    window = open_window()
    path = tmp_path / "all.csv"
    with qtbot.waitSignal(window.exported, timeout=10000) as done:
        window.export_csv_to(path)
    assert done.args[1] == len(window.visible_entries()) == len(read_csv(path))
    seeded = [r for r in read_csv(path) if not r["clerk"]]
    assert seeded and all(r["verification"] == "not received through Intake" for r in seeded)


def test_a_receipt_report_is_written_as_pdf(world, open_window, qtbot, tmp_path):
    window = open_window()
    entry = next(e for e in window.visible_entries() if e.row.receipt_id == world.sales.receipt_id)
    path = tmp_path / "reports" / "receipt.pdf"

    with qtbot.waitSignal(window.report_saved, timeout=20000) as done:
        window.save_report_to(entry, path)

    assert done.args[0] == path
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5000
    assert data.rstrip().endswith(b"%%EOF")


def test_the_drilldown_writes_the_same_report(world, open_window, qtbot, tmp_path):
    window = open_window()
    entry = next(e for e in window.visible_entries() if e.row.receipt_id == world.vault.receipt_id)
    dialog = window.open_receipt(entry)
    qtbot.waitUntil(lambda: dialog.details is not None, timeout=15000)
    path = tmp_path / "vault.pdf"

    with qtbot.waitSignal(dialog.report_saved, timeout=20000):
        dialog.save_report_to(path)

    assert path.read_bytes().startswith(b"%PDF")
    assert "vault.pdf" in dialog.report_link.text()


def test_report_content_names_zone_packages_reasons_and_trail(world):
    from intake_gui.services.history import HistoryService

    history = HistoryService(world.ctx)
    local = to_store_local(world.sales.result.submitted_at, world.location.timezone)
    entries = history.history(
        world.location, local - timedelta(hours=1), local + timedelta(hours=1)
    )
    entry = next(e for e in entries if e.row.receipt_id == world.sales.receipt_id)
    details = load_details(history, world.location, entry)

    html = render_html(details, printed_by="trainer", station="dock-7")

    assert f"Receiving report — receipt {world.sales.receipt_id}" in html
    assert "America/Phoenix (MST, UTC−07:00)" in html
    for line in world.sales.draft.lines:
        assert line.sku in html
    assert "Two units crushed in transit" in html
    assert "The POS accepted it as receipt" in html
    assert "Packages created" in html and "Confirmed" in html
    assert "Received by: ____" in html
    assert "<script" not in html and "Café delivery Ωmega-7731 Nº 1" in html
