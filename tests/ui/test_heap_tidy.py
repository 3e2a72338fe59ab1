"""HeapTidy: the older garbage collections run right after a scan's line is painted, never between the scanner's
Enter and that paint (services/heap.collect_when_quiet decides whether one is due)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

import intake_gui.ui.heap_tidy as heap_tidy
from intake_gui.ui.heap_tidy import HeapTidy
from intake_gui.ui.scanner_filter import ScannerFilter
from intake_gui.ui.wedge_keys import WedgeKeyboard


class _Line(QWidget):
    """Stands for the lines table: repaints when a scan lands, and notes each paint."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log
        self.setMinimumSize(200, 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.log.append("paint")


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(heap_tidy, "collect_when_quiet", lambda: seen.append("tidy"))
    return seen


def _window(qtbot: Any, log: list[str]) -> tuple[QWidget, _Line]:
    window = QWidget()
    line = _Line(log)
    QVBoxLayout(window).addWidget(line)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window, line


def test_the_collection_comes_after_the_paint_the_scan_asked_for(
    qtbot: Any, qapp: QApplication, log: list[str]
) -> None:
    window, line = _window(qtbot, log)
    scanner = ScannerFilter()
    scanner.scanned.connect(lambda _read: (log.append("scan"), line.update()))
    HeapTidy(
        scanner
    )  # connected after the scan's handler, as the wizard does; the order does not matter
    scanner.install(qapp)
    try:
        qtbot.wait(50)
        log.clear()
        WedgeKeyboard(window.windowHandle(), start_ms=7_000_000).scan("3B4791", gap_ms=3)
        qtbot.waitUntil(lambda: "tidy" in log, timeout=2_000)
        assert log == ["scan", "paint", "tidy"]
    finally:
        scanner.uninstall(qapp)


def test_the_order_holds_when_the_tidy_is_connected_first(
    qtbot: Any, qapp: QApplication, log: list[str]
) -> None:
    _window_shown, line = _window(qtbot, log)
    scanner = ScannerFilter()
    HeapTidy(scanner)
    scanner.scanned.connect(lambda _read: (log.append("scan"), line.update()))
    qtbot.wait(50)
    log.clear()
    scanner.scanned.emit(object())
    qtbot.waitUntil(lambda: "tidy" in log, timeout=2_000)
    assert log == ["scan", "paint", "tidy"]


def test_scans_handled_in_one_turn_look_at_the_counters_once(
    qtbot: Any, qapp: QApplication, log: list[str]
) -> None:
    scanner = ScannerFilter()
    HeapTidy(scanner)
    for _ in range(3):
        scanner.scanned.emit(object())
    qtbot.waitUntil(lambda: "tidy" in log, timeout=2_000)
    qtbot.wait(20)
    assert log == ["tidy"]
    scanner.scanned.emit(object())
    qtbot.waitUntil(lambda: log.count("tidy") == 2, timeout=2_000)


def test_the_station_wizard_tidies_after_its_scans(open_station: Any) -> None:
    station = open_station()
    station.wait_ready()
    assert station.wizard.scanner.findChildren(HeapTidy), "the wizard's scanner has no HeapTidy"
