"""Which fault, if any, hits the next request — and the deterministic counters that make the sandbox's
"either form" answers (401 or 200 for a dead session, 429 or 200 for the rate limit) repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from intake_gui.sandbox.config import FaultRule


@dataclass
class _Armed:
    rule: FaultRule
    remaining: int
    rng: random.Random = field(repr=False)
    fired: int = 0


class FaultEngine:
    """The active fault rules, in order. The first armed rule whose endpoint matches and whose
    probability roll succeeds fires; at most one fault hits a request."""

    def __init__(self, rules: Iterable[FaultRule] = ()) -> None:
        self._armed: list[_Armed] = []
        self.replace(rules)

    def replace(self, rules: Iterable[FaultRule]) -> None:
        self._armed = []
        for rule in rules:
            self.add(rule)

    def add(self, rule: FaultRule) -> None:
        self._armed.append(_Armed(rule, rule.times, random.Random(rule.seed)))

    def clear(self) -> None:
        self._armed = []

    def pick(self, endpoint: str) -> FaultRule | None:
        for armed in self._armed:
            if armed.remaining == 0:
                continue
            target = armed.rule.endpoint.strip("/").lower()
            if target not in ("*", endpoint):
                continue
            if armed.rule.probability < 1.0 and armed.rng.random() >= armed.rule.probability:
                continue
            if armed.remaining > 0:
                armed.remaining -= 1
            armed.fired += 1
            return armed.rule
        return None

    def describe(self) -> list[dict[str, Any]]:
        return [
            {**a.rule.model_dump(mode="json"), "remaining": a.remaining, "fired": a.fired}
            for a in self._armed
        ]


class Alternator:
    """Flips between two answers on every use, starting with the first: deterministic, yet a client
    that only handles one form fails within two tries."""

    def __init__(self) -> None:
        self._n = 0

    def next_is_first(self) -> bool:
        first = self._n % 2 == 0
        self._n += 1
        return first

    def reset(self) -> None:
        self._n = 0
