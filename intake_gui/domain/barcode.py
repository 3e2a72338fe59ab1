"""What a scanned string *means*: a GTIN, a GS1 message with lot and expiry, a Metrc package tag, or a SKU.

A keyboard-wedge scanner hands us characters, not barcodes. The same physical label can arrive with or without
an AIM symbology prefix ("]C1"), with the GS1 group separator as a real ASCII 29, as a textual stand-in such as
"<GS>" (some wedges cannot type control characters), or not at all. `interpret` turns all of that into one
`ScanCode` and never raises, because the scan path must survive anything a scanner, a clipboard or a bored
clerk can produce: hostile input becomes `CodeKind.INVALID` with a message a clerk can read.

Decisions worth knowing:

* A string of 8, 12, 13 or 14 digits is a GTIN candidate. If its check digit is wrong it is INVALID (a misread
  or a typo), *not* silently a SKU: treating a misread as an unknown SKU invites the clerk to map the misread
  to a product forever. Because some stores do use all-digit SKUs of those lengths, the INVALID code still
  carries the text in `sku`; the catalog index matches it only against an *exact* catalog SKU (proof it was
  meant as a SKU), never against saved mappings.
* Eight digits starting with 0 or 1 are read as UPC-E first (US packaging) and as EAN-8 second; when both
  check digits are valid both GTINs are offered (`gtin` then `alt_gtins`) and the catalog decides.
* Six- and seven-digit strings are SKUs: UPC-E without its check digit is indistinguishable from a short SKU.
* Text is upper-cased for SKUs and tags because the catalog stores them so, and because a wedge typing with
  Caps Lock on inverts the case of every letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from biip import ParseConfig, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementStrings
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin
from biip.upc import Upc

GS = "\x1d"
"""ASCII 29, the group separator a scanner sends for FNC1 between variable-length GS1 fields."""

DEFAULT_GS_SUBSTITUTES: tuple[str, ...] = (
    "<GS>",
    "{GS}",
    "[GS]",
    "<FNC1>",
    "{FNC1}",
    "[FNC1]",
    "^]",
    "\u241d",
)
"""Textual stand-ins for GS that scanner configuration tools and keyboard wedges commonly emit.

"\u241d" is the visible "SYMBOL FOR GROUP SEPARATOR" some wedges substitute. Deliberately absent: single
printable characters such as "~" or "|" that also occur in real SKUs; a station that needs one configures it.
"""

MAX_RAW_LENGTH = 2048
"""Anything longer is not a product label; refuse before any parsing so a pasted novel costs nothing."""

MAX_SKU_LENGTH = 64

_GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]e1", "]J1"})
_GTIN_SYMBOLOGIES = frozenset({"]E0", "]E3", "]E4", "]I1"})
_AIM_RE = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_TAG_RE = re.compile(r"1A[0-9A-Z]{22}")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Fixed English month names: a station's locale must not turn a date into something the clerk misreads."""
_GS1_CONFIG = ParseConfig(separator_chars=(GS,))
_GS1_CONFIG_LAX = ParseConfig(separator_chars=(GS,), gs1_element_strings_verify_date=False)


class CodeKind(StrEnum):
    GTIN = "gtin"
    GS1 = "gs1"
    PACKAGE_TAG = "package_tag"
    SKU = "sku"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class ScanCode:
    """One interpreted scan. Frozen and cheap: the scan path creates one per key burst."""

    kind: CodeKind
    raw: str
    text: str = ""
    """The cleaned data: symbology prefix and leading FNC1 removed, GS substitutes turned into ASCII 29."""
    gtin: str = ""
    """14 digits, or "" when the code carries no valid GTIN."""
    alt_gtins: tuple[str, ...] = ()
    """Other valid readings of the same digits (8-digit codes valid both as UPC-E and EAN-8)."""
    lot: str = ""
    expiry: date | None = None
    serial: str = ""
    package_tag: str = ""
    sku: str = ""
    """A SKU candidate (upper-cased). Also set on an INVALID all-digit code, see the module docstring."""
    symbology: str = ""
    """The AIM symbology identifier the scanner prefixed, e.g. "]C1"; "" when none was sent."""
    hri: str = ""
    """Human-readable form of a GS1 message, "(01)…(10)…", for showing the clerk what was read."""
    message: str = ""
    ais: tuple[tuple[str, str], ...] = field(default=())
    """Every GS1 element string as (AI, value), including the ones Intake does not use."""

    @property
    def valid(self) -> bool:
        return self.kind is not CodeKind.INVALID

    @property
    def key(self) -> str:
        """The identity a saved code mapping and a pending unknown code are filed under."""
        if self.package_tag:
            return self.package_tag
        if self.gtin:
            return self.gtin
        if self.sku:
            return self.sku
        return self.text

    @property
    def display(self) -> str:
        """What to show the clerk: HRI for GS1, the code itself otherwise (control characters made visible)."""
        if self.hri:
            return self.hri
        return (self.package_tag or self.sku or self.text or self.raw).replace(GS, "<GS>")

    def words(self, today: date | None = None) -> str:
        """Lot, expiry and serial of a GS1 code in words, for the clerk ("" when the code carries none).

        "lot AB-12 · expires 31 Jan 2026 · serial X9"; an expiry already past says so, because receiving
        expired stock is the one thing the clerk must catch at the door."""
        parts = []
        if self.lot:
            parts.append(f"lot {self.lot}")
        if self.expiry is not None:
            ais = {ai for ai, _ in self.ais}
            what = "best before" if "15" in ais and "17" not in ais else "expires"
            when = f"{self.expiry.day} {_MONTHS[self.expiry.month - 1]} {self.expiry.year}"
            past = today is not None and self.expiry < today
            parts.append(f"EXPIRED {when}" if past else f"{what} {when}")
        if self.serial:
            parts.append(f"serial {self.serial}")
        return " · ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the audit trail."""
        return {
            "kind": self.kind.value,
            "raw": self.raw.replace(GS, "<GS>"),
            "gtin": self.gtin,
            "alt_gtins": list(self.alt_gtins),
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "serial": self.serial,
            "package_tag": self.package_tag,
            "sku": self.sku,
            "symbology": self.symbology,
            "message": self.message,
        }


