"""ScannerFilter: scanner bursts become `scanned`, human typing reaches the focused field exactly as typed.

Key events come from `ui.wedge_keys`, which reproduces what the window system delivers for a USB wedge: a
separate Shift press before each capital (same timestamp as the letter), Ctrl before `]` for GS, releases after,
timestamps on the window system's clock; sent to the focus QWindow first, as real input is.
"""

from __future__ import annotations

import random
import time

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit

from intake_gui.domain.scan_read import ScanRead
from intake_gui.ui.scanner_filter import GS, PASSTHROUGH_PROPERTY, FilterSettings, ScannerFilter
from intake_gui.ui.wedge_keys import KeyStroke, WedgeKeyboard, burst

pytestmark = pytest.mark.gui

TAG = "1A4060300003B01000012345"
GS1 = "0109501101530003" + "17260131" + "10AB-12" + GS + "21X9"


class Recorder(QObject):
    """Logs what the field itself receives (after the filter), to check replay order press by press."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field)
        self.events: list[tuple[str, int, str]] = []
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            kind = "down" if event.type() == QEvent.Type.KeyPress else "up"
            self.events.append((kind, event.key(), event.text()))  # type: ignore[attr-defined]
        return False


@pytest.fixture
def field(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.activateWindow()
    edit.setFocus()
    return edit


@pytest.fixture
def scanner(qapp):
    filt = ScannerFilter({"max_gap_ms": 50, "min_length": 4, "suffix": "either"})
    filt.install(qapp)
    scans: list[ScanRead] = []
    filt.scanned.connect(scans.append)
    filt.scans = scans  # type: ignore[attr-defined]
    yield filt
    filt.uninstall(qapp)


@pytest.fixture
def kb(field):
    return WedgeKeyboard(field)


@pytest.mark.parametrize("gap_ms", [2, 8, 30])
@pytest.mark.parametrize("code", ["3B4791", "ABC-12345", TAG, "b4791Xy"])
def test_capitals_with_real_shift_presses_are_one_scan(field, scanner, kb, code, gap_ms):
    """The bug a real X server showed: the Shift press before "B" ended the burst, "3" went into the title."""
    field.setText("Final assessment")
    kb.scan(code, gap_ms=gap_ms)
    assert scanner.scans == [code]
    assert field.text() == "Final assessment"
    assert scanner.holding == 0


def test_keys_released_after_the_scan_do_not_reach_the_field(field, scanner, kb):
    seen = Recorder(field)
    kb.scan("3B4791", gap_ms=4)
    assert seen.events == []


def test_scan_read_carries_window_system_timestamps(field, scanner, kb):
    kb.pause(1000)
    start = kb.ts + 400
    kb.scan("CART-1", gap_ms=5)
    (read,) = scanner.scans
    assert (read.started_ms, read.ended_ms, read.keys) == (start, start + 30, 6)


def test_jittered_gaps_up_to_the_limit_still_scan(field, scanner, kb):
    rng = random.Random(7)
    for _ in range(20):
        code = "".join(rng.choice("ABCDEFGHJK0123456789-") for _ in range(rng.randint(6, 24)))
        kb.scan(code, gap_ms=rng.uniform(1, 35), jitter_ms=12)
    assert len(scanner.scans) == 20
    assert field.text() == ""


def test_tab_suffix_also_ends_a_scan(field, scanner, kb):
    kb.scan("0012345678905", gap_ms=2, suffix="\t")
    assert scanner.scans == ["0012345678905"]
    assert field.text() == ""


def test_ctrl_bracket_becomes_group_separator(field, scanner, kb):
    kb.scan(GS1, gap_ms=3)
    assert scanner.scans == [GS1]
    assert field.text() == ""


def test_altgr_inside_a_burst_is_not_a_gap_or_a_character(field, scanner, kb):
    """On layouts where "@" or "#" sit on AltGr the wedge presses ISO_Level3_Shift first."""
    none = Qt.KeyboardModifier.NoModifier
    altgr = Qt.KeyboardModifier.GroupSwitchModifier
    t = kb.ts + 500
    strokes = [*burst("AB", start_ms=t, gap_ms=3, suffix="")]
    strokes += [
        KeyStroke(True, Qt.Key.Key_AltGr, altgr, "", t + 6),
        KeyStroke(True, Qt.Key.Key_At, altgr, "@", t + 6),
        KeyStroke(False, Qt.Key.Key_AltGr, none, "", t + 7),
        KeyStroke(False, Qt.Key.Key_At, none, "@", t + 7),
    ]
    strokes += burst("12", start_ms=t + 9, gap_ms=3)
    kb.send(strokes)
    assert scanner.scans == ["AB@12"]
    assert field.text() == ""


def test_aim_symbology_prefix_is_part_of_the_scan(field, scanner, kb):
    kb.scan("]C1" + GS1, gap_ms=2)
    assert scanner.scans == ["]C1" + GS1]


def test_slow_human_typing_with_capitals_lands_exactly(qtbot, field, scanner, kb):
    returned: list[str] = []
    field.returnPressed.connect(lambda: returned.append(field.text()))
    kb.type("Invoice 42A-B\r", gap_ms=140)
    qtbot.waitUntil(lambda: scanner.holding == 0)
    assert field.text() == "Invoice 42A-B"
    assert returned == ["Invoice 42A-B"]
    assert scanner.scans == []


def test_fast_human_rollover_is_replayed_press_and_release_in_order(qtbot, field, scanner, kb):
    seen = Recorder(field)
    kb.type("Th", gap_ms=20)  # fast enough to be held as a possible scan
    kb.type("e", gap_ms=300)  # slow: the held keys go first, then this one is held
    qtbot.waitUntil(lambda: field.text() == "The" and scanner.holding == 0)
    assert scanner.scans == []
    shift, t = Qt.Key.Key_Shift, Qt.Key.Key_T
    # The Shift press came before anything was held, so it went straight through (with its release);
    # everything held afterwards is replayed press and release, in order.
    assert seen.events[:6] == [
        ("down", shift, ""),
        ("up", shift, ""),
        ("down", t, "T"),
        ("up", t, "t"),
        ("down", Qt.Key.Key_H, "h"),
        ("up", Qt.Key.Key_H, "h"),
    ]


def test_short_fast_burst_with_enter_is_typing(field, scanner, kb):
    returned: list[str] = []
    field.returnPressed.connect(lambda: returned.append(field.text()))
    kb.scan("Ok", gap_ms=5)
    assert field.text() == "Ok"
    assert returned == ["Ok"]
    assert scanner.scans == []


def test_fast_burst_without_suffix_is_replayed_when_keys_stop(qtbot, field, scanner, kb):
    kb.scan("ABCDEFG", gap_ms=3, suffix="")
    assert field.text() == ""
    qtbot.waitUntil(lambda: field.text() == "ABCDEFG", timeout=2000)
    assert scanner.scans == []


def test_suffixless_scanner_mode_emits_on_quiet(qtbot, field, scanner, kb):
    scanner.settings = {"max_gap_ms": 30, "min_length": 4, "suffix": "none"}
    kb.scan(TAG, gap_ms=4, suffix="")
    qtbot.waitUntil(lambda: scanner.scans == [TAG], timeout=2000)
    assert field.text() == ""


def test_a_busy_gui_thread_does_not_split_a_scan(qtbot, field, scanner, kb):
    """The first key is held and its quiet timer is due; the rest of the burst is still queued when the GUI
    thread wakes up late. Timestamps say it is one burst, and it must stay one."""
    strokes = burst("3B4791", start_ms=kb.ts + 500, gap_ms=3)
    first, rest = strokes[:2], strokes[2:]
    kb.send(first)
    time.sleep(0.25)  # the GUI thread is busy: the timer (70 ms) is long overdue
    target = kb.target()
    for stroke in rest:
        QCoreApplication.postEvent(target, stroke.event())
    qtbot.waitUntil(lambda: scanner.scans == ["3B4791"], timeout=2000)
    assert field.text() == ""


def test_prefix_required_and_stripped(field, scanner, kb):
    scanner.settings = {"max_gap_ms": 30, "min_length": 4, "prefix": "~", "suffix": "enter"}
    kb.scan("~SKU123", gap_ms=3)
    assert scanner.scans == ["SKU123"]
    kb.type("x", gap_ms=500)
    assert scanner.holding == 0, "without the prefix a key is never held"
    assert field.text() == "x"
    kb.scan("ABCDE", gap_ms=3)
    assert scanner.scans == ["SKU123"]
    assert field.text() == "xABCDE"


def test_control_character_prefix_typed_with_ctrl(field, scanner, kb):
    """STX (Ctrl+B on a wedge) as prefix: the Ctrl press is a modifier, the prefix is stripped."""
    scanner.settings = {"max_gap_ms": 30, "min_length": 4, "prefix": "\x02", "suffix": "enter"}
    ctrl, none = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.NoModifier
    t = kb.ts + 500
    kb.send(
        [
            KeyStroke(True, Qt.Key.Key_Control, ctrl, "", t),
            KeyStroke(True, Qt.Key.Key_B, ctrl, "\x02", t),
            KeyStroke(False, Qt.Key.Key_Control, none, "", t + 1),
            KeyStroke(False, Qt.Key.Key_B, none, "b", t + 1),
            *burst("GUM-10", start_ms=t + 4, gap_ms=3),
        ]
    )
    assert scanner.scans == ["GUM-10"]
    assert field.text() == ""


def test_human_then_scan_then_human(qtbot, field, scanner, kb):
    kb.type("ab", gap_ms=150)
    kb.scan("3B4791XY", gap_ms=3, after_ms=300)
    kb.type("C", gap_ms=300)
    qtbot.waitUntil(lambda: scanner.holding == 0)
    assert field.text() == "abC"
    assert scanner.scans == ["3B4791XY"]


def test_non_text_key_releases_held_keys_first(field, scanner, kb):
    kb.type("a", gap_ms=10)
    kb.key(Qt.Key.Key_Backspace, gap_ms=10)
    assert field.text() == ""
    assert scanner.holding == 0
    kb.type("ab", gap_ms=10)
    kb.key(Qt.Key.Key_Backspace, gap_ms=10)
    assert field.text() == "a"


def test_disabled_filter_passes_everything(field, scanner, kb):
    scanner.enabled = False
    kb.scan("ABCDEF", gap_ms=2)
    assert field.text() == "ABCDEF"
    assert scanner.scans == []


def test_passthrough_widget_receives_scans_as_text(field, scanner, kb):
    field.setProperty(PASSTHROUGH_PROPERTY, True)
    kb.scan("INV-2024-001", gap_ms=2)
    assert field.text() == "INV-2024-001"
    assert scanner.scans == []


def test_autorepeat_is_a_person(field, scanner, kb):
    kb.type("aaaaaa", gap_ms=30, autorepeat=True)
    assert field.text() == "aaaaaa"
    assert scanner.holding == 0


def test_scanner_layout_translates_what_the_scanner_meant(field, scanner, kb):
    """A US scanner at a German station: the station's layout turns "Z" into "Y" and "-" into "ß"."""
    scanner.settings = {"max_gap_ms": 30, "scanner_layout": "us", "station_layout": "de"}
    kb.scan("GUMß10Y-", gap_ms=3)
    assert scanner.scans == ["GUM-10Z/"]


