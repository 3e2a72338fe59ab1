"""LinesTableModel: mirrors the session row by row, edits go through the session, refusals are reported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt

from intake_gui.domain.manifest import Manifest, ManifestLine
from intake_gui.ui.lines_model import (
    KEY_ROLE,
    ROW_ROLE,
    Column,
    LinesTableModel,
    format_diff,
    format_qty,
)

from .conftest import TAG

pytestmark = pytest.mark.gui

EDIT = Qt.ItemDataRole.EditRole
DISPLAY = Qt.ItemDataRole.DisplayRole


class Recorder:
    """Every structural and data signal the model emits, in order."""

    def __init__(self, model: LinesTableModel) -> None:
        self.calls: list[tuple] = []
        self.rejected: list[str] = []
        self.highlighted: list[int] = []
        model.rowsInserted.connect(lambda _p, a, b: self.calls.append(("insert", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.calls.append(("remove", a, b)))
        model.dataChanged.connect(
            lambda tl, br, _r=(): self.calls.append(("changed", tl.row(), br.row()))
        )
        model.modelReset.connect(lambda: self.calls.append(("reset",)))
        model.edit_rejected.connect(self.rejected.append)
        model.row_highlighted.connect(self.highlighted.append)

    def take(self) -> list[tuple]:
        calls, self.calls = self.calls, []
        return calls


def cell(model: LinesTableModel, row: int, column: Column, role=DISPLAY):
    return model.data(model.index(row, model.column_of(column)), role)


def edit(model: LinesTableModel, row: int, column: Column, value) -> bool:
    return model.setData(model.index(row, model.column_of(column)), value, EDIT)


@pytest.fixture
def model(qtbot, session, clock):
    m = LinesTableModel(session)
    yield m
    m.detach()


def scan(session, clock, raw):
    clock.advance(1000)
    return session.scan(raw)


def test_scan_inserts_then_increments_one_row(qtmodeltester, model, session, clock):
    rec = Recorder(model)
    scan(session, clock, "012345678905")
    scan(session, clock, "4006381333931")
    assert [c for c in rec.take() if c[0] != "changed"] == [("insert", 0, 0), ("insert", 1, 1)]
    scan(session, clock, "012345678905")
    assert rec.take() == [("changed", 0, 0), ("changed", 1, 1), ("changed", 0, 0)], (
        "the scanned row changes, the old highlight is cleared, the new one set"
    )
    assert cell(model, 0, Column.SCANNED) == "2"
    assert cell(model, 0, Column.PRODUCT) == "Tommy Chong Joint (H)"
    assert cell(model, 0, Column.UNIT_COST) == "$10.00"
    assert cell(model, 0, Column.LINE_TOTAL) == "$20.00"
    assert model.highlighted_row == 0
    assert rec.highlighted[-1] == 0
    assert cell(model, 0, Column.PRODUCT, Qt.ItemDataRole.BackgroundRole) is not None
    assert cell(model, 1, Column.PRODUCT, KEY_ROLE) == session.lines[1].line_id
    qtmodeltester.check(model)


def test_valid_edits_reach_the_session(model, session, clock):
    line_id = scan(session, clock, "4006381333931").line_id
    assert edit(model, 0, Column.SCANNED, "6")
    assert edit(model, 0, Column.UNIT_COST, "3.25")
    assert edit(model, 0, Column.PACKAGE_TAG, TAG.lower())
    assert edit(model, 0, Column.LOT, "B12")
    assert edit(model, 0, Column.EXPIRATION, "2027-02-01")
    line = session.line(line_id)
    assert (line.quantity, line.unit_cost, line.package_tag, line.lot, str(line.expiration)) == (
        Decimal(6),
        Decimal("3.25"),
        TAG,
        "B12",
        "2027-02-01",
    )
    assert cell(model, 0, Column.LINE_TOTAL) == "$19.50"
    assert cell(model, 0, Column.UNIT_COST, EDIT) == "3.25"


def test_refused_edits_are_reported_and_change_nothing(model, session, clock):
    rec = Recorder(model)
    scan(session, clock, "4006381333931")
    before = session.lines
    rec.take()
    assert not edit(model, 0, Column.SCANNED, "many")
    assert not edit(model, 0, Column.UNIT_COST, "-1")
    assert not edit(model, 0, Column.EXPIRATION, "someday")
    assert len(rec.rejected) == 3
    assert "not a quantity" in rec.rejected[0]
    assert "zero or more" in rec.rejected[1]
    assert "not a date" in rec.rejected[2]
    assert session.lines == before
    assert rec.take() == []
    assert not edit(model, 0, Column.PRODUCT, "Renamed"), "product and SKU are not editable"
    flags = model.flags(model.index(0, model.column_of(Column.SKU)))
    assert not flags & Qt.ItemFlag.ItemIsEditable


def test_undo_and_remove_remove_rows(model, session, clock):
    rec = Recorder(model)
    scan(session, clock, "012345678905")
    b = scan(session, clock, "CART-1").line_id
    rec.take()
    session.remove(session.lines[0].line_id)
    assert rec.take() == [("remove", 0, 0)]
    assert model.rowCount() == 1 and cell(model, 0, Column.PRODUCT, KEY_ROLE) == b
    session.undo()
    assert rec.take()[0] == ("insert", 0, 0)
    assert model.rowCount() == 2


def manifest() -> Manifest:
    return Manifest(
        source="csv",
        lines=(
            ManifestLine(row=2, sku="3B4791", quantity=Decimal(2)),
            ManifestLine(row=3, sku="CART-1", quantity=Decimal(1)),
            ManifestLine(row=4, sku="NOPE", quantity=Decimal(1), name="Unknown thing"),
        ),
    )


def test_expected_rows_turn_into_lines(qtmodeltester, model, session, clock):
    rec = Recorder(model)
    session.load_expected(manifest())
    assert model.rowCount() == 3
    assert cell(model, 0, Column.EXPECTED) == "2"
    assert cell(model, 0, Column.SCANNED) == "0"
    assert cell(model, 0, Column.DIFFERENCE) == "−2"
    assert cell(model, 0, Column.UNIT_COST) == ""
    rec.take()
    scan(session, clock, "3B4791")
    calls = rec.take()
    assert calls[:2] == [("remove", 0, 0), ("insert", 0, 0)], (
        "the expected-only row is replaced in place"
    )
    assert cell(model, 0, Column.DIFFERENCE) == "−1"
    assert cell(model, 0, Column.PRODUCT, ROW_ROLE).line is not None
    assert edit(model, 1, Column.SCANNED, "3"), "typing a count on an expected row adds the product"
    assert cell(model, 1, Column.DIFFERENCE) == "+2"
    unmatched = model.index(2, model.column_of(Column.SCANNED))
    assert not model.flags(unmatched) & Qt.ItemFlag.ItemIsEditable, "no product to count against"
    assert not model.setData(unmatched, "1", EDIT)
    assert edit(model, 1, Column.REASON, "vendor sent extra")
    assert cell(model, 1, Column.REASON) == "vendor sent extra"
    assert "give a reason" in cell(model, 0, Column.PRODUCT, Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model)


def test_blind_count_hides_expectations(qtmodeltester, model, session, clock):
    session.load_expected(manifest())
    scan(session, clock, "3B4791")
    model.set_blind(True)
    assert model.column_of(Column.EXPECTED) == -1
    assert model.column_of(Column.DIFFERENCE) == -1
    assert model.column_of(Column.REASON) == -1
    assert model.columnCount() == len(Column) - 3
    assert model.rowCount() == 1, "expected-only rows would reveal the manifest"
    assert cell(model, 0, Column.PRODUCT, Qt.ItemDataRole.ToolTipRole) is None
    scan(session, clock, "CART-1")
    assert model.rowCount() == 2
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert "Expected" not in headers and "Counted" in headers
    qtmodeltester.check(model)
    model.set_blind(False)
    assert model.rowCount() == 3


def test_restore_resets_the_model(model, session, clock, index):
    rec = Recorder(model)
    scan(session, clock, "CART-1")
    snap = session.snapshot()
    session.undo()
    rec.take()
    session.restore(snap)
    assert rec.take() == [("reset",)]
    assert model.rowCount() == 1


def test_out_of_range_and_invalid_indexes_are_harmless(model):
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(5, 0)) is None
    assert not model.setData(QModelIndex(), "1", EDIT)
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.row_at(3) is None


def test_formatting_helpers():
    assert format_qty(Decimal("10.000")) == "10"
    assert format_qty(Decimal("1E+1")) == "10"
    assert (
        format_qty(Decimal("2.50")) == "2.5"
    )  # [input] one formatter for the app: no trailing zeros
    assert format_qty(None) == ""
    assert format_diff(Decimal("-3")) == "−3"
    assert format_diff(Decimal("0")) == "0"


@pytest.mark.parametrize("blind", [False, True])
def test_a_row_lit_then_unlit_shows_what_a_fresh_model_shows(model, session, clock, blind):
    """The row a scan un-lights is copied with its background changed, not worked out again; what it shows
    must be what a model building every cell from scratch shows (status colours from a manifest included)."""
    session.load_expected(manifest())
    model.set_blind(blind)
    worked_out: list[int] = []
    cell_roles = model._cell_roles

    def counting(row, column, lit):
        worked_out.append(model._rows.index(row))
        return cell_roles(row, column, lit)

    model._cell_roles = counting

    def shown_everywhere() -> None:  # what a paint of the whole table asks
        for r in range(model.rowCount()):
            model.shown_row(r)

    shown_everywhere()
    for code in ("3B4791", "CART-1", "3B4791", "012345678905", "CART-1"):
        before = {row.key: row for row in model._rows}
        scan(session, clock, code)
        worked_out.clear()
        shown_everywhere()
        lit = model.highlighted_row
        changed = {r for r, row in enumerate(model._rows) if before.get(row.key) is not row}
        assert set(worked_out) <= changed, (
            "a row whose highlight alone changed was worked out again"
        )
        fresh = LinesTableModel(session)
        fresh.set_blind(blind)
        fresh.highlight_row(lit)
        for r in range(model.rowCount()):
            assert model.shown_row(r) == fresh.shown_row(r), (
                f"row {r} differs after scanning {code}"
            )
        fresh.detach()
