"""The fixed world of the sandbox: who can log in, which stores exist, their vendors and rooms, and the
history a store already has when a trainee first opens it.

Everything the course names is here with the course's ids (AZ 1989, Sales Floor 24772, PALOMINO PRINTING
39195, the room-less IL 2862 and OH 2869), so the course can be followed step by step against the sandbox.
The rest is generated from seeded RNGs: deterministic, yet varied enough to look like a real company.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from intake_gui.sandbox.catalog import KNOWN_PRODUCTS, LSP_ID, Catalog

ORG_ID = 4311
AZ_LOC_ID = 1989
IL_LOC_ID = 2862
OH_LOC_ID = 2869

TRAINING_USER = "trainer"
TRAINING_SECRET = "intake-sandbox"
LIMITED_USER = "limited"

# Endpoints a session can call. Permission names are the endpoint paths themselves.
SESSION_ENDPOINTS = (
    "user/get-locations",
    "vendor/get-vendors",
    "v2/room/get-rooms",
    "product-master/get-products-lite",
    "product-master/get-product-master",
    "v2/inventory/receive",
    "v2/inventory/save-receive",
    "v2/inventory/get-packages-from-receive",
    "v2/inventory/get-receive-history",
    "preorder/inventory",
)
LOGIN_ENDPOINTS = ("user/login", "posv3/user/employeelogin")

_ELEVATED = frozenset({"product-master/get-product-master"})
"""Nobody in the sandbox holds these: the course's "User is not permitted" lesson."""


@dataclass(frozen=True)
class SandboxUser:
    user_id: int
    user_name: str
    full_name: str
    password: str
    permissions: frozenset[str]

    def may(self, endpoint: str) -> bool:
        return endpoint in self.permissions


_ALL = frozenset(SESSION_ENDPOINTS) - _ELEVATED

USERS: dict[str, SandboxUser] = {
    TRAINING_USER: SandboxUser(90417, TRAINING_USER, "Training Clerk", TRAINING_SECRET, _ALL),
    LIMITED_USER: SandboxUser(
        90418, LIMITED_USER, "Limited Clerk", TRAINING_SECRET, _ALL - {"preorder/inventory"}
    ),
}
USERS_BY_ID = {u.user_id: u for u in USERS.values()}


@dataclass(frozen=True)
class SandboxLocation:
    loc_id: int
    name: str
    state: str
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def record(self) -> dict[str, Any]:
        """The canonical record a dialect renders (see `dialects.base`)."""
        return {
            "loc_id": self.loc_id,
            "name": self.name,
            "state": self.state,
            "lsp_id": LSP_ID,
            "org_id": ORG_ID,
            "timezone": self.timezone,
        }


LOCATIONS: tuple[SandboxLocation, ...] = (
    SandboxLocation(AZ_LOC_ID, "AZ Sandbox — Phoenix", "AZ", "America/Phoenix"),
    SandboxLocation(2001, "Desert Bloom — Tempe", "AZ", "America/Phoenix"),
    SandboxLocation(2002, "Desert Bloom — Tucson", "AZ", "America/Phoenix"),
    SandboxLocation(2003, "Desert Bloom — Flagstaff", "AZ", "America/Phoenix"),
    SandboxLocation(2210, "Great Lakes Cannabis Co. — Ann Arbor", "MI", "America/Detroit"),
    SandboxLocation(2211, "Great Lakes Cannabis Co. — Detroit", "MI", "America/Detroit"),
    SandboxLocation(2212, "Great Lakes Cannabis Co. — Grand Rapids", "MI", "America/Detroit"),
    SandboxLocation(2305, "Harbor Leaf — Boston", "MA", "America/New_York"),
    SandboxLocation(2306, "Harbor Leaf — Worcester", "MA", "America/New_York"),
    SandboxLocation(2410, "Silver State Remedies — Las Vegas", "NV", "America/Los_Angeles"),
    SandboxLocation(2411, "Silver State Remedies — Reno", "NV", "America/Los_Angeles"),
    SandboxLocation(2520, "Pacific Coast Provisions — Oakland", "CA", "America/Los_Angeles"),
    SandboxLocation(2521, "Pacific Coast Provisions — San Diego", "CA", "America/Los_Angeles"),
    SandboxLocation(IL_LOC_ID, "IL Sandbox — Chicago", "IL", "America/Chicago"),
    SandboxLocation(2863, "Prairie Green — Naperville", "IL", "America/Chicago"),
    SandboxLocation(OH_LOC_ID, "OH Sandbox — Columbus", "OH", "America/New_York"),
    SandboxLocation(2870, "Buckeye Botanicals — Cleveland", "OH", "America/New_York"),
    SandboxLocation(2601, "Garden State Dispensary — Newark", "NJ", "America/New_York"),
    SandboxLocation(2701, "Mile High Green — Denver", "CO", "America/Denver"),
)
LOCATIONS_BY_ID = {loc.loc_id: loc for loc in LOCATIONS}


