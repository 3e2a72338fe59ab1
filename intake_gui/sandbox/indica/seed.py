"""Deterministic seed data for the IndicaOnline emulator: offices, a catalog, packages and their stock.

The world is a pure function of (config, seed, generated_at), and nothing in the documented API changes it
(the document describes reads only), so the data dir keeps just those three values and every start rebuilds
the same world in a fraction of a second. Package ids are deliberately not in check-in order: a client that
sorts by id instead of by check_in_date gets FIFO wrong here.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from intake_gui.sandbox.indica.config import IndicaConfig

OFFICE_BASE_ID = 101
CITIES = (
    ("Los Angeles", "CA", "America/Los_Angeles"),
    ("San Diego", "CA", "America/Los_Angeles"),
    ("Sacramento", "CA", "America/Los_Angeles"),
    ("Oakland", "CA", "America/Los_Angeles"),
    ("Portland", "OR", "America/Los_Angeles"),
    ("Eugene", "OR", "America/Los_Angeles"),
    ("Seattle", "WA", "America/Los_Angeles"),
    ("Spokane", "WA", "America/Los_Angeles"),
    ("Denver", "CO", "America/Denver"),
    ("Boulder", "CO", "America/Denver"),
    ("Detroit", "MI", "America/Detroit"),
    ("Ann Arbor", "MI", "America/Detroit"),
)
BRANDS = (
    "Glass House",
    "Stiiizy",
    "Kiva",
    "Wyld",
    "Raw Garden",
    "Jeeter",
    "Cookies",
    "Plus",
    "Camino",
    "Pacific Stone",
    "Old Pal",
    "Lowell Farms",
    "Heavy Hitters",
    "Alien Labs",
)
STRAINS = (
    "Blue Dream",
    "Sour Diesel",
    "OG Kush",
    "Gelato",
    "Wedding Cake",
    "Zkittlez",
    "Runtz",
    "Mimosa",
    "Jack Herer",
    "Durban Poison",
    "Tangie",
    "Lemon Haze",
    "Purple Punch",
    "GMO",
)
CATEGORIES = (
    ("Flower", "weight"),
    ("Pre-Rolls", "unit"),
    ("Vaporizers", "unit"),
    ("Edibles", "unit"),
    ("Concentrates", "weight"),
    ("Tinctures", "unit"),
    ("Topicals", "unit"),
    ("Accessories", "unit"),
)
VENDORS = (
    "GreenFields Collective",
    "Golden State Distro",
    "Emerald Coast Supply",
    "Sunset Wholesale",
    "Redwood Logistics",
    "Cascade Cannabis Co",
)


def upc_a(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(11)]
    check = (10 - (sum(digits[0::2]) * 3 + sum(digits[1::2])) % 10) % 10
    return "".join(map(str, digits)) + str(check)


@dataclass
class IndicaWorld:
    """The seeded data with the indexes the endpoints need (built once: nothing documented changes it)."""

    generated_at: datetime
    offices: dict[int, dict[str, Any]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    packages: dict[int, dict[str, Any]] = field(default_factory=dict)
    package_product: dict[int, int] = field(default_factory=dict)
    stock: dict[int, dict[int, float]] = field(default_factory=dict)
    """package id -> office id -> quantity there (positive quantities only)."""
    row_updated: dict[tuple[int, int], int] = field(default_factory=dict)
    """(product id, office id) -> unix seconds of the last change to that inventory row."""
    rows: list[dict[str, Any]] = field(default_factory=list)
    rows_by_office: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    rows_by_product: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    product_packages: dict[int, list[int]] = field(default_factory=dict)

    def package_view(self, package_id: int) -> dict[str, Any]:
        """A package as the API shows it: available quantity and offices computed from the stock table."""
        pkg = {k: v for k, v in self.packages[package_id].items() if not k.startswith("_")}
        measure = pkg["measurement"]
        where = self.stock.get(package_id, {})
        available = round(sum(where.values()), 3)
        checked_in = self.packages[package_id]["_checked_in"]
        pkg["available_in_office"] = sorted(where)
        pkg["checked_in_quantity"] = {
            m: (checked_in if m == measure else None) for m in ("unit", "weight")
        }
        pkg["available_quantity"] = {
            m: (available if m == measure else None) for m in ("unit", "weight")
        }
        return pkg

    def index(self) -> None:
        """One row per (product, office) with stock; packages listed by id (not FIFO: the client sorts)."""
        by_row: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
        self.product_packages = defaultdict(list)
        for pkg_id in sorted(self.packages):
            self.product_packages[self.package_product[pkg_id]].append(pkg_id)
            for office_id, qty in self.stock.get(pkg_id, {}).items():
                by_row[(self.package_product[pkg_id], office_id)].append((pkg_id, qty))
        self.rows = []
        for (product_id, office_id), pkgs in sorted(
            by_row.items(), key=lambda kv: (kv[0][1], kv[0][0])
        ):
            self.rows.append(
                {
                    "product_id": product_id,
                    "office_id": office_id,
                    "measurement": self.products[product_id]["measurement"],
                    "quantity": round(sum(q for _, q in pkgs), 3),
                    "packages": [{"id": p, "quantity": q} for p, q in pkgs],
                }
            )
        self.rows_by_office = defaultdict(list)
        self.rows_by_product = defaultdict(list)
        for row in self.rows:
            self.rows_by_office[row["office_id"]].append(row)
            self.rows_by_product[row["product_id"]].append(row)


def generate(config: IndicaConfig, seed: int, generated_at: datetime) -> IndicaWorld:
    rng = random.Random(seed)
    world = IndicaWorld(generated_at=generated_at)
    today = generated_at.date()
    for n in range(config.office_count):
        oid = OFFICE_BASE_ID + n
        city, state, tz = CITIES[n % len(CITIES)]
        world.offices[oid] = {
            "id": oid,
            "name": f"GreenLeaf {city}" + ("" if n < len(CITIES) else f" {n}"),
            "type": 1,
            "selling_type": "In Store",
            "is_medical": n % 3 == 0,
            "is_recreational": True,
            "business_name": "GreenLeaf Collective",
            "state": state,
            "city": city,
            "timezone": tz,
            "medical_state_license_number": f"{state}-MED-{100000 + n}",
            "adult_use_state_license_number": f"{state}-AU-{200000 + n}",
        }
    skus: set[str] = set()
    for n in range(config.product_count):
        pid = 5000 + n
        cat, measure = rng.choice(CATEGORIES)
        brand = rng.choice(BRANDS)
        while True:
            sku = f"IO-{rng.randrange(16**6):06X}"
            if sku not in skus:
                skus.add(sku)
                break
        size = (
            rng.choice(("3.5g", "7g", "28g"))
            if measure == "weight"
            else rng.choice(("1g", "100mg", "each"))
        )
        world.products[pid] = {
            "id": pid,
            "name": f"{brand} {rng.choice(STRAINS)} {size}",
            "sku": sku,
            "barcode": upc_a(rng) if rng.random() < 0.7 else "",
            "brand": brand,
            "category": cat,
            "measurement": measure,
            "price": round(rng.uniform(5, 70), 2),
            "is_cannabis": cat != "Accessories",
        }
    product_ids = list(world.products)
    used_pkg_ids: set[int] = set()
    office_ids = list(world.offices)
    now_ts = int(generated_at.timestamp())
    for index, oid in enumerate(office_ids):
        lo, hi = config.other_office_rows
        count = config.first_office_rows if index == 0 else rng.randint(lo, hi)
        for pid in rng.sample(product_ids, min(count, len(product_ids))):
            measure = world.products[pid]["measurement"]
            for _ in range(rng.choice((1, 1, 2, 3))):
                while True:
                    pkg_id = rng.randrange(90_000, 999_999)
                    if pkg_id not in used_pkg_ids:
                        used_pkg_ids.add(pkg_id)
                        break
                checked_in = today - timedelta(days=rng.randrange(1, 200))
                unit = measure == "unit"
                qty: float = (
                    rng.choice((10, 20, 24, 50))
                    if unit
                    else rng.choice((28.35, 56.7, 113.4, 453.6))
                )
                world.packages[pkg_id] = {
                    "id": pkg_id,
                    "vendor": rng.choice(VENDORS),
                    "source_uid": None,
                    "batch_id": f"BCH-{checked_in.year}-{rng.randrange(10_000):04d}",
                    "harvest_production_date": (checked_in - timedelta(days=20)).isoformat(),
                    "uid": "1A4" + "".join(rng.choice("0123456789ABCDEF") for _ in range(21)),
                    "checked_in_to": oid,
                    "check_in_date": checked_in.isoformat(),
                    "packaged_date": (checked_in - timedelta(days=1)).isoformat(),
                    "best_by": (checked_in + timedelta(days=365)).isoformat(),
                    "measurement": measure,
                    "_checked_in": qty,
                    "tested_date": (checked_in + timedelta(days=5)).isoformat(),
                    "lab_results": [
                        {"id": 1, "measurement": 1, "potency": round(rng.uniform(10, 30), 2)}
                    ],
                }
                world.package_product[pkg_id] = pid
                share = rng.choice((1.0, 0.8, 0.5, 0.25))
                remaining = int(qty * share) if unit else round(qty * share, 2)
                moved: float = 0
                # Part of some packages moved on to another office; never into the first office, so its
                # row count stays exactly `first_office_rows`.
                if rng.random() < 0.15 and len(office_ids) > 2 and oid != office_ids[0]:
                    other = rng.choice([o for o in office_ids[1:] if o != oid])
                    moved = remaining // 2 if unit else round(remaining / 2, 2)
                    world.stock.setdefault(pkg_id, {})[other] = moved
                    world.row_updated[(pid, other)] = max(
                        world.row_updated.get((pid, other), 0), now_ts - rng.randrange(86_400 * 60)
                    )
                world.stock.setdefault(pkg_id, {})[oid] = round(remaining - moved, 2)
                world.row_updated[(pid, oid)] = max(
                    world.row_updated.get((pid, oid), 0), now_ts - rng.randrange(86_400 * 60)
                )
    # A few sold-out packages: they exist by id but never show among a product's active packages.
    stocked = sorted({pid for pid, _ in world.row_updated})
    for pid in rng.sample(stocked, k=min(25, len(stocked))):
        pkg_id = max(used_pkg_ids) + 1
        used_pkg_ids.add(pkg_id)
        world.packages[pkg_id] = {
            **world.packages[world_first_package(world, pid)],
            "id": pkg_id,
            "check_in_date": (today - timedelta(days=300)).isoformat(),
        }
        world.package_product[pkg_id] = pid
    world.index()
    return world


def world_first_package(world: IndicaWorld, product_id: int) -> int:
    return min(p for p, owner in world.package_product.items() if owner == product_id)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
