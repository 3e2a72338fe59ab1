"""The window's share of a quick, smooth station: services built off the GUI thread, one `interactive` signal
when the first page lists locations, the start-up heap out of the collector's way, nothing loaded before use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from intake_gui.domain.verification import Light, LightKind, LightState
from intake_gui.sandbox import SandboxConfig
from intake_gui.store.settings import ScannerSettings, StationSettings
from intake_gui.ui import verification_panel
from intake_gui.ui.main_window import MainWindow
from intake_gui.ui.pages.products_page import ProductsPage
from intake_gui.ui.workers import wait_for_workers

pytestmark = pytest.mark.gui

SETTINGS = StationSettings(first_run_done=True, sound=False, scanner=ScannerSettings(blanking_ms=0))


@pytest.fixture
def windows(qtbot: Any) -> Iterator[list[MainWindow]]:
    made: list[MainWindow] = []
    yield made
    for window in made:
        window.close()
        window.deleteLater()
    wait_for_workers(15)


def _open(windows: list[MainWindow], **kwargs: Any) -> MainWindow:
    from intake_gui.services.context import open_context

    def factory(**context_kwargs: Any) -> Any:
        return open_context(sandbox_config=SandboxConfig(product_count=300), **context_kwargs)

    window = MainWindow(settings=SETTINGS, context_factory=factory, **kwargs)
    windows.append(window)
    window.show()
    return window


def test_interactive_once_the_locations_are_listed_and_services_built_off_the_gui_thread(
    qtbot: Any, windows: list[MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake_gui.services import heap
    from intake_gui.ui import main_window
    from intake_gui.ui.app_services import AppServices

    freezes: list[str] = []
    monkeypatch.setattr(main_window, "_heap_frozen", False)
    monkeypatch.setattr(heap, "set_aside", freezes.append)

    built_on: list[threading.Thread] = []

    def services(ctx: Any) -> AppServices:
        built_on.append(threading.current_thread())
        return AppServices.from_context(ctx)

    window = _open(windows, services_factory=services)
    fired: list[int] = []
    window.interactive.connect(lambda: fired.append(len(window.wizard.location_page.locations)))
    with qtbot.waitSignal(window.interactive, timeout=30_000):
        window.start()
    assert fired and fired[0] > 0, "interactive comes with the list filled"
    assert built_on and built_on[0] is not threading.main_thread()
    assert window.services is not None and window.services.ctx.is_sandbox
    assert freezes == ["the start-up heap"], "the start-up heap is frozen once interactive"

    with qtbot.waitSignal(window.wizard.locations_loaded, timeout=10_000):
        window.wizard._load_locations()  # a reload (F5) lists them again but is not a new start
    assert len(fired) == 1 and freezes == ["the start-up heap"]


def test_a_failing_services_factory_closes_the_context_and_says_so(
    qtbot: Any, windows: list[MainWindow]
) -> None:
    opened: list[Any] = []

    def broken(ctx: Any) -> Any:
        opened.append(ctx)
        raise RuntimeError("no services today")

    window = _open(windows, services_factory=broken)
    with qtbot.waitSignal(window.context_failed, timeout=30_000) as failed:
        window.start()
    assert isinstance(failed.args[0], RuntimeError)
    assert window.services is None
    assert opened and opened[0]._closed, "the context opened for it is closed, sandbox and all"


def test_scan_sounds_load_with_the_first_receive_not_with_the_window(qtbot: Any) -> None:
    from intake_gui.domain.catalog_index import CatalogIndex
    from intake_gui.domain.models import Product

    page = ProductsPage(SETTINGS)
    qtbot.addWidget(page)
    assert page._sounds is None
    page.start_session(CatalogIndex([Product(product_id=1, sku="A1", name="One")]), 1, title="t")
    assert page._sounds is not None and page.sounds is page._sounds
    assert not page.sounds.enabled, "the station's sound setting applies"
    page.stop_session()


def test_a_light_card_restyles_only_when_its_state_changes(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = verification_panel.LightCard(LightKind.PACKAGES)
    qtbot.addWidget(card)
    restyled: list[object] = []
    monkeypatch.setattr(
        verification_panel, "repolish", lambda widget, deep=True: restyled.append(widget)
    )
    card.show_light(Light.checking(LightKind.PACKAGES))
    assert restyled == []
    green = Light(kind=LightKind.PACKAGES, state=LightState.GREEN, headline="All there")
    card.show_light(green)
    assert restyled[0] is card and card.symbol in restyled and card.word in restyled
    assert card.property("state") == LightState.GREEN.value
