"""After a full run — login, a receive, a forced re-login, failed logins — no file Intake wrote holds a secret.

Logging runs at DEBUG so httpx/httpcore write request and response headers (Set-Cookie included) and the POS's
echo of a wrong password reaches the log pipeline: the redaction has to catch all of it.

The BLAZE and IndicaOnline sessions sign in with keys this test makes up (so no other test's value can hide a
leak), through header names set in settings (so the driver options reach the connector), and walk every
screen's service: sign-in with a wrong key, pick a location (which saves settings: where version 0 wrote the
BLAZE partner key), catalog sync (the cache), a receive and a move (the journal), a count and its CSV, a
restart that reads the keys back from the keyring, and "forget me". Then no file under INTAKE_HOME, no keyring
account *name* and no error message holds any of the keys.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest

from intake_gui.domain.count_compare import compare
from intake_gui.domain.models import DraftLine, ReceiveDraft
from intake_gui.pos.errors import AuthenticationError
from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER, SandboxConfig
from intake_gui.services.context import (
    CredentialsNeeded,
    open_context,
    sandbox_api_base,
    test_connection,
)
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.setup import SetupService
from intake_gui.store.logs import configure_logging
from intake_gui.store.paths import app_paths

WRONG = "Wr0ng-Pa55word-7f3c91"


@pytest.fixture
def debug_logging():
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if getattr(h, "_intake_handler", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def test_no_secret_in_any_file_after_a_full_run(
    sandbox_factory, tmp_path, intake_home, memory_keyring, debug_logging
):
    box = sandbox_factory(SandboxConfig(product_count=500), data_dir=tmp_path / "pos-side")
    ever_stored: list[
        str
    ] = []  # every value the keyring was handed, so replaced session ids count too
    original_set = memory_keyring.set_password

    def remember(service: str, username: str, password: str) -> None:
        ever_stored.append(password)
        original_set(service, username, password)

    memory_keyring.set_password = remember
    paths = app_paths().ensure()
    configure_logging(paths.log_dir, level=logging.DEBUG)

    # A failed login, twice: the POS echoes the wrong password back in its answer.
    verdict = test_connection(box.base_url, {"username": TRAINING_USER, "password": WRONG})
    assert not verdict.ok
    with pytest.raises(AuthenticationError):
        open_context(api_base=box.base_url, username=TRAINING_USER, password=WRONG, remember=False)

    ctx = open_context(api_base=box.base_url, username=TRAINING_USER, password=TRAINING_SECRET)
    try:
        setup = SetupService(ctx)
        loc = next(x for x in setup.locations() if x.loc_id == AZ_LOC_ID)
        vendor = next(v for v in setup.vendors(loc) if v.vendor_id == 39195)
        room = next(r for r in setup.rooms(loc) if r.sellable)
        product = next(p for p in ctx.connector.products(loc) if p.sku == "3B4791")
        draft = ReceiveDraft(
            location=loc,
            vendor=vendor,
            room=room,
            title="Secret scan",
            lines=(
                DraftLine(
                    product_id=product.product_id,
                    sku=product.sku,
                    name=product.name,
                    quantity=Decimal(2),
                ),
            ),
        )
        service = ReceivingService(ctx, settle_s=0)
        baseline = service.baseline(draft)
        box.admin.expire_sessions()  # the submit must log in again, once
        result = service.submit(draft)
        report = service.verify(
            draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at
        )
        assert report.all_green
        ctx.writer.flush()
    finally:
        ctx.close()

    logins = box.admin.state()["counters"].get("user/login", {}).get("requests", 0)
    assert logins >= 4, "two failed logins, a login, and the re-login after expiry"
    sessions = set()
    for value in ever_stored:
        if value in (TRAINING_SECRET, WRONG):
            continue
        blob = json.loads(value)  # the connector caches its session as JSON: id and cookie
        if isinstance(blob, dict) and "session_id" in blob:  # (the store also keeps an index list)
            sessions |= {blob["session_id"], blob["cookie"]}
    assert len(sessions) >= 2, "the re-login must have produced a second session id"
    secrets = {TRAINING_SECRET, WRONG, *sessions}

    written = [p for p in intake_home.rglob("*") if p.is_file()]
    assert any(p.name.startswith("intake.log") for p in written)
    assert any(p.suffix == ".sqlite3" for p in written)
    log_text = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in written
        if p.name.startswith("intake.log")
    )
    assert "set-cookie" in log_text.lower() or "llsession" in log_text.lower(), (
        "DEBUG logging should have written the headers this test means to check"
    )
    leaks = [
        (p.relative_to(intake_home).as_posix(), s[:4] + "…")
        for p in written
        for s in secrets
        if s.encode() in p.read_bytes()
    ]
    assert leaks == []


PARTNER = "pk-7f3c91-partner-Zq8"
DEVELOPER = "dk-55e0aa-developer-Hh2"
API_KEY = "ak-91b2c4-indica-Ww5"
WRONG_KEY = "pk-wrong-0d9e11-Xx3"
KEYS = (PARTNER, DEVELOPER, API_KEY, WRONG_KEY)


def _mounts(root: Path) -> dict[str, object]:
    from intake_gui.sandbox.blaze import BlazeConfig
    from intake_gui.sandbox.blaze import create_app as create_blaze
    from intake_gui.sandbox.blaze.config import PERMISSION_NORMAL
    from intake_gui.sandbox.indica import IndicaConfig
    from intake_gui.sandbox.indica import create_app as create_indica

    return {
        "/blaze": create_blaze(
            root / "blaze",
            config=BlazeConfig(
                partner_header="X-Partner",
                developer_header="X-Developer",
                partner_keys={PARTNER: frozenset({PERMISSION_NORMAL})},
                developer_keys=(DEVELOPER, "dk-shop-2", "dk-shop-3"),
                product_count=200,
                vendor_count=4,
                batches_per_shop=60,
            ),
        ),
        "/indica": create_indica(
            root / "indica",
            config=IndicaConfig(
                api_key_header="X-Indica-Key",
                api_keys={API_KEY: "PRO"},
                office_count=2,
                product_count=200,
                first_office_rows=60,
                other_office_rows=(10, 20),
            ),
        ),
    }


def _blaze_session(paths, base: str) -> None:
    from intake_gui.services.catalog import CatalogService
    from intake_gui.services.context import forget_credentials
    from intake_gui.services.counting import CountingService
    from intake_gui.services.moving import MovingService
    from intake_gui.store.settings import StationSettings, load_settings, save_settings

    save_settings(
        paths,
        StationSettings(
            pos_kind="blaze",
            api_base=base,
            rate_limit_per_minute=0,
            pos_options={
                "blaze": {"partner_header": "X-Partner", "developer_header": "X-Developer"}
            },
        ),
    )
    keys = {"partner_key": PARTNER, "developer_key": DEVELOPER}
    station = load_settings(paths)
    assert not test_connection(base, keys, "blaze").ok, "the default header names are not these"
    assert test_connection(base, keys, "blaze", station=station).ok, "the station's header names"
    assert not test_connection(
        base, {**keys, "partner_key": WRONG_KEY}, "blaze", station=station
    ).ok
    with pytest.raises(AuthenticationError) as refused:
        open_context(credentials={**keys, "partner_key": WRONG_KEY}, remember=False)
    assert not any(k in str(refused.value) + refused.value.detail for k in KEYS)
    ctx = open_context(credentials=keys, clerk="Maria Lopez")
    try:
        setup = SetupService(ctx)
        loc = setup.locations()[0]
        setup.remember_location(loc)  # saves settings: version 0 wrote the partner key here
        rooms = {r.name: r for r in setup.rooms(loc)}
        CatalogService(ctx).sync(loc)
        products = [p for p in ctx.connector.products(loc) if p.sku.isalnum()][:2]
        draft = ReceiveDraft(
            pos="blaze",
            location=loc,
            vendor=setup.vendors(loc)[0],
            room=rooms["Safe"],
            title="Key scan",
            lines=tuple(
                DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=Decimal(2))
                for p in products
            ),
        )
        service = ReceivingService(ctx, settle_s=0)
        result = service.submit(draft)
        moving = MovingService(ctx)
        offer = moving.offer(draft, result.receipt_id)
        employee = offer.employees[0].employee_id
        transfer = moving.create(offer, offer.destinations[0], employee)
        moving.accept(offer, transfer, employee)
        counting = CountingService(ctx)
        stock = counting.read_stock(loc, rooms["Safe"], list(rooms.values()))
        counting.export_csv(compare(stock, draft.lines), paths.data_dir / "count.csv")
        ctx.writer.flush()
    finally:
        ctx.close()
    again = open_context()  # the keys come back from the keyring
    try:
        assert again.clerk == "Maria Lopez" and again.connector.locations()
        forget_credentials(again)
    finally:
        again.close()
    with pytest.raises(CredentialsNeeded):
        open_context()


def _indica_session(paths, base: str) -> None:
    from intake_gui.services.counting import CountingService
    from intake_gui.store.settings import StationSettings, load_settings, save_settings

    save_settings(
        paths,
        StationSettings(
            pos_kind="indica",
            api_base=base,
            rate_limit_per_minute=0,
            pos_options={"indica": {"key_header": "X-Indica-Key"}},
        ),
    )
    station = load_settings(paths)
    assert test_connection(base, {"api_key": API_KEY}, "indica", station=station).ok
    assert not test_connection(base, {"api_key": WRONG_KEY}, "indica", station=station).ok
    ctx = open_context(credentials={"api_key": API_KEY}, clerk="Sam Chu")
    try:
        setup = SetupService(ctx)
        loc = setup.locations()[0]
        setup.remember_location(loc)
        (room,) = setup.rooms(loc)
        counting = CountingService(ctx)
        stock = counting.read_stock(loc, room, [room])
        stock = counting.detail(stock, [s.product_id for s in stock.shelves[:3]])
        counting.export_csv(compare(stock, []), paths.data_dir / "office.csv")
    finally:
        ctx.close()


def test_no_blaze_or_indica_key_in_any_file_keyring_name_or_message(
    sandbox_factory, tmp_path, intake_home, memory_keyring, debug_logging
):
    box = sandbox_factory(
        SandboxConfig(product_count=300, rate_limit_per_minute=0),
        data_dir=tmp_path / "pos-side",
        extra_mounts=_mounts(tmp_path / "pos-side-mounts"),
    )
    stored: dict[str, str] = {}  # every keyring account ever written, with its value
    original_set = memory_keyring.set_password

    def remember(service: str, account: str, value: str) -> None:
        stored[account] = value
        original_set(service, account, value)

    memory_keyring.set_password = remember
    paths = app_paths().ensure()
    configure_logging(paths.log_dir, level=logging.DEBUG)
    _blaze_session(paths, sandbox_api_base(box.root_url, "blaze"))
    _indica_session(paths, sandbox_api_base(box.root_url, "indica"))

    assert {PARTNER, DEVELOPER, API_KEY} <= set(stored.values()), "remember me kept every key"
    assert [a for a in stored if any(k in a for k in KEYS)] == [], "no key in an account name"
    written = [p for p in intake_home.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"settings.json", "count.csv", "office.csv"} <= names
    assert any(p.suffix == ".sqlite3" for p in written), "the journal"
    assert any(p.parent.name == "catalog" or "catalog" in p.parts for p in written), "the cache"
    log_text = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in written
        if p.name.startswith("intake.log")
    )
    assert "transferInventory" in log_text and "open_api" in log_text, "both sessions were logged"
    leaks = [
        (p.relative_to(intake_home).as_posix(), k[:6] + "…")
        for p in written
        for k in KEYS
        if k.encode() in p.read_bytes()
    ]
    assert leaks == []
