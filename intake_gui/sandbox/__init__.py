"""A local emulator of the Dutchie Backoffice API, written from the intake course, traps included.

It is Intake's embedded default (a new user with no account trains on it) and the far end of every
contract and end-to-end test. It imports nothing of the client: both sides are written from the course,
so a test that passes through both really checks the contract. Because both were still written by us, the
sandbox also speaks *dialects* of the same data (other field names, date formats, ids) and has *moods*
(flaky reads, tight rate limits, sessions that die twice): see `dialects` and `config.SandboxConfig`.
"""

from intake_gui.sandbox.admin_client import SandboxAdmin
from intake_gui.sandbox.catalog import KNOWN_PRODUCTS, LSP_ID, TOMMY_CHONG, KnownProduct
from intake_gui.sandbox.config import FaultKind, FaultRule, SandboxConfig
from intake_gui.sandbox.dialects import DIALECT_NAMES, BusinessIds, business_ids
from intake_gui.sandbox.inventory import STATUS_NULL
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
    "DIALECT_NAMES",
    "IL_LOC_ID",
    "KNOWN_PRODUCTS",
    "LIMITED_USER",
    "LSP_ID",
    "OH_LOC_ID",
    "STATUS_NULL",
    "TOMMY_CHONG",
    "TRAINING_SECRET",
    "TRAINING_USER",
    "BusinessIds",
    "EmbeddedSandbox",
    "FaultKind",
    "FaultRule",
    "KnownProduct",
    "SandboxAdmin",
    "SandboxConfig",
    "business_ids",
    "serve_forever",
]
