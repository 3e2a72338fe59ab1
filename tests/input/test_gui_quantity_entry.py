"""The GUI's quantity edits read and show numbers the station's way, through the same parser as the CLI."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from intake_gui.domain import quantities
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.models import Product
from intake_gui.domain.quantities import Measure
from intake_gui.domain.scan_session import ScanSession
from intake_gui.ui.lines_model import Column, LinesTableModel

pytestmark = pytest.mark.gui

EDIT = Qt.ItemDataRole.EditRole
DISPLAY = Qt.ItemDataRole.DisplayRole
FLOWER = Product(product_id=7, sku="FL-BULK", name="Bulk Flower", measure=Measure.WEIGHT)
JOINT = Product(product_id=8, sku="3B4791", name="Tommy Chong Joint (H)", unit_cost=Decimal("4.5"))


@pytest.fixture
def model(qtbot):
    session = ScanSession(CatalogIndex((FLOWER, JOINT)), room_id=1, clock=lambda: 0.0)
    m = LinesTableModel(session)
    refused: list[str] = []
    m.edit_rejected.connect(refused.append)
    m.refused = refused
    yield m
    m.detach()


def at(model, column):
    return model.index(0, model.column_of(column))


def test_a_comma_station_types_and_sees_decimal_commas(model):
    quantities.use_decimal_mark("comma")
    session = model._session
    assert session.add_product(FLOWER, "2,5").counted
    assert model.data(at(model, Column.SCANNED), DISPLAY) == "2,5"
    assert model.setData(at(model, Column.SCANNED), "3,25", EDIT)
    assert session.lines[0].quantity == Decimal("3.25")
    assert not model.setData(at(model, Column.SCANNED), "1.500", EDIT)
    assert "could mean 1500 or 1,5" in model.refused[-1]
    assert session.lines[0].quantity == Decimal("3.25"), "a refusal changes nothing"


def test_a_point_station_asks_about_a_decimal_comma_and_never_reads_fifteen(model):
    session = model._session
    assert session.add_product(FLOWER, "1").counted
    assert not model.setData(at(model, Column.SCANNED), "1,5", EDIT)
    assert "Did you mean 1.5?" in model.refused[-1]
    assert session.lines[0].quantity == 1


def test_an_unchanged_cost_edit_reads_back_at_a_comma_station(model):
    quantities.use_decimal_mark("comma")
    assert model._session.add_product(JOINT, 2).counted
    shown = model.data(at(model, Column.UNIT_COST), EDIT)
    assert shown == "4,50"
    assert model.setData(at(model, Column.UNIT_COST), shown, EDIT)
    assert model._session.lines[0].unit_cost == Decimal("4.50")


def test_a_product_counted_each_refuses_fractions_in_every_gui_path(model):
    pre_roll = Product(product_id=9, sku="QX7H2A", name="Pre-Roll 1g", measure=Measure.EACH)
    session = ScanSession(CatalogIndex((pre_roll,)), room_id=1, clock=lambda: 0.0)
    refused = session.add_product(pre_roll, "3.5")
    assert not refused.counted
    assert refused.message == (
        "Pre-Roll 1g is counted in whole units (each), so 3.5 cannot be received. "
        "Type a whole number, such as 3 or 4."
    )
    assert session.add_product(pre_roll, "3").counted
    line_id = session.lines[0].line_id
    assert "whole units" in session.set_quantity(line_id, "1.5")
    assert session.set_quantity_next("0.5") is None  # armed for an unknown product: allowed
    assert "whole units" in session.add_product(pre_roll, Decimal("0.5")).message
    assert session.lines[0].quantity == 3


def test_a_scanned_multiplier_is_machine_text_at_any_station():
    quantities.use_decimal_mark("comma")
    session = ScanSession(CatalogIndex((FLOWER,)), room_id=1, clock=lambda: 0.0)
    out = session.scan("2.5*")
    assert out.message == "Next scan counts ×2,5."
    assert session.armed_quantity == Decimal("2.5")
    assert session.set_quantity_next("2.5") is not None, "typed text is the station's: 2,5"
