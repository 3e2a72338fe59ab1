"""Property tests: rows of all three POS wires read whatever their keys' casing, with random extra keys,
optional keys left out, and every supported date format; the read never fails and keeps what it needs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_gui.domain.store_time import to_store_local
from intake_gui.pos.blaze import wire as blaze
from intake_gui.pos.dutchie import wire as dutchie
from intake_gui.pos.indica import wire as indica
from intake_gui.pos.tolerant import known_names, norm, read_rows

TZ = "America/Phoenix"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _words(key: str) -> list[str]:
    return re.findall(r"[A-Z]+(?=[A-Z][a-z]|\b|_|\d)|[A-Z]?[a-z]+|[A-Z]+|\d+", key)


CASINGS = {
    "as is": lambda k: k,
    "Pascal": lambda k: "".join(w.capitalize() for w in _words(k)),
    "camel": lambda k: (lambda ws: ws[0].lower() + "".join(w.capitalize() for w in ws[1:]))(
        _words(k)
    ),
    "snake": lambda k: "_".join(w.lower() for w in _words(k)),
    "UPPER": lambda k: "_".join(w.upper() for w in _words(k)),
    "kebab": lambda k: "-".join(w.lower() for w in _words(k)),
}


# ---- dates in every format the reader knows, with the store wall time each must give ------------


def _utc_wall(instant: datetime) -> datetime:
    return to_store_local(instant, TZ)


def _ampm(dt: datetime, seconds: bool) -> str:
    hour = dt.hour % 12 or 12
    tail = f":{dt.second:02}" if seconds else ""
    return f"{dt.month:02}/{dt.day:02}/{dt.year} {hour}:{dt.minute:02}{tail} {'pm' if dt.hour >= 12 else 'am'}"


RENDER = {
    "ISO local": lambda dt: (dt.isoformat(timespec="seconds"), dt),
    "ISO Z": lambda dt: (
        dt.isoformat(timespec="milliseconds") + "Z",
        _utc_wall(dt.replace(tzinfo=UTC)),
    ),
    "ISO offset": lambda dt: (
        dt.replace(tzinfo=timezone(timedelta(hours=-4))).isoformat(),
        _utc_wall(dt.replace(tzinfo=timezone(timedelta(hours=-4)))),
    ),
    ".NET 7 digits": lambda dt: (f"{dt:%Y-%m-%dT%H:%M:%S}.1234567", dt.replace(microsecond=123456)),
    "web UI": lambda dt: (_ampm(dt, False), dt.replace(second=0)),
    "web UI seconds": lambda dt: (_ampm(dt, True), dt),
    "date only": lambda dt: (
        dt.date().isoformat(),
        datetime.combine(dt.date(), datetime.min.time()),
    ),
    "US date": lambda dt: (f"{dt:%m/%d/%Y}", datetime.combine(dt.date(), datetime.min.time())),
    "/Date()/": lambda dt: (
        f"/Date({int(dt.replace(tzinfo=UTC).timestamp() * 1000)})/",
        _utc_wall(dt.replace(tzinfo=UTC)),
    ),
    "epoch ms": lambda dt: (
        int(dt.replace(tzinfo=UTC).timestamp() * 1000),
        _utc_wall(dt.replace(tzinfo=UTC)),
    ),
    "epoch ms text": lambda dt: (
        str(int(dt.replace(tzinfo=UTC).timestamp() * 1000)),
        _utc_wall(dt.replace(tzinfo=UTC)),
    ),
}
instants = st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda dt: dt.replace(microsecond=0)
)
dates = st.tuples(st.sampled_from(sorted(RENDER)), instants).map(lambda p: RENDER[p[0]](p[1]))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


def extra_keys(model: type) -> st.SearchStrategy[dict[str, Any]]:
    """Keys that name none of the model's fields under any spelling (a tenant's other data)."""
    taken = known_names(model)
    key = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=14)
    return st.dictionaries(key.filter(lambda k: norm(k) not in taken), json_values, max_size=6)


@st.composite
def rows(
    draw: st.DrawFn,
    model: type,
    essential: dict[str, Any],
    optional: dict[str, Any],
    date_key: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(the row as sent, the canonical fields it holds, the expected store wall time or None)."""
    case = CASINGS[draw(st.sampled_from(sorted(CASINGS)))]
    kept = {k: v for k, v in optional.items() if draw(st.booleans())}
    expected_when = None
    if date_key is not None and draw(st.booleans()):
        raw, expected_when = draw(dates)
        kept[date_key] = raw
    canonical = {**essential, **kept}
    row = {**draw(extra_keys(model)), **{case(k): v for k, v in canonical.items()}}
    return row, canonical, expected_when


