"""After a full run — login, a receive, a forced re-login, failed logins — no file Intake wrote holds a secret.

Logging runs at DEBUG so httpx/httpcore write request and response headers (Set-Cookie included) and the POS's
echo of a wrong password reaches the log pipeline: the redaction has to catch all of it.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest

from intake_gui.domain.models import DraftLine, ReceiveDraft
from intake_gui.pos.errors import AuthenticationError
from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER, SandboxConfig
from intake_gui.services.context import open_context, test_connection
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
    verdict = test_connection(box.base_url, TRAINING_USER, WRONG)
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
