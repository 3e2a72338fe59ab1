"""Resident memory of a station with the 17k-product catalog loaded: target < 250 MB.

Each kind of station runs in a fresh process (memory is a property of the whole process): the default one, whose
embedded sandbox lives in the same process and holds its own copy of the catalog and seed data, and one whose POS
is another process, as on a real tenant. RSS is read at each step (VmRSS from /proc/self/status, or psutil
where there is no /proc), with the peak (VmHWM) at the end:

- started: window up, Location page filled;
- catalog: AZ chosen, the 17k catalog synced, indexed and in the Products page;
- refreshed: synced again while in use (the old snapshot must be released, not kept beside the new one; the
  count of live Product objects tells a retained catalog from memory the allocator merely has not returned);
- received: a 10-line receive submitted and verified.

`python bench/bench_memory.py` prints JSON and writes bench/out/memory.json.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))

TARGET_MB = 250.0
CHILD_TIMEOUT_S = 300


def rss_mb() -> dict[str, float]:
    """Current and peak resident set size in MB."""
    status = Path("/proc/self/status")
    if status.exists():
        fields = {}
        for line in status.read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
        return {"rss_mb": round(fields["VmRSS"], 1), "peak_mb": round(fields["VmHWM"], 1)}
    import psutil  # only where /proc is missing (Windows, macOS)

    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", info.rss)
    return {"rss_mb": round(info.rss / 2**20, 1), "peak_mb": round(peak / 2**20, 1)}


def live_products() -> int:
    """Product objects alive right now: tells a retained old catalog from allocator fragmentation."""
    from intake_gui.domain.models import Product

    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj) is Product)


def child(kind: str, home: Path) -> dict[str, object]:
    from bench.bench_stall import Station, external_pos, offscreen_unless_display

    offscreen_unless_display()
    for key in [k for k in os.environ if k.startswith("INTAKE_")]:
        del os.environ[key]
    from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER

    steps: dict[str, dict[str, float]] = {"python": rss_mb()}
    pos = None
    api_base = None
    if kind == "external":
        pos, api_base = external_pos(home / "pos")
        os.environ["INTAKE_PASSWORD"] = TRAINING_SECRET
    try:
        station = Station(
            home / "station", api_base=api_base, username=TRAINING_USER if api_base else ""
        )
        station.start()
        station.settle()
        gc.collect()
        steps["started"] = rss_mb()
        station.choose_location(AZ_LOC_ID)
        catalog_products = len(station.wait_synced_catalog(1).products)
        station.to_products()
        station.settle()
        steps["catalog"] = {**rss_mb(), "live_products": live_products()}
        station.wizard.refresh_catalog()
        station.wait_synced_catalog(2)
        station.settle()
        steps["refreshed"] = {**rss_mb(), "live_products": live_products()}
        station.scan_products(10)
        report = station.submit_and_verify()
        station.settle()
        gc.collect()
        steps["received"] = rss_mb()
        station.close()
    finally:
        if pos is not None:
            pos.terminate()
            pos.wait(timeout=10)
    loaded = steps["catalog"]["rss_mb"]
    return {
        "catalog_products": catalog_products,
        "lights_green": bool(report.all_green),
        "steps": steps,
        "catalog_cost_mb": round(loaded - steps["started"]["rss_mb"], 1),
        "refresh_growth_mb": round(steps["refreshed"]["rss_mb"] - loaded, 1),
        "rss_with_catalog_mb": loaded,
        "peak_mb": steps["received"]["peak_mb"],
        "pass": loaded < TARGET_MB,
    }


def main() -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    result: dict[str, object] = {"bench": "memory", "target_mb": TARGET_MB}
    with tempfile.TemporaryDirectory(prefix="intake-bench-memory-") as tmp:
        for kind in ("embedded", "external"):
            home = Path(tmp) / kind
            home.mkdir()
            proc = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(home)],
                capture_output=True,
                text=True,
                env=env,
                timeout=CHILD_TIMEOUT_S,
            )
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode != 0 or not lines:
                raise RuntimeError(f"{kind} station failed:\n{proc.stderr[-3000:]}")
            key = "embedded_sandbox" if kind == "embedded" else "external_pos"
            result[key] = json.loads(lines[-1])
    result["pass"] = bool(result["embedded_sandbox"]["pass"])  # type: ignore[index]
    OUT.mkdir(exist_ok=True)
    (OUT / "memory.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]))), flush=True)
    else:
        main()
