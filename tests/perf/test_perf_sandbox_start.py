"""A training station's second start is fast: the sandbox reads its catalogue instead of generating it, loads
it only when something asks for products, and builds the BLAZE and IndicaOnline emulators only when used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from intake_gui.sandbox import SandboxConfig
from intake_gui.sandbox import catalog as catalog_mod
from intake_gui.sandbox.runtime import SandboxRuntime
from intake_gui.services.sandbox_mounts import LazyApp, extra_mounts

SIZE = 700


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the catalogues this test process already holds, as a new process would."""
    monkeypatch.setattr(catalog_mod, "_shared", {})


def test_the_cached_catalogue_is_the_generated_one(fresh_process: None, tmp_path: Path) -> None:
    generated = catalog_mod.catalog_for(SIZE, tmp_path)
    path = catalog_mod.cache_file(tmp_path, SIZE)
    assert path.read_bytes() == generated.products_json

    catalog_mod._shared.clear()  # the next start
    loaded = catalog_mod.catalog_for(SIZE, tmp_path)
    assert loaded is not generated
    assert loaded.products == catalog_mod.Catalog(SIZE).products
    assert loaded.products_json == generated.products_json
    assert loaded.by_id[catalog_mod.TOMMY_CHONG.product_id]["Sku"] == catalog_mod.TOMMY_CHONG.sku


def test_a_second_start_does_not_generate(
    fresh_process: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_mod.catalog_for(SIZE, tmp_path)
    catalog_mod._shared.clear()

    class NoGeneration(catalog_mod.Catalog):
        # Replacing _generate itself would change the generator's fingerprint, i.e. the cache file's name.
        def __init__(self, count: int, *, products: list[dict[str, object]] | None = None) -> None:
            assert products is not None, "generated again although the cache was there"
            super().__init__(count, products=products)

    monkeypatch.setattr(catalog_mod, "Catalog", NoGeneration)
    assert len(catalog_mod.catalog_for(SIZE, tmp_path).products) == SIZE


@pytest.mark.parametrize("damage", [b'[{"ProductId": 1', b"[]", b"{}"])
def test_a_damaged_cache_is_regenerated_and_replaced(
    fresh_process: None, tmp_path: Path, damage: bytes
) -> None:
    path = catalog_mod.cache_file(tmp_path, SIZE)
    path.write_bytes(damage)
    catalog = catalog_mod.catalog_for(SIZE, tmp_path)
    assert len(catalog.products) == SIZE
    assert json.loads(path.read_bytes()) == catalog.products


def test_a_changed_generator_never_reads_the_old_file(
    fresh_process: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_mod.catalog_for(SIZE, tmp_path)
    old = catalog_mod.cache_file(tmp_path, SIZE)
    monkeypatch.setattr(catalog_mod, "_BRANDS", (*catalog_mod._BRANDS, "Brand New"))
    new = catalog_mod.cache_file(tmp_path, SIZE)
    assert new != old

    catalog_mod._shared.clear()
    catalog_mod.catalog_for(SIZE, tmp_path)
    assert new.exists() and not old.exists(), "the stale file is replaced, not kept beside"


def test_serialising_in_chunks_gives_the_same_bytes() -> None:
    products = catalog_mod.Catalog(1234).products
    expected = json.dumps(products, separators=(",", ":"), ensure_ascii=False).encode()
    assert catalog_mod.serialise(products) == expected
    assert catalog_mod.serialise([]) == b"[]"


def test_a_seeded_sandbox_opens_without_its_catalogue(
    fresh_process: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = SandboxConfig(product_count=SIZE)
    SandboxRuntime.open(tmp_path, config).close()  # first start: seeds, so it needs the catalogue
    catalog_mod._shared.clear()
    loads: list[int] = []
    real = catalog_mod.catalog_for

    def counting(count: int, cache_dir: Path | None = None) -> catalog_mod.Catalog:
        loads.append(count)
        return real(count, cache_dir)

    monkeypatch.setattr("intake_gui.sandbox.runtime.catalog_for", counting)
    runtime = SandboxRuntime.open(tmp_path, config)
    try:
        assert loads == []
        assert len(runtime.catalog.products) == SIZE
        assert loads == [SIZE]
    finally:
        runtime.close()


def test_other_emulators_are_built_on_their_first_request(sandbox_factory, tmp_path: Path) -> None:
    mounts = extra_mounts(tmp_path / "mounts")
    assert set(mounts) == {"/blaze", "/indica"}
    assert all(isinstance(app, LazyApp) and not app.built for app in mounts.values())
    box = sandbox_factory(SandboxConfig(product_count=SIZE), extra_mounts=mounts)

    with httpx.Client(base_url=box.root_url) as http:
        assert http.post("api/user/login", json={}).status_code in (200, 400, 401)
        assert not mounts["/blaze"].built and not mounts["/indica"].built  # type: ignore[attr-defined]
        answer = http.get("blaze/api/v1/partner/store")
    assert answer.status_code == 401, "the BLAZE emulator answered (no API key given)"
    assert mounts["/blaze"].built and not mounts["/indica"].built  # type: ignore[attr-defined]


def test_the_embedded_sandbox_keeps_its_session_out_of_the_keyring(memory_keyring: Any) -> None:
    """Its port changes every start, so a kept session could never be reused: only keyring traffic."""
    from intake_gui.services.context import open_context

    ctx = open_context(sandbox_config=SandboxConfig(product_count=SIZE))
    try:
        assert ctx.is_sandbox and ctx.connector.locations()
    finally:
        ctx.close()
    assert not [key for key in memory_keyring.store if "session" in key[1]]
