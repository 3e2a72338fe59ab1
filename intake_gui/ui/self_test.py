"""`intake-gui --self-test`: prove, on this machine and in this build, that a station can receive a delivery.

A frozen build fails in ways the source tree never does: a resource left out of the bundle, a keyring backend
that entry-point discovery no longer finds, a Qt plugin pruned too eagerly, a module uvicorn imports by name.
Each of those shows up here as one FAIL line instead of as a clerk's bug report, so a technician runs this after
installing and the build pipeline runs it on every bundle.

Everything happens in a throw-away INTAKE_HOME against the embedded sandbox, with any configured tenant and
credentials in the environment set aside for the run: the self-test never talks to a real store. The temporary
folder is kept (and named in the report) when a check fails, because its log is what explains the failure.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from intake_gui import __version__

log = logging.getLogger(__name__)

RESOURCES = (
    "style.qss",
    "icons/intake.svg",
    "icons/intake.png",
    "sounds/good.wav",
    "sounds/bad.wav",
)
KEYRING_SERVICE = "intake-self-test"
"""A service name of its own, so the round-trip can never touch a real saved password."""
WINDOW_TIMEOUT_S = 60.0
ASSESSMENT_QTY = Decimal(3)
COURSE_LOC_ID = 1989
"""The course's AZ sandbox location (named here rather than imported: the UI does not reach into the sandbox)."""
SAMPLE_GS1 = "]C101095011010209171719050810ABCD1234"
"""GTIN + expiry + lot: parsing it needs biip's application-identifier and prefix tables."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        return (
            f"{'PASS' if self.ok else 'FAIL'}  {self.name:<12} {self.detail}  ({self.seconds:.1f}s)"
        )


class CheckFailed(Exception):
    """A check's own verdict (as opposed to a crash inside it); its message is the whole FAIL detail."""


class _State:
    """What earlier checks hand to later ones (the sandbox context, the settings the run uses)."""

    def __init__(self, paths: Any, settings: Any) -> None:
        self.paths = paths
        self.settings = settings
        self.ctx: Any = None


# ---------------------------------------------------------------------------------------------- checks


def check_resources(_state: _State) -> str:
    from PySide6.QtGui import QImageReader, QPixmap

    from intake_gui.ui.assets import asset_path, resources_dir
    from intake_gui.ui.sounds import Sounds
    from intake_gui.ui.theme import app_icon, stylesheet

    missing = [name for name in RESOURCES if not _non_empty(asset_path(name))]
    if missing:
        raise CheckFailed(f"missing from {resources_dir()}: {', '.join(missing)}")
    if not stylesheet():
        raise CheckFailed("style.qss is unreadable")
    if b"svg" not in {bytes(f.data()) for f in QImageReader.supportedImageFormats()}:
        raise CheckFailed("the Qt SVG image plugin is not in this build")
    if QPixmap(str(asset_path("icons/intake.svg"))).isNull() or app_icon().isNull():
        raise CheckFailed("the app icon does not render")
    try:
        import PySide6.QtMultimedia  # noqa: F401 - the import itself is the check
    except ImportError as exc:
        raise CheckFailed(f"QtMultimedia is missing, scan sounds cannot play: {exc}") from exc
    sounds = Sounds(enabled=False)
    sound_text = "sounds load" if sounds.available else f"sounds off here: {sounds.problem}"
    return f"stylesheet, icon (SVG renders), {sound_text}"


def check_keyring(_state: _State) -> str:
    import keyring
    from keyring.backends import null

    try:
        return _keyring_round_trip()
    finally:
        # From here on the run keeps every secret in memory: the sandbox login caches its session id through
        # the same SecretStore, and a self-test must not leave entries in the station's real keyring.
        keyring.set_keyring(null.Keyring())


def _keyring_round_trip() -> str:
    from intake_gui.services.keyring_check import KeyringBroken, keyring_round_trip

    try:
        return keyring_round_trip(KEYRING_SERVICE)
    except KeyringBroken as exc:
        raise CheckFailed(str(exc)) from exc


FEATURE_MODULES = (
    "intake_gui.ui.history_window",
    "intake_gui.ui.dialogs.calibration_dialog",
    "intake_gui.ui.history_chart",
    "intake_gui.ui.report_pdf",
)
"""Loaded by name (a menu entry is disabled when `find_spec` says no), so a build that drops one fails silently."""