def test_calibrating_reports_characters_not_key_events(field, scanner, kb):
    samples: list[dict] = []
    scanner.calibration_sample.connect(samples.append)
    scanner.calibrating = True
    kb.scan("3B4791", gap_ms=7)
    assert scanner.scans == []
    assert field.text() == ""
    (sample,) = samples
    assert (sample["text"], sample["length"], sample["gaps_ms"]) == ("3B4791", 6, [7] * 5)
    assert (sample["max_gap_ms"], sample["terminator"]) == (7, "enter")


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


def test_station_scanner_settings_drive_the_filter():
    from intake_gui.store.settings import ScannerSettings

    s = FilterSettings.from_any(
        ScannerSettings(max_gap_ms=40, min_length=6, suffix="tab", scanner_layout="us")
    )
    assert (s.max_gap_ms, s.min_length, s.suffix, s.gs_char, s.scanner_layout) == (
        40,
        6,
        "tab",
        GS,
        "us",
    )


def test_qtest_window_path_with_shift_presses(qtbot, field, scanner):
    """QTest on the QWindow goes through QGuiApplication's key handling and presses Shift for capitals."""
    from PySide6.QtTest import QTest

    window = field.window().windowHandle()
    for ch in "ABC123":
        QTest.keyClick(
            window,
            ch,
            Qt.KeyboardModifier.ShiftModifier if ch.isalpha() else Qt.KeyboardModifier.NoModifier,
        )
    QTest.keyClick(window, Qt.Key.Key_Return)
    assert scanner.scans == ["ABC123"]
    assert field.text() == ""
    for ch in "hey":
        QTest.keyClick(window, ch)
        QTest.qWait(80)
    qtbot.waitUntil(lambda: field.text() == "hey", timeout=2000)
    assert scanner.scans == ["ABC123"]


def test_a_modifier_pressed_alone_reaches_the_field_at_once(field, scanner, kb):
    """Menu bars and shortcuts track Alt and Ctrl presses as they happen: nothing to hold, nothing held."""
    seen = Recorder(field)
    for key, mods in (
        (Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Alt, Qt.KeyboardModifier.AltModifier),
    ):
        kb.key(key, mods)
    assert scanner.holding == 0
    assert seen.events == [
        ("down", Qt.Key.Key_Shift, ""),
        ("up", Qt.Key.Key_Shift, ""),
        ("down", Qt.Key.Key_Alt, ""),
        ("up", Qt.Key.Key_Alt, ""),
    ]
