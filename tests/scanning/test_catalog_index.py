"""CatalogIndex: lookups by every code a label can carry, ambiguity, saved mappings, and type-ahead search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from intake_gui.domain.barcode import interpret
from intake_gui.domain.catalog_index import CatalogIndex

from .conftest import CATALOG, TAG


def names(products):
    return [p.name for p in products]


def test_lookup_by_sku_is_case_and_space_insensitive(index):
    assert index.lookup(interpret("3b4791")).product_id == 1
    assert index.lookup(interpret(" gum-10 ")).product_id == 2
    assert index.by_sku("cart-1").product_id == 3


def test_every_gtin_form_reaches_the_product(index):
    for raw in ("012345678905", "0012345678905", "00012345678905", "]E00012345678905"):
        assert index.lookup(interpret(raw)).product_id == 1, raw
    assert index.lookup(interpret("96385074")).product_id == 5, "EAN-8"
    assert index.lookup(interpret("]C1010001234567890510LOT1")).product_id == 1, (
        "GS1 carries the GTIN"
    )


def test_catalog_gtin_stored_short_still_matches():
    from .conftest import product

    ix = CatalogIndex([product(1, "A", "Short GTIN", gtin="012345678905")])
    assert ix.lookup(interpret("0012345678905")).product_id == 1
    assert ix.by_gtin("00012345678905").product_id == 1


def test_upc_kept_in_sku_field_matches_scans(index):
    assert index.lookup(interpret("012345000065")).product_id == 4
    assert index.lookup(interpret("01234565")).product_id == 4, "the UPC-E form of the same UPC"


def test_package_tag_through_saved_mapping(index):
    match = index.resolve(interpret(TAG.lower()))
    assert (match.product.product_id, match.via) == (3, "code")


def test_shared_gtin_is_ambiguous_never_a_guess(index):
    match = index.resolve(interpret("614141123452"))
    assert match.ambiguous
    assert {p.product_id for p in match.products} == {7, 8}
    assert match.product is None
    assert index.lookup(interpret("614141123452")) is None
    assert index.by_gtin("00614141123452") is None


def test_invalid_code_matches_only_an_exact_sku():
    from .conftest import product

    bad = interpret("123456789013")  # wrong UPC-A check digit
    assert not bad.valid
    with_sku = CatalogIndex([*CATALOG, product(20, "123456789013", "Numeric SKU")])
    assert with_sku.lookup(bad).product_id == 20
    only_mapped = CatalogIndex(CATALOG, extra_codes={"123456789013": 1})
    assert only_mapped.lookup(bad) is None, "a misread never resolves through a saved mapping"
    assert CatalogIndex(CATALOG).lookup(bad) is None


def test_unknown_code_and_add_remove_mapping(index):
    code = interpret("VENDOR-XYZ-1")
    assert index.lookup(code) is None
    key = index.add_code(code, 2)
    assert key == "VENDOR-XYZ-1"
    assert index.lookup(interpret("vendor-xyz-1")).product_id == 2
    assert index.codes[key] == 2
    assert index.remove_code("vendor-xyz-1") == 2
    assert index.lookup(code) is None


def test_mapping_to_a_product_no_longer_in_catalog_is_ignored():
    ix = CatalogIndex(CATALOG, extra_codes={"OLD-CODE": 999})
    assert ix.lookup(interpret("OLD-CODE")) is None


def test_saved_gtin_mapping_keys_normalise():
    ix = CatalogIndex(CATALOG, extra_codes={"0036000291452": 9})
    assert ix.lookup(interpret("036000291452")).product_id == 9


def test_catalog_barcode_beats_a_stale_saved_mapping():
    ix = CatalogIndex(CATALOG, extra_codes={"00012345678905": 2})
    assert ix.lookup(interpret("012345678905")).product_id == 1


def test_by_id_and_len(index):
    assert index.by_id(5).name == "Jeeter Pre-Roll 5pk"
    assert index.by_id(404) is None
    assert len(index) == len(CATALOG)


# -- search ------------------------------------------------------------------------------------------


def test_search_ranks_name_prefix_then_word_prefix_then_substring(index):
    assert names(index.search("blue")) == [
        "Blue Cheese Flower 3.5g",  # name starts with the query
        "Select Blue Dream Cartridge 1g",  # a word starts with it
    ]
    assert names(index.search("ream")) == ["Select Blue Dream Cartridge 1g"], "substring only"
    ranked = names(index.search("g"))
    assert ranked.index("Select Blue Dream Cartridge 1g") > ranked.index("Kiva Gelato Gummies 10pk")


def test_search_multiword_is_and(index):
    assert names(index.search("kiva gum")) == ["Kiva Gelato Gummies 10pk"]
    assert index.search("kiva cartridge") == []


def test_search_exact_sku_or_gtin_comes_first(index):
    assert names(index.search("cart-1"))[0] == "Select Blue Dream Cartridge 1g"
    assert names(index.search("4006381333931")) == ["Kiva Gelato Gummies 10pk"]
    assert names(index.search("012345678905"))[0] == "Tommy Chong Joint (H)", "GTIN substring"


def test_search_punctuation_and_apostrophes(index):
    assert names(index.search("pre roll")) == ["Jeeter Pre-Roll 5pk"]
    assert names(index.search("pre-roll")) == ["Jeeter Pre-Roll 5pk"]
    assert names(index.search("natures")) == ["Nature's Grace Tincture 30ml"]
    assert names(index.search("3.5g")) == ["Blue Cheese Flower 3.5g"]


def test_search_brand_and_limit(index):
    assert set(names(index.search("acme"))) == {"Duplicate Barcode A", "Duplicate Barcode B"}
    assert len(index.search("a", limit=3)) == 3
    assert index.search("   ") == []
    assert index.search("a", limit=0) == []


words = st.sampled_from(
    ["b", "bl", "blue", "blue d", "blue dr", "g", "gu", "1", "1g", "a", "ac", "acme d", "x", ""]
)


@given(st.lists(words, min_size=1, max_size=12))
@settings(max_examples=150)
def test_cached_type_ahead_equals_fresh_search(queries):
    """Whatever order keystrokes (and backspaces) come in, the cache never changes an answer."""
    warm = CatalogIndex(CATALOG)
    for q in queries:
        assert warm.search(q) == CatalogIndex(CATALOG).search(q), q
