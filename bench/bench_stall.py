"""The longest GUI-thread stall while a station does its heavy work: a clerk's scanner never waits on the window.

A 5 ms precise QTimer ticks on the GUI thread throughout; the gap between two ticks is how long the thread could
not react to a key (a scan is a burst of keys ~5 ms apart, so a long gap is a scan at risk). Phases, on the real
MainWindow against the embedded sandbox:

- start: window shown -> Location page filled (context opened on a worker);
- catalog_sync: location chosen -> the 17k catalog fetched, indexed and handed to the Products page;
- catalog_refresh: the same again while the catalog is in use (View > Refresh catalog);
- scan: N scans counted on the Products page;
- submit_verify: Submit pressed -> first verification report shown.

To find *what* stalls, a watchdog thread samples every thread's Python stack while a tick is more than 20 ms
late and counts the innermost Intake frames: "GUI ..." is where the GUI thread was stuck ("event loop / Qt" means
inside Qt, or waiting for the GIL), "worker ..." is what ran beside it (a worker holding the GIL in C code, e.g.
parsing a large JSON body, stalls the GUI thread as surely as work on the GUI thread itself).

Both kinds of station are measured, each in a fresh process (an import or a first use is paid in the phase that
triggers it, as on a real start): the default one with the embedded sandbox serving from threads of the same
process (its request handling competes for the GIL), and one whose POS runs in another process, as a real tenant
does. Target: every phase's longest gap < 50 ms. `python bench/bench_stall.py [--lines 10]` prints JSON and
writes bench/out/stall.json. The station driver here is reused by bench_memory.py.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))

TARGET_MS = 50.0
PROBE_MS = 5
LATE_MS = 20.0
WAIT_TIMEOUT_S = 120.0
CHILD_TIMEOUT_S = 600


def offscreen_unless_display() -> None:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class StallProbe:
    """Ticks every PROBE_MS on the GUI thread; gaps are filed under the current phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = ""
        self.gaps: dict[str, list[float]] = collections.defaultdict(list)
        self.sites: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self._last = time.perf_counter()
        self._gui_ident = threading.get_ident()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._tick)
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()
        self._watchdog.start()

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        self._watchdog.join(timeout=2)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.phase:
            self.gaps[self.phase].append((now - self._last) * 1000)
        self._last = now

    def _watch(self) -> None:
        """While a tick is late, sample every thread: the GUI thread says where it is stuck, the others say
        who held the GIL meanwhile (a worker parsing 17k products in C code stalls the GUI just as well)."""
        while not self._stop.wait(PROBE_MS / 1000 / 2):
            if not self.phase or (time.perf_counter() - self._last) * 1000 < LATE_MS:
                continue
            frames = sys._current_frames()
            gui = frames.get(self._gui_ident)
            if gui is not None:
                self.sites[self.phase]["GUI " + _site(gui)] += 1
            for ident, frame in frames.items():
                if ident not in (self._gui_ident, threading.get_ident()) and not _idle(frame):
                    site = _site(frame, ours_only=True)
                    if site:
                        self.sites[self.phase]["worker " + site] += 1

    def summary(self) -> dict[str, dict[str, object]]:
        out: dict[str, dict[str, object]] = {}
        for phase, gaps in self.gaps.items():
            ordered = sorted(gaps)
            out[phase] = {
                "max_gap_ms": round(ordered[-1], 1),
                "p99_gap_ms": round(ordered[int(len(ordered) * 0.99) - 1], 1),
                "median_gap_ms": round(statistics.median(ordered), 1),
                "gaps_over_50ms": sum(g > TARGET_MS for g in ordered),
                "ticks": len(ordered),
                "stall_sites": [
                    {"site": site, "samples": n} for site, n in self.sites[phase].most_common(6)
                ],
            }
        return out


_IDLE = ("threading.py", "queue.py", "selectors.py", "base_events.py")


def _idle(frame: Any) -> bool:
    """A thread parked in a wait (an idle worker, the journal writer, uvicorn's selector) is not competing."""
    return Path(frame.f_code.co_filename).name in _IDLE


def _stack(frame: Any) -> list[tuple[str, int, str]]:
    """(file, line, function) from the outermost frame in. Walked by hand, without reading source lines
    (traceback.extract_stack opens and tokenizes every file): the watchdog runs while the GUI thread is
    already late and must not compete with it for the GIL more than it has to."""
    out = []
    while frame is not None:
        out.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    out.reverse()
    return out


