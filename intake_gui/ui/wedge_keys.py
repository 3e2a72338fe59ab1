"""Key events exactly as a keyboard-wedge scanner (or a person) produces them, for tests, benchmarks and the
station self-test.

A scanner is a USB keyboard. For each character it sends a HID report, and the window system turns that into
*key events*: for a capital, a Shift press, then the letter's press carrying the Shift modifier (same
timestamp), then the Shift release and the letter's release (whose text is the lower-case letter); for the GS1
group separator, a Ctrl press and `]` with Ctrl (text ASCII 29); then Return. This module builds that sequence
with the window system's timestamps (milliseconds, settable, jitter optional) and delivers it where real input
goes first: the focus window (a QWindow), which forwards to the focus widget -- so the application-wide
scanner filter sees every event in the order and with the timing a real scanner produces. Recorded from Qt's
xcb input under Xvfb driven by xdotool (tests/realwindow records the same thing for real).

One helper for every test that scans: `WedgeKeyboard(...).scan("3B4791")`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

GS = "\x1d"
_SHIFTED = set('~!@#$%^&*()_+{}|:"<>?')
"""US-layout characters typed with Shift (what a factory-default scanner sends)."""
_UNSHIFTED = dict(zip('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./", strict=True))
_X_KEYSYM = {
    Qt.Key.Key_Shift: 0xFFE1,
    Qt.Key.Key_Control: 0xFFE3,
    Qt.Key.Key_AltGr: 0xFE03,
    Qt.Key.Key_Return: 0xFF0D,
    Qt.Key.Key_Tab: 0xFF09,
}
_NAMED = {"\r": Qt.Key.Key_Return, "\n": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab}


@dataclass(frozen=True)
class KeyStroke:
    """One key event to send: press or release, Qt key, modifiers held, text, window-system timestamp."""

    press: bool
    key: int
    mods: Qt.KeyboardModifier
    text: str
    ts: int
    autorepeat: bool = False

    def event(self) -> QKeyEvent:
        etype = QEvent.Type.KeyPress if self.press else QEvent.Type.KeyRelease
        keysym = _X_KEYSYM.get(Qt.Key(self.key), 0) if self.key > 0xFFFF else ord(self.text or " ")
        ev = QKeyEvent(etype, self.key, self.mods, 0, keysym, 0, self.text, self.autorepeat, 1)
        ev.setTimestamp(self.ts)
        return ev


def qt_key(char: str) -> int:
    if char in _NAMED:
        return _NAMED[char]
    if char.isascii() and char.isalpha():
        return ord(char.upper())
    return ord(char)


def strokes_for(char: str, ts: int, hold_ms: int = 1) -> list[KeyStroke]:
    """The key events one character produces when a US-layout wedge types it at `ts`."""
    none = Qt.KeyboardModifier.NoModifier
    if char == GS:
        ctrl = Qt.KeyboardModifier.ControlModifier
        return [
            KeyStroke(True, Qt.Key.Key_Control, ctrl, "", ts),
            KeyStroke(True, Qt.Key.Key_BracketRight, ctrl, GS, ts),
            KeyStroke(False, Qt.Key.Key_Control, none, "", ts + hold_ms),
            KeyStroke(False, Qt.Key.Key_BracketRight, none, "]", ts + hold_ms),
        ]
    key = qt_key(char)
    if (char.isascii() and char.isupper()) or char in _SHIFTED:
        shift = Qt.KeyboardModifier.ShiftModifier
        plain = char.lower() if char.isalpha() else _UNSHIFTED[char]
        return [
            KeyStroke(True, Qt.Key.Key_Shift, shift, "", ts),
            KeyStroke(True, key, shift, char, ts),
            KeyStroke(False, Qt.Key.Key_Shift, none, "", ts + hold_ms),
            KeyStroke(False, key, none, plain, ts + hold_ms),
        ]
    return [KeyStroke(True, key, none, char, ts), KeyStroke(False, key, none, char, ts + hold_ms)]


def burst(
    code: str,
    *,
    start_ms: int,
    gap_ms: float = 4,
    suffix: str = "\r",
    jitter_ms: float = 0,
    rng: random.Random | None = None,
) -> list[KeyStroke]:
    """A scanner burst: every character `gap_ms` apart (± `jitter_ms`), then the suffix ("" for none)."""
    rng = rng or random.Random(len(code))
    out: list[KeyStroke] = []
    ts = float(start_ms)
    for i, char in enumerate(code + suffix):
        if i:
            ts += max(0.0, gap_ms + (rng.uniform(-jitter_ms, jitter_ms) if jitter_ms else 0.0))
        hold = max(1, round(gap_ms / 2))
        out += strokes_for(char, round(ts), hold)
    return out


def default_target() -> QObject | None:
    """Where the window system delivers a key: the focus window, else the focus widget."""
    return QGuiApplication.focusWindow() or QApplication.focusWidget()


class WedgeKeyboard:
    """Sends scanner bursts and human typing through the application, with a clock of its own."""

    def __init__(
        self,
        target: QObject | Callable[[], QObject | None] | None = None,
        *,
        start_ms: int = 1_000_000,
        shortcut_override: bool = True,
    ) -> None:
        self._target = target
        self.ts = start_ms
        self.shortcut_override = shortcut_override

    def target(self) -> QObject:
        found = self._target() if callable(self._target) else self._target
        found = found or default_target()
        if isinstance(found, QWidget):
            window = found.window()
            if window.windowHandle() is not None and window.focusWidget() is found:
                # Real key events reach the QWindow first, which hands them to its focus widget.
                found = window.windowHandle()
        if found is None:
            raise RuntimeError("no window has the keyboard focus")
        return found

    def send(self, strokes: list[KeyStroke]) -> None:
        target = self.target()
        for stroke in strokes:
            if stroke.press and self.shortcut_override:
                override = stroke.event()
                override = QKeyEvent(
                    QEvent.Type.ShortcutOverride,
                    override.key(),
                    override.modifiers(),
                    override.text(),
                    override.isAutoRepeat(),
                )
                override.setTimestamp(stroke.ts)
                QApplication.sendEvent(target, override)
            QApplication.sendEvent(target, stroke.event())
            self.ts = max(self.ts, stroke.ts)

    def scan(
        self,
        code: str,
        gap_ms: float = 4,
        *,
        suffix: str = "\r",
        jitter_ms: float = 0,
        after_ms: int = 400,
    ) -> None:
        """One scan: the code `gap_ms` per key and the suffix, starting `after_ms` after the last event."""
        self.ts += after_ms
        self.send(burst(code, start_ms=self.ts, gap_ms=gap_ms, suffix=suffix, jitter_ms=jitter_ms))

    def type(self, text: str, gap_ms: int = 150, *, autorepeat: bool = False) -> None:
        """A person typing: each character `gap_ms` after the previous event, Shift pressed for capitals."""
        for char in text:
            self.ts += gap_ms
            strokes = strokes_for(char, self.ts, 60 if gap_ms > 60 else max(1, gap_ms // 2))
            if autorepeat:
                strokes = [
                    KeyStroke(s.press, s.key, s.mods, s.text, s.ts, autorepeat=True)
                    for s in strokes
                ]
            self.send(strokes)

    def key(
        self,
        key: Qt.Key,
        mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        text: str = "",
        gap_ms: int = 150,
    ) -> None:
        """One non-character key (Backspace, an arrow, F2...), pressed and released."""
        self.ts += gap_ms
        self.send(
            [
                KeyStroke(True, key, mods, text, self.ts),
                KeyStroke(False, key, mods, text, self.ts + 40),
            ]
        )

    def pause(self, ms: int) -> None:
        self.ts += ms


def iter_texts(strokes: list[KeyStroke]) -> Iterator[str]:
    """The characters a list of strokes types (presses with text), for assertions."""
    for s in strokes:
        if s.press and s.text:
            yield s.text
