"""Count and move against the embedded sandbox: one loopback server serving Dutchie, BLAZE and IndicaOnline.

`open_pos(kind)` starts a sandbox with the BLAZE and IndicaOnline emulators mounted beside the Dutchie one
(exactly as the embedded sandbox runs them) and opens a real AppContext on it, signed in as the training user.
Teardown drains the workers (a test that leaves one running fails), then closes the contexts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine, ReceiveDraft
from intake_gui.domain.verification import VerificationReport
from intake_gui.pos.registry import driver_for
from intake_gui.sandbox import TRAINING_USER, EmbeddedSandbox, SandboxConfig
from intake_gui.services.context import AppContext, open_context, sandbox_api_base
from intake_gui.services.credentials import training_values
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.sandbox_mounts import extra_mounts
from intake_gui.services.setup import SetupService
from intake_gui.store.settings import ScannerSettings, StationSettings
from tests.conftest import SMALL_SANDBOX, fail_if_workers_running

SMALL = SandboxConfig(**SMALL_SANDBOX)


def station_settings(**update: Any) -> StationSettings:
    """Unthrottled, quiet, and scanner blanking off so repeated scans of one item all count."""
    base = StationSettings(
        station_name="dock-3",
        first_run_done=True,
        sound=False,
        rate_limit_per_minute=0,
        scanner=ScannerSettings(blanking_ms=0),
    )
    return base.model_copy(update=update)


def small_mounts(data_dir: Path) -> dict[str, Any]:
    """The same two emulators as `extra_mounts`, seeded smaller: most tests need a shop, not a warehouse."""
    from intake_gui.sandbox.blaze import BlazeConfig
    from intake_gui.sandbox.blaze import create_app as create_blaze
    from intake_gui.sandbox.indica import IndicaConfig
    from intake_gui.sandbox.indica import create_app as create_indica

    return {
        "/blaze": create_blaze(
            data_dir / "blaze",
            config=BlazeConfig(product_count=300, vendor_count=6, batches_per_shop=150),
        ),
        "/indica": create_indica(
            data_dir / "indica",
            config=IndicaConfig(
                office_count=3, product_count=500, first_office_rows=240, other_office_rows=(40, 80)
            ),
        ),
    }


@pytest.fixture
def open_pos(
    sandbox_factory: Callable[..., EmbeddedSandbox], tmp_path: Path
) -> Iterator[Callable[..., AppContext]]:
    """open_pos(kind, full_size=False, **settings): a signed-in context on a sandbox serving all three POSs.

    `full_size=True` mounts exactly what the embedded sandbox mounts (`services.sandbox_mounts.extra_mounts`,
    default seed sizes); otherwise the same emulators are seeded smaller, which starts about a second sooner.
    """
    boxes: dict[str, EmbeddedSandbox] = {}
    opened: list[AppContext] = []

    def open_(
        kind: str, *, full_size: bool = False, username: str = TRAINING_USER, **settings: Any
    ) -> AppContext:
        if "box" not in boxes:
            mounts = tmp_path / "mounts"
            boxes["box"] = sandbox_factory(
                SMALL, extra_mounts=extra_mounts(mounts) if full_size else small_mounts(mounts)
            )
        box = boxes["box"]
        credentials = training_values(driver_for(kind))
        if "username" in credentials:
            credentials["username"] = username
        ctx = open_context(
            api_base=sandbox_api_base(box.root_url, kind),
            pos_kind=kind,
            credentials=credentials,
            remember=False,
            settings=station_settings(**settings),
        )
        opened.append(ctx)
        return ctx

    yield open_
    # Only GUI tests start workers; they finish (and fail the test) before their context closes.
    try:
        fail_if_workers_running()
    finally:
        for ctx in opened:
            ctx.close()


class Received:
    """One receive into a storage room, verified once, ready to be moved and verified again."""

    def __init__(self, ctx: AppContext, room_name: str, loc_id: int | None = None) -> None:
        setup = SetupService(ctx)
        loc = next(x for x in setup.locations() if loc_id is None or x.loc_id == loc_id)
        self.rooms = {r.name: r for r in setup.rooms(loc)}
        on_floor = {i.sku for i in ctx.connector.sellable_inventory(loc)}
        products = [p for p in ctx.connector.products(loc) if p.sku not in on_floor][:2]
        self.draft = ReceiveDraft(
            pos=ctx.settings.pos_kind,
            location=loc,
            vendor=setup.vendors(loc)[0],
            room=self.rooms[room_name],
            title="Move me",
            lines=tuple(
                DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=3)
                for p in products
            ),
        )
        self.receiving = ReceivingService(ctx, settle_s=0.1)
        self.baseline = self.receiving.baseline(self.draft)
        self.result = self.receiving.submit(self.draft)
        self.first = self.verify()

    def verify(self) -> VerificationReport:
        return self.receiving.verify(
            self.draft,
            self.result.receipt_id,
            baseline=self.baseline,
            submitted_at=self.result.submitted_at,
        )


@pytest.fixture
def receive_into() -> type[Received]:
    """The Received helper (test modules cannot import this conftest under importlib mode)."""
    return Received
