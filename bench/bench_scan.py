"""Scan-to-line latency: a scanner burst's Enter delivered to the application -> the line updated in
LinesTableModel and painted by the Products page's LinesTableView, through the real ScannerFilter, ScanSession
and model. Two ways in, both with capitals (SKUs like "JBH71F": a separate Shift press before each capital):

* synthetic (offscreen): key events built by ui/wedge_keys exactly as a wedge produces them (Shift press and
  release around each capital, 3 ms apart, window-system timestamps), posted to the focus window;
* x11: the same window on Qt's xcb platform under Xvfb, typed at by xdotool (real X events, the X server's
  timestamps). One xdotool process types the whole run, pausing PACE_S between scans as a clerk picking up the
  next item does: a wedge scanner is no process on the station, and an xdotool started for each scan (the
  bench's way until 2026-12-02, kept as `--x11-process-per-scan`) starts up and exits, at a raised priority, on
  the station's two cores while the scan it typed is being handled.

Either way the clock starts when the Enter key event reaches the application (an event filter that runs before
the scanner filter) and stops when (a) the model announces the changed row and (b) the view has finished the
paint that shows it. Over a 17k and a 200k catalog: the index makes catalog size irrelevant, and this shows it.
Scans come in runs (a case scanned unit by unit), so the results separate a repeat scan (one row repaints) from
a new product (a row is inserted). Target: p99 < 8 ms. Writes bench/out/scan.json.

    python bench/bench_scan.py            # synthetic and x11 (x11 needs Xvfb and xdotool)
    python bench/bench_scan.py --synthetic-only
    python bench/bench_scan.py --plain          # plain Qt instead of the station's theme
    python bench/bench_scan.py --x11-process-per-scan   # one xdotool process per scan, sent back to back
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if "--x11-child" in sys.argv else "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from bench.catalog_gen import generate
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.scan_session import ScanSession
from intake_gui.services.heap import set_aside
from intake_gui.store.settings import ScannerSettings
from intake_gui.ui.heap_tidy import HeapTidy
from intake_gui.ui.lines_model import Column, LinesTableModel
from intake_gui.ui.lines_view import LinesTableView
from intake_gui.ui.scanner_filter import ScannerFilter
from intake_gui.ui.theme import apply_theme
from intake_gui.ui.wedge_keys import burst

X11_CHILD = "--x11-child" in sys.argv
OUT = Path(__file__).resolve().parent / "out"
TARGET_P99_MS = 8.0
SCANS = 300
X11_SCANS = 150
KEY_GAP_MS = 3
PACE_S = 0.4
"""Between one scan's Return and the next scan's first key, in the x11 run (not per-scan mode): the issue's
"three identical items scanned 400 ms apart"."""
PER_SCAN_PROCESS = "--x11-process-per-scan" in sys.argv


class TimedView(LinesTableView):
    """Records when each paint *finished*, which is when the clerk can see the row."""

    def __init__(self) -> None:
        super().__init__()
        self.painted_at = 0.0

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.painted_at = time.perf_counter()


class EnterProbe(QObject):
    """Notes when a Return key press reaches the application; installed after the scanner filter, so it
    runs first (Qt calls the most recently installed application filter first)."""

    def __init__(self) -> None:
        super().__init__()
        self.at = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        is_enter = event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Return  # type: ignore[attr-defined]
        if is_enter and not self.at:
            self.at = time.perf_counter()
        return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


PAGE_DEFAULT_HIDDEN = ("EXPECTED", "DIFFERENCE", "REASON", "PACKAGE_TAG", "LOT", "EXPIRATION")
"""The Products page shows manifest columns only with a manifest and tag/lot/expiry only when used."""

Sender = Callable[[QWidget, str], None]


def synthetic_sender() -> Sender:
    clock = [10_000]

    def send(target: QWidget, code: str) -> None:
        window = target.window().windowHandle()
        for stroke in burst(code, start_ms=clock[0], gap_ms=KEY_GAP_MS):
            QCoreApplication.postEvent(window, stroke.event())
        clock[0] += 400 + KEY_GAP_MS * (len(code) + 1)

    return send


def _typed(code: str) -> str:
    """xdotool's script for one scan: the code (Shift pressed for each capital), then Return."""
    return f"type --delay {2 * KEY_GAP_MS - 1} {code}\nkey --delay 0 Return\n"


