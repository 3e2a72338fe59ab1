"""Deterministic seed data for the BLAZE emulator: one company, a few shops, their inventories, a catalog.

Everything comes from one seeded RNG so two runs with the same seed produce the same ids, and a test can
rely on the shape (three shops, a Safe and a Sales floor in each) without pinning every value. Ids look like
BLAZE's (24 hex characters, Mongo ObjectId style) so a client that assumes numeric ids breaks here, not in
production.
"""

from __future__ import annotations

import random
from typing import Any

from intake_gui.sandbox.blaze.config import BlazeConfig

DAY_MS = 86_400_000

SHOPS = (
    ("Green Leaf — Denver", "CO", "Denver", "America/Denver"),
    ("Green Leaf — Las Vegas", "NV", "Las Vegas", "America/Los_Angeles"),
    ("Green Leaf — Oakland", "CA", "Oakland", "America/Los_Angeles"),
)

INVENTORIES = (
    # (name, type): the type is what decides whether stock there can be sold.
    ("Safe", "Storage"),
    ("Sales floor", "Field"),
    ("Quarantine", "Quarantine"),
)
SELLABLE_TYPES = frozenset({"Field"})

EMPLOYEES = (("Ana", "Ortiz"), ("Ben", "Kowalski"), ("Chloe", "Nguyen"))

BRANDS = (
    "Cookies",
    "Stiiizy",
    "Wyld",
    "Kiva",
    "Raw Garden",
    "Select",
    "Pax",
    "Jeeter",
    "Cresco",
    "Verano",
    "Lowell Farms",
    "Kushy Punch",
    "Dixie",
    "Papa & Barkley",
    "Heavy Hitters",
    "Alien Labs",
)
STRAINS = (
    "Blue Dream",
    "Sour Diesel",
    "OG Kush",
    "Gelato",
    "Wedding Cake",
    "Gorilla Glue",
    "Zkittlez",
    "Runtz",
    "Purple Punch",
    "Granddaddy Purple",
    "Jack Herer",
    "Durban Poison",
    "GSC",
    "Mimosa",
    "Sherbert",
    "Ice Cream Cake",
    "Tangie",
    "Northern Lights",
    "Pineapple Express",
    "Lemon Haze",
)
CATEGORIES = (
    # (name, unitType, cannabis, size labels)
    ("Flower", "grams", True, ("3.5g", "7g", "14g", "28g")),
    ("Pre-Roll", "units", True, ("1g", "0.5g 5pk", "1g 3pk")),
    ("Vape", "units", True, ("0.5g", "1g")),
    ("Edible", "units", True, ("100mg", "10pk", "20pk")),
    ("Concentrate", "grams", True, ("1g", "2g")),
    ("Tincture", "units", True, ("30ml", "15ml")),
    ("Topical", "units", True, ("2oz", "4oz")),
    ("Accessory", "units", False, ("each",)),
)
VENDOR_NAMES = (
    "Mile High Distribution",
    "Silver State Supply",
    "Bay Area Wholesale",
    "Rocky Mountain Growers",
    "Desert Bloom Farms",
    "Pacific Cannabis Co",
    "Front Range Extracts",
    "Sierra Edibles",
    "High Plains Packaging",
    "Golden Coast Logistics",
    "Canyon Cultivators",
    "Emerald Triangle Traders",
)


def object_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(96):024x}"


