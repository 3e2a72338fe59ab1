"""The fault-injection suite: many receives through a faulty network, a clerk who does what Intake tells them,
then count what really landed.

Runs two ways: small, from pytest (tests/reliability/test_fault_suite.py), and full size from the command line,
which prints the figures for RELIABILITY.md:

    QT_QPA_PLATFORM=offscreen python tests/reliability/fault_suite.py --receives 200 --kills 24 --gui-kills 6

Every delivery is counted from the sandbox's own record of committed receives (its admin API), never from what
the client believes: 0 duplicated, 0 lost, 0 left without a decision is the only passing result.

The clerk in this suite follows Intake's words and nothing else: "not received — send it again" -> sends it
again; "needs a decision" -> looks in the POS (the admin record) and chooses "it is in the POS" or "send it
again"; "sent before" -> does not send a second one. The kill -9 runs (CLI and GUI) are in `kill_suite.py`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# kill_suite lives beside this file; it is imported the same way whether run as a script or by the test.
sys.path.insert(0, str(Path(__file__).parent))

import kill_suite

from intake_gui.domain.delivery import lines_fingerprint
from intake_gui.domain.models import DraftLine, DraftState, ReceiveDraft
from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER, EmbeddedSandbox
from intake_gui.sandbox.config import FaultRule, SandboxConfig
from intake_gui.services.context import open_context
from intake_gui.services.receiving import (
    NeedsDecision,
    ReceivingService,
    SameDelivery,
    SubmitRefused,
    SubmitUncertain,
)
from intake_gui.services.setup import SetupService
from intake_gui.services.submission import LifecyclePolicy
from intake_gui.store.paths import AppPaths
from intake_gui.store.settings import StationSettings

RECEIVE = "v2/inventory/receive"
HISTORY = "v2/inventory/get-receive-history"
CLIENT_TIMEOUT_S = 1.0
HANG_MAX_MS = 1800
# A lost answer may still be in flight for HANG_MAX_MS - timeout; the settle time must cover it.
SETTLE_S = 1.2
CONFIRM_GAPS_S = (0.5, 1.0)
"""Shorter than the product's pauses between history re-reads, in proportion with the shorter settle time."""

WRITE_FAULTS: list[dict] = [
    {"kind": "drop_after_commit"},
    {"kind": "drop_before"},
    {"kind": "drop_before", "times": 3},
    {"kind": "error_after_commit"},
    {"kind": "http_error", "status": 500},
    {"kind": "http_error", "status": 502},
    {"kind": "http_error", "status": 503},
    {"kind": "hang", "latency_ms": HANG_MAX_MS},
    {"kind": "latency", "latency_ms": 1500},
    {"kind": "latency", "latency_ms": 200},
    {"kind": "rate_limit_429", "retry_after_s": 1},
    {"kind": "rate_limit_200"},
    {"kind": "expire_session"},
    {"kind": "malformed_html", "status": 200},
    {"kind": "malformed_truncated"},
    {"kind": "malformed_type"},
]
READ_FAULTS: list[dict] = [
    {"kind": "http_error", "status": 503},
    {"kind": "rate_limit_429", "retry_after_s": 1},
    {"kind": "malformed_truncated"},
    {"kind": "drop_before"},
]
HISTORY_OUTAGES: list[dict] = [
    {"kind": "http_error", "status": 503, "times": -1},
    {"kind": "not_permitted", "times": -1},
]
"""Receive history unreadable for as long as the clerk is at it: the case that used to stay "sent, confirming".
A 503 outage costs the client its full read retries (about half a minute per read) before "needs a decision";
the small CI run uses the refusal form only (`quick_outages`), the full run both."""


@dataclass
class Tally:
    attempted: int = 0
    faults: Counter = field(default_factory=Counter)
    landed_once: int = 0
    landed_first_time: int = 0
    not_received_then_sent_again: int = 0
    needs_decision: int = 0
    decided_landed: int = 0
    decided_resend: int = 0
    settled_by_recovery: int = 0
    lost: int = 0
    duplicated: int = 0
    left_without_decision: int = 0
    kills: int = 0
    kills_landed_once: int = 0
    reruns_told_already_received: int = 0
    rerun_exit_codes: Counter = field(default_factory=Counter)
    gui_kills: int = 0
    gui_landed_once: int = 0
    gui_reentries_warned: int = 0
    gui_decisions: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = self.__dict__.copy()
        d["faults"] = dict(sorted(self.faults.items()))
        d["rerun_exit_codes"] = dict(sorted(self.rerun_exit_codes.items()))
        return d


