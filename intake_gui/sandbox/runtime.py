"""Everything a running sandbox knows, shared by the Backoffice API and the admin API.

The persistent part (sessions, receives, packages) is in the store; the rest — current settings and
dialect, armed faults, rate-limit windows, mood counters, request counters — lives here, in memory, and
starts afresh with each run.
"""

from __future__ import annotations

import time
from collections import defaultdict
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from intake_gui.sandbox.catalog import Catalog, catalog_for, product_record, serialise
from intake_gui.sandbox.config import RUNTIME_SETTINGS, SandboxConfig
from intake_gui.sandbox.dialects import Dialect, business_ids, get_dialect
from intake_gui.sandbox.dialects.course import PRODUCT as COURSE_PRODUCT
from intake_gui.sandbox.faults import Alternator, FaultEngine
from intake_gui.sandbox.moods import Moods
from intake_gui.sandbox.rate_limit import RateLimiter
from intake_gui.sandbox.store import SandboxStore, SessionRow


@cache
def _dialect(name: str, withheld: tuple[str, ...]) -> Dialect:
    return get_dialect(name).withholding(withheld)


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
        self.moods = Moods()
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

    @property
    def dialect(self) -> Dialect:
        return _dialect(self.config.dialect, tuple(self.config.withhold_fields))

    def products_json(self) -> bytes:
        """The catalogue as the current dialect serves it. The course's shape is the catalogue's own, so
        it serves the cached bytes as they are; another dialect's rendering (a fifth of a second for 17k
        products) is kept on the catalogue, which every sandbox of the process shares."""
        dialect = self.dialect
        catalog = self.catalog
        cached = catalog.rendered.get(dialect.cache_key)
        if cached is None:
            if dialect.shapes["product"] == COURSE_PRODUCT and not dialect.ids.offsets.get(
                "product"
            ):
                cached = catalog.products_json
            else:
                cached = serialise(
                    [dialect.render("product", product_record(p)) for p in catalog.products]
                )
            catalog.rendered[dialect.cache_key] = cached
        return cached

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

    # -- sessions ----------------------------------------------------------------------------------

    def expire(self, session: SessionRow) -> None:
        """End a live session (ttl, call budget, a fault, the admin) and arm the relogin mood."""
        self.store.drop_session(session.session_id)
        self.moods.expired(session.user_id, self.config.relogin_refusals)

    def expire_all(self) -> int:
        rows = self.store.drop_all_sessions()
        for row in rows:
            self.moods.expired(row.user_id, self.config.relogin_refusals)
        return len(rows)

    # -- settings ----------------------------------------------------------------------------------

    def update_config(self, changes: dict[str, Any]) -> SandboxConfig:
        """Change runtime settings; raises ValueError naming any setting that cannot change while running.

        A new dialect brings its own mood presets (settings given earlier or now still win) and ends every
        session: the ids a client holds belong to the old dialect's id space."""
        unknown = set(changes) - RUNTIME_SETTINGS
        if unknown:
            raise ValueError(f"not changeable at runtime: {', '.join(sorted(unknown))}")
        previous = self.config
        merged = {
            **previous.given(),
            **changes,
            "faults": previous.model_dump(mode="json")["faults"],
        }
        self.config = SandboxConfig.model_validate(merged)
        if self.config.dialect != previous.dialect:
            self.store.drop_all_sessions()
            self.limiter.clear()
            self.moods.clear()
        return self.config

    def reset(self) -> None:
        """Back to the seed: data, sessions, counters, settings and faults as they were at start."""
        self.store.seed(self.catalog)
        self.config = self.initial_config
        self.faults = FaultEngine(self.initial_config.faults)
        self.limiter.clear()
        self.moods.clear()
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
            "dialect": self.config.dialect,
            "config": self.config.model_dump(mode="json", exclude={"faults"}),
            "faults": self.faults.describe(),
            "moods": self.moods.describe(),
            "time": time.time(),
        }

    def business(self) -> dict[str, Any]:
        """The current dialect's ids of the business objects tests name (see `dialects.business`)."""
        from dataclasses import asdict

        return asdict(business_ids(self.config.dialect))
