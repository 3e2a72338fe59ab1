"""Sign in to a real POS tenant, once: secrets go to the keyring ("remember me"), never to settings.

The form is built from the POS driver's credential schema: Dutchie asks for a username and password, BLAZE
for its partner and developer keys, IndicaOnline for an API key, and a POS added later for whatever its
driver declares. Secret fields are masked. Where the login names a shop rather than a person, the form also
asks who is signing in, because that name is what the audit trail records.

"Test connection" logs in and lists locations on a worker and says in one line what that proved (the
ReUp/AIQ pattern), so a wrong URL and a wrong key read differently before the clerk commits to either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.services.drivers import driver_for
from intake_gui.store.settings import StationSettings
from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import Worker, start_worker

CLERK_HINT = "Recorded with every receive and move: the {key} names the {place}, not the person."


@dataclass(frozen=True)
class LoginRequest:
    api_base: str
    credentials: Mapping[str, str] = field(repr=False)
    """Credential field -> value, as the driver's schema names them (secret ones included)."""
    remember: bool = True
    clerk_name: str = ""
    """Who is signing in, where the POS's login names nobody ("" otherwise)."""
    pos_kind: str = "dutchie"

    @property
    def username(self) -> str:
        return self.credentials.get("username", "")

    def __repr__(self) -> str:  # never show a secret, even in a debugger or a log line
        return (
            f"LoginRequest(pos_kind={self.pos_kind!r}, api_base={self.api_base!r}, "
            f"username={self.username!r}, clerk_name={self.clerk_name!r}, remember={self.remember})"
        )


def refused_message(pos_kind: str) -> str:
    """What the sign-in says after the POS refused the credentials, in that POS's words."""
    words = driver_for(pos_kind).words
    return f"{words.pos_name} did not accept that {words.credential_word}. Try again."


class LoginDialog(QDialog):
    def __init__(
        self,
        api_base: str,
        username: str = "",
        *,
        pos_kind: str = "dutchie",
        message: str = "",
        keyring_persistent: bool = True,
        clerk_name: str = "",
        station: StationSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`station`: the station's settings, so Test connection uses its transport and POS options."""
        super().__init__(parent)
        self.pos_kind = pos_kind
        self.station = station
        self.driver = driver = driver_for(pos_kind)
        words, schema = driver.words, driver.credentials
        self.setWindowTitle(f"Sign in to {words.pos_name}")
        self._worker: Worker | None = None
        layout = QVBoxLayout(self)

        self.intro = intro = QLabel(
            message or f"{words.login_prompt} Intake asks once per station."
        )
        intro.setWordWrap(True)
        intro.setObjectName("status_line" if message else "hint")
        if message:
            intro.setProperty("tone", "bad")
        layout.addWidget(intro)

        form = QFormLayout()
        self.url = QLineEdit(api_base)
        self.url.setPlaceholderText(words.api_base_example)
        form.addRow(f"{words.pos_name} &address:", self.url)
        self.fields: dict[str, QLineEdit] = {}
        for name in schema.model_fields:
            edit = QLineEdit(username if name == "username" else "")
            edit.setAccessibleName(schema.label(name))
            if name in schema.secret_fields():
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            if schema.hint(name):
                edit.setToolTip(schema.hint(name))
            self.fields[name] = edit
            form.addRow(f"&{schema.label(name)}:", edit)
        self.username: QLineEdit | None = self.fields.get("username")
        self.password: QLineEdit | None = self.fields.get("password")
        self.clerk: QLineEdit | None = None
        if not driver.names_person:
            self.clerk = QLineEdit(clerk_name)
            self.clerk.setAccessibleName("Your name")
            self.clerk.setToolTip(
                CLERK_HINT.format(key=words.credential_word, place=words.location_word)
            )
            form.addRow("Your &name:", self.clerk)
        keys = "" if driver.names_person else " the keys"
        self.remember = QCheckBox(f"&Remember{keys or ' me'} on this station")
        self.remember.setChecked(keyring_persistent)
        self.remember.setEnabled(keyring_persistent)
        if not keyring_persistent:
            self.remember.setToolTip(
                "This computer has no usable password store, so you will be asked each session."
            )
        form.addRow("", self.remember)
        layout.addLayout(form)
        if not keyring_persistent:
            note = QLabel("No password store is available here: you will be asked each session.")
            note.setObjectName("hint")
            note.setWordWrap(True)
            layout.addWidget(note)

        self.verdict = QLabel("")
        self.verdict.setObjectName("status_line")
        self.verdict.setWordWrap(True)
        self.verdict.setVisible(False)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.verdict)

        buttons = QDialogButtonBox()
        self.test_button = QPushButton("&Test connection")
        self.test_button.setToolTip("Log in and list locations without saving anything (Alt+T)")
        self.test_button.clicked.connect(self.test_connection)
        self.ok_button = QPushButton("&Sign in")
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._first_empty().setFocus()
        self.resize(560, 0)

    def _first_empty(self) -> QLineEdit:
        edits = [self.url, *self.fields.values(), *([self.clerk] if self.clerk else [])]
        return next((e for e in edits if not e.text().strip()), edits[-1])

    def request(self) -> LoginRequest:
        values = {
            name: edit.text().strip() if name == "username" else edit.text()
            for name, edit in self.fields.items()
        }
        return LoginRequest(
            api_base=self.url.text().strip(),
            credentials=values,
            remember=self.remember.isChecked(),
            clerk_name=" ".join(self.clerk.text().split()) if self.clerk else "",
            pos_kind=self.pos_kind,
        )

    def _missing(self) -> str:
        req = self.request()
        if not req.api_base:
            return f"Enter the {self.driver.words.pos_name} address."
        schema = self.driver.credentials
        for name, value in req.credentials.items():
            if not value.strip():
                return f"Enter the {schema.label(name).lower()}."
        if self.clerk is not None and not req.clerk_name:
            return "Enter your name: the receiving record says who received."
        return ""

    def _accept(self) -> None:
        missing = self._missing()
        if missing:
            self._show_verdict(False, missing)
            return
        self.accept()

    def test_connection(self) -> None:
        missing = self._missing()
        if missing:
            self._show_verdict(False, missing)
            return
        from intake_gui.services.context import test_connection

        req = self.request()
        self.test_button.setEnabled(False)
        self._show_verdict(None, "Testing the connection…")
        self._worker = start_worker(
            test_connection,
            req.api_base,
            dict(req.credentials),
            self.pos_kind,
            station=self.station,
            on_returned=self._tested,
            on_errored=lambda exc: self._show_verdict(
                False, f"The test itself failed: {type(exc).__name__}."
            ),
            on_finished=lambda: self.test_button.setEnabled(True),
        )

    @property
    def testing(self) -> bool:
        return self._worker is not None and not self._worker.done

    def _tested(self, verdict: object) -> None:
        from intake_gui.services.context import ConnectionVerdict

        assert isinstance(verdict, ConnectionVerdict)
        self._show_verdict(verdict.ok, f"{verdict.headline} {verdict.detail}".strip())

    def _show_verdict(self, ok: bool | None, text: str) -> None:
        mark = {True: "✔ ", False: "✖ ", None: ""}[ok]
        self.verdict.setText(mark + text)
        self.verdict.setProperty("tone", {True: "good", False: "bad", None: "info"}[ok])
        self.verdict.setVisible(True)
        repolish(self.verdict)