def x11_sender() -> Sender:
    """One xdotool process per scan, typing into the focused window (`--x11-process-per-scan`)."""

    def send(_target: QWidget, code: str) -> None:
        _spawn(_typed(code))

    return send


def x11_typist(plan: list[str]) -> Sender:
    """One xdotool process for the whole plan, started at the first send; later sends only wait their turn."""
    started = [False]

    def send(_target: QWidget, _code: str) -> None:
        if not started[0]:
            started[0] = True
            _spawn("".join(f"{_typed(code)}sleep {PACE_S}\n" for code in plan))

    return send


def _spawn(script: str) -> None:
    nice = ["nice", "-n", "-5"] if os.geteuid() == 0 else []  # as the real-window tests do
    proc = subprocess.Popen([*nice, "xdotool", "-"], stdin=subprocess.PIPE, text=True)
    assert proc.stdin is not None
    proc.stdin.write(script)
    proc.stdin.close()
    _children.append(proc)


_children: list[subprocess.Popen[str]] = []


def measure(
    app: QApplication,
    size: int,
    *,
    hidden: tuple[str, ...] = PAGE_DEFAULT_HIDDEN,
    x11: bool = False,
    scans: int = SCANS,
) -> dict[str, object]:
    products = generate(size)
    index = CatalogIndex(products)
    set_aside(
        "the catalog"
    )  # what the station does with each catalog it installs (ui/wizard_catalog.py)
    session = ScanSession(index, room_id=1, blanking_ms=0)
    model = LinesTableModel(session)
    window = QWidget()
    window.setWindowTitle("bench-scan")
    layout = QVBoxLayout(window)
    search = QLineEdit()
    view = TimedView()
    view.setModel(model)
    for name in hidden:
        view.setColumnHidden(model.column_of(Column[name]), True)
    layout.addWidget(search)
    layout.addWidget(view)
    window.resize(1100, 700)
    window.show()
    search.setFocus()

    model.row_highlighted.connect(lambda row: view.scrollTo(model.index(row, 0)))
    scanner = ScannerFilter(ScannerSettings())  # a station's defaults
    scanner.install(app)
    probe = EnterProbe()
    app.installEventFilter(probe)
    model_at = [0.0]
    model.dataChanged.connect(lambda *_: model_at.__setitem__(0, time.perf_counter()))
    model.rowsInserted.connect(lambda *_: model_at.__setitem__(0, time.perf_counter()))
    scanner.scanned.connect(session.scan)
    # As the station's wizard does: garbage collections after the paint, between scans.
    HeapTidy(scanner)
    for _ in range(20):
        app.processEvents()
    rng = random.Random(3)
    pool = rng.sample(products, 150)  # a delivery of ~150 products
    plan: list[str] = []
    while len(plan) < scans:
        # Clerks scan a case unit by unit: runs of the same code, then the next product. SKUs have capitals.
        p = rng.choice(pool)
        plan += [p.sku] * rng.choice((1, 1, 2, 3, 6, 12))
    plan = plan[:scans]
    if x11:
        window_id = int(window.winId())
        subprocess.run(["xdotool", "windowfocus", "--sync", str(window_id)], check=True, timeout=30)
        for _ in range(20):
            app.processEvents()
        send = x11_sender() if PER_SCAN_PROCESS else x11_typist(plan)
    else:
        send = synthetic_sender()
    first: list[tuple[float, float]] = []
    repeat: list[tuple[float, float]] = []
    missed = 0
    previous = ""
    for code in plan:
        model_at[0] = 0.0
        probe.at = 0.0
        send(search, code)
        deadline = time.perf_counter() + (5.0 + PACE_S if x11 else 1.0)
        while time.perf_counter() < deadline:
            app.processEvents()
            t0 = probe.at
            if t0 and model_at[0] > t0 and view.painted_at > model_at[0]:
                break
        t0 = probe.at
        if not (t0 and model_at[0] > t0 and view.painted_at > model_at[0]):
            missed += 1
            continue
        sample = ((model_at[0] - t0) * 1000, (view.painted_at - t0) * 1000)
        (repeat if code == previous else first).append(sample)
        previous = code
        if x11 and PER_SCAN_PROCESS:
            while _children:
                _children.pop().wait(30)
    while _children:
        _children.pop().wait(30)
    scanner.uninstall(app)
    app.removeEventFilter(probe)
    model.detach()
    window.close()
    leaked = search.text()
    both = first + repeat
    return {
        "products": size,
        "input": "x11 (xdotool under Xvfb)" if x11 else "synthetic (ui/wedge_keys)",
        "scans": len(both) + missed,
        "lines": len(session.lines),
        "counted_units": str(session.totals().units),
        "missed": missed,
        "leaked_into_field": leaked,
        "to_model_median_ms": round(statistics.median(m for m, _ in both), 3),
        "to_model_p99_ms": round(percentile([m for m, _ in both], 0.99), 3),
        "to_paint_median_ms": round(statistics.median(p for _, p in both), 3),
        "to_paint_p99_ms": round(percentile([p for _, p in both], 0.99), 3),
        "repeat_scan_to_paint_p99_ms": round(percentile([p for _, p in repeat], 0.99), 3),
        "new_product_to_paint_p99_ms": round(percentile([p for _, p in first], 0.99), 3),
        "repeat_scans": len(repeat),
    }


