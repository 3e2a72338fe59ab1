"""How each POS's catalogue says a product is counted, as a `Measure` (each / by weight / unknown).

The wire readers call these when they build a `Product`; a product whose catalogue says nothing stays
`Measure.UNKNOWN`, which allows fractions (refusing a real weight would block a receive; a wrong "each" would
too, so nothing is guessed from names).

- **BLAZE**: `category.unitType` "units" / "grams" (the partner API's product category; `unitWeightType` on a
  batch is NONE / GRAM / OUNCE / FLUID_OUNCE / MILLIGRAM).
- **IndicaOnline**: `measurement` "unit" / "weight" (Open API v2.3 inventory rows).
- **Dutchie**: a unit *name* when the tenant sends one (`DefaultUnit`, `UnitOfMeasure`, `UnitName`: "Each",
  "Grams"), else `UnitId`: 1 is a packaged item sold each and 2 bulk by the gram in the embedded sandbox's
  catalogue (the course's products are all UnitId 1). A tenant whose ids mean something else shows it at once
  (a weighed product refusing 3.5 names itself "counted each") and `DUTCHIE_UNIT_IDS` is the one place to fix.
"""

from __future__ import annotations

from intake_gui.domain.quantities import Measure

EACH_WORDS = frozenset(
    {"each", "ea", "unit", "units", "piece", "pieces", "pc", "pcs", "count", "item", "items", "qty"}
)
WEIGHT_WORDS = frozenset(
    {
        "g",
        "gr",
        "gram",
        "grams",
        "mg",
        "milligram",
        "milligrams",
        "kg",
        "oz",
        "ounce",
        "ounces",
        "fluid_ounce",
        "floz",
        "lb",
        "lbs",
        "pound",
        "pounds",
        "ml",
        "l",
        "litre",
        "liter",
        "weight",
        "weighed",
        "bulk",
        "volume",
    }
)
DUTCHIE_UNIT_IDS: dict[int, Measure] = {1: Measure.EACH, 2: Measure.WEIGHT}


def measure_from_words(value: object) -> Measure:
    """ "Each", "units", "GRAM", "fluid ounce", "weight" … -> a Measure; anything else UNKNOWN."""
    if not isinstance(value, str):
        return Measure.UNKNOWN
    word = "_".join(value.strip().lower().replace("-", " ").split())
    if word in EACH_WORDS:
        return Measure.EACH
    if word in WEIGHT_WORDS or word.replace("_", "") in WEIGHT_WORDS:
        return Measure.WEIGHT
    return Measure.UNKNOWN


def blaze_measure(unit_type: object) -> Measure:
    """BLAZE `category.unitType` ("units" / "grams")."""
    return measure_from_words(unit_type)


def indica_measure(measurement: object) -> Measure:
    """IndicaOnline `measurement` ("unit" / "weight")."""
    return measure_from_words(measurement)


def dutchie_measure(unit_id: object = None, unit_name: object = None) -> Measure:
    """Dutchie: the unit's name when given, else `UnitId` (None when the row had none: UNKNOWN)."""
    named = measure_from_words(unit_name)
    if named is not Measure.UNKNOWN:
        return named
    if isinstance(unit_id, bool) or not isinstance(unit_id, int | str):
        return Measure.UNKNOWN
    try:
        return DUTCHIE_UNIT_IDS.get(int(unit_id), Measure.UNKNOWN)
    except ValueError:
        return Measure.UNKNOWN
