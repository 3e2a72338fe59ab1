"""Drive the real Intake window offscreen against its embedded sandbox and save a PNG of every page.

Run: python packaging/make_screenshots.py [--out resources/screenshots] [--large-type]

Nothing is mocked: the window starts the embedded sandbox, logs in with the training user, loads the catalog
and submits real receives over loopback HTTP, exactly as a station does. The images are for the manual and
for reviewing the look; the script fails loudly if a page does not reach the state it should show.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WINDOW_SIZE = (1366, 768)
"""The screen most stations have (the whole screen: the window is maximised there)."""
TOMMY_CHONG = "3B4791"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "resources" / "screenshots")
    parser.add_argument("--large-type", action="store_true", help="render in large-type mode")
    parser.add_argument(
        "--size",
        default="x".join(map(str, WINDOW_SIZE)),
        help="window size WxH (default %(default)s)",
    )
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.size.lower().split("x"))
    os.environ["INTAKE_HOME"] = tempfile.mkdtemp(prefix="intake-screens-")
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        # An offscreen screen of the station's size: the window sizes itself to it as on a real station
        # (maximised), and the density follows its height (offscreen's own screen is 800×600).
        screen = Path(os.environ["INTAKE_HOME"]) / "screen.json"
        screen.write_text(
            json.dumps(
                {
                    "screens": [
                        {"name": "station", "width": size[0], "height": size[1], "logicalDpi": 96}
                    ]
                }
            ),
            encoding="utf-8",
        )
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    for var in ("INTAKE_API_BASE", "INTAKE_USERNAME", "INTAKE_PASSWORD"):
        os.environ.pop(var, None)
    sys.path.insert(0, str(REPO))
    args.out.mkdir(parents=True, exist_ok=True)
    return Shooter(args.out, large_type=args.large_type, size=(size[0], size[1])).run()


class Shooter:
    def __init__(self, out: Path, *, large_type: bool, size: tuple[int, int] = WINDOW_SIZE) -> None:
        from intake_gui.store.settings import ScannerSettings, StationSettings
        from intake_gui.ui.app import create_application
        from intake_gui.ui.theme import app_icon, apply_theme

        self.out = out
        self.size = size
        self.app = create_application()
        apply_theme(self.app, large_type=large_type)
        self.app.setWindowIcon(app_icon())
        self.settings = StationSettings(
            first_run_done=True,
            sound=False,
            station_name="Receiving-1",
            large_type=large_type,
            scanner=ScannerSettings(blanking_ms=0),
        )
        self.window = self.open_window(self.settings)
        self.wizard = self.window.wizard
        self.saved: list[Path] = []
        self.cut: list[str] = []
        """Screenshots with text cut off (ui/layout_check.py): the run fails with them listed."""

    def open_window(self, settings: object) -> object:
        from intake_gui.sandbox import SandboxConfig
        from intake_gui.services.context import open_context
        from intake_gui.ui.main_window import MainWindow

        window = MainWindow(
            settings=settings,  # type: ignore[arg-type]
            context_factory=lambda **kw: open_context(sandbox_config=SandboxConfig(), **kw),
        )
        return window

    # ---- plumbing --------------------------------------------------------------------------------

    def wait(self, what: str, cond: Callable[[], bool], timeout: float = 60.0) -> None:
        from PySide6.QtCore import QEventLoop

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if cond():
                return
            time.sleep(0.01)
        raise SystemExit(f"screenshots: timed out waiting for {what}")

    def settle(self) -> None:
        """Let layouts, styles and queued signals finish before grabbing."""
        for _ in range(5):
            self.app.processEvents()
            time.sleep(0.02)

    def shot(self, name: str, widget: object | None = None) -> None:
        self.settle()
        path = self.out / f"{name}.png"
        target = widget or self.window
        if not target.grab().save(str(path)):  # type: ignore[attr-defined]
            raise SystemExit(f"screenshots: could not write {path}")
        from intake_gui.ui.layout_check import describe, find_clipped

        clips = find_clipped(target)  # type: ignore[arg-type]
        if clips:
            self.cut.append(f"{name}:\n{describe(clips)}")
        self.saved.append(path)
        print(path)

    def step(self) -> str:
        return self.wizard.flow.step.value

    # ---- the tour --------------------------------------------------------------------------------

    def run(self) -> int:
        self.welcome()
        try:
            self.tour()
        finally:
            self.window.close()
        # A second station, set to IndicaOnline: it shares the first one's data folder, so it opens after.
        self.window = self.open_window(self.settings.model_copy(update={"pos_kind": "indica"}))
        self.wizard = self.window.wizard
        try:
            self.indica_tour()
        finally:
            self.window.close()
        print(f"{len(self.saved)} screenshots in {self.out}")
        if self.cut:
            print("Text cut off:\n" + "\n".join(self.cut), file=sys.stderr)
            return 1
        return 0

    def welcome(self) -> None:
        """The first start's dialog, over the window as a station first shows it (not connected yet)."""
        from intake_gui.services.context import data_locations
        from intake_gui.store.paths import app_paths
        from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog

        self.window.show_on_screen()
        dialog = WelcomeDialog(
            self.settings.station_name, data_locations(app_paths()), parent=self.window
        )
        dialog.open()
        self.shot("00_welcome", dialog)
        dialog.close()
        dialog.deleteLater()

    def tour(self) -> None:
        from intake_gui.domain.wizard_flow import Step

        w, wiz = self.window, self.wizard
        w.show_on_screen()
        w.start()
        self.wait("locations", lambda: bool(wiz.location_page.locations))
        self.wait("start-up check", lambda: w.recovery is not None)
        wiz.location_page.picker.filter.setText("AZ")
        self.shot("01_location")

        az = next(loc for loc in wiz.location_page.locations if loc.loc_id == 1989)
        wiz.choose_location(az)
        self.wait("vendors", lambda: bool(wiz.vendor_page.vendors))
        wiz.vendor_page.picker.filter.setText("pal")
        self.shot("02_vendor")

        vendor = next(v for v in wiz.vendor_page.vendors if v.vendor_id == 39195)
        wiz.choose_vendor(vendor)
        self.wait("rooms", lambda: wiz.flow.rooms is not None)
        self.shot("03_room")
        vault = next(r for r in wiz.flow.rooms or () if r.name == "Vault")
        wiz.choose_room(vault)
        self.wait("non-sellable confirmation", lambda: not wiz.room_page.confirm_box.isHidden())
        self.shot("04_room_not_sellable_confirmation")
        wiz.room_page.cancel_confirmation()
        sales = next(r for r in wiz.flow.rooms or () if r.sellable)
        wiz.choose_room(sales)
        self.wait("products page", lambda: self.step() == "products")
        self.wait("catalog", lambda: wiz.products_page.session is not None)

        page = wiz.products_page
        second = next(p for p in page.index.products if p.is_cannabis and p.sku != TOMMY_CHONG)
        for _ in range(3):
            wiz.handle_scan(TOMMY_CHONG)
        page.search.setText(second.name.split()[0])
        page.pick_result()
        page.session.set_quantity(page.session.last_line_id, "3")
        page.title_edit.setText("INV-20417")
        page.title_edit.textEdited.emit("INV-20417")
        page.search.setText("gummies")
        self.shot("05_products_scanned")

        page.search.clear()
        third = next(
            p
            for p in page.index.products
            if p.is_cannabis and p.sku not in (TOMMY_CHONG, second.sku)
        )
        manifest = self.out.parent / ".screenshot-manifest.csv"
        manifest.write_text(
            f"sku,qty,name\n{TOMMY_CHONG},3,Tommy Chong Joint (H)\n{second.sku},4,{second.name}\n"
            f"{third.sku},2,{third.name}\n",
            encoding="utf-8",
        )
        try:
            page.load_manifest_file(str(manifest))
            self.wait("manifest", lambda: page.session.manifest is not None)
        finally:
            manifest.unlink()
        self.shot("06_products_manifest")
        for row in page.session.variances_missing_reason():
            page.session.set_reason(row.key, "short-shipped, on the driver's sheet")

        wiz.handle_scan("NOSUCHCODE42")
        page.search.setText(second.name.split()[0])
        self.shot("07_products_unknown_code")
        page.dismiss_unknown()
        page.search.clear()

        wiz.go_next()
        self.wait("review", lambda: self.step() == "review")
        wiz.review_page.note.setPlainText("Driver: M. Ortiz, seal 118-204 intact.")
        self.shot("08_review")

        wiz.submit()
        self.wait("verification", lambda: wiz.verify_page.panel.report is not None)
        report = wiz.verify_page.panel.report
        if not report.all_green:
            raise SystemExit(f"screenshots: expected three green lights, got {report.lights}")
        self.shot("09_verify_all_green")

        # The course's mastery case: received into a room that is not a sales room.
        wiz.new_receive()
        self.wait("vendor again", lambda: self.step() == "vendor")
        wiz.choose_vendor(vendor)
        self.wait("room again", lambda: self.step() == "room")
        wiz.choose_room(vault)
        wiz.confirm_room(vault)
        self.wait("catalog again", lambda: wiz.products_page.session is not None)
        for _ in range(3):
            wiz.handle_scan(TOMMY_CHONG)
        wiz.go_next()
        self.wait("review again", lambda: self.step() == "review")
        wiz.submit()
        self.wait("mastery verification", lambda: wiz.verify_page.panel.report is not None)
        sellable = wiz.verify_page.panel.report.by_kind("sellable")
        if sellable.state.value != "red":
            raise SystemExit(f"screenshots: expected the mastery diagnosis, got {sellable}")
        self.shot("10_verify_mastery_diagnosis")

        # The no-rooms stop (Illinois sandbox).
        wiz.new_receive()
        wiz.go_to(Step.LOCATION)
        il = next(loc for loc in wiz.location_page.locations if loc.loc_id == 2862)
        wiz.choose_location(il)
        self.wait("IL vendors", lambda: bool(wiz.vendor_page.vendors))
        wiz.choose_vendor(wiz.vendor_page.vendors[0])
        self.wait("no-rooms stop", lambda: not wiz.room_page.block_box.isHidden())
        self.shot("11_room_no_rooms_stop")

        # Tools > Shelf count: the Sales Floor counted against the POS, two products scanned.
        count = w.open_count()
        self.wait("count locations", lambda: bool(count.locations))
        count.set_location(1989)
        self.wait(
            "count rooms",
            lambda: (
                count.current_location() is not None
                and count.current_location().loc_id == 1989
                and any(r.name == "Sales Floor" for r in count.rooms)
            ),
        )
        count.set_room(next(r.room_id for r in count.rooms if r.name == "Sales Floor"))
        count.start_count()
        self.wait("count stock", lambda: count.comparison is not None)
        shelves = count.stock.shelves
        if len(shelves) < 3:
            raise SystemExit(f"screenshots: the Sales Floor holds too little to count: {shelves}")
        for shelf in shelves[:2]:
            count.handle_scan(shelf.sku)
        count.handle_scan(f"2*{shelves[2].sku}")
        self.shot("12_shelf_count", count)
        count.close()

    def indica_tour(self) -> None:
        """IndicaOnline has no receive API: the station says so on its first screen and offers Shelf count."""
        w = self.window
        w.show_on_screen()
        w.start()
        self.wait("IndicaOnline connection", lambda: w.services is not None)
        self.wait("start-up check", lambda: w.recovery is not None)
        if self.wizard.can_receive:
            raise SystemExit("screenshots: IndicaOnline should not offer receiving")
        self.shot("13_indica_no_receive_api")


if __name__ == "__main__":
    sys.exit(main())
