"""The words: every rule speaks the POS's own names, never names our sandbox outside it, and says real times."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake_gui.domain import diagnosis as dg
from intake_gui.domain.diagnosis import RuleId, Speech
from intake_gui.domain.pos_words import GENERIC_WORDS
from intake_gui.domain.verification import LightKind, ReadFailure
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.indica.words import INDICA_WORDS

SANDBOX_MARKS = ("1989", "2862", "2869", "sandbox", "trainer")


def every_light(w):
    """Evidence that, together, makes every light rule fire at least once."""
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    roomless = tuple(w.package(s, room=None) for s in ("3B4791", "3B4792"))
    cases = [
        w.evidence(),
        w.evidence(packages=vault, sellable_before=None),
        w.evidence(packages=(), history=(w.row(product_count=2),)),
        w.evidence(packages=(), history=(w.row(product_count=0),)),
        w.evidence(packages=(), history=(), seconds_since_submit=12),
        w.evidence(packages=(), history=(), seconds_since_submit=w.LATE),
        w.evidence(packages=(w.package("3B4791"),)),
        w.evidence(packages=(w.package("3B4791", "2"), w.package("3B4792"))),
        w.evidence(history=(w.row(), w.row(receipt_id=w.RECEIPT + 1))),
        w.evidence(history=(w.row(receipt_id=5),), seconds_since_submit=w.LATE),
        w.evidence(history=(w.row(status="Saved"),)),
        w.evidence(history=(w.row(vendor_id=1, vendor_name="OTHER"),)),
        w.evidence(history=(w.row(product_count=1),)),
        w.evidence(history=(w.row(product_count=3),)),
        w.evidence(sellable_after={}, sellable_location_rows=0),
        w.evidence(sellable_after={"3B4791": Decimal(3)}, seconds_since_submit=w.LATE),
        w.evidence(sellable_after={"3B4791": Decimal(3)}, seconds_since_submit=20),
        w.evidence(packages=roomless, sellable_before=None),
        w.foreign(),
        w.foreign(packages=()),
    ]
    for failure in [*ReadFailure, None]:
        cases.append(
            w.evidence(sellable_after=None, sellable_failure=failure, sellable_message="said so")
        )
    return [light for ev in cases for light in dg.diagnose(ev, speech=Speech(BLAZE_WORDS)).lights]


def texts(light_or_diagnosis) -> str:
    d = light_or_diagnosis
    return " ".join((d.headline, d.what_happened, d.what_to_do))


@pytest.mark.parametrize(
    "words", [BLAZE_WORDS, INDICA_WORDS, GENERIC_WORDS], ids=lambda x: x.pos_name
)
def test_no_light_names_backoffice_or_the_sandbox_on_another_pos(w, words) -> None:
    fired = set()
    for light in every_light(w):
        fired.add(light.rule)
    light_rules = {r.value for r in RuleId if r.area in ("read", "packages", "history", "sellable")}
    assert fired == light_rules, f"not exercised: {light_rules - fired}"
    speech = Speech(words)
    for light in every_light(w):
        ev_light = dg.words.render(
            dg.Finding(
                rule=RuleId(light.rule),
                kind=light.kind,
                state=light.state,
                facts=light.facts,
                rests_on=light.rests_on,
                lines=light.lines,
            ),
            speech,
        )
        said = texts(ev_light)
        assert "Backoffice" not in said, (light.rule, said)
        for mark in SANDBOX_MARKS:
            assert mark not in said.casefold(), (light.rule, mark, said)


def test_dutchie_words_name_backoffice_screens(w) -> None:
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    ev = w.evidence(packages=vault, sellable_after={})
    light = dg.sellable_light(ev, Speech(DUTCHIE_WORDS))
    assert "Backoffice > Inventory" in light.what_to_do
    assert "Sales Floor" in light.what_to_do  # a sales room to move them to
    assert "Vault" in light.headline
    blaze = dg.sellable_light(ev, Speech(BLAZE_WORDS))
    assert "BLAZE Retail > Inventory" in blaze.what_to_do and "Backoffice" not in texts(blaze)


def test_the_sellable_light_says_which_evidence_it_used(w) -> None:
    with_baseline = dg.sellable_light(w.evidence())
    assert "since just before the submit" in with_baseline.judged_by
    assert with_baseline.judged_by in with_baseline.what_happened
    recheck = dg.sellable_light(w.evidence(sellable_before=None))
    assert "rooms on the package records" in recheck.judged_by
    assert "consistent" in recheck.judged_by
    assert recheck.lines[0].note.startswith("no count from before the receive")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.4, "less than a second after the submit"),
        (12.7, "12 seconds after the submit"),
        (61, "1 minute 1 second after the submit"),
        (125, "2 minutes 5 seconds after the submit"),
        (900, "15 minutes after the submit"),
        (3725, "1 hour 2 minutes after the submit"),
    ],
)
def test_delays_are_worded_from_the_real_elapsed_time(w, seconds, words) -> None:
    light = dg.sellable_light(w.evidence(sellable_after={}, seconds_since_submit=seconds))
    assert words in light.what_happened
    assert "1 minute after" not in light.what_happened or seconds >= 60


def test_elapsed() -> None:
    assert dg.elapsed(0.2) == "less than a second"
    assert dg.elapsed(1) == "1 second"
    assert dg.elapsed(3600) == "1 hour"
    assert dg.elapsed(3 * 86400) == "3 days"


def test_rate_limit_quotes_the_pos_not_a_constant(w) -> None:
    said = "Too many requests - only 5 per minute allowed"
    ev = w.evidence(history=None, history_failure=ReadFailure.RATE_LIMITED, history_message=said)
    light = dg.history_light(ev, Speech(DUTCHIE_WORDS))
    assert said in light.what_happened and "60" not in light.what_happened
    quiet = ev.model_copy(update={"history_message": ""})
    assert "60 requests a minute" in dg.history_light(quiet, Speech(DUTCHIE_WORDS)).what_happened
    assert "60" not in texts(dg.history_light(quiet, Speech(BLAZE_WORDS)))


def test_room_access_hint_follows_the_pos(w) -> None:
    ev = w.evidence(sellable_after={}, sellable_location_rows=0)
    dutchie = dg.sellable_light(ev, Speech(DUTCHIE_WORDS))
    assert "Assign Rooms To Menus" in dutchie.what_to_do
    indica = dg.sellable_light(ev, Speech(INDICA_WORDS))
    assert "IndicaOnline > Settings > Rooms" in indica.what_to_do
    assert "Assign Rooms" not in indica.what_to_do


def test_details_carry_the_rule_id_and_facts_for_support(w) -> None:
    light = dg.packages_light(w.evidence(packages=(w.package("3B4791"),)))
    assert light.detail.startswith("rule packages.dropped_lines")
    assert "dropped_skus=[3B4792]" in light.detail


def test_a_dropped_line_names_the_product_in_the_clerks_words(w) -> None:
    report = dg.diagnose(w.evidence(packages=(w.package("3B4791"),)))
    packages, sellable = report.by_kind(LightKind.PACKAGES), report.by_kind(LightKind.SELLABLE)
    assert "3B4792" in packages.headline and "not received" in packages.headline
    assert "3B4792" in sellable.headline
    for word in ("can take minutes", "up to an hour", "yet"):
        assert word not in sellable.headline + sellable.what_happened


def test_no_rooms_names_the_course_sandboxes_only_on_the_training_sandbox(w) -> None:
    chicago = w.IL.model_copy(update={"name": "Chicago"})
    anywhere = dg.no_rooms_explanation(chicago, speech=Speech(DUTCHIE_WORDS))
    assert anywhere.rule == "location.no_rooms"
    assert anywhere.facts["loc_id"] == 2862
    for mark in SANDBOX_MARKS:
        assert mark not in texts(anywhere).casefold()
    assert "Backoffice > Settings > Rooms" in anywhere.what_to_do
    training = dg.no_rooms_explanation(w.IL, speech=Speech(DUTCHIE_WORDS, training_sandbox=True))
    assert "Illinois sandbox (2862)" in training.what_happened and "1989" in training.what_to_do
    blaze = dg.no_rooms_explanation(w.IL, [w.QUARANTINE], speech=Speech(BLAZE_WORDS))
    assert blaze.rule == "location.no_inventory_room"
    assert blaze.facts["rooms"] == ("Quarantine",)
    assert "BLAZE Retail > Settings > Inventories" in blaze.what_to_do
    assert "Backoffice" not in texts(blaze)
