"""Tolerant value types for wire models: numbers as text, yes/no flags, lists where counts are expected,
every date format of `tolerant_dates`; each notes in the read's report how its values came.

A validator finds the read's `ReadReport` in pydantic's validation context ("report"), and the field's
canonical wire spelling in "canonical" (both put there by `tolerant.read_row`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, StringConstraints, ValidationInfo

from intake_gui.pos.tolerant_dates import UnreadableDate, parse_when
from intake_gui.pos.tolerant_report import ReadReport


def _report_of(info: ValidationInfo | None) -> ReadReport | None:
    context = info.context if info is not None else None
    return context.get("report") if isinstance(context, dict) else None


def to_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    raise ValueError(f"expected text, got {type(value).__name__}")


def to_flag(value: object) -> bool:
    """yes/no, true/false, y/n, 1/0, on/off and real booleans."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in ("yes", "y", "true", "t", "1", "on"):
            return True
        if text in ("no", "n", "false", "f", "0", "off"):
            return False
    raise ValueError(f"expected a yes/no flag, got {type(value).__name__}")


def to_decimal(value: object) -> Decimal:
    """Numbers, numbers as text ("1,234.50", "$4.10"), and BLAZE's "ZERO"."""
    if isinstance(value, bool):
        raise ValueError("a flag is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").lstrip("$")
        if text.upper() == "ZERO":
            return Decimal(0)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("not a number") from None
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def to_int(value: object) -> int:
    """Whole numbers, also as text or as an integral float/decimal ("12", 12.0)."""
    if type(value) is int:
        return value
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def to_count(value: object) -> int:
    """A count, or a list where a count was expected (history's Products is a list in some tenants)."""
    if isinstance(value, list | tuple):
        return len(value)
    return to_int(value)


def _noting(convert: Any, form: Callable[[object], str | None]) -> Any:
    """`convert`, and a note in the read's report of how the value came (once per field)."""

    def validate(value: object, info: ValidationInfo) -> object:
        result = convert(value)
        report = _report_of(info)
        if report is not None and info.field_name is not None:
            seen = form(value)
            if seen is not None:
                report.value_forms.setdefault(_canonical_of(info, info.field_name), seen)
        return result

    return validate


def _count_form(value: object) -> str | None:
    return "a list (its length is the count)" if isinstance(value, list | tuple) else None


def _number_form(value: object) -> str | None:
    return "numbers as text" if isinstance(value, str) else None


def to_id(value: object) -> int | str:
    """An id as the POS gave it: whole numbers as int, anything else non-empty as text."""
    try:
        return to_int(value)
    except ValueError:
        text = to_text(value)
        if not text:
            raise ValueError("empty id") from None
        return text


def blank(value: object) -> bool:
    """None or whitespace-only text: no value (the field takes its default)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _opt(convert: Any) -> Any:
    def optional(value: object) -> object:
        return None if blank(value) else convert(value)

    return optional


def _when(value: object, info: ValidationInfo) -> datetime | None:
    if blank(value):
        return None
    try:
        when, label = parse_when(value)
    except UnreadableDate as exc:
        raise ValueError(str(exc)) from None
    report = _report_of(info)
    if report is not None and info.field_name is not None:
        report.note_date(_canonical_of(info, info.field_name), label)
    return when


def _day(value: object, info: ValidationInfo) -> date | None:
    when = _when(value, info)
    return when.date() if when is not None else None


def _epoch_ms(value: object, info: ValidationInfo) -> int | None:
    """Any readable date as epoch milliseconds (BLAZE's form); a zone-less text date is taken as UTC."""
    when = _when(value, info)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _canonical_of(info: ValidationInfo, name: str) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    canonical = context.get("canonical")
    return canonical.get(name, name) if isinstance(canonical, dict) else name


Text = Annotated[str, BeforeValidator(to_text)]
Key = Annotated[str, BeforeValidator(to_text), StringConstraints(min_length=1)]
"""Essential text (a SKU, a session id): numbers read as text, empty refused."""
Flag = Annotated[bool, BeforeValidator(to_flag)]
Int = Annotated[int, BeforeValidator(to_int)]
OptInt = Annotated[int | None, BeforeValidator(_opt(to_int))]
OptFlag = Annotated[bool | None, BeforeValidator(_opt(to_flag))]
Num = Annotated[Decimal, BeforeValidator(_noting(to_decimal, _number_form))]
OptNum = Annotated[Decimal | None, BeforeValidator(_opt(to_decimal))]
Count = Annotated[int, BeforeValidator(_noting(to_count, _count_form))]
Id = Annotated[int | str, BeforeValidator(to_id)]
When = Annotated[datetime | None, BeforeValidator(_when)]
Day = Annotated[date | None, BeforeValidator(_day)]
EpochMs = Annotated[int | None, BeforeValidator(_epoch_ms)]
