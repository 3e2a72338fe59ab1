"""From evidence to a report: run each light's rules in order, put the first finding into words.

Also the one explanation that is not a light: a location whose rooms cannot take a receive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from intake_gui.domain.diagnosis import history, packages, sellable
from intake_gui.domain.diagnosis.findings import Diagnosis, Finding, RuleId
from intake_gui.domain.diagnosis.speech import Speech
from intake_gui.domain.diagnosis.submit_words import SUBMIT_WORDS
from intake_gui.domain.diagnosis.words import render
from intake_gui.domain.models import Location, Room
from intake_gui.domain.verification import (
    Fact,
    Light,
    VerificationEvidence,
    VerificationReport,
    utc_now,
)


def _first(
    rules: Iterable[Callable[[VerificationEvidence], Finding | None]], ev: VerificationEvidence
) -> Finding:
    for rule in rules:
        found = rule(ev)
        if found is not None:
            return found
    raise AssertionError("the last rule of every light always answers")  # pragma: no cover


def packages_finding(ev: VerificationEvidence) -> Finding:
    return _first(packages.RULES, ev)


def history_finding(ev: VerificationEvidence) -> Finding:
    return _first(history.RULES, ev)


def sellable_finding(ev: VerificationEvidence) -> Finding:
    return _first(sellable.RULES, ev)


def packages_light(ev: VerificationEvidence, speech: Speech | None = None) -> Light:
    return render(packages_finding(ev), speech or Speech())


def history_light(ev: VerificationEvidence, speech: Speech | None = None) -> Light:
    return render(history_finding(ev), speech or Speech())


def sellable_light(ev: VerificationEvidence, speech: Speech | None = None) -> Light:
    return render(sellable_finding(ev), speech or Speech())


def diagnose(
    evidence: VerificationEvidence,
    *,
    attempt: int = 1,
    checked_at: datetime | None = None,
    speech: Speech | None = None,
) -> VerificationReport:
    """The three lights for one verification attempt, in the words of the POS in use."""
    speech = speech or Speech()
    return VerificationReport(
        receipt_id=evidence.receipt_id,
        lights=(
            packages_light(evidence, speech),
            history_light(evidence, speech),
            sellable_light(evidence, speech),
        ),
        checked_at=checked_at or utc_now(),
        attempt=attempt,
    )


def no_rooms_explanation(
    location: Location, rooms: Iterable[Room] = (), *, speech: Speech | None = None
) -> Diagnosis:
    """Why Intake refuses to receive at a location whose rooms cannot take stock, and where to go instead."""
    speech = speech or Speech()
    rooms = tuple(rooms)
    rule = RuleId.LOCATION_NO_INVENTORY_ROOM if rooms else RuleId.LOCATION_NO_ROOMS
    facts: dict[str, Fact] = {
        "loc_id": location.loc_id,
        "location": location.name,
        "rooms": tuple(r.name for r in rooms),
        "inventory_rooms": sum(1 for r in rooms if r.inventory_room),
    }
    texts = SUBMIT_WORDS[rule](facts, speech)
    return Diagnosis(
        headline=texts.headline,
        what_happened=texts.what_happened,
        what_to_do=texts.what_to_do,
        detail=(
            f"rule {rule.value}: location {location.loc_id}; {len(rooms)} rooms, "
            f"{facts['inventory_rooms']} with InventoryRoom == yes"
        ),
        rule=rule.value,
        facts=facts,
    )
