"""The Backoffice session: logging in, keeping the session in the cache, and forgetting it when refused.

Why its own module: the login is the one exchange that carries the password, and the Backoffice echoes the
password back when it refuses a login. Everything that touches the password lives here, nothing of the
login request or response is logged, and `scrub` removes the password, the session id and the cookie from
any text before it is kept in an error or a log line.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from intake_gui.pos import refusals
from intake_gui.pos.answers import error_for_status, rate_limited
from intake_gui.pos.base import Credentials, SessionCache
from intake_gui.pos.dutchie.envelope import failure_message, parse_envelope, summarize
from intake_gui.pos.dutchie.wire import read_login
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.errors import AuthenticationError, MalformedResponse, ServerError
from intake_gui.pos.http import HttpSession

log = logging.getLogger(__name__)

APPNAME_HEADER = {"appname": "Backoffice"}
SESSION_COOKIE = "LLSession"


@dataclass(frozen=True)
class Session:
    session_id: str
    cookie: str
    user_id: int
    org_id: int
    lsp_id: int | None
    loc_id: int | None
    user_name: str
    login_data: dict[str, Any] | None = field(default=None, compare=False)
    """The login answer's Data as received (None for a cached session): some tenants list the user's
    locations in it. Held in memory only, never cached."""

    def dumps(self) -> str:
        data = asdict(self)
        data.pop("login_data")
        return json.dumps(data)

    @classmethod
    def loads(cls, text: str) -> Session:
        data = json.loads(text)
        return cls(
            session_id=str(data["session_id"]),
            cookie=str(data["cookie"]),
            user_id=int(data["user_id"]),
            org_id=int(data["org_id"]),
            lsp_id=None if data["lsp_id"] is None else int(data["lsp_id"]),
            loc_id=None if data["loc_id"] is None else int(data["loc_id"]),
            user_name=str(data["user_name"]),
        )


class SessionKeeper:
    """One login's session: from the cache if there is one, else a fresh login; dropped when refused."""

    def __init__(
        self,
        http: HttpSession,
        client: httpx.Client,
        credentials: Credentials,
        cache: SessionCache | None,
        session_key: str,
        login_path: Callable[[], str],
    ) -> None:
        self._http = http
        self._client = client
        self._credentials = credentials
        self._cache = cache
        self.session_key = session_key
        self._login_path = login_path
        self._session: Session | None = None
        self._lock = threading.RLock()

    @property
    def session(self) -> Session | None:
        return self._session

    def current(self) -> Session:
        with self._lock:
            if self._session is None:
                self._session = self._cached() or self.fresh_login()
            return self._session

    def drop(self, session: Session | None = None) -> None:
        """Forget `session` (or whatever we hold) here and in the cache: the POS refused it."""
        with self._lock:
            if session is None or self._session is session:
                self._session = None
            self._cache_call("clear")

    def _cached(self) -> Session | None:
        text = self._cache_call("load")
        if not text:
            return None
        try:
            return Session.loads(text)
        except (ValueError, KeyError, TypeError):
            log.warning("Ignoring an unreadable cached session for %s", self._credentials.username)
            self._cache_call("clear")
            return None

    def _cache_call(self, op: str, value: str | None = None) -> str | None:
        """The cache is a convenience: a broken keyring must not stop a receive, so its failures are
        logged (by type only) and otherwise ignored."""
        if self._cache is None:
            return None
        try:
            if op == "load":
                return self._cache.load(self.session_key)
            if op == "save":
                assert value is not None
                self._cache.save(self.session_key, value)
            else:
                self._cache.clear(self.session_key)
        except Exception as exc:  # any keyring backend error
            log.warning("Session cache %s failed: %s", op, type(exc).__name__)
        return None

    def fresh_login(self) -> Session:
        """Log in with the password. Nothing of this request or its response is ever logged: the
        Backoffice echoes the password back on a failed login.

        A login answered with 5xx (after the read retries) is `ServerError`, not "login failed"; only a
        refusal of the credentials themselves is `AuthenticationError`."""
        path = self._login_path()
        body = {
            "Username": self._credentials.username,
            "Password": self._credentials.password,
            "RememberMe": True,
        }
        resp = self._http.send("POST", path, json=body, headers=APPNAME_HEADER, idempotent=True)
        status = resp.status_code
        env, problem = parse_envelope(resp)
        failed = env is None or not env.result or status >= 300
        if failed:
            message = self.scrub(failure_message(resp, env))
            detail = f"{path}: HTTP {status}: {message or problem or '(no message)'}"
            common: dict[str, Any] = {
                "detail": detail,
                "endpoint": path,
                "pos_message": message,
                "status": status,
            }
            if status == 429 or refusals.classify(message) is refusals.Refusal.RATE:
                raise rate_limited(
                    resp, endpoint=path, detail=detail, message=message, words=DUTCHIE_WORDS
                )
            if status >= 500:
                said = f": “{message}”" if message else "."
                raise ServerError(
                    f"Dutchie answered the login with an error (HTTP {status}){said}", **common
                )
            if env is not None and not env.result:
                raise AuthenticationError(**common)
            error = error_for_status(resp, endpoint=path, message=message, words=DUTCHIE_WORDS)
            if error is not None:
                raise error
            raise MalformedResponse(detail=f"{path}: HTTP {status}, {problem}", endpoint=path)
        assert env is not None
        try:
            data = read_login(env.data, path)
        except ValueError as exc:
            raise MalformedResponse(detail=f"{path}: {summarize(exc)}", endpoint=path) from None
        cookie = resp.cookies.get(SESSION_COOKIE) or data.session_id
        # The session cookie lives in one place (our session, cached), not also in httpx's jar.
        self._client.cookies.delete(SESSION_COOKIE)
        session = Session(
            session_id=data.session_id,
            cookie=cookie,
            user_id=data.user_id,
            org_id=data.org_id,
            lsp_id=data.lsp_id,
            loc_id=data.loc_id,
            user_name=data.user_name or self._credentials.username,
            login_data=env.data if isinstance(env.data, dict) else None,
        )
        self._cache_call("save", session.dumps())
        log.info("Logged in to %s as %s", self._client.base_url.host, self._credentials.username)
        return session

    def scrub(self, text: str) -> str:
        secrets = [self._credentials.password]
        session = self._session
        if session is not None:
            secrets += [session.session_id, session.cookie]
        for secret in sorted(filter(None, secrets), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text
