"""Catalog index build time at 17k and 200k products, and the cost of one scan lookup.

Target: build < 300 ms at 17k (it runs on every catalog load). `python bench/bench_index.py` prints JSON and
writes bench/out/index.json.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.catalog_gen import generate
from intake_gui.domain.barcode import interpret
from intake_gui.domain.catalog_index import CatalogIndex

OUT = Path(__file__).resolve().parent / "out"
TARGET_BUILD_MS_17K = 300


def measure(size: int, runs: int) -> dict[str, object]:
    products = generate(size)
    builds = []
    index = None
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        index = CatalogIndex(products)
        builds.append((time.perf_counter() - t0) * 1000)
    assert index is not None
    rng = random.Random(5)
    sample = [rng.choice(products) for _ in range(2000)]
    codes = [interpret(p.gtin[2:] if p.gtin else p.sku.lower()) for p in sample]
    t0 = time.perf_counter()
    hits = sum(1 for code in codes if index.lookup(code) is not None)
    lookup_us = (time.perf_counter() - t0) / len(codes) * 1e6
    interpret_t0 = time.perf_counter()
    for p in sample:
        interpret(p.gtin[2:] if p.gtin else p.sku)
    interpret_us = (time.perf_counter() - interpret_t0) / len(sample) * 1e6
    return {
        "products": size,
        "runs": runs,
        "build_ms_median": round(statistics.median(builds), 1),
        "build_ms_min": round(min(builds), 1),
        "build_ms_max": round(max(builds), 1),
        "lookup_us_mean": round(lookup_us, 2),
        "interpret_us_mean": round(interpret_us, 2),
        "lookup_hit_rate": hits / len(codes),
    }


def main() -> dict[str, object]:
    small = measure(17_000, runs=7)
    large = measure(200_000, runs=3)
    result = {
        "benchmark": "index",
        "python": sys.version.split()[0],
        "results": [small, large],
        "target_build_ms_17k": TARGET_BUILD_MS_17K,
        "meets_target": small["build_ms_median"] < TARGET_BUILD_MS_17K,  # type: ignore[operator]
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "index.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