def _one(model: type, row: dict[str, Any]) -> Any:
    out = read_rows(model, [row], "property")
    assert len(out) == 1, out.report.findings()
    assert out.report.skipped == 0
    return out[0]


# ---- Dutchie -------------------------------------------------------------------------------------


@FAST
@given(
    rows(
        dutchie.WireHistoryRow,
        {"ReceiveInventoryHistoryId": 1379127},
        {"VendorId": "39195", "VendorName": "PALOMINO", "OrderTitle": "INV [IN-1]", "Status": "Received",
         "Products": [{}, {}], "TotalQuantity": "6.000"},
        date_key="ReceivedDate",
    )
)  # fmt: skip
def test_dutchie_history_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, when = case
    got = _one(dutchie.WireHistoryRow, row).to_domain(TZ)
    assert got.receipt_id == 1379127
    assert got.received_at == when
    if "Products" in canonical:
        assert got.product_count == 2
    if "VendorId" in canonical:
        assert got.vendor_id == 39195


@FAST
@given(
    rows(
        dutchie.WirePackage,
        {"PackageId": 880001, "Quantity": "3", "Sku": "3B4791"},
        {"ProductId": 11484902, "RoomId": 24772, "RoomName": "Sales Floor", "Label": "PKG-1",
         "BatchName": "LOT", "ReceiveInventoryHistoryId": "1379127", "ExpirationDate": "03/31/2027"},
        date_key="ReceivedDate",
    )
)  # fmt: skip
def test_dutchie_package_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, when = case
    got = _one(dutchie.WirePackage, row).to_domain(TZ)
    assert (got.package_id, got.quantity, got.sku) == (880001, Decimal(3), "3B4791")
    assert got.received_at == when
    if "ExpirationDate" in canonical:
        assert got.expiration is not None and got.expiration.isoformat() == "2027-03-31"


@FAST
@given(
    rows(
        dutchie.WireLocation,
        {"LocId": 1989},
        {"LocationName": "AZ", "State": "AZ", "LspId": 575, "OrgId": "7", "TimeZone": "US Mountain Standard Time"},
    )
)  # fmt: skip
def test_dutchie_location_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, _ = case
    got = _one(dutchie.WireLocation, row).to_domain(
        lsp_fallback=575, station_zone="America/Chicago"
    )
    assert got.loc_id == 1989 and got.lsp_id == 575
    if "TimeZone" in canonical or "State" in canonical:
        assert got.timezone == "America/Phoenix"
    else:
        assert got.timezone == "America/Chicago" and got.zone_source == "station"


