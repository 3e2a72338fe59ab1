"""The History window against a real sandbox over HTTP, with receives made through the real receiving service.

Each test gets a fresh sandbox (60 days of seeded history at AZ 1989, today left empty), a context logged in as the
training user on station "dock-7", and two receives made here: one into the Sales Floor with a manifest shortfall
and its reason, one into the Vault (received, but not sellable). Teardown closes the windows, waits for every worker
(a test that leaves one running fails), then closes the context and the sandbox.

PySide6 6.12.0 on Python 3.11 drops a reference to None (and to True/False) on every void or bool call from Python
— the wheels assume Python 3.12's immortal objects — and the interpreter aborts with "deallocating None" after a
few thousand calls. A window test makes that many, so this directory makes those three objects immortal the way
3.12 does, when (and only when) the leak is present. The application needs its own fix: see the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft
from intake_gui.sandbox import (
    AZ_LOC_ID,
    TRAINING_SECRET,
    TRAINING_USER,
    EmbeddedSandbox,
)
from intake_gui.services.context import AppContext, open_context
from intake_gui.services.receiving import ReceivingService, SubmitResult
from intake_gui.services.setup import SetupService
from intake_gui.store.settings import StationSettings

STATION = "dock-7"
TITLE_TAG = "Ωmega-7731"
"""A word only the tests' receives carry (non-ASCII on purpose: the CSV must be UTF-8)."""


@dataclass(frozen=True)
class Made:
    draft: ReceiveDraft
    result: SubmitResult

    @property
    def receipt_id(self) -> int:
        return self.result.receipt_id

    @property
    def units(self) -> Decimal:
        return self.draft.total_quantity


@dataclass(frozen=True)
class World:
    box: EmbeddedSandbox
    ctx: AppContext
    location: Location
    sales: Made
    vault: Made


@pytest.fixture
def ctx(
    qtbot: Any, drain: Callable[[], None], small_sandbox: EmbeddedSandbox
) -> Iterator[AppContext]:
    # Requesting qtbot first makes it outlive this fixture: workers are drained and the context closed before
    # qtbot closes the test's widgets.
    context = open_context(
        api_base=small_sandbox.base_url,
        username=TRAINING_USER,
        password=TRAINING_SECRET,
        remember=False,
        settings=StationSettings(
            station_name=STATION, rate_limit_per_minute=0, last_location_id=AZ_LOC_ID
        ),
    )
    yield context
    try:
        drain()
    finally:
        context.close()


def _make(ctx: AppContext, location: Location, *, sellable: bool, title: str, lines: list) -> Made:
    setup = SetupService(ctx)
    rooms = setup.rooms(location)
    room = next(r for r in rooms if r.eligible and r.sellable == sellable)
    vendor = setup.vendors(location)[1 if sellable else 2]
    draft = ReceiveDraft(
        location=location, vendor=vendor, room=room, title=title, lines=tuple(lines)
    )
    ctx.journal.save_draft(draft, actor=ctx.clerk, station=ctx.station)
    service = ReceivingService(ctx, settle_s=0.1)
    baseline = service.baseline(draft)
    result = service.submit(draft)
    service.verify(draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at)
    return Made(draft, result)


@pytest.fixture
def world(ctx: AppContext, small_sandbox: EmbeddedSandbox) -> World:
    location = next(x for x in SetupService(ctx).locations() if x.loc_id == AZ_LOC_ID)
    # Products with no stock on the shelf yet, so a re-check without a baseline is not fooled by old stock.
    stocked = {item.sku for item in ctx.connector.sellable_inventory(location)}
    products = [
        p for p in ctx.connector.products(location) if p.is_cannabis and p.sku not in stocked
    ]
    sales = _make(
        ctx,
        location,
        sellable=True,
        title=f"Café delivery {TITLE_TAG} Nº 1",
        lines=[
            DraftLine(
                product_id=products[0].product_id,
                sku=products[0].sku,
                name=products[0].name,
                quantity=10,
                expected=Decimal(12),
                variance_reason="Two units crushed in transit",
            ),
            DraftLine(
                product_id=products[1].product_id,
                sku=products[1].sku,
                name=products[1].name,
                quantity=6,
            ),
        ],
    )
    vault = _make(
        ctx,
        location,
        sellable=False,
        title=f"Vault stock {TITLE_TAG} Nº 2",
        lines=[
            DraftLine(
                product_id=products[2].product_id,
                sku=products[2].sku,
                name=products[2].name,
                quantity=24,
            )
        ],
    )
    return World(small_sandbox, ctx, location, sales, vault)


@pytest.fixture
def open_window(qtbot: Any, ctx: AppContext) -> Iterator[Callable[..., Any]]:
    """Open a HistoryWindow on the test's context and wait for its first read (the store's last 7 days)."""
    from intake_gui.ui.history_window import HistoryWindow

    opened: list[HistoryWindow] = []

    def make(**kwargs: Any) -> HistoryWindow:
        window = HistoryWindow(ctx, **kwargs)
        qtbot.addWidget(window)
        opened.append(window)
        with qtbot.waitSignal(window.loaded, timeout=15000):
            window.show()
        return window

    yield make
    for window in opened:
        window.shutdown()
