"""The other POS emulators, mounted beside the Dutchie one so one embedded sandbox serves every POS kind.

Each driver's `SandboxMount` says where its emulator lives and which factory builds it; a driver whose
emulator is the sandbox's own root app (Dutchie) has no factory and needs no mount.

Each emulator is built on the first request under its prefix, not when the sandbox starts: building them
(the IndicaOnline seed, the BLAZE shops) costs about half a second of pure Python, and a Dutchie station, the
common case, never sends them a request. A BLAZE or IndicaOnline station pays that once, on its login.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from pathlib import Path
from typing import Any, cast

from intake_gui.pos.descriptor import Ref
from intake_gui.pos.registry import registry

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LazyApp:
    """An ASGI app that builds the real one on its first call and hands every call to it."""

    def __init__(self, factory: Callable[[], AsgiApp]) -> None:
        self._factory = factory
        self._app: AsgiApp | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._app is not None

    @property
    def app(self) -> AsgiApp:
        """The emulator itself, built now if no request has needed it yet (tests inspect its state)."""
        app = self._app
        if app is None:
            # A lock, not just the event loop: a test may reach for `app` from its own thread.
            with self._lock:
                if self._app is None:
                    self._app = self._factory()
                app = self._app
        return app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def extra_mounts(sandbox_dir: Path) -> dict[str, AsgiApp]:
    """`/<path>` -> the lazily built emulator of every registered driver that brings one."""
    mounts: dict[str, AsgiApp] = {}
    for driver in registry:
        mount = driver.sandbox
        if mount is None or mount.app is None:
            continue
        data_dir = sandbox_dir / driver.kind
        mounts["/" + mount.path.strip("/")] = LazyApp(partial(_build, mount.app, data_dir))
    return mounts


def _build(app: Ref | Callable[[Path], Any], data_dir: Path) -> AsgiApp:
    if isinstance(app, str):
        module, _, name = app.partition(":")
        app = getattr(importlib.import_module(module), name)
    assert callable(app)
    return cast(AsgiApp, app(data_dir))