def check_features(state: _State) -> str:
    import importlib
    import importlib.util

    missing = [name for name in FEATURE_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise CheckFailed(f"modules missing from this build: {', '.join(missing)}")
    for name in FEATURE_MODULES:
        importlib.import_module(name)
    from PySide6.QtCharts import QChart, QChartView

    from intake_gui.ui.report_pdf import write_pdf

    view = QChartView(QChart())
    view.deleteLater()
    pdf = write_pdf(
        "<h1>Intake self-test</h1><p>PDF export works.</p>", state.paths.data_dir / "t.pdf"
    )
    if not pdf.read_bytes().startswith(b"%PDF"):
        raise CheckFailed("the PDF export wrote something that is not a PDF")
    return (
        "history window, scanner calibration, chart (QtCharts) and PDF export (QtPrintSupport) load"
    )


def check_tls(_state: _State) -> str:
    import ssl

    import truststore

    ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ctx.verify_mode != ssl.CERT_REQUIRED or not ctx.check_hostname:
        raise CheckFailed("the TLS context does not verify certificates")
    if sys.platform in ("win32", "darwin"):
        return "truststore verifies against the operating system's certificate store"
    paths = ssl.get_default_verify_paths()
    # The bundled OpenSSL keeps the build machine's default paths; truststore then searches its own list.
    candidates = getattr(getattr(truststore, "_openssl", None), "_CA_FILE_CANDIDATES", ())
    found = paths.cafile or next((c for c in candidates if os.path.isfile(c)), None)
    if not found and not (paths.capath and os.listdir(paths.capath)):
        raise CheckFailed("no system CA certificates found: HTTPS to a real POS would fail")
    return f"truststore context; system CAs from {found or paths.capath}"


def check_barcode(_state: _State) -> str:
    from intake_gui.domain.barcode import CodeKind, interpret

    code = interpret(SAMPLE_GS1)
    if code.kind is not CodeKind.GS1 or code.gtin != "09501101020917" or code.lot != "ABCD1234":
        raise CheckFailed(
            f"a GS1 DataMatrix read wrongly: {code.kind.value} {code.message}".strip()
        )
    return f"GS1 parsed: {code.hri}"


def check_sandbox(state: _State) -> str:
    from intake_gui.services.context import open_context

    state.ctx = open_context(paths=state.paths, settings=state.settings)
    ctx = state.ctx
    if not ctx.is_sandbox or not getattr(ctx.sandbox, "running", False):
        raise CheckFailed("the context did not start the embedded sandbox")
    return f"serving at {ctx.sandbox.root_url}, logged in as {ctx.clerk}"


def check_receive(state: _State) -> str:
    """The course's final assessment, through the same services the wizard uses."""
    from intake_gui.domain.models import DraftLine, ReceiveDraft
    from intake_gui.services.catalog import CatalogService
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService

    ctx = state.ctx
    if ctx is None:
        raise CheckFailed("not run: the sandbox did not start")
    setup = SetupService(ctx)
    locations = setup.locations()
    if len(locations) < 18:
        raise CheckFailed(
            f"the login sees {len(locations)} locations; the course expects at least 18"
        )
    az = next((loc for loc in locations if loc.loc_id == COURSE_LOC_ID), None)
    if az is None:
        raise CheckFailed(f"location {COURSE_LOC_ID} (AZ sandbox) is not listed")
    vendors = setup.vendors(az)
    rooms = [r for r in setup.rooms(az) if r.eligible and r.sellable]
    if not vendors or not rooms:
        raise CheckFailed(
            f"AZ has {len(vendors)} vendors and {len(rooms)} sellable inventory rooms"
        )
    started = time.perf_counter()
    catalog = CatalogService(ctx).sync(az)
    sync_s = time.perf_counter() - started
    products = [p for p in catalog.products if p.is_cannabis][:2]
    if len(products) < 2:
        raise CheckFailed("the catalog has fewer than two cannabis products")
    draft = ReceiveDraft(
        location=az,
        vendor=vendors[0],
        room=rooms[0],
        title="Intake self-test",
        lines=tuple(
            DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=ASSESSMENT_QTY)
            for p in products
        ),
    )
    receiving = ReceivingService(ctx)
    baseline = receiving.baseline(draft)
    result = receiving.submit(draft)
    report = receiving.verify(
        draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at
    )
    lights = ", ".join(f"{light.kind.value} {light.state.value}" for light in report.lights)
    if not report.all_green:
        raise CheckFailed(f"receipt {result.receipt_id} verified with lights: {lights}")
    return (
        f"assessment received as #{result.receipt_id}, 2 lines x {ASSESSMENT_QTY}; {lights} "
        f"(catalog {len(catalog.products):,} products in {sync_s:.1f}s)"
    )


