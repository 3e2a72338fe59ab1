"""What the clerk sees and hears on the Products page for a blanked read and for a GS1 code's lot and expiry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from intake_gui.domain.barcode import GS
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.scan_read import ScanRead
from intake_gui.store.settings import StationSettings
from intake_gui.ui.pages.products_page import ProductsPage

from .conftest import CATALOG

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, monkeypatch):
    from intake_gui.ui import sounds as sounds_module

    heard: list[str] = []

    class Effect:
        def __init__(self, path, _parent) -> None:
            self.name = path.stem

        def setVolume(self, _v: float) -> None:
            pass

        def play(self) -> None:
            heard.append(self.name)

    real = sounds_module.Sounds
    monkeypatch.setattr(
        sounds_module, "Sounds", lambda parent, enabled: real(parent, effect_factory=Effect)
    )
    p = ProductsPage(StationSettings(first_run_done=True))
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    p.start_session(CatalogIndex(CATALOG), 24772, title="Final assessment")
    p.heard = heard  # type: ignore[attr-defined]
    p.title_edit.setFocus()
    return p


def test_a_blanked_read_is_seen_heard_and_counted_with_insert(page, qtbot):
    page.activateWindow()
    qtbot.waitUntil(lambda: page.isActiveWindow())
    page.handle_scan(ScanRead("3B4791", started_ms=1000, ended_ms=1030))
    page.handle_scan(ScanRead("3B4791", started_ms=1070, ended_ms=1100))
    assert page.session.totals().units == 1
    assert page.blanked_notice.isVisible()
    assert "40 ms" in page.blanked_notice.text.text()
    assert page.scan_status.text().startswith("! Not counted")
    assert page.heard == ["good", "blanked"]
    QTest.keyClick(page.title_edit, Qt.Key.Key_Insert)
    assert page.session.totals().units == 2
    assert not page.blanked_notice.isVisible()
    assert page.title_edit.text() == "Final assessment"
    assert page.heard == ["good", "blanked", "good"]


def test_the_next_scan_takes_the_notice_away(page):
    page.handle_scan(ScanRead("3B4791", started_ms=1000, ended_ms=1030))
    page.handle_scan(ScanRead("3B4791", started_ms=1060, ended_ms=1090))
    assert page.blanked_notice.isVisible()
    page.handle_scan(ScanRead("CART-1", started_ms=3000, ended_ms=3030))
    assert not page.blanked_notice.isVisible()
    page.blanked_notice.button.click()
    assert page.session.totals().units == 2, "nothing waits to be counted any more"


def test_gs1_lot_and_expiry_are_shown_in_words(page):
    page.handle_scan(ScanRead("]C1010001234567890517260131" + f"10AB-12{GS}21X9", 1000, 1100))
    text = page.scan_status.text()
    assert "Tommy Chong Joint (H)" in text
    assert "lot AB-12 · " in text and "31 Jan 2026" in text and "serial X9" in text


def test_an_expired_gs1_code_says_so_in_red(page):
    page.handle_scan(ScanRead("]C1010001234567890517200131" + "10OLD", 1000, 1100))
    assert "EXPIRED 31 Jan 2020" in page.scan_status.text()
    assert page.scan_status.property("tone") == "bad"


def test_an_unknown_gs1_code_shows_its_lot_and_expiry_too(page):
    page.handle_scan(ScanRead("]C1010950110153000317260131" + "10LOT9", 1000, 1100))
    assert "Unknown code" in page.scan_status.text()
    assert "lot LOT9" in page.scan_status.text()
