"""The business objects a test knows by name, with the ids a dialect gives them.

The business is the same in every dialect — the course's AZ store, PALOMINO PRINTING, the Sales Floor and
the Vault, the Tommy Chong joint (SKU 3B4791) — only its ids and some names differ. Tests take ids from
here (`business_ids("camel").az_loc_id`) instead of writing 1989, so a client that hard-codes a course id
fails in every other dialect while the tests themselves stay dialect-blind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from intake_gui.sandbox.catalog import KNOWN_PRODUCTS, LSP_ID
from intake_gui.sandbox.seed import (
    AZ_BREAK_ROOM,
    AZ_LOC_ID,
    AZ_QUARANTINE,
    AZ_SALES_FLOOR,
    AZ_VAULT,
    AZ_VENDORS,
    FIRST_RECEIVE_ID,
    IL_LOC_ID,
    LIMITED_USER,
    LOCATIONS_BY_ID,
    OH_LOC_ID,
    ORG_ID,
    PALOMINO_PRINTING,
    TRAINING_SECRET,
    TRAINING_USER,
    TWIN_VENDOR_NAME,
    USERS,
)


@dataclass(frozen=True)
class BusinessIds:
    """Ids and names of one dialect. Names are what that dialect shows (stores and rooms may be renamed);
    SKUs, vendor and product names are the business's own and the same everywhere."""

    dialect: str
    user: str
    secret: str
    limited_user: str
    user_id: int
    org_id: int
    lsp_id: int
    az_loc_id: int
    az_name: str
    az_state: str
    az_timezone: str
    """The store's real zone, whether or not this dialect sends it."""
    il_loc_id: int
    oh_loc_id: int
    vendor_id: int
    """PALOMINO PRINTING."""
    vendor_name: str
    twin_vendor_ids: tuple[int, int]
    """Two vendors sharing one name at the AZ store: a client must key on the id."""
    sales_floor_id: int
    sales_floor_name: str
    vault_id: int
    vault_name: str
    quarantine_id: int
    break_room_id: int
    """Not an inventory room: a receive into it is refused."""
    product_id: int
    """SKU 3B4791, Tommy Chong Joint (H): seeded stock on the Sales Floor."""
    sku: str
    product_name: str
    second_product_id: int
    """SKU 4D2210: seeded stock on the Sales Floor."""
    second_sku: str
    vault_product_id: int
    """SKU 2C1108: seeded stock only in the Vault, so it is not sellable until received into a sales room."""
    vault_sku: str
    accessory_product_id: int
    accessory_sku: str
    first_receive_id: int
    """The id a freshly seeded (or reset) sandbox gives its first receive."""
    product_ids: dict[str, int]
    """Every fixed product of the catalogue, by SKU."""


@cache
def business_ids(name: str) -> BusinessIds:
    from intake_gui.sandbox.dialects import get_dialect

    dialect = get_dialect(name)
    ids = dialect.ids

    def out(kind: str, value: int) -> int:
        wire = ids.out(kind, value)
        assert wire is not None
        return wire

    def renamed(canonical: str) -> str:
        return dialect.renames.get(canonical, canonical)

    az = LOCATIONS_BY_ID[AZ_LOC_ID]
    twins = [v.vendor_id for v in AZ_VENDORS if v.name == TWIN_VENDOR_NAME]
    main, second, vault_only, accessory = KNOWN_PRODUCTS
    return BusinessIds(
        dialect=dialect.name,
        user=TRAINING_USER,
        secret=TRAINING_SECRET,
        limited_user=LIMITED_USER,
        user_id=out("user", USERS[TRAINING_USER].user_id),
        org_id=out("org", ORG_ID),
        lsp_id=out("lsp", LSP_ID),
        az_loc_id=out("loc", AZ_LOC_ID),
        az_name=renamed(az.name),
        az_state=az.state,
        az_timezone=az.timezone,
        il_loc_id=out("loc", IL_LOC_ID),
        oh_loc_id=out("loc", OH_LOC_ID),
        vendor_id=out("vendor", PALOMINO_PRINTING.vendor_id),
        vendor_name=PALOMINO_PRINTING.name,
        twin_vendor_ids=(out("vendor", twins[0]), out("vendor", twins[1])),
        sales_floor_id=out("room", AZ_SALES_FLOOR.room_id),
        sales_floor_name=renamed(AZ_SALES_FLOOR.name),
        vault_id=out("room", AZ_VAULT.room_id),
        vault_name=renamed(AZ_VAULT.name),
        quarantine_id=out("room", AZ_QUARANTINE.room_id),
        break_room_id=out("room", AZ_BREAK_ROOM.room_id),
        product_id=out("product", main.product_id),
        sku=main.sku,
        product_name=main.name,
        second_product_id=out("product", second.product_id),
        second_sku=second.sku,
        vault_product_id=out("product", vault_only.product_id),
        vault_sku=vault_only.sku,
        accessory_product_id=out("product", accessory.product_id),
        accessory_sku=accessory.sku,
        first_receive_id=out("receive", FIRST_RECEIVE_ID),
        product_ids={k.sku: out("product", k.product_id) for k in KNOWN_PRODUCTS},
    )
