"""ScanSession: what every scan, pick and edit does to the draft's lines; undo; events for the journal."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from intake_gui.domain.barcode import GS, interpret
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import Manifest, ManifestLine
from intake_gui.domain.scan_read import ScanRead
from intake_gui.domain.scan_session import ChangeKind, OutcomeKind, RowStatus, ScanSession

from .conftest import CATALOG, TAG, Clock

TOMMY_UPC = "012345678905"
KIVA_EAN = "4006381333931"
JEETER_EAN8 = "96385074"


def gs1(gtin: str, lot: str, expiry: str = "261231", serial: str = "") -> str:
    tail = f"{GS}21{serial}" if serial else ""
    return f"]C101{gtin}17{expiry}10{lot}{tail}"


def qty_by(session: ScanSession) -> dict[tuple[int, str], Decimal]:
    return {(ln.product_id, ln.lot): ln.quantity for ln in session.lines}


def scan_at(session: ScanSession, clock: Clock, raw: str, after_ms: float = 1000):
    clock.advance(after_ms)
    return session.scan(raw)


def test_the_hundred_scans(session, clock):
    outcomes = []
    for i in range(40):
        outcomes.append(scan_at(session, clock, TOMMY_UPC))
        if i % 10 == 9:
            outcomes.append(
                scan_at(session, clock, TOMMY_UPC, after_ms=40)
            )  # the scanner fired twice
    for _ in range(5):
        outcomes.append(scan_at(session, clock, "3*"))
        outcomes.append(scan_at(session, clock, KIVA_EAN, after_ms=300))
    for _ in range(20):
        outcomes.append(scan_at(session, clock, "cart-1"))
    for _ in range(3):
        outcomes.append(scan_at(session, clock, "MYSTERY-1"))
    for _ in range(10):
        outcomes.append(scan_at(session, clock, gs1("00012345678905", "L1")))
    for _ in range(5):
        outcomes.append(scan_at(session, clock, gs1("00012345678905", "L2", "270600")))
    outcomes.append(scan_at(session, clock, f"12*{JEETER_EAN8}"))
    for _ in range(2):
        outcomes.append(scan_at(session, clock, "012345678906"))  # misread: bad check digit
    for _ in range(5):
        outcomes.append(scan_at(session, clock, JEETER_EAN8))
    assert len(outcomes) == 100

    kinds = [o.kind for o in outcomes]
    assert kinds.count(OutcomeKind.DOUBLE_READ) == 4
    assert kinds.count(OutcomeKind.MULTIPLIER) == 5
    assert kinds.count(OutcomeKind.UNKNOWN) == 3
    assert kinds.count(OutcomeKind.INVALID) == 2
    assert qty_by(session) == {
        (1, ""): Decimal(40),
        (2, ""): Decimal(15),
        (3, ""): Decimal(20),
        (1, "L1"): Decimal(10),
        (1, "L2"): Decimal(5),
        (5, ""): Decimal(17),
    }
    lots = {ln.lot: ln.expiration for ln in session.lines if ln.lot}
    assert lots == {"L1": date(2026, 12, 31), "L2": date(2027, 6, 30)}
    assert all(ln.room_id == 24772 for ln in session.lines)
    [pending] = session.pending_unknown
    assert (pending.code.key, pending.quantity) == ("MYSTERY-1", Decimal(3))
    assert session.totals().units == Decimal(107)

    mapped = session.map_code(pending.code, session.index.by_id(6))
    assert mapped.kind is OutcomeKind.MAPPED and mapped.quantity == 3
    assert qty_by(session)[(6, "")] == 3
    assert scan_at(session, clock, "mystery-1").kind is OutcomeKind.INCREMENTED
    assert qty_by(session)[(6, "")] == 4


def read(text: str, start_ms: int, duration_ms: int = 30) -> ScanRead:
    """What the scanner filter delivers: the code and its first and last key timestamps."""
    return ScanRead(text, started_ms=start_ms, ended_ms=start_ms + duration_ms)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([TOMMY_UPC, KIVA_EAN, "CART-1"]),
            st.integers(0, 1500),
            st.integers(5, 120),
        ),
        max_size=60,
    )
)
@settings(max_examples=120, deadline=None)
def test_never_drops_or_doubles(reads):
    """Oracle: a read counts unless it repeats the last *counted* read and starts within the blanking window
    of that read's end, on the scanner's timestamps. The session's own clock never moves: a loaded station
    hands over reads in a lump, and that must change nothing."""
    clock = Clock()
    session = ScanSession(CatalogIndex(CATALOG), room_id=1, clock=clock, blanking_ms=120)
    expected = 0
    last_raw, last_end = None, -(10**9)
    ts = 10_000
    for raw, gap, duration in reads:
        start = ts + gap
        if not (raw == last_raw and start - last_end < 120):
            expected += 1
            last_raw, last_end = raw, start + duration
        session.scan(read(raw, start, duration))
        ts = start + duration
    assert session.totals().units == expected


def test_identical_items_400_ms_apart_count_even_when_they_arrive_together(session):
    """Three identical items scanned 400 ms apart reach a busy GUI thread in one lump: all three count."""
    start = 50_000
    outcomes = [session.scan(read("3B4791", start + i * 430)) for i in range(3)]
    assert [o.counted for o in outcomes] == [True, True, True]
    assert session.totals().units == 3


def test_a_true_double_read_is_blanked_seen_and_countable_with_one_action(session):
    assert session.scan(read("3B4791", 1000)).counted
    blanked = session.scan(read("3B4791", 1070))  # began 40 ms after the first read's Enter
    assert blanked.kind is OutcomeKind.DOUBLE_READ
    assert blanked.blanked and not blanked.counted
    assert "40 ms" in blanked.message
    assert session.blanked == "3B4791"
    assert session.totals().units == 1
    counted = session.count_blanked()
    assert counted.counted and session.totals().units == 2
    assert session.count_blanked().kind is OutcomeKind.REJECTED, "a blanked read counts once"
    assert session.totals().units == 2


def test_the_next_scan_clears_a_waiting_blanked_read(session):
    session.scan(read("3B4791", 1000))
    session.scan(read("3B4791", 1050))
    session.scan(read("CART-1", 3000))
    assert session.blanked == ""
    assert session.count_blanked().kind is OutcomeKind.REJECTED


def test_double_read_window_does_not_slide(session, clock):
    assert session.scan(read(TOMMY_UPC, 1000)).counted  # ends at 1030
    assert session.scan(read(TOMMY_UPC, 1070)).kind is OutcomeKind.DOUBLE_READ
    assert session.scan(read(TOMMY_UPC, 1160)).counted, "130 ms after the counted read's end"
    assert session.scan(read(KIVA_EAN, 1200)).counted
    assert session.scan(read(TOMMY_UPC, 1240)).counted, (
        "another code in between is not a double read"
    )


def test_typed_codes_are_timed_by_the_session_clock_and_never_mixed_with_scans(session, clock):
    assert scan_at(session, clock, TOMMY_UPC).counted
    assert scan_at(session, clock, TOMMY_UPC, 50).kind is OutcomeKind.DOUBLE_READ
    assert scan_at(session, clock, TOMMY_UPC, 500).counted
    assert session.scan(read(TOMMY_UPC, 10)).counted, "a scan after a typed code is its own read"


def test_a_misread_does_not_arm_the_guard(session):
    assert session.scan(read("012345678906", 1000)).kind is OutcomeKind.INVALID
    assert session.scan(read("012345678906", 1050)).kind is OutcomeKind.INVALID


def test_station_settings_bring_an_item_eating_window_down():
    from intake_gui.store.settings import ScannerSettings

    assert ScannerSettings().blanking_ms == 120
    assert ScannerSettings(blanking_ms=700).blanking_ms == 300, "the old 700 ms default ate items"
    assert ScannerSettings(blanking_ms=0).blanking_ms == 0


def test_multiplier_forms(session, clock):
    assert scan_at(session, clock, "*4").kind is OutcomeKind.MULTIPLIER
    assert session.armed_quantity == 4
    assert scan_at(session, clock, "NOT A REAL 012345678906").kind is OutcomeKind.UNKNOWN
    assert session.pending_unknown[0].quantity == 4, (
        "an unknown code takes the armed multiplier with it"
    )
    assert scan_at(session, clock, "2.5*").quantity == Decimal("2.5")
    assert scan_at(session, clock, "012345678906").kind is OutcomeKind.INVALID
    assert session.armed_quantity == Decimal("2.5"), "a misread keeps the multiplier for the rescan"
    assert scan_at(session, clock, TOMMY_UPC).quantity == Decimal("2.5")
    assert session.armed_quantity is None
    assert scan_at(session, clock, f"3*{TOMMY_UPC}").quantity == 3
    assert qty_by(session)[(1, "")] == Decimal("5.5")
    bad = scan_at(session, clock, "0*")
    assert bad.kind is OutcomeKind.REJECTED and "greater than zero" in bad.message
    assert session.set_quantity_next("abc") is not None
    assert session.set_quantity_next(6) is None
    session.clear_quantity_next()
    assert session.armed_quantity is None


def test_quantity_keyed_afterwards(session, clock):
    assert session.set_last_quantity(3) == "Scan a product first, then type its quantity."
    scan_at(session, clock, KIVA_EAN)
    assert session.set_last_quantity(12) is None
    assert qty_by(session)[(2, "")] == 12
    scan_at(session, clock, "WHO-KNOWS")
    assert session.set_last_quantity(5) is None
    assert qty_by(session)[(2, "")] == 12, "after an unknown code the typed quantity is that code's"
    assert session.pending_unknown[0].quantity == 5
    assert session.set_last_quantity("-1") is not None


def test_ambiguous_code_is_kept_and_resolved_by_choice(session, clock):
    out = scan_at(session, clock, "614141123452")
    assert out.kind is OutcomeKind.AMBIGUOUS
    assert {p.product_id for p in out.candidates} == {7, 8}
    assert session.lines == ()
    chosen = session.map_code(out.code, session.index.by_id(8), remember=False)
    assert chosen.counted and chosen.product.product_id == 8
    assert session.index.lookup(out.code) is None, "a one-off choice is not saved as a mapping"


def test_misread_is_not_mappable(session, clock):
    out = scan_at(session, clock, "012345678906")
    assert out.kind is OutcomeKind.INVALID
    assert session.map_code(out.code, session.index.by_id(1)).kind is OutcomeKind.REJECTED
    assert session.pending_unknown == ()


def test_package_tag_scan_uses_saved_mapping_and_its_own_line(session, clock):
    scan_at(session, clock, "CART-1")
    out = scan_at(session, clock, TAG)
    assert out.kind is OutcomeKind.ADDED
    tagged = session.line(out.line_id)
    assert (tagged.product_id, tagged.package_tag) == (3, TAG)
    assert len(session.lines) == 2


def test_serial_counted_once(session, clock):
    first = scan_at(session, clock, gs1("00012345678905", "L1", serial="S1"))
    again = scan_at(session, clock, gs1("00012345678905", "L1", serial="S1"))
    other = scan_at(session, clock, gs1("00012345678905", "L1", serial="S2"))
    assert first.counted and other.counted
    assert again.kind is OutcomeKind.DUPLICATE_SERIAL
    assert qty_by(session)[(1, "L1")] == 2
    session.undo()
    session.undo()
    assert scan_at(session, clock, gs1("00012345678905", "L1", serial="S1")).counted, (
        "undo forgets the serial"
    )


def test_edit_after_scan_keeps_plain_scans_on_that_line(session, clock):
    out = scan_at(session, clock, TOMMY_UPC)
    assert session.set_field(out.line_id, "lot", "  B-77 ") is None
    again = scan_at(session, clock, TOMMY_UPC)
    assert again.line_id == out.line_id
    assert session.line(out.line_id).quantity == 2
    assert session.line(out.line_id).lot == "B-77"


def test_gs1_expiry_fills_an_empty_expiration_only(session, clock):
    scan_at(session, clock, gs1("00012345678905", "L1", "261231"))
    line_id = session.lines[0].line_id
    session.set_field(line_id, "expiration", "2027-01-15")
    scan_at(session, clock, gs1("00012345678905", "L1", "261231"))
    assert session.line(line_id).expiration == date(2027, 1, 15)


def test_edits_validate_and_refuse_without_change(session, clock):
    line_id = scan_at(session, clock, KIVA_EAN).line_id
    before = session.line(line_id)
    assert "not a quantity" in session.set_quantity(line_id, "lots")
    assert "greater than zero" in session.set_quantity(line_id, 0)
    assert "three decimal places" in session.set_quantity(line_id, "1.2345")
    assert "zero or more" in session.set_cost(line_id, "-3")
    assert "not a date" in session.set_field(line_id, "expiration", "next tuesday")
    assert "keep it to" in session.set_field(line_id, "lot", "X" * 65)
    assert "cannot be edited" in session.set_field(line_id, "sku", "HACK")
    assert session.line(line_id) == before
    assert session.set_quantity("nope", 3) == "That line is no longer in the receive."
    assert session.set_quantity(line_id, "7") is None
    assert session.set_cost(line_id, "$4.5") is None
    assert session.set_field(line_id, "package_tag", TAG.lower()) is None
    assert session.set_field(line_id, "expiration", "03/31/2027") is None
    line = session.line(line_id)
    assert (line.quantity, line.unit_cost, line.package_tag, line.expiration) == (
        Decimal(7),
        Decimal("4.50"),
        TAG,
        date(2027, 3, 31),
    )
    assert session.set_field(line_id, "expiration", "") is None
    assert session.line(line_id).expiration is None


def test_quantity_ceiling_refuses_the_scan(session, clock):
    line_id = scan_at(session, clock, KIVA_EAN).line_id
    session.set_quantity(line_id, 100000)
    out = scan_at(session, clock, KIVA_EAN)
    assert out.kind is OutcomeKind.REJECTED
    assert session.line(line_id).quantity == 100000


def test_undo_walks_back_every_kind_of_change(session, clock):
    assert session.undo() is None
    a = scan_at(session, clock, TOMMY_UPC).line_id
    scan_at(session, clock, TOMMY_UPC)
    b = scan_at(session, clock, KIVA_EAN).line_id
    session.set_cost(b, "2.00")
    session.remove(a)
    assert [ln.line_id for ln in session.lines] == [b]
    assert session.undo() == "Undid: remove Tommy Chong Joint (H)"
    assert [ln.line_id for ln in session.lines] == [a, b], "a removed line comes back in its place"
    session.undo()
    assert session.line(b).unit_cost == Decimal("10.00")
    session.undo()
    assert session.line(b) is None
    session.undo()
    assert session.line(a).quantity == 1, "a scan increment is undone on its own"
    session.undo()
    assert session.lines == ()
    assert session.undo() is None


def test_undo_of_mapping_restores_the_unknown_code(session, clock):
    code = scan_at(session, clock, "NEW-CODE").code
    session.map_code(code, session.index.by_id(2))
    assert session.index.lookup(interpret("NEW-CODE")).product_id == 2
    session.undo()
    assert session.index.lookup(interpret("NEW-CODE")) is None
    assert [p.code.key for p in session.pending_unknown] == ["NEW-CODE"]
    assert session.lines == ()
    assert session.dismiss_unknown("NEW-CODE") is True
    assert session.pending_unknown == ()
    session.undo()
    assert len(session.pending_unknown) == 1


def test_add_product_from_search(session, clock):
    product = session.index.by_id(9)
    out = session.add_product(product, "2")
    assert out.kind is OutcomeKind.ADDED and out.quantity == 2
    assert session.line(out.line_id).unit_cost is None, (
        "no catalog cost: no cost (never 0), editable"
    )
    assert session.add_product(product).kind is OutcomeKind.INCREMENTED
    assert session.add_product(product, "x").kind is OutcomeKind.REJECTED
    assert session.line(out.line_id).quantity == 3


def test_events_carry_rows_and_serialise(session, clock):
    events = []
    session.on_change = events.append
    extra = []
    unsubscribe = session.subscribe(extra.append)
    out = scan_at(session, clock, gs1("00012345678905", "L1"))
    scan_at(session, clock, gs1("00012345678905", "L1"))
    session.set_quantity(out.line_id, 5)
    session.undo()
    unsubscribe()
    session.remove(out.line_id)
    assert [(e.kind, e.cause) for e in events] == [
        (ChangeKind.LINE_ADDED, "scan"),
        (ChangeKind.LINE_CHANGED, "scan"),
        (ChangeKind.LINE_CHANGED, "edit"),
        (ChangeKind.LINE_CHANGED, "undo"),
        (ChangeKind.LINE_REMOVED, "edit"),
    ]
    assert len(extra) == 4
    assert events[1].row.scanned == 2 and events[1].line_id == out.line_id
    assert events[2].detail == {"quantity": {"before": Decimal(2), "after": Decimal(5)}}
    assert events[4].row is None and events[4].before.line_id == out.line_id
    for e in events:
        json.dumps(e.as_dict())
    assert events[2].as_dict()["detail"] == {"quantity": {"before": "2", "after": "5"}}


def test_failing_listener_does_not_lose_the_scan(session, clock, caplog):
    def broken(_event):
        raise OSError("disk full")

    session.subscribe(broken)
    with caplog.at_level(logging.ERROR):
        out = scan_at(session, clock, KIVA_EAN)
    assert out.counted and session.totals().units == 1
    assert "change listener failed" in caplog.text


def test_set_room_moves_every_line(session, clock):
    scan_at(session, clock, KIVA_EAN)
    scan_at(session, clock, TOMMY_UPC)
    session.set_room(99)
    assert {ln.room_id for ln in session.lines} == {99}
    assert scan_at(session, clock, "CART-1").line_id and session.lines[-1].room_id == 99
    session.undo()
    session.undo()
    assert {ln.room_id for ln in session.lines} == {24772}
    assert session.room_id == 24772


# -- expected vs scanned -----------------------------------------------------------------------------


def manifest() -> Manifest:
    return Manifest(
        source="csv",
        lines=(
            ManifestLine(row=2, sku="3B4791", quantity=Decimal(10), name="Tommy"),
            ManifestLine(row=3, gtin="04006381333931", quantity=Decimal(4)),
            ManifestLine(row=4, package_tag=TAG, quantity=Decimal(2)),
            ManifestLine(row=5, sku="GHOST-1", quantity=Decimal(1), name="Ghost item"),
            ManifestLine(row=6, sku="3b4791", quantity=Decimal(2), name="Tommy, second line"),
        ),
    )


def test_rows_merge_expected_and_scanned(session, clock):
    session.load_expected(manifest())
    rows = session.rows()
    assert [(r.key, r.expected, r.status) for r in rows] == [
        ("p:1", Decimal(12), RowStatus.SHORT),
        ("p:2", Decimal(4), RowStatus.SHORT),
        ("p:3", Decimal(2), RowStatus.SHORT),
        ("m:GHOST-1", Decimal(1), RowStatus.SHORT),
    ]
    for _ in range(8):
        scan_at(session, clock, TOMMY_UPC)
    for _ in range(4):
        scan_at(session, clock, gs1("00012345678905", "L9"))
    for _ in range(5):
        scan_at(session, clock, KIVA_EAN)
    scan_at(session, clock, JEETER_EAN8)
    rows = session.rows()
    by_key = {r.key: r for r in rows}
    tommy = [r for r in rows if r.product_id == 1]
    assert [r.head for r in tommy] == [True, False]
    assert (tommy[0].expected, tommy[0].group_scanned, tommy[0].difference) == (12, 12, 0)
    assert tommy[1].expected is None and tommy[1].scanned == 4
    assert all(r.status is RowStatus.OK for r in tommy)
    kiva = next(r for r in rows if r.product_id == 2)
    assert (kiva.status, kiva.difference) == (RowStatus.OVER, 1)
    assert by_key["p:3"].line is None and by_key["p:3"].status is RowStatus.SHORT
    jeeter = rows[-1]
    assert (jeeter.product_id, jeeter.status) == (5, RowStatus.UNEXPECTED)
    assert session.row_index(jeeter.key) == len(rows) - 1
    missing = {r.name for r in session.variances_missing_reason()}
    assert missing == {
        "Kiva Gelato Gummies 10pk",
        "Select Blue Dream Cartridge 1g",
        "Ghost item",
        "Jeeter Pre-Roll 5pk",
    }
    assert session.totals().expected_units == 19


def test_reasons_and_draft_lines(session, clock):
    session.load_expected(manifest())
    kiva = scan_at(session, clock, KIVA_EAN).line_id
    jeeter = scan_at(session, clock, JEETER_EAN8).line_id
    assert session.set_reason(kiva, "  vendor  sent one short ") is None
    assert session.set_reason("p:3", "backordered") is None
    assert session.set_reason(jeeter, "free sample") is None
    assert session.set_reason("m:GHOST-1", "x" * 201) is not None
    assert session.set_reason("no-such-row", "x") is not None
    assert session.row(kiva).reason == "vendor sent one short"
    assert {r.name for r in session.variances_missing_reason()} == {
        "Tommy Chong Joint (H)",
        "Ghost item",
    }
    lines = {ln.product_id: ln for ln in session.draft_lines()}
    assert (lines[2].expected, lines[2].variance_reason) == (Decimal(4), "vendor sent one short")
    assert (lines[5].expected, lines[5].variance_reason) == (None, "free sample")
    session.undo()
    assert session.row(jeeter).reason == ""


def test_mapping_resolves_a_manifest_line(session, clock):
    session.load_expected(manifest())
    out = scan_at(session, clock, "GHOST-1")
    assert out.kind is OutcomeKind.UNKNOWN
    session.map_code(out.code, session.index.by_id(9))
    keys = [r.key for r in session.rows()]
    assert "m:GHOST-1" not in keys
    ghost = next(r for r in session.rows() if r.product_id == 9)
    assert (ghost.expected, ghost.status) == (1, RowStatus.OK)


def test_load_expected_is_undoable(session):
    session.load_expected(manifest())
    assert session.manifest is not None
    session.undo()
    assert session.manifest is None
    assert session.rows() == ()


def test_snapshot_restore_round_trip(session, clock, index):
    session.load_expected(manifest())
    scan_at(session, clock, TOMMY_UPC)
    lot_line = scan_at(session, clock, gs1("00012345678905", "L1", serial="S1")).line_id
    scan_at(session, clock, "WHAT-IS-THIS")
    session.set_reason("p:3", "backordered")
    session.set_field(lot_line, "lot", "L1-edited")
    snap = json.loads(json.dumps(session.snapshot()))

    events = []
    restored = ScanSession(index, room_id=1, clock=clock, on_change=events.append)
    restored.restore(snap)
    assert [e.kind for e in events] == [ChangeKind.RESET]
    assert restored.lines == session.lines
    assert restored.rows() == session.rows()
    assert restored.room_id == 24772
    assert [p.code.key for p in restored.pending_unknown] == ["WHAT-IS-THIS"]
    assert not restored.can_undo
    clock.advance(1000)
    assert restored.scan(gs1("00012345678905", "L1")).line_id == lot_line, (
        "scan origin survives a restore"
    )
    clock.advance(1000)
    assert (
        restored.scan(gs1("00012345678905", "L1", serial="S1")).kind is OutcomeKind.DUPLICATE_SERIAL
    )


def test_shipping_label_is_not_a_product(session, clock):
    out = scan_at(session, clock, "]C100106141411234567896")
    assert out.kind is OutcomeKind.INVALID
    assert "shipment" in out.message
    assert session.pending_unknown == ()
