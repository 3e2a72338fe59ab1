"""A catalog set aside from the garbage collector is still freed when it is replaced, and is not walked."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.models import Product
from intake_gui.services.heap import set_aside


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
