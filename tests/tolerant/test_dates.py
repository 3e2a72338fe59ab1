"""The date parser: every format a tenant may send, named by its format, and nothing that is not a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from intake_gui.pos.tolerant_dates import UnreadableDate, parse_day, parse_when

MST = timezone(timedelta(hours=-7))


@pytest.mark.parametrize(
    ("text", "when", "label"),
    [
        ("2021-03-17T13:42:00", datetime(2021, 3, 17, 13, 42), "ISO 8601 local"),
        ("2021-03-17 13:42:05.123", datetime(2021, 3, 17, 13, 42, 5, 123000), "ISO 8601 local"),
        (
            "2021-03-17T20:42:00.000Z",
            datetime(2021, 3, 17, 20, 42, tzinfo=UTC),
            "ISO 8601 with zone",
        ),
        (
            "2021-03-17T13:42:00-07:00",
            datetime(2021, 3, 17, 13, 42, tzinfo=MST),
            "ISO 8601 with zone",
        ),
        ("2021-03-17T13:42:00.1234567", datetime(2021, 3, 17, 13, 42, 0, 123456), "ISO 8601 local"),
        ("2021-03-17", datetime(2021, 3, 17), "ISO 8601 date"),
        ("03/17/2021 1:42 pm", datetime(2021, 3, 17, 13, 42), "MM/DD/YYYY h:mm am/pm"),
        ("03/17/2021 1:42:09 PM", datetime(2021, 3, 17, 13, 42, 9), "MM/DD/YYYY h:mm am/pm"),
        ("3/7/2021 12:05 a.m.", datetime(2021, 3, 7, 0, 5), "MM/DD/YYYY h:mm am/pm"),
        ("03/17/2021 12:30 pm", datetime(2021, 3, 17, 12, 30), "MM/DD/YYYY h:mm am/pm"),
        ("03/17/2021", datetime(2021, 3, 17), "MM/DD/YYYY"),
        ("03/17/2021 13:42", datetime(2021, 3, 17, 13, 42), "MM/DD/YYYY HH:mm"),
        ("17/03/2021", datetime(2021, 3, 17), "DD/MM/YYYY"),  # a first part over 12 is a day
        ("2021/03/17", datetime(2021, 3, 17), "YYYY/MM/DD"),
        ("/Date(1616013720000)/", datetime(2021, 3, 17, 20, 42, tzinfo=UTC), ".NET /Date()/"),
        ("1616013720000", datetime(2021, 3, 17, 20, 42, tzinfo=UTC), "epoch ms"),
        ("1616013720", datetime(2021, 3, 17, 20, 42, tzinfo=UTC), "epoch s"),
        ("Wed, 17 Mar 2021 20:42:00 GMT", datetime(2021, 3, 17, 20, 42, tzinfo=UTC), "RFC 2822"),
        ("Mar 17, 2021 1:42 PM", datetime(2021, 3, 17, 13, 42), "month name"),
        ("  2021-03-17T13:42:00  ", datetime(2021, 3, 17, 13, 42), "ISO 8601 local"),
    ],
)
def test_formats(text: str, when: datetime, label: str) -> None:
    parsed, seen = parse_when(text)
    assert (parsed, seen) == (when, label)
    assert (parsed.tzinfo is None) == (when.tzinfo is None)


def test_net_date_with_offset_keeps_the_instant() -> None:
    parsed, _ = parse_when("/Date(1616013720000-0700)/")
    assert parsed == datetime(2021, 3, 17, 20, 42, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(hours=-7)


@pytest.mark.parametrize(
    ("value", "when"),
    [
        (1616013720000, datetime(2021, 3, 17, 20, 42, tzinfo=UTC)),
        (1616013720, datetime(2021, 3, 17, 20, 42, tzinfo=UTC)),
        (Decimal("1616013720.5"), datetime(2021, 3, 17, 20, 42, 0, 500000, tzinfo=UTC)),
        (datetime(2021, 3, 17, 1, 2), datetime(2021, 3, 17, 1, 2)),
        (date(2021, 3, 17), datetime(2021, 3, 17)),
    ],
)
def test_non_text_values(value: object, when: datetime) -> None:
    assert parse_when(value)[0] == when


@pytest.mark.parametrize(
    "value",
    [
        "", "  ", "n/a", "3", "12", "yes", "2021-13-45", "02/30/2021", "13:42", "Sales Floor",
        "13/13/2021", "03/17/21", True, None, [2021, 3, 17], {"date": "2021-03-17"}, "0:30 pm 03/17/2021",
        "03/17/2021 13:42 pm", "America/Phoenix",
    ],
)  # fmt: skip
def test_not_dates(value: object) -> None:
    with pytest.raises(UnreadableDate) as caught:
        parse_when(value)
    if isinstance(value, str) and value.strip():
        assert value.strip() not in str(caught.value)  # never echoes the value


def test_parse_day_takes_the_date_part() -> None:
    assert parse_day("2027-01-31T00:00:00") == (date(2027, 1, 31), "ISO 8601 local")
    assert parse_day("03/31/2027") == (date(2027, 3, 31), "MM/DD/YYYY")
