"""The IndicaOnline emulator served over real loopback HTTP, under an /indica prefix as in the sandbox.

The documented API only reads, so one emulator (default size: 10 offices, 3,000 products, office 101 with
1,200 stocked products) serves the whole session; tests that need other settings mount their own.
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

from intake_gui.pos.indica.connector import IndicaConnector
from intake_gui.sandbox.indica import TRAINING_API_KEY, IndicaConfig, create_app
from intake_gui.sandbox.indica.app import IndicaState


@dataclass
class Served:
    base_url: str
    """Where the connector points: http://127.0.0.1:PORT/<id>/indica/"""
    state: IndicaState

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
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def loopback() -> Iterator[tuple[Router, int]]:
    router = Router()
    server = _Server(Starlette(routes=[Mount("/", app=router)]))
    server.start()
    yield router, server.port
    server.stop()


def _mount(router: Router, port: int, app: Starlette) -> tuple[str, Mount]:
    path = f"/{uuid.uuid4().hex[:12]}/indica"
    mount = Mount(path, app=app)
    router.routes.insert(0, mount)
    return f"http://127.0.0.1:{port}{path}/", mount


@pytest.fixture(scope="session")
def indica(loopback: tuple[Router, int], tmp_path_factory: pytest.TempPathFactory) -> Served:
    app = create_app(tmp_path_factory.mktemp("indica"))
    url, _ = _mount(*loopback, app)
    return Served(url, app.state.indica)


@pytest.fixture
def indica_server(loopback: tuple[Router, int], tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """A private emulator with its own config, for tests that change how it behaves."""
    mounts: list[Mount] = []

    def start(config: IndicaConfig) -> Served:
        app = create_app(tmp_path / f"indica-{len(mounts)}", config=config)
        url, mount = _mount(*loopback, app)
        mounts.append(mount)
        return Served(url, app.state.indica)

    yield start
    for mount in mounts:
        loopback[0].routes.remove(mount)


@pytest.fixture
def connector_for(indica: Served) -> Iterator[Callable[..., IndicaConnector]]:
    made: list[IndicaConnector] = []

    def make(
        key: str = TRAINING_API_KEY, *, base_url: str | None = None, **kw: object
    ) -> IndicaConnector:
        conn = IndicaConnector(
            base_url or indica.base_url, key, rate_per_minute=0, timeout=10, **kw
        )
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


@pytest.fixture
def conn(connector_for: Callable[..., IndicaConnector]) -> IndicaConnector:
    return connector_for()
