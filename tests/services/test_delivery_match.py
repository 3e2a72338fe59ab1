"""What makes two receives the same delivery (domain.delivery), tested on the keys alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from intake_gui.domain.delivery import (
    RECENT_WINDOW,
    REFERENCE_WINDOW,
    DuplicateCheck,
    PriorReceive,
    delivery_key,
    lines_fingerprint,
    match,
    normalise_reference,
)
from intake_gui.domain.models import DraftLine, DraftState

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def line(sku: str, qty: str, tag: str = "") -> DraftLine:
    return DraftLine(product_id=1, sku=sku, name=sku, quantity=qty, package_tag=tag, room_id=1)


def test_the_tag_case_and_spacing_do_not_change_the_reference():
    assert normalise_reference("Invoice  4711 [IN-0A1B2C3D4E]") == "invoice4711"
    assert normalise_reference(" INVOICE 4711") == normalise_reference("invoice\t4711")
    assert normalise_reference("Ｉｎｖｏｉｃｅ 4711") == "invoice4711"  # full-width forms (NFKC)
    assert normalise_reference("INV-1001") == normalise_reference("inv 1001") == "inv1001"
    assert normalise_reference("— / —") == ""


def test_the_title_intake_proposes_names_no_paper(draft_factory):
    """Two deliveries from one vendor on one day, both keeping the proposed "<vendor> <date>" title, are not
    one delivery for that reason (their lines or tags may still say so)."""
    from intake_gui.services.receive_session import default_title

    first = draft_factory()
    title = default_title(first.vendor)
    a = first.model_copy(update={"title": title})
    b = first.model_copy(update={"title": title, "lines": first.lines[:1]})
    assert delivery_key(a).reference == ""
    assert match(delivery_key(a), delivery_key(b), old_at=NOW - timedelta(hours=1), now=NOW) is None
    assert (
        match(delivery_key(a), delivery_key(a), old_at=NOW - timedelta(hours=1), now=NOW) == "lines"
    )
    typed = first.model_copy(update={"title": f"{first.vendor.name} INV 4711"})
    assert delivery_key(typed).reference != ""


def test_lines_are_a_set_of_totals_whatever_the_order_or_splitting():
    a = [line("A1", "2"), line("B2", "1.50"), line("A1", "1")]
    b = [line("b2", "1.5"), line("A1", "3")]
    assert lines_fingerprint(a) == lines_fingerprint(b)
    assert lines_fingerprint(a) != lines_fingerprint([line("A1", "3"), line("B2", "2")])
    assert lines_fingerprint([]) == ""


def test_match_rules(draft_factory):
    base = draft_factory()
    key = delivery_key(base)
    same_title = delivery_key(base.model_copy(update={"lines": base.lines[:1]}))
    other_title = delivery_key(base.model_copy(update={"title": "Something else"}))
    assert match(key, same_title, old_at=NOW - timedelta(days=3), now=NOW) == "reference"
    assert match(key, same_title, old_at=NOW - REFERENCE_WINDOW * 2, now=NOW) is None
    # Unsettled (sent, unknown) counts at any age: it is exactly the one a retry would double.
    assert (
        match(key, same_title, old_at=NOW - REFERENCE_WINDOW * 2, now=NOW, unsettled=True)
        == "reference"
    )
    assert match(key, other_title, old_at=NOW - timedelta(hours=2), now=NOW) == "lines"
    assert match(key, other_title, old_at=NOW - RECENT_WINDOW * 2, now=NOW) is None
    other_vendor = base.model_copy(
        update={"vendor": base.vendor.model_copy(update={"vendor_id": 1})}
    )
    assert match(key, delivery_key(other_vendor), old_at=NOW, now=NOW) is None
    other_store = base.model_copy(
        update={"location": base.location.model_copy(update={"loc_id": 2})}
    )
    assert match(key, delivery_key(other_store), old_at=NOW, now=NOW) is None


def test_a_shared_package_tag_is_the_same_delivery_at_any_distance(draft_factory):
    base = draft_factory()
    tagged = base.model_copy(update={"lines": (line("A1", "1", tag="1A4FF0100000022000000123"),)})
    later = base.model_copy(
        update={
            "title": "Other paper",
            "vendor": base.vendor.model_copy(update={"vendor_id": 5}),
            "lines": (
                line("ZZ", "9", tag="1a4ff0100000022000000123"),
                line("A2", "1"),
            ),
        }
    )
    assert (
        match(delivery_key(later), delivery_key(tagged), old_at=NOW - timedelta(days=60), now=NOW)
        == "packages"
    )


def test_a_manifest_reference_wins_over_the_title(draft_factory):
    a = draft_factory().model_copy(update={"title": "Morning drop", "manifest_ref": "WA-123"})
    b = draft_factory().model_copy(update={"title": "Evening drop", "manifest_ref": "wa-123 "})
    assert delivery_key(a).reference == delivery_key(b).reference == "wa123"


def prior(**kw) -> PriorReceive:
    base = dict(
        source="journal",
        station="dock-1",
        clerk="ana",
        at=NOW,
        receipt_id=None,
        draft_id="d1",
        state=DraftState.SUBMITTED.value,
        matched_on="reference",
        token="IN-0000000001",
        title="Invoice 4711",
    )
    base.update(kw)
    return PriorReceive(**base)


def test_merged_reports_each_receive_once_and_keeps_every_note():
    local = DuplicateCheck((prior(receipt_id=7),), ("journal ok",))
    shared = DuplicateCheck(
        (
            prior(source="shared_record", receipt_id=7, draft_id="d1"),
            prior(
                source="shared_record",
                draft_id="d2",
                station="dock-2",
                receipt_id=8,
                token="IN-0000000002",
            ),
        ),
        ("shared record slow",),
    )
    merged = local.merged(shared)
    assert [(p.source, p.receipt_id) for p in merged.priors] == [
        ("journal", 7),
        ("shared_record", 8),
    ]
    assert merged.not_checked == ("journal ok", "shared record slow")


def test_settled_and_sentences():
    landed = prior(receipt_id=1379127)
    open_ = prior(state=DraftState.SUBMITTING.value)
    decide = prior(state=DraftState.NEEDS_DECISION.value)
    assert landed.settled and not open_.settled and not decide.settled
    assert "receipt 1379127" in landed.sentence("America/Phoenix")
    assert "dock-1" in landed.sentence() and "ana" in landed.sentence()
    assert "IN-0000000001" in open_.sentence() and "not confirmed" in open_.sentence()
    assert "decision" in decide.sentence()
    check = DuplicateCheck((landed, open_))
    assert check.found and check.settled == (landed,) and check.unsettled == (open_,)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A1", "a1", "B2", "C3"]),
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal(50), places=3),
        ),
        min_size=1,
        max_size=6,
    ),
    st.randoms(),
)
def test_fingerprint_ignores_order_for_any_lines(pairs, rnd):
    lines = [line(sku, str(q)) for sku, q in pairs]
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert lines_fingerprint(lines) == lines_fingerprint(shuffled)
