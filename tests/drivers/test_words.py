"""Each driver's words, and what BLAZE and IndicaOnline clerks actually read: no screen, hint or message of
theirs mentions Backoffice (Dutchie's admin app).

The walk opens the screens a BLAZE or IndicaOnline station shows — the sign-in form (fresh and after a
refusal), Settings with that POS chosen, the "who is receiving?" prompt, the no-receive page, the shelf count
on every room (refusals, the empty-room access warning, the read's caveats, the status line) — and reads
every label, placeholder, tooltip, button and title in them, plus the services' messages for counting,
moving and testing a connection. The Settings POS list itself names "Dutchie Backoffice" as a choice and is
the one text left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine, ReceiveDraft, Vendor
from intake_gui.domain.pos_words import PosWords
from intake_gui.pos.errors import PosError
from intake_gui.pos.registry import driver_for, registry
from intake_gui.services.context import open_context, sandbox_api_base, test_connection
from intake_gui.services.counting import CountingService, CountRefused
from intake_gui.services.credentials import training_values
from intake_gui.services.moving import MovingService
from intake_gui.store.settings import StationSettings

KEY_POSES = ("blaze", "indica")
WAIT = 20_000


def _strings(words: PosWords) -> dict[str, str]:
    return {
        f.name: v for f in dataclasses.fields(words) if isinstance(v := getattr(words, f.name), str)
    }


@pytest.mark.parametrize("kind", registry.kinds())
def test_each_driver_says_who_it_is_where_things_are_and_its_limits(kind: str) -> None:
    driver = driver_for(kind)
    words = driver.words
    assert driver.display_name.startswith(words.pos_name)
    for name in ("pos_name", "admin_app", "room_word", "inventory_screen", "login_prompt"):
        assert getattr(words, name).strip(), name
    assert words.credential_word and words.location_word and words.count_source
    assert words.inventory_screen.startswith(words.admin_app)
    assert words.rooms_settings.startswith(words.admin_app)
    assert bool(words.receive_hint) == (not driver.summary.receive)
    assert bool(words.move_hint) == (not driver.summary.move)


def test_the_limits_are_each_pos_own() -> None:
    dutchie, blaze, indica = (driver_for(k).words for k in ("dutchie", "blaze", "indica"))
    assert (dutchie.history_window_days, dutchie.documented_rate_per_minute) == (31, 60)
    assert (blaze.history_window_days, indica.history_window_days) == (7, None)
    assert blaze.documented_rate_per_minute is None and indica.documented_rate_per_minute is None
    assert (blaze.location_word, indica.location_word) == ("shop", "office")
    assert (
        "partner and developer key" in blaze.credential_word and indica.credential_word == "API key"
    )


@pytest.mark.parametrize("kind", KEY_POSES)
def test_no_word_of_a_key_pos_names_backoffice(kind: str) -> None:
    words = driver_for(kind).words
    assert {n: v for n, v in _strings(words).items() if "backoffice" in v.casefold()} == {}
    assert "Backoffice" in driver_for("dutchie").words.admin_app  # the check can see it where it is


def test_the_connectors_hints_are_the_drivers_words() -> None:
    from intake_gui.pos.dutchie.connector import MOVE_HINT as DUTCHIE_MOVE
    from intake_gui.pos.indica.connector import MOVE_HINT as INDICA_MOVE
    from intake_gui.pos.indica.connector import RECEIVE_HINT

    assert driver_for("dutchie").words.move_hint == DUTCHIE_MOVE
    assert (
        driver_for("indica").words.receive_hint,
        driver_for("indica").words.move_hint,
    ) == (RECEIVE_HINT, INDICA_MOVE)


# ---- the walk ----------------------------------------------------------------------------------------


def widget_texts(root: Any) -> list[str]:
    """Every text a clerk can read in `root`: titles, labels, placeholders, tooltips, button texts."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget

    out = [root.windowTitle(), root.toolTip()]
    for w in root.findChildren(QWidget):
        out += [w.toolTip(), w.accessibleName()]
        if isinstance(w, QLabel):
            out.append(w.text())
        elif isinstance(w, QLineEdit):
            out += [w.text(), w.placeholderText()]
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QComboBox) and w.objectName() != "pos_choice":
            out += [w.itemText(i) for i in range(w.count())]
    return [t for t in out if t]