def interpret(raw: str, *, gs_substitutes: Sequence[str] = DEFAULT_GS_SUBSTITUTES) -> ScanCode:
    """Classify one scanned (or typed) string. Never raises."""
    try:
        return _interpret(raw, gs_substitutes)
    except Exception as exc:
        safe_raw = raw if isinstance(raw, str) else repr(raw)
        return ScanCode(
            kind=CodeKind.INVALID,
            raw=safe_raw[:MAX_RAW_LENGTH],
            message=f"Could not read this code ({type(exc).__name__}). Scan it again.",
        )


def normalize_gtin(value: str) -> str:
    """A catalog or manifest barcode as 14 digits, without judging its check digit ("" if not GTIN-shaped).

    Catalog data is what the POS holds; refusing a stored barcode over its check digit would only make a
    correctly scanned label fail to match.
    """
    digits = value.strip()
    if digits.isascii() and digits.isdigit() and len(digits) in (8, 12, 13, 14):
        return digits.zfill(14)
    return ""


def gs1_check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit for a run of digits (the body of any GTIN, SSCC or GLN)."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def _invalid(raw: str, message: str, **kw: Any) -> ScanCode:
    return ScanCode(kind=CodeKind.INVALID, raw=raw, message=message, **kw)


def _interpret(raw: str, gs_substitutes: Sequence[str]) -> ScanCode:
    if not isinstance(raw, str):
        return _invalid(repr(raw)[:80], "Not text.")
    if len(raw) > MAX_RAW_LENGTH:
        return _invalid(raw[:80], f"{len(raw)} characters is far too long for a product label.")
    subs = [sub for sub in gs_substitutes if sub and sub in raw]
    code = _classify(raw, subs)
    if subs and not code.valid:
        # A textual stand-in is only a separator if it makes a readable GS1 code; "AB~12" with "~"
        # configured as a stand-in is still the SKU "AB~12".
        plain = _classify(raw, ())
        if plain.valid:
            return plain
    return code


def _classify(raw: str, gs_substitutes: Sequence[str]) -> ScanCode:
    text = raw
    for sub in gs_substitutes:
        text = text.replace(sub, GS)
    text = text.strip(" \t\r\n\x00\x0b\x0c")

    symbology = ""
    if text.startswith("]") and _AIM_RE.match(text):
        symbology, text = text[:3], text[3:]
    text = text.lstrip(GS).rstrip(GS).strip()

    if not text:
        return _invalid(raw, "Empty scan.", symbology=symbology)
    if not text.replace(GS, "").isprintable():
        return _invalid(
            raw, "The scan contains control characters; check the scanner's keyboard settings."
        )

    if symbology in _GS1_SYMBOLOGIES:
        return _gs1(raw, text, symbology, strict=True)
    if symbology in _GTIN_SYMBOLOGIES:
        return _digits(raw, text, symbology, declared=True)

    if GS in text:
        return _gs1(raw, text, symbology, strict=True)
    if text.startswith("(") and text[1:3].isdigit():
        return _gs1_hri(raw, text, symbology)
    if text[:4].lower() in ("http", "www."):
        link = _digital_link(raw, text, symbology)
        if link is not None:
            return link
    if text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14):
        return _digits(raw, text, symbology, declared=False)
    if _looks_like_gs1(text):
        code = _gs1(raw, text, symbology, strict=False)
        if code.valid:
            return code

    upper = text.upper()
    if len(upper) == 24 and _TAG_RE.fullmatch(upper):
        return ScanCode(
            kind=CodeKind.PACKAGE_TAG, raw=raw, text=upper, package_tag=upper, symbology=symbology
        )
    sku = " ".join(upper.split())
    if len(sku) > MAX_SKU_LENGTH:
        return _invalid(raw, f"{len(sku)} characters is too long for a SKU.", symbology=symbology)
    return ScanCode(kind=CodeKind.SKU, raw=raw, text=sku, sku=sku, symbology=symbology)


