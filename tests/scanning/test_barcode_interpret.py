"""interpret(): every rule of barcode interpretation, plus properties over random and hostile input."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_gui.domain.barcode import (
    GS,
    MAX_RAW_LENGTH,
    CodeKind,
    ScanCode,
    interpret,
    normalize_gtin,
)


def check_digit(body: str) -> str:
    """Independent GS1 mod-10 (the test's own oracle, not the code under test)."""
    weights = [3 if i % 2 == 0 else 1 for i in range(len(body))]
    total = sum(int(d) * w for d, w in zip(reversed(body), weights, strict=True))
    return str((10 - total % 10) % 10)


def with_check(body: str) -> str:
    return body + check_digit(body)


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def digit_string(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# -- properties --------------------------------------------------------------------------------------


@given(st.text(max_size=300))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_random_text_never_raises(raw):
    code = interpret(raw)
    assert isinstance(code, ScanCode)
    assert code.kind in CodeKind
    if code.kind is CodeKind.INVALID:
        assert code.message
    json.dumps(code.as_dict())


@given(
    st.lists(
        st.sampled_from(
            [
                "]C1",
                "]d2",
                "]E0",
                "\x1d",
                "<GS>",
                "01",
                "10",
                "17",
                "21",
                "(",
                ")",
                "9",
                "A",
                "\x00",
                "é",
            ]
        ),
        max_size=40,
    ),
    st.sampled_from([(), ("<GS>",), ("~", "|"), ("",)]),
)
def test_hostile_fragments_never_raise(parts, subs):
    code = interpret("".join(parts), gs_substitutes=subs)
    assert isinstance(code, ScanCode)


@given(st.one_of(st.none(), st.integers(), st.binary(max_size=20), st.floats()))
def test_non_text_is_invalid_not_an_exception(value):
    assert interpret(value).kind is CodeKind.INVALID  # type: ignore[arg-type]


@given(digit_string(12))
def test_ean13_round_trip(body):
    ean = with_check(body)
    code = interpret(ean)
    assert code.kind is CodeKind.GTIN
    assert code.gtin == ean.zfill(14)


@given(digit_string(11))
def test_upca_round_trip(body):
    upc = with_check(body)
    code = interpret(upc)
    assert code.kind is CodeKind.GTIN
    assert code.gtin == upc.zfill(14)
    assert interpret("0" + upc).gtin == code.gtin, "the EAN-13 form of a UPC-A is the same GTIN"


@given(digit_string(7))
def test_ean8_round_trip(body):
    ean8 = with_check(body)
    code = interpret(ean8)
    assert code.kind is CodeKind.GTIN
    assert ean8.zfill(14) in (code.gtin, *code.alt_gtins)
    if ean8[0] not in "01":
        assert code.gtin == ean8.zfill(14)
    assert interpret("]E4" + ean8).gtin == ean8.zfill(14)


@given(digit_string(12), digit_string(1))
def test_wrong_check_digit_is_invalid(body, wrong):
    good = with_check(body)
    if wrong == good[-1]:
        wrong = str((int(wrong) + 1) % 10)
    code = interpret(body + wrong)
    assert code.kind is CodeKind.INVALID
    assert "check digit" in code.message
    assert code.sku == body + wrong


@given(
    body=digit_string(13),
    lot=st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=20),
    when=st.dates(min_value=date(2020, 1, 1), max_value=date(2060, 12, 31)),
    style=st.sampled_from(["gs", "textual", "aim-c1", "aim-d2", "aim-q3", "fnc1-lead", "lot-last"]),
)
def test_gs1_round_trip(body, lot, when, style):
    gtin = with_check(body)
    exp = when.strftime("%y%m%d")
    if style == "lot-last":
        raw = f"01{gtin}17{exp}10{lot}"
    else:
        sep = "<GS>" if style == "textual" else GS
        raw = f"01{gtin}10{lot}{sep}17{exp}"
        raw = {"aim-c1": "]C1", "aim-d2": "]d2", "aim-q3": "]Q3", "fnc1-lead": GS}.get(
            style, ""
        ) + raw
    code = interpret(raw)
    assert code.kind is CodeKind.GS1, code.message
    assert (code.gtin, code.lot, code.expiry) == (gtin, lot, when)


# -- rules, one by one -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "symbology", "gtin"),
    [
        ("]E00012345678905", "]E0", "00012345678905"),
        ("]E496385074", "]E4", "00000096385074"),
        ("]I110012345678902", "]I1", "10012345678902"),
        ("]C1010001234567890510AB", "]C1", "00012345678905"),
        ("]Q3010001234567890510AB", "]Q3", "00012345678905"),
        ("]e0010001234567890510AB", "]e0", "00012345678905"),
    ],
)
def test_aim_symbology_is_recorded_and_stripped(raw, symbology, gtin):
    code = interpret(raw)
    assert code.valid
    assert code.symbology == symbology
    assert code.gtin == gtin
    assert not code.text.startswith("]")


def test_non_gs1_symbology_falls_back_to_content():
    code = interpret("]C0ABC123")
    assert (code.kind, code.sku, code.symbology) == (CodeKind.SKU, "ABC123", "]C0")
    assert interpret("]C01A4060300002C35000012345").kind is CodeKind.PACKAGE_TAG


def test_gs1_symbology_with_garbage_is_invalid():
    code = interpret("]C1HELLO")
    assert code.kind is CodeKind.INVALID
    assert "GS1" in code.message


def test_declared_ean_with_bad_check_digit_offers_no_sku():
    code = interpret("]E00012345678906")
    assert code.kind is CodeKind.INVALID
    assert code.sku == ""


