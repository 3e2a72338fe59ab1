"""A fourth POS registered from outside Intake is offered everywhere a POS is chosen, signed in to or used:
the CLI's --pos, settings (file and dialog), the sign-in form, the context (sandbox and tenant), the keyring,
counting and moving. Nothing in intake_gui names it; the Kiosk driver lives in this directory's conftest."""

from __future__ import annotations

import json
import logging

import pytest

from intake_gui.cli.app import build_parser
from intake_gui.pos.errors import AuthenticationError
from intake_gui.sandbox import SandboxConfig
from intake_gui.services.context import CredentialsNeeded, open_context, sandbox_api_base
from intake_gui.services.counting import CountingService
from intake_gui.services.credentials import training_values
from intake_gui.services.drivers import load_station_settings
from intake_gui.services.moving import MovingService
from intake_gui.services.sandbox_mounts import extra_mounts
from intake_gui.store.paths import app_paths
from intake_gui.store.settings import StationSettings, save_settings

SMALL = SandboxConfig(product_count=300, rate_limit_per_minute=0)


def test_the_cli_offers_it(kiosk):
    parser = build_parser()
    assert parser.parse_args(["--pos", "kiosk", "locations"]).pos == "kiosk"
    pos_action = next(a for a in parser._actions if "--pos" in a.option_strings)
    assert list(pos_action.choices) == ["dutchie", "blaze", "indica", "kiosk"]


def test_settings_keep_it_and_repair_a_kind_no_driver_serves(kiosk, caplog):
    paths = app_paths().ensure()
    save_settings(
        paths, StationSettings(pos_kind="kiosk", pos_options={"kiosk": {"auth_header": "X-T"}})
    )
    assert load_station_settings(paths).pos_kind == "kiosk"
    paths.settings_path.write_text(json.dumps({"schema_version": 1, "pos_kind": "square"}))
    with caplog.at_level(logging.WARNING):
        assert load_station_settings(paths).pos_kind == "dutchie"
    assert "unknown POS 'square'" in caplog.text
    assert json.loads(paths.settings_path.read_text())["pos_kind"] == "dutchie"
    assert (paths.config_dir / "settings.json.bad").exists()


def test_an_unknown_kind_from_the_environment_is_the_operators_to_fix(kiosk, monkeypatch):
    monkeypatch.setenv("INTAKE_POS_KIND", "square")
    with pytest.raises(ValueError, match="INTAKE_POS_KIND='square'"):
        load_station_settings(app_paths().ensure())
    monkeypatch.setenv("INTAKE_POS_KIND", "kiosk")
    assert load_station_settings(app_paths().ensure()).pos_kind == "kiosk"


def test_the_sandbox_mounts_its_emulator_and_the_context_opens_it(kiosk, tmp_path):
    assert "/kiosk" in extra_mounts(tmp_path)
    ctx = open_context(pos_kind="kiosk", sandbox_config=SMALL)
    try:
        assert ctx.is_sandbox and ctx.driver is kiosk and ctx.words.pos_name == "Kiosk"
        assert ctx.api_base.endswith("/kiosk/")
        assert [loc.name for loc in ctx.connector.locations()] == ["Kiosk One"]
        assert ctx.clerk == "Training clerk" and not ctx.needs_clerk_name
    finally:
        ctx.close()


def test_a_kiosk_tenant_signs_in_with_its_token_kept_out_of_settings_and_account_names(
    kiosk, sandbox_factory, memory_keyring, monkeypatch
):
    box = sandbox_factory(SMALL, extra_mounts=extra_mounts(app_paths().sandbox_dir))
    base = sandbox_api_base(box.root_url, "kiosk")
    token = training_values(kiosk)["token"]
    settings = StationSettings(pos_kind="kiosk", station_name="dock-3")
    with pytest.raises(CredentialsNeeded) as need:
        open_context(api_base=base, settings=settings)
    assert need.value.pos_kind == "kiosk" and need.value.missing == ("token",)
    with pytest.raises(AuthenticationError):
        open_context(api_base=base, settings=settings, credentials={"token": "not-the-token"})

    ctx = open_context(api_base=base, settings=settings, credentials={"token": token})
    try:
        assert ctx.needs_clerk_name and ctx.clerk == "unnamed clerk at dock-3"
        ctx.settings = ctx.settings.model_copy(update={"clerk_name": "Ana Ruiz"})
        assert ctx.clerk == "Ana Ruiz"
        ctx.save_settings()
    finally:
        ctx.close()
    assert token not in ctx.paths.settings_path.read_text()
    accounts = [account for _service, account in memory_keyring.store]
    assert accounts == [f"kiosk|{base.rstrip('/')}||token"]
    again = open_context(api_base=base, settings=settings)  # the token comes back from the keyring
    again.close()
    memory_keyring.store.clear()
    monkeypatch.setenv("INTAKE_TOKEN", token)  # INTAKE_<FIELD>, from its credential schema
    open_context(api_base=base, settings=settings, remember=False).close()


