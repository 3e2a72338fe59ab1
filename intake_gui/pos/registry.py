"""The one list of POS drivers. Everything that offers a choice of POS, or acts on one, asks here.

Built-in drivers are named by module below and imported on first use (a driver module is small: its words,
its credential schema and a `connect` that imports the connector only when called). Another driver joins
with `registry.register(driver)`; tests use `registry.registered(driver)` so it leaves again.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from intake_gui.pos.descriptor import PosDriver
from intake_gui.pos.errors import PosError

BUILTIN_DRIVERS = (
    "intake_gui.pos.dutchie.driver",
    "intake_gui.pos.blaze.driver",
    "intake_gui.pos.indica.driver",
)
"""Each module exports `DRIVER`. Adding a POS to Intake itself is one line here (ARCHITECTURE.md)."""


class UnknownPos(PosError):
    """The settings, the command line or a draft name a POS kind no driver serves."""

    def __init__(self, kind: str, known: tuple[str, ...]) -> None:
        super().__init__(
            f"This station is set to a POS called “{kind}”, which this Intake does not know. "
            f"Choose one in Settings (known: {', '.join(known)}).",
            detail=f"pos_kind={kind!r}",
        )
        self.kind = kind


class DriverRegistry:
    def __init__(self, modules: tuple[str, ...] = BUILTIN_DRIVERS) -> None:
        self._modules = modules
        self._drivers: dict[str, PosDriver] | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> dict[str, PosDriver]:
        drivers = self._drivers
        if drivers is None:
            with self._lock:
                if self._drivers is None:
                    found: dict[str, PosDriver] = {}
                    for name in self._modules:
                        driver = importlib.import_module(name).DRIVER
                        found[driver.kind] = driver
                    self._drivers = found
                drivers = self._drivers
        return drivers

    def register(self, driver: PosDriver, *, replace: bool = False) -> None:
        drivers = self._loaded()
        if driver.kind in drivers and not replace:
            raise ValueError(f"a driver for {driver.kind!r} is already registered")
        drivers[driver.kind] = driver

    def unregister(self, kind: str) -> None:
        self._loaded().pop(kind, None)

    @contextmanager
    def registered(self, driver: PosDriver) -> Iterator[PosDriver]:
        """`driver` is offered for the duration of the block (tests)."""
        self.register(driver)
        try:
            yield driver
        finally:
            self.unregister(driver.kind)

    def get(self, kind: str) -> PosDriver:
        try:
            return self._loaded()[str(kind)]
        except KeyError:
            raise UnknownPos(str(kind), self.kinds()) from None

    def __contains__(self, kind: object) -> bool:
        return str(kind) in self._loaded()

    def __iter__(self) -> Iterator[PosDriver]:
        return iter(self.drivers())

    def drivers(self) -> tuple[PosDriver, ...]:
        """In the order they are offered: by `order`, then by display name."""
        return tuple(sorted(self._loaded().values(), key=lambda d: (d.order, d.display_name)))

    def kinds(self) -> tuple[str, ...]:
        return tuple(d.kind for d in self.drivers())


registry = DriverRegistry()


def driver_for(kind: str) -> PosDriver:
    """The driver of `kind`; UnknownPos (a PosError, shown in words) when there is none."""
    return registry.get(kind)
