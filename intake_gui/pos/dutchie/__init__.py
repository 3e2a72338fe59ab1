"""Dutchie Backoffice: the connector, its endpoint table and its wire shapes.

The connector (and httpx behind it) loads on first use of these names, not with the package: the driver
registry imports `pos.dutchie.driver` at start-up and must not pay for an HTTP stack it does not use yet.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ENDPOINTS", "MOVE_HINT", "DutchieConnector", "DutchieEndpoints"]


def __getattr__(name: str) -> Any:  # PEP 562: the package's names, imported when first asked for
    if name in ("MOVE_HINT", "DutchieConnector"):
        from intake_gui.pos.dutchie import connector

        return getattr(connector, name)
    if name in ("ENDPOINTS", "DutchieEndpoints"):
        from intake_gui.pos.dutchie import endpoints

        return getattr(endpoints, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
