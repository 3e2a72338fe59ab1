"""Whether this station's keyring keeps a password: asked by the sign-in dialog ("will this be remembered?") and,
as a full round trip, by `intake-gui --self-test`.

The faces reach the keyring wrapper (`store.secrets`) only through here: secrets stay behind the services layer,
and the round trip is plain Python a test can run without Qt.
"""

from __future__ import annotations

import secrets
from importlib import metadata

import keyring

from intake_gui.store.secrets import SecretStore, usable_backend


class KeyringBroken(Exception):
    """The keyring cannot work in this build; the message says what is missing, in a technician's words."""


def keyring_persistent() -> bool:
    """Whether a password saved now survives a restart; False means the sign-in asks every session."""
    return SecretStore().persistent


def keyring_round_trip(service: str) -> str:
    """Save, read back and delete a random secret under `service`; returns what was found, raises KeyringBroken.

    A frozen build can lose the keyring backends' entry points or modules; that is a failure. A keyring that is
    simply absent on this PC is the clean in-memory fallback, reported but not a failure.
    """
    registered = list(metadata.entry_points(group="keyring.backends"))
    if not registered:
        raise KeyringBroken(
            "keyring has no registered backends (its distribution metadata is missing from the build): "
            "passwords could never be saved"
        )
    broken = []
    for ep in registered:
        try:
            ep.load()
        except Exception as exc:
            broken.append(f"{ep.name} ({type(exc).__name__})")
    if broken:
        raise KeyringBroken(f"keyring backend modules missing from the build: {', '.join(broken)}")

    ring = keyring.get_keyring()
    backend = f"{type(ring).__module__}.{type(ring).__name__}"
    store = SecretStore(service)
    account = f"probe-{secrets.token_hex(4)}"
    value = secrets.token_urlsafe(18)
    try:
        store.set_password(account, value)
        read_back = store.get_password(account)
    finally:
        store.delete_password(account)
    if read_back != value:
        raise KeyringBroken(f"{backend}: a saved secret did not read back")
    if store.get_password(account) is not None:
        raise KeyringBroken(f"{backend}: a deleted secret is still there")
    if store.persistent:
        return f"{backend}: secret saved, read back and deleted ({len(registered)} backends registered)"
    if usable_backend(ring):
        return (
            f"{backend} failed when used, so passwords stay in memory and are asked each session "
            f"(clean fallback; {len(registered)} backends registered)"
        )
    return (
        f"{backend}: no usable keyring here, so passwords stay in memory and are asked each session "
        f"(clean fallback; {len(registered)} backends registered)"
    )
