"""The real-window harness: the real `intake-gui` under Xvfb, typed at with xdotool, observed through what it
records.

Synthetic Qt key events cannot show what a real X server does to a USB wedge's keys (a separate Shift press
before every capital, Ctrl before `]`, stalls); these tests put the X server, Qt's xcb input, the scanner
filter and the app in the path. Fixtures (documented for other helpers in NOTES-scanner.md):

* `xserver` -- an Xvfb on a free display (`-displayfd`), 1366x768x24 unless the test is parametrised
  indirectly: `@pytest.mark.parametrize("xserver", ["1024x600x24"], indirect=True)`. `start_xserver(size)`
  starts more. `XServer.screenshot(name)` saves a PNG of the root window under the run's artifacts folder.
* `intake` -- `start_intake(xserver, **settings)` starts the venv's `intake-gui` console entry point with
  QT_QPA_PLATFORM=xcb and DISPLAY for the child only, a fresh INTAKE_HOME, the embedded sandbox, the null
  keyring, and settings written beforehand (first run done, sound off unless asked).
  `IntakeApp.keys` types with xdotool (`scan`, `type`, `key`); `IntakeApp.draft()` reads the journal
  (SQLite in INTAKE_HOME: the open draft's title, lines and audit events); `IntakeApp.admin()` is the
  embedded sandbox's admin API (committed receives), found through the app's log.

Artifacts (screenshots, the app's stdout/stderr and log) go to $INTAKE_TEST_ARTIFACTS or
test-artifacts/realwindow/ at the repository root, one folder per test.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SIZE = "1366x768x24"
START_TIMEOUT = 90.0
WAIT = 30.0
_GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1], "PNG") else 1)
"""
"""Screenshot of the X root window through Qt's xcb backend (already installed with PySide6), so the
harness needs no ImageMagick or netpbm."""
_KEYSYMS = {
    " ": "space", "-": "minus", ".": "period", "/": "slash", "*": "asterisk", "+": "plus",
    "(": "parenleft", ")": "parenright", "[": "bracketleft", "]": "bracketright", "_": "underscore",
    ":": "colon", ";": "semicolon", ",": "comma", "#": "numbersign", "@": "at", "&": "ampersand",
    "%": "percent", "$": "dollar", "!": "exclam", "=": "equal", "\r": "Return", "\n": "Return",
    "\t": "Tab", "\x1d": "ctrl+bracketright",
}  # fmt: skip
GS = "\x1d"


def _missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


