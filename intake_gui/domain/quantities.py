"""Quantities as a person of the station's locale writes them, and as the product is counted.

One parser and one formatter for the whole app: the CLI's `--line SKU=QTY`, the GUI's quantity edits and
multipliers, and manifests all read quantities here, and every screen, message and diagnosis writes them here.

Why it is strict: `1,5` once became 15 because a parser dropped every comma. A person in Germany means 1.5 by
`1,5`; a person in the US means 1.5 by `1.5` and 1,500 by `1,500`. So:

- the decimal mark is the station's (`use_decimal_mark`: a setting, "auto" reads the OS locale);
- a number written only with the station's decimal mark is read as that person meant it;
- the *other* mark is never guessed at: `1,5` on a point station is a question ("did you mean 1.5?"), and
  `1,500` may be 1500 or 1.5 depending on who typed it, so it is refused with both readings;
- thousands separators (`1,234.5`, `1 500`, `1'500`, `1_500`) are refused with the number to type instead;
- a product counted in units (each) refuses fractions; a weight keeps up to the POS's decimals (3), never
  rounded: a fourth decimal is refused, not silently dropped.

Machine formats (manifest JSON, a POS answer, a `Decimal`) are not a person's typing: they pass `MACHINE`, the
point-decimal style without grouping, whatever the station's locale.
"""

from __future__ import annotations

import locale
import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

QTY_MAX = Decimal("100000")
QTY_DECIMALS = 3
"""What the POSes keep: Dutchie answers quantities as "3.000"; more would be rounded by the POS."""
_NUMBER_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "four"}
_MAX_CHARS = 40
"""Longer text is not a quantity anyone typed; refused before any parsing work."""


class Measure(StrEnum):
    """How a product is counted, from the catalogue (see `pos/units.py` for each POS's fields)."""

    EACH = "each"
    """Whole units: a pre-roll, a cartridge, a pack. 3.5 of them is a typo, not a delivery."""
    WEIGHT = "weight"
    """Grams, ounces, millilitres: bulk flower weighed in. Fractions up to `QTY_DECIMALS`."""
    UNKNOWN = "unknown"
    """The catalogue does not say: fractions are allowed (refusing a real weight would block a receive)."""


class DecimalMark(StrEnum):
    AUTO = "auto"
    POINT = "point"
    COMMA = "comma"


@dataclass(frozen=True)
class NumberStyle:
    """How numbers are written at this station: the decimal mark, and the mark a person might use instead."""

    decimal: str
    name: str

    @property
    def other(self) -> str:
        return "," if self.decimal == "." else "."

    @property
    def mark_words(self) -> str:
        return "a comma" if self.decimal == "," else "a point"


POINT = NumberStyle(".", "point")
COMMA = NumberStyle(",", "comma")
MACHINE = POINT
"""Files and APIs: JSON numbers, "3.000" from a POS, WCIA manifests."""


