"""Dutchie Backoffice: the connector, its endpoint table and its wire shapes."""

from intake_gui.pos.dutchie.connector import MOVE_HINT, DutchieConnector
from intake_gui.pos.dutchie.endpoints import ENDPOINTS, DutchieEndpoints

__all__ = ["ENDPOINTS", "MOVE_HINT", "DutchieConnector", "DutchieEndpoints"]
