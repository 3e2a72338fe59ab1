"""Locations when nobody published the path: settings, the login answer, the table, then alternates."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from intake_gui.pos.dutchie.locations import ALTERNATE_PATHS, LocationsSource
from intake_gui.pos.errors import NotFound, PermissionDenied

TABLE = "user/get-locations"
ROW = {
    "LocId": 1989,
    "LocationName": "AZ",
    "State": "AZ",
    "LspId": 575,
    "OrgId": 7,
    "TimeZone": "America/Phoenix",
}


def not_found(kit: Any) -> httpx.Response:
    return kit.reply(404, {"Message": "No HTTP resource was found that matches the request URI."})


def test_the_table_path_is_used_and_reported(connect: Any, fake: Any) -> None:
    fake.data[TABLE] = [ROW]
    conn = connect()
    assert conn.locations_source is None
    (loc,) = conn.locations()
    assert loc.loc_id == 1989
    assert conn.locations_source == LocationsSource("table", TABLE)
    assert "built-in path (user/get-locations)" in conn.locations_source.describe()


def test_alternates_are_tried_in_order_after_404_and_remembered(
    connect: Any, fake: Any, kit: Any
) -> None:
    fake.script(TABLE, not_found(kit))
    fake.script(ALTERNATE_PATHS[0], not_found(kit))
    fake.data[ALTERNATE_PATHS[1]] = [ROW]
    conn = connect()
    assert [loc.loc_id for loc in conn.locations()] == [1989]
    assert conn.locations_source == LocationsSource("alternate", ALTERNATE_PATHS[1])
    tried = [s.path for s in fake.seen if s.path != "user/login"]
    assert tried == [TABLE, ALTERNATE_PATHS[0], ALTERNATE_PATHS[1]]
    # The next connector for the same tenant goes straight to what worked.
    other = connect()
    other.locations()
    assert [s.path for s in fake.seen if s.path != "user/login"][3:] == [ALTERNATE_PATHS[1]]
    assert other.locations_source == LocationsSource("alternate", ALTERNATE_PATHS[1])


def test_locations_from_the_login_answer_need_no_path(connect: Any, fake: Any, kit: Any) -> None:
    original = fake._login

    def login_with_locations(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        resp = original(request, body)
        payload = resp.json()
        payload["Data"]["Locations"] = [ROW, {**ROW, "LocId": 2001, "LocationName": "MI"}]
        return httpx.Response(200, json=payload, headers=resp.headers)

    fake._login = login_with_locations
    conn = connect()
    assert [loc.loc_id for loc in conn.locations()] == [1989, 2001]
    assert conn.locations_source == LocationsSource("login", None)
    assert all(s.path == "user/login" for s in fake.seen)


def test_a_settings_path_comes_first(connect: Any, fake: Any) -> None:
    fake.data["custom/my-stores"] = [ROW]
    fake.data[TABLE] = []
    conn = connect(locations_path="/custom/my-stores/")
    assert len(conn.locations()) == 1
    assert conn.locations_source == LocationsSource("settings", "custom/my-stores")
    assert "station settings" in conn.locations_source.describe()


def test_a_wrong_settings_path_says_so(connect: Any, fake: Any, kit: Any) -> None:
    fake.script("custom/nowhere", not_found(kit))
    fake.data[TABLE] = [ROW]
    with pytest.raises(NotFound) as info:
        connect(locations_path="custom/nowhere").locations()
    assert "station settings" in info.value.message and "custom/nowhere" in info.value.message


def test_no_path_found_names_every_path_tried(connect: Any, fake: Any, kit: Any) -> None:
    for path in (TABLE, *ALTERNATE_PATHS):
        fake.script(path, not_found(kit))
    with pytest.raises(NotFound) as info:
        connect().locations()
    for path in (TABLE, *ALTERNATE_PATHS):
        assert path in info.value.message
    assert "dutchie_locations_path" in info.value.message


def test_other_failures_are_not_masked_by_alternates(connect: Any, fake: Any, kit: Any) -> None:
    """Only "no such path" moves on; a permission refusal on the right path is the answer."""
    fake.script(TABLE, kit.reply(200, kit.envelope(result=False, message="User is not permitted")))
    with pytest.raises(PermissionDenied):
        connect().locations()
    assert not any(s.path in ALTERNATE_PATHS for s in fake.seen)