@FAST
@given(
    rows(
        dutchie.WireProduct,
        {"ProductId": 11484902, "Sku": "3B4791"},
        {"ProductName": "Joint", "BrandName": "TC", "Category": "Pre-Roll", "UnitCost": "4.10",
         "UnitId": "1", "Upc": "036000291452", "IsCannabis": "no"},
    )
)  # fmt: skip
def test_dutchie_product_rows_both_paths(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, _ = case
    plain = _one(dutchie.WireProduct, row).to_domain()
    (fast,) = dutchie.parse_products([row])
    assert fast == plain
    assert (plain.product_id, plain.sku) == (11484902, "3B4791")
    assert plain.unit_cost == (Decimal("4.10") if "UnitCost" in canonical else None)
    assert plain.is_cannabis is ("IsCannabis" not in canonical)


@FAST
@given(
    rows(
        dutchie.WireSellable,
        {"ProductId": 11484902, "Quantity": 3},
        {"Sku": "3B4791", "ProductName": "Joint", "RoomId": "24772", "RoomName": "Sales Floor"},
    )
)  # fmt: skip
def test_dutchie_sellable_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, _, _ = case
    got = _one(dutchie.WireSellable, row).to_domain()
    assert (got.product_id, got.quantity) == (11484902, Decimal(3))


# ---- BLAZE ---------------------------------------------------------------------------------------


@FAST
@given(
    rows(
        blaze.Batch,
        {"id": "b-1", "productId": "p-1"},
        {"shopId": "s-1", "vendorId": "v-1", "sku": "3B4791", "quantity": "ZERO", "poNumber": "INV [IN-1]",
         "trackPackageLabel": "PKG", "lotId": "LOT", "roomId": "i-1", "expirationDate": 1798675200000},
        date_key="purchasedDate",
    )
)  # fmt: skip
def test_blaze_batch_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, when = case
    got = _one(blaze.Batch, row)
    assert (got.id, got.productId, got.quantity) == ("b-1", "p-1", Decimal(0))
    assert (got.purchasedDate is not None) == (when is not None)
    if "expirationDate" in canonical:
        assert got.expirationDate == 1798675200000


@FAST
@given(
    rows(
        blaze.Shop,
        {"id": "s-1"},
        {"name": "Tempe", "timeZone": "America/Phoenix", "address": {"STATE": "AZ", "city": "Tempe"}},
    )
)  # fmt: skip
def test_blaze_shop_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, _ = case
    location = blaze.to_location(
        _one(blaze.Shop, row), blaze.IdBook(), station_zone="America/Chicago"
    )
    expected = "America/Phoenix" if {"timeZone", "address"} & set(canonical) else "America/Chicago"
    assert location.timezone == expected


@FAST
@given(
    rows(
        blaze.BlazeProduct,
        {"id": "p-1"},
        {"sku": "3B4791", "name": "Joint", "brandName": "TC", "cost": "4.10", "upc": "036000291452",
         "category": {"name": "Pre-Roll", "cannabis": "false"}, "active": "true", "deleted": 0},
    )
)  # fmt: skip
def test_blaze_product_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, _ = case
    product = blaze.to_product(_one(blaze.BlazeProduct, row), blaze.IdBook())
    assert product.unit_cost == (Decimal("4.10") if "cost" in canonical else None)
    assert product.is_cannabis is ("category" not in canonical)


# ---- IndicaOnline --------------------------------------------------------------------------------


@FAST
@given(rows(indica.Office, {"id": 12}, {"name": "Downtown", "state": "CO", "timezone": "MST"}))
def test_indica_office_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, _ = case
    location = indica.to_location(_one(indica.Office, row), station_zone="America/Chicago")
    expected = "America/Denver" if {"state", "timezone"} & set(canonical) else "America/Chicago"
    if canonical.keys() >= {"timezone"} and "state" not in canonical:
        expected = "Etc/GMT+7"  # MST alone: Denver or Phoenix, so only the fixed offset is safe
    assert location.timezone == expected


@FAST
@given(
    rows(
        indica.IndicaProduct,
        {"id": 7},
        {"name": "Gummies", "sku": "G-1", "barcode": "036000291452", "brand": "B", "is_cannabis": "1"},
    )
)  # fmt: skip
def test_indica_product_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, _, _ = case
    assert indica.to_product(_one(indica.IndicaProduct, row)).product_id == 7


@FAST
@given(
    rows(
        indica.IndicaPackage,
        {"id": 501},
        {"uid": "1A4", "batch_id": "LOT", "measurement": "unit", "available_quantity": {"unit": "4"},
         "best_by": "2027-03-31T00:00:00"},
        date_key="check_in_date",
    )
)  # fmt: skip
def test_indica_package_rows(case: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    row, canonical, when = case
    got = _one(indica.IndicaPackage, row)
    assert got.id == 501
    if when is not None:
        assert got.check_in_date is not None
    if "available_quantity" in canonical:
        assert indica.to_package(got).quantity == Decimal(4)
