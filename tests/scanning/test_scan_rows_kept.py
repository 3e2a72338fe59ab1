"""A scan rebuilds the session's rows and finds its line without walking every line, and gets the same answer.

`build_rows` keeps the rows it built last time (a memo) and hands back the same object for a row built from
the same things; `find_line` answers from an index kept while lines are only added or counted up. Both exist
for speed at a few hundred lines (bench/bench_scan.py). The property here: after any sequence of scans, edits,
removals, reasons, manifests and undos, the rows equal rows built from scratch and the line a scan goes to is
the one a walk through every line finds, as the session did before.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from intake_gui.domain.barcode import GS
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import Manifest, ManifestLine
from intake_gui.domain.scan_rows import build_groups, build_rows
from intake_gui.domain.scan_session import ScanSession

from .conftest import CATALOG, TAG, Clock

SKUS = [p.sku for p in CATALOG if p.sku not in ("DUP-A", "DUP-B")]
MANIFEST = Manifest(
    lines=(
        ManifestLine(row=2, sku="3B4791", quantity=Decimal(3), name="Tommy"),
        ManifestLine(row=3, sku="GUM-10", quantity=Decimal(2)),
        ManifestLine(row=4, sku="NOT-IN-CATALOG", quantity=Decimal(1), name="Ghost"),
    ),
    source="csv",
)


def _gs1_with_lot(lot: str) -> str:
    return f"]C10100012345678905171231311010{lot}{GS}"


operation = st.one_of(
    st.tuples(st.just("scan"), st.sampled_from(SKUS)),
    st.tuples(st.just("scan"), st.sampled_from([TAG, _gs1_with_lot("L1"), _gs1_with_lot("L2")])),
    st.tuples(st.just("lot"), st.integers(0, 20), st.sampled_from(["", "L1", "L2", "X9"])),
    st.tuples(st.just("tag"), st.integers(0, 20), st.sampled_from(["", TAG])),
    st.tuples(st.just("quantity"), st.integers(0, 20), st.integers(1, 9)),
    st.tuples(st.just("remove"), st.integers(0, 20)),
    st.tuples(st.just("reason"), st.integers(0, 20), st.sampled_from(["", "damaged", "short"])),
    st.tuples(st.just("manifest"), st.booleans()),
    st.tuples(st.just("undo")),
)


def _walk(session: ScanSession, origin: tuple[int, str, str]) -> str:
    """Where a scan of `origin` went before the index: the first line first scanned as it, else the first
    whose product, lot and tag are it now."""
    entries = session._entries
    for line_id, entry in entries.items():
        if entry.origin == origin:
            return line_id
    for line_id, entry in entries.items():
        ln = entry.line
        if (ln.product_id, ln.lot, ln.package_tag) == origin:
            return line_id
    return ""


def _apply(session: ScanSession, clock: Clock, op: tuple[object, ...]) -> None:
    lines = session.lines
    kind = op[0]
    clock.advance(1000)
    if kind == "scan":
        session.scan(str(op[1]))
    elif kind == "manifest":
        session.load_expected(MANIFEST if op[1] else None)
    elif kind == "undo":
        session.undo()
    elif lines:
        line = lines[int(op[1]) % len(lines)]  # type: ignore[call-overload]
        if kind == "lot":
            session.set_field(line.line_id, "lot", op[2])
        elif kind == "tag":
            session.set_field(line.line_id, "package_tag", op[2])
        elif kind == "quantity":
            session.set_quantity(line.line_id, str(op[2]))
        elif kind == "remove":
            session.remove(line.line_id)
        elif kind == "reason":
            rows = session.rows()
            session.set_reason(rows[int(op[1]) % len(rows)].key, str(op[2]))  # type: ignore[call-overload]


@settings(max_examples=200, deadline=None)
@given(st.lists(operation, min_size=1, max_size=40))
def test_rows_and_the_line_a_scan_goes_to_are_what_building_from_scratch_gives(ops):
    clock = Clock()
    index = CatalogIndex(CATALOG)
    session = ScanSession(index, room_id=1, clock=clock, blanking_ms=0)
    for op in ops:
        _apply(session, clock, op)
        groups = build_groups(session.manifest, index)[0] if session.manifest is not None else None
        fresh = build_rows(session.lines, groups, session._reasons)
        assert session.rows() == fresh, f"rows differ after {op}"
        origins = {e.origin for e in session._entries.values()}
        origins |= {(ln.product_id, ln.lot, ln.package_tag) for ln in session.lines}
        origins |= {(1, "", ""), (1, "L1", ""), (3, "", TAG), (99, "", "")}
        for origin in origins:
            assert session.find_line(origin) == _walk(session, origin), f"{origin} after {op}"


def test_a_scan_keeps_every_row_it_did_not_touch(session, clock):
    for sku in SKUS:
        clock.advance(1000)
        session.scan(sku)
    before = session.rows()
    clock.advance(1000)
    session.scan(SKUS[2])  # counts the third line up
    after = session.rows()
    assert [a is b for a, b in zip(before, after, strict=True)] == [
        i != 2 for i in range(len(before))
    ]
    assert after[2].scanned == before[2].scanned + 1


def test_a_reason_or_a_manifest_makes_the_rows_it_changes_anew(session, clock):
    for sku in SKUS[:3]:
        clock.advance(1000)
        session.scan(sku)
    before = session.rows()
    session.set_reason(before[1].key, "damaged")
    after = session.rows()
    assert after[0] is before[0] and after[2] is before[2]
    assert after[1] is not before[1] and after[1].reason == "damaged"
    session.load_expected(MANIFEST)
    assert all(row.status.value != "counted" for row in session.rows())
