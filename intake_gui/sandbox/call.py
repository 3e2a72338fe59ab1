"""One authenticated API call as a handler sees it, and the shape every handler has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from intake_gui.sandbox.runtime import SandboxRuntime
from intake_gui.sandbox.seed import LOCATIONS_BY_ID, SandboxLocation, SandboxUser
from intake_gui.sandbox.store import SessionRow
from intake_gui.sandbox.wire import as_int


@dataclass(frozen=True)
class Call:
    runtime: SandboxRuntime
    request: Request
    body: dict[str, Any]
    user: SandboxUser
    session: SessionRow

    @property
    def location(self) -> SandboxLocation | None:
        """The body's LocId — never the session's default store: a call acts where it says it does."""
        return LOCATIONS_BY_ID.get(as_int(self.body.get("LocId")) or -1)


Handler = Callable[[Call], Response]
