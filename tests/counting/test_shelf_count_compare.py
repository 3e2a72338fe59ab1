"""The pure shelf-count rules: over/short per product and per package, FIFO, scope, unknown codes, CSV rows,
and the words said before comparing (room access, rooms that cannot be counted)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from intake_gui.domain.count_checks import count_refusal, room_access_warning
from intake_gui.domain.count_compare import compare
from intake_gui.domain.counting import PackageQty, ShelfQuantity
from intake_gui.domain.models import DraftLine, Location, Room
from intake_gui.domain.shelf_count import (
    CSV_COLUMNS,
    CountScope,
    CountStatus,
    PackageDetail,
    RoomStock,
    UnknownScan,
)
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.indica.words import INDICA_WORDS

LOC = Location(loc_id=7, name="Green Leaf — Denver", lsp_id=0)
SAFE = Room(room_id=1, name="Safe", inventory_room=True, pos_room=False)
FLOOR = Room(room_id=2, name="Sales floor", inventory_room=True, pos_room=True)
BREAK = Room(room_id=3, name="Break room", inventory_room=False, pos_room=False)

OLD = PackageQty(
    id="b-old", label="1A4000000000000000000001", quantity=4, received_on=date(2025, 1, 5)
)
NEW = PackageQty(
    id="b-new", label="1A4000000000000000000002", quantity=6, received_on=date(2025, 3, 1)
)
GUMMY = ShelfQuantity(product_id=10, sku="GUM-1", name="Gummies", quantity=10, packages=(NEW, OLD))
VAPE = ShelfQuantity(
    product_id=20,
    sku="VAPE-1",
    name="Vape",
    quantity=3,
    packages=(PackageQty(id="v1", label="", quantity=3),),
)
PREROLL = ShelfQuantity(product_id=30, sku="PRE-1", name="Preroll", quantity=5)


def stock(*shelves: ShelfQuantity, detail: PackageDetail = PackageDetail.FULL, **kw) -> RoomStock:
    return RoomStock(
        location=LOC,
        room=SAFE,
        shelves=shelves,
        source="BLAZE batch quantities by inventory",
        pos_name="BLAZE",
        package_detail=detail,
        **kw,
    )


def line(pid: int, qty: str, tag: str = "", sku: str = "", name: str = "") -> DraftLine:
    return DraftLine(
        product_id=pid,
        sku=sku or f"SKU-{pid}",
        name=name or f"P{pid}",
        quantity=qty,
        package_tag=tag,
    )


def test_products_are_over_short_or_matching_and_unscanned_ones_are_short_in_a_room_count() -> None:
    result = compare(stock(GUMMY, VAPE, PREROLL), [line(10, "12"), line(20, "3")])
    by = {p.product_id: p for p in result.products}
    assert by[10].status is CountStatus.OVER and by[10].difference == 2
    assert by[20].status is CountStatus.MATCH and by[20].difference == 0
    assert by[30].status is CountStatus.SHORT and by[30].counted == 0
    assert by[30].note == "not found on the shelf"
    assert [p.name for p in result.products] == ["Gummies", "Preroll", "Vape"]
    assert result.summary() == "3 products: 1 match, 1 over, 1 short; counted 15 of 18 units."


def test_a_spot_check_compares_only_what_was_scanned() -> None:
    result = compare(stock(GUMMY, PREROLL), [line(30, "5")], scope=CountScope.SCANNED)
    assert [(p.product_id, p.status) for p in result.products] == [(30, CountStatus.MATCH)]


def test_a_product_the_pos_does_not_list_here_is_over_by_everything_counted() -> None:
    result = compare(stock(PREROLL), [line(99, "2", sku="NEW-9", name="Stranger")])
    stranger = result.product(99)
    assert stranger is not None and not stranger.in_pos
    assert (stranger.expected, stranger.counted, stranger.status) == (0, 2, CountStatus.OVER)
    assert stranger.note == "BLAZE lists none in Safe" and stranger.sku == "NEW-9"


def test_packages_counted_by_tag_are_compared_oldest_first() -> None:
    result = compare(stock(GUMMY), [line(10, "4", OLD.label), line(10, "5", NEW.label)])
    packages = result.products[0].packages
    assert [(k.package_id, k.fifo_rank) for k in packages] == [("b-old", 1), ("b-new", 2)]
    assert packages[0].status is CountStatus.MATCH
    assert packages[1].status is CountStatus.SHORT and packages[1].difference == -1
    assert result.products[0].status is CountStatus.SHORT and result.products[0].note == ""


def test_a_newer_package_on_the_shelf_while_the_oldest_is_missing_gets_a_fifo_note() -> None:
    result = compare(stock(GUMMY), [line(10, "6", NEW.label)])
    product = result.products[0]
    assert product.packages[0].counted == 0 and product.packages[0].note == "tag not scanned"
    assert product.note.startswith(f"FIFO: older package {OLD.label} (received 2025-01-05)")
    assert NEW.label in product.note


def test_counting_by_barcode_says_nothing_about_packages_and_nothing_found_makes_every_package_short() -> (
    None
):
    by_barcode = compare(stock(GUMMY), [line(10, "10")]).products[0]
    assert {k.status for k in by_barcode.packages} == {CountStatus.NOT_BY_PACKAGE}
    assert all(k.counted is None and k.difference is None for k in by_barcode.packages)
    assert by_barcode.status is CountStatus.MATCH
    missing = compare(stock(GUMMY), []).products[0]
    assert [(k.counted, k.status) for k in missing.packages] == [
        (0, CountStatus.SHORT),
        (0, CountStatus.SHORT),
    ]


def test_unlisted_tags_untagged_scans_and_untagged_packages_each_get_their_own_row() -> None:
    stray = "1A4000000000000000000099"
    result = compare(
        stock(GUMMY, VAPE),
        [line(10, "4", OLD.label), line(10, "1", stray), line(10, "2"), line(20, "1", stray)],
    )
    gummy = result.product(10)
    assert gummy is not None
    extra = {k.label: k for k in gummy.packages if k.package_id is None}
    assert extra[stray].status is CountStatus.OVER and extra[stray].counted == 1
    assert (
        extra[""].status is CountStatus.NOT_BY_PACKAGE
        and extra[""].note == "scanned without a package tag"
    )
    vape = result.product(20)
    assert vape is not None and vape.packages[0].note == "the POS gives no tag for this package"


def test_without_package_detail_there_are_no_package_rows() -> None:
    none = compare(stock(GUMMY, detail=PackageDetail.NONE), [line(10, "1", OLD.label)])
    assert none.products[0].packages == ()
    on_demand = stock(GUMMY, detail=PackageDetail.ON_DEMAND)
    assert compare(on_demand, [line(10, "1", OLD.label)]).products[0].packages == ()
    assert on_demand.missing_detail([10, 99]) == [10]
    detailed = on_demand.with_detail([GUMMY.model_copy(update={"quantity": Decimal(9)})], [10])
    assert detailed.missing_detail([10]) == [] and detailed.shelf(10).quantity == 9
    assert len(compare(detailed, [line(10, "1", OLD.label)]).products[0].packages) == 2
    assert detailed.labels() == {OLD.label: 10, NEW.label: 10}


def test_unknown_codes_are_kept_as_rows() -> None:
    result = compare(stock(PREROLL), [], unknown=[UnknownScan("ZZ-404", Decimal(3))])
    assert result.unknown[0].sku == "ZZ-404" and result.unknown[0].counted == 3
    assert result.products[-1].status is CountStatus.UNKNOWN_CODE
    assert "1 unknown code" in result.summary()


def test_csv_rows_put_each_products_packages_under_it_with_the_header_first() -> None:
    result = compare(stock(GUMMY, PREROLL), [line(10, "4", OLD.label), line(30, "7")])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(result.csv_rows())
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["row"], r["sku"], r["package_tag"]) for r in rows] == [
        ("product", "GUM-1", ""),
        ("package", "GUM-1", OLD.label),
        ("package", "GUM-1", NEW.label),
        ("product", "PRE-1", ""),
    ]
    assert rows[0]["difference"] == "-6" and rows[0]["status"] == "short"
    assert rows[1]["received_on"] == "2025-01-05" and rows[1]["fifo"] == "1"
    assert rows[3]["difference"] == "+2" and rows[3]["status"] == "over"
    assert {r["location"] for r in rows} == {LOC.name} and {r["room"] for r in rows} == {"Safe"}


def test_an_empty_room_says_access_is_the_likely_cause_before_comparing() -> None:
    assert room_access_warning(BLAZE_WORDS, LOC, SAFE, room_rows=3) is None
    dutchie = room_access_warning(DUTCHIE_WORDS, LOC, FLOOR, room_rows=0, location_rows=0)
    assert dutchie is not None
    assert dutchie.headline.startswith("Dutchie shows no stock in Sales floor")
    assert "none for the whole location either" in dutchie.what_happened
    assert DUTCHIE_WORDS.room_access_check in dutchie.what_to_do
    assert dutchie.what_to_do.endswith(DUTCHIE_WORDS.room_access_note)
    blaze = room_access_warning(BLAZE_WORDS, LOC, SAFE, room_rows=0)
    assert blaze is not None and "Safe inventory" in blaze.what_to_do
    assert "partner and developer key" in blaze.headline + blaze.what_to_do
    assert "before comparing" in blaze.what_happened.casefold()
    indica = room_access_warning(INDICA_WORDS, LOC, FLOOR, room_rows=0)
    assert indica is not None and "API key" in indica.what_to_do
    for said in (blaze, indica):
        text = " ".join((said.headline, said.what_happened, said.what_to_do))
        assert "Backoffice" not in text and "menus" not in text


def test_rooms_that_cannot_be_counted_are_refused_with_the_reason() -> None:
    none, full = PackageDetail.NONE, PackageDetail.FULL
    assert count_refusal(DUTCHIE_WORDS, none, LOC, FLOOR, [SAFE, FLOOR]) is None
    assert count_refusal(BLAZE_WORDS, full, LOC, SAFE) is None
    vault = count_refusal(DUTCHIE_WORDS, none, LOC, SAFE, [SAFE, FLOOR])
    assert vault is not None and "Dutchie offers no read" in vault.headline
    assert "preorder/inventory" in vault.what_happened and "Sales floor" in vault.what_to_do
    assert DUTCHIE_WORDS.inventory_screen in vault.what_to_do
    for words, method in ((BLAZE_WORDS, full), (DUTCHIE_WORDS, none)):
        lounge = count_refusal(words, method, LOC, BREAK)
        assert lounge is not None and "not marked as holding inventory" in lounge.headline
    cannot = count_refusal(INDICA_WORDS, None, LOC, FLOOR)
    assert cannot is not None and "IndicaOnline offers Intake no way" in cannot.headline