def warm_up(app: QApplication, *, x11: bool = False) -> None:
    """A short throw-away run first: the first table paints, font and style caches and imports are paid once
    per process, and belong to start-up, not to scan-to-line."""
    measure(app, 2_000, x11=x11, scans=40)


def station_app() -> QApplication:
    """The application as a station runs it: the station's theme (style sheet, type size) applied, so the
    table is painted as a clerk sees it (`--plain` measures plain Qt instead)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if "--plain" not in sys.argv:
        apply_theme(app)
    return app


def run_x11_child() -> None:
    app = station_app()
    warm_up(app, x11=True)
    results = [measure(app, n, x11=True, scans=X11_SCANS) for n in (17_000, 200_000)]
    print(json.dumps(results))


def measure_x11() -> list[dict[str, object]]:
    """Start Xvfb, run the x11 measurement in a child drawing on it (xcb), return its results."""
    missing = [t for t in ("Xvfb", "xdotool") if shutil.which(t) is None]
    if missing:
        return [{"skipped": f"{', '.join(missing)} not installed"}]
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    try:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--x11-child",
                *(flag for flag in ("--plain", "--x11-process-per-scan") if flag in sys.argv),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            return [{"failed": done.stderr.strip().splitlines()[-3:]}]
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def main() -> dict[str, object]:
    app = station_app()
    warm_up(app)
    results = [measure(app, 17_000), measure(app, 200_000)]
    every_column = measure(app, 17_000, hidden=())
    every_column["columns"] = "all 11 (manifest + tag/lot/expiry shown)"
    x11 = [] if "--synthetic-only" in sys.argv else measure_x11()
    measured = [r for r in results + x11 if "to_paint_p99_ms" in r]
    complete = len(measured) == len(results) + (0 if "--synthetic-only" in sys.argv else 2)
    result = {
        "benchmark": "scan_to_line",
        "python": sys.version.split()[0],
        "results": results,
        "x11": x11,
        "every_column_17k": every_column,
        "look": "plain Qt" if "--plain" in sys.argv else "station theme",
        "x11_typing": "one xdotool process per scan, back to back"
        if PER_SCAN_PROCESS
        else f"one xdotool process for the run, {PACE_S} s between scans",
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": complete
        and all(
            r["to_paint_p99_ms"] < TARGET_P99_MS and not r["missed"] and not r["leaked_into_field"]
            for r in measured
        ),
        "meets_target_for_repeat_scans": all(
            r["repeat_scan_to_paint_p99_ms"] < TARGET_P99_MS for r in measured
        ),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "scan.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    if X11_CHILD:
        run_x11_child()
    else:
        main()
