"""A small client for the admin API, so tests and the CLI drive a sandbox without knowing its URLs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from intake_gui.sandbox.config import FaultRule


def _rule(rule: FaultRule | Mapping[str, Any]) -> dict[str, Any]:
    model = rule if isinstance(rule, FaultRule) else FaultRule.model_validate(rule)
    return model.model_dump(mode="json")


class SandboxAdmin:
    def __init__(self, root_url: str, *, timeout: float = 10.0) -> None:
        self._http = httpx.Client(base_url=root_url.rstrip("/") + "/_admin/", timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        response = self._http.request(method, path, json=payload)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict[str, Any]:
        """Counters per endpoint, numbers of receives, packages and sessions, settings, armed faults."""
        return self._call("GET", "state")

    def receives(self, *, include_seeded: bool = False) -> list[dict[str, Any]]:
        """Every receive committed through the API (and the seed history if asked), oldest first."""
        return self._call("GET", "receives" + ("?include_seeded=1" if include_seeded else ""))

    def set_faults(self, rules: Iterable[FaultRule | Mapping[str, Any]]) -> list[dict[str, Any]]:
        return self._call("POST", "faults", [_rule(r) for r in rules])["faults"]

    def add_fault(self, rule: FaultRule | Mapping[str, Any]) -> list[dict[str, Any]]:
        return self._call("POST", "faults/add", _rule(rule))["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change settings of the running sandbox (any of `config.RUNTIME_SETTINGS`: the dialect, the
        moods, `history_max_days`); returns them all. None values are left out, so a caller can pass
        optional settings through. A new dialect ends every session (the ids a client holds change)."""
        changes = {k: v for k, v in settings.items() if v is not None}
        return self._call("POST", "config", changes)

    def set_dialect(self, name: str) -> dict[str, Any]:
        return self.configure(dialect=name)

    def business(self) -> dict[str, Any]:
        """The current dialect's ids of the business objects (`dialects.BusinessIds` as a dict)."""
        return self._call("GET", "business")

    def dialects(self) -> dict[str, Any]:
        """{"current": name, "dialects": [{"name", "summary", "moods"}, ...]}."""
        return self._call("GET", "dialects")

    def expire_sessions(self) -> int:
        return int(self._call("POST", "expire-sessions")["expired"])

    def reset(self) -> None:
        """Back to the seed state, with the settings and faults the sandbox started with."""
        self._call("POST", "reset")
