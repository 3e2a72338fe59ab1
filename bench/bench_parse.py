"""Catalog parse time: the 17k-row products answer (`Data`) to domain Products, as the connector does it.

The tolerant reader must not make the catalogue much slower (issue 11). `python bench/bench_parse.py`
prints JSON (median/min of 7 runs at 17k rows, wall and CPU time, PascalCase as the sandbox sends and
camelCase as a dialect does) and writes bench/out/parse.json. To compare with an older parser, run this
file at both commits (`git stash`/`git checkout <rev> -- intake_gui/pos/dutchie/`).
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake_gui.pos.dutchie import wire
from intake_gui.sandbox.catalog import catalog_for

OUT = Path(__file__).resolve().parent / "out"


def _camel(row: dict[str, object]) -> dict[str, object]:
    return {k[:1].lower() + k[1:]: v for k, v in row.items()}


def measure(rows: list[dict[str, object]], runs: int = 7) -> dict[str, float]:
    """Wall and CPU time of this process: on a shared machine the CPU figure is the steadier one."""
    wall, cpu = [], []
    for _ in range(runs):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        wire.parse_products(rows)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {
        "ms_median": round(statistics.median(wall), 1),
        "ms_min": round(min(wall), 1),
        "cpu_ms_median": round(statistics.median(cpu), 1),
        "cpu_ms_min": round(min(cpu), 1),
    }


def main() -> dict[str, object]:
    rows = json.loads(catalog_for(17_000).products_json, parse_float=Decimal)
    result = {
        "benchmark": "parse_products",
        "python": sys.version.split()[0],
        "rows": len(rows),
        "pascal": measure(rows),
        "camel": measure([_camel(r) for r in rows]),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "parse.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
