"""Never send a cost nobody gave: no UnitCost/costPerUnit on the wire, "no cost" in words, and a station
setting that refuses Submit until every line has one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor
from intake_gui.pos.blaze import wire as blaze
from intake_gui.pos.dutchie import wire as dutchie

AZ = Location(loc_id=1989, name="AZ", lsp_id=575, timezone="America/Phoenix")


def _draft(*costs: object) -> ReceiveDraft:
    lines = tuple(
        DraftLine(product_id=i, sku=f"S{i}", name="x", quantity=2, unit_cost=cost)
        for i, cost in enumerate(costs, start=1)
    )
    return ReceiveDraft(
        location=AZ,
        vendor=Vendor(vendor_id=1, name="V"),
        room=Room(room_id=24772, name="Floor", inventory_room=True, pos_room=True),
        title="INV-1",
        lines=lines,
    )


def test_a_line_without_a_cost_is_sent_without_one() -> None:
    draft = _draft(None, "4.10", 0)
    unknown, known, free = dutchie.receive_body(draft)["Products"]
    assert "UnitCost" not in unknown
    assert (
        known["UnitCost"] == 4.1 and free["UnitCost"] == 0
    )  # zero given on purpose (samples) is sent
    body = blaze.batch_body(
        draft, draft.lines[0], product_ext="p", inventory_ext="i", vendor_ext="v"
    )
    assert "costPerUnit" not in body
    body = blaze.batch_body(
        draft, draft.lines[1], product_ext="p", inventory_ext="i", vendor_ext="v"
    )
    assert body["costPerUnit"] == 4.1


def test_unknown_cost_in_totals_and_blank_input() -> None:
    draft = _draft(None, "4.10")
    assert not draft.costs_known and draft.total_cost == Decimal("8.20")
    assert DraftLine(product_id=1, sku="A", name="a", quantity=1, unit_cost="  ").unit_cost is None
    assert draft.lines[0].line_total == Decimal("0.00")


@pytest.mark.parametrize("require", [False, True])
def test_require_costs_refuses_submit_until_every_line_has_one(require: bool) -> None:
    draft = _draft(None, "4.10", None)
    problems = draft.problems(require_costs=require)
    if require:
        assert problems == ["This station requires a unit cost on every line; give one for S1, S3."]
    else:
        assert problems == []
    assert _draft("1", "2").problems(require_costs=True) == []


def test_cli_lines_say_no_cost() -> None:
    from intake_gui.cli.receive import _lines_json, _lines_text

    draft = _draft(None, "4.10")
    text = _lines_text(draft)
    assert "no cost" in text and "$4.10" in text and "1 line(s) sent without a unit cost" in text
    assert _lines_json(draft)[0]["unit_cost"] is None
