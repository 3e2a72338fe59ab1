"""The catalog as the scan path needs it: O(1) lookups by every code a label can carry, and type-ahead search.

Built once per catalog load (~17k products at a Dutchie LSP, 200k at the largest tenants we plan for) and
then only read, except for codes a clerk maps at the station. Lookups never guess: a GTIN that two catalog
products share comes back as an ambiguous `Match`, so the clerk picks instead of the scan landing on the
wrong product.
"""

from __future__ import annotations

import string
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice

from intake_gui.domain.barcode import CodeKind, ScanCode, interpret, normalize_gtin
from intake_gui.domain.models import Product

_PUNCT = str.maketrans({c: " " for c in string.punctuation if c not in ".'"})
"""Punctuation breaks words, except "." (so "3.5g" stays one word) and "'" (dropped: "natures" finds
"Nature's"). One-character ASCII targets only, which keeps `str.translate` on its fast path."""
_CACHE_ENTRIES = 32
_CACHE_BUDGET = 400_000
"""Total candidate indices kept across cached queries; bounds memory at 200k products."""


def _norm(text: str) -> str:
    """Lower-case, punctuation as word breaks, single spaces: the one form both haystack and query take."""
    return " ".join(text.lower().replace("'", "").translate(_PUNCT).split())


def _sku_key(sku: str) -> str:
    return " ".join(sku.upper().split())


def code_key(code: str | ScanCode) -> str:
    """The key a saved code mapping is stored under, the same whether it came from a scan or from disk."""
    if isinstance(code, ScanCode):
        return code.key
    parsed = interpret(code)
    return parsed.key if parsed.valid else _sku_key(code)


@dataclass(frozen=True, slots=True)
class Match:
    """What a code resolved to. `via` says which table matched, for the audit trail and the status bar."""

    products: tuple[Product, ...] = ()
    via: str = ""

    @property
    def product(self) -> Product | None:
        """The product, only when exactly one matched."""
        return self.products[0] if len(self.products) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.products) > 1


_NO_MATCH = Match()


