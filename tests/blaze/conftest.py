"""The BLAZE emulator served over real loopback HTTP, mounted under a /blaze prefix as the embedded sandbox does.

Each test gets its own data dir and emulator instance, so receives and transfers of one test never shift another's
counts. The default world is shrunk (300 products, 120 batches a shop) to keep start-up in milliseconds;
tests that need the full catalog build their own with `blaze_server(config=...)`.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount, Router

from intake_gui.pos.blaze.connector import BlazeConnector
from intake_gui.sandbox.blaze import (
    TRAINING_DEVELOPER_KEY,
    TRAINING_PARTNER_KEY,
    BlazeConfig,
    create_app,
)
from intake_gui.sandbox.blaze.state import BlazeState

SMALL = BlazeConfig(product_count=300, vendor_count=6, batches_per_shop=120)


@dataclass
class Served:
    base_url: str
    """Where the connector points: http://127.0.0.1:PORT/blaze/"""
    state: BlazeState
    app: Starlette

    def calls(self, suffix: str) -> list[dict[str, str]]:
        """Query strings of the GET calls whose path ends with `suffix`, in order (to count pages)."""
        return [q for m, p, q in self.state.requests if m == "GET" and p.endswith(suffix)]


class _Server:
    def __init__(self, app: Starlette) -> None:
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

    Starting and stopping uvicorn costs about 0.2 s, which per test would dominate these suites.
    """
    router = Router()
    server = _Server(Starlette(routes=[Mount("/", app=router)]))
    server.start()
    yield router, server.port
    server.stop()


@pytest.fixture
def serve_app(loopback: tuple[Router, int]) -> Iterator[Callable[[Starlette, str], str]]:
    """serve(app, prefix) -> base URL under a prefix unique to this call; unmounted when the test ends."""
    router, port = loopback
    mounts: list[Mount] = []

    def serve(app: Starlette, prefix: str) -> str:
        path = f"/{uuid.uuid4().hex[:12]}{prefix}"
        mount = Mount(path, app=app)
        router.routes.insert(0, mount)
        mounts.append(mount)
        return f"http://127.0.0.1:{port}{path}/"

    yield serve
    for mount in mounts:
        router.routes.remove(mount)


@pytest.fixture
def blaze_server(
    tmp_path: Path, serve_app: Callable[[Starlette, str], str]
) -> Iterator[Callable[..., Served]]:
    states: list[BlazeState] = []

    def start(config: BlazeConfig = SMALL, data_dir: Path | None = None) -> Served:
        app = create_app(data_dir or tmp_path / "blaze", config=config)
        states.append(app.state.blaze)
        return Served(serve_app(app, "/blaze"), app.state.blaze, app)

    yield start
    for state in states:
        state.close()


@pytest.fixture
def blaze(blaze_server: Callable[..., Served]) -> Served:
    return blaze_server()


@pytest.fixture
def connector_for(blaze: Served) -> Iterator[Callable[..., BlazeConnector]]:
    made: list[BlazeConnector] = []

    def make(
        partner: str = TRAINING_PARTNER_KEY, developer: str = TRAINING_DEVELOPER_KEY, **kw: object
    ) -> BlazeConnector:
        conn = BlazeConnector(
            blaze.base_url, partner, developer, rate_per_minute=0, timeout=10, **kw
        )
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


@pytest.fixture
def conn(connector_for: Callable[..., BlazeConnector]) -> BlazeConnector:
    return connector_for()
