"""The whole station, wired: a real MainWindow on the embedded sandbox (Dutchie, BLAZE or IndicaOnline emulated,
chosen by `settings.pos_kind` exactly as a station chooses it), driven through its menus, keys and scans.

`open_desk(kind)` opens the window the way `intake-gui` does (no API base: the context starts the embedded
sandbox and signs in with the training keys). Scans are key bursts with explicit timestamps sent through the
application, so both scanner filters (the wizard's and the Shelf count window's) judge them like real ones.
Teardown closes every window, fails a test that left a worker running, and deletes the windows at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from intake_gui.domain.models import Location, Room, Vendor
from intake_gui.sandbox import SandboxConfig
from intake_gui.store.settings import ScannerSettings, StationSettings
from intake_gui.ui.main_window import MainWindow, StartOptions
from intake_gui.ui.theme import apply_theme
from intake_gui.ui.wedge_keys import WedgeKeyboard

WAIT = 30_000
PRODUCTS = 3000
"""The Dutchie emulator's catalog size here: big enough to search, small enough to sync in a blink."""


_ts = [7_000_000]


def key_burst(target: QWidget, code: str, gap_ms: int = 6) -> None:
    """A keyboard-wedge scan (ui/wedge_keys: Shift around capitals, Ctrl+] for GS, then Enter) to `target`."""
    keyboard = WedgeKeyboard(target, start_ms=_ts[0])
    keyboard.scan(code, gap_ms=gap_ms, after_ms=10_000)
    _ts[0] = keyboard.ts


@pytest.fixture(name="key_burst")
def key_burst_fixture() -> Callable[..., None]:
    """`key_burst(target, code)` for test modules (they cannot import this conftest under importlib mode)."""
    return key_burst


class Desk:
    """One open station window and the clerk's hands on it."""

    def __init__(self, qtbot: Any, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.wizard = window.wizard

    @property
    def ctx(self) -> Any:
        assert self.window.services is not None
        return self.window.services.ctx

    # ---- waiting -------------------------------------------------------------------------------

    def wait_connected(self) -> None:
        self.qtbot.waitUntil(lambda: self.window.services is not None, timeout=WAIT)
        self.qtbot.waitUntil(lambda: self.window.recovery is not None, timeout=WAIT)

    def wait_ready(self) -> None:
        self.wait_connected()
        self.qtbot.waitUntil(lambda: bool(self.wizard.location_page.locations), timeout=WAIT)

    def wait_step(self, step: str) -> None:
        self.qtbot.waitUntil(lambda: self.wizard.flow.step.value == step, timeout=WAIT)

    def activate(self, window: QWidget) -> None:
        window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)

    # ---- the wizard ----------------------------------------------------------------------------

    def pick_location(self, loc_id: int | None = None) -> Location:
        locations = self.wizard.location_page.locations
        location = next(loc for loc in locations if loc_id is None or loc.loc_id == loc_id)
        self.wizard.choose_location(location)
        self.wait_step("vendor")
        return location

    def pick_vendor(self, vendor_id: int | None = None) -> Vendor:
        self.qtbot.waitUntil(lambda: bool(self.wizard.vendor_page.vendors), timeout=WAIT)
        vendors = self.wizard.vendor_page.vendors
        vendor = next(v for v in vendors if vendor_id is None or v.vendor_id == vendor_id)
        self.wizard.choose_vendor(vendor)
        self.wait_step("room")
        return vendor

    def room(self, name: str) -> Room:
        self.qtbot.waitUntil(lambda: self.wizard.flow.rooms is not None, timeout=WAIT)
        return next(r for r in self.wizard.flow.rooms or () if r.name == name)

    def to_products(
        self, *, loc_id: int | None = None, vendor_id: int | None = None, room: str
    ) -> Room:
        self.wait_ready()
        self.pick_location(loc_id)
        self.pick_vendor(vendor_id)
        chosen = self.room(room)
        self.wizard.choose_room(chosen)
        if not chosen.sellable:
            self.wizard.confirm_room(chosen)
        self.wait_step("products")
        self.qtbot.waitUntil(lambda: self.wizard.products_page.session is not None, timeout=WAIT)
        return chosen

    def lines(self) -> list[tuple[str, str]]:
        session = self.wizard.products_page.session
        assert session is not None
        return [(ln.sku, format(ln.quantity.normalize(), "f")) for ln in session.lines]

    def submit_and_verify(self, title: str) -> Any:
        page = self.wizard.products_page
        page.title_edit.setText(title)
        page.title_edit.textEdited.emit(title)
        self.wizard.go_next()
        self.wait_step("review")
        with self.qtbot.waitSignal(self.wizard.verified, timeout=WAIT) as first:
            self.wizard.submit()
        return first.args[0]


def station_settings(kind: str = "dutchie", **update: Any) -> StationSettings:
    """Quiet, first run done, unthrottled (the sandbox is local), scanner blanking off."""
    base = StationSettings(
        pos_kind=kind,
        first_run_done=True,
        sound=False,
        station_name="dock-9",
        rate_limit_per_minute=0,
        scanner=ScannerSettings(blanking_ms=0),
    )
    return base.model_copy(update=update)


@pytest.fixture
def open_desk(qtbot: Any, qapp: QApplication, intake_home: Any) -> Iterator[Callable[..., Desk]]:
    """open_desk(kind="dutchie", *, options=None, sandbox_config=None, settings=None, services_factory=None)."""
    from intake_gui.services.context import open_context

    if not qapp.styleSheet():
        apply_theme(qapp)
    windows: list[MainWindow] = []

    def open_(
        kind: str = "dutchie",
        *,
        options: StartOptions | None = None,
        sandbox_config: SandboxConfig | None = None,
        settings: StationSettings | None = None,
        services_factory: Callable[[Any], Any] | None = None,
        backoff_s: tuple[float, ...] = (0.3, 0.6),
    ) -> Desk:
        config = sandbox_config or SandboxConfig(product_count=PRODUCTS, rate_limit_per_minute=0)

        def factory(**kwargs: Any) -> Any:
            return open_context(sandbox_config=config, **kwargs)

        window = MainWindow(
            options,
            settings=settings or station_settings(kind),
            context_factory=factory,
            services_factory=services_factory,
            verify_backoff_s=backoff_s,
        )
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        window.start()
        windows.append(window)
        return Desk(qtbot, window)

    yield open_
    for window in windows:
        window.close()
        window.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
