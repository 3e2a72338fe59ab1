"""The POS drivers as the two faces see them: which POSes there are, how each is named, signed in to and read.

The GUI and the CLI offer a choice of POS, build a sign-in form and word their messages from here, so a
driver registered in `pos/registry.py` is offered everywhere without either face naming it. Cheap to import
(no HTTP stack, no storage): the main window and the settings dialog use it before any connection exists.
"""

from __future__ import annotations

from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords
from intake_gui.pos.descriptor import CredentialSchema, PosDriver
from intake_gui.pos.registry import UnknownPos, driver_for, registry
from intake_gui.store.paths import AppPaths
from intake_gui.store.settings import StationSettings, load_settings

__all__ = [
    "CredentialSchema",
    "PosDriver",
    "UnknownPos",
    "driver_for",
    "drivers",
    "kinds",
    "load_station_settings",
    "words_for",
]


def drivers() -> tuple[PosDriver, ...]:
    """Every POS this Intake can talk to, in the order they are offered."""
    return registry.drivers()


def kinds() -> tuple[str, ...]:
    return registry.kinds()


def words_for(kind: str) -> PosWords:
    """How `kind` is named in messages; neutral words for a kind no driver serves (it is refused elsewhere)."""
    return driver_for(kind).words if kind in registry else GENERIC_WORDS


def load_station_settings(paths: AppPaths) -> StationSettings:
    """The station's settings, checked against the POS kinds the registry knows (an unknown one in the file
    is repaired to the default; in INTAKE_POS_KIND it is an error naming the variable)."""
    return load_settings(paths, pos_kinds=registry.kinds())
