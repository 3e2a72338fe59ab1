"""A receiving station GUI in its own process, driven like a clerk, for the kill -9 runs of the fault suite.

    python gui_station.py --api-base URL --admin URL --title T --qty N [--reopen]

Without `--reopen`: open the window, receive one delivery (AZ sandbox, PALOMINO, Sales Floor, 3B4791 x N, title
T) and print `SUBMITTING` as Submit is pressed; the suite kills the process (SIGKILL) at a random moment after.

With `--reopen` (the clerk reopening Intake): wait for start-up recovery; answer any decision the way a person
would after looking in the POS (the sandbox's admin record: the tag is there -> "It is in the POS", else "Send it
again"); dismiss the resume offer; then enter the same delivery again and press Submit, as a clerk who is not
sure it went through would. If Intake warns that the delivery was sent before, press Cancel. Prints one JSON
line with what happened, then closes the window.

Credentials come from INTAKE_USERNAME / INTAKE_PASSWORD, the station's data from INTAKE_HOME.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import httpx
from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QMessageBox

TOMMY_CHONG = "3B4791"
WAIT_S = 60.0


def pump(seconds: float = 0.02) -> None:
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, int(seconds * 1000))
    time.sleep(seconds)


def wait_until(condition: Any, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        pump()


def tags_in_pos(admin: str) -> set[str]:
    rows = httpx.get(admin.rstrip("/") + "/_admin/receives", timeout=10).json()
    return {
        r["order_title"][r["order_title"].rindex("[") + 1 : -1]
        for r in rows
        if (r["order_title"] or "").endswith("]")
    }


def open_window(api_base: str) -> Any:
    from intake_gui.store.settings import ScannerSettings, StationSettings
    from intake_gui.ui.main_window import MainWindow, StartOptions

    settings = StationSettings(
        first_run_done=True,
        sound=False,
        station_name="gui-kill",
        request_timeout_s=1.0,
        rate_limit_per_minute=0,
        scanner=ScannerSettings(blanking_ms=0),
    )
    window = MainWindow(StartOptions(api_base=api_base), settings=settings)
    window.show()
    window.start()
    return window


def enter_delivery(window: Any, title: str, qty: int) -> None:
    wiz = window.wizard
    wait_until(lambda: bool(wiz.location_page.locations), "the locations")
    wiz.choose_location(next(x for x in wiz.location_page.locations if x.loc_id == 1989))
    wait_until(lambda: bool(wiz.vendor_page.vendors), "the vendors")
    wiz.choose_vendor(next(v for v in wiz.vendor_page.vendors if v.vendor_id == 39195))
    wait_until(lambda: wiz.flow.rooms is not None, "the rooms")
    wiz.choose_room(next(r for r in wiz.flow.rooms if r.name == "Sales Floor"))
    wait_until(lambda: wiz.products_page.session is not None, "the catalog")
    for _ in range(qty):
        wiz.handle_scan(TOMMY_CHONG)
    page = wiz.products_page
    page.title_edit.setText(title)
    page.title_edit.textEdited.emit(title)
    wiz.go_next()
    wait_until(lambda: wiz.flow.step.value == "review", "the review page")


def first_run(args: argparse.Namespace) -> int:
    window = open_window(args.api_base)
    wait_until(lambda: window.recovery is not None, "start-up recovery")
    enter_delivery(window, args.title, args.qty)
    print("SUBMITTING", flush=True)
    window.wizard.submit()
    wait_until(lambda: window.wizard.verify_page.panel.report is not None, "verification", 120)
    print(json.dumps({"verified": True}), flush=True)
    return 0


def reopen(args: argparse.Namespace) -> int:
    from intake_gui.ui.dialogs.decision_dialog import DecisionDialog
    from intake_gui.ui.dialogs.resume_dialog import ResumeDialog

    report: dict[str, Any] = {"decisions": [], "warned": False, "sent": False}
    window = open_window(args.api_base)
    wait_until(lambda: window.recovery is not None, "start-up recovery", 120)
    report["recovery"] = [o.message for o in window.recovery]
    wiz = window.wizard
    warned: list[Any] = []
    wiz.same_delivery_found.connect(warned.append)
    quiet_since = time.monotonic()
    while (
        time.monotonic() - quiet_since < 2.0
    ):  # decisions first, then the resume offer, then quiet
        pump()
        dialogs = [d for d in window.findChildren(DecisionDialog) if d.isVisible()]
        if dialogs:
            decision = dialogs[0].current
            landed = decision.facts.token in tags_in_pos(args.admin)
            report["decisions"].append("landed" if landed else "resend")
            (dialogs[0].landed_button if landed else dialogs[0].resend_button).click()
            quiet_since = time.monotonic()
            continue
        for resume in [d for d in window.findChildren(ResumeDialog) if d.isVisible()]:
            resume.reject()  # "Later": the clerk enters the delivery afresh
            quiet_since = time.monotonic()
    enter_delivery(window, args.title, args.qty)
    wiz.submit()
    wait_until(
        lambda: warned or wiz.verify_page.panel.report is not None, "the submit's outcome", 120
    )
    if warned:
        report["warned"] = True
        warned[0].button(QMessageBox.StandardButton.Cancel).click()
    else:
        report["sent"] = True
    window.close()
    print(json.dumps(report), flush=True)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--api-base", required=True)
    p.add_argument("--admin", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--qty", type=int, default=1)
    p.add_argument("--reopen", action="store_true")
    args = p.parse_args()
    app = QApplication(sys.argv[:1])
    try:
        return reopen(args) if args.reopen else first_run(args)
    finally:
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
