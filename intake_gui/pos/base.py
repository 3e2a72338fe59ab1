"""The connector contract: the only face of a POS the rest of Intake sees.

Every method is blocking and thread-safe enough to be called from one worker thread at a time; the GUI
calls them only from workers. Errors are the classes in `pos.errors`, nothing else escapes (httpx
exceptions, KeyError on a missing field and the like are translated at the boundary).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from intake_gui.domain.models import (
    HistoryRow,
    Location,
    Package,
    PosKind,
    Product,
    ReceiveDraft,
    Room,
    SellableItem,
    Vendor,
)
from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords
from intake_gui.pos.waits import WaitFn

ProgressFn = Callable[[int, int], None]
"""(done, total) — total is 0 when unknown. Called from the worker thread."""


@dataclass(frozen=True)
class Credentials:
    """A POS login. The password is kept out of repr so a logged or printed object never leaks it."""

    username: str
    password: str = field(repr=False)


class SessionCache(Protocol):
    """Where a connector keeps a session id between runs (the store layer backs it with the keyring).

    Reusing a session saves a login per start and keeps the password off the wire; the connector
    clears the entry as soon as the POS refuses it.
    """

    def load(self, key: str) -> str | None: ...

    def save(self, key: str, value: str) -> None: ...

    def clear(self, key: str) -> None: ...


@dataclass(frozen=True)
class Capabilities:
    """What this POS lets Intake do, so the UI offers exactly that and says why the rest is missing."""

    receive: bool = True
    verify_packages: bool = True
    verify_history: bool = True
    verify_sellable: bool = True
    count: bool = True
    move: bool = False
    move_hint: str = ""
    """Where to do the move by hand when `move` is False."""
    receive_hint: str = ""
    """Why receiving is unavailable and where to do it instead, when `receive` is False."""


class PosConnector(ABC):
    kind: PosKind
    capabilities: Capabilities = Capabilities()
    words: PosWords = GENERIC_WORDS
    """How this POS is named in messages (its `pos/<kind>/words.py` instance)."""
    on_wait: WaitFn | None = None
    """Told before and after every wait the connector does (a rate limit, pacing, a retry, a re-login):
    see `pos.waits.WaitNotice`. Set by the service that drives the connector; called on the worker
    thread. (http helper: connectors forward it to their HTTP session.)"""

    @abstractmethod
    def login(self) -> None:
        """Establish (or reuse a cached) session. Raises AuthenticationError on bad credentials."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the HTTP client."""

    @property
    def user_name(self) -> str:
        """The logged-in user, for the audit trail."""
        return ""

    @abstractmethod
    def locations(self) -> list[Location]: ...

    @abstractmethod
    def vendors(self, location: Location) -> list[Vendor]: ...

    @abstractmethod
    def rooms(self, location: Location) -> list[Room]: ...

    @abstractmethod
    def products(self, location: Location, progress: ProgressFn | None = None) -> list[Product]: ...

    @abstractmethod
    def receive(self, draft: ReceiveDraft) -> int:
        """Send the receive; return the POS's receipt id (Dutchie: ReceiveInventoryHistoryId).

        Raises OutcomeUnknown when the request may have landed but the answer was lost; callers
        reconcile through `receipt_history` before anything is sent again.
        """

    @abstractmethod
    def packages_for_receipt(self, location: Location, receipt_id: int) -> list[Package]: ...

    @abstractmethod
    def receipt_history(
        self, location: Location, start: datetime, end: datetime
    ) -> list[HistoryRow]:
        """Receives between two store-local wall times (naive datetimes)."""

    @abstractmethod
    def sellable_inventory(
        self, location: Location, skus: Iterable[str] | None = None
    ) -> list[SellableItem]:
        """Stock a customer could buy now; filtered to `skus` when given (the POS may still return all)."""