def upc_a(rng: random.Random) -> str:
    """A valid 12-digit UPC-A (with its check digit), so barcode scans of seeded products resolve."""
    digits = [rng.randrange(10) for _ in range(11)]
    odd = sum(digits[0::2])
    even = sum(digits[1::2])
    check = (10 - (odd * 3 + even) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def _sku(rng: random.Random, taken: set[str]) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        sku = "BZ" + "".join(rng.choice(alphabet) for _ in range(6))
        if sku not in taken:
            taken.add(sku)
            return sku


def _metrc_tag(rng: random.Random) -> str:
    return "1A4" + "".join(rng.choice("0123456789ABCDEF") for _ in range(21))


def generate(config: BlazeConfig, seed: int, now_ms: int) -> dict[str, dict[str, dict[str, Any]]]:
    """All entities, keyed by kind then id. Pure: the same (config, seed, now) gives the same world."""
    rng = random.Random(seed)
    company_id = object_id(rng)
    world: dict[str, dict[str, dict[str, Any]]] = {
        k: {}
        for k in (
            "shops",
            "inventories",
            "employees",
            "vendors",
            "products",
            "batches",
            "quantities",
            "transfers",
        )
    }

    def stamp(obj: dict[str, Any], created: int) -> dict[str, Any]:
        obj.update(
            companyId=company_id, created=created, modified=created, deleted=False, updated=False
        )
        return obj

    shop_ids: list[str] = []
    for index, (name, state, city, tz) in enumerate(SHOPS):
        sid = object_id(rng)
        shop_ids.append(sid)
        world["shops"][sid] = stamp(
            {
                "id": sid,
                "name": name,
                "shopType": "Recreational",
                "active": True,
                "timeZone": tz,
                "address": {"city": city, "state": state, "country": "US"},
                "developerKeyIndex": index,
            },
            now_ms - 400 * DAY_MS,
        )
        for inv_name, inv_type in INVENTORIES:
            iid = object_id(rng)
            world["inventories"][iid] = stamp(
                {
                    "id": iid,
                    "shopId": sid,
                    "name": inv_name,
                    "type": inv_type,
                    "active": True,
                },
                now_ms - 400 * DAY_MS,
            )
        for first, last in EMPLOYEES:
            eid = object_id(rng)
            world["employees"][eid] = stamp(
                {
                    "id": eid,
                    "shopId": sid,
                    "firstName": first,
                    "lastName": last,
                    "active": True,
                },
                now_ms - 300 * DAY_MS,
            )

    vendor_ids: list[str] = []
    for n in range(config.vendor_count):
        vid = object_id(rng)
        vendor_ids.append(vid)
        # Two vendors share a name on purpose: names repeat with different ids in real stores.
        base = VENDOR_NAMES[n % len(VENDOR_NAMES)]
        name = base if n < len(VENDOR_NAMES) else f"{base} {n // len(VENDOR_NAMES) + 1}"
        if n == config.vendor_count - 1 and config.vendor_count > 1:
            name = VENDOR_NAMES[0]
        world["vendors"][vid] = stamp(
            {
                "id": vid,
                "name": name,
                "active": True,
                "licenseNumber": f"C11-{rng.randrange(10**7):07d}-LIC",
                "vendorType": "DISTRIBUTOR",
            },
            now_ms - 350 * DAY_MS,
        )

    skus: set[str] = set()
    product_ids: list[str] = []
    for _ in range(config.product_count):
        pid = object_id(rng)
        product_ids.append(pid)
        cat_name, unit_type, cannabis, sizes = rng.choice(CATEGORIES)
        brand = rng.choice(BRANDS)
        label = (
            rng.choice(STRAINS)
            if cannabis
            else rng.choice(("Grinder", "Lighter", "Papers", "Tray"))
        )
        price = round(rng.uniform(5, 80), 2)
        world["products"][pid] = stamp(
            {
                "id": pid,
                "sku": _sku(rng, skus),
                "name": f"{brand} {label} {rng.choice(sizes)}",
                "brandName": brand,
                "category": {"name": cat_name, "unitType": unit_type, "cannabis": cannabis},
                "unitPrice": price,
                "cost": round(price * rng.uniform(0.35, 0.6), 2),
                "upc": upc_a(rng) if rng.random() < 0.7 else "",
                "vendorId": rng.choice(vendor_ids),
                "active": True,
            },
            now_ms - 380 * DAY_MS,
        )

    batch_no = 1000
    for sid in shop_ids:
        invs = {i["name"]: i["id"] for i in world["inventories"].values() if i["shopId"] == sid}
        for _ in range(config.batches_per_shop):
            batch_no += 1
            pid = rng.choice(product_ids)
            product = world["products"][pid]
            purchased = now_ms - rng.randrange(1, max(config.history_days, 2)) * DAY_MS
            purchased -= rng.randrange(DAY_MS)
            qty = rng.choice((6, 10, 12, 20, 24, 30, 48, 50, 100))
            bid = object_id(rng)
            vendor = world["vendors"][product["vendorId"]]
            floor_share = rng.choice((0, 0, qty // 2, qty))
            world["batches"][bid] = stamp(
                {
                    "id": bid,
                    "shopId": sid,
                    "productId": pid,
                    "vendorId": vendor["id"],
                    "batchNo": batch_no,
                    "quantity": qty,
                    "costPerUnit": product["cost"],
                    "cost": round(product["cost"] * qty, 2),
                    "sku": product["sku"],
                    "purchasedDate": purchased,
                    "receiveDate": purchased,
                    "status": "RECEIVED",
                    "trackTraceSystem": "METRC",
                    "trackPackageLabel": _metrc_tag(rng),
                    "lotId": f"LOT-{rng.randrange(10**5):05d}",
                    "poNumber": f"PO-{rng.randrange(10**6):06d}",
                    "productName": product["name"],
                    "vendorName": vendor["name"],
                    "brandName": product["brandName"],
                    "liveQuantity": qty,
                    "roomId": invs["Safe"],
                    "active": True,
                    "archived": False,
                    "unsellable": False,
                    "voidStatus": False,
                    "batchType": "SALE",
                    "externalId": None,
                    "expirationDate": None,
                },
                purchased,
            )
            for inv_name, amount in (("Safe", qty - floor_share), ("Sales floor", floor_share)):
                if amount > 0:
                    put_quantity(
                        world,
                        company_id,
                        sid,
                        invs[inv_name],
                        world["batches"][bid],
                        amount,
                        purchased,
                    )
    world["meta"] = {"company": {"id": company_id, "batchNo": batch_no, "transferNo": 0}}
    return world


def quantity_id(batch_id: str, inventory_id: str) -> str:
    """One BatchQuantity row per (batch, inventory): the id is derived so a move can find it again."""
    return f"{batch_id}:{inventory_id}"


def put_quantity(
    world: dict[str, dict[str, dict[str, Any]]],
    company_id: str,
    shop_id: str,
    inventory_id: str,
    batch: dict[str, Any],
    quantity: float,
    when: int,
) -> dict[str, Any]:
    qid = quantity_id(batch["id"], inventory_id)
    row = world["quantities"].get(qid)
    if row is None:
        row = {
            "id": qid,
            "companyId": company_id,
            "shopId": shop_id,
            "created": when,
            "deleted": False,
            "updated": False,
            "productId": batch["productId"],
            "inventoryId": inventory_id,
            "batchId": batch["id"],
            "quantity": 0,
            "committedQty": 0,
            "batchPurchaseDate": batch["purchasedDate"],
            "batchArchived": False,
            "unsellable": False,
        }
        world["quantities"][qid] = row
    row["quantity"] = quantity
    row["modified"] = when
    return row