def test_counting_and_moving_follow_its_declaration(kiosk):
    from intake_gui.domain.models import DraftLine, ReceiveDraft

    ctx = open_context(pos_kind="kiosk", sandbox_config=SMALL)
    try:
        counting = CountingService(ctx)
        (loc,) = counting.locations()
        front, back = counting.rooms(loc)
        stock = counting.read_stock(loc, front, [front, back])
        assert [(s.sku, s.quantity) for s in stock.shelves] == [("K-7", 4)]
        assert stock.source == "Kiosk bay stock" and stock.pos_name == "Kiosk"
        empty = counting.read_stock(loc, back, [front, back])
        assert empty.access is not None and "access token" in empty.access.headline
        vendor = ctx.connector.vendors(loc)[0]
        draft = ReceiveDraft(
            pos="kiosk",
            location=loc,
            vendor=vendor,
            room=back,
            title="Kiosk delivery",
            lines=(DraftLine(product_id=7, sku="K-7", name="Kiosk gummies", quantity=2),),
        )
        moving = MovingService(ctx)
        assert not moving.supported
        offer = moving.offer(draft, 1)
        assert offer.instructions.startswith(kiosk.words.move_hint)
        assert "Move from Back bay to Front bay" in offer.instructions
    finally:
        ctx.close()


@pytest.mark.gui
def test_the_settings_and_sign_in_dialogs_offer_it(kiosk, qtbot):
    from PySide6.QtWidgets import QLineEdit

    from intake_gui.ui.dialogs.login_dialog import LoginDialog
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog
    from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog

    welcome = WelcomeDialog("dock-3", {}, pos_kind="kiosk")
    qtbot.addWidget(welcome)
    assert welcome.pos_kind.currentText() == "Kiosk"
    assert welcome.api_base.placeholderText() == kiosk.words.api_base_example
    welcome.tenant_choice.setChecked(True)
    welcome.api_base.setText("https://kiosk.example/")
    assert welcome.choice().pos_kind == "kiosk"

    settings = SettingsDialog(StationSettings(first_run_done=True))
    qtbot.addWidget(settings)
    i = settings.pos_kind.findData("kiosk")
    assert settings.pos_kind.itemText(i) == "Kiosk"
    settings.pos_kind.setCurrentIndex(i)
    assert settings.clerk.isEnabled() and "access token" in settings.clerk_hint.text()
    settings.clerk.setText("Ana Ruiz")
    settings._accept()
    assert settings.result_settings is not None
    assert (settings.result_settings.pos_kind, settings.result_settings.clerk_name) == (
        "kiosk",
        "Ana Ruiz",
    )

    login = LoginDialog("https://kiosk.example/", pos_kind="kiosk")
    qtbot.addWidget(login)
    assert list(login.fields) == ["token"] and login.username is None
    assert login.fields["token"].echoMode() is QLineEdit.EchoMode.Password
    assert login.intro.text().startswith(kiosk.words.login_prompt)
    assert login.windowTitle() == "Sign in to Kiosk" and login.clerk is not None
    login.fields["token"].setText("tok-123456")
    login._accept()
    assert "Enter your name" in login.verdict.text()
    login.clerk.setText("  Ana   Ruiz ")
    request = login.request()
    assert (dict(request.credentials), request.clerk_name) == ({"token": "tok-123456"}, "Ana Ruiz")
    assert "tok-123456" not in repr(request)


def test_the_cli_names_the_variables_for_its_credentials_and_the_clerk(
    kiosk, sandbox_factory, capsys, monkeypatch
):
    from intake_gui.cli.app import main

    box = sandbox_factory(SMALL, extra_mounts=extra_mounts(app_paths().sandbox_dir))
    base = sandbox_api_base(box.root_url, "kiosk")
    assert main(["--api-base", base, "--pos", "kiosk", "locations"]) == 4
    assert "set INTAKE_TOKEN, or sign in once" in capsys.readouterr().err
    monkeypatch.setenv("INTAKE_TOKEN", training_values(kiosk)["token"])
    assert main(["--api-base", base, "--pos", "kiosk", "locations"]) == 0
    out = capsys.readouterr()
    assert "Kiosk One" in out.out and "No clerk named" in out.err and "--clerk" in out.err
    assert main(["--api-base", base, "--pos", "kiosk", "--clerk", "Ana Ruiz", "locations"]) == 0
    assert "No clerk named" not in capsys.readouterr().err
