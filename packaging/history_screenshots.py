"""Screenshots of the supervisors' History window for the docs: the list, a drill-down, the chart, the sync page.

Runs offscreen against a throw-away embedded sandbox (its 60 days of seeded history plus a few receives made here
through the real receiving service), so the pictures show what a station really draws. Nothing touches the
developer's own Intake data: INTAKE_HOME points at a temporary folder for the run.

    python packaging/history_screenshots.py [--out resources/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHOTS = (
    "history_window.png",
    "history_receipt.png",
    "history_chart.png",
    "history_sync_status.png",
)


def _wait(app: object, condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Run the event loop until `condition` holds: workers report through queued signals."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    app.processEvents()


def _make_receives(ctx: object) -> None:
    """A few receives made the way the wizard makes them, so clerk, station and verification columns fill in."""
    from intake_gui.domain.models import DraftLine, ReceiveDraft
    from intake_gui.sandbox import AZ_LOC_ID
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService

    setup = SetupService(ctx)  # type: ignore[arg-type]
    loc = next(x for x in setup.locations() if x.loc_id == AZ_LOC_ID)
    vendors = setup.vendors(loc)
    rooms = setup.rooms(loc)
    sales = next(r for r in rooms if r.sellable)
    vault = next(r for r in rooms if r.eligible and not r.sellable)
    products = [p for p in ctx.connector.products(loc) if p.is_cannabis]  # type: ignore[attr-defined]
    service = ReceivingService(ctx, settle_s=0.2)  # type: ignore[arg-type]
    plans = [
        (vendors[0], sales, "INV-20417", [(products[0], 12, None, ""), (products[1], 6, None, "")]),
        (
            vendors[1],
            sales,
            "Manifest 0093-A",
            [
                (products[2], 10, 12, "Two units crushed in transit; driver signed"),
                (products[3], 24, 24, ""),
            ],
        ),
        (vendors[2], vault, "Vault restock", [(products[4], 36, None, "")]),
    ]
    for vendor, room, title, lines in plans:
        draft = ReceiveDraft(
            location=loc,
            vendor=vendor,
            room=room,
            title=title,
            lines=tuple(
                DraftLine(
                    product_id=p.product_id,
                    sku=p.sku,
                    name=p.name,
                    quantity=qty,
                    unit_cost=p.unit_cost or 0,
                    expected=Decimal(expected) if expected is not None else None,
                    variance_reason=reason,
                )
                for p, qty, expected, reason in lines
            ),
        )
        ctx.journal.save_draft(draft, actor=ctx.clerk, station=ctx.station)  # type: ignore[attr-defined]
        result = service.submit(draft)
        service.verify(draft, result.receipt_id, baseline=None, submitted_at=result.submitted_at)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    home = Path(tempfile.mkdtemp(prefix="intake-shots-"))
    os.environ["INTAKE_HOME"] = str(home / "home")
    os.environ.pop("INTAKE_API_BASE", None)

    from PySide6.QtWidgets import QApplication

    from intake_gui.sandbox import (
        AZ_LOC_ID,
        TRAINING_SECRET,
        TRAINING_USER,
        EmbeddedSandbox,
        SandboxConfig,
    )
    from intake_gui.services.context import open_context
    from intake_gui.store.settings import StationSettings
    from intake_gui.ui.history_model import Grouping
    from intake_gui.ui.history_window import HistoryWindow, Preset
    from intake_gui.ui.sync_status import CatalogRefreshScheduler
    from intake_gui.ui.theme import apply_theme
    from intake_gui.ui.workers import wait_for_workers

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(
        app, compact=False
    )  # [screens] the density of a 1366×768 station (offscreen is 800×600)
    box = EmbeddedSandbox(
        home / "sandbox", config=SandboxConfig(product_count=2000, rate_limit_per_minute=0)
    )
    box.start()
    settings = StationSettings(
        station_name="receiving-1", rate_limit_per_minute=0, last_location_id=AZ_LOC_ID
    )
    ctx = open_context(
        api_base=box.base_url,
        username=TRAINING_USER,
        password=TRAINING_SECRET,
        remember=False,
        settings=settings,
    )
    try:
        _make_receives(ctx)
        loc = next(x for x in ctx.connector.locations() if x.loc_id == AZ_LOC_ID)
        scheduler = CatalogRefreshScheduler(ctx, lambda: loc)
        synced: list[object] = []
        scheduler.synced.connect(synced.append)
        scheduler.start(immediately=True)
        _wait(app, lambda: bool(synced), "the catalog sync")

        window = HistoryWindow(ctx, scheduler=scheduler)
        window.resize(1366, 768)  # [screens] a station's screen, as the README's other screenshots
        loads: list[object] = []
        window.loaded.connect(loads.append)
        window.show()
        _wait(app, lambda: bool(loads), "the first history read")
        if (
            date.today().day > 7
        ):  # early in a month, "this month" holds fewer days than the default week
            window.set_preset(Preset.THIS_MONTH)
            _wait(app, lambda: len(loads) >= 2, "this month's history")
        window.set_grouping(Grouping.DAY)
        window.select_receipt(window.visible_entries()[0].row.receipt_id)
        app.processEvents()
        window.grab().save(str(out / SHOTS[0]))

        ours = next(e for e in window.visible_entries() if e.row.title.startswith("Manifest"))
        dialog = window.open_receipt(ours)
        assert dialog is not None
        _wait(app, lambda: dialog.details is not None, "the receipt's details")
        verified: list[object] = []
        dialog.verified.connect(verified.append)
        dialog.run_verification()
        _wait(app, lambda: bool(verified), "the re-verification")
        dialog.tabs.setCurrentIndex(1)
        app.processEvents()
        dialog.grab().save(str(out / SHOTS[1]))
        dialog.tabs.setCurrentIndex(2)
        app.processEvents()
        dialog.grab().save(str(out / "history_audit.png"))
        dialog.close()

        window.set_grouping(Grouping.NONE)
        window.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(out / SHOTS[2]))

        sync = window.open_sync_status()
        assert sync is not None
        loaded: list[object] = []
        sync.status_loaded.connect(loaded.append)
        _wait(app, lambda: bool(loaded), "the sync status")
        sync.grab().save(str(out / SHOTS[3]))
        scheduler.stop()
        window.shutdown()
        wait_for_workers(30)
        app.processEvents()
    finally:
        wait_for_workers(30)
        ctx.close()
        box.stop()
    for name in (*SHOTS, "history_audit.png"):
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
