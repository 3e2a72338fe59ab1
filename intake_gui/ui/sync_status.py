"""Is the catalog a scan is matched against fresh? The refresh schedule, and a dashboard that says so plainly.

A station scans against a cached catalog; a refresh that silently keeps failing means new products "do not
scan" days later and nobody knows why. So refreshes run on a schedule (every `catalog_refresh_minutes`, and on
demand), and the dashboard shows — like ReUp's sync page — when the last sync ran, how many records and how long it
took, how many failed, when the next one is due, and an alert that cannot be missed while syncs are failing.

The scheduler is a QObject the main window owns; the dashboard only observes it (or, standing alone, refreshes once
on demand). Every sync and every status read runs on a worker.

Size: the refresh schedule, its dashboard and its alert share one state object; the schedule could move to a
Qt-free service (not yet done: the dashboard reads it on every tick).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import Location
from intake_gui.pos.errors import PosError
from intake_gui.services.catalog import CatalogService, SyncStatus
from intake_gui.services.context import AppContext
from intake_gui.services.error_words import error_words
from intake_gui.ui.history_model import format_instant, zone_label
from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import PROGRESS, start_worker

log = logging.getLogger(__name__)

LocationGetter = Callable[[], Location | None]


def context_of(services: Any) -> AppContext:
    """Windows are handed either the GUI's AppServices bundle or a bare AppContext; both lead to the context."""
    ctx = getattr(services, "ctx", services)
    if not isinstance(ctx, AppContext):
        raise TypeError(f"expected AppServices or AppContext, got {type(services).__name__}")
    return ctx


def catalog_service_of(services: Any) -> CatalogService:
    catalog = getattr(services, "catalog", None)
    return catalog if isinstance(catalog, CatalogService) else CatalogService(context_of(services))


class CatalogRefreshScheduler(QObject):
    """Refreshes the catalog of `location_getter()` every `catalog_refresh_minutes`, and whenever asked.

    One sync at a time; the next is scheduled when the previous one ends, so a slow POS never piles syncs up.
    The interval is read from the settings at every scheduling, so a changed setting applies from the next sync.
    """

    synced = Signal(object)
    """CatalogSnapshot of a successful sync."""
    failed = Signal(str)
    """Words for the failure, safe to show."""
    sync_started = Signal()
    progress = Signal(int, int)
    schedule_changed = Signal()
    """`next_due` moved (a sync started, ended, or the schedule was (re)started or stopped)."""

    def __init__(
        self,
        services: Any,
        location_getter: LocationGetter,
        *,
        interval_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = context_of(services)
        self.catalog = catalog_service_of(services)
        self.location_getter = location_getter
        self._interval_override = interval_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._due)
        self._running = False
        self._busy = False
        self._next_due: datetime | None = None
        self.last_error = ""
        self.last_error_at: datetime | None = None
        self.consecutive_failures = 0
        self.last_success_at: datetime | None = None
        self.last_snapshot: Any = None

    # ---- state out -----------------------------------------------------------------------------------

    @property
    def interval_ms(self) -> int:
        if self._interval_override is not None:
            return max(1, self._interval_override)
        return int(self.ctx.settings.catalog_refresh_minutes) * 60_000

    @property
    def running(self) -> bool:
        return self._running

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def next_due(self) -> datetime | None:
        """When the next scheduled refresh starts (aware, UTC); None while stopped or while a sync runs."""
        return self._next_due if self._running and not self._busy else None

    # ---- control -------------------------------------------------------------------------------------

    def start(self, *, immediately: bool = False) -> None:
        self._running = True
        if immediately:
            self.refresh_now()
        else:
            self._schedule()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        self._next_due = None
        self.schedule_changed.emit()

    def refresh_now(self) -> bool:
        """Sync at once; False (and nothing started) when one is already running or no location is chosen."""
        if self._busy:
            return False
        location = self.location_getter()
        if location is None:
            self._schedule()
            return False
        self._timer.stop()
        self._busy = True
        self.sync_started.emit()
        self.schedule_changed.emit()
        start_worker(
            self.catalog.sync,
            location,
            PROGRESS,
            on_progress=self.progress.emit,
            on_returned=self._succeeded,
            on_errored=self._failed,
        )
        return True

    def reschedule(self) -> None:
        """Restart the countdown from now (after the interval setting changed)."""
        if self._running and not self._busy:
            self._schedule()

    # ---- internals -----------------------------------------------------------------------------------

    def _schedule(self) -> None:
        if not self._running:
            return
        interval = self.interval_ms
        self._next_due = datetime.now(UTC) + timedelta(milliseconds=interval)
        self._timer.start(interval)
        self.schedule_changed.emit()

    def _due(self) -> None:
        if self._running:
            self.refresh_now()

    def _succeeded(self, snapshot: Any) -> None:
        self._busy = False
        self.consecutive_failures = 0
        self.last_success_at = datetime.now(UTC)
        self.last_snapshot = snapshot
        self._schedule()
        self.synced.emit(snapshot)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.consecutive_failures += 1
        self.last_error = error_words(exc)
        self.last_error_at = datetime.now(UTC)
        if not isinstance(exc, PosError):
            log.error("Scheduled catalog refresh failed", exc_info=exc)
        self._schedule()
        self.failed.emit(self.last_error)


