"""The one quantity parser and formatter: what a person of each locale means, refusals in words with codes."""

from __future__ import annotations

import locale
from decimal import Decimal

import pytest

from intake_gui.domain import quantities as Q
from intake_gui.domain.quantities import (
    COMMA,
    MACHINE,
    POINT,
    Measure,
    QuantityError,
    format_quantity,
    format_signed,
    parse_quantity,
)


def refused(text: object, **kw: object) -> QuantityError:
    with pytest.raises(QuantityError) as info:
        parse_quantity(text, **kw)
    return info.value


@pytest.mark.parametrize(
    "style, text, meant",
    [
        (POINT, "3", 3),
        (POINT, "1.5", "1.5"),
        (POINT, "1.500", "1.5"),
        (POINT, ".5", "0.5"),
        (POINT, " +2.25 ", "2.25"),
        (POINT, "10.0000", 10),
        (COMMA, "1,5", "1.5"),
        (COMMA, "1,500", "1.5"),
        (COMMA, ",75", "0.75"),
        (COMMA, "12", 12),
        (POINT, "١٢", 12),
        (POINT, "１.５", "1.5"),
    ],
)
def test_what_a_person_of_the_locale_means(style, text, meant):
    assert parse_quantity(text, style=style) == Decimal(str(meant))


def test_one_comma_five_is_never_fifteen():
    assert parse_quantity("1,5", style=COMMA) == Decimal("1.5")
    question = refused("1,5", style=POINT)
    assert question.code == "decimal_mark" and question.suggestion == Decimal("1.5")
    assert "Did you mean 1.5?" in str(question)
    question = refused("1.5", style=COMMA)
    assert question.code == "decimal_mark" and "Did you mean 1,5?" in str(question)


@pytest.mark.parametrize("style", [POINT, COMMA])
def test_the_other_mark_with_three_digits_could_be_either_and_is_asked(style):
    text = f"1{style.other}500"
    problem = refused(text, style=style)
    assert problem.code == "ambiguous"
    assert problem.readings == (Decimal(1500), Decimal("1.5"))
    assert "1500" in str(problem) and f"1{style.decimal}5" in str(problem)


@pytest.mark.parametrize(
    "style, text, said",
    [
        (POINT, "1,234.5", "1234.5"),
        (COMMA, "1.234,5", "1234,5"),
        (POINT, "1,234,567", "1234567"),
        (POINT, "1 500", "1500"),
        (COMMA, "1\u00a0500,5", "1500,5"),
        (POINT, "1'500", "1500"),
        (POINT, "1_000", "1000"),
    ],
)
def test_thousands_separators_are_refused_with_the_number_to_type(style, text, said):
    problem = refused(text, style=style)
    assert problem.code == "thousands_separator"
    assert f"Type the number without it: {said}." in str(problem)


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("lots", "not_a_number"),
        ("1e3", "not_a_number"),
        ("nan", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("0x10", "not_a_number"),
        ("1.5.", "thousands_separator"),
        ("0", "not_positive"),
        ("-2", "not_positive"),
        ("−2", "not_positive"),
        ("100001", "too_large"),
        ("1.2345", "too_precise"),
        ("9" * 500, "not_a_number"),
        ("\udcff", "not_a_number"),
        (True, "not_a_number"),
        (b"3", "not_a_number"),
        (float("nan"), "not_a_number"),
        (Decimal("-1"), "not_positive"),
        (Decimal("1E+999999"), "too_large"),
        (Decimal("1E-999999"), "too_precise"),
        (Decimal("sNaN"), "not_a_number"),
        (10**30, "too_large"),
    ],
)
def test_refusals_have_a_stable_code_and_words(text, code):
    problem = refused(text, style=POINT)
    assert problem.code == code
    message = str(problem)
    assert message and "Decimal" not in message and "\udcff" not in message
    message.encode("utf-8")  # printable anywhere


def test_numbers_from_files_are_read_as_they_are():
    assert parse_quantity(Decimal("3.000"), style=COMMA) == 3
    assert parse_quantity(2.5, style=COMMA) == Decimal("2.5")
    assert parse_quantity(0.1) == Decimal("0.1"), (
        "a JSON float's shortest form, not its binary expansion"
    )
    assert parse_quantity(7) == 7
    assert str(parse_quantity(Decimal("1E+1"))) == "10", "never in exponent form"
    assert parse_quantity("1.5", style=MACHINE) == Decimal("1.5")


def test_a_product_counted_each_refuses_fractions_and_weights_keep_three_decimals():
    problem = refused("3.5", measure=Measure.EACH, what="Blue Dream Pre-Roll 1g")
    assert problem.code == "whole_units"
    assert "Blue Dream Pre-Roll 1g is counted in whole units (each)" in str(problem)
    assert "such as 3 or 4" in str(problem)
    assert "such as 1." in str(refused("0.5", measure="each"))
    assert parse_quantity("3.0", measure=Measure.EACH) == 3
    assert parse_quantity("3.5", measure=Measure.WEIGHT) == Decimal("3.5")
    assert parse_quantity("453.592", measure=Measure.WEIGHT) == Decimal("453.592")
    assert parse_quantity("3.5", measure=Measure.UNKNOWN) == Decimal("3.5")
    assert refused("1.0005", measure=Measure.WEIGHT).code == "too_precise", "never rounded away"


def test_check_quantity_applies_the_rules_to_a_parsed_value():
    assert Q.check_quantity(Decimal("2.50")) == Decimal("2.5")
    with pytest.raises(QuantityError, match="whole units"):
        Q.check_quantity(Decimal("2.5"), measure=Measure.EACH)


def test_the_formatter_writes_what_the_parser_reads():
    assert format_quantity(Decimal("3.000")) == "3"
    assert format_quantity(Decimal("1E+1")) == "10"
    assert format_quantity(Decimal("2.50")) == "2.5"
    assert format_quantity(Decimal("2.50"), style=COMMA) == "2,5"
    assert format_quantity(Decimal("-0")) == "0"
    assert format_quantity(None) == ""
    assert format_quantity(12345) == "12345", "no thousands separator: it can be typed back"
    assert format_signed(Decimal(2)) == "+2" and format_signed(Decimal(-2)) == "−2"
    assert format_signed(Decimal(0)) == "0" and format_signed(None) == ""
    for style in (POINT, COMMA):
        for value in ("0.001", "2.5", "100000", "17"):
            shown = format_quantity(Decimal(value), style=style)
            assert parse_quantity(shown, style=style) == Decimal(value)


def test_the_station_style_comes_from_the_setting_else_the_os(monkeypatch):
    assert Q.use_decimal_mark("comma") is COMMA and Q.station_style() is COMMA
    assert parse_quantity("1,5") == Decimal("1.5")
    assert format_quantity(Decimal("1.5")) == "1,5"
    assert Q.use_decimal_mark("point") is POINT
    monkeypatch.setattr(Q, "_os_style", None)
    monkeypatch.setattr(Q, "_os_decimal_point", lambda: ",")
    assert Q.use_decimal_mark("auto") is COMMA
    assert Q.style_for(None) is COMMA


def test_the_os_decimal_point_is_read_without_changing_the_process_locale():
    before = locale.setlocale(locale.LC_NUMERIC)
    assert Q._os_decimal_point() in (".", ",")
    assert locale.setlocale(locale.LC_NUMERIC) == before
