"""Telling a keyboard-wedge scanner from a person typing, application-wide, by key event timestamps.

A USB scanner *is* a keyboard: it types a code a few milliseconds per key and presses Enter. Installed on the
QApplication, `ScannerFilter` sees every key event before any widget does. Fast bursts (every gap between two
characters at most `max_gap_ms`, at least `min_length` characters, the configured prefix, ending in the
configured suffix) are swallowed and emitted as `scanned(ScanRead)`, whatever has focus; so a scan can never
land in the title field.

What a real scanner sends is *key events*, not characters: a separate Shift press before every capital (and its
release after), AltGr (ISO_Level3_Shift) before characters on the third level of some layouts, Ctrl before
`]` for the GS1 group separator. Those modifier presses and releases belong to the burst: they neither end it,
nor count as characters, nor as gaps (a Shift press and the capital after it carry the same timestamp). Gaps
are measured with the window system's timestamps (the X server's clock), never arrival time, because a busy GUI
thread receives a whole burst at once. One gap per burst may stretch to twice `max_gap_ms` (a stalled key).

Human typing must reach the widgets exactly as typed. The first key of a burst cannot be told apart from a
person's key until the next key arrives (or does not), so every key event of a candidate burst -- presses,
releases, modifiers, in order -- is held and, once the sequence turns out to be human (a slow gap, a non-text
key, a burst too short, no suffix), replayed in order to the object that was meant to get it. A person notices
nothing but a delay of a few tens of ms on a key.

When the scanner is programmed for another keyboard layout than the station's (a US scanner on a German or
Latin-American station types "Y" where the label says "Z"), the settings name both layouts and each character
is translated to what the scanner meant (`domain.keyboard_layouts`); calibration detects the pair.

Widgets that *want* scanner text as typing (a field for scanning an invoice number, say) set the dynamic
property `scannerPassthrough` to True.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent

from intake_gui.domain.keyboard_layouts import LayoutMap
from intake_gui.domain.scan_read import ScanRead
from intake_gui.ui.scanner_keys import (
    ALT,
    CTRL,
    DEAD_KEYS,
    ENTER_KEYS,
    GS,
    META,
    FilterSettings,
    is_modifier,
)

__all__ = ["GS", "PASSTHROUGH_PROPERTY", "FilterSettings", "ScannerFilter", "is_modifier"]

try:  # shiboken6 ships with PySide6; the guard only keeps the import of this module cheap to reason about.
    from shiboken6 import isValid as _is_valid
except ImportError:  # pragma: no cover - PySide6 always bundles it

    def _is_valid(obj: object) -> bool:
        return obj is not None


PASSTHROUGH_PROPERTY = "scannerPassthrough"
CALIBRATION_GAP_MS = 250
"""While calibrating, anything faster than this counts as one burst: we are measuring, not judging."""
QUIET_RECHECK_LIMIT_MS = 1000
"""How long a late quiet-timer keeps re-arming itself while the GUI thread catches up (see `_on_quiet`)."""

_KEY_PRESS = QEvent.Type.KeyPress
_KEY_RELEASE = QEvent.Type.KeyRelease
_SHORTCUT_OVERRIDE = QEvent.Type.ShortcutOverride
_WATCHED = frozenset({_KEY_PRESS, _KEY_RELEASE, _SHORTCUT_OVERRIDE})


@dataclass
class _Held:
    """One key event held back while we find out whether it belongs to a scan."""

    receiver: Any
    event: QKeyEvent
    press: bool
    key: int
    char: str | None = None
    """The character it typed (what the scanner meant), for a character press; None otherwise."""
    raw: str = ""
    """The character as this station's layout produced it (for calibration)."""
    ts: int = 0


@dataclass
class _Burst:
    held: list[_Held] = field(default_factory=list)
    chars: list[_Held] = field(default_factory=list)
    last_ts: int = 0
    hiccup: bool = False
    """One gap of this burst was over max_gap (but within twice it): the next one may not be."""

    @property
    def text(self) -> str:
        return "".join(k.char or "" for k in self.chars)

    @property
    def raw_text(self) -> str:
        return "".join(k.raw for k in self.chars)

    def gaps(self) -> list[int]:
        return [b.ts - a.ts for a, b in zip(self.chars, self.chars[1:], strict=False)]

    def holds_press_of(self, key: int) -> bool:
        return any(h.press and h.key == key for h in self.held)