@dataclass(frozen=True)
class SandboxRoom:
    room_id: int
    name: str
    pos_room: bool
    inventory_room: bool

    @property
    def sellable(self) -> bool:
        return self.pos_room and self.inventory_room

    def record(self, loc_id: int) -> dict[str, Any]:
        return {
            "room_id": self.room_id,
            "name": self.name,
            "pos_room": self.pos_room,
            "inventory_room": self.inventory_room,
            "loc_id": loc_id,
        }


AZ_SALES_FLOOR = SandboxRoom(24772, "Sales Floor", True, True)
AZ_VAULT = SandboxRoom(24773, "Vault", False, True)
AZ_QUARANTINE = SandboxRoom(24774, "Quarantine", False, True)
AZ_BREAK_ROOM = SandboxRoom(24775, "Break Room", False, False)

_EXTRA_ROOMS = (
    ("Vault", False, True),
    ("Back Stock", False, True),
    ("Quarantine", False, True),
    ("Receiving Bay", False, True),
    ("Office", False, False),
    ("Break Room", False, False),
    ("Destruction Hold", False, True),
)


@cache
def rooms_at(loc_id: int) -> tuple[SandboxRoom, ...]:
    """The rooms of a store. Two sandboxes have none at all, as the course warns."""
    if loc_id == AZ_LOC_ID:
        return (AZ_SALES_FLOOR, AZ_VAULT, AZ_QUARANTINE, AZ_BREAK_ROOM)
    if loc_id in (IL_LOC_ID, OH_LOC_ID) or loc_id not in LOCATIONS_BY_ID:
        return ()
    rng = random.Random(loc_id)
    index = [loc.loc_id for loc in LOCATIONS].index(loc_id)
    base = 30_000 + index * 10
    extras = rng.sample(_EXTRA_ROOMS, rng.randint(1, 4))
    rooms = [SandboxRoom(base, "Sales Floor", True, True)]
    rooms += [SandboxRoom(base + i, name, pos, inv) for i, (name, pos, inv) in enumerate(extras, 1)]
    return tuple(rooms)


@dataclass(frozen=True)
class SandboxVendor:
    vendor_id: int
    name: str
    code: str
    license_number: str
    phone: str

    def record(self) -> dict[str, Any]:
        return {
            "vendor_id": self.vendor_id,
            "name": self.name,
            "code": self.code,
            "license_number": self.license_number,
            "phone": self.phone,
            "is_active": True,
        }


PALOMINO_PRINTING = SandboxVendor(39195, "PALOMINO PRINTING", "PALPRINT", "", "(602) 555-0148")
TWIN_VENDOR_NAME = "GREEN VALLEY DISTRIBUTION"
"""Two vendors at AZ 1989 share this name with different ids and codes: a client must key on the id."""

