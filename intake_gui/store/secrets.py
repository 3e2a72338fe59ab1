"""The only way Intake touches credentials: the OS keyring, or process memory when there is none.

Passwords and POS session ids never reach a file we write. When the platform has no usable keyring (a headless
Linux box, a locked-down Windows profile, a backend that errors), secrets live in memory for this run only and
`persistent` turns False so the UI can say "your password will be asked each session". A plaintext file would
be the easy fallback and is exactly what a shared receiving PC must not have.

Every secret that passes through here is added to `secret_registry`, which the log redaction filter consults,
so a password echoed back by a POS (Dutchie's login does that) is scrubbed even where no pattern matches.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    # keyring itself is imported where a store is made (`SecretStore()`), not with this module: loading it and
    # its backends costs more than a tenth of a second, and the window's first frame imports this module's
    # users (the context, the wizard's session) without touching a secret; the worker that opens the context
    # is the first to need one. [startup]
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "intake"
_SESSION_PREFIX = "session:"
_SESSION_INDEX = "session-index"
"""Keyrings cannot list their entries; this entry names the session keys so `forget` can find them."""

_MIN_REDACT_LEN = 4
"""Shorter values would blank out ordinary words and numbers all over the log, hiding more than they protect."""

T = TypeVar("T")


class SecretRegistry:
    """Every secret value seen in this process, in the forms it is likely to be logged in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._ordered: tuple[str, ...] = ()

    def add(self, value: str | None) -> None:
        if not value or len(value) < _MIN_REDACT_LEN:
            return
        # A password with "@" or a space appears URL-encoded in a form body, JSON-escaped in a payload dump.
        forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        with self._lock:
            if forms <= self._values:
                return
            self._values |= forms
            # Longest first, so a secret that contains another is replaced whole.
            self._ordered = tuple(sorted(self._values, key=len, reverse=True))

    def values(self) -> tuple[str, ...]:
        return self._ordered

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __len__(self) -> int:
        return len(self._ordered)

    def clear(self) -> None:
        """For tests; a running app never forgets what it must keep out of the log."""
        with self._lock:
            self._values.clear()
            self._ordered = ()


secret_registry = SecretRegistry()


def credential_account(pos_kind: str, api_base: str, username: str, field: str) -> str:
    """The keyring account of one credential field: POS kind, tenant, person, field.

    Never a secret: `username` is the public part of a person's login ("" where the POS signs in with a
    shop's keys), and `field` is the field's *name* ("password", "partner_key").
    """
    return f"{pos_kind}|{api_base.rstrip('/')}|{username}|{field}"


def usable_backend(ring: KeyringBackend) -> bool:
    """False for backends that store nothing (fail, null, an empty chain) or store plaintext on disk."""
    from keyring.backends import chainer, fail, null

    if isinstance(ring, fail.Keyring | null.Keyring):
        return False
    if isinstance(ring, chainer.ChainerBackend):
        chain = list(ring.backends)
        # The chain writes to its first member, so that one decides where a password would land.
        return bool(chain) and usable_backend(chain[0])
    module = type(ring).__module__
    return not module.startswith("keyrings.alt.file")


class SecretStore:
    """Passwords per account and POS session ids per key (the `SessionCache` protocol of pos/base.py)."""

    def __init__(self, service: str = SERVICE, *, backend: KeyringBackend | None = None) -> None:
        self.service = service
        self._lock = threading.RLock()
        self._memory: dict[str, str] = {}
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        ring = backend
        self._ring: KeyringBackend | None = ring if usable_backend(ring) else None
        if self._ring is None:
            log.warning(
                "No usable keyring (%s): passwords are kept in memory and asked each session",
                type(ring).__name__,
            )

    @property
    def persistent(self) -> bool:
        """Whether a saved password survives a restart; False means the UI must ask every session."""
        return self._ring is not None

    # -- passwords ------------------------------------------------------------------------------------------

    def get_password(self, account: str) -> str | None:
        value = self._get(account)
        secret_registry.add(value)
        return value

    def set_password(self, account: str, password: str) -> None:
        if not password:
            raise ValueError("refusing to store an empty password; use delete_password")
        secret_registry.add(password)
        self._set(account, password)

    def delete_password(self, account: str) -> None:
        self._delete(account)

    def forget(self, account: str) -> None:
        """The "forget me" action: this account's password and every cached POS session.

        Session keys are chosen by connectors and opaque here, so all of them go: a dropped session costs one
        login, while a session left behind after "forget" would let the next person at the station in.
        """
        with self._lock:
            self._delete(account)
            for key in self._session_keys():
                self._delete(_SESSION_PREFIX + key)
            self._delete(_SESSION_INDEX)

    # -- SessionCache ---------------------------------------------------------------------------------------

    def load(self, key: str) -> str | None:
        value = self._get(_SESSION_PREFIX + key)
        secret_registry.add(value)
        return value

    def save(self, key: str, value: str) -> None:
        secret_registry.add(value)
        with self._lock:
            self._set(_SESSION_PREFIX + key, value)
            keys = self._session_keys()
            if key not in keys:
                self._set(_SESSION_INDEX, json.dumps([*keys, key]))

    def clear(self, key: str) -> None:
        with self._lock:
            self._delete(_SESSION_PREFIX + key)
            keys = self._session_keys()
            if key in keys:
                keys.remove(key)
                if keys:
                    self._set(_SESSION_INDEX, json.dumps(keys))
                else:
                    self._delete(_SESSION_INDEX)

    # -- plumbing -------------------------------------------------------------------------------------------

    def _session_keys(self) -> list[str]:
        raw = self._get(_SESSION_INDEX)
        if not raw:
            return []
        try:
            keys = json.loads(raw)
        except ValueError:
            return []
        return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []

    def _get(self, account: str) -> str | None:
        return self._with_ring(
            lambda ring: ring.get_password(self.service, account),
            lambda: self._memory.get(account),
        )

    def _set(self, account: str, value: str) -> None:
        def in_memory() -> None:
            self._memory[account] = value

        self._with_ring(lambda ring: ring.set_password(self.service, account, value), in_memory)

    def _delete(self, account: str) -> None:
        from keyring.errors import PasswordDeleteError

        def in_ring(ring: KeyringBackend) -> None:
            # PasswordDeleteError: nothing stored under that name, i.e. already forgotten.
            with contextlib.suppress(PasswordDeleteError):
                ring.delete_password(self.service, account)

        self._memory.pop(account, None)
        self._with_ring(in_ring, lambda: None)

    def _with_ring(self, op: Callable[[KeyringBackend], T], fallback: Callable[[], T]) -> T:
        with self._lock:
            if self._ring is not None:
                try:
                    return op(self._ring)
                except Exception as exc:
                    # Only the type: a backend's message may quote what it was asked to store.
                    log.warning(
                        "Keyring %s failed (%s); keeping secrets in memory for this session",
                        type(self._ring).__name__,
                        type(exc).__name__,
                    )
                    self._ring = None
            return fallback()
