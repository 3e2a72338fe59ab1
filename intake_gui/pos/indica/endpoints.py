"""Every IndicaOnline path Intake calls, in one table, marked by where we know it from.

Relative to the connector's base URL (the embedded sandbox serves IndicaOnline under .../indica/).

- DOC: in "Tracking inventory", Open API v2.3 (reference 004).
- PUBLIC: in IndicaOnline's other public guides, not in reference 004.
- ASSUMED: our guess, emulated by the sandbox the same way. Confirm against a real account.
"""

from __future__ import annotations

ROOT = "open_api/v2.3"

OFFICES = f"{ROOT}/offices"  # ASSUMED list path (the office guide names GET /offices/{{id}}); paged like DOC
PRODUCTS = (
    f"{ROOT}/products"  # ASSUMED path and {items, count, total} shape ("Get products" is PUBLIC)
)
INVENTORY_BY_PRODUCT = f"{ROOT}/inventory/products/{{id}}"  # DOC
INVENTORY_BY_OFFICE = f"{ROOT}/inventory/office/{{id}}"  # DOC
INVENTORY_UPDATED = f"{ROOT}/inventory/updated/{{timestamp}}"  # DOC (Unix seconds)
PACKAGE = f"{ROOT}/inventory/packages/{{id}}"  # DOC (PRO plan)
PRODUCT_PACKAGES = (
    f"{ROOT}/inventory/products/{{id}}/packages"  # DOC (PRO plan), active (qty > 0) only
)

PAGE_LIMIT = 500
"""DOC: limit "must be less or equal to 500"; the emulator (like, we assume, the real one) answers 400 above."""

DEFAULT_KEY_HEADER = "X-API-Key"
"""ASSUMED: reference 004 does not say how a call authenticates."""
