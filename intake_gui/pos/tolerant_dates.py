"""Dates as POS tenants actually send them, read into one datetime and named by their format.

Why a parser of our own: a receive's date decides which history page it is on and what time History shows,
and tenants differ. The course names no date field; the Backoffice web UI writes `03/17/2021 1:42 pm`;
Dutchie's POS API writes ISO 8601; .NET back ends leak `/Date(1616000000000)/`; BLAZE sends epoch
milliseconds. `datetime.fromisoformat` alone reads only the first kind, and a liberal "parse anything"
library would read a quantity of 3 as a date, which the date-name fallback of `pos.tolerant` cannot afford.
So: a closed list of formats, each recognised exactly, and a label per format for the doctor's report.

What comes back:
- a *naive* datetime when the text carried no zone: the Backoffice's habit is store-local wall time;
- an *aware* datetime when it did (an offset, `Z`, or an epoch number, which is UTC by definition).
`pos.tolerant`'s readers turn either into store-local wall time with the location's zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from email.utils import parsedate_to_datetime

EPOCH_MS_FROM = 100_000_000_000
"""Epoch numbers at or above this are milliseconds (1973 in ms; year 5138 in seconds), below it seconds."""

_NET_DATE = re.compile(r"^/?Date\((-?\d+)([+-]\d{4})?\)/?$", re.IGNORECASE)
_DIGITS = re.compile(r"^-?\d{9,16}(\.\d+)?$")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_SLASHED = re.compile(
    r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})"  # 03/17/2021, 17.03.2021, 2021/03/17
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?\s*[Mm]\.?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_RFC_2822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+"
    r"(?:GMT|UT|UTC|[+-]\d{4}|[A-Z]{1,5})$"
)
_MONTH_NAMES = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M:%S %p",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
)


class UnreadableDate(ValueError):
    """The value is not a date in any format Intake knows (never carries the value itself)."""


def parse_when(value: object) -> tuple[datetime, str]:
    """`value` as a datetime and the name of the format it came in. Raises UnreadableDate."""
    if isinstance(value, datetime):
        return value, "datetime"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), "date"
    if isinstance(value, bool):
        raise UnreadableDate("a flag is not a date")
    if isinstance(value, int | float | Decimal):
        number = float(
            value
        )  # the label is decided on the number _epoch converts, as for text below
        return _epoch(number), "epoch ms" if abs(number) >= EPOCH_MS_FROM else "epoch s"
    if not isinstance(value, str):
        raise UnreadableDate(f"a {type(value).__name__} is not a date")
    text = value.strip()
    if not text:
        raise UnreadableDate("empty")
    return _from_text(text)


def parse_day(value: object) -> tuple[date, str]:
    """A calendar day (expiration, best-by): the date part of whatever `parse_when` reads."""
    when, label = parse_when(value)
    return when.date(), label


def _epoch(number: float) -> datetime:
    seconds = number / 1000 if abs(number) >= EPOCH_MS_FROM else number
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    except OverflowError:
        raise UnreadableDate("epoch number out of range") from None


def _from_text(text: str) -> tuple[datetime, str]:
    net = _NET_DATE.match(text)
    if net:
        when = _epoch(float(net.group(1)))
        if net.group(2):  # the offset says which wall time to show; the number is UTC already
            sign = 1 if net.group(2)[0] == "+" else -1
            hours, minutes = int(net.group(2)[1:3]), int(net.group(2)[3:5])
            when = when.astimezone(_fixed(sign * (hours * 60 + minutes)))
        return when, ".NET /Date()/"
    if _DIGITS.match(text):
        number = float(text)
        return _epoch(number), "epoch ms" if abs(number) >= EPOCH_MS_FROM else "epoch s"
    iso = _iso(text)
    if iso is not None:
        return iso
    slashed = _slashed(text)
    if slashed is not None:
        return slashed
    normal = " ".join(text.replace(".", "").split())
    for fmt in _MONTH_NAMES:
        try:
            return datetime.strptime(normal, fmt), "month name"
        except ValueError:
            continue
    if _RFC_2822.match(text):  # only the real shape: parsedate reads "1:42 PM" as 01:42 otherwise
        try:
            return parsedate_to_datetime(text), "RFC 2822"
        except (TypeError, ValueError, IndexError):
            pass
    raise UnreadableDate("not a date in any known format")


def _iso(text: str) -> tuple[datetime, str] | None:
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return None
    candidate = _LONG_FRACTION.sub(r"\1", text)  # .NET writes 7 fraction digits; Python reads 6
    if candidate.endswith(("z", "Z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if len(text) == 10:
        return when, "ISO 8601 date"
    return when, "ISO 8601 with zone" if when.tzinfo is not None else "ISO 8601 local"


def _slashed(text: str) -> tuple[datetime, str] | None:
    match = _SLASHED.match(text)
    if not match:
        return None
    a, b, c, hour, minute, second, ampm, zone = match.groups()
    if len(a) == 4:  # 2021/03/17
        year, month, day, shape = int(a), int(b), int(c), "YYYY/MM/DD"
    elif len(c) == 4:
        first, second_part = int(a), int(b)
        # The Backoffice is American (month first); a first part over 12 can only be a day.
        if first > 12 >= second_part:
            day, month, shape = first, second_part, "DD/MM/YYYY"
        else:
            month, day, shape = first, second_part, "MM/DD/YYYY"
        year = int(c)
    else:
        return None
    h = int(hour) if hour is not None else 0
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.lower().startswith("p") else 0)
        shape += " h:mm am/pm"
    elif hour is not None:
        shape += " HH:mm"
    try:
        when = datetime(year, month, day, h, int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if zone:
        when = when.replace(tzinfo=_zone_of(zone))
        shape += " with zone"
    return when, shape


def _zone_of(text: str) -> tzinfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return _fixed(sign * (int(digits[:2]) * 60 + int(digits[2:4])))


def _fixed(minutes: int) -> tzinfo:
    return timezone(timedelta(minutes=minutes))
