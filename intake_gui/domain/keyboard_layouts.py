"""What the scanner meant when it is programmed for another keyboard layout than the station's.

A keyboard-wedge scanner does not send characters: it presses *key positions* (USB HID usages), chosen from the
layout it is programmed for, and the station turns positions into characters with *its* layout. A scanner left
on its factory US layout at a station set to German types "Y" where the label says "Z" and "ß" for "-"; at a
French (AZERTY) station every digit arrives as "&é\"'(-è_çà"; at a Latin-American station "-" becomes "'".

`LayoutMap(scanner, station)` undoes that: for each received character it finds the key position (and level:
plain, Shift, AltGr) that produces it on the station's layout and returns what the scanner's layout has there.
The tables cover the main block of the layouts stations commonly have (US, UK, German, French AZERTY, Spanish,
Latin American, Italian), levels 1-3; characters outside the tables pass through unchanged. `detect` finds the
layout pairs that turn what a known code produced into what it should have been (calibration uses it).

Positions, in order: TLDE AE01..AE12 | AD01..AD12 | BKSL | AC01..AC11 | AB01..AB10 | LSGT (48 keys). "\0" marks
a position that types nothing on that level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_N = "\0"


def _row(*parts: str) -> str:
    text = "".join(parts)
    if len(text) != 48:
        raise ValueError(f"a layout level has 48 positions, not {len(text)}: {text!r}")
    return text


def _sparse(**at: str) -> str:
    """A mostly empty level: AltGr characters by position index."""
    chars = [_N] * 48
    for name, char in at.items():
        chars[_POS[name]] = char
    return "".join(chars)


_NAMES = (
    ["TLDE"]
    + [f"AE{i:02}" for i in range(1, 13)]
    + [f"AD{i:02}" for i in range(1, 13)]
    + ["BKSL"]
    + [f"AC{i:02}" for i in range(1, 12)]
    + [f"AB{i:02}" for i in range(1, 11)]
    + ["LSGT"]
)
_POS = {name: i for i, name in enumerate(_NAMES)}

LAYOUTS: dict[str, tuple[str, str, str]] = {
    "us": (
        _row("`1234567890-=", "qwertyuiop[]", "\\", "asdfghjkl;'", "zxcvbnm,./", _N),
        _row("~!@#$%^&*()_+", "QWERTYUIOP{}", "|", 'ASDFGHJKL:"', "ZXCVBNM<>?", _N),
        _sparse(),
    ),
    "uk": (
        _row("`1234567890-=", "qwertyuiop[]", "#", "asdfghjkl;'", "zxcvbnm,./", "\\"),
        _row('¬!"£$%^&*()_+', "QWERTYUIOP{}", "~", "ASDFGHJKL:@", "ZXCVBNM<>?", "|"),
        _sparse(TLDE="¦", AE04="€"),
    ),
    "de": (
        _row("^1234567890ß´", "qwertzuiopü+", "#", "asdfghjklöä", "yxcvbnm,.-", "<"),
        _row('°!"§$%&/()=?`', "QWERTZUIOPÜ*", "'", "ASDFGHJKLÖÄ", "YXCVBNM;:_", ">"),
        _sparse(
            AE02="²",
            AE03="³",
            AE07="{",
            AE08="[",
            AE09="]",
            AE10="}",
            AE11="\\",
            AD01="@",
            AD03="€",
            AD12="~",
            AB07="µ",
            LSGT="|",
        ),
    ),
    "fr": (
        _row("²&é\"'(-è_çà)=", "azertyuiop^$", "*", "qsdfghjklmù", "wxcvbn,;:!", "<"),
        _row(_N + "1234567890°+", "AZERTYUIOP¨£", "µ", "QSDFGHJKLM%", "WXCVBN?./§", ">"),
        _sparse(
            AE02="~",
            AE03="#",
            AE04="{",
            AE05="[",
            AE06="|",
            AE07="`",
            AE08="\\",
            AE09="^",
            AE10="@",
            AE11="]",
            AE12="}",
            AD03="€",
            AD12="¤",
        ),
    ),
    "es": (
        _row("º1234567890'¡", "qwertyuiop`+", "ç", "asdfghjklñ´", "zxcvbnm,.-", "<"),
        _row('ª!"·$%&/()=?¿', "QWERTYUIOP^*", "Ç", "ASDFGHJKLÑ¨", "ZXCVBNM;:_", ">"),
        _sparse(
            TLDE="\\",
            AE01="|",
            AE02="@",
            AE03="#",
            AE04="~",
            AE06="¬",
            AD03="€",
            AD11="[",
            AD12="]",
            BKSL="}",
            AC11="{",
        ),
    ),
    "latam": (
        _row("|1234567890'¿", "qwertyuiop´+", "}", "asdfghjklñ{", "zxcvbnm,.-", "<"),
        _row('°!"#$%&/()=?¡', "QWERTYUIOP¨*", "]", "ASDFGHJKLÑ[", "ZXCVBNM;:_", ">"),
        _sparse(TLDE="¬", AE11="\\", AD01="@", AD12="~", AC11="^", BKSL="`"),
    ),
    "it": (
        _row("\\1234567890'ì", "qwertyuiopè+", "ù", "asdfghjklòà", "zxcvbnm,.-", "<"),
        _row('|!"£$%&/()=?^', "QWERTYUIOPé*", "§", "ASDFGHJKLç°", "ZXCVBNM;:_", ">"),
        _sparse(AD03="€", AD11="[", AD12="]", AC10="@", AC11="#"),
    ),
}

LAYOUT_NAMES: dict[str, str] = {
    "us": "US English",
    "uk": "UK English",
    "de": "German (QWERTZ)",
    "fr": "French (AZERTY)",
    "es": "Spanish",
    "latam": "Latin American",
    "it": "Italian",
}
PREFERENCE = ("us", "uk", "latam", "es", "de", "fr", "it")
"""Most scanners leave the factory on US; US stores' stations are mostly US, then Spanish-speaking layouts."""