AZ_VENDORS = (
    PALOMINO_PRINTING,
    SandboxVendor(39211, TWIN_VENDOR_NAME, "GVD-001", "00000078ESLM35601944", "(480) 555-0101"),
    SandboxVendor(40562, TWIN_VENDOR_NAME, "GVD-PHX", "00000114DCQY11822375", "(602) 555-0177"),
    SandboxVendor(
        39240, "SONORAN ROOTS CULTIVATION", "SRC", "00000031ESNI22917743", "(520) 555-0123"
    ),
    SandboxVendor(39288, "DESERT SOL FARMS", "DSF", "00000056DCAB48821930", "(928) 555-0190"),
    SandboxVendor(39302, "COPPER STATE EXTRACTS", "CSE", "00000092ESPX77162045", "(480) 555-0164"),
    SandboxVendor(
        39355, "HIGH MESA MANUFACTURING", "HMM", "00000017DCTR90233871", "(623) 555-0132"
    ),
    SandboxVendor(39410, "SAGUARO SUPPLY CO", "SSC", "", "(602) 555-0111"),
    SandboxVendor(39467, "MONSOON EDIBLES LLC", "MON", "00000103ESKE55410928", "(480) 555-0185"),
    SandboxVendor(39521, "RED ROCK DISTRIBUTION", "RRD", "00000048DCVV66318204", "(928) 555-0156"),
)

_STATE_VENDOR_WORDS = {
    "AZ": ("SONORAN", "CACTUS", "SAGUARO", "MESA", "COPPER", "MOJAVE"),
    "MI": ("GREAT LAKES", "PENINSULA", "HURON", "MITTEN", "SUPERIOR", "WOLVERINE"),
    "MA": ("BAY STATE", "CAPE", "BERKSHIRE", "COMMONWEALTH", "HARBOR", "MINUTEMAN"),
    "NV": ("SILVER STATE", "SIERRA", "TAHOE", "NEON", "DESERT SKY", "BASIN"),
    "CA": ("PACIFIC", "GOLDEN STATE", "EMERALD", "REDWOOD", "COASTAL", "SIERRA NEVADA"),
    "IL": ("PRAIRIE", "LINCOLN LAND", "LAKE SHORE", "CHI-TOWN", "HEARTLAND", "ILLINI"),
    "OH": ("BUCKEYE", "CUYAHOGA", "ERIE", "OHIO VALLEY", "MAUMEE", "SCIOTO"),
    "NJ": ("GARDEN STATE", "SHORE", "PINE BARRENS", "PALISADES", "RARITAN", "DELAWARE BAY"),
    "CO": ("MILE HIGH", "ROCKY MOUNTAIN", "FRONT RANGE", "ASPEN", "PIKES PEAK", "COLUMBINE"),
}
_VENDOR_KINDS = ("CULTIVATION", "DISTRIBUTION", "EXTRACTS", "BRANDS", "WELLNESS", "FARMS", "LABS")


def _license(rng: random.Random, state: str) -> str:
    n = rng.randint(1, 99_999)
    return {
        "AZ": f"{n:08d}ES{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randint(10_000_000, 99_999_999)}",
        "MI": f"AU-G-{n:06d}",
        "MA": f"MP28{n:04d}",
        "NV": f"RD{n % 1000:03d}",
        "CA": f"C11-{n:07d}-LIC",
        "IL": f"15030{n:05d}",
        "OH": f"MMCPP{n:05d}",
        "NJ": f"RE{n:06d}",
        "CO": f"403-{n:05d}",
    }[state]


@cache
def vendors_at(loc_id: int) -> tuple[SandboxVendor, ...]:
    """Vendors a store buys from. Ids are unique company-wide; names are not (as in the real one)."""
    loc = LOCATIONS_BY_ID.get(loc_id)
    if loc is None:
        return ()
    if loc_id == AZ_LOC_ID:
        return AZ_VENDORS
    rng = random.Random(loc_id * 7919)
    words = _STATE_VENDOR_WORDS[loc.state]
    index = [x.loc_id for x in LOCATIONS].index(loc_id)
    out = [PALOMINO_PRINTING] if loc.state == "AZ" else []
    for i in range(rng.randint(6, 10)):
        name = f"{rng.choice(words)} {rng.choice(_VENDOR_KINDS)}"
        code = "".join(w[0] for w in name.split()) + f"-{loc.state}{i}"
        vendor_id = 41_000 + index * 50 + i
        phone = f"({rng.randint(201, 989)}) 555-{rng.randint(100, 199):04d}"
        out.append(SandboxVendor(vendor_id, name, code, _license(rng, loc.state), phone))
    return tuple(out)