class CatalogIndex:
    def __init__(
        self, products: Iterable[Product], extra_codes: Mapping[str, int] | None = None
    ) -> None:
        given = list(products)
        # Decorated with the position, so the sort compares names and ids in C and never needs a key function.
        order = sorted((_norm(p.name), p.product_id, i) for i, p in enumerate(given))
        self._products: tuple[Product, ...] = tuple(given[i] for _, _, i in order)
        self._names: list[str] = [name for name, _, _ in order]
        """Normalised names in product order: a name-prefix query is one bisect away."""
        self._by_id: dict[int, Product] = {}
        # SKU and GTIN tables map a key to a *position* in `_products`; the few keys several products share
        # live in a side table. Positions are plain ints, so the big tables hold nothing the garbage
        # collector has to visit: two catalogs are alive during every refresh, and each collection pass over
        # them holds the GIL (and so the window) for its whole length.
        self._sku_at: dict[str, int] = {}
        self._gtin_at: dict[str, int] = {}
        shared_skus: dict[str, list[int]] = {}
        shared_gtins: dict[str, list[int]] = {}
        hay: list[str] = []
        by_id, sku_at, gtin_at = self._by_id, self._sku_at, self._gtin_at
        for i, p in enumerate(self._products):
            by_id[p.product_id] = p
            sku = _sku_key(p.sku)
            if sku in sku_at:
                shared_skus.setdefault(sku, [sku_at[sku]]).append(i)
            else:
                sku_at[sku] = i
            gtin = normalize_gtin(p.gtin)
            if gtin:
                if gtin in gtin_at:
                    shared_gtins.setdefault(gtin, [gtin_at[gtin]]).append(i)
                else:
                    gtin_at[gtin] = i
            # The GTIN also as printed under the bars (UPC-A 12 digits, EAN-13), so typed label digits are a
            # word prefix and rank as such.
            printed = (
                gtin[2:] if gtin.startswith("00") else gtin[1:] if gtin.startswith("0") else ""
            )
            # Brand and SKU skip the space collapsing: only word starts matter there, not exact spacing.
            extra = f"{p.brand} {p.sku}".lower().replace("'", "").translate(_PUNCT)
            hay.append(f" {self._names[i]} {extra} {gtin} {printed}")
        self._sku_shared = {k: self._at(v) for k, v in shared_skus.items()}
        self._gtin_shared = {k: self._at(v) for k, v in shared_gtins.items()}
        self._hay = hay
        self._codes: dict[str, int] = {}
        for code, product_id in (extra_codes or {}).items():
            self._codes[code_key(code)] = product_id
        self._cache: OrderedDict[tuple[str, ...], list[int]] = OrderedDict()
        self._cached_total = 0

    def _at(self, positions: list[int]) -> tuple[Product, ...]:
        return tuple(self._products[i] for i in positions)

    def _skus(self, key: str) -> tuple[Product, ...]:
        """Every product whose SKU has this key (in name order); usually one or none."""
        shared = self._sku_shared.get(key)
        if shared is not None:
            return shared
        i = self._sku_at.get(key)
        return () if i is None else (self._products[i],)

    def _gtins(self, gtin: str) -> tuple[Product, ...]:
        shared = self._gtin_shared.get(gtin)
        if shared is not None:
            return shared
        i = self._gtin_at.get(gtin)
        return () if i is None else (self._products[i],)

    def __len__(self) -> int:
        return len(self._products)

    @property
    def products(self) -> tuple[Product, ...]:
        """Every product, in name order."""
        return self._products

    @property
    def codes(self) -> dict[str, int]:
        """The station's saved code mappings (a copy), for persisting."""
        return dict(self._codes)

    def by_id(self, product_id: int) -> Product | None:
        return self._by_id.get(product_id)

    def by_sku(self, sku: str) -> Product | None:
        found = self._skus(_sku_key(sku))
        return found[0] if len(found) == 1 else None

    def by_gtin(self, gtin: str) -> Product | None:
        found = self._gtins(normalize_gtin(gtin))
        return found[0] if len(found) == 1 else None

    def add_code(self, code: str | ScanCode, product_id: int) -> str:
        """Remember that `code` means this product at this station. Returns the key it is stored under."""
        key = code_key(code)
        if not key:
            raise ValueError("An empty code cannot be mapped to a product.")
        self._codes[key] = product_id
        return key

    def remove_code(self, code: str | ScanCode) -> int | None:
        return self._codes.pop(code_key(code), None)

    def lookup(self, code: ScanCode) -> Product | None:
        """The one product this code means, or None (unknown or ambiguous: use `resolve` to tell which)."""
        return self.resolve(code).product

    def resolve(self, code: ScanCode) -> Match:
        if code.kind is CodeKind.INVALID:
            # Only an exact catalog SKU may rescue a code whose check digit failed; see barcode's docstring.
            return (self._sku_match(code.sku) if code.sku else None) or _NO_MATCH
        if code.package_tag:
            return (
                self._code_match(code.package_tag) or self._sku_match(code.package_tag) or _NO_MATCH
            )
        if code.gtin:
            gtins = (code.gtin, *code.alt_gtins)
            for gtin in gtins:
                found = self._gtins(gtin)
                if found:
                    return Match(found, "gtin")
            for gtin in gtins:
                mapped = self._code_match(gtin)
                if mapped:
                    return mapped
            # Many stores keep the UPC in the SKU field, typed the way the box prints it.
            for form in _gtin_forms(code.text, gtins):
                found_sku = self._sku_match(form)
                if found_sku:
                    return found_sku
            return _NO_MATCH
        if code.sku:
            return self._sku_match(code.sku) or self._code_match(code.sku) or _NO_MATCH
        return self._code_match(code.key) or _NO_MATCH

    def _sku_match(self, sku: str) -> Match | None:
        found = self._skus(_sku_key(sku))
        return Match(found, "sku") if found else None

    def _code_match(self, key: str) -> Match | None:
        product_id = self._codes.get(key)
        if product_id is None:
            return None
        product = self._by_id.get(product_id)
        return Match((product,), "code") if product is not None else None

    # -- type-ahead ------------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[Product]:
        """Products whose name, brand, SKU or GTIN contain every word of `query`, best first.

        Ranking: an exact SKU/GTIN hit, then names starting with the query, then rows where every word is a
        word prefix, then plain substring hits; name order within each group. Called on every keystroke, so
        each query's full hit list is cached and the next keystroke (which narrows it) only re-filters that.
        """
        terms = tuple(_norm(query).split())
        if not terms or limit <= 0:
            return []
        out = self._exact(query)
        seen = {p.product_id for p in out}
        head = " ".join(terms)
        lo = bisect_left(self._names, head)
        hi = bisect_left(self._names, head + "\uffff", lo)
        for i in range(lo, min(hi, lo + limit)):
            p = self._products[i]
            if p.product_id not in seen:
                seen.add(p.product_id)
                out.append(p)
        if len(out) >= limit:
            return out[:limit]
        room = limit - len(out)
        hay = self._hay
        candidates = self._candidates(terms)
        word_prefix = candidates
        for term in terms:
            w = " " + term
            word_prefix = [i for i in word_prefix if w in hay[i]]
        picked = [i for i in word_prefix if not lo <= i < hi][:room]
        if len(picked) < room:
            chosen = set(picked)
            rest = (i for i in candidates if i not in chosen and not lo <= i < hi)
            picked.extend(islice(rest, room - len(picked)))
        for i in picked:
            p = self._products[i]
            if p.product_id not in seen:
                seen.add(p.product_id)
                out.append(p)
        return out[:limit]

    def clear_search_cache(self) -> None:
        """Forget cached type-ahead hits (benchmarks measure a cold first keystroke with this)."""
        self._cache.clear()
        self._cached_total = 0

    def _exact(self, query: str) -> list[Product]:
        q = query.strip()
        found = list(self._skus(_sku_key(q)))
        gtin = normalize_gtin(q)
        if gtin:
            found.extend(p for p in self._gtins(gtin) if p not in found)
        return found

    def _candidates(self, terms: tuple[str, ...]) -> list[int]:
        cached = self._cache.get(terms)
        if cached is not None:
            self._cache.move_to_end(terms)
            return cached
        base: list[int] | None = None
        for old_terms, hits in self._cache.items():
            # Every old word inside some new word: the new hits are a subset of the old ones.
            if (base is None or len(hits) < len(base)) and all(
                any(o in t for t in terms) for o in old_terms
            ):
                base = hits
        hay = self._hay
        if base is None:
            first, rest = terms[0], terms[1:]
            hits = [i for i, h in enumerate(hay) if first in h]
        else:
            hits, rest = base, terms
        for t in rest:
            hits = [i for i in hits if t in hay[i]]
        self._remember(terms, hits)
        return hits

    def _remember(self, terms: tuple[str, ...], hits: list[int]) -> None:
        if len(hits) > _CACHE_BUDGET:
            return
        self._cache[terms] = hits
        self._cached_total += len(hits)
        while len(self._cache) > _CACHE_ENTRIES or self._cached_total > _CACHE_BUDGET:
            _, dropped = self._cache.popitem(last=False)
            self._cached_total -= len(dropped)


def _gtin_forms(text: str, gtins: tuple[str, ...]) -> list[str]:
    forms = [text] if text else []
    for gtin in gtins:
        forms.extend((gtin, gtin[1:], gtin[2:], gtin.lstrip("0")))
    return list(dict.fromkeys(f for f in forms if f))