def _nice() -> list[str]:
    """xdotool and Xvfb at a higher priority when we may: the timestamps the X server puts on keys are when it
    processed them, so a starved xdotool looks like a slow scanner. Without root, normal priority."""
    return ["nice", "-n", "-5"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def wait_until(predicate: Callable[[], Any], timeout: float = WAIT, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(0.1)


@dataclass
class XServer:
    display: str
    size: str
    proc: subprocess.Popen[bytes]
    artifacts: Path

    def env(self) -> dict[str, str]:
        """The environment of a child that should draw on this server (xcb, this DISPLAY)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_QPA", "WAYLAND"))}
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        return env

    def xdotool(self, *args: str, script: str | None = None, check: bool = True) -> str:
        cmd = [*_nice(), "xdotool", *(["-"] if script is not None else args)]
        done = subprocess.run(
            cmd, input=script, env=self.env(), capture_output=True, text=True, timeout=60
        )
        if check and done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def screenshot(self, name: str) -> Path:
        """A PNG of the whole screen, kept in this test's artifacts folder."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{name}.png"
        subprocess.run(
            [sys.executable, "-c", _GRAB, str(path)], env=self.env(), check=True, timeout=60
        )
        return path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_x(size: str, artifacts: Path) -> XServer:
    """Xvfb on a free display number. Numbers are tried from a random point in 200-899, never :0/:1/:99,
    which other tools (and other test runs on a shared machine) take for granted; `-displayfd` tells us when
    the server accepts connections."""
    if _missing_tools():
        pytest.fail(f"the real-window tests need {', '.join(_missing_tools())} (see .ci/run)")
    first = random.randrange(200, 900)
    for number in [*range(first, 900), *range(200, first)]:
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        server = _try_display(number, size, artifacts)
        if server is not None:
            return server
    pytest.fail("no free X display number between :200 and :899")


def _xvfb_command(number: int, fd: int, size: str) -> list[str]:
    return [
        *_nice(),
        "Xvfb",
        f":{number}",
        "-displayfd",
        str(fd),
        "-screen",
        "0",
        size,
        "-nolisten",
        "tcp",
    ]


def _try_display(number: int, size: str, artifacts: Path) -> XServer | None:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        _xvfb_command(number, write_fd, size),
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        reported = pipe.readline().strip()  # empty when Xvfb exits (display taken meanwhile)
    if reported != str(number).encode():
        proc.kill()
        proc.wait(10)
        return None
    return XServer(f":{number}", size, proc, artifacts)


def artifacts_root() -> Path:
    return Path(os.environ.get("INTAKE_TEST_ARTIFACTS") or REPO / "test-artifacts") / "realwindow"


def _artifacts_for(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    return artifacts_root() / name


@pytest.fixture
def start_xserver(request: pytest.FixtureRequest) -> Iterator[Callable[..., XServer]]:
    started: list[XServer] = []

    def start(size: str = DEFAULT_SIZE) -> XServer:
        server = start_x(size, _artifacts_for(request))
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def xserver(request: pytest.FixtureRequest, start_xserver: Callable[..., XServer]) -> XServer:
    """An Xvfb screen, 1366x768x24 unless parametrised indirectly with another "WxHxD"."""
    return start_xserver(getattr(request, "param", DEFAULT_SIZE))


# ---- the app ---------------------------------------------------------------------------------------------


@dataclass
class Draft:
    """The open draft as the journal holds it."""

    draft_id: str
    title: str
    state: str
    payload: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def lines(self) -> dict[str, str]:
        """SKU -> quantity (summed over lots/tags), as text without trailing zeros."""
        out: dict[str, float] = {}
        for line in self.payload.get("lines", []):
            out[line["sku"]] = out.get(line["sku"], 0.0) + float(line["quantity"])
        return {sku: f"{qty:g}" for sku, qty in out.items()}

    def scans(self) -> list[dict[str, Any]]:
        """Every scan outcome the page recorded in the audit trail, oldest first."""
        return [data for kind, data in self.events if kind == "scan"]


class Keys:
    """xdotool as a USB wedge (or a person) types at the app's window."""

    def __init__(self, x: XServer, window: Callable[[], str]) -> None:
        self.x = x
        self.window = window

    def focus(self) -> None:
        self.x.xdotool("windowfocus", "--sync", self.window())

    def type(self, text: str, gap_ms: int = 120) -> None:
        """A person typing (xdotool type: Shift pressed for capitals)."""
        self.focus()
        self.x.xdotool("type", "--delay", str(2 * gap_ms), text)

    def key(self, *keys: str) -> None:
        self.focus()
        self.x.xdotool("key", "--delay", "80", *keys)

    def scan(self, code: str, gap_ms: int = 4, *, suffix: str = "\r", window: str = "") -> None:
        """One wedge scan in a single xdotool process: `type` for the text (xdotool's --delay N gives about
        N/2 ms between key presses), `key ctrl+bracketright` for each GS, then the suffix. Into the main
        window unless another X window id is given (a dialog)."""
        focus = window or self.window()
        self.x.xdotool(script=self.scan_script(code, gap_ms, suffix=suffix, focus=focus))

    def find_window(self, title_regex: str, timeout: float = WAIT) -> str:
        """The X id of a (dialog) window whose title matches, once it exists."""

        def find() -> str:
            out = self.x.xdotool("search", "--name", title_regex, check=False).split()
            return out[-1] if out else ""

        return wait_until(find, timeout, f"a window titled /{title_regex}/")

    @staticmethod
    def scan_script(code: str, gap_ms: int, *, suffix: str = "\r", focus: str = "") -> str:
        delay = str(max(1, 2 * gap_ms - 1))
        lines = [f"windowfocus --sync {focus}"] if focus else []
        for i, part in enumerate(code.split(GS)):
            if i:
                lines.append("key --delay 0 ctrl+bracketright")
            if part:
                lines.append(f"type --delay {delay} {part}")
        if suffix:
            lines.append(f"key --delay 0 {_KEYSYMS[suffix]}")
        return "\n".join(lines) + "\n"

    def sleep(self, ms: int) -> None:
        time.sleep(ms / 1000)


class IntakeApp:
    def __init__(self, x: XServer, home: Path, proc: subprocess.Popen[bytes]) -> None:
        self.x = x
        self.home = home
        self.proc = proc
        self._window = ""
        self._admin: Any = None
        self.keys = Keys(x, self.window)

    @property
    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in (self.home / "logs").glob("*.log"))

    @property
    def stderr(self) -> str:
        return (self.x.artifacts / "intake-gui.stderr.txt").read_text(errors="replace")

    def window(self) -> str:
        """The main window's X id (its title starts with "Intake — ")."""
        if not self._window:
            self._window = wait_until(self._find_window, START_TIMEOUT, "the Intake window")
        return self._window

    def _find_window(self) -> str:
        if self.proc.poll() is not None:
            x_state = (
                "running" if self.x.proc.poll() is None else f"gone ({self.x.proc.returncode})"
            )
            raise AssertionError(
                f"intake-gui exited with {self.proc.returncode} (Xvfb {self.x.display}: {x_state}):\n"
                + self.stderr
            )
        out = self.x.xdotool("search", "--name", "^Intake — ", check=False)
        return out.split()[-1] if out.split() else ""

    def wait_log(self, pattern: str, timeout: float = WAIT, after: int = 0) -> re.Match[str]:
        """Wait for a line of the app's log (HTTP calls are logged) matching `pattern`."""
        rx = re.compile(pattern)
        return wait_until(lambda: rx.search(self.log_text, after), timeout, f"log /{pattern}/")

    def journal(self) -> sqlite3.Connection:
        db = self.home / "data" / "journal.sqlite3"
        wait_until(db.exists, WAIT, "the journal")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        con.row_factory = sqlite3.Row
        return con

    def draft(self) -> Draft | None:
        """The most recently changed draft, with its audit events; None before the first autosave."""
        with self.journal() as con:
            row = con.execute(
                "SELECT draft_id, title, state, payload FROM drafts ORDER BY updated_at DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            events = con.execute(
                "SELECT kind, data FROM events WHERE draft_id = ? ORDER BY id", (row["draft_id"],)
            ).fetchall()
        return Draft(
            row["draft_id"],
            row["title"],
            row["state"],
            json.loads(row["payload"]),
            [(e["kind"], json.loads(e["data"] or "{}")) for e in events],
        )

    def wait_draft(self, predicate: Callable[[Draft], bool], what: str = "") -> Draft:
        def check() -> Draft | None:
            d = self.draft()
            return d if d is not None and predicate(d) else None

        return wait_until(check, WAIT, what or "the journal to show it")

    def sandbox_url(self) -> str:
        return self.wait_log(r"Embedded sandbox started at (\S+)").group(1)

    def admin(self) -> Any:
        """The embedded sandbox's admin client (one per app, closed with it)."""
        from intake_gui.sandbox.admin_client import SandboxAdmin

        if self._admin is None:
            self._admin = SandboxAdmin(self.sandbox_url())
        return self._admin

    def screenshot(self, name: str) -> Path:
        return self.x.screenshot(name)

    # [screens] the app's own account of its window (ui/ui_probe.py): focus, step, clipped texts, status bar.
    def state(self, timeout: float = WAIT) -> dict[str, Any]:
        """Ask the running app for a state dump and wait for it (see intake_gui/ui/ui_probe.py)."""
        folder = self.home / "probe"
        answer = folder / "state.json"
        ident = f"{time.monotonic_ns()}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "request").write_text(ident, encoding="utf-8")

        def read() -> dict[str, Any] | None:
            try:
                state = json.loads(answer.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return state if state.get("id") == ident else None

        return wait_until(read, timeout, "the app's state dump")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for log in (self.home / "logs").glob("*.log"):
            shutil.copy(log, self.x.artifacts / log.name)


def _entry_point() -> Path:
    exe = Path(sys.executable).parent / ("intake-gui.exe" if os.name == "nt" else "intake-gui")
    if not exe.exists():
        pytest.fail(f"{exe} is missing: install the package into this venv (pip install -e .)")
    return exe


def launch(
    x: XServer, home: Path, env_extra: dict[str, str] | None = None, **settings: Any
) -> IntakeApp:
    env = x.env()
    env.update(env_extra or {})  # [screens] e.g. QT_SCALE_FACTOR=1.5
    env.update(
        INTAKE_HOME=str(home),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        XDG_RUNTIME_DIR=str(home / "xdg-runtime"),
        INTAKE_UI_PROBE=str(home / "probe"),  # [screens] IntakeApp.state()
    )
    for var in ("INTAKE_API_BASE", "INTAKE_USERNAME", "INTAKE_PASSWORD"):
        env.pop(var, None)
    (home / "xdg-runtime").mkdir(parents=True, exist_ok=True, mode=0o700)
    subprocess.run(
        [sys.executable, "-c", _WRITE_SETTINGS, json.dumps(settings)],
        env=env,
        check=True,
        timeout=60,
    )
    x.artifacts.mkdir(parents=True, exist_ok=True)
    out = (x.artifacts / "intake-gui.stdout.txt").open("wb")
    err = (x.artifacts / "intake-gui.stderr.txt").open("wb")
    proc = subprocess.Popen([str(_entry_point())], env=env, stdout=out, stderr=err)
    out.close()
    err.close()
    return IntakeApp(x, home, proc)


_WRITE_SETTINGS = """
import json, sys
from intake_gui.store.paths import app_paths
from intake_gui.store.settings import StationSettings, save_settings
values = {"first_run_done": True, "sound": False, "station_name": "realwindow", **json.loads(sys.argv[1])}
save_settings(app_paths(), StationSettings(**values))
"""
"""Settings are written by the product's own code, in a child with the app's environment (INTAKE_HOME)."""


@pytest.fixture
def start_intake(tmp_path: Path) -> Iterator[Callable[..., IntakeApp]]:
    apps: list[IntakeApp] = []

    def start(x: XServer, env_extra: dict[str, str] | None = None, **settings: Any) -> IntakeApp:
        app = launch(x, tmp_path / f"intake-home-{len(apps)}", env_extra, **settings)
        apps.append(app)
        return app

    yield start
    for app in reversed(apps):
        app.stop()


def walk_to_products(app: IntakeApp, title: str = "Final assessment") -> Draft:
    """The README's walkthrough by keyboard up to the Products page: `az` Enter, `palo` Enter, Enter on
    Sales Floor; then Ctrl+T and the title typed by a person. Returns the draft once the journal has it."""
    try:
        return _walk(app, title)
    except AssertionError:
        app.screenshot("walk_to_products_failed")
        raise


def _walk(app: IntakeApp, title: str) -> Draft:
    keys = app.keys
    app.window()
    app.wait_log(r"get-locations \"HTTP/1.1 200", START_TIMEOUT)
    time.sleep(0.5)
    keys.type("az")
    keys.key("Return")
    app.wait_log(r"get-vendors \"HTTP/1.1 200")
    time.sleep(0.5)
    keys.type("palo")
    keys.key("Return")
    app.wait_log(r"room/get-rooms \"HTTP/1.1 200")
    time.sleep(0.5)
    keys.key("Return")
    app.wait_log(r"(products|product/get|inventory)\S* \"HTTP/1.1 200", START_TIMEOUT)
    # The page moves the focus to the catalogue search once the catalogue is indexed, which may come after
    # the HTTP call above: type the title until the journal shows it (clearing the search box each time).
    for attempt in range(4):
        time.sleep(1.0 + attempt)
        keys.key("ctrl+f", "BackSpace", "ctrl+t")
        keys.type(title)
        try:
            return wait_until(
                lambda: (d := app.draft()) is not None and d.title == title and d,
                8.0,
                f"a draft titled {title!r}",
            )
        except AssertionError:
            continue
    return app.wait_draft(lambda d: d.title == title, f"a draft titled {title!r}")


@pytest.fixture
def to_products() -> Callable[..., Draft]:
    """`to_products(app, title=...)`: the README's walkthrough by keyboard to the Products page."""
    return walk_to_products


@pytest.fixture(scope="module")
def station(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IntakeApp]:
    """One real Intake on a 1366x768 Xvfb, walked to the Products page with the title typed, shared by a
    module's tests (starting the app and syncing the catalog is most of the cost)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(str(request.node.name)).stem)
    x = start_x(DEFAULT_SIZE, artifacts_root() / name)
    app = launch(x, tmp_path_factory.mktemp("station-home"), sound=True)
    try:
        walk_to_products(app)
        yield app
    finally:
        app.stop()
        x.stop()
