"""The BLAZE emulator served over real loopback HTTP, mounted under a /blaze prefix as the embedded sandbox does.

Each test gets its own data dir and emulator instance, so receives and transfers of one test never shift another's
counts. The default world is shrunk (300 products, 120 batches a shop) to keep start-up in milliseconds;
tests that need the full catalog build their own with `blaze_server(config=...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette

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