# ---- the dashboard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncDashboard:
    """What the dashboard shows for one catalog: the service's status plus the failure streak behind the alert."""

    status: SyncStatus
    consecutive_errors: int
    last_error_at: datetime | None
    catalog_key: str


def read_dashboard(catalog: CatalogService, location: Location) -> SyncDashboard:
    """Worker: the service's summary, and from the cache the streak of failures since the last success."""
    status = catalog.status(location)
    key = catalog.key(location)
    raw = catalog.ctx.catalog_cache.sync_status(key)
    return SyncDashboard(status, raw.consecutive_errors, raw.last_error_at, key)


def _relative(when: datetime, now: datetime) -> str:
    seconds = (when - now).total_seconds()
    past = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{int(seconds)} s"
    elif seconds < 3600:
        text = f"{int(seconds // 60)} min"
    elif seconds < 48 * 3600:
        text = f"{seconds / 3600:.1f} h"
    else:
        text = f"{int(seconds // 86400)} days"
    return f"{text} ago" if past else f"in {text}"


class SyncStatusDialog(QDialog):
    """The sync dashboard for one location's catalog."""

    status_loaded = Signal(object)
    """SyncDashboard."""
    refresh_finished = Signal(bool)
    """A refresh started from this dialog ended (True: it succeeded)."""

    def __init__(
        self,
        services: Any,
        location: Location,
        *,
        scheduler: CatalogRefreshScheduler | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = context_of(services)
        self.catalog = catalog_service_of(services)
        self.location = location
        self.scheduler = scheduler
        self.dashboard: SyncDashboard | None = None
        self._closed = False
        self._own_sync = False
        self._waiting_for_scheduler = False
        self.setWindowTitle(f"Catalog sync — {location.name}")
        self.setModal(False)
        self.resize(620, 420)

        heading = QLabel("Catalog sync")
        heading.setObjectName("heading")
        self.alert = QLabel("")
        self.alert.setObjectName("status_line")
        self.alert.setProperty("tone", "bad")
        self.alert.setWordWrap(True)
        self.alert.setAccessibleName("Sync alert")
        self.alert.setVisible(False)
        self.stale = QLabel("")
        self.stale.setObjectName("status_line")
        self.stale.setProperty("tone", "info")
        self.stale.setWordWrap(True)
        self.stale.setVisible(False)

        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("catalog", "Catalog"),
            ("last_sync", "Last successful sync"),
            ("records", "Records"),
            ("duration", "Duration"),
            ("errors", "Failed syncs"),
            ("last_error", "Last error"),
            ("schedule", "Refresh schedule"),
            ("next", "Next refresh"),
        ):
            value = QLabel("…")
            value.setWordWrap(True)
            self.fields[key] = value
            form.addRow(f"{label}:", value)
        self.zone_note = QLabel(f"Times are store time, {zone_label(location.timezone)}.")
        self.zone_note.setObjectName("hint")

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.refresh_button = QPushButton("&Refresh now")
        self.refresh_button.setObjectName("primary")
        self.refresh_button.clicked.connect(self.refresh_now)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.alert)
        layout.addWidget(self.stale)
        layout.addLayout(form)
        layout.addWidget(self.zone_note)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_next)
        if scheduler is not None:
            scheduler.synced.connect(self._scheduler_synced)
            scheduler.failed.connect(self._scheduler_failed)
            scheduler.sync_started.connect(self._sync_started)
            scheduler.progress.connect(self._progress)
            scheduler.schedule_changed.connect(self._show_next)

    # ---- state in ------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the status on a worker; `status_loaded` follows."""
        start_worker(
            read_dashboard,
            self.catalog,
            self.location,
            on_returned=self._loaded,
            on_errored=lambda exc: self._show_alert(
                f"The sync status could not be read: {error_words(exc)}"
            ),
        )
        self._tick.start()

    def refresh_now(self) -> None:
        if self.scheduler is not None and self._scheduler_covers_location():
            self._waiting_for_scheduler = self.scheduler.refresh_now() or self.scheduler.busy
            return
        if self._own_sync:
            return
        self._own_sync = True
        self._sync_started()
        start_worker(
            self.catalog.sync,
            self.location,
            PROGRESS,
            on_progress=self._progress,
            on_returned=lambda _snap: self._own_sync_done(True, ""),
            on_errored=lambda exc: self._own_sync_done(False, error_words(exc)),
        )

    # ---- internals -----------------------------------------------------------------------------------

    def _scheduler_covers_location(self) -> bool:
        assert self.scheduler is not None
        current = self.scheduler.location_getter()
        return current is not None and current.lsp_id == self.location.lsp_id

    def _sync_started(self) -> None:
        if self._closed:
            return
        self.refresh_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)

    def _progress(self, done: int, total: int) -> None:
        if self._closed:
            return
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(max(done, 0))

    def _sync_ended(self) -> None:
        self.refresh_button.setEnabled(True)
        self.progress.setVisible(False)
        self.load()

    def _own_sync_done(self, ok: bool, words: str) -> None:
        self._own_sync = False
        if self._closed:
            return
        self._sync_ended()
        if not ok:
            self._show_alert(f"The refresh just now failed: {words}")
        self.refresh_finished.emit(ok)

    def _scheduler_synced(self, _snapshot: Any) -> None:
        if self._closed:
            return
        self._sync_ended()
        if self._waiting_for_scheduler:
            self._waiting_for_scheduler = False
            self.refresh_finished.emit(True)

    def _scheduler_failed(self, words: str) -> None:
        if self._closed:
            return
        self._sync_ended()
        self._show_alert(self._alert_text(words))
        if self._waiting_for_scheduler:
            self._waiting_for_scheduler = False
            self.refresh_finished.emit(False)

    def _alert_text(self, words: str) -> str:
        streak = self.scheduler.consecutive_failures if self.scheduler else 0
        if self.dashboard is not None:
            streak = max(streak, self.dashboard.consecutive_errors)
        times = f"{streak} times in a row" if streak > 1 else "the last time it ran"
        return (
            f"⚠ Catalog sync is failing ({times}): {words} Scanning still works from the saved catalog, but "
            "products added in the POS since the last good sync will not scan."
        )

    def _show_alert(self, text: str) -> None:
        if self._closed:
            return
        self.alert.setText(text)
        self.alert.setVisible(True)
        repolish(self.alert)

    def _loaded(self, dashboard: SyncDashboard) -> None:
        if self._closed:
            return
        self.dashboard = dashboard
        st = dashboard.status
        tz = self.location.timezone
        now = datetime.now(UTC)
        kind, lsp, _tenant = [*dashboard.catalog_key.split(":", 2), "", ""][:3]
        self.fields["catalog"].setText(
            f"{kind.capitalize()} product master, LSP {lsp} (shared by every store of this company)"
        )
        if st.last_sync is None:
            self.fields["last_sync"].setText("never on this station")
        else:
            self.fields["last_sync"].setText(
                f"{format_instant(st.last_sync, tz)} ({_relative(st.last_sync, now)})"
            )
        self.fields["records"].setText(f"{st.records:,} products" if st.last_sync else "—")
        self.fields["duration"].setText(
            f"{st.duration_s:.1f} s" if st.last_sync and st.duration_s else "—"
        )
        self.fields["errors"].setText(
            f"{st.error_count} since this station's cache was created"
            + (
                f", {dashboard.consecutive_errors} since the last success"
                if dashboard.consecutive_errors
                else ""
            )
        )
        if st.last_error:
            when = (
                f" ({format_instant(dashboard.last_error_at, tz)})"
                if dashboard.last_error_at
                else ""
            )
            self.fields["last_error"].setText(st.last_error + when)
        else:
            self.fields["last_error"].setText("none")
        minutes = self.ctx.settings.catalog_refresh_minutes
        self.fields["schedule"].setText(
            f"every {minutes} minutes (Settings), and on demand"
            + ("" if self.scheduler and self.scheduler.running else " — not running in this window")
        )
        failing = dashboard.consecutive_errors > 0 or (
            self.scheduler is not None and self.scheduler.consecutive_failures > 0
        )
        if failing:
            self._show_alert(
                self._alert_text(
                    st.last_error or (self.scheduler.last_error if self.scheduler else "")
                )
            )
        else:
            self.alert.setVisible(False)
        self.stale.setVisible(st.stale and not failing)
        self.stale.setText(
            "The saved catalog is older than two refresh intervals: press Refresh now."
            if st.last_sync
            else "This station has no saved catalog for this company yet: press Refresh now."
        )
        repolish(self.stale)
        self._show_next()
        self.status_loaded.emit(dashboard)

    def _show_next(self) -> None:
        if self._closed:
            return
        label = self.fields["next"]
        tz = self.location.timezone
        now = datetime.now(UTC)
        if self.scheduler is not None and self.scheduler.busy:
            label.setText("syncing now…")
            return
        due = self.scheduler.next_due if self.scheduler is not None else None
        if due is not None:
            label.setText(f"{format_instant(due, tz)} ({_relative(due, now)})")
            return
        st = self.dashboard.status if self.dashboard else None
        if st is not None and st.next_due is not None:
            overdue = " — overdue" if st.next_due < now else ""
            label.setText(
                f"due {format_instant(st.next_due, tz)} ({_relative(st.next_due, now)}){overdue}; "
                "the receiving window runs the schedule"
            )
        else:
            label.setText("after the first successful sync")

    def closeEvent(self, event: Any) -> None:
        self._tick.stop()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self._closed = True
        self._tick.stop()
        self.close()
