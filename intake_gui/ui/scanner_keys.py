"""What a key event means to the scanner filter, and the filter's settings.

Split from scanner_filter.py: which keys are modifiers (they type nothing and belong to a burst without being
characters or gaps), which are dead keys a foreign-layout scanner can hit, and `FilterSettings`, the filter's
view of the station's ScannerSettings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

GS = "\x1d"
ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
META = Qt.KeyboardModifier.MetaModifier
_SUFFIXES = ("enter", "tab", "either", "none")
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Hyper_L,
        Qt.Key.Key_Hyper_R,
        Qt.Key.Key_Mode_switch,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
DEAD_KEYS = {
    Qt.Key.Key_Dead_Grave: "`",
    Qt.Key.Key_Dead_Acute: "´",
    Qt.Key.Key_Dead_Circumflex: "^",
    Qt.Key.Key_Dead_Tilde: "~",
    Qt.Key.Key_Dead_Diaeresis: "¨",
}
"""A scanner typing for another layout can hit a key that is a dead key here (US "`" is "^" on German)."""


def is_modifier(event: QKeyEvent) -> bool:
    """Shift, Ctrl, Alt, AltGr / ISO_Level3_Shift and friends: keys that type nothing themselves."""
    if event.key() in _MODIFIER_KEYS:
        return True
    keysym = event.nativeVirtualKey()  # X11 keysyms: Shift_L..Hyper_R, ISO_Lock..ISO_Level5_Lock
    return not event.text() and (0xFFE1 <= keysym <= 0xFFEE or 0xFE01 <= keysym <= 0xFE13)


@dataclass(frozen=True)
class FilterSettings:
    """The filter's view of the station's ScannerSettings (store.settings), or of a plain dict."""

    max_gap_ms: int = 35
    min_length: int = 4
    prefix: str = ""
    suffix: str = "either"
    """"enter", "tab", "either", or "none" (the scanner sends no suffix; a burst ends when keys stop)."""
    gs_char: str = GS
    scanner_layout: str = ""
    """The keyboard layout the scanner is programmed for; "" means the same as the station's."""
    station_layout: str = ""

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
            scanner_layout=str(get("scanner_layout", "") or ""),
            station_layout=str(get("station_layout", "") or ""),
        )

    def accepts_suffix(self, key: int) -> bool:
        if key in ENTER_KEYS:
            return self.suffix in ("enter", "either")
        if key == Qt.Key.Key_Tab:
            return self.suffix in ("tab", "either")
        return False
