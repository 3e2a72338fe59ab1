"""The catalog refresh runs on its schedule, and a failing sync cannot go unnoticed."""

from __future__ import annotations

from intake_gui.sandbox import AZ_LOC_ID, FaultKind, FaultRule
from intake_gui.services.setup import SetupService
from intake_gui.ui.sync_status import CatalogRefreshScheduler, SyncStatusDialog

PRODUCTS = "product-master/get-products-lite"


def _location(ctx):
    return next(x for x in SetupService(ctx).locations() if x.loc_id == AZ_LOC_ID)


def test_the_scheduler_fires_on_its_interval_and_schedules_the_next(ctx, qtbot):
    location = _location(ctx)
    scheduler = CatalogRefreshScheduler(ctx, lambda: location, interval_ms=50)
    assert scheduler.interval_ms == 50

    with qtbot.waitSignal(scheduler.synced, timeout=15000) as first:
        scheduler.start()
    assert len(first.args[0].products) == 300
    assert scheduler.next_due is not None  # the next one is already scheduled
    with qtbot.waitSignal(scheduler.synced, timeout=15000):
        pass  # a second sync follows without being asked
    scheduler.stop()
    assert scheduler.next_due is None


def test_the_interval_comes_from_settings(ctx):
    ctx.settings = ctx.settings.model_copy(update={"catalog_refresh_minutes": 15})
    scheduler = CatalogRefreshScheduler(ctx, lambda: None)
    assert scheduler.interval_ms == 15 * 60_000
    assert scheduler.refresh_now() is False  # no store chosen yet: nothing to sync


def test_a_failing_sync_raises_the_alert_until_a_sync_succeeds(
    ctx, small_sandbox, open_window, qtbot
):
    location = _location(ctx)
    scheduler = CatalogRefreshScheduler(ctx, lambda: location)
    scheduler.start()
    window = open_window(scheduler=scheduler)
    dialog = window.open_sync_status()
    qtbot.waitUntil(lambda: dialog.dashboard is not None, timeout=10000)
    assert dialog.alert.isHidden()

    small_sandbox.admin.set_faults(
        [FaultRule(endpoint=PRODUCTS, kind=FaultKind.NOT_PERMITTED, times=-1)]
    )
    with (
        qtbot.waitSignal(dialog.status_loaded, timeout=15000),
        qtbot.waitSignal(scheduler.failed, timeout=15000) as failed,
    ):
        dialog.refresh_now()

    assert "not permitted" in failed.args[0].lower()
    assert not dialog.alert.isHidden()
    assert "Catalog sync is failing" in dialog.alert.text()
    assert failed.args[0] in dialog.alert.text()
    assert dialog.dashboard.consecutive_errors == 1
    assert "1 since this station's cache was created" in dialog.fields["errors"].text()
    assert not window.sync_alert.isHidden()
    assert scheduler.next_due is not None  # a failure does not stop the schedule

    with qtbot.waitSignal(scheduler.failed, timeout=15000):
        scheduler.refresh_now()
    qtbot.waitUntil(lambda: dialog.dashboard.consecutive_errors == 2, timeout=10000)
    assert "2 times in a row" in dialog.alert.text()

    small_sandbox.admin.clear_faults()
    with (
        qtbot.waitSignal(dialog.status_loaded, timeout=15000),
        qtbot.waitSignal(scheduler.synced, timeout=15000),
    ):
        dialog.refresh_now()
    assert dialog.alert.isHidden()
    assert window.sync_alert.isHidden()
    assert dialog.fields["records"].text() == "300 products"
    assert "store time" in dialog.zone_note.text()
    scheduler.stop()


def test_the_dashboard_alone_refreshes_on_demand(ctx, qtbot):
    location = _location(ctx)
    dialog = SyncStatusDialog(ctx, location)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.status_loaded, timeout=10000):
        dialog.load()
    assert dialog.fields["last_sync"].text() == "never on this station"
    assert not dialog.stale.isHidden()

    with (
        qtbot.waitSignal(dialog.status_loaded, timeout=15000),
        qtbot.waitSignal(dialog.refresh_finished, timeout=15000) as done,
    ):
        dialog.refresh_now()

    assert done.args == [True]
    assert dialog.fields["records"].text() == "300 products"
    assert dialog.fields["last_sync"].text().endswith("ago)")
    assert "MST" in dialog.fields["last_sync"].text()
    assert dialog.stale.isHidden() and dialog.alert.isHidden()
    dialog.shutdown()
