"""Arbitrary text and bytes through the CLI's parsers and the draft model (issue 13, "Done when").

No exception escapes but the refusals a face shows in words; every quantity accepted equals what a person of
the station's locale meant by it; whatever the CLI accepts the draft model accepts and stores.
"""

from __future__ import annotations

import argparse
import os
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intake_gui.cli.output import CliError
from intake_gui.cli.receive_input import check_receive
from intake_gui.domain.input_refusals import clerk_message
from intake_gui.domain.models import (
    NOTE_MAX,
    TITLE_MAX,
    DraftLine,
    Location,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.quantities import COMMA, POINT, NumberStyle, QuantityError, parse_quantity
from intake_gui.domain.text import BIDI_CONTROLS, DROPPED

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STYLES = st.sampled_from([POINT, COMMA])
LOC = Location(loc_id=1989, name="AZ", lsp_id=1)
VENDOR = Vendor(vendor_id=1, name="Palomino")
ROOM = Room(room_id=1, name="Sales Floor", inventory_room=True, pos_room=True)

# Text as it reaches Intake: any code point (surrogates too: a command line in another encoding), or any
# bytes decoded the way Python decodes argv on POSIX.
any_text = st.one_of(
    st.text(st.characters(codec=None), max_size=120),
    st.binary(max_size=120).map(os.fsdecode),
    st.text(alphabet=" \t\n\r\x1b\x07\x00\u202e\u2066\u200b\ufeff1,.aé\u0301", max_size=40),
)
quantities_typed = st.one_of(
    any_text,
    st.from_regex(r"\A[ +\-−]?[0-9]{0,7}([.,' _][0-9]{0,4}){0,3}[ ]?\Z", fullmatch=True),
)
amounts = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3, allow_nan=False
)


def meant_by(text: str, style: NumberStyle) -> Decimal | None:
    """The oracle, written independently of the parser: a number a person of `style` writes without any
    grouping is digits, optionally one decimal mark (theirs) and digits; anything else has no one meaning."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded).strip()
    mark = re.escape(style.decimal)
    if not re.fullmatch(rf"(\+\s*)?[0-9]*({mark}[0-9]*)?", folded) or not re.search(
        r"[0-9]", folded
    ):
        return None
    return Decimal(folded.removeprefix("+").strip().replace(style.decimal, ".") or "0")


@FAST
@given(text=quantities_typed, style=STYLES)
def test_an_accepted_quantity_is_what_a_person_of_the_locale_meant(text, style):
    try:
        qty = parse_quantity(text, style=style)
    except QuantityError as exc:
        assert str(exc) and exc.code
        str(exc).encode("utf-8")
        return
    assert qty == meant_by(text, style), f"{text!r} read as {qty} at a {style.name} station"
    assert 0 < qty <= 100000


@FAST
@given(amount=amounts, style=STYLES, data=st.data())
def test_a_number_written_the_locale_s_way_reads_back_and_grouped_is_refused(amount, style, data):
    whole, _, fraction = format(amount, "f").partition(".")
    fraction = fraction.rstrip("0") + "0" * data.draw(st.integers(0, 3 - len(fraction.rstrip("0"))))
    written = whole + (style.decimal + fraction if fraction else "")
    if whole == "0" and fraction and data.draw(st.booleans()):
        written = written[1:]  # ".5"
    padded = (
        data.draw(st.sampled_from(["", " ", "+"])) + written + data.draw(st.sampled_from(["", " "]))
    )
    assert parse_quantity(padded, style=style) == amount
    if len(whole) > 3:
        separator = data.draw(st.sampled_from([style.other, " ", "\u00a0", "'"]))
        groups = [whole[max(0, i - 3) : i] for i in range(len(whole), 0, -3)][::-1]
        grouped = separator.join(groups) + (style.decimal + fraction if fraction else "")
        with pytest.raises(QuantityError) as info:
            parse_quantity(grouped, style=style)
        assert info.value.code in ("thousands_separator", "ambiguous", "decimal_mark")


def receive_args(title: str, note: str, line: str) -> argparse.Namespace:
    return argparse.Namespace(title=title, note=note, line=[line], manifest_ref="")


@FAST
@given(title=any_text, note=any_text, qty=quantities_typed, style=STYLES)
def test_the_cli_checks_then_the_draft_model_accept_the_same_and_store_it(title, note, qty, style):
    from intake_gui.domain import quantities

    quantities.use_decimal_mark(style.name)
    try:
        checked = check_receive(receive_args(title, note, f"3B4791={qty}"))
    except CliError as exc:
        assert exc.code == 2 and exc.error == "invalid_input" and exc.details["refusals"]
        assert "pydantic" not in exc.message and "validation error" not in exc.message.lower()
        exc.message.encode("utf-8")
        return
    line = checked.lines[0]
    visible = "".join(
        c for c in qty if c not in DROPPED
    )  # invisible format characters mean nothing
    assert line.quantity == meant_by(visible, style)
    assert checked.title and len(checked.title) <= TITLE_MAX and len(checked.note) <= NOTE_MAX
    for text in (checked.title, checked.note):
        assert unicodedata.is_normalized("NFC", text)
        assert not any(unicodedata.category(c) in ("Cc", "Cs") and c != "\n" for c in text)
        assert not set(text) & BIDI_CONTROLS
    draft = ReceiveDraft(
        location=LOC,
        vendor=VENDOR,
        room=ROOM,
        title=checked.title,
        note=checked.note,
        lines=(DraftLine(product_id=1, sku="3B4791", name="Joint", quantity=line.quantity),),
    )
    assert (draft.title, draft.note) == (checked.title, checked.note)
    stored = draft.model_dump_json()  # what the journal writes: the old crash was here
    back = ReceiveDraft.model_validate_json(stored, context={"stored": True})
    assert back.lines[0].quantity == line.quantity and back.title == draft.title


@FAST
@given(title=st.one_of(any_text, st.binary(max_size=100)), note=any_text)
def test_the_draft_model_refuses_only_in_words(title, note):
    try:
        draft = ReceiveDraft(location=LOC, vendor=VENDOR, room=ROOM, title=title, note=note)
    except ValueError as exc:
        message = clerk_message(exc)
        assert message and "pydantic" not in message and "https://" not in message
        assert "title" in message or "note" in message
        message.encode("utf-8")
        return
    assert 0 < len(draft.title) <= TITLE_MAX
    draft.model_dump_json().encode("utf-8")


@FAST
@given(text=any_text)
def test_stored_text_always_loads(text):
    """A draft written by an older Intake (any text at all) still loads for recovery."""
    draft = ReceiveDraft(location=LOC, vendor=VENDOR, room=ROOM, title="T").model_copy(
        update={"title": text, "note": text}
    )
    assume(not any("\ud800" <= c <= "\udfff" for c in text))  # JSON cannot hold them to begin with
    back = ReceiveDraft.model_validate_json(draft.model_dump_json(), context={"stored": True})
    assert isinstance(back.title, str)
