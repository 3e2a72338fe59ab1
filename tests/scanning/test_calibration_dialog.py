"""Scanner calibration: proposals from measured bursts, and the dialog driving a real ScannerFilter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from intake_gui.ui.dialogs.calibration_dialog import CalibrationDialog, propose_settings
from intake_gui.ui.scanner_filter import ScannerFilter

pytestmark = pytest.mark.gui


def sample(text: str, max_gap: int, terminator: str = "enter") -> dict:
    return {
        "text": text,
        "length": len(text),
        "gaps_ms": [max_gap],
        "max_gap_ms": max_gap,
        "terminator": terminator,
    }


def test_proposal_from_a_fast_corded_scanner():
    p = propose_settings([sample("0012345678905", 2), sample("0012345678905", 3)])
    assert p == {"max_gap_ms": 15, "min_length": 4, "prefix": "", "suffix": "enter"}


def test_proposal_from_a_slow_bluetooth_scanner_with_tab():
    p = propose_settings([sample("ABC123", 28, "tab"), sample("ABC123", 31, "tab")])
    assert p["max_gap_ms"] == 62 and p["suffix"] == "tab"


def test_proposal_limits_and_mixed_terminators():
    p = propose_settings([sample("AB", 90, "enter"), sample("AB", 10, "tab")])
    assert p["max_gap_ms"] == 100, "never so slow that a fast typist looks like a scanner"
    assert p["suffix"] == "either"
    assert p["min_length"] == 2
    assert propose_settings([sample("ABCDEF", 3, "")])["suffix"] == "none"


def test_control_prefix_is_detected_and_current_prefix_kept_otherwise():
    assert propose_settings([sample("\x02ABCDE", 3), sample("\x02ABCDE", 3)])["prefix"] == "\x02"
    assert (
        propose_settings([sample("ABCDE", 3)], {"prefix": "~", "suffix": "enter"})["prefix"] == "~"
    )
    assert propose_settings([], {"max_gap_ms": 40, "suffix": "tab"})["max_gap_ms"] == 40


def burst(target, text: str, gap_ms: int, start: int) -> int:
    ts = start
    for ch in [*text, "\r"]:
        ts += gap_ms
        key = Qt.Key.Key_Return if ch == "\r" else ord(ch.upper())
        ev = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, ch)
        ev.setTimestamp(ts)
        QApplication.sendEvent(target, ev)
    return ts + 1000


def test_dialog_measures_three_reads_and_saves(qtbot, qapp):
    scanner = ScannerFilter({"max_gap_ms": 35, "suffix": "either"})
    scanner.install(qapp)
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    try:
        dialog = CalibrationDialog(scanner, current={"prefix": "", "suffix": "either"})
        qtbot.addWidget(dialog)
        dialog.show()
        assert scanner.calibrating
        ts = burst(dialog, "0012345678905", 9, 1000)
        ts = burst(dialog, "0012345678905", 12, ts)
        assert not dialog.save_button.isEnabled()
        ts = burst(dialog, "0012345678905", 11, ts)
        assert dialog.samples_list.count() == 3
        assert dialog.save_button.isEnabled()
        assert "24 ms" in dialog.proposal_label.text()
        with qtbot.waitSignal(dialog.settings_proposed) as signal:
            dialog.save_button.click()
        assert signal.args[0] == {
            "max_gap_ms": 24,
            "min_length": 4,
            "prefix": "",
            "suffix": "enter",
        }
        assert dialog.result_settings() == signal.args[0]
        assert not scanner.calibrating, "closing the dialog ends calibration"
        assert scans == [], "nothing scanned while calibrating"
    finally:
        scanner.uninstall(qapp)


def test_dialog_refuses_differing_reads_and_can_start_over(qtbot, qapp):
    scanner = ScannerFilter()
    scanner.install(qapp)
    try:
        dialog = CalibrationDialog(scanner, samples_needed=2)
        qtbot.addWidget(dialog)
        ts = burst(dialog, "AAAA1", 3, 1000)
        ts = burst(dialog, "BBBB2", 3, ts)
        assert not dialog.save_button.isEnabled()
        assert "not all the same" in dialog.proposal_label.text()
        dialog.restart()
        assert dialog.samples == []
        ts = burst(dialog, "AAAA1", 3, ts)
        burst(dialog, "AAAA1", 3, ts)
        assert dialog.save_button.isEnabled()
        dialog.reject()
        assert dialog.result_settings() is None
        assert not scanner.calibrating
    finally:
        scanner.uninstall(qapp)
