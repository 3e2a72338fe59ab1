"""The shared record's two speeds: how many events a second one station can deliver, and how long a supervisor's
90-day history takes to join with a record holding 10,000 receives.

* **delivery**: a station journal holding N events (a receive's worth of each kind: opened, scans, submit, receipt,
  verification, with the draft snapshots they really carry) is drained by one `OutboxSender` into a fresh record,
  for a few batch sizes; events/s = N / time from start to "up to date".
* **supervisor**: 10,000 receives over 90 days (12 events each: 120,000 rows) are put in the record, then a
  supervisor PC (no journal of its own) joins the 10,000 POS rows of those 90 days with it (`HistoryService.join`,
  what the History window and `intake history` do after the POS read), and reads every receive of the chain sent
  in those 90 days (`SharedRecordReader.sent_between`). The POS read itself is left out: it is the POS's speed,
  not the record's.

Runs its own PostgreSQL (tests/shared_record/pg_server.py; as the `postgres` user when root).

    python bench/bench_shared_record.py [--events 20000] [--receives 10000] [--runs 3]

prints JSON and writes bench/out/shared_record.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "shared_record"))

from pg_server import PgServer  # noqa: E402

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor  # noqa: E402
from intake_gui.store.journal import Journal  # noqa: E402

TENANT = "dutchie|https://bench.example/api"
STORES = [
    Location(loc_id=1989 + i, name=f"Store {i}", lsp_id=575, timezone="America/Phoenix")
    for i in range(3)
]


def _draft(i: int, store: Location) -> ReceiveDraft:
    return ReceiveDraft(
        location=store,
        vendor=Vendor(vendor_id=39195 + i % 7, name=f"Vendor {i % 7}"),
        room=Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True),
        title=f"INV-{i:06d}",
        lines=tuple(
            DraftLine(
                product_id=11484902 + k,
                sku=f"SKU{(i + k) % 500:04d}",
                name=f"Product {(i + k) % 500}",
                quantity=Decimal(1 + k),
            )
            for k in range(3)
        ),
    )


def _fill_journal(journal: Journal, events: int) -> int:
    """About `events` events, receive by receive, each kind with its real payload."""
    report = json.dumps(
        {
            "receipt_id": 1,
            "checked_at": datetime.now(UTC).isoformat(),
            "attempt": 1,
            "lights": [
                {"kind": k, "state": "green", "headline": "ok"}
                for k in ("packages", "history", "sellable")
            ],
        }
    )
    i = 0
    written = 0
    who = {"actor": "Ana", "station": "Receiving-1"}
    while written < events:
        draft = _draft(i, STORES[0])
        journal.save_draft(draft, **who)
        for k in range(6):
            journal.record_event(draft.draft_id, "scan", {"code": f"SKU{k}", "n": k}, **who)
        journal.mark_submitting(draft.draft_id, actor="Ana")
        journal.record_event(draft.draft_id, "submit_attempt", {"attempt": 1, "lines": 3}, **who)
        journal.mark_submitted(draft.draft_id, 1_000_000 + i, actor="Ana")
        journal.mark_verified(draft.draft_id, report, True, actor="Ana")
        written += 11
        i += 1
    return written


def bench_delivery(pg: PgServer, events: int, batches: list[int]) -> list[dict[str, Any]]:
    from intake_gui.store.shared_record import admin
    from intake_gui.store.shared_record.config import parse
    from intake_gui.store.shared_record.db import SharedRecordDB
    from intake_gui.store.shared_record.sender import OutboxSender

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "journal.sqlite3"
        with Journal(source, tenant=TENANT) as journal:
            written = _fill_journal(journal, events)
        for batch in batches:
            database = pg.create_database()
            engine = pg.admin_engine(database)
            admin.init(engine)
            engine.dispose()
            copy = Path(tmp) / f"journal-{batch}.sqlite3"
            copy.write_bytes(source.read_bytes())
            db = SharedRecordDB(parse(pg.url(database)), password=pg.password)
            with Journal(copy, tenant=TENANT) as journal:
                db.record_id()  # connect first: the figure is sending, not the first TCP/TLS handshake
                started = time.perf_counter()
                sender = OutboxSender(journal, db, batch=batch).start()
                ok = sender.flush(600)
                elapsed = time.perf_counter() - started
                sender.stop()
            db.dispose()
            out.append(
                {
                    "batch": batch,
                    "events": written,
                    "seconds": round(elapsed, 3),
                    "events_per_s": round(written / elapsed),
                    "drained": ok,
                }
            )
    return out


def _receive_rows(i: int, when: datetime, store: Location, journal_id: str) -> list[dict]:
    from intake_gui.store.journal import OutboxEvent
    from intake_gui.store.shared_record.rows import event_row

    draft = _draft(i, store)
    payload = json.loads(draft.model_dump_json())
    receipt = 2_000_000 + i
    report = {
        "receipt_id": receipt,
        "checked_at": when.isoformat(),
        "attempt": 1,
        "lights": [
            {"kind": k, "state": "green", "headline": "ok"}
            for k in ("packages", "history", "sellable")
        ],
    }
    kinds: list[tuple[str, dict, dict | None]] = [
        ("created", {"title": draft.title}, {"draft": payload})
    ]
    kinds += [("scan", {"code": ln.sku}, None) for ln in draft.lines for _ in range(2)]
    kinds += [
        ("submitting", {"from": "open", "to": "submitting"}, {"draft": payload}),
        ("submit_attempt", {"attempt": 1}, None),
        ("submitted", {"from": "submitting", "to": "submitted", "receipt_id": receipt}, None),
        ("submit_result", {"outcome": "received", "receipt_id": receipt}, None),
        (
            "verified",
            {"from": "submitted", "to": "verified", "all_green": True},
            {"report": report},
        ),
    ]
    rows = []
    for n, (kind, data, snapshot) in enumerate(kinds):
        event = OutboxEvent(
            local_id=i * 20 + n,
            uid=uuid.uuid4().hex,
            draft_id=draft.draft_id,
            at=when + timedelta(seconds=n),
            actor=f"Clerk {i % 5}",
            station=f"Receiving-{i % 4 + 1}",
            kind=kind,
            data=data,
            tenant=TENANT,
            location_id=store.loc_id,
            snapshot=snapshot,
        )
        rows.append(event_row(event, journal_id))
    return rows


def bench_supervisor(pg: PgServer, receives: int, runs: int) -> dict[str, Any]:
    from sqlalchemy.dialects.postgresql import insert

    from intake_gui.domain.models import HistoryRow
    from intake_gui.services.history import HistoryService
    from intake_gui.services.shared_record import SharedRecord
    from intake_gui.store.shared_record import admin
    from intake_gui.store.shared_record.config import parse
    from intake_gui.store.shared_record.db import SharedRecordDB
    from intake_gui.store.shared_record.schema import events

    database = pg.create_database()
    engine = pg.admin_engine(database)
    admin.init(engine)
    now = datetime.now(UTC)
    pos_rows: list[HistoryRow] = []
    started = time.perf_counter()
    rows: list[dict] = []
    for i in range(receives):
        when = now - timedelta(days=90) * (i / receives)
        store = STORES[i % len(STORES)]
        rows.extend(_receive_rows(i, when, store, f"journal-{i % 4}"))
        pos_rows.append(
            HistoryRow(
                receipt_id=2_000_000 + i,
                received_at=when.replace(tzinfo=None),
                vendor_id=39195 + i % 7,
                vendor_name=f"Vendor {i % 7}",
                title=f"INV-{i:06d}",
                status="Received",
                product_count=3,
                total_quantity=Decimal(6),
            )
        )
        if len(rows) >= 5000:
            with engine.begin() as conn:
                conn.execute(insert(events), rows)
            rows = []
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(events), rows)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        from sqlalchemy import text

        conn.execute(text("VACUUM ANALYZE intake.events"))
        total_rows = conn.execute(text("SELECT count(*) FROM intake.events")).scalar()
    engine.dispose()
    fill_s = time.perf_counter() - started

    class _Writer:
        def flush(self, timeout: float = 5.0) -> bool:
            return True

    with tempfile.TemporaryDirectory() as tmp, Journal(Path(tmp) / "j.sqlite3") as journal:
        db = SharedRecordDB(parse(pg.url(database)), password=pg.password)
        shared = SharedRecord(db, TENANT, None)
        ctx = type("Ctx", (), {"writer": _Writer(), "journal": journal, "shared": shared})()
        service = HistoryService(ctx)  # type: ignore[arg-type]
        db.record_id()
        joins, chain = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            entries = service.join(list(pos_rows))
            joins.append(time.perf_counter() - t0)
            assert sum(1 for e in entries if e.source == "shared") == len(pos_rows)
            t0 = time.perf_counter()
            everything = shared.reader.sent_between(
                now - timedelta(days=90, hours=1), now + timedelta(hours=1)
            )
            chain.append(time.perf_counter() - t0)
            assert len(everything) == receives
        db.dispose()
    return {
        "receives_in_record": receives,
        "event_rows": total_rows,
        "fill_s": round(fill_s, 1),
        "pos_rows_90_days": len(pos_rows),
        "join_90_days_s": [round(x, 3) for x in joins],
        "join_90_days_median_s": round(statistics.median(joins), 3),
        "chain_90_days_s": [round(x, 3) for x in chain],
        "chain_90_days_median_s": round(statistics.median(chain), 3),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=20_000)
    p.add_argument("--receives", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--batches", default="100,500,2000")
    args = p.parse_args()
    pg = PgServer()
    pg.start()
    try:
        delivery = bench_delivery(pg, args.events, [int(b) for b in args.batches.split(",")])
        print(json.dumps({"delivery": delivery}), file=sys.stderr, flush=True)
        result = {
            "machine_note": "PostgreSQL on 127.0.0.1, fsync off (a throw-away test server)",
            "delivery": delivery,
            "supervisor": bench_supervisor(pg, args.receives, args.runs),
        }
    finally:
        pg.close()
    OUT.mkdir(exist_ok=True)
    (OUT / "shared_record.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
