"""Run a sandbox: embedded in a daemon thread (the app's default POS, every contract test) or in the
foreground (`intake sandbox`).

We bind the listening socket ourselves so the port is known before uvicorn starts (port 0 works), and
give uvicorn no logging config so an embedding application's logging is left alone.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from intake_gui.sandbox.admin_client import SandboxAdmin
from intake_gui.sandbox.app import create_app
from intake_gui.sandbox.config import SandboxConfig
from intake_gui.sandbox.dialects import BusinessIds, business_ids
from intake_gui.sandbox.runtime import SandboxRuntime

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
_START_TIMEOUT_S = 15.0


def _bind(port: int) -> socket.socket:
    # proto must be IPPROTO_TCP explicitly: asyncio enables TCP_NODELAY on accepted sockets only when
    # it is, and without it every response pays a 40 ms delayed-ACK stall between headers and body.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


def _uvicorn_config(app: ASGIApp, *, quiet: bool) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http="h11",  # the drop faults rely on h11's per-request cycle exposing the transport
        ws="none",
        lifespan="off",
        log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
        access_log=not quiet,
        timeout_graceful_shutdown=1,
        timeout_keep_alive=5,
    )


class EmbeddedSandbox:
    """A Dutchie Backoffice emulator on 127.0.0.1, serving from a thread of this process.

    State lives in `data_dir`, so starting again on the same directory resumes where it stopped.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = 0,
        config: SandboxConfig | None = None,
        extra_mounts: Mapping[str, ASGIApp] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.config = config or SandboxConfig()
        self._port = port
        self._extra_mounts = dict(extra_mounts or {})
        self._runtime: SandboxRuntime | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._admin: SandboxAdmin | None = None
        self.port = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def root_url(self) -> str:
        self._require_started()
        return f"http://{HOST}:{self.port}/"

    @property
    def base_url(self) -> str:
        return self.root_url + "api/"

    @property
    def admin(self) -> SandboxAdmin:
        self._require_started()
        if self._admin is None:
            self._admin = SandboxAdmin(self.root_url)
        return self._admin

    @property
    def dialect(self) -> str:
        """The dialect spoken now (the admin API can switch it while running)."""
        if self._runtime is not None:
            return self._runtime.config.dialect
        return self.config.dialect

    @property
    def ids(self) -> BusinessIds:
        """The business ids of the dialect spoken now: `box.ids.az_loc_id`, `box.ids.vendor_id`…"""
        return business_ids(self.dialect)

    def _require_started(self) -> None:
        if not self.port:
            raise RuntimeError("the sandbox is not started")

    def start(self) -> str:
        """Start serving and wait until connections are accepted; returns base_url."""
        if self.running:
            return self.base_url
        runtime = SandboxRuntime.open(self.data_dir, self.config)
        try:
            sock = _bind(self._port)
        except OSError:
            runtime.close()
            raise
        server = uvicorn.Server(
            _uvicorn_config(create_app(runtime, self._extra_mounts), quiet=True)
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="intake-sandbox", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(timeout=2)
                sock.close()
                runtime.close()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        self._runtime, self._server, self._thread, self._socket = runtime, server, thread, sock
        self.port = sock.getsockname()[1]
        log.info("Sandbox serving at %s (data in %s)", self.base_url, self.data_dir)
        return self.base_url

    def stop(self) -> None:
        """Stop serving, wait for the thread, close the data file. Safe to call twice."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        if self._runtime is not None:
            self._runtime.close()
        self._runtime = self._server = self._thread = self._socket = None
        self.port = 0

    def __enter__(self) -> EmbeddedSandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    data_dir: Path,
    port: int = 8765,
    config: SandboxConfig | None = None,
    *,
    extra_mounts: Mapping[str, ASGIApp] | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until interrupted (Ctrl+C). `on_ready` gets the base URL once the port
    is bound, so the CLI can print it even for port 0."""
    runtime = SandboxRuntime.open(Path(data_dir), config)
    sock = _bind(port)
    base_url = f"http://{HOST}:{sock.getsockname()[1]}/api/"
    if on_ready is not None:
        on_ready(base_url)
    try:
        uvicorn.Server(_uvicorn_config(create_app(runtime, extra_mounts), quiet=False)).run(
            sockets=[sock]
        )
    finally:
        sock.close()
        runtime.close()
