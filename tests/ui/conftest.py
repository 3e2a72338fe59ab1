"""GUI test harness: a real MainWindow against the embedded sandbox over loopback HTTP, driven by keys.

Scans are simulated the way a keyboard-wedge scanner produces them: key events a few ms apart with explicit
timestamps, sent through the application so the app-wide ScannerFilter judges them like real ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from intake_gui.domain.models import Location, Room, Vendor
from intake_gui.sandbox import SandboxConfig
from intake_gui.store.settings import ScannerSettings, StationSettings
from intake_gui.ui.main_window import MainWindow
from intake_gui.ui.theme import apply_theme
from intake_gui.ui.wedge_keys import WedgeKeyboard

PRODUCTS_FOR_TESTS = 3000
"""Big enough to search in, small enough that every test's catalog sync is quick."""


class Station:
    """One open window and the keyboard/scanner a clerk would use on it."""

    _ts = 5_000_000

    def __init__(self, qtbot: Any, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.wizard = window.wizard

    # ---- waiting -------------------------------------------------------------------------------

    def wait_ready(self) -> None:
        self.qtbot.waitUntil(lambda: bool(self.wizard.location_page.locations), timeout=30_000)
        self.qtbot.waitUntil(lambda: self.window.recovery is not None, timeout=30_000)

    def wait_step(self, step: str, timeout: int = 20_000) -> None:
        self.qtbot.waitUntil(lambda: self.wizard.flow.step.value == step, timeout=timeout)

    def wait_session(self) -> None:
        self.qtbot.waitUntil(lambda: self.wizard.products_page.session is not None, timeout=30_000)

    # ---- the keyboard --------------------------------------------------------------------------

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        assert widget.window() is self.window, f"focus is outside the window: {widget}"
        return widget

    def type(self, text: str) -> None:
        """A person typing into whatever has focus. Quick keys are first held by the scanner filter (they
        could be a scan); wait until it hands them back, as a person's next key would."""
        QTest.keyClicks(self.focus(), text)
        self.qtbot.waitUntil(lambda: self.wizard.scanner.holding == 0, timeout=2000)

    def key(
        self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        QTest.keyClick(self.focus(), key, modifiers)

    def enter(self) -> None:
        self.key(Qt.Key.Key_Return)

    def scan(self, code: str, gap_ms: int = 6) -> None:
        """A keyboard-wedge scan (ui/wedge_keys: Shift pressed around capitals, Ctrl+] for GS, timestamps
        `gap_ms` apart, then Enter), delivered where real key events go: the focus window."""
        keyboard = WedgeKeyboard(QApplication.focusWidget() or self.window, start_ms=Station._ts)
        keyboard.scan(code, gap_ms=gap_ms, after_ms=10_000)
        Station._ts = keyboard.ts

    # ---- programmatic shortcuts (for tests whose point is not the keyboard) -----------------------

    def location(self, loc_id: int) -> Location:
        return next(loc for loc in self.wizard.location_page.locations if loc.loc_id == loc_id)

    def pick_location(self, loc_id: int) -> None:
        self.wizard.choose_location(self.location(loc_id))
        self.wait_step("vendor")

    def pick_vendor(self, vendor_id: int) -> Vendor:
        self.qtbot.waitUntil(lambda: bool(self.wizard.vendor_page.vendors), timeout=20_000)
        vendor = next(v for v in self.wizard.vendor_page.vendors if v.vendor_id == vendor_id)
        self.wizard.choose_vendor(vendor)
        self.wait_step("room")
        return vendor

    def room(self, name: str) -> Room:
        self.qtbot.waitUntil(lambda: self.wizard.flow.rooms is not None, timeout=20_000)
        return next(r for r in self.wizard.flow.rooms or () if r.name == name)

    def to_products(
        self, loc_id: int = 1989, vendor_id: int = 39195, room: str = "Sales Floor"
    ) -> None:
        self.wait_ready()
        self.pick_location(loc_id)
        self.pick_vendor(vendor_id)
        self.wizard.choose_room(self.room(room))
        self.wait_step("products")
        self.wait_session()

    def lines(self) -> list[tuple[str, str]]:
        session = self.wizard.products_page.session
        assert session is not None
        return [(ln.sku, format(ln.quantity.normalize(), "f")) for ln in session.lines]

    def receives(self) -> list[dict[str, Any]]:
        services = self.window.services
        assert services is not None and services.ctx.sandbox is not None
        return services.ctx.sandbox.admin.receives()


@pytest.fixture
def open_station(
    qtbot: Any, qapp: QApplication, intake_home: Any
) -> Iterator[Callable[..., Station]]:
    """Open a station window. Default: the embedded sandbox (started by open_context itself, as in production).

    `api_base`/`username`/`password` sign in to an already running sandbox instead (a "real tenant").
    """
    from intake_gui.services.context import open_context

    if not qapp.styleSheet():
        apply_theme(qapp)
    windows: list[MainWindow] = []

    def open_(
        *,
        sandbox_config: SandboxConfig | None = None,
        api_base: str | None = None,
        username: str = "",
        password: str = "",
        settings: StationSettings | None = None,
        backoff_s: tuple[float, ...] = (0.3, 0.6),
        services_factory: Callable[[Any], Any] | None = None,
    ) -> Station:
        def factory(**kwargs: Any) -> Any:
            if api_base:
                kwargs.update(
                    api_base=api_base, username=username, password=password, remember=False
                )
            else:
                kwargs["sandbox_config"] = sandbox_config or SandboxConfig(
                    product_count=PRODUCTS_FOR_TESTS
                )
            return open_context(**kwargs)

        window = MainWindow(
            settings=settings or station_settings(),
            context_factory=factory,
            verify_backoff_s=backoff_s,
            services_factory=services_factory,
        )
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        window.start()
        windows.append(window)
        return Station(qtbot, window)

    yield open_
    for window in windows:
        window.close()
        # Deleted now, not at some later garbage collection: hidden leftovers would be restyled and
        # re-polished by every later test and slow the whole suite down.
        window.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def station_settings(**update: Any) -> StationSettings:
    """Quiet, first run done, and scanner blanking off so three quick scans of one item count three."""
    base = StationSettings(first_run_done=True, sound=False, scanner=ScannerSettings(blanking_ms=0))
    return base.model_copy(update=update)


@pytest.fixture
def settings_factory() -> Callable[..., StationSettings]:
    return station_settings
