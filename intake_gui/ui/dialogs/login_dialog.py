"""Sign in to a real POS tenant, once: the password goes to the keyring ("remember me"), never to settings.

"Test connection" logs in and lists locations on a worker and says in one line what that proved (the ReUp/AIQ
pattern), so a wrong URL and a wrong password read differently before the clerk commits to either.
"""

from __future__ import annotations

from dataclasses import dataclass

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

from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import Worker, start_worker


@dataclass(frozen=True)
class LoginRequest:
    api_base: str
    username: str
    password: str
    remember: bool

    def __repr__(self) -> str:  # never show the password, even in a debugger or a log line
        return f"LoginRequest(api_base={self.api_base!r}, username={self.username!r}, remember={self.remember})"


class LoginDialog(QDialog):
    def __init__(
        self,
        api_base: str,
        username: str = "",
        *,
        pos_kind: str = "dutchie",
        message: str = "",
        keyring_persistent: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to the POS")
        self.pos_kind = pos_kind
        self._worker: Worker | None = None
        layout = QVBoxLayout(self)

        self.intro = intro = QLabel(
            message or "Sign in with your Backoffice user. Intake asks once per station."
        )
        intro.setWordWrap(True)
        intro.setObjectName("status_line" if message else "hint")
        if message:
            intro.setProperty("tone", "bad")
        layout.addWidget(intro)

        form = QFormLayout()
        self.url = QLineEdit(api_base)
        self.url.setPlaceholderText("https://<tenant>.backoffice.dutchie.com/api/")
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("&Remember me on this station")
        self.remember.setChecked(keyring_persistent)
        self.remember.setEnabled(keyring_persistent)
        if not keyring_persistent:
            self.remember.setToolTip(
                "This computer has no usable password store, so your password will be asked each session."
            )
        form.addRow("POS &address:", self.url)
        form.addRow("&Username:", self.username)
        form.addRow("&Password:", self.password)
        form.addRow("", self.remember)
        layout.addLayout(form)
        if not keyring_persistent:
            note = QLabel(
                "No password store is available here: your password will be asked each session."
            )
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
        (self.password if username else self.username if api_base else self.url).setFocus()
        self.resize(560, 0)

    def request(self) -> LoginRequest:
        return LoginRequest(
            api_base=self.url.text().strip(),
            username=self.username.text().strip(),
            password=self.password.text(),
            remember=self.remember.isChecked(),
        )

    def _missing(self) -> str:
        req = self.request()
        if not req.api_base:
            return "Enter the POS address."
        if not req.username:
            return "Enter your username."
        if not req.password:
            return "Enter your password."
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
            req.username,
            req.password,
            self.pos_kind,
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
        ok = bool(getattr(verdict, "ok", False))
        headline = str(getattr(verdict, "headline", ""))
        detail = str(getattr(verdict, "detail", ""))
        self._show_verdict(ok, f"{headline} {detail}".strip())

    def _show_verdict(self, ok: bool | None, text: str) -> None:
        mark = {True: "✔ ", False: "✖ ", None: ""}[ok]
        self.verdict.setText(mark + text)
        self.verdict.setProperty("tone", {True: "good", False: "bad", None: "info"}[ok])
        self.verdict.setVisible(True)
        repolish(self.verdict)
