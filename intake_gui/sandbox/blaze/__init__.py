"""BLAZE partner API emulator (batches, batch quantities, inventory transfers), mountable in the sandbox."""

from intake_gui.sandbox.blaze.app import create_app
from intake_gui.sandbox.blaze.config import (
    LIMITED_PARTNER_KEY,
    SHOP_DEVELOPER_KEYS,
    TRAINING_DEVELOPER_KEY,
    TRAINING_PARTNER_KEY,
    BlazeConfig,
)

__all__ = [
    "LIMITED_PARTNER_KEY",
    "SHOP_DEVELOPER_KEYS",
    "TRAINING_DEVELOPER_KEY",
    "TRAINING_PARTNER_KEY",
    "BlazeConfig",
    "create_app",
]
