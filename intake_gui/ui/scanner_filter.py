"""Telling a keyboard-wedge scanner from a person typing, application-wide, by key event timestamps.

A USB scanner *is* a keyboard: it types a code a few milliseconds per key and presses Enter. Installed on the
QApplication, `ScannerFilter` sees every key press before any widget does. Fast bursts (every gap at most
`max_gap_ms`, at least `min_length` characters, the configured prefix, ending in the configured suffix) are
swallowed and emitted as `scanned(str)`, whatever has focus; so a scan can never land in the title field.

Human typing must reach the widgets exactly as typed. The first key of a burst cannot be told apart from a
person's key until the next key arrives (or does not), so candidate keys are held briefly and, once the
sequence turns out to be human (a slow gap, a non-text key, a burst too short, no suffix), replayed in order
to the widget that was meant to get them. A person notices nothing but a delay of a few tens of ms on a key.

Widgets that *want* scanner text as typing (a field for scanning an invoice number, say) set the dynamic
property `scannerPassthrough` to True.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent

try:  # shiboken6 ships with PySide6; the guard only keeps the import of this module cheap to reason about.
    from shiboken6 import isValid as _is_valid
except ImportError:  # pragma: no cover - PySide6 always bundles it

    def _is_valid(obj: object) -> bool:
        return obj is not None


GS = "\x1d"
PASSTHROUGH_PROPERTY = "scannerPassthrough"
CALIBRATION_GAP_MS = 250
"""While calibrating, anything faster than this counts as one burst: we are measuring, not judging."""

_KEY_PRESS = QEvent.Type.KeyPress
_KEY_RELEASE = QEvent.Type.KeyRelease
_SHORTCUT_OVERRIDE = QEvent.Type.ShortcutOverride
_WATCHED = frozenset({_KEY_PRESS, _KEY_RELEASE, _SHORTCUT_OVERRIDE})
_ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
_META = Qt.KeyboardModifier.MetaModifier
_SUFFIXES = ("enter", "tab", "either", "none")


@dataclass(frozen=True)
class FilterSettings:
    """The filter's view of the station's ScannerSettings (store.settings), or of a plain dict."""

    max_gap_ms: int = 35
    min_length: int = 4
    prefix: str = ""
    suffix: str = "either"
    """"enter", "tab", "either", or "none" (the scanner sends no suffix; a burst ends when keys stop)."""
    gs_char: str = GS

    def __post_init__(self) -> None:
        if self.suffix not in _SUFFIXES:
            raise ValueError(f"suffix must be one of {', '.join(_SUFFIXES)}, not {self.suffix!r}")
        if self.max_gap_ms < 1 or self.min_length < 1:
            raise ValueError("max_gap_ms and min_length must be at least 1")

    @classmethod
    def from_any(cls, value: Any) -> FilterSettings:
        if value is None:
            return cls()
        if isinstance(value, FilterSettings):
            return value
        if isinstance(value, Mapping):
            get = value.get
        else:

            def get(name: str, default: Any = None) -> Any:
                return getattr(value, name, default)

        defaults = cls()
        return cls(
            max_gap_ms=int(get("max_gap_ms", defaults.max_gap_ms)),
            min_length=int(get("min_length", defaults.min_length)),
            prefix=str(get("prefix", "") or ""),
            suffix=str(get("suffix", defaults.suffix) or "none"),
            gs_char=str(get("gs_char", GS) or GS),
        )

    def accepts_suffix(self, key: int) -> bool:
        if key in _ENTER_KEYS:
            return self.suffix in ("enter", "either")
        if key == Qt.Key.Key_Tab:
            return self.suffix in ("tab", "either")
        return False


@dataclass
class _Held:
    receiver: Any
    event: QKeyEvent
    char: str
    ts: int


@dataclass
class _Burst:
    keys: list[_Held] = field(default_factory=list)
    last_ts: int = 0

    @property
    def text(self) -> str:
        return "".join(k.char for k in self.keys)

    def gaps(self) -> list[int]:
        return [b.ts - a.ts for a, b in zip(self.keys, self.keys[1:], strict=False)]


class ScannerFilter(QObject):
    scanned = Signal(str)
    """One complete scan, prefix and suffix removed, GS kept as ASCII 29."""
    calibration_sample = Signal(object)
    """While `calibrating`: a dict {text, length, gaps_ms, max_gap_ms, mean_gap_ms, terminator}."""

    def __init__(self, settings: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = FilterSettings.from_any(settings)
        self._enabled = True
        self._calibrating = False
        self._burst = _Burst()
        self._replaying = False
        self._swallowed_keys: dict[int, int] = {}
        self._origin = time.monotonic()
        self._last_receipt = 0.0
        self._rechecked = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
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
        """How many keys are held right now (0 when idle); for tests and the calibration dialog."""
        return len(self._burst.keys)

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
            return self._on_release(event)
        if etype == _SHORTCUT_OVERRIDE:
            return self._on_shortcut_override(event)
        if not self._calibrating and _passthrough(QGuiApplication.focusObject() or watched):
            return False
        if event.isAutoRepeat():
            # A held-down key repeats at scanner speed; it is always a person.
            self._release_as_typed()
            return False
        return self._on_press(watched, event)

    def _on_press(self, receiver: QObject, event: QKeyEvent) -> bool:
        ts = self._timestamp(event)
        key = event.key()
        burst = self._burst
        max_gap = CALIBRATION_GAP_MS if self._calibrating else self._settings.max_gap_ms
        in_time = bool(burst.keys) and 0 <= ts - burst.last_ts <= max_gap

        if key in _ENTER_KEYS or key == Qt.Key.Key_Tab:
            suffix_ok = in_time and (self._calibrating or self._settings.accepts_suffix(key))
            if suffix_ok and self._finish(terminator="tab" if key == Qt.Key.Key_Tab else "enter"):
                self._note_swallowed(key)
                return True
            self._release_as_typed()
            return False

        char = self._char_of(event)
        if char is None:
            # Arrows, Backspace, shortcuts: a person is at the keyboard. Whatever is held goes first.
            self._release_as_typed()
            return False
        if burst.keys and not in_time:
            self._release_as_typed()
        if not self._burst.keys and not self._calibrating and not self._could_start(char):
            return False
        self._burst.keys.append(_Held(receiver, event.clone(), char, ts))  # type: ignore[arg-type]
        self._burst.last_ts = ts
        self._last_receipt = time.monotonic()
        self._rechecked = False
        if not self._calibrating and not self._prefix_consistent():
            self._release_as_typed()
            return True
        self._note_swallowed(key)
        self._timer.start(self._quiet_ms())
        return True

    def _on_release(self, event: QKeyEvent) -> bool:
        key = event.key()
        count = self._swallowed_keys.get(key, 0)
        if count <= 0:
            return False
        if count == 1:
            del self._swallowed_keys[key]
        else:
            self._swallowed_keys[key] = count - 1
        return True

    def _on_shortcut_override(self, event: QKeyEvent) -> bool:
        """While a burst is being held, claim its keys so no shortcut fires on a scanned character."""
        if not self._burst.keys:
            return False
        max_gap = CALIBRATION_GAP_MS if self._calibrating else self._settings.max_gap_ms
        if 0 <= self._timestamp(event) - self._burst.last_ts <= max_gap:
            event.accept()
            return True
        return False

    # -- decisions -------------------------------------------------------------------------------------

    def _char_of(self, event: QKeyEvent) -> str | None:
        text = event.text()
        mods = event.modifiers()
        ctrl, alt = bool(mods & _CTRL), bool(mods & _ALT)
        if (
            text == GS
            or text == self._settings.gs_char
            or (event.key() == Qt.Key.Key_BracketRight and ctrl)
        ):
            return GS
        if len(text) != 1:
            return None
        if text in self._settings.prefix:
            return text
        if not text.isprintable() or mods & _META or ctrl != alt:
            # Ctrl+C is a person; Ctrl+Alt (AltGr on many layouts) still types a character.
            return None
        return text

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

    def _finish(self, terminator: str) -> bool:
        """End the held burst as a scan if it qualifies. True when it was emitted (keys swallowed)."""
        burst = self._burst
        if self._calibrating:
            self._emit_sample(burst, terminator)
            self._reset()
            return True
        text = burst.text
        prefix = self._settings.prefix
        if prefix:
            if not text.startswith(prefix):
                return False
            text = text[len(prefix) :]
        if len(text) < self._settings.min_length:
            return False
        self._reset()
        self.scanned.emit(text)
        return True

    def _on_quiet(self) -> None:
        """No key for a while: a suffix-less scanner has finished, or a person paused."""
        if not self._burst.keys:
            return
        overdue_ms = (time.monotonic() - self._last_receipt) * 1000 - self._quiet_ms()
        if overdue_ms > 10 and not self._rechecked:
            # The GUI thread was busy: the rest of a scan may be queued behind this timer. Let the queue
            # drain once before deciding, or a scan could be split into typed text plus a shorter "scan".
            self._rechecked = True
            self._timer.start(5)
            return
        ends_by_quiet = self._calibrating or self._settings.suffix == "none"
        if ends_by_quiet and self._finish(terminator=""):
            return
        self._release_as_typed()

    def _quiet_ms(self) -> int:
        # Generous on purpose: a late timer only delays a person's key; an early one would split a scan.
        gap = CALIBRATION_GAP_MS if self._calibrating else self._settings.max_gap_ms
        return max(2 * gap, gap + 25)

    # -- plumbing --------------------------------------------------------------------------------------

    def _release_as_typed(self) -> None:
        """Replay held keys, in order, to the widgets they were meant for."""
        held = self._burst.keys
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
        self._burst = _Burst()

    def _note_swallowed(self, key: int) -> None:
        self._swallowed_keys[key] = self._swallowed_keys.get(key, 0) + 1
        if len(self._swallowed_keys) > 256:
            self._swallowed_keys.clear()

    def _timestamp(self, event: QKeyEvent) -> int:
        ts = int(event.timestamp())
        if ts > 0:
            return ts
        return int((time.monotonic() - self._origin) * 1000)

    def _emit_sample(self, burst: _Burst, terminator: str) -> None:
        gaps = burst.gaps()
        self.calibration_sample.emit(
            {
                "text": burst.text,
                "length": len(burst.keys),
                "gaps_ms": gaps,
                "max_gap_ms": max(gaps) if gaps else 0,
                "mean_gap_ms": (sum(gaps) / len(gaps)) if gaps else 0.0,
                "terminator": terminator,
            }
        )


def _passthrough(obj: QObject) -> bool:
    try:
        return bool(obj.property(PASSTHROUGH_PROPERTY))
    except (RuntimeError, TypeError):
        return False
