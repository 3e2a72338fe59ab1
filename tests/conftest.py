"""Test isolation: offscreen Qt, an in-memory keyring, and data dirs that never touch the developer's own.

Every test gets a fresh INTAKE_HOME (all of Intake's paths derive from it) and XDG dirs under tmp, so a test
that forgot to inject a path still cannot write into a real profile.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import keyring.backend
import pytest

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import Mount, Router

    from intake_gui.sandbox import BusinessIds, EmbeddedSandbox, SandboxConfig

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="intake-tests-"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = str(_SESSION_TMP / _var.lower())
os.environ.pop("INTAKE_API_BASE", None)
os.environ.pop("INTAKE_USERNAME", None)
os.environ.pop("INTAKE_PASSWORD", None)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def _point_decimals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Quantities are written with a decimal point unless a test says otherwise, whatever the CI machine's
    locale (input helper: `domain.quantities`); a test that sets a comma cannot leak it into the next."""
    from intake_gui.domain import quantities

    monkeypatch.delenv("INTAKE_DECIMAL_MARK", raising=False)
    monkeypatch.setattr(quantities, "_os_style", quantities.POINT)  # "auto" = point in tests
    quantities.use_decimal_mark("point")
    yield
    quantities.use_decimal_mark("point")


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def intake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "intake-home"
    home.mkdir()
    monkeypatch.setenv("INTAKE_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    """Pacers and remembered locations paths are per process; no test may inherit another's. (Only reset when
    a test loaded them, so a test that never touched a connector imports nothing for it.)"""
    yield
    pacer = sys.modules.get("intake_gui.pos.pacer")
    if pacer is not None:
        pacer.reset_shared_pacers()
    locations = sys.modules.get("intake_gui.pos.dutchie.locations")
    if locations is not None:
        locations.forget_remembered()


# ---------------------------------------------------------------- a client clock that moves only when it sleeps


class FakeTime:
    """The client's clock moves only when it sleeps: waits are recorded, never spent. A server's clock is
    real, so a test that needs the POS's window to pass uses real time (see contract/test_dutchie_moods)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sleeps(fake_time: FakeTime) -> list[float]:
    return fake_time.slept


# ---------------------------------------------------------------- one loopback uvicorn for the emulators


class _LoopbackServer:
    """uvicorn on 127.0.0.1 (ephemeral port) in a daemon thread."""

    def __init__(self, app: Starlette) -> None:
        import socket

        import uvicorn

        # IPPROTO_TCP explicitly, so accepted sockets get TCP_NODELAY (no 40 ms delayed-ACK stalls).
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app, http="h11", ws="none", lifespan="off", log_config=None, access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the loopback server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        # Tests own every connection, so there is nothing to drain gracefully.
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def loopback() -> Iterator[tuple[Router, int]]:
    """One uvicorn for the whole session; tests mount their apps on its router and unmount them after.

    Starting and stopping uvicorn costs about 0.2 s, which per test would dominate the emulator suites.
    """
    from starlette.applications import Starlette
    from starlette.routing import Mount, Router

    router = Router()
    server = _LoopbackServer(Starlette(routes=[Mount("/", app=router)]))
    server.start()
    yield router, server.port
    server.stop()


def mount_app(loopback: tuple[Router, int], app: Starlette, prefix: str) -> tuple[str, Mount]:
    """Mount `app` on the loopback server under `prefix` behind a unique path: (base URL, the mount)."""
    from starlette.routing import Mount

    router, port = loopback
    path = f"/{uuid.uuid4().hex[:12]}{prefix}"
    mount = Mount(path, app=app)
    router.routes.insert(0, mount)
    return f"http://127.0.0.1:{port}{path}/", mount


@pytest.fixture
def serve_app(loopback: tuple[Router, int]) -> Iterator[Callable[[Starlette, str], str]]:
    """serve(app, prefix) -> base URL under a prefix unique to this call; unmounted when the test ends."""
    mounts: list[Mount] = []

    def serve(app: Starlette, prefix: str) -> str:
        url, mount = mount_app(loopback, app, prefix)
        mounts.append(mount)
        return url

    yield serve
    for mount in mounts:
        loopback[0].routes.remove(mount)


# ---------------------------------------------------------------- worker threads (one leak check for every test)


def drain_workers(qapp: Any = None, rounds: int = 3) -> list[Any]:
    """Wait for every worker and deliver its queued results; returns the workers still running after that.

    Several rounds because a delivered result may start another worker (a dashboard re-reads after a sync).
    A test that never loaded `intake_gui.ui.workers` started no worker, and this does not load Qt for it.
    """
    workers = sys.modules.get("intake_gui.ui.workers")
    if workers is None:
        return []
    for _ in range(rounds):
        workers.wait_for_workers(15)
        if qapp is not None:
            qapp.processEvents()
    return list(workers.running_workers())


