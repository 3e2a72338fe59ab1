"""A catalog set aside from the garbage collector is still freed when it is replaced, and is not walked."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.models import Product
from intake_gui.services.heap import collect_when_quiet, set_aside


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


def _catalog(n: int) -> CatalogIndex:
    return CatalogIndex(
        [Product(product_id=i, sku=f"S{i:05d}", name=f"P{i}", brand="B") for i in range(1, n + 1)]
    )


def test_a_catalog_set_aside_is_out_of_the_collectors_walks() -> None:
    catalog = _catalog(2_000)
    before = gc.get_freeze_count()
    set_aside("the catalog")
    assert gc.get_freeze_count() >= before + 2_000
    assert len(catalog) == 2_000


def test_a_replaced_catalog_set_aside_is_freed_all_the_same() -> None:
    catalog = _catalog(2_000)
    set_aside("the catalog")
    gone = weakref.ref(catalog)
    del catalog
    assert gone() is None, "the catalog outlived its last reference (a cycle among frozen objects)"


class _Collections:
    """Counts the collector's runs by generation (gc.callbacks)."""

    def __init__(self) -> None:
        self.runs: list[int] = []

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.runs.append(info["generation"])


@pytest.fixture
def collections() -> Iterator[_Collections]:
    seen = _Collections()
    gc.callbacks.append(seen)
    yield seen
    gc.callbacks.remove(seen)


def test_nothing_is_collected_when_no_collection_is_near(collections: _Collections) -> None:
    gc.collect()  # every count starts again
    assert collect_when_quiet() is None
    assert collections.runs == [2]  # only the set-up's own


def test_the_young_generation_is_collected_once_half_its_allocations_are_in(
    collections: _Collections,
) -> None:
    young_due, _, _ = gc.get_threshold()
    gc.collect()
    kept = [[] for _ in range(young_due // 2 - 100)]
    assert collect_when_quiet() is None, "collected before half the allocations were in"
    kept += [[] for _ in range(150)]
    collections.runs.clear()
    assert collect_when_quiet() == 0
    assert collections.runs == [0]
    assert len(kept) == young_due // 2 + 50


def test_the_middle_generation_is_collected_once_half_its_young_runs_are_in(
    collections: _Collections,
) -> None:
    _, middle_due, _ = gc.get_threshold()
    gc.collect()
    for _ in range(middle_due // 2 - 1):
        gc.collect(0)
    assert collect_when_quiet() is None, "collected before half the young runs were in"
    gc.collect(0)
    collections.runs.clear()
    assert collect_when_quiet() == 1
    assert collections.runs == [1]
    assert gc.get_count()[1] == 0, "the young runs did not start again"


def test_everything_is_collected_when_the_middle_generation_has_run_often_enough(
    collections: _Collections,
) -> None:
    _, _, full_due = gc.get_threshold()
    gc.collect()
    for _ in range(full_due):
        gc.collect(1)
    collections.runs.clear()
    assert collect_when_quiet() == 2
    assert collections.runs == [2]
    assert gc.get_count()[1:] == (0, 0)


def test_a_disabled_collector_is_left_alone(collections: _Collections) -> None:
    gc.collect()
    for _ in range(20):
        gc.collect(0)
    gc.disable()
    try:
        collections.runs.clear()
        assert collect_when_quiet() is None
        assert collections.runs == []
    finally:
        gc.enable()
