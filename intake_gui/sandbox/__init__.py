"""A local emulator of the Dutchie Backoffice API, written from the intake course, traps included.

It is Intake's embedded default (a new user with no account trains on it) and the far end of every
contract and end-to-end test. It imports nothing of the client: both sides are written from the course,
so a test that passes through both really checks the contract.
"""

from intake_gui.sandbox.admin_client import SandboxAdmin
from intake_gui.sandbox.catalog import KNOWN_PRODUCTS, LSP_ID, TOMMY_CHONG, KnownProduct
from intake_gui.sandbox.config import FaultKind, FaultRule, SandboxConfig
from intake_gui.sandbox.runner import EmbeddedSandbox, serve_forever
from intake_gui.sandbox.seed import (
    AZ_LOC_ID,
    IL_LOC_ID,
    LIMITED_USER,
    OH_LOC_ID,
    TRAINING_SECRET,
    TRAINING_USER,
)

__all__ = [
    "AZ_LOC_ID",
    "IL_LOC_ID",
    "KNOWN_PRODUCTS",
    "LIMITED_USER",
    "LSP_ID",
    "OH_LOC_ID",
    "TOMMY_CHONG",
    "TRAINING_SECRET",
    "TRAINING_USER",
    "EmbeddedSandbox",
    "FaultKind",
    "FaultRule",
    "KnownProduct",
    "SandboxAdmin",
    "SandboxConfig",
    "serve_forever",
]
