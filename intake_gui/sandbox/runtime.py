"""Everything a running sandbox knows, shared by the Backoffice API and the admin API.

The persistent part (sessions, receives, packages) is in the store; the rest — current settings, armed
faults, rate-limit windows, request counters — lives here, in memory, and starts afresh with each run.
"""

from __future__ import annotations

import time
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import Any

from intake_gui.sandbox.catalog import Catalog, catalog_for
from intake_gui.sandbox.config import RUNTIME_SETTINGS, SandboxConfig
from intake_gui.sandbox.faults import Alternator, FaultEngine, RateLimiter
from intake_gui.sandbox.store import SandboxStore


class SandboxRuntime:
    def __init__(
        self, store: SandboxStore, config: SandboxConfig, *, catalog_dir: Path | None = None
    ) -> None:
        """`catalog_dir` keeps the generated catalogue between runs (see `catalog.catalog_for`)."""
        self.store = store
        self.initial_config = config
        self.config = config
        self._catalog_dir = catalog_dir
        self.faults = FaultEngine(config.faults)
        self.limiter = RateLimiter()
        self.session_form = Alternator()
        self.rate_form = Alternator()
        self.counters: defaultdict[str, defaultdict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )

    @cached_property
    def catalog(self) -> Catalog:
        """Loaded on first use (the first seeding, or a request that reads products), not at start: a
        station's first page needs locations only, and the 17k catalogue takes tens of ms to read."""
        return catalog_for(self.initial_config.product_count, self._catalog_dir)

    @classmethod
    def open(cls, data_dir: Path, config: SandboxConfig | None = None) -> SandboxRuntime:
        """Open the data dir, seeding it on first use; a second start reuses what is there."""
        config = config or SandboxConfig()
        store = SandboxStore(data_dir)
        runtime = cls(store, config, catalog_dir=data_dir)
        if not store.is_seeded():
            store.seed(runtime.catalog)
        return runtime

    def close(self) -> None:
        self.store.close()

    def bump(self, endpoint: str, what: str = "requests") -> None:
        self.counters[endpoint][what] += 1

    def update_config(self, changes: dict[str, Any]) -> SandboxConfig:
        """Change runtime settings; raises ValueError naming any setting that cannot change while running."""
        unknown = set(changes) - RUNTIME_SETTINGS
        if unknown:
            raise ValueError(f"not changeable at runtime: {', '.join(sorted(unknown))}")
        merged = {**self.config.model_dump(), **changes}
        self.config = SandboxConfig.model_validate(merged)
        return self.config

    def reset(self) -> None:
        """Back to the seed: data, sessions, counters, settings and faults as they were at start."""
        self.store.seed(self.catalog)
        self.config = self.initial_config
        self.faults = FaultEngine(self.initial_config.faults)
        self.limiter.clear()
        self.session_form.reset()
        self.rate_form.reset()
        self.counters.clear()

    def snapshot(self) -> dict[str, Any]:
        return {
            "counters": {ep: dict(c) for ep, c in sorted(self.counters.items())},
            "receives": self.store.count_receives(include_seeded=False),
            "receives_including_seed": self.store.count_receives(include_seeded=True),
            "packages": self.store.count_packages(),
            "sessions": self.store.count_sessions(),
            "config": self.config.model_dump(mode="json", exclude={"faults"}),
            "faults": self.faults.describe(),
            "time": time.time(),
        }
