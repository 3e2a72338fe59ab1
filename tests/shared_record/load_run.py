"""The shared record's load test: stations receiving at once into one sandbox and one PostgreSQL, a supervisor
reading history every second, one station killed with SIGKILL while it sends and restarted, and the database
stopped for a while in the middle. Afterwards every event of every station must be in the shared record exactly
once, in that station's order.

Full size (the figures in RELIABILITY.md; a few minutes on 2 cores):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/shared_record/load_run.py \\
        --stations 5 --receives 200 --scans 4 --outage 30

`tests/shared_record/test_load.py` runs it small in CI. The sandbox runs in this process (real loopback HTTP);
stations and the supervisor are separate processes configured only through the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = str(HERE.parents[1])
sys.path.insert(0, str(HERE))
sys.path.insert(0, SRC)

from pg_server import PgServer  # noqa: E402

from intake_gui.sandbox import (  # noqa: E402
    TRAINING_SECRET,
    TRAINING_USER,
    EmbeddedSandbox,
    SandboxConfig,
)
from intake_gui.store.shared_record import admin  # noqa: E402


@dataclass
class Station:
    name: str
    login: str
    password: str
    home: Path
    receives: int
    scans: int
    proc: subprocess.Popen[str] | None = None
    done: set[int] = field(default_factory=set)
    finished: str = ""
    lines: list[str] = field(default_factory=list)
    starts: int = 0
    recovered: int = 0
    """Receives a kill left half-sent that the restart found landed (counted once, never re-sent)."""

    def env(self, base_url: str, record_url: str) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": SRC,
            "INTAKE_HOME": str(self.home),
            "INTAKE_API_BASE": base_url,
            "INTAKE_USERNAME": TRAINING_USER,
            "INTAKE_PASSWORD": TRAINING_SECRET,
            "INTAKE_STATION_NAME": self.name,
            "INTAKE_RATE_LIMIT_PER_MINUTE": "0",
            "INTAKE_SHARED_RECORD_URL": record_url,
            "INTAKE_SHARED_RECORD_PASSWORD": self.password,
        }

    def start(self, base_url: str, record_url: str) -> None:
        self.starts += 1
        self.finished = ""
        self.close()  # a restart after a kill: the dead process's pipes
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "load_worker.py"),
                "station",
                "--receives",
                str(self.receives),
                "--scans",
                str(self.scans),
            ],
            env=self.env(base_url, record_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        proc = self.proc
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        with proc.stdout:  # closed at end of output, so no ResourceWarning for the pipe
            for line in proc.stdout:
                self.lines.append(line.rstrip())
                if line.startswith("RECEIVED "):
                    self.done.add(int(line.split()[1]))
                elif line.startswith("RECOVERED landed"):
                    self.recovered += 1
                elif line.startswith("DONE "):
                    self.finished = line.strip()

    def close(self) -> None:
        """Kill the process if it still runs and close its stderr pipe (stdout is the reader's)."""
        _end(self.proc)

    @property
    def journal(self) -> Path:
        return self.home / "data" / "journal.sqlite3"


def _end(proc: subprocess.Popen[str] | None) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()


def _local_events(station: Station, tenant: str) -> tuple[str, list[tuple[str, int]]]:
    conn = sqlite3.connect(f"file:{station.journal}?mode=ro", uri=True)
    try:
        journal_id = conn.execute("SELECT value FROM meta WHERE key = 'journal_id'").fetchone()[0]
        rows = conn.execute(
            "SELECT uid, id FROM events WHERE tenant = ? ORDER BY id", (tenant,)
        ).fetchall()
    finally:
        conn.close()
    return journal_id, [(str(u), int(i)) for u, i in rows]


def _shared_events(engine: Any, journal_id: str) -> list[tuple[str, int]]:
    from sqlalchemy import select

    from intake_gui.store.shared_record.schema import events

    with engine.connect() as conn:
        rows = conn.execute(
            select(events.c.event_id, events.c.journal_seq)
            .where(events.c.journal_id == journal_id)
            .order_by(events.c.seq)
        ).all()
    return [(str(e).replace("-", ""), int(s)) for e, s in rows]


def _cursor(station: Station) -> list[tuple[str, int]]:
    conn = sqlite3.connect(f"file:{station.journal}?mode=ro", uri=True)
    try:
        return [
            (t, int(i)) for t, i in conn.execute("SELECT target, last_event_id FROM outbox_cursor")
        ]
    finally:
        conn.close()


def _counts(victim: Station, conn: Any, tenant: str) -> tuple[int, int]:
    """(events in the station's journal, events of that journal in the record), cheaply."""
    from sqlalchemy import text

    local = sqlite3.connect(f"file:{victim.journal}?mode=ro", uri=True)
    try:
        journal_id = local.execute("SELECT value FROM meta WHERE key = 'journal_id'").fetchone()[0]
        mine = local.execute("SELECT count(*) FROM events WHERE tenant = ?", (tenant,)).fetchone()[
            0
        ]
    finally:
        local.close()
    theirs = conn.execute(
        text("SELECT count(*) FROM intake.events WHERE journal_id = :j"), {"j": journal_id}
    ).scalar()
    return int(mine), int(theirs)


def _kill_mid_send(victim: Station, engine: Any, tenant: str, patience_s: float = 15.0) -> str:
    """SIGKILL the station while it sends: while its sender's database session is busy *and* its journal holds
    events the record has not committed, if that can be caught (pg_stat_activity, polled); else while events
    merely wait; says which it was."""
    from sqlalchemy import text

    assert victim.proc is not None
    deadline = time.monotonic() + patience_s
    how = "at a random moment"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        busy_sql = text(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = :user "
            "AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')"
        )
        while time.monotonic() < deadline and victim.proc.poll() is None:
            if conn.execute(busy_sql, {"user": victim.login}).scalar():
                mine, theirs = _counts(victim, conn, tenant)
                if mine > theirs:
                    how = "inside its database transaction, with events not yet committed"
                    break
            elif time.monotonic() > deadline - patience_s / 3:
                mine, theirs = _counts(victim, conn, tenant)
                if mine > theirs:
                    how = "with events waiting to be sent"
                    break
    os.kill(victim.proc.pid, signal.SIGKILL)
    victim.proc.wait()
    return how


def run(
    *,
    stations: int = 5,
    receives: int = 200,
    scans: int = 4,
    outage_s: float = 30.0,
    kill: bool = True,
    work: Path | None = None,
    timeout_s: float = 1800.0,
    log: Any = print,
) -> dict[str, Any]:
    work = work or Path(tempfile.mkdtemp(prefix="intake-load-"))
    started = time.monotonic()
    pg = PgServer()
    pg.start()
    box = EmbeddedSandbox(
        work / "sandbox", config=SandboxConfig(rate_limit_per_minute=0, product_count=300)
    )
    box.start()
    supervisor_proc = None
    fleet: list[Station] = []
    figures: dict[str, Any] = {}
    try:
        database = pg.create_database()
        engine = pg.admin_engine(database)
        admin.init(engine)
        for i in range(stations):
            name = f"Receiving-{i + 1}"
            password = secrets.token_urlsafe(12)
            admin.add_login(engine, f"station{i + 1}", "station", password)
            fleet.append(Station(name, f"station{i + 1}", password, work / name, receives, scans))
        office_password = secrets.token_urlsafe(12)
        admin.add_login(engine, "office", "supervisor", office_password)
        tenant = f"dutchie|{box.base_url.rstrip('/')}"

        stop_file, stats_file = work / "stop", work / "supervisor.json"
        office = Station("Office", "office", office_password, work / "Office", 0, 0)
        supervisor_proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "load_worker.py"),
                "supervisor",
                "--stop-file",
                str(stop_file),
                "--stats",
                str(stats_file),
            ],
            env=office.env(box.base_url, pg.url(database, "office")),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for s in fleet:
            s.start(box.base_url, pg.url(database, s.login))

        victim = fleet[1 % len(fleet)]
        killed = outage_done = False
        deadline = time.monotonic() + timeout_s
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"load test did not finish in {timeout_s} s")
            total = sum(len(s.done) for s in fleet)
            if (
                kill
                and not killed
                and len(victim.done) >= max(1, receives // 3)
                and victim.proc is not None
                and victim.proc.poll() is None
            ):
                how = _kill_mid_send(victim, engine, tenant)
                journal_id, local = _local_events(victim, tenant)
                in_record = len(_shared_events(engine, journal_id))
                figures["kill"] = {
                    "station": victim.name,
                    "after_receives": len(victim.done),
                    "caught": how,
                    "journal_events": len(local),
                    "in_record_at_kill": in_record,
                    "waiting_at_kill": len(local) - in_record,
                }
                log(f"killed {victim.name}: {figures['kill']}")
                victim.start(box.base_url, pg.url(database, victim.login))
                killed = True
            if outage_s and not outage_done and total >= stations * receives // 2:
                log(f"stopping the database for {outage_s:.0f} s at {total} receives")
                t0 = time.monotonic()
                pg.stop()
                time.sleep(outage_s)
                during = sum(len(s.done) for s in fleet) - total
                pg.start()
                figures["outage"] = {
                    "seconds": round(time.monotonic() - t0, 1),
                    "at_receives": total,
                    "receives_during_outage": during,
                }
                outage_done = True
            if all(s.proc is not None and s.proc.poll() is not None for s in fleet):
                break
            time.sleep(0.1)
        failed = [s for s in fleet if s.proc is None or s.proc.returncode != 0]
        for s in failed:
            err = s.proc.stderr.read() if s.proc and s.proc.stderr else ""
            log(f"{s.name} exited {s.proc.returncode if s.proc else None}: {err[-2000:]}")
        stop_file.touch()
        supervisor_proc.wait(60)
        elapsed = time.monotonic() - started

        per_station = []
        for s in fleet:
            journal_id, local = _local_events(s, tenant)
            shared = _shared_events(engine, journal_id)
            per_station.append(
                {
                    "station": s.name,
                    "receives": len(s.done),
                    "recovered_after_kill": s.recovered,
                    "starts": s.starts,
                    "journal_events": len(local),
                    "record_events": len(shared),
                    "missing": len(set(local) - set(shared)),
                    "missing_ids": sorted(i for _u, i in set(local) - set(shared))[:20],
                    "cursor": _cursor(s),
                    "extra": len(set(shared) - set(local)),
                    "duplicates": len(shared) - len(set(shared)),
                    "in_station_order": [seq for _u, seq in shared]
                    == sorted(seq for _u, seq in shared),
                    "exit": s.proc.returncode if s.proc else None,
                    "done": s.finished,
                }
            )
        landed = box.admin.receives()
        tags = [r.get("order_title") or r.get("OrderTitle") or "" for r in landed]
        sup = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        latencies = sup.get("latency_s", [])
        figures.update(
            {
                "stations": stations,
                "receives_per_station": receives,
                "scans_per_receive": scans,
                "elapsed_s": round(elapsed, 1),
                "per_station": per_station,
                "events_total": sum(p["journal_events"] for p in per_station),
                "missing_total": sum(p["missing"] for p in per_station),
                "extra_total": sum(p["extra"] for p in per_station),
                "duplicates_total": sum(p["duplicates"] for p in per_station),
                "all_in_order": all(p["in_station_order"] for p in per_station),
                "pos_receives": len(landed),
                "pos_duplicate_titles": len(tags) - len(set(tags)),
                "supervisor_reads": len(latencies),
                "supervisor_read_p50_s": statistics.median(latencies) if latencies else None,
                "supervisor_read_max_s": max(latencies) if latencies else None,
                "supervisor_reads_without_record": len(sup.get("problems", [])),
                "supervisor_rows_last": (sup.get("intake_rows") or [None])[-1],
            }
        )
        engine.dispose()
        return figures
    finally:
        for s in fleet:
            s.close()
        _end(supervisor_proc)
        box.stop()
        pg.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stations", type=int, default=5)
    p.add_argument("--receives", type=int, default=200)
    p.add_argument("--scans", type=int, default=4)
    p.add_argument("--outage", type=float, default=30.0)
    p.add_argument("--no-kill", action="store_true")
    args = p.parse_args()
    figures = run(
        stations=args.stations,
        receives=args.receives,
        scans=args.scans,
        outage_s=args.outage,
        kill=not args.no_kill,
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )
    print(json.dumps(figures, indent=2))
    ok = (
        figures["missing_total"] == 0
        and figures["extra_total"] == 0
        and figures["duplicates_total"] == 0
        and figures["all_in_order"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