def fail_if_workers_running() -> None:
    """Fail the test if a worker is still running, after waiting for it so that it cannot run into the next."""
    workers = sys.modules.get("intake_gui.ui.workers")
    left = list(workers.running_workers()) if workers is not None else []
    if left:
        workers.wait_for_workers(15)
        pytest.fail(f"the test left workers running: {left}")


@pytest.fixture(autouse=True)
def no_worker_left_running() -> Iterator[None]:
    """A test that ends with a worker still running leaks a thread into the next test: fail it.

    Only GUI code starts workers, so the check costs nothing (and imports no Qt) in a test that never loaded
    `ui.workers`. Fixtures that close a context call `fail_if_workers_running` (or `drain`) before they close it.
    """
    yield
    fail_if_workers_running()


@pytest.fixture
def drain(qapp: Any) -> Iterator[Callable[[], None]]:
    """`drain()` lets every worker finish and its queued results arrive (for GUI tests that end mid-read, before
    they close a window); it also runs when the test ends, before the leak check."""

    def run() -> None:
        left = drain_workers(qapp)
        assert not left, f"workers left running: {left}"

    yield run
    run()


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[Callable[..., EmbeddedSandbox]]:
    """Start Dutchie sandboxes on 127.0.0.1 (ephemeral ports); all are stopped when the test ends.

    Call it as `sandbox_factory(SandboxConfig(...), data_dir=..., extra_mounts=...)`; without a data_dir each
    sandbox gets a fresh one under tmp_path. Pass the same data_dir again to test a restart.
    """
    from intake_gui.sandbox import EmbeddedSandbox

    started: list[EmbeddedSandbox] = []

    def start(
        config: SandboxConfig | None = None, *, data_dir: Path | None = None, **kwargs: Any
    ) -> EmbeddedSandbox:
        box = EmbeddedSandbox(
            data_dir or tmp_path / f"sandbox-{len(started)}", config=config, **kwargs
        )
        box.start()
        started.append(box)
        return box

    yield start
    for box in reversed(started):
        box.stop()


SMALL_SANDBOX: dict[str, Any] = {"product_count": 300, "rate_limit_per_minute": 0}
"""SandboxConfig settings for a test that needs a shop, not a warehouse: 300 products, pacing off."""


@pytest.fixture
def small_sandbox(sandbox_factory: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    """A started Dutchie sandbox with SMALL_SANDBOX settings (starts in a blink; the client need not pace)."""
    from intake_gui.sandbox import SandboxConfig

    return sandbox_factory(SandboxConfig(**SMALL_SANDBOX))


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    """A started Dutchie sandbox with default settings (60 requests a minute, 17,000 products)."""
    return sandbox_factory()


# ---------------------------------------------------------------- sandbox dialects (see NOTES-sandbox.md)

FAST_MOODS: dict[str, Any] = {
    "rate_limit_window_s": 3.0,
    "rate_limit_retry_after_s": 1,
    "visibility_delay_s": 2.0,
}
"""The moods of a moody dialect at test speed: the same limit per a 3-s window (Retry-After 1 s, still
shorter than the window), new stock sellable after 2 s. Applied only to dialects that bring moods."""


def dialect_settings(dialect: str) -> dict[str, Any]:
    """The SandboxConfig settings `dialect_sandbox` starts a dialect with."""
    from intake_gui.sandbox.dialects import mood_presets

    return {"dialect": dialect, **(FAST_MOODS if mood_presets(dialect) else {})}


def _dialect_names() -> tuple[str, ...]:
    # Imported here, after the environment above is set, rather than at the top of the file.
    from intake_gui.sandbox.dialects import DIALECT_NAMES

    return DIALECT_NAMES


@pytest.fixture(params=_dialect_names())
def dialect(request: pytest.FixtureRequest) -> str:
    """Each sandbox dialect in turn (`course`, `webui`, `camel`, `sparse`, `moody`). Narrow it with
    `@pytest.mark.parametrize("dialect", CALM_DIALECTS)` or any list of names."""
    return request.param


@pytest.fixture
def dialect_sandbox(
    dialect: str, sandbox_factory: Callable[..., EmbeddedSandbox]
) -> EmbeddedSandbox:
    """A started Dutchie sandbox speaking `dialect` (moods at test speed, see FAST_MOODS). Its business
    ids are `dialect_sandbox.ids` (the same object as the `dialect_ids` fixture)."""
    from intake_gui.sandbox import SandboxConfig

    return sandbox_factory(SandboxConfig(**dialect_settings(dialect)))


@pytest.fixture
def dialect_ids(dialect_sandbox: EmbeddedSandbox) -> BusinessIds:
    """Ids of the business objects in the dialect spoken: `.az_loc_id`, `.vendor_id` (PALOMINO
    PRINTING), `.sales_floor_id`, `.vault_id`, `.product_id` / `.sku` (3B4791), `.second_product_id`…"""
    return dialect_sandbox.ids


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes the root logger; put it back so other tests log as before."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)
