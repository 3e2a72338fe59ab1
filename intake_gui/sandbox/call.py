"""One authenticated API call as a handler sees it, and the shape every handler has.

`body` is the request as the dialect delivered it to the handlers: keys case-folded (ASP.NET binds JSON
case-insensitively), ids in the canonical space. Handlers answer through `answer`/`refuse`, which render
in the dialect being spoken, so no handler knows which one that is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from intake_gui.sandbox.dialects import Dialect
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
    dialect: Dialect

    @property
    def location(self) -> SandboxLocation | None:
        """The body's LocId — never the session's default store: a call acts where it says it does."""
        return LOCATIONS_BY_ID.get(as_int(self.body.get("locid")) or -1)

    def answer(self, kind: str, records: Iterable[Mapping[str, Any]]) -> Response:
        return self.dialect.answer(kind, records)

    def refuse(self, message: str, *, status: int = 200) -> Response:
        return self.dialect.refusal(message, status=status)

    def wire_id(self, kind: str, value: int) -> int | None:
        """An id as this dialect shows it, for messages that quote one."""
        return self.dialect.ids.out(kind, value)


Handler = Callable[[Call], Response]
