"""History on any PC: the POS's rows joined with the shared record's clerk, station, scans and verification."""

from __future__ import annotations

from datetime import datetime, timedelta

from intake_gui.sandbox import AZ_LOC_ID
from intake_gui.services.history import (
    CSV_COLUMNS,
    HistoryService,
    export_csv,
    filter_entries,
    read_csv,
)
from intake_gui.services.setup import SetupService


def _week(ctx):  # type: ignore[no-untyped-def]
    from intake_gui.domain.date_windows import zone

    location = next(x for x in SetupService(ctx).locations() if x.loc_id == AZ_LOC_ID)
    today = datetime.now(zone(location.timezone)).replace(tzinfo=None)
    start = datetime.combine(today.date() - timedelta(days=6), datetime.min.time())
    return location, start, start + timedelta(days=8)


def test_a_supervisor_pc_sees_every_stations_receives(
    open_station, receive, record, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    one = open_station("Receiving-1", record.station)
    two = open_station("Receiving-2", record.station2)
    office = open_station("Office", record.supervisor)
    made_one, result_one = receive(one, "INV-30001", count=2)
    made_two, result_two = receive(two, "INV-30002", count=1, first=5)
    for ctx in (one, two):
        ctx.writer.flush()
        assert ctx.shared.sender.flush(20)
    assert office.shared.status().state in ("read_only", "connecting")

    location, start, end = _week(office)
    entries = HistoryService(office).history(location, start, end)
    assert entries.shared_problem == ""
    by_receipt = {e.row.receipt_id: e for e in entries}
    first, second = by_receipt[result_one.receipt_id], by_receipt[result_two.receipt_id]
    assert (first.station, first.clerk, first.source) == ("Receiving-1", one.clerk, "shared")
    assert (first.scans, first.submit_attempts, first.verification) == (6, 1, "all green")
    assert (second.station, second.scans) == ("Receiving-2", 3)
    outside = [e for e in entries if e.source == "outside"]
    assert outside, "the sandbox's seeded history was not made through Intake"
    assert all(e.made_through == "outside Intake" and not e.clerk for e in outside)

    assert [e.row.receipt_id for e in filter_entries(entries, station="receiving-2")] == [
        result_two.receipt_id
    ]
    assert {e.row.receipt_id for e in filter_entries(entries, clerk=one.clerk)} == {
        result_one.receipt_id,
        result_two.receipt_id,
    }

    facts = HistoryService(office).facts(first)
    assert facts.source == "shared" and facts.draft == made_one
    kinds = [e.kind for e in facts.events]
    assert kinds[0] == "created" and kinds.count("scan") == 6 and "submitted" in kinds
    assert facts.last_report is not None and facts.last_report.all_green

    path = tmp_path / "history.csv"
    export_csv(entries, path, location.timezone)
    rows = {int(r["receipt_id"]): r for r in read_csv(path)}
    assert list(next(iter(rows.values()))) == CSV_COLUMNS
    row = rows[result_one.receipt_id]
    assert (row["station"], row["clerk"], row["made_through"], row["scans"]) == (
        "Receiving-1",
        one.clerk,
        "Intake, shared record",
        "6",
    )
    assert rows[outside[0].row.receipt_id]["made_through"] == "outside Intake"

    # The station that made a receive still reads it from its own journal.
    own = {e.row.receipt_id: e for e in HistoryService(one).history(location, start, end)}
    assert own[result_one.receipt_id].source == "journal"
    assert own[result_one.receipt_id].scans == 6
    assert own[result_two.receipt_id].source == "shared"
    del made_two


def test_history_still_loads_when_the_record_is_down(open_station, receive, record) -> None:  # type: ignore[no-untyped-def]
    one = open_station("Receiving-1", record.station)
    _draft, result = receive(one, "INV-30100")
    one.writer.flush()
    assert one.shared.sender.flush(20)
    office = open_station("Office", record.supervisor)
    location, start, end = _week(office)
    record.server.stop()
    try:
        entries = HistoryService(office).history(location, start, end)
    finally:
        record.server.start()
    assert entries.shared_problem == "the shared record could not be reached"
    row = next(e for e in entries if e.row.receipt_id == result.receipt_id)
    assert row.source == "outside"  # what this PC can know right now; the window says why


def test_a_receive_made_at_another_station_is_rechecked_against_what_it_sent(
    open_station, receive, record
) -> None:  # type: ignore[no-untyped-def]
    """[verify] The History window's re-check on a supervisor's PC: the lines come from the shared record
    (what Receiving-1 sent), not from the POS's packages; nothing is written to a journal that is not its own."""
    from intake_gui.domain.verification import LightKind

    one = open_station("Receiving-1", record.station)
    office = open_station("Office", record.supervisor)
    made, result = receive(one, "INV-30003", count=2)
    one.writer.flush()
    assert one.shared.sender.flush(20)
    location, start, end = _week(office)
    entry = next(
        e
        for e in HistoryService(office).history(location, start, end)
        if e.row.receipt_id == result.receipt_id
    )
    report = HistoryService(office).reverify(location, entry)
    history = report.by_kind(LightKind.HISTORY)
    assert history.rule == "history.recorded"
    assert history.facts["lines_sent"] == len(made.lines)
    assert report.by_kind(LightKind.PACKAGES).rule == "packages.match"
    assert office.journal.by_receipt([result.receipt_id]) == {}