def backoffice_in(texts: list[str]) -> list[str]:
    return [t for t in texts if "backoffice" in t.casefold() or "back office" in t.casefold()]


@pytest.fixture
def key_pos_ctx(mounted_sandbox: Any) -> Iterator[Any]:
    opened: list[Any] = []

    def open_(kind: str) -> Any:
        ctx = open_context(
            api_base=sandbox_api_base(mounted_sandbox.root_url, kind),
            pos_kind=kind,
            credentials=training_values(driver_for(kind)),
            clerk="Maria Lopez",
            remember=False,
            settings=StationSettings(station_name="dock-3", rate_limit_per_minute=0),
        )
        opened.append(ctx)
        return ctx

    yield open_
    for ctx in opened:
        ctx.close()


@pytest.mark.gui
@pytest.mark.parametrize("kind", KEY_POSES)
def test_no_screen_of_a_key_pos_mentions_backoffice(kind, key_pos_ctx, mounted_sandbox, qtbot):
    from intake_gui.ui.count_window import CountWindow
    from intake_gui.ui.dialogs.clerk_dialog import ClerkDialog
    from intake_gui.ui.dialogs.login_dialog import LoginDialog, refused_message
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog
    from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog
    from intake_gui.ui.pages.no_receive_page import NoReceivePage
    from intake_gui.ui.workers import wait_for_workers

    driver = driver_for(kind)
    base = sandbox_api_base(mounted_sandbox.root_url, kind)
    texts: list[str] = []

    for message in ("", refused_message(kind)):
        login = LoginDialog(base, pos_kind=kind, message=message, keyring_persistent=False)
        qtbot.addWidget(login)
        login._accept()  # the "what is missing" line
        texts += widget_texts(login)
    assert any(driver.words.pos_name in t for t in texts)

    settings = SettingsDialog(StationSettings(pos_kind=kind, first_run_done=True))
    qtbot.addWidget(settings)
    assert settings.pos_kind.objectName() == "pos_choice"
    texts += widget_texts(settings)
    welcome = WelcomeDialog("dock-3", {}, pos_kind=kind)
    qtbot.addWidget(welcome)
    texts += widget_texts(welcome)
    clerk = ClerkDialog(driver.words)
    qtbot.addWidget(clerk)
    clerk._accept()
    texts += widget_texts(clerk)
    page = NoReceivePage()
    qtbot.addWidget(page)
    page.show_for(driver.words.pos_name, driver.summary.receive_hint)
    texts += widget_texts(page)

    wrong = {n: "wrong-key-0001" for n in driver.credentials.model_fields}
    for creds in (wrong, training_values(driver)):
        verdict = test_connection(base, creds, kind, timeout=10)
        texts += [verdict.headline, verdict.detail]

    ctx = key_pos_ctx(kind)
    window = CountWindow(ctx, install_scanner=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(window.rooms), timeout=WAIT)
    for room in list(window.rooms):
        window.set_room(room.room_id)
        texts += widget_texts(window)
        if window.start_button.isEnabled():
            with qtbot.waitSignal(window.stock_loaded, timeout=WAIT):
                window.start_count()
            window.handle_scan("NOT-A-CODE-123")
            texts += widget_texts(window)
    window.close()
    wait_for_workers(15)

    counting = CountingService(ctx)
    for loc in counting.locations():
        rooms = counting.rooms(loc)
        for room in rooms:
            try:
                stock = counting.read_stock(loc, room, rooms)
                texts += [stock.source, *stock.notes]
                if stock.access:
                    texts += [
                        stock.access.headline,
                        stock.access.what_happened,
                        stock.access.what_to_do,
                    ]
            except CountRefused as refused:
                texts += [refused.diagnosis.headline, refused.diagnosis.what_to_do]
            except PosError as exc:
                texts.append(exc.message)
        draft = ReceiveDraft(
            pos=kind,
            location=loc,
            vendor=Vendor(vendor_id=1, name="Walk vendor"),
            room=rooms[-1],
            title="Walk",
            lines=(DraftLine(product_id=1, sku="X-1", name="Walk", quantity=1),),
        )
        try:
            offer = MovingService(ctx).offer(draft, 1)
            texts += [offer.instructions, offer.note]
        except Exception as exc:
            texts.append(getattr(exc, "message", str(exc)))
        break
    seen = " ".join(texts)
    assert driver.words.count_source in seen, "the walk reached the shelf count"
    assert "shows no stock" in seen or driver.words.count_note in seen, "and its caveats"
    assert backoffice_in(texts) == []