def test_day_00_means_end_of_month():
    code = interpret("]C1010001234567890517240200")
    assert code.expiry == date(2024, 2, 29)


def test_ai17_beats_ai15_and_ai15_is_the_fallback():
    both = interpret(f"]C10100012345678905152601311726063010L1{GS}")
    assert both.expiry == date(2026, 6, 30)
    best_before = interpret("]C1010001234567890515260131")
    assert best_before.expiry == date(2026, 1, 31)


def test_serial_and_other_ais_are_tolerated():
    code = interpret(f"]d201000123456789052112345{GS}10LOT7{GS}3103000250")
    assert (code.serial, code.lot) == ("12345", "LOT7")
    assert ("3103", "000250") in code.ais
    assert code.hri == "(01)00012345678905(21)12345(10)LOT7(3103)000250"


def test_unprefixed_gs1_digits_are_recognised():
    code = interpret("0100012345678905")
    assert (code.kind, code.gtin) == (CodeKind.GS1, "00012345678905")
    code = interpret(f"010001234567890510ABC{GS}17261231")
    assert (code.lot, code.expiry) == ("ABC", date(2026, 12, 31))


def test_missing_separator_swallows_following_ai_into_lot():
    """Without a GS after a variable field the rest is part of it; documented, not 'fixed' by guessing."""
    code = interpret("]C1010001234567890510ABC17261231")
    assert code.lot == "ABC17261231"
    assert code.expiry is None


def test_invalid_gtin_inside_gs1_is_invalid():
    code = interpret("]C1010001234567890610AB")
    assert code.kind is CodeKind.INVALID
    assert "check digit" in code.message


@pytest.mark.parametrize("bad_date", ["260231", "000000"])
def test_impossible_date_keeps_the_code_and_warns(bad_date):
    code = interpret(f"]C1010001234567890517{bad_date}")
    assert code.kind is CodeKind.GS1
    assert code.gtin == "00012345678905"
    assert code.expiry is None
    assert "date" in code.message


def test_sscc_only_label_is_gs1_without_gtin():
    code = interpret("]C100106141411234567896")
    assert code.kind is CodeKind.GS1
    assert code.gtin == ""
    assert "shipment" in code.message


def test_textual_substitutes_and_custom_ones():
    assert interpret("0100012345678905{GS}10AB<GS>17261231").expiry == date(2026, 12, 31)
    custom = interpret("0100012345678905|10AB|17261231", gs_substitutes=("|",))
    assert (custom.lot, custom.expiry) == ("AB", date(2026, 12, 31))


def test_substitute_that_does_not_make_gs1_leaves_a_sku_alone():
    code = interpret("AB~12", gs_substitutes=("~",))
    assert (code.kind, code.sku) == (CodeKind.SKU, "AB~12")


def test_hri_and_digital_link():
    hri = interpret("(01)00012345678905(10)LOT9(17)270101")
    assert (hri.kind, hri.lot, hri.expiry) == (CodeKind.GS1, "LOT9", date(2027, 1, 1))
    link = interpret("https://id.gs1.org/01/00012345678905/10/LOT9?17=270101")
    assert (link.kind, link.gtin, link.lot) == (CodeKind.GS1, "00012345678905", "LOT9")
    plain_url = interpret("https://example.com/p/1")
    assert plain_url.kind is CodeKind.SKU


def test_upc_e_expands_to_upc_a():
    code = interpret("01234565")
    assert code.gtin == "00012345000065"
    assert code.alt_gtins == ("00000001234565",)


def test_package_tag_is_upper_cased():
    code = interpret(" 1a4060300002c35000012345\r\n")
    assert code.kind is CodeKind.PACKAGE_TAG
    assert code.package_tag == "1A4060300002C35000012345"
    assert code.key == code.package_tag
    assert interpret("1A406030000C35000012345").kind is CodeKind.SKU, "23 characters is not a tag"


def test_sku_candidate_is_trimmed_upper_cased_and_collapsed():
    code = interpret("  3b4791   x ")
    assert (code.kind, code.sku, code.text) == (CodeKind.SKU, "3B4791 X", "3B4791 X")
    assert interpret("123456").kind is CodeKind.SKU, "six digits: a short SKU, not UPC-E"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "Empty"),
        ("   \r\n", "Empty"),
        ("AB\x07CD", "control"),
        ("X" * 65, "too long"),
        ("X" * (MAX_RAW_LENGTH + 1), "far too long"),
        (f"AB{GS}CD", "GS1"),
    ],
)
def test_invalid_inputs_explain_themselves(raw, fragment):
    code = interpret(raw)
    assert code.kind is CodeKind.INVALID
    assert fragment.lower() in code.message.lower()


def test_display_and_as_dict_never_show_raw_control_characters():
    code = interpret(f"]C1010001234567890510AB{GS}17261231")
    assert code.display == "(01)00012345678905(10)AB(17)261231"
    assert "<GS>" in code.as_dict()["raw"]
    assert GS not in json.dumps(code.as_dict())


def test_normalize_gtin_pads_but_does_not_judge():
    assert normalize_gtin("012345678906") == "00012345678906"
    assert normalize_gtin("12345") == ""
    assert normalize_gtin("ABCDEFGHIJKL") == ""


def test_lot_expiry_and_serial_in_words():
    code = interpret(f"]C1010950110153000317260131{'10AB-12'}{GS}21X9")
    assert code.words() == "lot AB-12 · expires 31 Jan 2026 · serial X9"
    assert code.words(today=date(2026, 2, 1)).startswith("lot AB-12 · EXPIRED 31 Jan 2026")
    assert (
        interpret("]C101095011015300031527063010L7").words() == "lot L7 · best before 30 Jun 2027"
    )
    assert interpret("3B4791").words() == ""
