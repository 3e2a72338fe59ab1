"""A deterministic fake dispensary catalog for benchmarks: realistic names, unique SKUs, valid GTINs.

Independent of the sandbox's seed data on purpose: benchmarks must not move when the sandbox's fixtures
change, and the same seed must give the same catalog on every machine so timings stay comparable.
Run directly to print a sample: `python bench/catalog_gen.py 5`.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake_gui.domain.barcode import gs1_check_digit
from intake_gui.domain.models import Product

BRANDS = (
    "Tommy Chong",
    "Alien Labs",
    "Stiiizy",
    "Connected",
    "Cookies",
    "Raw Garden",
    "Kiva",
    "Wyld",
    "Select",
    "Jeeter",
    "Heavy Hitters",
    "Plug Play",
    "Camino",
    "Papa & Barkley",
    "Lowell Farms",
    "Old Pal",
    "Glass House",
    "Cresco",
    "Rythm",
    "Verano",
    "Grassroots",
    "Dogwalkers",
    "Pax",
    "Bloom",
    "Mint",
    "Sublime",
    "Item 9",
    "Harvest",
    "Timeless",
    "Dutchie Farms",
    "Green Dot",
    "Nature's Grace",
    "Kaviar",
    "Dime",
    "Huxton",
)
STRAINS = (
    "Blue Dream",
    "OG Kush",
    "Sour Diesel",
    "Gelato",
    "Wedding Cake",
    "Runtz",
    "Zkittlez",
    "GSC",
    "Jack Herer",
    "Granddaddy Purple",
    "Pineapple Express",
    "Gorilla Glue",
    "Durban Poison",
    "Northern Lights",
    "Mimosa",
    "Apple Fritter",
    "Ice Cream Cake",
    "Purple Punch",
    "Tangie",
    "Lemon Haze",
    "Cherry Pie",
    "Biscotti",
    "Forbidden Fruit",
    "Animal Mints",
    "Jealousy",
    "Permanent Marker",
    "Super Lemon Haze",
    "Strawberry Cough",
    "Trainwreck",
    "White Widow",
    "Bubba Kush",
    "Skywalker OG",
    "Headband",
    "Chemdawg",
    "MAC",
    "Gary Payton",
)
FORMS = (
    ("Flower", ("1g", "3.5g", "7g", "14g", "28g")),
    ("Pre-Roll", ("0.5g", "1g", "5pk", "10pk")),
    ("Joint", ("(H)", "(I)", "(S)")),
    ("Cartridge", ("0.5g", "1g")),
    ("Live Resin", ("1g", "2g")),
    ("Gummies", ("10pk", "20pk", "100mg")),
    ("Chocolate", ("100mg", "200mg")),
    ("Tincture", ("15ml", "30ml")),
    ("Vape Pod", ("0.5g", "1g")),
    ("Badder", ("1g",)),
)
CATEGORIES = {
    "Flower": "Flower",
    "Pre-Roll": "Pre-Rolls",
    "Joint": "Pre-Rolls",
    "Cartridge": "Vapes",
    "Live Resin": "Concentrates",
    "Gummies": "Edibles",
    "Chocolate": "Edibles",
    "Tincture": "Tinctures",
    "Vape Pod": "Vapes",
    "Badder": "Concentrates",
}
_SKU_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def upc_a(n: int) -> str:
    """A valid 12-digit UPC-A for a running number (company prefix 0-85, like US cannabis brands)."""
    body = f"8{n:010d}"[-11:]
    return body + str(gs1_check_digit(body))


def generate(count: int, seed: int = 17) -> list[Product]:
    """`count` products; the same (count, seed) always gives the same list."""
    rng = random.Random(seed)
    products: list[Product] = []
    skus: set[str] = set()
    for n in range(count):
        brand = rng.choice(BRANDS)
        strain = rng.choice(STRAINS)
        form, sizes = rng.choice(FORMS)
        size = rng.choice(sizes)
        while True:
            sku = "".join(rng.choice(_SKU_ALPHABET) for _ in range(6))
            if sku not in skus:
                skus.add(sku)
                break
        gtin = upc_a(n).zfill(14) if rng.random() < 0.7 else ""
        products.append(
            Product(
                product_id=11_000_000 + n,
                sku=sku,
                name=f"{brand} {strain} {form} {size}",
                brand=brand,
                category=CATEGORIES[form],
                unit_cost=Decimal(rng.randint(150, 6000)) / 100,
                gtin=gtin,
                is_cannabis=form not in ("Chocolate",) or rng.random() < 0.9,
            )
        )
    return products


if __name__ == "__main__":
    for product in generate(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
        print(product.model_dump_json())
