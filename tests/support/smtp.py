"""A real SMTP server on loopback (aiosmtpd) that records what it receives and who signed in.

Registered as a plugin (tests/conftest.py): `mail_settings` and `smtp_server` reach every
ticketapi test without being imported.
"""

from __future__ import annotations

import email
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.processes import free_port

MAIL_FROM = "Tidewater Support <support@tidewater.example>"
USERNAME, PASSWORD = "helpdesk@tidewater.example", "p@ss:w/rd %"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class Recorder:
    """aiosmtpd's handler: accepts mail, or refuses the recipients a test names."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    #: The one login and password the server accepts.
    account: tuple[str, str] = (USERNAME, PASSWORD)
    #: Every login and password a client signed in with, right or wrong, as the server read them.
    sign_ins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data if session.authenticated else None
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.content,
                server.transport.get_extra_info("ssl_object") is not None,
                login,
            )
        )
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        # handled=False: aiosmtpd answers 535 itself when the credentials are wrong.
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.sign_ins.append((login, password))
        success = (login, password) == self.account
        return AuthResult(success=success, handled=False, auth_data=login)


@dataclass
class MailServer:
    recorder: Recorder
    port: int

    @property
    def received(self) -> list[Received]:
        return self.recorder.received

    def url(self, scheme: str = "smtp+insecure", credentials: str = "") -> str:
        return f"{scheme}://{credentials}127.0.0.1:{self.port}"


@contextmanager
def running_smtp_server(
    *, port: int | None = None, auth: bool | tuple[str, str] = False, **options
) -> Iterator[MailServer]:
    """An SMTP server on 127.0.0.1 for the length of the block; options go to aiosmtpd.

    `auth=True` asks for USERNAME and PASSWORD; a (login, password) pair asks for that one.
    """
    recorder = Recorder()
    if auth:
        if isinstance(auth, tuple):
            recorder.account = auth
        # Loopback only: aiosmtpd refuses AUTH before TLS unless told otherwise.
        options = {"authenticator": recorder.authenticate, "auth_require_tls": False} | options
    controller = Controller(recorder, hostname="127.0.0.1", port=port or free_port(), **options)
    controller.start()
    try:
        yield MailServer(recorder, controller.port)
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(app, monkeypatch):
    """Mail from Tidewater, written to the instance folder until a test sets SMTP_URL."""
    monkeypatch.setitem(app.config, "MAIL_FROM", MAIL_FROM)
    monkeypatch.setitem(app.config, "SMTP_URL", None)
    folder = Path(app.config["INSTANCE_DIR"]) / "mail"
    shutil.rmtree(folder, ignore_errors=True)
    yield app.config
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def smtp_server(mail_settings, monkeypatch) -> Iterator[MailServer]:
    """A plain SMTP server the app sends through."""
    with running_smtp_server() as server:
        monkeypatch.setitem(mail_settings, "SMTP_URL", server.url())
        yield server
