"""Dialects: the same business data (the course's AZ store, PALOMINO PRINTING, the Sales Floor and the
Vault, SKU 3B4791…) served in other wire shapes and id spaces, so a client's tests run against shapes it
did not choose. One module per dialect, each a table (`base.Dialect`); `DIALECT_NAMES` lists them.

`business_ids(name)` gives a test the ids a dialect uses for the business objects it knows by name, so no
test needs to hard-code 1989 or 24772.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intake_gui.sandbox.dialects.base import Dialect, IdSpace
from intake_gui.sandbox.dialects.business import BusinessIds, business_ids
from intake_gui.sandbox.dialects.camel import CAMEL
from intake_gui.sandbox.dialects.course import COURSE
from intake_gui.sandbox.dialects.moody import MOODY
from intake_gui.sandbox.dialects.sparse import SPARSE
from intake_gui.sandbox.dialects.webui import WEBUI

DIALECTS: Mapping[str, Dialect] = {d.name: d for d in (COURSE, WEBUI, CAMEL, SPARSE, MOODY)}
DIALECT_NAMES: tuple[str, ...] = tuple(DIALECTS)
"""("course", "webui", "camel", "sparse", "moody"): the course's first, the training default."""
CALM_DIALECTS: tuple[str, ...] = tuple(d.name for d in DIALECTS.values() if not d.moods)
"""The dialects that only change shapes and ids (no mood presets): every one but `moody`."""


def get_dialect(name: str) -> Dialect:
    try:
        return DIALECTS[name.strip().lower()]
    except KeyError:
        raise ValueError(
            f"unknown dialect {name!r}; choose one of {', '.join(DIALECT_NAMES)}"
        ) from None


def mood_presets(name: str) -> dict[str, Any]:
    """The `SandboxConfig` settings a dialect turns on; {} for an unknown name (the config refuses it)."""
    dialect = DIALECTS.get(str(name).strip().lower())
    return dict(dialect.moods) if dialect else {}


__all__ = [
    "CALM_DIALECTS",
    "DIALECTS",
    "DIALECT_NAMES",
    "BusinessIds",
    "Dialect",
    "IdSpace",
    "business_ids",
    "get_dialect",
    "mood_presets",
]
