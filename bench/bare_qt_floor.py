"""The floor for Intake's start-up: the least a PySide6 app can do to show a wizard with a filled list.

bench_startup.py runs this in fresh subprocesses beside the real app and divides: whatever Intake adds on top of
interpreter + Qt start-up is the part we own. The page mirrors the Location step (a QWizard page with a list of
19 stores) so the floor pays for the same kind of first frame.

Run alone: `python bench/bare_qt_floor.py` prints one JSON line when the page is up, then exits.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

STORES = 19


def main() -> int:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QListWidget, QVBoxLayout, QWizard, QWizardPage

    imported = time.perf_counter()
    app = QApplication(sys.argv[:1])
    wizard = QWizard()
    page = QWizardPage()
    page.setTitle("Where are you receiving?")
    stores = QListWidget()
    QVBoxLayout(page).addWidget(stores)
    wizard.addPage(page)
    wizard.resize(1180, 800)
    wizard.show()
    shown = time.perf_counter()

    def fill_and_report() -> None:
        stores.addItems([f"AZ · Store {i}   #{1980 + i}" for i in range(STORES)])

        def ready() -> None:
            now = time.perf_counter()
            phases = {
                "import_qt": imported - T0,
                "app_and_window": shown - imported,
                "ready": now - T0,
            }
            print(
                json.dumps(
                    {"ready": True, "phases_ms": {k: round(v * 1000, 1) for k, v in phases.items()}}
                ),
                flush=True,
            )
            app.quit()

        QTimer.singleShot(0, ready)

    QTimer.singleShot(0, fill_and_report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
