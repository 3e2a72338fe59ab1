"""A receipt opens onto its packages, a fresh three-light check, and the journal's audit trail."""

from __future__ import annotations

from typing import Any

from intake_gui.domain.verification import LightKind, LightState
from intake_gui.ui.history_model import Column


def _open(window: Any, qtbot: Any, receipt_id: int) -> Any:
    entry = next(e for e in window.visible_entries() if e.row.receipt_id == receipt_id)
    with qtbot.waitSignal(window.receipt_opened, timeout=5000) as opened:
        window.open_receipt(entry)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.details is not None, timeout=15000)
    return dialog


def _column(table: Any, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_packages_and_a_fresh_check_for_a_receipt_made_here(world, open_window, qtbot):
    window = open_window()
    dialog = _open(window, qtbot, world.sales.receipt_id)

    table = dialog.packages_table
    assert sorted(_column(table, 1)) == sorted(ln.sku for ln in world.sales.draft.lines)
    assert sorted(_column(table, 3)) == sorted(f"{ln.quantity:f}" for ln in world.sales.draft.lines)
    assert set(_column(table, 4)) == {world.sales.draft.room.name}
    assert set(_column(table, 5)) == {"yes"}
    assert "16 units" in dialog.packages_summary.text()
    # The stored check is shown before anything is re-read.
    assert dialog.panel.state_of(LightKind.PACKAGES) is LightState.GREEN
    assert "Last stored check" in dialog.panel.next_check.text()

    events_before = dialog.audit_table.rowCount()
    with (
        qtbot.waitSignal(dialog.audit_refreshed, timeout=15000),
        qtbot.waitSignal(dialog.verified, timeout=15000) as verified,
    ):
        dialog.run_verification()

    report = verified.args[0]
    assert report.all_green
    assert all(dialog.panel.state_of(k) is LightState.GREEN for k in LightKind)
    assert "store time" in dialog.panel.next_check.text()
    assert dialog.audit_table.rowCount() > events_before
    assert "Verification, attempt 1" in _column(dialog.audit_table, 3)[-1]


def test_a_receipt_in_a_vault_is_flagged_not_sellable(world, open_window, qtbot):
    window = open_window()
    dialog = _open(window, qtbot, world.vault.receipt_id)

    assert _column(dialog.packages_table, 5) == ["NO — not sellable"]
    room = world.vault.draft.room.name
    assert f"1 package, 24 units. 1 is in a room customers cannot buy from ({room})" in (
        dialog.packages_summary.text()
    )

    with qtbot.waitSignal(dialog.verified, timeout=15000) as verified:
        dialog.run_verification()
    report = verified.args[0]
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    assert report.by_kind(LightKind.SELLABLE).state is LightState.RED
    card = dialog.panel.cards[LightKind.SELLABLE]
    assert "not a sales room" in card.headline.text()
    # The window's column follows the new check (stored in the journal for a receive made here).
    index = window.proxy.proxy_index_for(world.vault.receipt_id)
    text = window.proxy.index(index.row(), Column.VERIFICATION, index.parent()).data()
    assert text.startswith("✖ ") and "red" in text


def test_a_receipt_made_elsewhere_is_checked_without_touching_the_journal(
    world, open_window, qtbot
):
    window = open_window()
    seeded = next(e for e in window.visible_entries() if e.draft_id is None)
    dialog = _open(window, qtbot, seeded.row.receipt_id)

    assert dialog.packages_table.rowCount() == seeded.row.product_count
    assert "no record of this receive" in dialog.audit_note.text()
    assert dialog.audit_table.rowCount() == 0
    drafts_before = world.ctx.journal.by_receipt([seeded.row.receipt_id])

    with qtbot.waitSignal(dialog.verified, timeout=15000) as verified:
        dialog.run_verification()

    report = verified.args[0]
    assert report.receipt_id == seeded.row.receipt_id
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    assert world.ctx.journal.by_receipt([seeded.row.receipt_id]) == drafts_before == {}


def test_audit_trail_shows_who_where_and_every_step(world, open_window, qtbot):
    window = open_window()
    dialog = _open(window, qtbot, world.sales.receipt_id)

    table = dialog.audit_table
    assert table.horizontalHeaderItem(0).text() == "When (America/Phoenix)"
    assert all(t.endswith(" MST") for t in _column(table, 0))
    assert "trainer" in _column(table, 1)
    assert set(_column(table, 2)) == {"dock-7"}
    what = _column(table, 3)
    token = world.sales.draft.token
    assert what[0] == f"Draft started: “{world.sales.draft.title}” (tag {token})."
    assert f"Sent to the POS, attempt 1 (2 lines, tag {token})." in what
    assert f"The POS accepted it as receipt {world.sales.receipt_id}." in what
    assert any(w.startswith("Verification, attempt 1: packages green") for w in what)
    # Read-only: nothing in the trail can be edited.
    assert table.editTriggers() == table.EditTrigger.NoEditTriggers

    over = dialog.over_short_table
    assert over.rowCount() == 1
    assert dialog.over_short_note.text() == "1 line differs from the manifest; the clerk's reasons:"
    short = world.sales.draft.lines[0]
    assert [over.item(0, c).text() for c in range(6)] == [
        short.sku,
        short.name,
        "12",
        "10",
        "short",
        "Two units crushed in transit",
    ]


def test_packages_that_cannot_be_read_leave_the_audit_trail_usable(world, open_window, qtbot):
    from intake_gui.sandbox import FaultKind, FaultRule

    window = open_window()
    world.box.admin.set_faults(
        [
            FaultRule(
                endpoint="v2/inventory/get-packages-from-receive",
                kind=FaultKind.NOT_PERMITTED,
                times=1,
            )
        ]
    )
    dialog = _open(window, qtbot, world.sales.receipt_id)

    assert dialog.details.packages is None
    assert "Could not read the packages" in dialog.status.text()
    assert dialog.status.property("tone") == "bad"
    assert dialog.audit_table.rowCount() > 0
