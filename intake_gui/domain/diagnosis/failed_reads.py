"""A read that produced no data says nothing about the receive: grey, or amber when time may help.

One rule for all three lights, so "not permitted", "rate limited" and the rest mean the same on each.
A failed read never proves anything (`rests_on` stays empty), which is what keeps it from overwriting an
earlier proven light on a re-check.
"""

from __future__ import annotations

from intake_gui.domain.diagnosis.findings import Finding, RuleId
from intake_gui.domain.verification import LightKind, LightState, ReadFailure, VerificationEvidence

_RULES = {
    ReadFailure.NOT_PERMITTED: RuleId.READ_NOT_PERMITTED,
    ReadFailure.RATE_LIMITED: RuleId.READ_RATE_LIMITED,
    ReadFailure.CONNECTION: RuleId.READ_CONNECTION,
    ReadFailure.NOT_SUPPORTED: RuleId.READ_NOT_SUPPORTED,
    ReadFailure.ROOM_ACCESS: RuleId.READ_ROOM_ACCESS,
    ReadFailure.SESSION: RuleId.READ_SESSION,
    ReadFailure.NOT_FOUND: RuleId.READ_NOT_FOUND,
    ReadFailure.SERVER: RuleId.READ_SERVER,
    ReadFailure.MALFORMED: RuleId.READ_MALFORMED,
}


def failed_read(
    kind: LightKind, failure: ReadFailure | None, message: str, ev: VerificationEvidence
) -> Finding:
    rule = _RULES.get(failure, RuleId.READ_NOT_MADE) if failure else RuleId.READ_NOT_MADE
    if rule in (RuleId.READ_RATE_LIMITED, RuleId.READ_SESSION):
        state = LightState.AMBER
    elif rule is RuleId.READ_CONNECTION:
        state = LightState.AMBER if ev.within_grace else LightState.GREY
    else:
        state = LightState.GREY
    return Finding(
        rule=rule,
        kind=kind,
        state=state,
        facts={
            "read": kind.value,
            "failure": failure.value if failure else None,
            "pos_message": message,
            "receipt_id": ev.receipt_id,
            "within_grace": ev.within_grace,
        },
    )