@dataclass
class SeedLine:
    product: dict[str, Any]
    quantity: int
    room: SandboxRoom | None


@dataclass
class SeedReceive:
    receive_id: int
    loc_id: int
    vendor: SandboxVendor
    title: str
    status: str
    received_at: datetime
    """Aware (UTC)."""
    delivered_by: str
    note: str
    lines: list[SeedLine] = field(default_factory=list)


FIRST_RECEIVE_ID = 1_379_127
"""The course's first ReceiveInventoryHistoryId: a fresh sandbox's first receive gets it (course ids)."""
SEED_RECEIVE_ID_START = 1_378_600
"""Seeded history sits just below the live sequence, which starts at the course's 1379127."""

_DRIVERS = ("M. Ortega", "J. Whitfield", "S. Nakamura", "R. Delgado", "K. Brennan", "")


def history_plan(catalog: Catalog, anchor: datetime, days: int = 60) -> list[SeedReceive]:
    """A few receives a day at AZ 1989 over the `days` before `anchor` (an aware datetime).

    They give the history window content and leave stock on the shelves, so a client has to compare
    against a baseline rather than expect its SKUs to be absent. A couple are orphaned (no room) and a
    couple only saved (Pending), because real stores carry those too. Today is left empty.
    """
    rng = random.Random(0xA2_1989)
    loc = LOCATIONS_BY_ID[AZ_LOC_ID]
    zone = loc.zone
    pool = catalog.seedable
    known = {k.product_id: catalog.by_id[k.product_id] for k in KNOWN_PRODUCTS}
    vendors = [v for v in AZ_VENDORS if v is not PALOMINO_PRINTING]
    local_anchor = anchor.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    out: list[SeedReceive] = []
    next_id = SEED_RECEIVE_ID_START
    for day in range(days, 0, -1):
        date = local_anchor - timedelta(days=day)
        for _ in range(rng.randint(1, 4)):
            when = date.replace(
                hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59)
            )
            vendor = rng.choice(vendors)
            status = "Pending" if rng.random() < 0.03 else "Received"
            orphan = status == "Received" and rng.random() < 0.03
            lines = []
            for product in rng.sample(pool, rng.randint(1, 5)):
                room = None if orphan else (AZ_SALES_FLOOR if rng.random() < 0.8 else AZ_VAULT)
                lines.append(SeedLine(product, rng.choice((6, 10, 12, 24, 36, 48)), room))
            out.append(
                SeedReceive(
                    receive_id=next_id,
                    loc_id=AZ_LOC_ID,
                    vendor=vendor,
                    title=f"INV-{rng.randint(10_000, 99_999)}",
                    status=status,
                    received_at=when.astimezone(ZoneInfo("UTC")),
                    delivered_by=rng.choice(_DRIVERS),
                    note="",
                    lines=lines,
                )
            )
            next_id += 1
    # Shelf stock of the products tests name, so their baseline is never zero.
    restock = (local_anchor - timedelta(days=3)).replace(hour=9, minute=30)
    out.append(
        SeedReceive(
            receive_id=next_id,
            loc_id=AZ_LOC_ID,
            vendor=AZ_VENDORS[3],
            title="INV-RESTOCK-01",
            status="Received",
            received_at=restock.astimezone(ZoneInfo("UTC")),
            delivered_by="M. Ortega",
            note="Weekly restock",
            lines=[
                SeedLine(known[KNOWN_PRODUCTS[0].product_id], 12, AZ_SALES_FLOOR),
                SeedLine(known[KNOWN_PRODUCTS[1].product_id], 6, AZ_SALES_FLOOR),
                SeedLine(known[KNOWN_PRODUCTS[2].product_id], 4, AZ_VAULT),
            ],
        )
    )
    return out
