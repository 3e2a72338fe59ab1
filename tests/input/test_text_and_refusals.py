"""Titles and notes that cannot hurt, and refusals in a clerk's words (never pydantic's)."""

from __future__ import annotations

import pytest

from intake_gui.domain.input_refusals import clerk_message, refusals
from intake_gui.domain.models import (
    NOTE_MAX,
    TITLE_MAX,
    DraftLine,
    Location,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.quantities import Measure
from intake_gui.domain.text import TextRefused, clean_text, shown

LOC = Location(loc_id=1989, name="AZ", lsp_id=1)
VENDOR = Vendor(vendor_id=1, name="Palomino")
ROOM = Room(room_id=1, name="Sales Floor", inventory_room=True, pos_room=True)


def draft(**kw):
    return ReceiveDraft(location=LOC, vendor=VENDOR, room=ROOM, **{"title": "INV-1", **kw})


def refusal_of(**kw):
    with pytest.raises(ValueError) as info:
        draft(**kw)
    return info.value


def test_titles_are_nfc_with_whitespace_collapsed():
    assert draft(title="Cafe\u0301  \t  delivery\n").title == "Café delivery"
    assert draft(title="\ufeffINV\u200b-7").title == "INV-7", "invisible format characters dropped"
    assert draft(title="Emoji 👩‍🌾 ok").title == "Emoji 👩‍🌾 ok", "a ZWJ sequence is kept"


def test_notes_keep_their_lines():
    assert draft(note="first\r\nsecond\n\n third  ").note == "first\nsecond\n\nthird"


@pytest.mark.parametrize(
    "title, code, words",
    [
        ("", "required", "Give the receive a title"),
        ("   ", "required", "Give the receive a title"),
        ("x" * (TITLE_MAX + 1), "too_long", "the limit is 80. Shorten it by 1 character."),
        ("x" * 10_000, "too_long", "is 10,000 characters; the limit is 80"),
        ("INV\x1b[31m-1", "control_character", "(ESCAPE, U+001B) at character 4"),
        ("INV\x07", "control_character", "BEL"),
        ("INV\u202e1-VNI", "direction_override", "RIGHT-TO-LEFT OVERRIDE, U+202E"),
        ("INV\u2066x\u2069", "direction_override", "U+2066"),
        ("INV\udcff", "not_text", "not text in UTF-8"),
        (b"INV \xff", "not_text", "not text in UTF-8"),
        (12, "not_text", "must be text"),
    ],
)
def test_every_title_refusal_names_the_field_the_limit_and_what_to_do(title, code, words):
    exc = refusal_of(title=title)
    message = clerk_message(exc)
    assert words in message
    assert "title" in message.lower()
    assert [r.code for r in refusals(exc)] == [code]
    assert "pydantic" not in message and "validation error" not in message.lower()
    message.encode("utf-8")


def test_a_long_note_is_refused_with_its_limit():
    message = clerk_message(refusal_of(note="n" * (NOTE_MAX + 1)))
    assert message == "The note is 501 characters; the limit is 500. Shorten it by 1 character."


def test_bytes_that_are_utf8_are_text():
    assert draft(title="Caf\u00e9".encode()).title == "Café"


def test_stored_drafts_load_as_they_were_stored():
    """A draft an older Intake stored (perhaps sent with that title) loads exactly; editing it meets today's
    rules (the record helper's journal-upgrade test holds the same)."""
    bad = draft().model_copy(update={"title": "a\x1b" + "x" * 100, "note": "\u202enote"})
    back = ReceiveDraft.model_validate_json(bad.model_dump_json(), context={"stored": True})
    assert back.title == "a\x1b" + "x" * 100 and back.note == "\u202enote"
    with pytest.raises(ValueError):
        ReceiveDraft.model_validate_json(bad.model_dump_json())


def test_draft_lines_refuse_a_fraction_of_something_sold_each_in_words():
    line = {"product_id": 1, "sku": "QX7H2A", "name": "Pre-Roll 1g", "quantity": "3.5"}
    exc = refusal_of(lines=[{**line, "measure": Measure.EACH}])
    assert clerk_message(exc) == (
        "Line 1: Pre-Roll 1g is counted in whole units (each), so 3.5 cannot be received. "
        "Type a whole number, such as 3 or 4."
    )
    assert [r.code for r in refusals(exc)] == ["whole_units"]
    assert draft(lines=[{**line, "measure": "weight"}]).lines[0].quantity == 3.5
    stored = DraftLine.model_validate({**line, "measure": "each"}, context={"stored": True})
    assert stored.quantity == 3.5, "a line already sent loads as it was"


def test_pydantic_checks_of_its_own_are_worded_by_field():
    exc = refusal_of(lines=[{"sku": "S", "name": "n", "quantity": "1"}])
    assert clerk_message(exc) == "Line 1: The product id is missing; give one."
    exc = refusal_of(lines=[{"product_id": "x", "sku": "S", "name": "n", "quantity": "1"}])
    assert clerk_message(exc) == "Line 1: The product id must be a whole number."
    many = refusal_of(lines=[{"sku": "S", "name": "n", "quantity": "0"}] * 7)
    text = clerk_message(many)
    assert "more." in text.splitlines()[-1] and "https://" not in text


def test_the_machine_reading_of_a_stored_quantity_ignores_the_station(monkeypatch):
    from intake_gui.domain import quantities

    quantities.use_decimal_mark("comma")
    line = DraftLine.model_validate_json(
        '{"product_id": 1, "sku": "S", "name": "n", "quantity": "1.5", "unit_cost": "4.50"}'
    )
    assert str(line.quantity) == "1.5" and str(line.unit_cost) == "4.50"


def test_clean_text_lenient_and_shown():
    assert clean_text("a\x00b\udcffc", field="lot", limit=2, lenient=True) == "a\x00b\ufffdc"
    with pytest.raises(TextRefused) as info:
        clean_text("\x1d", field="package tag", limit=5)
    assert "GROUP SEPARATOR" in str(info.value) and info.value.field == "package tag"
    assert shown("a\x1b\udcff\u202e" + "z" * 50, limit=18) == "a\\x1b\\xff\\u202ezz…"


def test_a_draft_with_undecodable_pos_text_is_stored_not_a_crash(tmp_path):
    """The measured crash was PydanticSerializationError in the journal's save_draft: a title is now refused
    before, and names a POS sent with a lone surrogate escape are repaired on the way in."""
    from intake_gui.store.journal import Journal

    vendor = Vendor(vendor_id=2, name="Caf\udce9 Supply")
    line = DraftLine(product_id=1, sku="3B4791", name="Joint \ud800", quantity=2)
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        d = ReceiveDraft(location=LOC, vendor=vendor, room=ROOM, title="INV-9", lines=[line])
        journal.save_draft(d, actor="clerk", station="s1")
        back = journal.get(d.draft_id)
        assert back is not None
        assert back.draft.vendor.name == "Caf\ufffd Supply"
        assert back.draft.lines[0].name == "Joint \ufffd"
    finally:
        journal.close()
