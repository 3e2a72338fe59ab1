"""Writes `journal-v1.sqlite3`: a station journal as Intake wrote it before the payload was versioned.

Run once with the code of main at c50823d (journal schema 1, unversioned draft payloads) and committed; the
migration test (`tests/store/test_journal_upgrade.py`) opens that file with today's code. Do not regenerate it
with newer code: its whole value is that it was written by the previous version.

It holds every draft state, events of every kind the old code wrote, a code mapping, and drafts a tightened
validator may refuse (a title with an escape and a bidi-override character, a note with a BEL, a fractional
quantity of an item counted in units, "1,5" read the old way as 15).

    python tests/store/data/make_journal_v1.py tests/store/data/journal-v1.sqlite3
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor
from intake_gui.domain.verification import LightKind, LightState
from intake_gui.store.journal import Journal

AZ = Location(loc_id=1989, name="AZ Sandbox", state="AZ", lsp_id=575, timezone="America/Phoenix")
VENDOR = Vendor(vendor_id=39195, name="PALOMINO PRINTING")
SALES = Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=7)
        return self.now


def line(i: int, qty: str, **kw: object) -> DraftLine:
    return DraftLine(
        product_id=11484902 + i,
        sku=f"3B479{i}",
        name=f"Tommy Chong Joint (H) #{i}",
        quantity=Decimal(qty),
        unit_cost=Decimal("4.25"),
        unit_id=1,
        room_id=SALES.room_id,
        **kw,
    )


def draft(title: str, *lines: DraftLine, **kw: object) -> ReceiveDraft:
    return ReceiveDraft(
        draft_id=f"v1-{title.split()[0].lower()}",
        location=AZ,
        vendor=VENDOR,
        room=SALES,
        title=title,
        lines=tuple(lines),
        token="IN-" + f"{abs(hash(title)) % 10**10:010d}"[:10].upper(),
        **kw,
    )


def report(receipt_id: int, at: datetime, all_green: bool) -> str:
    from intake_gui.domain.verification import Light, VerificationReport

    lights = tuple(
        Light(
            kind=kind,
            state=LightState.GREEN
            if all_green or kind is not LightKind.SELLABLE
            else LightState.RED,
            headline="ok" if all_green or kind is not LightKind.SELLABLE else "not sellable",
        )
        for kind in (LightKind.PACKAGES, LightKind.HISTORY, LightKind.SELLABLE)
    )
    return VerificationReport(receipt_id=receipt_id, lights=lights, checked_at=at).to_json()  # type: ignore[arg-type]


def main(path: Path) -> None:
    if path.exists():
        raise SystemExit(f"{path} exists; this file is written once")
    clock = Clock()
    who = {"actor": "Ana", "station": "Receiving-2"}
    with Journal(path, clock=clock) as j:
        opened = draft("Open INV-7001 still counting", line(1, "3"), line(2, "2.5"))
        j.save_draft(opened, **who)
        j.record_event(opened.draft_id, "scan", {"code": "3B4791", "quantity": "1"}, **who)
        j.record_event(opened.draft_id, "change", {"sku": "3B4792", "quantity": "2.5"}, **who)

        confirming = draft("Confirming INV-7002", line(1, "6"))
        j.save_draft(confirming, **who)
        j.mark_submitting(confirming.draft_id, actor="Ana")
        j.record_event(
            confirming.draft_id,
            "submit_attempt",
            {"attempt": 1, "token": confirming.token, "lines": 1},
            **who,
        )

        sent = draft("Sent INV-7003", line(3, "12"))
        j.save_draft(sent, **who)
        j.mark_submitting(sent.draft_id, actor="Ana")
        j.mark_submitted(sent.draft_id, 1379127, actor="Ana")

        verified = draft("Verified INV-7004", line(4, "3"), line(5, "3"))
        j.save_draft(verified, **who)
        j.mark_submitting(verified.draft_id, actor="Ana")
        j.mark_submitted(verified.draft_id, 1379128, actor="Ana")
        j.mark_verified(verified.draft_id, report(1379128, clock(), True), True, actor="Ana")

        amber = draft("Vault INV-7005", line(6, "24"))
        j.save_draft(amber, **who)
        j.mark_submitting(amber.draft_id, actor="Ana")
        j.mark_submitted(amber.draft_id, 1379129, actor="Ana")
        j.mark_verified(amber.draft_id, report(1379129, clock(), False), False, actor="Ana")

        refused = draft("Refused INV-7006", line(7, "1"))
        j.save_draft(refused, **who)
        j.mark_submitting(refused.draft_id, actor="Ana")
        j.mark_failed(refused.draft_id, "Vendor is inactive", actor="Ana")

        dropped = draft("Dropped INV-7007", line(8, "1"))
        j.save_draft(dropped, **who)
        j.mark_abandoned(dropped.draft_id, actor="Ana")

        # What a tightened validator may refuse: control and bidi characters, a fractional count of an item
        # sold each (unit_id 1), "1,5" that the old parser turned into 15.
        odd = draft(
            "Odd \x1b[31mINV\u202e-7008",
            line(9, "3.5"),
            line(10, "15", variance_reason="typed 1,5"),
            note="ring\x07 the bell",
        )
        j.save_draft(odd, **who)
        j.mark_submitting(odd.draft_id, actor="Ana")

        j.save_code_mapping("0850012345678", 11484911, "3B47911", "Receiving-2")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
