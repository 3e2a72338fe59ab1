from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from intake_gui.domain.models import Product
from intake_gui.store.catalog_cache import CatalogCache

KEY = "dutchie:575:http://127.0.0.1:8123/api/"
SYNCED = datetime(2026, 4, 18, 15, 30, tzinfo=UTC)


def _products(n: int = 50) -> list[Product]:
    return [
        Product(
            product_id=11484902 + i,
            sku=f"3B{i:04d}",
            name=f"Tommy Chong Joint (H) “{i}”",
            brand="Tommy Chong's",
            category="Pre-Roll",
            unit_cost=Decimal("4.25") if i % 2 else None,
            gtin=f"{i:014d}" if i % 3 else "",
            unit_id=1 + i % 3,
            is_cannabis=bool(i % 5),
        )
        for i in range(n)
    ]


@pytest.fixture
def cache(tmp_path: Path) -> CatalogCache:
    return CatalogCache(tmp_path / "catalog")


def test_round_trip(cache: CatalogCache) -> None:
    products = _products()
    cache.save(KEY, products, synced_at=SYNCED, duration_s=3.25)
    loaded = cache.load(KEY)
    assert loaded is not None
    assert loaded.products == products
    assert loaded.products[1].unit_cost == Decimal("4.25")
    assert loaded.synced_at == SYNCED
    assert loaded.duration_s == 3.25
    assert loaded.count == 50


def test_missing_is_none(cache: CatalogCache) -> None:
    assert cache.load(KEY) is None


def test_keys_do_not_collide(cache: CatalogCache) -> None:
    cache.save("dutchie:575", _products(2), synced_at=SYNCED, duration_s=1)
    cache.save("dutchie_575", _products(3), synced_at=SYNCED, duration_s=1)
    assert cache.load("dutchie:575").count == 2  # type: ignore[union-attr]
    assert cache.load("dutchie_575").count == 3  # type: ignore[union-attr]


def test_naive_sync_time_is_utc(cache: CatalogCache) -> None:
    cache.save(KEY, [], synced_at=datetime(2026, 4, 18, 15, 30), duration_s=0.1)
    assert cache.load(KEY).synced_at == SYNCED  # type: ignore[union-attr]


@pytest.mark.parametrize("mangle", ["truncate", "garbage", "wrong_type"])
def test_corrupt_file_is_none_and_logged(
    cache: CatalogCache, mangle: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache.save(KEY, _products(), synced_at=SYNCED, duration_s=1)
    (path,) = [p for p in cache.directory.iterdir() if not p.name.endswith(".status.json")]
    raw = path.read_bytes()
    path.write_bytes(
        {
            "truncate": raw[: len(raw) // 2],
            "garbage": b"\x00\x01 not json",
            "wrong_type": raw.replace(b'"product_id":11484902', b'"product_id":"eleven"'),
        }[mangle]
    )
    with caplog.at_level(logging.WARNING):
        assert cache.load(KEY) is None
    assert "unreadable" in caplog.text


def test_writes_leave_no_temp_files(cache: CatalogCache) -> None:
    for _ in range(3):
        cache.save(KEY, _products(5), synced_at=SYNCED, duration_s=1)
    cache.record_sync_error(KEY, "boom")
    assert len(list(cache.directory.iterdir())) == 2
    assert not [p for p in cache.directory.iterdir() if p.name.endswith(".tmp")]


def test_sync_status_for_the_dashboard(tmp_path: Path) -> None:
    t = [datetime(2026, 4, 18, 16, 0, tzinfo=UTC)]
    cache = CatalogCache(tmp_path, clock=lambda: t[0])
    empty = cache.sync_status(KEY)
    assert (empty.last_sync, empty.records, empty.error_count, empty.last_error) == (
        None,
        0,
        0,
        None,
    )

    cache.save(KEY, _products(7), synced_at=SYNCED, duration_s=2.5)
    cache.record_sync_error(KEY, "Too many requests - only 60 per minute allowed")
    t[0] += timedelta(minutes=5)
    cache.record_sync_error(KEY, "Could not reach the POS.")
    st = cache.sync_status(KEY)
    assert st.last_sync == SYNCED
    assert st.records == 7
    assert st.duration_s == 2.5
    assert st.last_error == "Could not reach the POS."
    assert st.last_error_at == t[0]
    assert (st.error_count, st.consecutive_errors) == (2, 2)

    cache.save(KEY, _products(9), synced_at=SYNCED + timedelta(hours=1), duration_s=1.5)
    st = cache.sync_status(KEY)
    assert (st.records, st.error_count, st.consecutive_errors) == (9, 2, 0)
    assert st.last_sync == SYNCED + timedelta(hours=1)
    assert cache.sync_status("other").records == 0


def test_unreadable_status_starts_afresh(cache: CatalogCache) -> None:
    cache.record_sync_error(KEY, "x")
    (status,) = cache.directory.iterdir()
    status.write_text("{")
    assert cache.sync_status(KEY).error_count == 0
    cache.record_sync_error(KEY, "y")
    assert cache.sync_status(KEY).error_count == 1
