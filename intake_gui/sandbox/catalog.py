"""The LSP's product master, generated instead of shipped.

Seventeen thousand products would be megabytes of seed data; a seeded RNG gives the same catalogue on
every machine in a few tens of milliseconds. Generation is sequential from one stream, so the first N
products are the same whatever `product_count` is, and receives recorded under one size stay valid under
another. A handful of fixed products (the course's Tommy Chong joint among them) are always present so
tests can name them.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

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

    def __init__(self, count: int) -> None:
        self.products: list[dict[str, Any]] = _generate(count)
        self.by_id: dict[int, dict[str, Any]] = {p["ProductId"]: p for p in self.products}

    @cached_property
    def products_json(self) -> bytes:
        """The whole list, serialised once: get-products-lite is the largest answer and is asked often."""
        return json.dumps(self.products, separators=(",", ":"), ensure_ascii=False).encode()

    @cached_property
    def seedable(self) -> list[dict[str, Any]]:
        """Cannabis products from the stable front of the catalogue, for seeded history and stock."""
        return [p for p in self.products[:3000] if p["IsCannabis"]]


@lru_cache(maxsize=4)
def catalog_for(count: int) -> Catalog:
    """Shared per size: every sandbox of a test run reuses the one catalogue instead of regenerating it."""
    return Catalog(count)
