"""The IndicaOnline emulator served over real loopback HTTP, under an /indica prefix as in the sandbox.

The documented API only reads, so one emulator (default size: 10 offices, 3,000 products, office 101 with
1,200 stocked products) serves the whole session; tests that need other settings mount their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Router

from intake_gui.pos.indica.connector import IndicaConnector
from intake_gui.sandbox.indica import TRAINING_API_KEY, IndicaConfig, create_app
from intake_gui.sandbox.indica.app import IndicaState
from tests.conftest import mount_app


@dataclass
class Served:
    base_url: str
    """Where the connector points: http://127.0.0.1:PORT/<id>/indica/"""
    state: IndicaState

    def calls(self, suffix: str) -> list[dict[str, str]]:
        """Query strings of the GET calls whose path ends with `suffix`, in order (to count pages)."""
        return [q for m, p, q in self.state.requests if m == "GET" and p.endswith(suffix)]


@pytest.fixture(scope="session")
def indica(loopback: tuple[Router, int], tmp_path_factory: pytest.TempPathFactory) -> Served:
    app = create_app(tmp_path_factory.mktemp("indica"))
    url, _ = mount_app(loopback, app, "/indica")
    return Served(url, app.state.indica)


@pytest.fixture
def indica_server(
    serve_app: Callable[[Starlette, str], str], tmp_path: Path
) -> Callable[..., Served]:
    """A private emulator with its own config, for tests that change how it behaves."""
    started: list[Served] = []

    def start(config: IndicaConfig) -> Served:
        app = create_app(tmp_path / f"indica-{len(started)}", config=config)
        served = Served(serve_app(app, "/indica"), app.state.indica)
        started.append(served)
        return served

    return start


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
