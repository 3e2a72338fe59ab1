"""Helpers for talking to a sandbox the way a Backoffice client does, over real loopback HTTP.

The `Backoffice` client here reads any dialect: envelope and field names are looked up without regard
to case, and it sends PascalCase with the ids the sandbox gave it (ASP.NET binds keys case-insensitively,
so every dialect accepts that). Tests that check a dialect's exact shape read the raw JSON instead.

Most tests share one sandbox per module and reset it to the seed before each test (a reset is a few
milliseconds; a fresh server start and stop costs a quarter of a second). Tests that need settings fixed
at start use `sandbox_factory` from the top-level conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER, EmbeddedSandbox, SandboxConfig
from intake_gui.sandbox.dialects import CALM_DIALECTS

SESSION_KEYS = ("SessionId", "LspId", "LocId", "OrgId", "UserId")


def ci(obj: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """`obj[key]` whatever the case of the key (camelCase or PascalCase)."""
    if key in obj:
        return obj[key]
    folded = key.lower()
    return next((v for k, v in obj.items() if k.lower() == folded), default)


def envelope(response: httpx.Response) -> dict[str, Any]:
    """A response's envelope with its three keys in PascalCase, whatever the dialect."""
    payload = response.json()
    return {k: ci(payload, k) for k in ("Result", "Message", "Data")}


@dataclass
class Backoffice:
    """A minimal Backoffice client: logs in, keeps the cookie and the session block, posts calls."""

    http: httpx.Client
    loc_id: int
    """The store calls go to unless they say otherwise (the dialect's AZ store)."""
    block: dict[str, Any] = field(default_factory=dict)

    def login(self, user: str = TRAINING_USER, password: str = TRAINING_SECRET) -> httpx.Response:
        response = self.http.post(
            "user/login",
            json={"Username": user, "Password": password, "RememberMe": True},
            headers={"appname": "Backoffice"},
        )
        if response.status_code == 200 and envelope(response)["Result"]:
            data = envelope(response)["Data"]
            self.block = {k: ci(data, k) for k in SESSION_KEYS}
        return response

    def call(self, endpoint: str, **fields: Any) -> httpx.Response:
        body = {**self.block, "LocId": self.loc_id, **fields}
        return self.http.post(endpoint, json=body)

    def data(self, endpoint: str, **fields: Any) -> Any:
        """The Data of a call that must succeed."""
        response = self.call(endpoint, **fields)
        assert response.status_code == 200, (endpoint, response.status_code, response.text)
        payload = envelope(response)
        assert payload["Result"] is True, (endpoint, payload["Message"])
        return payload["Data"]

    def refused(self, endpoint: str, *, status: int = 200, **fields: Any) -> str:
        """The Message of a call that must come back with Result false (HTTP 200 unless `status`)."""
        response = self.call(endpoint, **fields)
        assert response.status_code == status, (endpoint, response.status_code, response.text)
        payload = envelope(response)
        assert payload["Result"] is False, (endpoint, payload["Data"])
        return payload["Message"]

    def sellable(self, loc_id: int | None = None) -> dict[str, Decimal]:
        """SKU -> quantity (quantities may be numbers or strings such as "3.000")."""
        rows = self.data("preorder/inventory", LocId=loc_id or self.loc_id)
        return {ci(row, "Sku"): Decimal(str(ci(row, "Quantity"))) for row in rows}


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
        client = Backoffice(http, loc_id=target.ids.az_loc_id)
        if login:
            response = client.login(user)
            assert envelope(response)["Result"] is True
        return client

    yield make
    for http in clients:
        http.close()


@pytest.fixture
def bo(box: EmbeddedSandbox, connect: Callable[..., Backoffice]) -> Backoffice:
    """The training user, logged in to the freshly reset shared sandbox."""
    return connect(box)


@pytest.fixture(scope="module", params=CALM_DIALECTS)
def shared_dialect_box(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmbeddedSandbox]:
    """One sandbox per calm dialect, shared by a module's tests (which then run once per dialect)."""
    box = EmbeddedSandbox(
        tmp_path_factory.mktemp(f"shared-{request.param}"),
        config=SandboxConfig(dialect=request.param),
    )
    box.start()
    yield box
    box.stop()


@pytest.fixture
def dbox(shared_dialect_box: EmbeddedSandbox) -> EmbeddedSandbox:
    """The module's sandbox in the current dialect, back at its seed state."""
    shared_dialect_box.admin.reset()
    return shared_dialect_box


@pytest.fixture
def dbo(dbox: EmbeddedSandbox, connect: Callable[..., Backoffice]) -> Backoffice:
    """The training user, logged in to `dbox`."""
    return connect(dbox)