def _draft(rng: random.Random, n: int, loc, vendor, room, products, seen: set[str]) -> ReceiveDraft:
    """A delivery of its own: its own title, and lines no other delivery of the run has."""
    while True:
        picks = rng.sample(products, k=rng.randint(1, 3))
        lines = tuple(
            DraftLine(
                product_id=p.product_id,
                sku=p.sku,
                name=p.name,
                quantity=Decimal(rng.randint(1, 5)),
                room_id=room.room_id,
            )
            for p in picks
        )
        if lines_fingerprint(lines) not in seen:
            seen.add(lines_fingerprint(lines))
            break
    return ReceiveDraft(
        location=loc, vendor=vendor, room=room, title=f"Fault suite #{n}", lines=lines
    )


def _count_by_token(box: EmbeddedSandbox) -> Counter:
    counts: Counter = Counter()
    for r in box.admin.receives():
        title = r["order_title"] or ""
        if "[" in title and title.endswith("]"):
            counts[title[title.rindex("[") + 1 : -1]] += 1
    return counts


def _fault_name(fault: dict) -> str:
    kind = fault["kind"]
    if fault.get("times", 1) > 1:
        return f"{kind} x{fault['times']} (every send)"
    if kind == "http_error":
        return f"http {fault['status']}"
    if kind in ("hang", "latency"):
        return f"{kind} {fault['latency_ms']} ms"
    return kind


def decide_as_a_person(service: ReceivingService, box: EmbeddedSandbox, tally: Tally) -> None:
    """Every receive waiting for a decision: look in the POS for its tag, choose accordingly."""
    in_pos = _count_by_token(box)
    for decision in service.decisions():
        tag = decision.facts.token
        if in_pos.get(tag):
            receipt = next(
                r["id"]
                for r in box.admin.receives()
                if (r["order_title"] or "").endswith(f"[{tag}]")
            )
            service.decide(decision.draft_id, "landed", receipt_id=receipt, how="fault suite")
            tally.decided_landed += 1
        else:
            service.decide(decision.draft_id, "resend", how="fault suite")
            tally.decided_resend += 1


def deliver(
    service: ReceivingService, box: EmbeddedSandbox, draft: ReceiveDraft, tally: Tally
) -> None:
    """One delivery, the clerk following Intake's words until it says the delivery is in."""
    try:
        service.submit(draft)
        tally.landed_first_time += 1
        return
    except NeedsDecision:
        tally.needs_decision += 1
    except SubmitRefused as exc:
        d = exc.diagnosis
        if not (d.safe_to_resend and "send it again" in d.what_to_do.lower()):
            tally.problems.append(f"{draft.title}: refused without telling to send again: {d}")
            return
        box.admin.clear_faults()
        service.submit(draft)  # the clerk sends it again, as told
        tally.not_received_then_sent_again += 1
        return
    except SameDelivery as exc:
        tally.problems.append(f"{draft.title}: taken for another delivery: {exc.diagnosis}")
        return
    except SubmitUncertain as exc:
        tally.problems.append(f"{draft.title}: left uncertain without a decision: {exc.message}")
        return
    # Needs a decision: the outage ends at some point; start-up recovery looks once more, then the person.
    box.admin.clear_faults()
    before = len(service.decisions())
    service.recover_pending()
    tally.settled_by_recovery += before - len(service.decisions())
    decide_as_a_person(service, box, tally)


