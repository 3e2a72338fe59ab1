"""Scanner calibration: proposals from measured bursts, and the dialog driving a real ScannerFilter with key
events as a wedge sends them (Shift pressed around capitals)."""

from __future__ import annotations

import pytest

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.ui.dialogs.calibration_dialog import (
    CalibrationDialog,
    propose_blanking,
    propose_layout,
    propose_settings,
)
from intake_gui.ui.scanner_filter import ScannerFilter
from intake_gui.ui.wedge_keys import WedgeKeyboard

from .conftest import CATALOG

pytestmark = pytest.mark.gui


def sample(
    text: str, max_gap: int, terminator: str = "enter", start: int = 0, end: int = 0
) -> dict:
    return {
        "text": text,
        "raw_text": text,
        "length": len(text),
        "gaps_ms": [max_gap],
        "max_gap_ms": max_gap,
        "terminator": terminator,
        "started_ms": start,
        "ended_ms": end,
    }


def test_proposal_from_a_fast_corded_scanner():
    p = propose_settings([sample("0012345678905", 2), sample("0012345678905", 3)])
    assert p == {
        "max_gap_ms": 15,
        "min_length": 4,
        "prefix": "",
        "suffix": "enter",
        "blanking_ms": 120,
        "scanner_layout": "",
        "station_layout": "",
    }


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


def test_blanking_learned_from_a_double_read_and_bounded_by_deliberate_rescans():
    reads = [sample("X1234", 3, start=1000, end=1030), sample("X1234", 3, start=1095, end=1125)]
    assert propose_blanking(reads) == 130, "twice the 65 ms double read"
    reads.append(sample("X1234", 3, start=1325, end=1355))  # the clerk rescanned 200 ms later
    assert propose_blanking(reads) == 100, "never more than half the quickest deliberate re-scan"
    slow = [sample("X1234", 3, start=1000, end=1030), sample("X1234", 3, start=1900, end=1930)]
    assert propose_blanking(slow) == 120


def test_layout_detected_from_a_code_the_catalog_knows():
    known = {"GUM-10", "3B4791"}.__contains__
    german = [sample("GUMß10", 3)]  # a US scanner on a German station
    assert propose_layout(german, known=known) == ("us", "de")
    assert propose_layout([sample("GUM-10", 3)], known=known) == ("", "")
    assert propose_layout([sample("NOPE-1", 3)], known=known) is None
    assert propose_layout([sample("\"B'è&ç", 3)], known=None, expected="3B4719") == ("us", "fr")


def test_dialog_measures_three_reads_in_characters_and_saves(qtbot, qapp):
    scanner = ScannerFilter({"max_gap_ms": 35, "suffix": "either"})
    scanner.install(qapp)
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    try:
        dialog = CalibrationDialog(scanner, current={"prefix": "", "suffix": "either"})
        qtbot.addWidget(dialog)
        dialog.show()
        assert scanner.calibrating
        kb = WedgeKeyboard(dialog)
        kb.scan("3B4791", gap_ms=9)
        kb.scan("3B4791", gap_ms=12)
        assert not dialog.save_button.isEnabled()
        kb.scan("3B4791", gap_ms=11)
        assert dialog.samples_list.count() == 3
        assert "3B4791  —  6 characters" in dialog.samples_list.item(0).text()
        assert dialog.save_button.isEnabled()
        assert "24 ms" in dialog.proposal_label.text()
        with qtbot.waitSignal(dialog.settings_proposed) as signal:
            dialog.save_button.click()
        assert signal.args[0] == {
            "max_gap_ms": 24,
            "min_length": 4,
            "prefix": "",
            "suffix": "enter",
            "blanking_ms": 120,
            "scanner_layout": "",
            "station_layout": "",
        }
        assert dialog.result_settings() == signal.args[0]
        assert not scanner.calibrating, "closing the dialog ends calibration"
        assert scans == [], "nothing scanned while calibrating"
    finally:
        scanner.uninstall(qapp)


def test_dialog_sees_a_double_read_and_a_foreign_layout(qtbot, qapp):
    scanner = ScannerFilter()
    scanner.install(qapp)
    try:
        dialog = CalibrationDialog(scanner, known=CatalogIndex(CATALOG))
        qtbot.addWidget(dialog)
        dialog.show()
        kb = WedgeKeyboard(dialog)
        kb.scan("GUMß10", gap_ms=4)  # "GUM-10" from a US scanner on a German station
        kb.scan("GUMß10", gap_ms=4, after_ms=50)  # the same trigger, read again
        kb.scan("GUMß10", gap_ms=4)
        assert not dialog.save_button.isEnabled(), "a double read is not one of the three scans"
        kb.scan("GUMß10", gap_ms=4)
        assert dialog.save_button.isEnabled()
        text = dialog.proposal_label.text()
        assert "read the label twice" in text
        assert "US English keyboard" in text and "German" in text and "“GUM-10”" in text
        p = dialog.proposal()
        assert (p["scanner_layout"], p["station_layout"]) == ("us", "de")
        assert p["blanking_ms"] == 120
        dialog.reject()
    finally:
        scanner.uninstall(qapp)


def test_dialog_refuses_differing_reads_and_can_start_over(qtbot, qapp):
    scanner = ScannerFilter()
    scanner.install(qapp)
    try:
        dialog = CalibrationDialog(scanner, samples_needed=2)
        qtbot.addWidget(dialog)
        dialog.show()
        kb = WedgeKeyboard(dialog)
        kb.scan("AAAA1", gap_ms=3)
        kb.scan("BBBB2", gap_ms=3)
        assert not dialog.save_button.isEnabled()
        assert "not all the same" in dialog.proposal_label.text()
        dialog.restart()
        assert dialog.samples == []
        kb.scan("AAAA1", gap_ms=3)
        kb.scan("AAAA1", gap_ms=3)
        assert dialog.save_button.isEnabled()
        dialog.reject()
        assert dialog.result_settings() is None
        assert not scanner.calibrating
    finally:
        scanner.uninstall(qapp)
