"""Where the shared record is: the URL rules (no password, TLS off the station), without a database."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from intake_gui.store.paths import app_paths
from intake_gui.store.settings import StationSettings, load_settings, save_settings
from intake_gui.store.shared_record.config import SharedRecordConfigError, parse, safe_url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://kim:hunter22@db.store.lan/intake", "must not contain a password"),
        ("postgresql://kim@db.store.lan/intake?password=hunter22", "must not contain a password"),
        ("mysql://kim@db.store.lan/intake", "must start with postgresql://"),
        ("postgresql://db.store.lan/intake", "names no database user"),
        ("postgresql://kim@db.store.lan/", "names no database"),
        ("postgresql://kim@db.store.lan/intake?sslmode=require", "sslmode=require is not enough"),
        ("postgresql://kim@db.store.lan/intake?sslmode=disable", "verify-full"),
        ("postgresql://kim@db.store.lan/intake?sslmode=verify-ca", "verify-full"),
        ("postgresql://kim@db.store.lan/intake?sslmode=bogus", "unknown sslmode"),
        ("postgresql://kim@db.store.lan:notaport/intake", "not a URL"),
        ("postgresql://kim@db.store.lan/intake?target_session_attrs=any", "does not use"),
    ],
)
def test_refused_with_words(url: str, words: str) -> None:
    with pytest.raises(SharedRecordConfigError, match=words) as refused:
        parse(url)
    assert "hunter22" not in str(refused.value)


def test_off_the_station_tls_verify_full_is_implied() -> None:
    config = parse("postgresql://receiving2@db.store.lan/intake")
    assert not config.local and config.sslmode == "verify-full"
    assert config.port == 5432 and config.display == "receiving2@db.store.lan:5432/intake"
    assert config.keyring_account == "shared-record|receiving2@db.store.lan:5432/intake"
    assert (
        safe_url(config) == "postgresql://receiving2@db.store.lan:5432/intake?sslmode=verify-full"
    )
    args = config.connect_args("s3cret", application_name="intake Receiving-2")
    assert args["password"] == "s3cret" and args["sslmode"] == "verify-full"
    assert "s3cret" not in safe_url(config) and "s3cret" not in config.display


def test_on_the_station_no_tls_needed() -> None:
    for url in (
        "postgresql://kim@127.0.0.1:55432/intake",
        "postgresql://kim@localhost/intake",
        "postgresql://kim@[::1]/intake",
        "postgresql://kim@/intake?host=/var/run/postgresql",
    ):
        config = parse(url)
        assert config.local and config.sslmode == "", url
    socket = parse("postgresql://kim@/intake?host=/var/run/postgresql")
    assert socket.host == "/var/run/postgresql" and "host" not in dict(socket.query)


def test_settings_refuse_a_password_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as refused:
        StationSettings(shared_record_url="postgresql://kim:hunter22@db/intake")
    assert "hunter22" not in str(refused.value)
    monkeypatch.setenv("INTAKE_SHARED_RECORD_URL", "postgresql://kim:hunter22@db/intake")
    with pytest.raises(ValidationError) as from_env:
        StationSettings()
    assert "hunter22" not in str(from_env.value)


def test_the_url_saved_in_settings_has_no_secret() -> None:
    paths = app_paths().ensure()
    save_settings(paths, StationSettings(shared_record_url="postgresql://kim@db.store.lan/intake"))
    saved = json.loads(paths.settings_path.read_text())
    assert saved["shared_record_url"] == "postgresql://kim@db.store.lan/intake"
    assert load_settings(paths).shared_record_url == saved["shared_record_url"]
