"""The receiving wizard end to end, against the embedded sandbox over real HTTP, driven like a clerk would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from intake_gui.domain.verification import LightKind, LightState

pytestmark = pytest.mark.gui

TOMMY_CHONG = "3B4791"


def test_final_assessment_by_keyboard_ends_with_three_green_lights(open_station, qtbot):
    st = open_station()
    st.wait_ready()
    wiz = st.wizard

    # Location: type to filter, Enter to choose.
    st.type("1989")
    assert [loc.loc_id for loc in wiz.location_page.picker.visible_data()] == [1989]
    st.enter()
    st.wait_step("vendor")

    # Vendor: type-ahead by id, Enter.
    qtbot.waitUntil(lambda: bool(wiz.vendor_page.vendors), timeout=20_000)
    st.type("39195")
    st.enter()
    st.wait_step("room")

    # Room: the sellable room is preselected; Enter.
    qtbot.waitUntil(lambda: wiz.flow.rooms is not None, timeout=20_000)
    assert wiz.room_page.picker.current_data().name == "Sales Floor"
    st.enter()
    st.wait_step("products")
    st.wait_session()

    # Product one: three scans.
    for _ in range(3):
        st.scan(TOMMY_CHONG)
    assert st.lines() == [(TOMMY_CHONG, "3")]

    # Product two: search (Ctrl+F, type, Enter), then F2 to set its quantity to 3.
    index = wiz.products_page.index
    second = next(
        p for p in index.products if p.is_cannabis and p.sku != TOMMY_CHONG and p.name.isascii()
    )
    st.key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    st.type(second.name)
    assert wiz.products_page.selected_product() == second
    st.enter()
    assert st.lines() == [(TOMMY_CHONG, "3"), (second.sku, "1")]
    st.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    st.key(Qt.Key.Key_Down)
    st.key(Qt.Key.Key_F2)
    st.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    st.type("3")
    st.enter()  # the delegate commits the edit on the next turn of the event loop
    qtbot.waitUntil(lambda: st.lines() == [(TOMMY_CHONG, "3"), (second.sku, "3")], timeout=2000)

    # Title, Enter -> Review.
    st.key(Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    st.type("Final assessment")
    st.enter()
    st.wait_step("review")
    summary = wiz.review_page.summary.toPlainText()
    for words in (
        "AZ Sandbox",
        "PALOMINO PRINTING",
        "#39195",
        "Sales Floor",
        "Yes",
        "Final assessment",
        second.sku,
    ):
        assert words in summary

    # Ctrl+Enter submits; the lights come back all green.
    with qtbot.waitSignal(wiz.verified, timeout=30_000) as blocker:
        st.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    report = blocker.args[0]
    assert report.all_green, [(light.kind, light.state, light.headline) for light in report.lights]
    panel = wiz.verify_page.panel
    for kind in LightKind:
        card = panel.cards[kind]
        assert card.state is LightState.GREEN
        assert card.word.text() == "CONFIRMED" and card.symbol.text() == "✔"

    receives = st.receives()
    assert len(receives) == 1
    assert receives[0]["line_count"] == 2 and receives[0]["package_count"] == 2
    assert "Final assessment" in receives[0]["order_title"]

    # New receive (Ctrl+N) keeps the location and starts at the vendor.
    st.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    st.wait_step("vendor")
    assert wiz.flow.location is not None and wiz.flow.location.loc_id == 1989
    assert wiz.products_page.session is None


def test_non_sellable_room_ends_with_the_mastery_diagnosis(open_station, qtbot):
    st = open_station()
    st.wait_ready()
    st.pick_location(1989)
    st.pick_vendor(39195)
    qtbot.waitUntil(lambda: st.wizard.flow.rooms is not None, timeout=20_000)
    vault = next(r for r in st.wizard.flow.rooms if r.eligible and not r.sellable)

    st.wizard.choose_room(vault)
    page = st.wizard.room_page
    assert st.wizard.flow.step.value == "room"
    assert not page.confirm_box.isHidden()
    assert vault.name in page.confirm_text.text() and "not be sellable" in page.confirm_text.text()
    assert st.focus() is page.confirm_button
    st.enter()
    st.wait_step("products")
    st.wait_session()
    for _ in range(3):
        st.scan(TOMMY_CHONG)
    st.wizard.go_next()
    st.wait_step("review")
    assert "No — the stock must be moved" in st.wizard.review_page.summary.toPlainText()

    with qtbot.waitSignal(st.wizard.verified, timeout=30_000) as blocker:
        st.wizard.submit()
    report = blocker.args[0]
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    sellable = report.by_kind(LightKind.SELLABLE)
    assert sellable.state is LightState.RED
    words = f"{sellable.headline} {sellable.what_happened} {sellable.what_to_do}"
    assert vault.name in words and "Sales Floor" in words
    card = st.wizard.verify_page.panel.cards[LightKind.SELLABLE]
    assert card.word.text() == "PROBLEM" and card.symbol.text() == "✖"
    assert vault.name in card.todo.text() + card.happened.text() + card.headline.text()
    assert not card.todo.isHidden()


def test_a_location_without_rooms_stops_at_the_room_page(open_station, qtbot):
    st = open_station()
    st.wait_ready()
    st.pick_location(2862)
    qtbot.waitUntil(lambda: bool(st.wizard.vendor_page.vendors), timeout=20_000)
    st.wizard.choose_vendor(st.wizard.vendor_page.vendors[0])
    st.wait_step("room")
    page = st.wizard.room_page
    qtbot.waitUntil(lambda: not page.block_box.isHidden(), timeout=20_000)
    text = " ".join(w.text() for w in (page.block_headline, page.block_happened, page.block_todo))
    assert "no rooms" in text and "1989" in text and "Settings > Rooms" in text
    assert st.wizard.flow.can_advance().ok is False
    st.wizard.go_next()
    assert st.wizard.flow.step.value == "room"
    assert st.focus() is page.other_location_button
    st.enter()
    st.wait_step("location")


def test_a_not_permitted_read_is_grey_with_its_hint(open_station, sandbox_factory, qtbot):
    from intake_gui.sandbox import TRAINING_SECRET, SandboxConfig

    box = sandbox_factory(SandboxConfig(product_count=3000))
    st = open_station(api_base=box.base_url, username="limited", password=TRAINING_SECRET)
    st.wait_ready()
    assert st.window.banner.isHidden(), "a real tenant must not show the sandbox banner"
    st.pick_location(1989)
    st.pick_vendor(39195)
    st.wizard.choose_room(st.room("Sales Floor"))
    st.wait_step("products")
    st.wait_session()
    st.scan(TOMMY_CHONG)
    st.wizard.go_next()
    st.wait_step("review")
    with qtbot.waitSignal(st.wizard.verified, timeout=30_000) as blocker:
        st.wizard.submit()
    report = blocker.args[0]
    sellable = report.by_kind(LightKind.SELLABLE)
    assert sellable.state is LightState.GREY
    assert "not permitted" in f"{sellable.headline} {sellable.what_happened}".lower()
    assert (
        "not fatal" in f"{sellable.headline} {sellable.what_happened} {sellable.what_to_do}".lower()
    )
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    card = st.wizard.verify_page.panel.cards[LightKind.SELLABLE]
    assert card.word.text() == "NOT CHECKED" and card.symbol.text() == "?"
    assert len(box.admin.receives()) == 1


def test_the_scan_counts_and_lines_are_exact(open_station):
    """Multiplier, repeat and unknown-code handling as the page shows them."""
    st = open_station()
    st.to_products()
    page = st.wizard.products_page
    assert (
        st.focus() is page.title_edit
    )  # [screens] the page opens in the title, as the walkthrough says
    st.key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    st.type("3*")  # typed in the search box, then a scan: counts three
    st.scan(TOMMY_CHONG)
    assert st.lines() == [(TOMMY_CHONG, "3")] and page.search.text() == ""
    st.scan(f"2*{TOMMY_CHONG}")  # the multiplier inside one scan
    assert st.lines() == [(TOMMY_CHONG, "5")]
    st.scan(TOMMY_CHONG)
    assert st.lines() == [(TOMMY_CHONG, "6")]
    st.scan("NOSUCHCODE42")
    assert "Unknown code" in page.scan_status.text()
    assert st.focus() is page.search
    target = next(p for p in page.index.products if p.sku != TOMMY_CHONG and p.name.isascii())
    st.type(target.name)
    assert page.map_button.isVisible() and "Save code" in page.map_button.text()
    st.enter()
    assert (target.sku, "1") in st.lines()
    assert (
        st.wizard.products_page.session.index.codes
    )  # the mapping is remembered for the next scan
    st.scan("NOSUCHCODE42")
    assert (target.sku, "2") in st.lines()
    st.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (target.sku, "1") in st.lines()
    assert page.session.totals().units == Decimal(7)


def test_a_manifest_short_needs_a_reason_before_review_and_the_reason_is_sent(
    open_station, qtbot, tmp_path
):
    from intake_gui.ui.lines_model import Column

    st = open_station()
    st.to_products()
    page = st.wizard.products_page
    st.scan(TOMMY_CHONG)
    st.scan(TOMMY_CHONG)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"sku,qty,name\n{TOMMY_CHONG},3,Tommy Chong Joint (H)\n", encoding="utf-8")
    page.load_manifest_file(str(manifest))
    qtbot.waitUntil(lambda: page.session.manifest is not None, timeout=5000)
    model = page.model
    assert not page.table.isColumnHidden(model.column_of(Column.EXPECTED))
    row = model.row_of(page.session.lines[0].line_id)
    assert model.index(row, model.column_of(Column.DIFFERENCE)).data() in ("-1", "−1")

    st.wizard.go_next()
    assert st.wizard.flow.step.value == "products"
    assert "reason" in page.status.text().lower()

    page.blind_check.setChecked(True)
    assert page.model.column_of(Column.EXPECTED) == -1, "blind count hides what the manifest says"
    page.blind_check.setChecked(False)
    reason = page.model.index(row, page.model.column_of(Column.REASON))
    assert page.model.setData(reason, "one unit damaged in transit")
    st.wizard.go_next()
    st.wait_step("review")
    draft = st.wizard.current_draft()
    assert "one unit damaged in transit" in draft.note and "expected 3, counted 2" in draft.note
    assert "one unit damaged in transit" in st.wizard.review_page.summary.toPlainText()
