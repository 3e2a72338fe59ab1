"""Every BLAZE path Intake calls, in one table, marked by where we know it from.

Relative to the connector's base URL (the embedded sandbox serves BLAZE under .../blaze/). When a tenant or
a later API version differs, this file is the one-line change.

- DOC: in the BLAZE "Batches" partner document (reference 002).
- PUBLIC: in BLAZE's public getting-started pages (authentication, pagination), not in reference 002.
- ASSUMED: in neither; our design, emulated by the sandbox the same way. Confirm against a real tenant.
"""

from __future__ import annotations

ROOT = "api/v1/partner"

STORE = f"{ROOT}/store"  # PUBLIC: the shop the developer key belongs to
INVENTORIES = f"{ROOT}/store/inventories"  # ASSUMED: the shop's inventories (rooms)
PRODUCTS = f"{ROOT}/products"  # PUBLIC: paging example on the pagination page; item shape ASSUMED
VENDORS = f"{ROOT}/vendors"  # ASSUMED path (vendors exist per the public date-format table)
EMPLOYEES = f"{ROOT}/employees"  # ASSUMED: who may accept a transfer (currentEmployeeId)

BATCHES = f"{ROOT}/store/batches"  # DOC (GET: list, by productId, batchId, term)
CREATE_BATCH = BATCHES  # ASSUMED (POST): the receive; the document lists no way to create a batch
BATCHES_BY_MODIFIED = f"{BATCHES}/dates"  # DOC
BATCHES_BY_PURCHASE = f"{BATCHES}/dates/purchaseDate"  # DOC
QUANTITY_BY_PRODUCT = f"{BATCHES}/{{product_id}}/batchQuantityInfo"  # DOC, one list, no paging
QUANTITY_BY_INVENTORY = f"{BATCHES}/quantities"  # DOC, ?inventoryId=, paged
TRANSFERS = f"{BATCHES}/transferInventory"  # DOC (POST create)
TRANSFER = f"{TRANSFERS}/{{history_id}}"  # DOC (PUT update); GET of it is ASSUMED
TRANSFER_ACCEPT = f"{TRANSFER}/accept"  # DOC
TRANSFER_DECLINE = f"{TRANSFER}/decline"  # DOC

PAGE_LIMIT = 100
"""DOC: "Results are capped at 100 per page"."""
MAX_RANGE_DAYS = 7
"""PUBLIC: "The maximum date range for most endpoints is 7 days"; history is read in windows this wide."""

DEFAULT_HEADERS = ("x-api-key", "Authorization")
"""PUBLIC: partner key in x-api-key, developer key in Authorization (raw, no "Bearer")."""

SELLABLE_INVENTORY_TYPES = frozenset({"Field"})
"""ASSUMED: inventory kinds whose stock a customer can buy (the sales floor); Storage/Quarantine cannot."""