def _looks_like_gs1(text: str) -> bool:
    """An unprefixed GS1 element string: AI 01 + 14 digits (or AI 00 + 18) followed by more data.

    Scanners configured without AIM prefixes send GS1-128 labels as bare digits; such a string is never a
    plausible SKU, so trying GS1 first costs nothing and recovers lot and expiry.
    """
    if text.startswith(("01", "02")) and len(text) >= 16:
        return text[2:16].isdigit()
    if text.startswith("00") and len(text) >= 20:
        return text[2:20].isdigit()
    return False


def _digits(raw: str, text: str, symbology: str, *, declared: bool) -> ScanCode:
    """EAN-13 / UPC-A / EAN-8 / UPC-E / GTIN-14 with check-digit validation."""
    if not (text.isascii() and text.isdigit()):
        return _invalid(
            raw,
            f"The scanner said {symbology} (a retail barcode) but sent letters.",
            symbology=symbology,
        )
    candidates: list[str] = []
    errors: list[str] = []
    if len(text) == 8 and text[0] in "01" and symbology != "]E4":
        try:
            candidates.append(Gtin.parse(Upc.parse(text).as_upc_a()).as_gtin_14())
        except ParseError as exc:
            errors.append(str(exc))
    if len(text) in (8, 12, 13, 14):
        try:
            candidates.append(Gtin.parse(text).as_gtin_14())
        except ParseError as exc:
            errors.append(str(exc))
    else:
        errors.append(f"{len(text)} digits is not a retail barcode length.")
    candidates = list(dict.fromkeys(candidates))
    if candidates:
        return ScanCode(
            kind=CodeKind.GTIN,
            raw=raw,
            text=text,
            gtin=candidates[0],
            alt_gtins=tuple(candidates[1:]),
            symbology=symbology,
        )
    what = {8: "EAN-8/UPC-E", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}.get(len(text), "barcode")
    return _invalid(
        raw,
        f"{text} looks like a {what} but its check digit is wrong: probably a misread. Scan it again.",
        text=text,
        sku="" if declared else text,
        symbology=symbology,
    )


def _gs1(raw: str, text: str, symbology: str, *, strict: bool) -> ScanCode:
    try:
        message = GS1Message.parse(text, config=_GS1_CONFIG)
        note = ""
    except ParseError as exc:
        try:
            message = GS1Message.parse(text, config=_GS1_CONFIG_LAX)
            note = "A date in the label could not be read; check lot and expiry by hand."
        except ParseError:
            if strict:
                return _invalid(raw, f"Unreadable GS1 data: {exc}", text=text, symbology=symbology)
            return _invalid(raw, "", text=text)
    return _from_elements(raw, text, symbology, message.element_strings, message.as_hri(), note)


def _gs1_hri(raw: str, text: str, symbology: str) -> ScanCode:
    """A hand-typed or copied "(01)…(17)…" string."""
    try:
        message = GS1Message.parse_hri(text, config=_GS1_CONFIG)
    except ParseError as exc:
        sku = " ".join(text.upper().split())
        if len(sku) <= MAX_SKU_LENGTH:
            return ScanCode(kind=CodeKind.SKU, raw=raw, text=sku, sku=sku, symbology=symbology)
        return _invalid(raw, f"Unreadable GS1 data: {exc}", symbology=symbology)
    return _from_elements(
        raw, message.value, symbology, message.element_strings, message.as_hri(), ""
    )


def _digital_link(raw: str, text: str, symbology: str) -> ScanCode | None:
    try:
        link = GS1DigitalLinkURI.parse(text, config=_GS1_CONFIG)
    except ParseError:
        return None
    hri = GS1Message.from_element_strings(link.element_strings).as_hri()
    return _from_elements(raw, text, symbology, link.element_strings, hri, "")


def _from_elements(
    raw: str, text: str, symbology: str, elements: GS1ElementStrings, hri: str, note: str
) -> ScanCode:
    by_ai: dict[str, Any] = {}
    for es in elements:
        by_ai.setdefault(es.ai.ai, es)
    gtin = ""
    gtin_es = by_ai.get("01") or by_ai.get("02")
    if gtin_es is not None:
        if gtin_es.gtin is None:
            return _invalid(
                raw,
                f"The GTIN {gtin_es.value} in this label has a wrong check digit: probably a misread.",
                text=text,
                symbology=symbology,
                hri=hri,
            )
        gtin = gtin_es.gtin.as_gtin_14()
    expiry_es = by_ai.get("17") or by_ai.get("15")
    expiry = expiry_es.date if expiry_es is not None else None
    lot = by_ai["10"].value if "10" in by_ai else ""
    serial = by_ai["21"].value if "21" in by_ai else ""
    if not gtin:
        note = note or "This label identifies a shipment (no product GTIN); scan the product label."
    return ScanCode(
        kind=CodeKind.GS1,
        raw=raw,
        text=text,
        gtin=gtin,
        lot=lot,
        expiry=expiry,
        serial=serial,
        symbology=symbology,
        hri=hri,
        message=note,
        ais=tuple((es.ai.ai, es.value) for es in elements),
    )
