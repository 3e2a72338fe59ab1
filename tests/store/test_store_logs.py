from __future__ import annotations

import logging
from pathlib import Path

import pytest

from intake_gui.store.logs import MASK, RedactionFilter, configure_logging, redact
from intake_gui.store.secrets import SecretStore, secret_registry

SECRET = "Sup3r-Secret-Value"


@pytest.mark.parametrize(
    "text",
    [
        f'{{"Username": "kim", "Password": "{SECRET}", "RememberMe": true}}',
        f'{{"Result": false, "Data": {{"password":"{SECRET}"}}}}',
        f"{{'Password': '{SECRET}'}}",
        f"Credentials(username='kim', password='{SECRET}')",
        f"POST /login username=kim&password={SECRET}&x=1",
        f'{{"SessionId": "{SECRET}", "LocId": 1989}}',
        f'"SessionId":"{SECRET}"',
        f"SessionId={SECRET}",
        f"session_id: {SECRET}",
        f"Cookie: LLSession={SECRET}; theme=dark",
        f"set-cookie: LLSession={SECRET}; Path=/; HttpOnly",
        f"cookies {{'LLSession': '{SECRET}'}}",
        f"LLSession={SECRET}",
        f"Authorization: Bearer {SECRET}",
        f"{{'authorization': 'Basic {SECRET}'}}",
        f"headers: {{'Authorization': '{SECRET}'}}",
        f"calling with bearer {SECRET}",
        f"partner_key: {SECRET}",
        f"{{'partner_key': '{SECRET}', 'Authorization': 'x'}}",
        f"developer_key={SECRET}",
        f"x-api-key: {SECRET}",
        f'{{"api_key": "{SECRET}"}}',
        f'{{"client_secret": "{SECRET}"}}',
        f'{{"Password": "a \\" quote {SECRET}"}}',
        f"İstanbul ünïcode first, then user_password={SECRET}",
        f"PASSWORD: {SECRET}",
        f"AUTHORIZATION: BEARER {SECRET}",
        f"pass={SECRET}",
    ],
)
def test_patterns_are_redacted(text: str) -> None:
    out = redact(text)
    assert SECRET not in out
    assert MASK in out


@pytest.mark.parametrize(
    "text",
    [
        "Received 3 units of 3B4791 into room 24772",
        '{"LocId": 1989, "LspId": 575, "OrderTitle": "INV-1 [IN-0A1B2C3D4E]", "token": "IN-0A1B2C3D4E"}',
        "session expired, logging in again",
        "bypass=1 compass: north",
        "",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_registered_secrets_are_redacted_in_any_form() -> None:
    pw = "p@ss word/1"
    secret_registry.add(pw)
    out = redact(
        f'Invalid login: {pw} | form p%40ss+word%2F1 | url p%40ss%20word%2F1 | json "{pw}"'
    )
    assert "p@ss" not in out
    assert "p%40ss" not in out
    assert out.count(MASK) == 4


def test_values_from_the_secret_store_are_redacted() -> None:
    SecretStore().set_password("kim", "echoed-by-the-pos")
    assert redact("Message: Wrong password echoed-by-the-pos") == f"Message: Wrong password {MASK}"


def test_short_values_are_not_registered() -> None:
    secret_registry.add("abc")
    assert redact("abc abc") == "abc abc"


@pytest.mark.usefixtures("restore_logging")
def test_file_log_is_redacted_including_args_and_tracebacks(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs")
    assert path == tmp_path / "logs" / "intake.log"
    secret_registry.add("registered-session-id")
    log = logging.getLogger("intake_gui.test")
    log.info("login body %s", {"Username": "kim", "Password": SECRET})
    log.warning("cookie jar: %r", "LLSession=registered-session-id")
    try:
        raise RuntimeError(f"POS said: password={SECRET} for registered-session-id")
    except RuntimeError:
        log.exception("login failed for %s", "registered-session-id")
    log.info("plain %s and %d", "words", 3)
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    assert "registered-session-id" not in text
    assert "Traceback" in text
    assert "RuntimeError" in text
    assert "plain words and 3" in text
    assert "'Username': 'kim'" in text


@pytest.mark.usefixtures("restore_logging")
def test_configure_logging_is_idempotent(tmp_path: Path) -> None:
    before = len(logging.getLogger().handlers)
    configure_logging(tmp_path)
    path = configure_logging(tmp_path, level=logging.DEBUG, console=True)
    root = logging.getLogger()
    assert len(root.handlers) == before + 2  # one file handler, one console handler
    assert root.level == logging.DEBUG
    logging.getLogger("intake_gui.test").info("once")
    for h in root.handlers:
        h.flush()
    assert path.read_text(encoding="utf-8").count("once") == 1
    configure_logging(tmp_path)
    assert len(root.handlers) == before + 1


def test_filter_survives_bad_arguments() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "needs %s %s " + SECRET, ("one",), None
    )
    record.msg = "password=" + SECRET + " %s %s"
    assert RedactionFilter().filter(record)
    assert SECRET not in record.getMessage()
    assert record.args is None


def test_filter_redacts_stack_info() -> None:
    secret_registry.add(SECRET)
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "m", None, None, sinfo=f"frame {SECRET}"
    )
    RedactionFilter().filter(record)
    assert record.stack_info == f"frame {MASK}"
