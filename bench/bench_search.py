"""Type-ahead search: the time of each keystroke's search at 17k products (and, for reference, 200k).

Queries are what a clerk types: a brand and a word of the name, a strain, part of a SKU, the digits under a
barcode. Each query starts cold (cache cleared) and is typed one character at a time, with a typo and a
backspace now and then. Target: p95 < 15 ms per keystroke at 17k. Writes bench/out/search.json.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.catalog_gen import generate
from intake_gui.domain.catalog_index import CatalogIndex

OUT = Path(__file__).resolve().parent / "out"
TARGET_P95_MS = 15.0
QUERIES = 60


def queries(products: list, rng: random.Random) -> list[str]:
    out = []
    for _ in range(QUERIES):
        p = rng.choice(products)
        words = p.name.split()
        kind = rng.randrange(5)
        if kind == 0:
            out.append(f"{p.brand.split()[0]} {words[-2][:4]}")
        elif kind == 1:
            out.append(" ".join(words[len(p.brand.split()) :][:2]))
        elif kind == 2:
            out.append(p.sku[: rng.randint(3, 6)].lower())
        elif kind == 3 and p.gtin:
            out.append(p.gtin[2:][: rng.randint(5, 12)])
        else:
            out.append(p.name[: rng.randint(4, 18)].lower())
    return out


def keystrokes(query: str, rng: random.Random) -> list[str]:
    """Every intermediate text of the search box while typing `query`, with an occasional typo fixed."""
    states, text = [], ""
    for ch in query:
        if rng.random() < 0.08:
            states.append(text + "q")
            states.append(text)
        text += ch
        states.append(text)
    return states


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(size: int) -> dict[str, object]:
    products = generate(size)
    index = CatalogIndex(products)
    rng = random.Random(11)
    times: list[float] = []
    first_key: list[float] = []
    for query in queries(products, rng):
        index.clear_search_cache()
        for i, text in enumerate(keystrokes(query, rng)):
            t0 = time.perf_counter()
            index.search(text)
            elapsed = (time.perf_counter() - t0) * 1000
            times.append(elapsed)
            if i == 0:
                first_key.append(elapsed)
    return {
        "products": size,
        "keystrokes": len(times),
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(percentile(times, 0.95), 3),
        "p99_ms": round(percentile(times, 0.99), 3),
        "max_ms": round(max(times), 3),
        "first_keystroke_p95_ms": round(percentile(first_key, 0.95), 3),
    }


def main() -> dict[str, object]:
    small = measure(17_000)
    large = measure(200_000)
    result = {
        "benchmark": "search",
        "python": sys.version.split()[0],
        "results": [small, large],
        "target_p95_ms_17k": TARGET_P95_MS,
        "meets_target": small["p95_ms"] < TARGET_P95_MS,  # type: ignore[operator]
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