def _index(layout: str) -> dict[str, tuple[int, int]]:
    """character -> (position, level) on `layout`; the lowest level wins when a character repeats."""
    out: dict[str, tuple[int, int]] = {}
    for level, chars in enumerate(LAYOUTS[layout]):
        for pos, char in enumerate(chars):
            if char != _N and char not in out:
                out[char] = (pos, level)
    return out


@dataclass(frozen=True)
class LayoutMap:
    """Translate characters typed by a scanner programmed for `scanner` at a station using `station`."""

    scanner: str = ""
    station: str = ""
    # Built in __post_init__ from the two names: not arguments, not part of equality, hash or repr.
    _table: dict[str, str] = field(init=False, repr=False, compare=False, default_factory=dict)
    _altgr: dict[str, str] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for name in (self.scanner, self.station):
            if name and name not in LAYOUTS:
                raise ValueError(f"unknown keyboard layout {name!r}; known: {', '.join(LAYOUTS)}")
        table: dict[str, str] = {}
        altgr: dict[str, str] = {}
        if self.active:
            target = LAYOUTS[self.scanner]
            for char, (pos, level) in _index(self.station).items():
                meant = target[level][pos]
                if meant != _N and meant != char:
                    table[char] = meant
            for char, (pos, level) in _index(self.station).items():
                if level == 0 and target[2][pos] != _N:
                    altgr[char] = target[2][pos]
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_altgr", altgr)

    @property
    def active(self) -> bool:
        return bool(self.scanner and self.station and self.scanner != self.station)

    def meant(self, char: str, *, altgr: bool = False) -> str:
        """The character the scanner meant by the `char` this station produced (AltGr pressed: `altgr`)."""
        if altgr:
            return self._altgr.get(char.lower(), char)
        return self._table.get(char, char)

    def translate(self, text: str) -> str:
        return "".join(self.meant(c) for c in text)

    def describe(self) -> str:
        if not self.active:
            return "the scanner and the station use the same keyboard layout"
        return (
            f"the scanner types for a {LAYOUT_NAMES[self.scanner]} keyboard, the station uses "
            f"{LAYOUT_NAMES[self.station]}"
        )


def detect(received: str, expected: str) -> list[tuple[str, str]]:
    """Layout pairs (scanner, station) that turn `received` into `expected`, most likely first.

    [("", "")] when nothing needs translating; [] when no known pair explains the difference (a different
    label was scanned, or a layout outside the tables).
    """
    if received == expected:
        return [("", "")]
    found = []
    for scanner in PREFERENCE:
        for station in PREFERENCE:
            if scanner != station and LayoutMap(scanner, station).translate(received) == expected:
                found.append((scanner, station))
    return found
