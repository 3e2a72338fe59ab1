"""The history light: is the receive recorded, once, as Received, under the vendor and with the lines sent?

"Sent" is what Intake's journal says was sent. For a receive another tool made that is unknown, and the light
says so instead of comparing the history with lines rebuilt from the POS's own packages (which once turned an
orphaned receive into "the POS recorded more products than were sent").
"""

from __future__ import annotations

from collections.abc import Callable

from intake_gui.domain.diagnosis.failed_reads import failed_read
from intake_gui.domain.diagnosis.findings import Finding, RuleId
from intake_gui.domain.diagnosis.reading import duplicates, has_token, our_row
from intake_gui.domain.models import HistoryRow
from intake_gui.domain.verification import Basis, Fact, LightKind, LightState, VerificationEvidence

HistoryRule = Callable[[VerificationEvidence], Finding | None]
_ON_ROW = {"row": Basis.HISTORY_ROW}
_ON_ROW_AND_LINES = {"row": Basis.HISTORY_ROW, "lines": Basis.HISTORY_ROW}


def _finding(rule: RuleId, state: LightState, facts: dict[str, Fact], **kw: object) -> Finding:
    return Finding(rule=rule, kind=LightKind.HISTORY, state=state, facts=facts, **kw)  # type: ignore[arg-type]


def _row_facts(row: HistoryRow) -> dict[str, Fact]:
    return {
        "receipt_id": row.receipt_id,
        "status": row.status,
        "vendor": row.vendor_name,
        "vendor_id": row.vendor_id,
        "products": row.product_count,
        # Some POSes send no readable date on a row: a fact that is simply unknown then.
        "received_at": row.received_at.isoformat(timespec="seconds") if row.received_at else None,
    }


def read_failed(ev: VerificationEvidence) -> Finding | None:
    if ev.history is not None:
        return None
    return failed_read(LightKind.HISTORY, ev.history_failure, ev.history_message, ev)


def duplicate(ev: VerificationEvidence) -> Finding | None:
    """Our idempotency token on another receipt: this draft was received twice."""
    dups = duplicates(ev)
    if not dups:
        return None
    return _finding(
        RuleId.HISTORY_DUPLICATE,
        LightState.RED,
        {
            "receipt_id": ev.receipt_id,
            "token": ev.draft.token,
            "other_receipts": tuple(str(r.receipt_id) for r in dups),
        },
        rests_on=_ON_ROW,
    )


def missing(ev: VerificationEvidence) -> Finding | None:
    if ev.history is None or our_row(ev) is not None:
        return None
    facts: dict[str, Fact] = {
        "receipt_id": ev.receipt_id,
        "token": ev.draft.token,
        "rows_read": len(ev.history),
        "seconds_since_submit": round(ev.seconds_since_submit, 3),
    }
    if ev.within_grace:
        return _finding(RuleId.HISTORY_NOT_YET, LightState.AMBER, facts)
    return _finding(
        RuleId.HISTORY_STILL_MISSING, LightState.RED, facts, rests_on={"row": Basis.ELAPSED}
    )


def wrong_status(ev: VerificationEvidence) -> Finding | None:
    row = our_row(ev)
    if row is None or row.status.strip().casefold() == "received":
        return None
    if not row.status.strip():
        return None  # a POS that leaves Status off its rows says nothing against the receive
    return _finding(RuleId.HISTORY_WRONG_STATUS, LightState.RED, _row_facts(row), rests_on=_ON_ROW)


def _vendor_matches(ev: VerificationEvidence, row: HistoryRow) -> bool:
    vendor = ev.draft.vendor
    if row.vendor_id is not None:
        return row.vendor_id == vendor.vendor_id
    if row.vendor_name:
        return row.vendor_name.strip().casefold() == vendor.name.strip().casefold()
    return True


def wrong_vendor(ev: VerificationEvidence) -> Finding | None:
    row = our_row(ev)
    if row is None or not ev.made_by_intake or _vendor_matches(ev, row):
        return None
    vendor = ev.draft.vendor
    return _finding(
        RuleId.HISTORY_WRONG_VENDOR,
        LightState.RED,
        _row_facts(row) | {"sent_vendor": vendor.name, "sent_vendor_id": vendor.vendor_id},
        rests_on=_ON_ROW,
    )


def wrong_count(ev: VerificationEvidence) -> Finding | None:
    """The receive's line count against what Intake sent (the journal's draft lines)."""
    row = our_row(ev)
    if row is None or not ev.made_by_intake:
        return None
    sent = len(ev.draft.lines)
    if row.product_count == sent:
        return None
    rule = RuleId.HISTORY_FEWER_LINES if row.product_count < sent else RuleId.HISTORY_MORE_LINES
    return _finding(
        rule,
        LightState.RED,
        _row_facts(row) | {"lines_sent": sent},
        rests_on=_ON_ROW_AND_LINES,
    )


def recorded(ev: VerificationEvidence) -> Finding | None:
    row = our_row(ev)
    if row is None:
        return None
    facts = _row_facts(row)
    if not ev.made_by_intake:
        return _finding(
            RuleId.HISTORY_RECORDED_SENT_UNKNOWN,
            LightState.GREEN,
            facts | {"lines_sent": None},
            rests_on=_ON_ROW,
        )
    title = row.title.strip()
    differs = bool(title) and title != ev.draft.wire_title and not has_token(ev, row)
    return _finding(
        RuleId.HISTORY_RECORDED,
        LightState.GREEN,
        facts
        | {
            "lines_sent": len(ev.draft.lines),
            "title": title,
            "title_sent": ev.draft.wire_title,
            "title_differs": differs,
        },
        rests_on=_ON_ROW_AND_LINES,
    )


RULES: tuple[HistoryRule, ...] = (
    read_failed,
    duplicate,
    missing,
    wrong_status,
    wrong_vendor,
    wrong_count,
    recorded,
)
