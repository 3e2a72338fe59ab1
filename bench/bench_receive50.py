"""Wall time of a 50-line receive, submitted and verified, through the services the wizard uses.

One receive is what the clerk waits for after pressing Submit: the sellable baseline read, the receive itself
(journalled exactly-once), and the three verification reads that light the lights. Measured against the
embedded sandbox (the default station: the POS answers from threads of the same process) and against the
sandbox in another process (as a real tenant, minus the network). Client-side pacing stays at its default of
60 requests a minute, so the numbers include whatever the pacer costs.

`python bench/bench_receive50.py [--runs 5] [--lines 50]` prints JSON and writes bench/out/receive50.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))


def receive_runs(ctx: Any, runs: int, lines: int) -> dict[str, object]:
    from intake_gui.domain.models import DraftLine, ReceiveDraft
    from intake_gui.sandbox import AZ_LOC_ID
    from intake_gui.services.catalog import CatalogService
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService

    setup = SetupService(ctx)
    az = next(loc for loc in setup.locations() if loc.loc_id == AZ_LOC_ID)
    vendor = setup.vendors(az)[0]
    room = next(r for r in setup.rooms(az) if r.eligible and r.sellable)
    products = [p for p in CatalogService(ctx).sync(az).products if p.is_cannabis]
    receiving = ReceivingService(ctx)
    samples: dict[str, list[float]] = {"baseline": [], "submit": [], "verify": [], "total": []}
    all_green = True
    for run in range(runs):
        chosen = products[run * lines : (run + 1) * lines]
        draft = ReceiveDraft(
            location=az,
            vendor=vendor,
            room=room,
            title=f"Bench 50 #{run + 1}",
            lines=tuple(
                DraftLine(
                    product_id=p.product_id,
                    sku=p.sku,
                    name=p.name,
                    quantity=1 + i % 12,
                    unit_cost=p.unit_cost or Decimal("1.00"),
                )
                for i, p in enumerate(chosen)
            ),
        )
        t0 = time.perf_counter()
        baseline = receiving.baseline(draft)
        t1 = time.perf_counter()
        result = receiving.submit(draft)
        t2 = time.perf_counter()
        report = receiving.verify(
            draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at
        )
        t3 = time.perf_counter()
        all_green = all_green and report.all_green
        for name, value in (
            ("baseline", t1 - t0),
            ("submit", t2 - t1),
            ("verify", t3 - t2),
            ("total", t3 - t0),
        ):
            samples[name].append(value * 1000)
    return {
        "lines": lines,
        "runs": runs,
        "all_green": all_green,
        **{f"{name}_ms_median": round(statistics.median(v), 1) for name, v in samples.items()},
        "total_ms_all": [round(v, 1) for v in samples["total"]],
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args(argv)
    for key in [k for k in os.environ if k.startswith("INTAKE_")]:
        del os.environ[key]
    from bench.bench_stall import external_pos
    from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER
    from intake_gui.services.context import open_context
    from intake_gui.store.paths import HOME_ENV, app_paths
    from intake_gui.store.settings import StationSettings

    result: dict[str, object] = {"bench": "receive50"}
    with tempfile.TemporaryDirectory(prefix="intake-bench-receive50-") as tmp:
        os.environ[HOME_ENV] = str(Path(tmp) / "embedded")
        ctx = open_context(settings=StationSettings(station_name="bench"))
        try:
            result["embedded_sandbox"] = receive_runs(ctx, args.runs, args.lines)
        finally:
            ctx.close()
        os.environ[HOME_ENV] = str(Path(tmp) / "tenant")
        pos, api_base = external_pos(Path(tmp) / "pos")
        try:
            ctx = open_context(
                api_base=api_base,
                username=TRAINING_USER,
                password=TRAINING_SECRET,
                remember=False,
                paths=app_paths(),
                settings=StationSettings(station_name="bench"),
            )
            try:
                result["external_pos"] = receive_runs(ctx, args.runs, args.lines)
            finally:
                ctx.close()
        finally:
            pos.terminate()
            pos.wait(timeout=10)
        del os.environ[HOME_ENV]
    OUT.mkdir(exist_ok=True)
    (OUT / "receive50.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