def _site(frame: Any, *, ours_only: bool = False) -> str:
    """The innermost frame of our own code (and the library frame it was in), e.g. where a stall happened."""
    stack = _stack(frame)
    ours = [f for f in stack if f"{os.sep}intake_gui{os.sep}" in f[0]]
    if not ours and ours_only:
        return ""
    if not ours:
        filename, lineno, name = stack[-1]
        return f"{Path(filename).name}:{lineno} {name} (event loop / Qt)"
    inner = ours[-1]
    rel = inner[0].split(f"{os.sep}intake_gui{os.sep}", 1)[1]
    lib = stack[-1]
    tail = "" if lib is inner else f" -> {Path(lib[0]).name}:{lib[2]}"
    return f"{rel}:{inner[1]} {inner[2]}{tail}"


def external_pos(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    """The sandbox in its own process, standing in for a real tenant: its CPU and GIL are not ours.

    Returns (process, API base); the caller terminates the process.
    """
    code = (
        "import sys; from pathlib import Path; from intake_gui.sandbox import serve_forever; "
        "serve_forever(Path(sys.argv[1]), port=0, on_ready=lambda url: print(url, flush=True))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    url = proc.stdout.readline().strip() if proc.stdout else ""
    if not url.startswith("http://"):
        proc.kill()
        proc.wait()
        raise RuntimeError("the external sandbox did not start")
    return proc, url


class Station:
    """The real MainWindow on a private INTAKE_HOME, driven through the wizard's own methods."""

    def __init__(self, home: Path, *, api_base: str | None = None, username: str = "") -> None:
        from intake_gui.store.paths import HOME_ENV, app_paths
        from intake_gui.store.settings import ScannerSettings, StationSettings, save_settings
        from intake_gui.ui.app import create_application
        from intake_gui.ui.main_window import MainWindow, StartOptions
        from intake_gui.ui.theme import apply_theme

        os.environ[HOME_ENV] = str(home)
        self.paths = app_paths().ensure()
        settings = StationSettings(
            first_run_done=True,
            station_name="bench",
            api_base=api_base,
            username=username,
            scanner=ScannerSettings(blanking_ms=0),
        )
        save_settings(self.paths, settings)
        self.app = create_application()
        apply_theme(self.app)
        self.window = MainWindow(StartOptions(), paths=self.paths, settings=settings)
        self.wizard = self.window.wizard
        self.synced = 0
        """Catalogs that came from the POS so far. Counted, not kept: holding the snapshots here would keep
        every old 17k catalog alive and bench_memory would blame the app for it."""
        self.reports: list[Any] = []
        self.wizard.catalog_ready.connect(self._catalog_ready)
        self.wizard.verified.connect(self.reports.append)

    # ---- waiting ---------------------------------------------------------------------------------

    def wait(self, done: Callable[[], bool], what: str, timeout_s: float = WAIT_TIMEOUT_S) -> None:
        """Run the event loop until `done()`; a bench that hangs is worse than one that fails."""
        deadline = time.monotonic() + timeout_s
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            self.app.processEvents()
            time.sleep(0.001)

    def settle(self, seconds: float = 0.2) -> None:
        """Keep the loop turning a little longer so paints queued by the last result are measured too."""
        end = time.monotonic() + seconds
        self.wait(lambda: time.monotonic() >= end, "settling")

    # ---- steps -----------------------------------------------------------------------------------

    def start(self) -> None:
        self.window.show()
        self.window.start()
        self.wait(lambda: bool(self.wizard.location_page.locations), "locations")

    def choose_location(self, loc_id: int) -> None:
        location = next(loc for loc in self.wizard.location_page.locations if loc.loc_id == loc_id)
        self.wizard.choose_location(location)

    def wait_synced_catalog(self, count: int = 1) -> Any:
        """Wait for the `count`-th catalog from the POS (not the cache); return the one in use."""
        self.wait(lambda: self.synced >= count, "the catalog sync")
        return self.wizard.catalog

    def _catalog_ready(self, snapshot: Any) -> None:
        if not snapshot.from_cache:
            self.synced += 1

    def to_products(self) -> None:
        wiz = self.wizard
        self.wait(lambda: bool(wiz.vendor_page.vendors), "vendors")
        wiz.choose_vendor(wiz.vendor_page.vendors[0])
        self.wait(lambda: wiz.flow.rooms is not None, "rooms")
        room = next(r for r in wiz.flow.rooms or () if r.eligible and r.sellable)
        wiz.choose_room(room)
        self.wait(lambda: wiz.products_page.session is not None, "the scan session")

    def scan_products(self, lines: int, each: int = 3) -> None:
        catalog = self.wizard.catalog
        products = [p for p in catalog.products if p.is_cannabis][:lines]
        for product in products:
            for _ in range(each):
                self.wizard.handle_scan(product.sku)
                self.app.processEvents()
        session = self.wizard.products_page.session
        self.wait(lambda: len(session.lines) == len(products), "the scanned lines")

    def submit_and_verify(self) -> Any:
        wiz = self.wizard
        wiz.go_next()  # Products -> Review
        self.wait(lambda: wiz.flow.step.value == "review", "the review step")
        wiz.submit()
        self.wait(lambda: bool(self.reports), "the first verification report")
        return self.reports[0]

    def close(self) -> None:
        self.window.close()
        self.app.processEvents()


def measure(home: Path, lines: int, *, api_base: str | None = None) -> dict[str, object]:
    """One station through every phase; `api_base` points it at a POS in another process."""
    from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER

    if api_base:
        os.environ["INTAKE_PASSWORD"] = TRAINING_SECRET
    station = Station(home, api_base=api_base, username=TRAINING_USER if api_base else "")
    probe = StallProbe()
    probe.start()
    try:
        probe.phase = "start"
        station.start()
        station.settle()
        probe.phase = "catalog_sync"
        station.choose_location(AZ_LOC_ID)
        catalog_products = len(station.wait_synced_catalog(1).products)
        station.settle()
        probe.phase = ""
        station.to_products()
        # Unmeasured, like the steps to the Products page themselves: their paints and queued work are done
        # before the refresh starts, so the refresh phase measures the refresh and not the page change.
        station.settle()
        probe.phase = "catalog_refresh"
        station.wizard.refresh_catalog()
        station.wait_synced_catalog(2)
        station.settle()
        probe.phase = "scan"
        station.scan_products(lines)
        station.settle()
        probe.phase = "submit_verify"
        report = station.submit_and_verify()
        station.settle(0.5)
        probe.phase = ""
    finally:
        probe.stop()
        station.close()
        os.environ.pop("INTAKE_PASSWORD", None)
    phases = probe.summary()
    worst = max(p["max_gap_ms"] for p in phases.values())  # type: ignore[type-var]
    return {
        "catalog_products": catalog_products,
        "lights_green": bool(report.all_green),
        "worst_gap_ms": worst,
        "pass": worst < TARGET_MS,
        "phases": phases,
    }


def child(kind: str, home: Path, lines: int) -> dict[str, object]:
    """One station in this (fresh) process: imports and first-use costs land in the phase that pays them."""
    offscreen_unless_display()
    for key in [k for k in os.environ if k.startswith("INTAKE_")]:
        del os.environ[key]
    if kind == "embedded":
        return measure(home / "station", lines)
    pos, api_base = external_pos(home / "pos")
    try:
        return measure(home / "station", lines, api_base=api_base)
    finally:
        pos.terminate()
        pos.wait(timeout=10)


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10, help="lines in the measured receive")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.lines)), flush=True)
        return {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    result: dict[str, object] = {
        "bench": "stall",
        "probe_ms": PROBE_MS,
        "platform": os.environ.get("QT_QPA_PLATFORM", "native"),
        "receive_lines": args.lines,
        "target_ms": TARGET_MS,
    }
    with tempfile.TemporaryDirectory(prefix="intake-bench-stall-") as tmp:
        for kind, key in (("embedded", "embedded_sandbox"), ("external", "external_pos")):
            home = Path(tmp) / kind
            home.mkdir()
            proc = subprocess.run(
                [sys.executable, __file__, "--lines", str(args.lines), "--child", kind, str(home)],
                capture_output=True,
                text=True,
                env=env,
                timeout=CHILD_TIMEOUT_S,
            )
            reports = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode != 0 or not reports:
                raise RuntimeError(f"the {kind} station failed:\n{proc.stderr[-3000:]}")
            result[key] = json.loads(reports[-1])
    result["pass"] = all(result[k]["pass"] for k in ("embedded_sandbox", "external_pos"))  # type: ignore[index]
    OUT.mkdir(exist_ok=True)
    (OUT / "stall.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