def check_main_window(state: _State) -> str:
    """The real window, started the way a clerk starts it, until the Location page lists the stores."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from intake_gui.ui.main_window import MainWindow, StartOptions

    if state.ctx is not None:  # the window opens its own context on the same sandbox folder
        state.ctx.close()
        state.ctx = None
    app = QApplication.instance()
    window = MainWindow(StartOptions(), paths=state.paths, settings=state.settings)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def loaded(locations: list[Any]) -> None:
        outcome["locations"] = len(locations)
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    window.wizard.locations_loaded.connect(loaded)
    window.context_failed.connect(failed)
    started = time.perf_counter()
    try:
        window.show()
        if app is not None:
            app.processEvents()
        if not window.isVisible():
            raise CheckFailed("the main window did not show")
        QTimer.singleShot(0, window.start)
        QTimer.singleShot(int(WINDOW_TIMEOUT_S * 1000), loop.quit)
        loop.exec()
    finally:
        window.close()
        window.deleteLater()
    elapsed = time.perf_counter() - started
    if "error" in outcome:
        exc = outcome["error"]
        raise CheckFailed(
            f"the window could not connect: {getattr(exc, 'message', '') or type(exc).__name__}"
        )
    if "locations" not in outcome:
        raise CheckFailed(f"the Location page was not filled within {WINDOW_TIMEOUT_S:.0f}s")
    platform_name = QApplication.platformName() if app is not None else "?"
    return f"shown on '{platform_name}', Location page lists {outcome['locations']} stores after {elapsed:.1f}s"


CHECKS: tuple[tuple[str, Callable[[_State], str]], ...] = (
    ("resources", check_resources),
    ("keyring", check_keyring),
    ("features", check_features),
    ("tls", check_tls),
    ("barcode", check_barcode),
    ("sandbox", check_sandbox),
    ("receive", check_receive),
    ("main window", check_main_window),
)


# ---------------------------------------------------------------------------------------------- runner


def run(*, out: TextIO | None = None) -> int:
    """Run every check, print one PASS/FAIL line each, return the exit code (0 only when all pass).

    `out` defaults to stdout; a windowed Windows build has none, so the report then goes to
    self-test.txt in the station's log folder.
    """
    from intake_gui.ui.qt_messages import routed_to_log

    real_log_dir = _real_log_dir()
    home = Path(tempfile.mkdtemp(prefix="intake-self-test-"))
    started = time.perf_counter()
    lines = [_header()]
    results: list[CheckResult] = []
    with _isolated(home) as state, routed_to_log():
        app = _application()
        for name, fn in CHECKS:
            results.append(_run_check(name, fn, state))
        if state.ctx is not None:
            state.ctx.close()
        app.processEvents()  # let the closed window's deferred deletes run before the temp home goes
    lines += [r.line() for r in results]
    passed = sum(r.ok for r in results)
    ok = passed == len(results)
    lines.append(
        f"RESULT: {'PASS' if ok else 'FAIL'} ({passed}/{len(results)} checks) "
        f"in {time.perf_counter() - started:.1f}s"
    )
    if ok:
        shutil.rmtree(home, ignore_errors=True)
    else:
        lines.append(f"Self-test files and log kept in {home}")
    _emit("\n".join(lines) + "\n", out, real_log_dir)
    return 0 if ok else 1


def _run_check(name: str, fn: Callable[[_State], str], state: _State) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = fn(state)
        ok = True
    except CheckFailed as exc:
        detail, ok = str(exc), False
    except Exception as exc:
        # The traceback goes to the log in the kept folder; the line shows only type and message.
        log.exception("self-test check %s crashed", name)
        detail, ok = f"{type(exc).__name__}: {exc}", False
    from intake_gui.services.station_log import redact

    # The same scrubbing the log gets: a library's message could quote a secret it was handed.
    return CheckResult(name, ok, redact(detail), time.perf_counter() - started)


@contextmanager
def _isolated(home: Path) -> Iterator[_State]:
    """A private INTAKE_HOME, no configured tenant or credentials, logging into that home's log folder."""
    import keyring

    from intake_gui.services.station_log import configure_logging
    from intake_gui.store.paths import HOME_ENV, app_paths
    from intake_gui.store.settings import StationSettings

    saved = {k: v for k, v in os.environ.items() if k.startswith("INTAKE_")}
    for key in saved:
        del os.environ[key]
    os.environ[HOME_ENV] = str(home)
    if _needs_offscreen():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    ring = keyring.get_keyring()
    try:
        paths = app_paths().ensure()
        configure_logging(paths.log_dir)
        settings = StationSettings(
            pos_kind="dutchie",
            api_base=None,
            station_name="self-test",
            first_run_done=True,
            sound=False,
        )
        yield _State(paths, settings)
    finally:
        keyring.set_keyring(ring)
        for handler in [h for h in root.handlers if h not in saved_handlers]:
            root.removeHandler(handler)
            handler.close()
        for handler in saved_handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(saved_level)
        for key in [k for k in os.environ if k.startswith("INTAKE_")]:
            del os.environ[key]
        os.environ.update(saved)


def _needs_offscreen() -> bool:
    """Offscreen only where there is no display: on a station the window really shows for a moment,
    which is the only way to prove the bundle's platform plugin (xcb/wayland/windows) loads."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux"):
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


def _application() -> Any:
    from intake_gui.ui.app import create_application
    from intake_gui.ui.theme import apply_theme

    app = create_application()
    apply_theme(app)
    return app


def _header() -> str:
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:
        qt_version = "missing"
    return (
        f"Intake {__version__} self-test ({frozen} build, Python {platform.python_version()}, "
        f"PySide6 {qt_version}, {platform.system()} {platform.machine()})"
    )


def _real_log_dir() -> Path | None:
    try:
        from intake_gui.store.paths import app_paths

        return app_paths().log_dir
    except Exception:
        return None


def _emit(text: str, out: TextIO | None, log_dir: Path | None) -> None:
    stream = out if out is not None else sys.stdout
    if stream is not None:
        stream.write(text)
        stream.flush()
        return
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        (log_dir / "self-test.txt").write_text(text, encoding="utf-8")


def _non_empty(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False
