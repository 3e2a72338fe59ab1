"""The fault-injection suite: many receives through a faulty network, then count what really landed.

Runs two ways: small, from pytest (tests/reliability/test_fault_suite.py), and full size from the command line,
which prints the figures for RELIABILITY.md:

    QT_QPA_PLATFORM=offscreen python tests/reliability/fault_suite.py --receives 200 --kills 20

Every attempt's draft carries its own token; duplicates and losses are counted from the sandbox's own record of
committed receives (its admin API), never from what the client believes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from intake_gui.domain.models import DraftLine, DraftState, ReceiveDraft
from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER, EmbeddedSandbox
from intake_gui.sandbox.config import FaultRule, SandboxConfig
from intake_gui.services.context import AppContext, open_context
from intake_gui.services.receiving import ReceivingService, SubmitRefused, SubmitUncertain
from intake_gui.services.setup import SetupService
from intake_gui.store.paths import AppPaths
from intake_gui.store.settings import StationSettings

RECEIVE = "v2/inventory/receive"
HISTORY = "v2/inventory/get-receive-history"
CLIENT_TIMEOUT_S = 1.0
HANG_MAX_MS = 1800
# A lost answer may still be in flight for HANG_MAX_MS - timeout; the settle time must cover it.
SETTLE_S = 1.2

WRITE_FAULTS: list[dict] = [
    {"kind": "drop_after_commit"},
    {"kind": "drop_before"},
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


@dataclass
class Tally:
    attempted: int = 0
    faults: Counter = field(default_factory=Counter)
    landed_once: int = 0
    refused_cleanly: int = 0
    lost: int = 0
    duplicated: int = 0
    uncertain_then_recovered: int = 0
    kills: int = 0
    kills_landed_once: int = 0
    kills_never_sent: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = self.__dict__.copy()
        d["faults"] = dict(sorted(self.faults.items()))
        return d


def _draft(
    ctx: AppContext, rng: random.Random, n: int, loc, vendor, room, products
) -> ReceiveDraft:
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


def run_faulted_receives(box: EmbeddedSandbox, home: Path, receives: int, seed: int) -> Tally:
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
        service = ReceivingService(ctx, settle_s=SETTLE_S)
        drafts: list[ReceiveDraft] = []
        for n in range(receives):
            fault = dict(rng.choice(WRITE_FAULTS))
            rules = [FaultRule(endpoint=RECEIVE, **fault)]
            tally.faults[_fault_name(fault)] += 1
            if rng.random() < 0.25:
                read_fault = dict(rng.choice(READ_FAULTS))
                rules.append(FaultRule(endpoint=HISTORY, **read_fault))
                tally.faults["history read: " + _fault_name(read_fault)] += 1
            box.admin.set_faults(rules)
            draft = _draft(ctx, rng, n, loc, vendor, room, products)
            drafts.append(draft)
            tally.attempted += 1
            try:
                service.submit(draft)
            except SubmitUncertain:
                box.admin.clear_faults()
                service.recover_pending()
                tally.uncertain_then_recovered += 1
            except SubmitRefused as exc:
                tally.problems.append(f"#{n} {fault}: refused: {exc.diagnosis.headline}")
        box.admin.clear_faults()
        for outcome in service.recover_pending():
            tally.problems.append(f"left pending at the end: {outcome.message}")
        counts = _count_by_token(box)
        for n, draft in enumerate(drafts):
            landed = counts.get(draft.token, 0)
            entry = ctx.journal.get(draft.draft_id)
            state = entry.state if entry else None
            if landed > 1:
                tally.duplicated += 1
                tally.problems.append(f"#{n} duplicated x{landed}")
            elif landed == 1 and state in (DraftState.SUBMITTED, DraftState.VERIFIED):
                tally.landed_once += 1
            elif landed == 0 and state is DraftState.FAILED:
                tally.refused_cleanly += 1
            else:
                tally.lost += 1
                tally.problems.append(f"#{n} lost: POS has {landed}, journal says {state}")
    finally:
        ctx.close()
    return tally


def _fault_name(fault: dict) -> str:
    kind = fault["kind"]
    if kind == "http_error":
        return f"http {fault['status']}"
    if kind in ("hang", "latency"):
        return f"{kind} {fault['latency_ms']} ms"
    return kind


def run_kills(box: EmbeddedSandbox, home: Path, kills: int, seed: int, tally: Tally) -> None:
    """Kill -9 the CLI mid-submit, run `intake recover`, and check the receive landed exactly once."""
    rng = random.Random(seed + 1)
    env = {
        **os.environ,
        "INTAKE_HOME": str(home),
        "INTAKE_USERNAME": TRAINING_USER,
        "INTAKE_PASSWORD": TRAINING_SECRET,
        "INTAKE_REQUEST_TIMEOUT_S": "2",
        "INTAKE_RATE_LIMIT_PER_MINUTE": "0",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    cli = [sys.executable, "-m", "intake_gui.cli", "--api-base", box.base_url]
    for k in range(kills):
        box.admin.set_faults(
            [
                FaultRule(
                    endpoint=RECEIVE,
                    kind=rng.choice(["hang", "latency"]),
                    latency_ms=rng.randint(300, 1500),
                )
            ]
        )
        title = f"Kill run {seed}-{k}"
        proc = subprocess.Popen(
            [
                *cli,
                "receive",
                "--loc",
                str(AZ_LOC_ID),
                "--vendor",
                "39195",
                "--room",
                "24772",
                "--title",
                title,
                "--line",
                "3B4791=1",
                "--verify-timeout",
                "0",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        for line in proc.stderr:
            if "Sending" in line or time.monotonic() > deadline:
                break
        time.sleep(rng.uniform(0.0, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        tally.kills += 1
        box.admin.clear_faults()
        rec = subprocess.run(
            [*cli, "recover"], env=env, capture_output=True, text=True, timeout=120
        )
        if rec.returncode != 0:
            tally.problems.append(f"kill {k}: recover exited {rec.returncode}: {rec.stderr[-300:]}")
        landed = sum(
            1 for r in box.admin.receives() if (r["order_title"] or "").startswith(title + " [")
        )
        if landed == 1:
            tally.kills_landed_once += 1
        elif landed == 0:
            # Killed before it was sent: it must be a resumable draft, not a lost receive.
            status = subprocess.run(
                [sys.executable, "-c", _JOURNAL_PROBE, title],
                env=env,
                capture_output=True,
                text=True,
            )
            if status.stdout.strip() in ("open", "failed", ""):
                tally.kills_never_sent += 1
            else:
                tally.lost += 1
                tally.problems.append(f"kill {k}: lost (journal {status.stdout.strip()})")
        else:
            tally.duplicated += 1
            tally.problems.append(f"kill {k}: duplicated x{landed}")


_JOURNAL_PROBE = """
import sys
from intake_gui.store.journal import Journal
from intake_gui.store.paths import app_paths
j = Journal(app_paths().journal_path)
states = [e.state.value for e in j.open_drafts() + j.pending_submissions() if e.draft.title == sys.argv[1]]
print(states[0] if states else "")
"""


def run(receives: int, kills: int, seed: int = 7) -> Tally:
    with tempfile.TemporaryDirectory(prefix="intake-faults-") as tmp:
        root = Path(tmp)
        config = SandboxConfig(rate_limit_per_minute=0, product_count=2000)
        with EmbeddedSandbox(root / "sandbox", config=config) as box:
            tally = run_faulted_receives(box, root / "home", receives, seed)
            if kills:
                run_kills(box, root / "cli-home", kills, seed, tally)
    return tally


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--receives", type=int, default=200)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    started = time.monotonic()
    tally = run(args.receives, args.kills, args.seed)
    result = tally.as_dict() | {"seconds": round(time.monotonic() - started, 1), "seed": args.seed}
    print(json.dumps(result, indent=2))
    return 0 if tally.lost == 0 and tally.duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