def test_history_is_read_in_each_pos_own_window() -> None:
    from types import SimpleNamespace

    from intake_gui.services.history import HistoryService

    widths = {
        kind: HistoryService(SimpleNamespace(words=driver_for(kind).words)).window_days  # type: ignore[arg-type]
        for kind in ("dutchie", "blaze", "indica")
    }
    assert widths == {
        "dutchie": 31,
        "blaze": 7,
        "indica": 31,
    }  # IndicaOnline has no history read at all


@pytest.mark.parametrize("kind", KEY_POSES)
def test_no_diagnosis_for_a_key_pos_mentions_backoffice(kind: str) -> None:
    """Every submit-error diagnosis in the words of a BLAZE or IndicaOnline station (real tenant and sandbox)."""
    from intake_gui.domain.diagnosis import Speech
    from intake_gui.domain.diagnosis.submit import SubmitErrorKind, diagnose_submit_error

    texts: list[str] = []
    for sandbox in (False, True):
        speech = Speech(pos=driver_for(kind).words, training_sandbox=sandbox)
        for error in SubmitErrorKind:
            for said in ("", "Too many requests - only 60 per minute allowed", "Session expired"):
                d = diagnose_submit_error(error.value, said, speech=speech, retry_after_s=5)
                texts += [d.headline, d.what_happened, d.what_to_do]
    assert len(texts) > 50 and backoffice_in(texts) == []


def test_the_lights_of_a_blaze_receive_into_the_safe_speak_blaze(key_pos_ctx: Any) -> None:
    """A receive into a room customers cannot buy from: the red sellable light's words name BLAZE's places."""
    from intake_gui.domain.verification import LightKind, LightState
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService

    ctx = key_pos_ctx("blaze")
    setup = SetupService(ctx)
    loc = setup.locations()[0]
    safe = next(r for r in setup.rooms(loc) if r.name == "Safe")
    on_floor = {i.sku for i in ctx.connector.sellable_inventory(loc)}
    product = next(p for p in ctx.connector.products(loc) if p.sku not in on_floor)
    draft = ReceiveDraft(
        pos="blaze",
        location=loc,
        vendor=setup.vendors(loc)[0],
        room=safe,
        title="Into the safe",
        lines=(
            DraftLine(
                product_id=product.product_id, sku=product.sku, name=product.name, quantity=2
            ),
        ),
    )
    service = ReceivingService(ctx, settle_s=0)
    baseline = service.baseline(draft)
    result = service.submit(draft)
    report = service.verify(
        draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at
    )
    sellable = report.by_kind(LightKind.SELLABLE)
    assert sellable.state is LightState.RED
    texts = [
        t
        for light in report.lights
        for t in (light.headline, light.what_happened, light.what_to_do)
    ]
    assert backoffice_in(texts) == []
    assert "BLAZE" in " ".join(texts)
