"""Knobs and keys of the IndicaOnline emulator.

The API-key header name is an assumption: the inventory document (reference 004) does not say how a call
authenticates. The training key equals the Dutchie sandbox's training password so the embedded sandbox can
hand one credential to whichever POS kind the station uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PLAN_PRO = "PRO"
PLAN_BASIC = "BASIC"

TRAINING_API_KEY = "intake-sandbox"
BASIC_API_KEY = "indica-basic-key"
"""A valid key on a non-PRO plan: package-level endpoints answer 403 ("available exclusively to PRO")."""


def _default_keys() -> dict[str, str]:
    return {TRAINING_API_KEY: PLAN_PRO, "indica-pro-key": PLAN_PRO, BASIC_API_KEY: PLAN_BASIC}


@dataclass(frozen=True)
class IndicaConfig:
    api_key_header: str = "X-API-Key"
    api_keys: dict[str, str] = field(default_factory=_default_keys)
    office_count: int = 10
    product_count: int = 3000
    first_office_rows: int = 1200
    """Office 101 stocks exactly this many products, so paging (500 a page) has a known shape."""
    other_office_rows: tuple[int, int] = (150, 450)
    max_limit: int = 500
    """"Must be less or equal to 500" (reference 004); more is refused with 400."""
    default_limit: int = 100
    rate_limit_per_minute: int = 0
