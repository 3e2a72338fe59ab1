"""ScannerFilter: scanner bursts become `scanned`, human typing reaches the focused field exactly as typed.

Key events are built with explicit timestamps and sent through the application (QApplication.sendEvent), so
the application-wide filter judges them exactly as it judges a real scanner's events.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from intake_gui.ui.scanner_filter import GS, PASSTHROUGH_PROPERTY, FilterSettings, ScannerFilter

pytestmark = pytest.mark.gui

ENTER = "\r"
TAB = "\t"
CTRL_BRACKET = "<ctrl-]>"
BACKSPACE = "<bs>"


def _event(
    token: str, ts: int, etype: QEvent.Type = QEvent.Type.KeyPress, autorep: bool = False
) -> QKeyEvent:
    mods = Qt.KeyboardModifier.NoModifier
    if token == ENTER:
        key, text = Qt.Key.Key_Return, "\r"
    elif token == TAB:
        key, text = Qt.Key.Key_Tab, "\t"
    elif token == CTRL_BRACKET:
        key, text, mods = Qt.Key.Key_BracketRight, GS, Qt.KeyboardModifier.ControlModifier
    elif token == BACKSPACE:
        key, text = Qt.Key.Key_Backspace, "\b"
    else:
        key, text = ord(token.upper()), token
        if token.isupper():
            mods = Qt.KeyboardModifier.ShiftModifier
    ev = QKeyEvent(etype, key, mods, text, autorep)
    ev.setTimestamp(ts)
    return ev


class Keyboard:
    """Types tokens into a widget through the application, press and release, with chosen timestamps."""

    def __init__(self, target: QLineEdit) -> None:
        self.target = target
        self.ts = 1_000_000

    def type(self, tokens: list[str] | str, gap_ms: int, *, autorep: bool = False) -> None:
        for token in tokens:
            self.ts += gap_ms
            QApplication.sendEvent(self.target, _event(token, self.ts, autorep=autorep))
            QApplication.sendEvent(self.target, _event(token, self.ts + 1, QEvent.Type.KeyRelease))

    def pause(self, ms: int) -> None:
        self.ts += ms


@pytest.fixture
def field(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    return edit


@pytest.fixture
def scanner(qapp):
    filt = ScannerFilter({"max_gap_ms": 30, "min_length": 4, "suffix": "either"})
    filt.install(qapp)
    scans: list[str] = []
    filt.scanned.connect(scans.append)
    filt.scans = scans  # type: ignore[attr-defined]
    yield filt
    filt.uninstall(qapp)


def test_scanner_burst_is_swallowed_and_emitted(field, scanner):
    field.setText("keep")
    kb = Keyboard(field)
    kb.type([*"ABC-12345", ENTER], gap_ms=3)
    assert scanner.scans == ["ABC-12345"]
    assert field.text() == "keep"
    assert scanner.holding == 0


def test_tab_suffix_also_ends_a_scan(field, scanner):
    Keyboard(field).type([*"0012345678905", TAB], gap_ms=2)
    assert scanner.scans == ["0012345678905"]
    assert field.text() == ""


def test_slow_human_typing_lands_exactly(qtbot, field, scanner):
    returned: list[str] = []
    field.returnPressed.connect(lambda: returned.append(field.text()))
    Keyboard(field).type([*"Invoice 42a", ENTER], gap_ms=140)
    qtbot.waitUntil(lambda: scanner.holding == 0)
    assert field.text() == "Invoice 42a"
    assert returned == ["Invoice 42a"]
    assert scanner.scans == []


def test_fast_rollover_then_slow_key_keeps_order(qtbot, field, scanner):
    kb = Keyboard(field)
    kb.type("th", gap_ms=12)  # two keys within max_gap: held together
    kb.type("e", gap_ms=200)  # slow: the held pair goes first, then this key is held
    qtbot.waitUntil(lambda: field.text() == "the")
    assert scanner.scans == []


def test_short_fast_burst_with_enter_is_typing(field, scanner):
    returned: list[str] = []
    field.returnPressed.connect(lambda: returned.append(field.text()))
    Keyboard(field).type(["o", "k", ENTER], gap_ms=5)
    assert field.text() == "ok"
    assert returned == ["ok"]
    assert scanner.scans == []


def test_fast_burst_without_suffix_is_replayed_when_keys_stop(qtbot, field, scanner):
    Keyboard(field).type("ABCDEFG", gap_ms=3)
    assert field.text() == ""
    qtbot.waitUntil(lambda: field.text() == "ABCDEFG", timeout=2000)
    assert scanner.scans == []


def test_suffixless_scanner_mode_emits_on_quiet(qtbot, field, scanner):
    scanner.settings = {"max_gap_ms": 30, "min_length": 4, "suffix": "none"}
    Keyboard(field).type("1A4060300002C35000012345", gap_ms=4)
    qtbot.waitUntil(lambda: scanner.scans == ["1A4060300002C35000012345"], timeout=2000)
    assert field.text() == ""


def test_ctrl_bracket_becomes_group_separator(field, scanner):
    Keyboard(field).type(
        [*"0109501101530003", "1", "0", "A", "B", CTRL_BRACKET, *"17260131", ENTER], gap_ms=2
    )
    assert scanner.scans == ["010950110153000310AB" + GS + "17260131"]
    assert field.text() == ""


def test_prefix_required_and_stripped(field, scanner):
    scanner.settings = {"max_gap_ms": 30, "min_length": 4, "prefix": "~", "suffix": "enter"}
    kb = Keyboard(field)
    kb.type([*"~SKU123", ENTER], gap_ms=3)
    assert scanner.scans == ["SKU123"]
    kb.pause(500)
    kb.type("x", gap_ms=3)
    assert scanner.holding == 0, "without the prefix a key is never held"
    assert field.text() == "x"
    kb.pause(500)
    kb.type([*"ABCDE", ENTER], gap_ms=3)
    assert scanner.scans == ["SKU123"]
    assert field.text() == "xABCDE"


def test_human_then_scan_then_human(qtbot, field, scanner):
    kb = Keyboard(field)
    kb.type("ab", gap_ms=150)
    kb.pause(300)
    kb.type([*"3B4791XY", ENTER], gap_ms=3)
    kb.pause(300)
    kb.type("c", gap_ms=150)
    qtbot.waitUntil(lambda: scanner.holding == 0)
    assert field.text() == "abc"
    assert scanner.scans == ["3B4791XY"]


def test_non_text_key_releases_held_keys_first(field, scanner):
    Keyboard(field).type(["a", BACKSPACE], gap_ms=10)
    assert field.text() == ""
    assert scanner.holding == 0
    Keyboard(field).type(["a", "b", BACKSPACE], gap_ms=10)
    assert field.text() == "a"


def test_disabled_filter_passes_everything(field, scanner):
    scanner.enabled = False
    Keyboard(field).type([*"ABCDEF", ENTER], gap_ms=2)
    assert field.text() == "ABCDEF"
    assert scanner.scans == []


def test_passthrough_widget_receives_scans_as_text(field, scanner):
    field.setProperty(PASSTHROUGH_PROPERTY, True)
    Keyboard(field).type([*"INV-2024-001", ENTER], gap_ms=2)
    assert field.text() == "INV-2024-001"
    assert scanner.scans == []


def test_autorepeat_is_a_person(field, scanner):
    Keyboard(field).type("aaaaaa", gap_ms=30, autorep=True)
    assert field.text() == "aaaaaa"
    assert scanner.holding == 0


def test_calibrating_reports_timing_instead_of_scanning(field, scanner):
    samples: list[dict] = []
    scanner.calibration_sample.connect(samples.append)
    scanner.calibrating = True
    Keyboard(field).type([*"CAL1", ENTER], gap_ms=7)
    assert scanner.scans == []
    assert field.text() == ""
    assert samples == [
        {
            "text": "CAL1",
            "length": 4,
            "gaps_ms": [7, 7, 7],
            "max_gap_ms": 7,
            "mean_gap_ms": 7.0,
            "terminator": "enter",
        }
    ]


def test_settings_accept_store_model_shape():
    class Like:
        max_gap_ms = 20
        min_length = 6
        prefix = ""
        suffix = "tab"
        gs_char = GS

    s = FilterSettings.from_any(Like())
    assert (s.max_gap_ms, s.min_length, s.suffix) == (20, 6, "tab")
    assert s.accepts_suffix(Qt.Key.Key_Tab) and not s.accepts_suffix(Qt.Key.Key_Return)
    with pytest.raises(ValueError):
        FilterSettings(suffix="space")


def test_window_system_path_through_qtest(qtbot, field, scanner):
    """Real key events reach the QWindow first (then the focus widget): the filter must judge them there."""
    from PySide6.QtTest import QTest

    window = field.window().windowHandle()
    field.activateWindow()
    for ch in "ABC123":
        QTest.keyClick(window, ch)
    QTest.keyClick(window, Qt.Key.Key_Return)
    assert scanner.scans == ["ABC123"]
    assert field.text() == ""
    for ch in "hey":
        QTest.keyClick(window, ch)
    qtbot.waitUntil(lambda: field.text() == "hey", timeout=2000)
    assert scanner.scans == ["ABC123"]


def test_station_scanner_settings_drive_the_filter():
    from intake_gui.store.settings import ScannerSettings

    s = FilterSettings.from_any(ScannerSettings(max_gap_ms=40, min_length=6, suffix="tab"))
    assert (s.max_gap_ms, s.min_length, s.suffix, s.gs_char) == (40, 6, "tab", GS)
