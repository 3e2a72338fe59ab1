"""The LSP's product master, generated instead of shipped.

Seventeen thousand products would be megabytes of seed data; a seeded RNG gives the same catalogue on
every machine. Generation is sequential from one stream, so the first N products are the same whatever
`product_count` is, and receives recorded under one size stay valid under another. A handful of fixed
products (the course's Tommy Chong joint among them) are always present so tests can name them.

Generating 17k products costs a quarter of a second of pure Python, paid on every start of the embedded
sandbox, i.e. on every start of a training station; `catalog_for(count, cache_dir)` therefore keeps the
serialised result in the sandbox's data dir and a second start only parses it. The cache file is named by a
fingerprint of the generator itself (its code and tables), so changing the generator can never serve an old
catalogue: the new fingerprint simply misses and the file is rewritten.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import random
import sys
import threading
import types
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LSP_ID = 575

_ID_BASE = 11_399_994
_ID_STRIDE = 11
# Generated ids are _ID_BASE + stride*i + (0..9); the fixed products sit on slot 10 of a stride, so
# the two can never collide whatever the catalogue size.

_BRANDS = (
    "Desert Sol",
    "High Mesa",
    "Copper Canyon",
    "Sonoran Roots",
    "Lakeshore Farms",
    "Pine & Peak",
    "Kind Acres",
    "Golden Hour",
    "Cloud Nine Extracts",
    "Velvet Leaf",
    "Red Rock Remedies",
    "North Star Labs",
    "Blue Agave",
    "Mojave Gardens",
    "Harvest Moon",
    "Urban Orchard",
    "Sunset Cultivators",
    "Tommy Chong",
    "Saguaro Select",
    "Riverbend",
    "Canyon Cured",
    "Monsoon",
)
_STRAINS = (
    "Blue Dream",
    "OG Kush",
    "Sour Diesel",
    "Gelato",
    "Wedding Cake",
    "Gorilla Glue #4",
    "Girl Scout Cookies",
    "Pineapple Express",
    "Granddaddy Purple",
    "Jack Herer",
    "Durban Poison",
    "Northern Lights",
    "Zkittlez",
    "Runtz",
    "Mimosa",
    "Ice Cream Cake",
    "Purple Punch",
    "Apple Fritter",
    "Lemon Haze",
    "Tangie",
    "Sundae Driver",
    "Cereal Milk",
    "Biscotti",
    "MAC 1",
    "Trainwreck",
    "Strawberry Cough",
    "Bubba Kush",
    "White Widow",
    "Chemdawg",
    "Do-Si-Dos",
    "Green Crack",
    "Animal Mints",
)
_FLAVOURS = (
    "Raspberry",
    "Watermelon",
    "Sour Apple",
    "Mango",
    "Blueberry",
    "Peach",
    "Lime",
    "Cherry",
    "Pomegranate",
    "Tropical",
    "Huckleberry",
    "Prickly Pear",
)
_TYPES = ("(I)", "(S)", "(H)")

_CATEGORY_WEIGHTS = (
    ("Flower", 25),
    ("Pre-Roll", 15),
    ("Vape", 17),
    ("Edible", 15),
    ("Concentrate", 10),
    ("Tincture", 4),
    ("Topical", 3),
    ("Beverage", 3),
    ("Capsule", 2),
    ("Accessory", 6),
)
_CATEGORIES = tuple(c for c, _ in _CATEGORY_WEIGHTS)
_CUM_WEIGHTS = tuple(itertools.accumulate(w for _, w in _CATEGORY_WEIGHTS))

_ACCESSORIES = (
    ("Glass Pipe 4in", 6.0),
    ("Rolling Papers King Size", 1.2),
    ("Grinder 4pc", 9.5),
    ("Lighter", 0.8),
    ("510 Battery", 7.0),
    ("Rolling Tray", 4.5),
    ("Hemp Wick", 1.5),
    ("Stash Jar", 3.0),
    ("Cone Filler", 12.0),
)


def upc_check_digit(first11: str) -> str:
    """UPC-A check digit: scanners reject a code whose last digit does not match, so ours must be real."""
    odd = sum(int(d) for d in first11[0::2])
    even = sum(int(d) for d in first11[1::2])
    return str((10 - (odd * 3 + even) % 10) % 10)


def _upc(first11: str) -> str:
    return first11 + upc_check_digit(first11)


@dataclass(frozen=True)
class KnownProduct:
    product_id: int
    sku: str
    name: str
    brand: str
    category: str
    unit_cost: float
    upc: str
    is_cannabis: bool = True


KNOWN_PRODUCTS: tuple[KnownProduct, ...] = (
    KnownProduct(
        11484902,
        "3B4791",
        "Tommy Chong Joint (H)",
        "Tommy Chong",
        "Pre-Roll",
        4.25,
        _upc("85000479100"),
    ),
    KnownProduct(
        11401104,
        "4D2210",
        "Desert Sol Blue Dream 3.5g (H)",
        "Desert Sol",
        "Flower",
        18.0,
        _upc("86000221003"),
    ),
    KnownProduct(
        11422004, "2C1108", "High Mesa Gelato Cartridge 1g (H)", "High Mesa", "Vape", 14.5, ""
    ),
    KnownProduct(
        11444004,
        "7A0042",
        "Sandbox Glass Pipe 4in",
        "Velvet Leaf",
        "Accessory",
        6.0,
        _upc("07000004201"),
        is_cannabis=False,
    ),
)
"""Products every sandbox has, for tests and the training script: one with and one without a barcode,
and an accessory (not cannabis)."""

TOMMY_CHONG = KNOWN_PRODUCTS[0]


def _describe(rng: random.Random, category: str) -> tuple[str, float, int]:
    """A product name, unit cost and unit id that look like a real menu line for the category."""
    strain = rng.choice(_STRAINS)
    kind = rng.choice(_TYPES)
    if category == "Flower":
        size, cost = rng.choice(
            (("1g", 4.0), ("3.5g", 14.0), ("7g", 26.0), ("14g", 48.0), ("28g", 90.0))
        )
        if rng.random() < 0.04:
            return f"{strain} Bulk Flower {kind}", round(rng.uniform(2.0, 4.0), 2), 2
        return f"{strain} {size} {kind}", round(cost * rng.uniform(0.8, 1.25), 2), 1
    if category == "Pre-Roll":
        form, cost = rng.choice(
            (
                ("Pre-Roll 0.5g", 3.0),
                ("Pre-Roll 1g", 5.0),
                ("Infused Pre-Roll 1g", 8.0),
                ("Pre-Roll 5pk 3.5g", 16.0),
                ("Joint", 4.0),
            )
        )
        return f"{strain} {form} {kind}", round(cost * rng.uniform(0.8, 1.25), 2), 1
    if category == "Vape":
        form, cost = rng.choice(
            (
                ("Cartridge 0.5g", 9.0),
                ("Cartridge 1g", 15.0),
                ("Disposable 1g", 17.0),
                ("Live Resin Cart 1g", 20.0),
            )
        )
        return f"{strain} {form} {kind}", round(cost * rng.uniform(0.8, 1.25), 2), 1
    if category == "Edible":
        flavour = rng.choice(_FLAVOURS)
        form, cost = rng.choice(
            (
                (f"{flavour} Gummies 100mg", 7.0),
                (f"{flavour} Chews 100mg", 6.5),
                ("Dark Chocolate Bar 100mg", 8.0),
                (f"{flavour} Gummies 10pk 50mg", 4.5),
                ("Peanut Butter Cups 100mg", 9.0),
            )
        )
        return form, round(cost * rng.uniform(0.85, 1.2), 2), 1
    if category == "Concentrate":
        form = rng.choice(
            ("Live Resin", "Shatter", "Badder", "Live Rosin", "Diamonds", "Sugar", "Hash")
        )
        return f"{strain} {form} 1g {kind}", round(rng.uniform(12.0, 38.0), 2), 1
    if category == "Tincture":
        ratio = rng.choice(("1:1 CBD:THC", "THC 1000mg", "20:1 CBD:THC", "Sleep CBN 500mg"))
        return f"{ratio} Tincture 30ml", round(rng.uniform(14.0, 34.0), 2), 1
    if category == "Topical":
        form = rng.choice(
            ("Relief Balm 500mg", "Transdermal Patch 20mg", "Cooling Lotion 250mg", "Bath Soak")
        )
        return form, round(rng.uniform(6.0, 24.0), 2), 1
    if category == "Beverage":
        return f"{rng.choice(_FLAVOURS)} Seltzer 10mg", round(rng.uniform(2.5, 5.0), 2), 1
    if category == "Capsule":
        return (
            rng.choice(("THC Capsules 10pk 100mg", "CBD:THC Softgels 30pk")),
            round(rng.uniform(9, 30), 2),
            1,
        )
    name, cost = rng.choice(_ACCESSORIES)
    return name, round(cost * rng.uniform(0.9, 1.2), 2), 1


def _generate(count: int) -> list[dict[str, Any]]:
    rng = random.Random(0x1989_0575)
    known_skus = {k.sku for k in KNOWN_PRODUCTS}
    known_upcs = {k.upc for k in KNOWN_PRODUCTS if k.upc}
    skus: set[str] = set(known_skus)
    upcs: set[str] = set(known_upcs)
    products: list[dict[str, Any]] = [
        {
            "ProductId": k.product_id,
            "Sku": k.sku,
            "ProductName": k.name,
            "BrandName": k.brand,
            "Category": k.category,
            "UnitCost": k.unit_cost,
            "UnitId": 1,
            "Upc": k.upc,
            "IsCannabis": k.is_cannabis,
        }
        for k in KNOWN_PRODUCTS
    ]
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    for i in range(max(0, count - len(KNOWN_PRODUCTS))):
        while True:
            sku = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.randint(0, 9999):04d}"
            if sku not in skus:
                skus.add(sku)
                break
        category = rng.choices(_CATEGORIES, cum_weights=_CUM_WEIGHTS)[0]
        brand = rng.choice(_BRANDS)
        desc, cost, unit_id = _describe(rng, category)
        upc = ""
        if rng.random() < 0.7:
            while True:
                upc = _upc(rng.choice("0678") + f"{rng.randint(0, 9_999_999_999):010d}")
                if upc not in upcs:
                    upcs.add(upc)
                    break
        products.append(
            {
                "ProductId": _ID_BASE + _ID_STRIDE * i + rng.randint(0, 9),
                "Sku": sku,
                "ProductName": f"{brand} {desc}",
                "BrandName": brand,
                "Category": category,
                "UnitCost": cost,
                "UnitId": unit_id,
                "Upc": upc,
                "IsCannabis": category != "Accessory",
            }
        )
    products.sort(key=lambda p: p["ProductId"])
    return products


class Catalog:
    """The generated product master, indexed the ways the API reads it. Treat its dicts as read-only."""

    def __init__(self, count: int, *, products: list[dict[str, Any]] | None = None) -> None:
        """`products` is a list `_generate(count)` produced earlier (read back from the cache file)."""
        self.products: list[dict[str, Any]] = _generate(count) if products is None else products
        self.by_id: dict[int, dict[str, Any]] = {p["ProductId"]: p for p in self.products}
        self.rendered: dict[str, bytes] = {}
        """The catalogue serialised per dialect name (filled by the runtime on first use)."""

    @cached_property
    def products_json(self) -> bytes:
        """The whole list, serialised once: get-products-lite is the largest answer and is asked often."""
        return serialise(self.products)

    @cached_property
    def seedable(self) -> list[dict[str, Any]]:
        """Cannabis products from the stable front of the catalogue, for seeded history and stock."""
        return [p for p in self.products[:3000] if p["IsCannabis"]]


def product_record(product: dict[str, Any]) -> dict[str, Any]:
    """A catalogue product as the canonical record a dialect renders (see `dialects.base`)."""
    return {
        "product_id": product["ProductId"],
        "sku": product["Sku"],
        "name": product["ProductName"],
        "brand": product["BrandName"],
        "category": product["Category"],
        "unit_cost": product["UnitCost"],
        "unit_id": product["UnitId"],
        "upc": product["Upc"],
        "is_cannabis": product["IsCannabis"],
    }


_SERIALISE_CHUNK = 500


def serialise(products: list[dict[str, Any]]) -> bytes:
    """`json.dumps(products)` compact, byte for byte, but encoded a few hundred products at a time: one
    dumps of the whole list holds the GIL for tens of ms, and an embedded sandbox shares the GIL with a
    window (a training station's first start serialises the catalogue while its window paints)."""
    parts = [
        json.dumps(products[i : i + _SERIALISE_CHUNK], separators=(",", ":"), ensure_ascii=False)[
            1:-1
        ]
        for i in range(0, len(products), _SERIALISE_CHUNK)
    ]
    return ("[" + ",".join(parts) + "]").encode()


def _digest_code(code: types.CodeType, digest: Any) -> None:
    """Bytecode, names and constants, recursively; no file name or line numbers, so moving or re-commenting
    the module keeps the fingerprint while any change to what the generator computes alters it."""
    digest.update(code.co_code)
    digest.update(repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _digest_code(const, digest)
        else:
            digest.update(repr(const).encode())


def generator_fingerprint() -> str:
    """What the generated catalogue depends on: the generator's code, its tables and Python's `random`."""
    digest = hashlib.sha256()
    for fn in (_generate, _describe, _upc, upc_check_digit):
        _digest_code(fn.__code__, digest)
    tables = (
        _ID_BASE,
        _ID_STRIDE,
        _BRANDS,
        _STRAINS,
        _FLAVOURS,
        _TYPES,
        _CATEGORY_WEIGHTS,
        _ACCESSORIES,
        KNOWN_PRODUCTS,
        sys.version_info[:2],
    )
    digest.update(repr(tables).encode())
    return digest.hexdigest()[:16]


CACHE_PREFIX = "product-master-"


def cache_file(cache_dir: Path, count: int) -> Path:
    return cache_dir / f"{CACHE_PREFIX}{count}-{generator_fingerprint()}.json"


def _float(text: str) -> float:
    """`parse_float` as a Python function, not `float` itself: json holds the GIL for the whole 3 MB parse,
    and each call into Python code lets a waiting thread have it (the embedded sandbox starts beside a
    window that is painting its first frame)."""
    return float(text)


def _load_cached(path: Path, count: int) -> Catalog | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("Cannot read the sandbox catalogue cache %s: %s", path, exc.strerror)
        return None
    try:
        products = json.loads(raw, parse_float=_float)
    except ValueError:
        log.warning("The sandbox catalogue cache %s is corrupt; generating afresh", path)
        return None
    if not isinstance(products, list) or len(products) != count:
        log.warning("The sandbox catalogue cache %s has the wrong size; generating afresh", path)
        return None
    catalog = Catalog(count, products=products)
    # The file *is* the API's answer: keep its bytes instead of serialising the list again.
    catalog.__dict__["products_json"] = raw
    return catalog


def _store(path: Path, catalog: Catalog) -> None:
    """Atomic (a crash mid-write leaves no half file to parse) and best effort (a read-only data dir only
    costs the next start its generation time)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(catalog.products_json)
        os.replace(tmp, path)
        for stale in path.parent.glob(f"{CACHE_PREFIX}{len(catalog.products)}-*.json"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("Cannot write the sandbox catalogue cache %s: %s", path, exc.strerror)
        tmp.unlink(missing_ok=True)


_shared: dict[int, Catalog] = {}
_shared_lock = threading.Lock()


def catalog_for(count: int, cache_dir: Path | None = None) -> Catalog:
    """Shared per size within a process (every sandbox of a test run reuses the one catalogue) and, with
    `cache_dir`, across processes: a station's second start reads the catalogue instead of generating it."""
    with _shared_lock:
        catalog = _shared.get(count)
        if catalog is not None:
            return catalog
        path = cache_file(cache_dir, count) if cache_dir is not None else None
        catalog = _load_cached(path, count) if path is not None else None
        if catalog is None:
            catalog = Catalog(count)
            if path is not None:
                _store(path, catalog)
        if len(_shared) >= 4:
            _shared.pop(next(iter(_shared)))
        _shared[count] = catalog
        return catalog
