"""One process of the shared-record load test: a receiving station, or a supervisor reading history every second.

Run by `load_run.py` (never collected by pytest). Everything comes from the environment, the way a station is really
configured: INTAKE_HOME, INTAKE_API_BASE, INTAKE_USERNAME/PASSWORD, INTAKE_STATION_NAME,
INTAKE_SHARED_RECORD_URL and INTAKE_SHARED_RECORD_PASSWORD.

    python load_worker.py station --receives 200 --scans 4
    python load_worker.py supervisor --stop-file PATH --stats PATH

A station prints one line per finished receive ("RECEIVED n receipt") and, at the end, "DONE <waiting>"; started
again after a `kill -9` it settles what the kill left half-sent (`recover_pending`) and carries on from the first
receive its journal does not hold as sent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from intake_gui.domain.models import DraftLine, ReceiveDraft
from intake_gui.sandbox import AZ_LOC_ID
from intake_gui.services.context import open_context
from intake_gui.services.history import HistoryService
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.setup import SetupService


def _say(text: str) -> None:
    print(text, flush=True)


def station(args: argparse.Namespace) -> int:
    ctx = open_context()
    try:
        service = ReceivingService(ctx, settle_s=0.3)
        for outcome in service.recover_pending():
            _say(f"RECOVERED {outcome.verdict.value} {outcome.receipt_id}")
        setup = SetupService(ctx)
        location = next(x for x in setup.locations() if x.loc_id == AZ_LOC_ID)
        room = next(r for r in setup.rooms(location) if r.sellable)
        vendor = next(v for v in setup.vendors(location) if v.vendor_id == 39195)
        products = [p for p in ctx.connector.products(location) if p.is_cannabis][:60]
        assert ctx.journal._conn is not None
        sent = {
            title: state
            for title, state in ctx.journal._conn.execute("SELECT title, state FROM drafts")
        }
        name = ctx.station
        for i in range(args.receives):
            title = f"{name} INV-{i:05d}"
            if sent.get(title) in ("submitted", "verified"):
                _say(f"RECEIVED {i} earlier")  # landed before a kill (or was settled by recovery)
                continue
            chosen = [products[(i * 3 + k) % len(products)] for k in range(2)]
            draft = _resume_or_new(ctx, title, location, vendor, room, chosen)
            for k in range(args.scans):
                product = chosen[k % len(chosen)]
                ctx.journal.record_event(
                    draft.draft_id,
                    "scan",
                    {"code": product.sku, "n": k},
                    actor=ctx.clerk,
                    station=name,
                )
            result = service.submit(draft)
            service.verify(
                draft, result.receipt_id, baseline=None, submitted_at=result.submitted_at
            )
            _say(f"RECEIVED {i} {result.receipt_id}")
        ctx.writer.flush()
        shared = ctx.shared
        ok = shared.sender.flush(args.drain_timeout) if shared and shared.sender else False
        sender = shared.sender if shared else None
        # What the journal itself says is still unsent (not the sender's status): the figure the test trusts.
        waiting = ctx.journal.outbox.waiting(sender._target()) if sender is not None else -1
        _say(f"DONE {waiting} {'ok' if ok else 'timeout'} {sender.status() if sender else ''}")
        return 0 if ok else 3
    finally:
        ctx.close()


def _resume_or_new(ctx, title, location, vendor, room, chosen):  # type: ignore[no-untyped-def]
    """A draft this station opened before a kill is continued (same id, same tag), else a new one."""
    for entry in ctx.journal.open_drafts(include_failed=True) + ctx.journal.pending_submissions():
        if entry.draft.title == title:
            return entry.draft
    draft = ReceiveDraft(
        location=location,
        vendor=vendor,
        room=room,
        title=title,
        lines=tuple(
            DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=Decimal(2))
            for p in chosen
        ),
    )
    ctx.journal.save_draft(draft, actor=ctx.clerk, station=ctx.station)
    return draft


def supervisor(args: argparse.Namespace) -> int:
    ctx = open_context()
    stats: dict[str, list] = {"latency_s": [], "intake_rows": [], "problems": []}
    try:
        history = HistoryService(ctx)
        location = next(x for x in SetupService(ctx).locations() if x.loc_id == AZ_LOC_ID)
        today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        stop = Path(args.stop_file)
        while not stop.exists():
            started = time.monotonic()
            try:
                entries = history.history(
                    location, today - timedelta(days=1), today + timedelta(days=2)
                )
                stats["latency_s"].append(round(time.monotonic() - started, 4))
                stats["intake_rows"].append(sum(1 for e in entries if e.source == "shared"))
                if entries.shared_problem:
                    stats["problems"].append(entries.shared_problem)
            except Exception as exc:  # a POS hiccup must not end the supervisor's loop
                stats["problems"].append(f"{type(exc).__name__}: {exc}"[:200])
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
    finally:
        Path(args.stats).write_text(json.dumps(stats))
        ctx.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="role", required=True)
    s = sub.add_parser("station")
    s.add_argument("--receives", type=int, default=200)
    s.add_argument("--scans", type=int, default=4)
    s.add_argument("--drain-timeout", type=float, default=300.0)
    v = sub.add_parser("supervisor")
    v.add_argument("--stop-file", required=True)
    v.add_argument("--stats", required=True)
    args = p.parse_args(argv)
    return station(args) if args.role == "station" else supervisor(args)


if __name__ == "__main__":
    sys.exit(main())
