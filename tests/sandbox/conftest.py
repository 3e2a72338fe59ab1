"""Helpers for talking to a sandbox the way a Backoffice client does, over real loopback HTTP.

Most tests share one sandbox per module and reset it to the seed before each test (a reset is a few
milliseconds; a fresh server start and stop costs a quarter of a second). Tests that need settings fixed
at start use `sandbox_factory` from the top-level conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER, EmbeddedSandbox

SESSION_KEYS = ("SessionId", "LspId", "LocId", "OrgId", "UserId")


@dataclass
class Backoffice:
    """A minimal Backoffice client: logs in, keeps the cookie and the session block, posts calls."""

    http: httpx.Client
    block: dict[str, Any] = field(default_factory=dict)

    def login(self, user: str = TRAINING_USER, password: str = TRAINING_SECRET) -> httpx.Response:
        response = self.http.post(
            "user/login",
            json={"Username": user, "Password": password, "RememberMe": True},
            headers={"appname": "Backoffice"},
        )
        if response.status_code == 200 and response.json()["Result"]:
            data = response.json()["Data"]
            self.block = {k: data[k] for k in SESSION_KEYS}
        return response

    def call(self, endpoint: str, **fields: Any) -> httpx.Response:
        body = {**self.block, "LocId": AZ_LOC_ID, **fields}
        return self.http.post(endpoint, json=body)

    def data(self, endpoint: str, **fields: Any) -> Any:
        """The Data of a call that must succeed."""
        response = self.call(endpoint, **fields)
        assert response.status_code == 200, (endpoint, response.status_code)
        payload = response.json()
        assert payload["Result"] is True, (endpoint, payload["Message"])
        return payload["Data"]

    def refused(self, endpoint: str, **fields: Any) -> str:
        """The Message of a call that must come back HTTP 200 with Result false."""
        response = self.call(endpoint, **fields)
        assert response.status_code == 200, (endpoint, response.status_code)
        payload = response.json()
        assert payload["Result"] is False, (endpoint, payload["Data"])
        return payload["Message"]

    def sellable(self, loc_id: int = AZ_LOC_ID) -> dict[str, float]:
        return {
            row["Sku"]: row["Quantity"] for row in self.data("preorder/inventory", LocId=loc_id)
        }


@pytest.fixture(scope="module")
def shared_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    box = EmbeddedSandbox(tmp_path_factory.mktemp("shared-sandbox"))
    box.start()
    yield box
    box.stop()


@pytest.fixture
def box(shared_box: EmbeddedSandbox) -> EmbeddedSandbox:
    """The module's sandbox, back at its seed state with start-up settings and no faults."""
    shared_box.admin.reset()
    return shared_box


@pytest.fixture
def connect() -> Iterator[Callable[..., Backoffice]]:
    """`connect(box, user=..., login=True, timeout=...)` -> a Backoffice client (closed after the test)."""
    clients: list[httpx.Client] = []

    def make(
        target: EmbeddedSandbox,
        user: str = TRAINING_USER,
        *,
        login: bool = True,
        timeout: float = 10.0,
    ) -> Backoffice:
        http = httpx.Client(base_url=target.base_url, timeout=timeout)
        clients.append(http)
        client = Backoffice(http)
        if login:
            response = client.login(user)
            assert response.json()["Result"] is True
        return client

    yield make
    for http in clients:
        http.close()


@pytest.fixture
def bo(box: EmbeddedSandbox, connect: Callable[..., Backoffice]) -> Backoffice:
    """The training user, logged in to the freshly reset shared sandbox."""
    return connect(box)
