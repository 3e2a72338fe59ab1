"""Knobs and keys of the BLAZE emulator.

The keys are fixed strings, not secrets: the emulator is a training and test double. The training pair
equals the Dutchie sandbox's training login ("trainer" / "intake-sandbox") so the embedded sandbox can hand
one set of credentials to whichever POS kind the station is set to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERMISSION_NORMAL = "NORMAL"
"""BLAZE's "standard access to read and write operations" (public docs, Authentication page)."""

TRAINING_PARTNER_KEY = "trainer"
TRAINING_DEVELOPER_KEY = "intake-sandbox"
LIMITED_PARTNER_KEY = "blaze-partner-limited"
"""A partner key without the NORMAL permission: every call answers 403 (a valid key, too little access)."""

SHOP_DEVELOPER_KEYS = (TRAINING_DEVELOPER_KEY, "blaze-dev-shop-2", "blaze-dev-shop-3")
"""One developer key per seeded shop, in shop order. BLAZE binds a developer key to one company and shop."""


def _default_partner_keys() -> dict[str, frozenset[str]]:
    return {
        TRAINING_PARTNER_KEY: frozenset({PERMISSION_NORMAL}),
        "blaze-partner-sandbox": frozenset({PERMISSION_NORMAL}),
        LIMITED_PARTNER_KEY: frozenset(),
    }


@dataclass(frozen=True)
class BlazeConfig:
    """How the emulator behaves. Defaults follow the partner API documents; tests shrink the sizes."""

    partner_header: str = "x-api-key"
    """Partner key header. Not in the batches document; BLAZE's public Authentication page names it."""
    developer_header: str = "Authorization"
    partner_keys: dict[str, frozenset[str]] = field(default_factory=_default_partner_keys)
    developer_keys: tuple[str, ...] = SHOP_DEVELOPER_KEYS
    product_count: int = 2000
    vendor_count: int = 24
    batches_per_shop: int = 600
    history_days: int = 90
    max_page: int = 100
    """"Results are capped at 100 per page" (batches document): larger limits are cut, not refused."""
    max_date_range_days: int = 7
    """Public BLAZE docs: "The maximum date range for most endpoints is 7 days". 0 disables the check."""
    rate_limit_per_minute: int = 0
    """0 = off. When on, the 61st call in a rolling minute gets 429 with Retry-After."""