class QuantityError(ValueError):
    """A quantity refused, with a sentence a clerk can act on (`str(exc)`) and a stable `code` for scripts.

    Codes: empty, not_a_number, decimal_mark (the other mark, read only one way: `suggestion` holds it),
    ambiguous (the other mark or a separator that could be either: `readings` holds both), thousands_separator,
    not_positive, too_large, too_precise, whole_units.
    """

    def __init__(
        self,
        message: str,
        code: str,
        *,
        suggestion: Decimal | None = None,
        readings: tuple[Decimal, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.suggestion = suggestion
        self.readings = readings


# ---------------------------------------------------------------- the station's style


_lock = threading.Lock()
_station: NumberStyle | None = None
_os_style: NumberStyle | None = None


def os_style() -> NumberStyle:
    """The OS locale's decimal mark (read once: `setlocale` is process-wide, so it is done before threads)."""
    global _os_style
    if _os_style is None:
        with _lock:
            if _os_style is None:
                _os_style = COMMA if _os_decimal_point() == "," else POINT
    return _os_style


def _os_decimal_point() -> str:
    try:
        current = locale.setlocale(locale.LC_NUMERIC)
        if current not in ("C", "POSIX"):
            return str(locale.localeconv()["decimal_point"])
        try:
            locale.setlocale(locale.LC_NUMERIC, "")
            return str(locale.localeconv()["decimal_point"])
        finally:
            locale.setlocale(locale.LC_NUMERIC, current)
    except (locale.Error, ValueError):
        return "."


def style_for(mark: str | DecimalMark | None) -> NumberStyle:
    """The style a `decimal_mark` setting names ("auto" or None: the OS locale's)."""
    value = str(mark or "auto").strip().lower()
    if value in ("comma", ","):
        return COMMA
    if value in ("point", ".", "dot", "period"):
        return POINT
    return os_style()


def use_decimal_mark(mark: str | DecimalMark | None) -> NumberStyle:
    """Set the station's style from its setting; both faces call this when settings load or change."""
    global _station
    _station = style_for(mark)
    return _station


def station_style() -> NumberStyle:
    return _station if _station is not None else os_style()


# ---------------------------------------------------------------- reading

_GROUP_CHARS = r"[\s'’_\u00a0\u202f\u2009]"
_GROUPING = re.compile(rf"[0-9]{_GROUP_CHARS}[0-9]")
_DIGITS_AND_MARKS = re.compile(r"[0-9.,]+")
_MINUS = ("-", "−", "‐", "–", "—")


def parse_quantity(
    value: object,
    *,
    style: NumberStyle | None = None,
    measure: Measure | str = Measure.UNKNOWN,
    decimals: int = QTY_DECIMALS,
    what: str = "",
) -> Decimal:
    """A positive quantity as the person meant it, or `QuantityError` saying what to type instead.

    `value` is text a person typed (read in `style`, the station's by default), or a number from a file or a
    POS (`int`, `Decimal`, `float`: read as it is). `measure` is how the product is counted; `what` names it in
    the message ("Blue Dream Pre-Roll 1g")."""
    if isinstance(value, bool) or value is None:
        raise QuantityError(
            "Type a quantity, such as 3.", "empty" if value is None else "not_a_number"
        )
    if isinstance(value, Decimal | int | float):
        qty = _from_number(value)
    elif isinstance(value, str):
        qty = read_number(value, style or station_style())
    else:
        raise QuantityError("A quantity must be a number, such as 3.", "not_a_number")
    return check_quantity(qty, measure=measure, decimals=decimals, what=what, style=style)


def check_quantity(
    qty: Decimal,
    *,
    measure: Measure | str = Measure.UNKNOWN,
    decimals: int = QTY_DECIMALS,
    what: str = "",
    style: NumberStyle | None = None,
) -> Decimal:
    """The rules every quantity obeys, whatever it was read from; returns it without trailing zeros."""
    style = style or station_style()
    if not qty.is_finite():
        raise QuantityError("A quantity must be a number, such as 3.", "not_a_number")
    if qty <= 0:
        raise QuantityError(
            "A quantity must be greater than zero; remove the line instead of typing 0.",
            "not_positive",
        )
    if qty > QTY_MAX:
        shown = format_quantity(qty, style=style) if qty.adjusted() < 12 else "That"
        raise QuantityError(
            f"{shown} is more than {format_quantity(QTY_MAX, style=style)}; check the count.",
            "too_large",
        )
    if qty.adjusted() < -12:  # 1E-999999: refused without writing out a million zeros
        raise QuantityError(
            f"That is less than the POS can keep ({decimals} decimal places); check the count.",
            "too_precise",
        )
    qty = _plain(qty)
    places = -int(qty.as_tuple().exponent)
    if str(measure) == Measure.EACH and places > 0:
        name = f"{what} is" if what else "This product is"
        lower, upper = int(qty), int(qty) + 1
        choices = f"{lower} or {upper}" if lower else f"{upper}"
        raise QuantityError(
            f"{name} counted in whole units (each), so {format_quantity(qty, style=style)} cannot be "
            f"received. Type a whole number, such as {choices}.",
            "whole_units",
        )
    if places > decimals:
        keeps = _NUMBER_WORDS.get(decimals, str(decimals))
        raise QuantityError(
            f"{format_quantity(qty, style=style)} has {places} decimal places; the POS keeps {keeps}. "
            f"Type it with at most {keeps} decimal places.",
            "too_precise",
        )
    return qty


def _plain(qty: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form: 3.000 -> 3, 1E+1 -> 10, 2.50 -> 2.5."""
    if qty == qty.to_integral_value():
        return qty.quantize(Decimal(1))
    return qty.normalize()


def _from_number(value: Decimal | int | float) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        if abs(value) > 10**12:
            raise QuantityError(
                f"That is more than {format_quantity(QTY_MAX)}; check the count.", "too_large"
            )
        return Decimal(value)
    # A float from JSON: its shortest repr is what the file said ("0.1", not 0.1000000000000000055).
    try:
        return Decimal(repr(value))
    except InvalidOperation:
        raise QuantityError("A quantity must be a number, such as 3.", "not_a_number") from None


def read_number(raw: str, style: NumberStyle, *, what: str = "quantity") -> Decimal:
    """A non-negative number as a person of `style` wrote it (see the module for the rules), or
    `QuantityError`. `what` is the word used in messages ("quantity", "price")."""
    if len(raw) > _MAX_CHARS * 4:
        raise QuantityError(
            f"That is not a {what} (far too long). Type a number such as 3.", "not_a_number"
        )
    text = _ascii_digits(unicodedata.normalize("NFKC", raw)).strip()
    if not text:
        raise QuantityError("Type a quantity, such as 3.", "empty")
    shown = _shown(raw)
    if text.startswith(_MINUS):
        raise QuantityError(
            f"“{shown}” is negative. Type the {what} without a minus sign.",
            "not_positive",
        )
    text = text.removeprefix("+").strip()
    if _GROUPING.search(text):
        raise QuantityError(
            f"“{shown}” has a thousands separator. {_without_grouping(text, style)}",
            "thousands_separator",
        )
    if len(text) > _MAX_CHARS or not _DIGITS_AND_MARKS.fullmatch(text) or not _has_digit(text):
        raise QuantityError(
            f"“{shown}” is not a {what}. Type a number such as 3 or {_example(style)}.",
            "not_a_number",
        )
    points, commas = text.count("."), text.count(",")
    if (points and commas) or points > 1 or commas > 1:
        raise _grouping_refusal(text, shown, style)
    mark = "." if points else "," if commas else ""
    whole, _, fraction = text.partition(mark) if mark else (text, "", "")
    if not mark or mark == style.decimal:
        return Decimal(f"{whole or '0'}.{fraction or '0'}")
    # The other mark, once: "1,5" on a point station. Never guessed.
    as_decimal = Decimal(f"{whole or '0'}.{fraction or '0'}")
    if len(fraction) == 3 and whole and whole[0] != "0" and len(whole) <= 3:
        as_thousands = Decimal(whole + fraction)
        raise QuantityError(
            f"“{shown}” could mean {format_quantity(as_thousands, style=style)} or "
            f"{format_quantity(as_decimal, style=style)}: this station writes decimals with "
            f"{style.mark_words} and takes no thousands separator. Type "
            f"{format_quantity(as_thousands, style=style)} or {format_quantity(as_decimal, style=style)}.",
            "ambiguous",
            readings=(as_thousands, as_decimal),
        )
    raise QuantityError(
        f"Did you mean {format_quantity(as_decimal, style=style)}? This station writes decimals with "
        f"{style.mark_words}: type {format_quantity(as_decimal, style=style)}.",
        "decimal_mark",
        suggestion=as_decimal,
    )


def _grouping_refusal(text: str, shown: str, style: NumberStyle) -> QuantityError:
    """Several marks: a thousands separator is in there. Say what to type, when only one reading exists."""
    last = max(text.rfind("."), text.rfind(","))
    head, tail = text[:last], text[last + 1 :]
    mark = text[last]
    groups = re.split(r"[.,]", head)
    well_grouped = (
        all(len(g) == 3 for g in groups[1:])
        and 1 <= len(groups[0]) <= 3
        and set(head) - set("0123456789") <= {style.other if mark == style.decimal else mark}
    )
    if well_grouped and mark == style.decimal:
        meant = Decimal("".join(groups) + "." + (tail or "0"))
        return QuantityError(
            f"“{shown}” has a thousands separator. Type the number without it: "
            f"{format_quantity(meant, style=style)}.",
            "thousands_separator",
            suggestion=meant,
        )
    if well_grouped and len(tail) == 3:  # "1,234,567" or "1.234.567": grouping only
        meant = Decimal("".join(groups) + tail)
        return QuantityError(
            f"“{shown}” has a thousands separator. Type the number without it: "
            f"{format_quantity(meant, style=style)}.",
            "thousands_separator",
            suggestion=meant,
        )
    return QuantityError(
        f"“{shown}” is not a quantity this station can read: it writes decimals with {style.mark_words} "
        f"and takes no thousands separator. Type a number such as 1500 or {_example(style)}.",
        "thousands_separator",
    )


def _without_grouping(text: str, style: NumberStyle) -> str:
    """ "Type it without the separator: 1500" when the groups are well formed and the rest reads one way."""
    whole = text.split(style.decimal)[0]
    groups = re.split(_GROUP_CHARS + "+", whole)
    if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups[1:]):
        try:
            meant = read_number(re.sub(_GROUP_CHARS, "", text), style)
        except QuantityError:
            pass
        else:
            return f"Type the number without it: {format_quantity(meant, style=style)}."
    return f"Type the number without it, such as 1500 or {_example(style)}."


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _ascii_digits(text: str) -> str:
    """Any script's decimal digits as ASCII ("١٢" -> "12"): a person typing them means that number."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _example(style: NumberStyle) -> str:
    return f"2{style.decimal}5"


def _shown(raw: str) -> str:
    from intake_gui.domain.text import shown

    return shown(raw, limit=_MAX_CHARS)


# ---------------------------------------------------------------- writing


def format_quantity(value: Decimal | int | None, *, style: NumberStyle | None = None) -> str:
    """A quantity as a clerk writes it: 3, 2.5 (or 2,5 at a comma station), never 3.000 or 3E+1; "" for None.

    No thousands separator, so what Intake shows can be typed back as it is."""
    if value is None:
        return ""
    qty = value if isinstance(value, Decimal) else Decimal(value)
    if not qty.is_finite():
        return str(qty)
    text = format(_plain(qty), "f")
    if text in ("-0", "0"):
        return "0"
    mark = (style or station_style()).decimal
    return text.replace(".", mark) if mark != "." else text


def format_amount(
    value: Decimal | None, *, places: int = 2, style: NumberStyle | None = None
) -> str:
    """A price for an edit box, in the station's style with `places` decimals ("4,50"), so an unchanged edit
    reads back as the same number; "" for None. (Money on screen keeps its "$4.50" form.)"""
    if value is None:
        return ""
    text = format(value.quantize(Decimal(1).scaleb(-places)), "f")
    mark = (style or station_style()).decimal
    return text.replace(".", mark) if mark != "." else text


def format_signed(value: Decimal | None, *, style: NumberStyle | None = None) -> str:
    """A difference with its sign ("+2", "−2", "0"), so over and short read differently at a glance."""
    if value is None:
        return ""
    text = format_quantity(abs(value), style=style)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"


def measure_words(measure: Measure | str) -> str:
    """How a product is counted, for a tooltip or a table: "counted each", "by weight", "" when unknown."""
    value = str(measure)
    if value == Measure.EACH:
        return "counted each"
    if value == Measure.WEIGHT:
        return "by weight"
    return ""
