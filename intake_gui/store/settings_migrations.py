"""How an older settings file becomes the current one, step by step, before any value in it is validated.

Each step takes the file's dict at version N to version N+1 and says in a note what it changed (the notes go
to the log). A step is written once and never edited: it describes what an old version *wrote*, which does
not change. Add a step by appending to `_STEPS` and raising `SCHEMA_VERSION`.

A file without `schema_version` is version 0, the first release. A file from a newer Intake is read as it is
(unknown keys are ignored, and kept when this version saves) and not migrated downwards.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intake_gui.store.paths import AppPaths

log = logging.getLogger(__name__)

SCHEMA_KEY = "schema_version"
SCHEMA_VERSION = 2


@dataclass
class Migration:
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    changed: bool = False
    """The file is not in the current shape and should be written back."""
    scrubbed: bool = False
    """A value that was a credential was removed: no copy of the old file may keep it."""


def migrate(data: dict[str, Any], paths: AppPaths) -> Migration:
    out = Migration(dict(data))
    version = data.get(SCHEMA_KEY, 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        out.notes.append(f"schema_version {version!r} is not a version; read as version 0")
        version = 0
    if version > SCHEMA_VERSION:
        out.notes.append(
            f"written by a newer Intake (schema {version}, this one knows {SCHEMA_VERSION}); "
            "using the values this version understands"
        )
        return out
    for step in _STEPS[version:]:
        step(out, paths)
    out.changed = version != SCHEMA_VERSION or out.changed
    out.data[SCHEMA_KEY] = SCHEMA_VERSION
    return out


# ---- version 0 -> 1: POS drivers -------------------------------------------------------------------------

_V0_LOGINS: dict[str, tuple[str | None, str]] = {
    "dutchie": ("username", "password"),
    "blaze": ("partner_key", "developer_key"),
    "indica": (None, "api_key"),
}
"""What version 0 kept as (username, password) for each POS, in the credential fields of today's drivers.
Version 0 had one login shape for every POS: BLAZE's partner key sat in `username` (and so in this file and
in the keyring account's name), IndicaOnline's `username` was any label the clerk typed."""

_V0_DEAD_KEYS = {
    "blaze_partner_header": "header names are now pos_options.blaze (they never reached the connector)",
    "blaze_dev_header": "header names are now pos_options.blaze (they never reached the connector)",
    "indica_office_id": "the office is the location picked in the wizard (it was never read)",
}


def _v0_to_v1(m: Migration, paths: AppPaths) -> None:
    data = m.data
    for key, why in _V0_DEAD_KEYS.items():
        if key in data:
            del data[key]
            m.notes.append(f"dropped {key}: {why}")
            m.changed = True
    kind = data.get("pos_kind", "dutchie")
    username = data.get("username")
    if kind in ("blaze", "indica") and "username" in data:
        # BLAZE's was the partner key; IndicaOnline's may have been the key typed twice. Neither is a person.
        del data["username"]
        m.notes.append(f"removed username: a {kind} login has none (its keys are in the keyring)")
        m.changed = m.scrubbed = True
    base = data.get("api_base") or os.environ.get("INTAKE_API_BASE")
    known = isinstance(username, str) and username and isinstance(base, str) and kind in _V0_LOGINS
    if known and _adopt_v0_keyring(str(kind), str(base), str(username)):
        m.notes.append("moved the saved sign-in to this version's keyring entries")


def _adopt_v0_keyring(kind: str, base: str, username: str) -> bool:
    """Move version 0's keyring entry (account `kind|base|username`, holding the password or last key) to
    one entry per credential field, so a station keeps its saved sign-in and no account name holds a key."""
    from intake_gui.store.secrets import SecretStore, credential_account

    store = SecretStore()
    old = f"{kind}|{base.rstrip('/')}|{username}"
    value = store.get_password(old)
    if not value:
        return False
    public, secret = _V0_LOGINS[kind]
    person = username if public == "username" else ""
    if public is not None and public != "username":
        store.set_password(credential_account(kind, base, person, public), username)
    store.set_password(credential_account(kind, base, person, secret), value)
    store.delete_password(old)
    return True


# ---- version 1 -> 2: a Dutchie-only setting becomes the Dutchie driver's option ----------------------------


def _v1_to_v2(m: Migration, paths: AppPaths) -> None:
    """`dutchie_locations_path` (top level, briefly) is `pos_options.dutchie.locations_path`: a setting only
    one POS reads belongs to that POS's driver."""
    data = m.data
    if "dutchie_locations_path" not in data:
        return
    path = data.pop("dutchie_locations_path")
    m.changed = True
    if path:
        options = data.setdefault("pos_options", {})
        if isinstance(options, dict):
            options.setdefault("dutchie", {}).setdefault("locations_path", path)
    m.notes.append("moved dutchie_locations_path to pos_options.dutchie.locations_path")


_STEPS: tuple[Callable[[Migration, AppPaths], None], ...] = (_v0_to_v1, _v1_to_v2)
"""_STEPS[n] takes version n to n + 1."""
assert len(_STEPS) == SCHEMA_VERSION