class ScannerFilter(QObject):
    scanned = Signal(object)
    """One complete scan as a `ScanRead` (a str): prefix and suffix removed, GS kept as ASCII 29."""
    calibration_sample = Signal(object)
    """While `calibrating`: a dict {text, raw_text, length, gaps_ms, max_gap_ms, mean_gap_ms, terminator,
    started_ms, ended_ms}; `length` counts characters, not key events."""

    def __init__(self, settings: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = FilterSettings.from_any(settings)
        self._layout = LayoutMap(self._settings.scanner_layout, self._settings.station_layout)
        self._enabled = True
        self._calibrating = False
        self._burst = _Burst()
        self._replaying = False
        self._swallowed_keys: dict[int, int] = {}
        self._origin = time.monotonic()
        self._last_receipt = 0.0
        self._recheck_since = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_quiet)

    # -- configuration ---------------------------------------------------------------------------------

    @property
    def settings(self) -> FilterSettings:
        return self._settings

    @settings.setter
    def settings(self, value: Any) -> None:
        new = FilterSettings.from_any(value)
        self._release_as_typed()
        self._settings = new
        self._layout = LayoutMap(new.scanner_layout, new.station_layout)

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        if not value:
            self._release_as_typed()
        self._enabled = bool(value)

    @property
    def calibrating(self) -> bool:
        return self._calibrating

    @calibrating.setter
    def calibrating(self, value: bool) -> None:
        self._release_as_typed()
        self._calibrating = bool(value)

    @property
    def holding(self) -> int:
        """How many key events are held right now (0 when idle); for tests and the calibration dialog."""
        return len(self._burst.held)

    def install(self, app: QCoreApplication | None = None) -> None:
        (app or QCoreApplication.instance()).installEventFilter(self)

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        self._release_as_typed()
        (app or QCoreApplication.instance()).removeEventFilter(self)

    # -- the filter ------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        etype = event.type()
        if etype not in _WATCHED or self._replaying or not self._enabled:
            return False
        if not isinstance(event, QKeyEvent):
            return False
        if etype == _KEY_RELEASE:
            return self._on_release(watched, event)
        if etype == _SHORTCUT_OVERRIDE:
            return self._on_shortcut_override(event)
        if _passthrough(QGuiApplication.focusObject() or watched):
            return False
        if event.isAutoRepeat():
            # A held-down key repeats at scanner speed; it is always a person.
            self._release_as_typed()
            return False
        return self._on_press(watched, event)

    def _on_press(self, receiver: QObject, event: QKeyEvent) -> bool:
        burst = self._burst
        if is_modifier(event):
            # Shift before a capital, AltGr, Ctrl before "]": part of a burst, never a character or a gap.
            # Before the first character nothing is held: a modifier pressed alone reaches the widgets at once,
            # because menu bars and shortcuts track Alt/Ctrl presses and releases (a late Alt press + release
            # replayed after Alt+T reads as "Alt tapped" and closes the menu that Alt+T opened).
            if not burst.chars:
                return False
            self._hold(_Held(receiver, event.clone(), True, event.key()))  # type: ignore[arg-type]
            return True

        ts = self._timestamp(event)
        key = event.key()
        in_time = self._in_time(ts)

        if key in ENTER_KEYS or key == Qt.Key.Key_Tab:
            suffix_ok = in_time and (self._calibrating or self._settings.accepts_suffix(key))
            terminator = "tab" if key == Qt.Key.Key_Tab else "enter"
            if suffix_ok and self._finish(terminator, end_ts=ts, suffix_key=key):
                return True
            self._release_as_typed()
            return False

        char = self._char_of(event)
        if char is None:
            # Arrows, Backspace, shortcuts: a person is at the keyboard. Whatever is held goes first.
            self._release_as_typed()
            return False
        raw, meant = char
        if burst.chars and not in_time:
            self._release_as_typed()
        elif burst.chars and ts - burst.last_ts > self._max_gap():
            burst.hiccup = True
        if not self._burst.chars and not self._calibrating and not self._could_start(meant):
            self._release_as_typed()
            return False
        item = _Held(receiver, event.clone(), True, key, meant, raw, ts)  # type: ignore[arg-type]
        self._hold(item)
        self._burst.chars.append(item)
        self._burst.last_ts = ts
        if not self._calibrating and not self._prefix_consistent():
            self._release_as_typed()
        return True

    def _on_release(self, receiver: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        count = self._swallowed_keys.get(key, 0)
        if count > 0:
            # The press went into a scan: its release must not reach a widget on its own.
            if count == 1:
                del self._swallowed_keys[key]
            else:
                self._swallowed_keys[key] = count - 1
            return True
        if self._burst.held and self._burst.holds_press_of(key):
            # Kept with its press, so a replay gives the widget press and release in the order typed.
            self._hold(_Held(receiver, event.clone(), False, key))  # type: ignore[arg-type]
            return True
        return False

    def _on_shortcut_override(self, event: QKeyEvent) -> bool:
        """While a burst is being held, claim its keys so no shortcut fires on a scanned character (Ctrl+]
        is the group separator, not a shortcut). A control-character prefix (STX is Ctrl+B) is claimed too."""
        if not self._burst.held:
            prefix = self._settings.prefix
            if prefix and not self._calibrating and event.text() == prefix[0] and event.text():
                event.accept()
                return True
            return False
        if is_modifier(event) or self._in_time(self._timestamp(event)):
            event.accept()
            return True
        return False

    # -- decisions -------------------------------------------------------------------------------------

    def _char_of(self, event: QKeyEvent) -> tuple[str, str] | None:
        """(the character as typed here, the character the scanner meant), or None for a non-text key."""
        text = event.text()
        mods = event.modifiers()
        ctrl, alt = bool(mods & CTRL), bool(mods & ALT)
        key = event.key()
        if key in DEAD_KEYS:
            text = DEAD_KEYS[key]
        if text == GS or text == self._settings.gs_char:
            return text, GS
        if key == Qt.Key.Key_BracketRight and ctrl and not alt:
            return "]", GS
        if len(text) != 1:
            return None
        if text in self._settings.prefix:
            return text, text
        if ctrl and not alt and text.isprintable() and self._layout.active:
            # Ctrl + the key that is "]" on the scanner's layout but something else here.
            meant = self._layout.meant(text)
            return (text, GS) if meant == "]" else None
        if alt and not ctrl and text.isprintable() and self._layout.active:
            # Right Alt is AltGr on the scanner's layout but plain Alt here: "Alt+q" meant "@" on German.
            meant = self._layout.meant(text, altgr=True)
            return (text, meant) if meant != text else None
        if not text.isprintable() or mods & META or ctrl != alt:
            # Ctrl+C is a person; Ctrl+Alt (AltGr on Windows) still types a character.
            return None
        return text, self._layout.meant(text)

    def _could_start(self, char: str) -> bool:
        prefix = self._settings.prefix
        return not prefix or char == prefix[0]

    def _prefix_consistent(self) -> bool:
        prefix = self._settings.prefix
        if not prefix:
            return True
        text = self._burst.text
        n = min(len(text), len(prefix))
        return text[:n] == prefix[:n]

    def _finish(self, terminator: str, *, end_ts: int, suffix_key: int | None) -> bool:
        """End the held burst as a scan if it qualifies. True when it was emitted (keys swallowed)."""
        burst = self._burst
        if not burst.chars:
            return False
        started = burst.chars[0].ts
        if self._calibrating:
            self._swallow(burst, suffix_key)
            self._emit_sample(burst, terminator, end_ts)
            return True
        text = burst.text
        prefix = self._settings.prefix
        if prefix:
            if not text.startswith(prefix):
                return False
            text = text[len(prefix) :]
        if len(text) < self._settings.min_length:
            return False
        keys = len(burst.chars)
        self._swallow(burst, suffix_key)
        self.scanned.emit(ScanRead(text, started_ms=started, ended_ms=end_ts, keys=keys))
        return True

    def _on_quiet(self) -> None:
        """No key for a while: a suffix-less scanner has finished, or a person paused.

        The timer runs on arrival time. When it fires late the GUI thread was busy, and the rest of a scan may
        be queued behind it: re-arm (briefly) until it fires on time, i.e. until the queue has drained, before
        deciding -- or a scan could be split into typed text plus a shorter "scan"."""
        if not self._burst.held:
            return
        now = time.monotonic()
        overdue_ms = (now - self._last_receipt) * 1000 - self._quiet_ms()
        if overdue_ms > 10:
            if not self._recheck_since:
                self._recheck_since = now
            if (now - self._recheck_since) * 1000 < QUIET_RECHECK_LIMIT_MS:
                self._last_receipt = now - self._quiet_ms() / 1000 + 0.005
                self._timer.start(5)
                return
        ends_by_quiet = self._calibrating or self._settings.suffix == "none"
        if (
            ends_by_quiet
            and self._burst.chars
            and self._finish("", end_ts=self._burst.last_ts, suffix_key=None)
        ):
            return
        self._release_as_typed()

    def _in_time(self, ts: int) -> bool:
        """Whether a key at `ts` continues the held burst: within `max_gap_ms` of the previous character,
        or -- once per burst -- within twice that. A USB hub, a busy X server or the first capital a wedge
        types can stall one key; one stall must not split a scan, and two are a person."""
        burst = self._burst
        if not burst.chars:
            return False
        gap = ts - burst.last_ts
        limit = self._max_gap()
        return 0 <= gap <= limit or (
            not burst.hiccup and not self._calibrating and gap <= 2 * limit
        )

    def _max_gap(self) -> int:
        return CALIBRATION_GAP_MS if self._calibrating else self._settings.max_gap_ms

    def _quiet_ms(self) -> int:
        # Generous on purpose: a late timer only delays a person's key; an early one would split a scan.
        return 2 * self._max_gap() + 25

    # -- plumbing --------------------------------------------------------------------------------------

    def _hold(self, item: _Held) -> None:
        self._burst.held.append(item)
        self._last_receipt = time.monotonic()
        self._recheck_since = 0.0
        self._timer.start(self._quiet_ms())

    def _swallow(self, burst: _Burst, suffix_key: int | None) -> None:
        """The burst was a scan: drop its events, and remember the keys whose release is still to come."""
        down: dict[int, int] = {}
        for item in burst.held:
            down[item.key] = down.get(item.key, 0) + (1 if item.press else -1)
        if suffix_key is not None:
            down[suffix_key] = down.get(suffix_key, 0) + 1
        for key, n in down.items():
            if n > 0:
                self._swallowed_keys[key] = self._swallowed_keys.get(key, 0) + n
        if len(self._swallowed_keys) > 256:
            self._swallowed_keys.clear()
        self._reset()

    def _release_as_typed(self) -> None:
        """Replay held key events, in order, to the objects they were meant for."""
        held = self._burst.held
        self._reset()
        if not held:
            return
        self._replaying = True
        try:
            for item in held:
                receiver = (
                    item.receiver if _is_valid(item.receiver) else QCoreApplication.instance()
                )
                if receiver is not None:
                    QCoreApplication.sendEvent(receiver, item.event)
        finally:
            self._replaying = False

    def _reset(self) -> None:
        self._timer.stop()
        self._recheck_since = 0.0
        self._burst = _Burst()

    def _timestamp(self, event: QKeyEvent) -> int:
        ts = int(event.timestamp())
        if ts > 0:
            return ts
        return int((time.monotonic() - self._origin) * 1000)

    def _emit_sample(self, burst: _Burst, terminator: str, end_ts: int) -> None:
        gaps = burst.gaps()
        self._reset()
        self.calibration_sample.emit(
            {
                "text": burst.text,
                "raw_text": burst.raw_text,
                "length": len(burst.chars),
                "gaps_ms": gaps,
                "max_gap_ms": max(gaps) if gaps else 0,
                "mean_gap_ms": (sum(gaps) / len(gaps)) if gaps else 0.0,
                "terminator": terminator,
                "started_ms": burst.chars[0].ts,
                "ended_ms": end_ts,
            }
        )


def _passthrough(obj: QObject) -> bool:
    try:
        return bool(obj.property(PASSTHROUGH_PROPERTY))
    except (RuntimeError, TypeError):
        return False
