"""Finding the locations a Backoffice login may use, when nobody has published the path.

Why: every other Backoffice path Intake calls is in the course or in public integrations; "the locations of
this user" is not. The endpoint table's `user/get-locations` is our choice (the sandbox serves it), so a
real tenant may answer 404. Rather than fail at the first screen, the connector tries, in order:

1. the path from the station settings, when IT has set one (`dutchie_locations_path`);
2. the login answer itself, when it carries a list of locations (some tenants return them there);
3. the endpoint table's path;
4. a short list of plausible alternates, each only after the one before answered 404 (or 405).

Whatever worked is remembered for the connector's lifetime (and for every connector of the same tenant in
this process), and `LocationsSource` says which it was so `intake doctor` can report it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from intake_gui.domain.models import Location
from intake_gui.pos.dutchie.envelope import summarize
from intake_gui.pos.dutchie.wire import read_locations
from intake_gui.pos.errors import InvalidRequest, MalformedResponse, NotFound

log = logging.getLogger(__name__)

ALTERNATE_PATHS: tuple[str, ...] = (
    "user/get-user-locations",
    "v2/user/get-locations",
    "location/get-locations",
    "v2/location/get-locations",
)
"""Guesses, shaped like the known paths (`<area>/get-<things>`, with and without `v2/`); tried only after
404s, so a tenant that serves the table's path never sees them."""

LOGIN_LIST_KEYS: tuple[str, ...] = (
    "Locations",
    "locations",
    "UserLocations",
    "userLocations",
    "LocationList",
    "AllowedLocations",
    "Stores",
)
"""Keys under which a login answer may list the user's locations."""

SourceKind = Literal["settings", "login", "table", "alternate"]


@dataclass(frozen=True)
class LocationsSource:
    """Where the locations came from. `path` is None when they came from the login answer."""

    kind: SourceKind
    path: str | None

    def describe(self) -> str:
        where = {
            "settings": "the path set in the station settings",
            "login": "the login answer",
            "table": "Intake's built-in path",
            "alternate": "an alternate path Intake tried after the built-in one was not found",
        }[self.kind]
        return f"{where} ({self.path})" if self.path else where


_remembered: dict[str, LocationsSource] = {}
_remembered_lock = threading.Lock()


def rows_in_login(login_data: dict[str, Any] | None) -> list[Any] | None:
    """The location rows in a login answer's Data, or None when it lists none."""
    if not login_data:
        return None
    for key in LOGIN_LIST_KEYS:
        rows = login_data.get(key)
        if isinstance(rows, list) and rows:
            return rows
    return None


class LocationFinder:
    """Tries the sources above for one tenant and remembers what worked.

    `read(path)` is the connector's read of a locations path (returns Data); it raises `NotFound` for 404.
    """

    def __init__(
        self,
        tenant_key: str,
        table_path: str,
        override: str | None,
        lsp_fallback: Callable[[], int | None] = lambda: None,
    ) -> None:
        self._tenant = tenant_key
        self._table = table_path
        self._override = (override or "").strip().strip("/") or None
        self.source: LocationsSource | None = None
        self._lsp_fallback = lsp_fallback

    def candidates(self) -> Sequence[LocationsSource]:
        out = []
        if self._override:
            out.append(LocationsSource("settings", self._override))
        out.append(LocationsSource("table", self._table))
        out.extend(LocationsSource("alternate", p) for p in ALTERNATE_PATHS if p != self._table)
        return out

    def find(
        self, read: Callable[[str], Any], login_data: Callable[[], dict[str, Any] | None]
    ) -> list[Location]:
        with _remembered_lock:
            known = _remembered.get(self._tenant)
        if known is not None and known.path is not None and self._allowed(known):
            return self._use(known, read(known.path))
        # The login answer: only when no settings override asks for a path explicitly.
        if self._override is None:
            rows = rows_in_login(login_data())
            if rows is not None:
                try:
                    found = self._parse(rows, "login answer")
                except MalformedResponse as exc:
                    log.info(
                        "Locations in the login answer are unreadable (%s); trying paths",
                        exc.detail,
                    )
                else:
                    self._remember(LocationsSource("login", None))
                    return found
        missing: list[str] = []
        for source in self.candidates():
            assert source.path is not None
            try:
                data = read(source.path)
            except (NotFound, InvalidRequest) as exc:
                if isinstance(exc, InvalidRequest) and exc.status != 405:
                    raise  # 405: the path exists for another method only, so it is not this one
                missing.append(source.path)
                log.info("Locations path %s: %s; trying the next", source.path, type(exc).__name__)
                if source.kind == "settings":
                    raise NotFound(
                        f"The locations path set in the station settings ({source.path}) does not exist "
                        "on this POS. Clear the setting or correct it.",
                        detail=exc.detail,
                        endpoint=source.path,
                        status=exc.status,
                    ) from None
                continue
            return self._use(source, data)
        raise NotFound(
            "This POS lists its locations at none of the paths Intake knows "
            f"({', '.join(missing)}). IT can set the right one in the station settings "
            "(dutchie_locations_path).",
            detail="locations: 404 from " + ", ".join(missing),
            endpoint=self._table,
            status=404,
        )

    def _allowed(self, known: LocationsSource) -> bool:
        """A remembered source still applies unless a settings override now names another path."""
        return self._override is None or known.path == self._override

    def _use(self, source: LocationsSource, data: Any) -> list[Location]:
        found = self._parse(data, source.path or "login answer")
        self._remember(source)
        return found

    def _remember(self, source: LocationsSource) -> None:
        if self.source != source:
            log.info("Locations come from %s", source.describe())
        self.source = source
        with _remembered_lock:
            _remembered[self._tenant] = source

    def _parse(self, data: Any, where: str) -> list[Location]:
        try:
            return read_locations(data, where, lsp_fallback=self._lsp_fallback())
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise MalformedResponse(detail=f"{where}: {summarize(exc)}", endpoint=where) from None


def forget_remembered() -> None:
    """For tests: forget what worked for every tenant."""
    with _remembered_lock:
        _remembered.clear()