def run_faulted_receives(
    box: EmbeddedSandbox, home: Path, receives: int, seed: int, outages: list[dict]
) -> Tally:
    rng = random.Random(seed)
    tally = Tally()
    paths = AppPaths(
        data_dir=home / "data",
        config_dir=home / "config",
        cache_dir=home / "cache",
        log_dir=home / "logs",
    )
    settings = StationSettings(
        station_name="fault-suite", request_timeout_s=CLIENT_TIMEOUT_S, rate_limit_per_minute=0
    )
    ctx = open_context(
        api_base=box.base_url,
        username=TRAINING_USER,
        password=TRAINING_SECRET,
        remember=False,
        paths=paths,
        settings=settings,
    )
    try:
        setup = SetupService(ctx)
        loc = next(x for x in setup.locations() if x.loc_id == AZ_LOC_ID)
        vendor = setup.vendors(loc)[0]
        room = next(r for r in setup.rooms(loc) if r.sellable)
        products = [p for p in ctx.connector.products(loc) if p.is_cannabis][:300]
        policy = LifecyclePolicy(settle_s=SETTLE_S, confirm_gaps_s=CONFIRM_GAPS_S)
        service = ReceivingService(ctx, policy=policy)
        drafts: list[ReceiveDraft] = []
        seen: set[str] = set()
        for n in range(receives):
            fault = dict(rng.choice(WRITE_FAULTS))
            rules = [FaultRule(endpoint=RECEIVE, **fault)]
            tally.faults[_fault_name(fault)] += 1
            roll = rng.random()
            if roll < 0.08:
                outage = dict(rng.choice(outages))
                rules.append(FaultRule(endpoint=HISTORY, **outage))
                tally.faults["history outage: " + _fault_name(outage)] += 1
            elif roll < 0.33:
                read_fault = dict(rng.choice(READ_FAULTS))
                rules.append(FaultRule(endpoint=HISTORY, **read_fault))
                tally.faults["history read: " + _fault_name(read_fault)] += 1
            box.admin.set_faults(rules)
            draft = _draft(rng, n, loc, vendor, room, products, seen)
            drafts.append(draft)
            tally.attempted += 1
            deliver(service, box, draft, tally)
        box.admin.clear_faults()
        service.recover_pending()
        decide_as_a_person(service, box, tally)
        counts = _count_by_token(box)
        for draft in drafts:
            landed = counts.get(draft.token, 0)
            entry = ctx.journal.get(draft.draft_id)
            state = entry.state if entry else None
            if landed > 1:
                tally.duplicated += 1
                tally.problems.append(f"{draft.title} duplicated x{landed}")
            elif landed == 0:
                tally.lost += 1
                tally.problems.append(f"{draft.title} lost: not in the POS, journal says {state}")
            elif state in (DraftState.SUBMITTED, DraftState.VERIFIED):
                tally.landed_once += 1
            else:
                tally.problems.append(f"{draft.title} landed, but the journal says {state}")
            if state in (DraftState.SUBMITTING, DraftState.NEEDS_DECISION):
                tally.left_without_decision += 1
    finally:
        ctx.close()
    return tally


def run(
    receives: int, kills: int, seed: int = 7, gui_kills: int = 0, quick_outages: bool = False
) -> Tally:
    outages = (
        [o for o in HISTORY_OUTAGES if o["kind"] != "http_error"]
        if quick_outages
        else HISTORY_OUTAGES
    )
    with tempfile.TemporaryDirectory(prefix="intake-faults-") as tmp:
        root = Path(tmp)
        config = SandboxConfig(rate_limit_per_minute=0, product_count=2000)
        with EmbeddedSandbox(root / "sandbox", config=config) as box:
            tally = run_faulted_receives(box, root / "home", receives, seed, outages)
            if kills:
                kill_suite.run_cli_kills(box, root / "cli-home", kills, seed, tally)
            if gui_kills:
                kill_suite.run_gui_kills(box, root / "gui-home", gui_kills, seed, tally)
    return tally


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--receives", type=int, default=200)
    p.add_argument("--kills", type=int, default=24)
    p.add_argument("--gui-kills", type=int, default=6)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    started = time.monotonic()
    tally = run(args.receives, args.kills, args.seed, args.gui_kills)
    result = tally.as_dict() | {"seconds": round(time.monotonic() - started, 1), "seed": args.seed}
    print(json.dumps(result, indent=2))
    bad = tally.lost or tally.duplicated or tally.left_without_decision or tally.problems
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
