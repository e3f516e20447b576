"""queue_mail() checks what it is given, queues after the commit, and never waits on SMTP."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path

import pytest

from tests.support.jobs import drain, relay
from ticketapi.extensions import db
from ticketapi.mail.outbound import queue_mail
from ticketapi.people.models import Organization


class Undone(Exception):
    """Raised inside a transaction to roll it back."""


def eml_files(config) -> list[Path]:
    return sorted((Path(config["INSTANCE_DIR"]) / "mail").glob("*.eml"))


def test_mail_is_queued_once_when_the_change_commits(mail_settings, queue):
    with db.session.begin():
        db.session.add(Organization(name="Acme"))
        message_id = queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hello")
        assert queue.huey.pending_count() == 0
    assert relay(queue) == 1
    db.session.commit()
    assert relay(queue) == 0
    assert queue.huey.pending_count() == 1
    assert drain(queue) == 1
    (eml,) = eml_files(mail_settings)
    assert f"Message-ID: {message_id}" in eml.read_text()
    assert message_id.endswith("@tidewater.example>")  # the domain of HELPDESK_MAIL_FROM


def test_a_rolled_back_change_sends_nothing(mail_settings, queue):
    with pytest.raises(Undone), db.session.begin():
        db.session.add(Organization(name="Acme"))
        queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hello")
        raise Undone
    db.session.commit()
    assert queue.huey.pending_count() == 0
    assert drain(queue) == 0
    assert eml_files(mail_settings) == []


def test_outside_a_transaction_mail_is_queued_at_once(mail_settings, queue):
    db.session.commit()
    queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hello")
    assert relay(queue) == 1


def test_addresses_are_plain_deduplicated_and_idn_encoded(mail_settings, queue):
    queue_mail(
        to=[" ana@acme.example", "ana@acme.example", "jo@bücher.example"],
        subject="Hi",
        text=".",
        reply_to="desk@tidewater.example",
    )
    relay(queue)
    (task,) = queue.huey.pending()
    assert task.kwargs["to"] == ["ana@acme.example", "jo@xn--bcher-kva.example"]
    assert task.kwargs["reply_to"] == "desk@tidewater.example"


@pytest.mark.parametrize(
    ("mail", "message"),
    [
        ({"subject": "Hi\r\nBcc: victim@example.com"}, "Subject header contains a line break"),
        ({"subject": "Hi\nthere"}, "header injection"),
        ({"headers": {"References": "<a@b>\r\nBcc: x@y"}}, "References header contains"),
        ({"headers": {"X-Tag": "a\x0bb"}}, "control character"),
        ({"headers": {"X-Bad: Name": "x"}}, "is not a header name"),
        ({"headers": {"Bcc": "victim@example.com"}}, "Bcc header is set by queue_mail"),
        ({"headers": {"Message-ID": "<mine@example.com>"}}, "made once and returned"),
        ({"headers": {"X-A": "1", "x-a": "2"}}, "given twice"),
        ({"to": ["ana@acme.example\r\nBcc: x@y"]}, "line break"),
        ({"to": ["ana.acme.example"]}, "it has no @"),
        ({"to": ["ana@acme.example, eve@evil.example"]}, "a single address"),
        ({"to": ["Ana <ana@acme.example>"]}, "a single address"),
        ({"to": ["josé@acme.example"]}, "SMTPUTF8"),
        ({"to": "ana@acme.example"}, "non-empty list"),
        ({"to": []}, "non-empty list"),
        ({"reply_to": "desk@tidewater.example\nBcc: x@y"}, "Reply-To address"),
        ({"reply_to": "desk"}, "it has no @"),
    ],
)
def test_header_injection_and_bad_addresses_are_refused(mail_settings, queue, mail, message):
    arguments = {"to": ["ana@acme.example"], "subject": "Hi", "text": "Hello"} | mail
    with pytest.raises(ValueError, match=message):
        queue_mail(**arguments)
    db.session.commit()
    assert queue.huey.pending_count() == 0


class SilentSmtpServer:
    """A port that accepts connections and never says a word: an SMTP client there waits for
    a greeting that never comes. Every connection sets `contacted`."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.contacted = threading.Event()
        #: More events to set on the first contact (a test waiting for one thing or another).
        self.also_tell: list[threading.Event] = []
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.connections.append(connection)
            self.contacted.set()
            for event in self.also_tell:
                event.set()

    def close(self) -> None:
        # A client still waiting for the greeting is let go: the connection ends.
        for connection in self.connections:
            connection.close()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=10)


@pytest.fixture
def silent_smtp_server(mail_settings, monkeypatch):
    server = SilentSmtpServer()
    monkeypatch.setitem(mail_settings, "SMTP_URL", f"smtp://127.0.0.1:{server.port}")
    yield server
    server.close()


def answered_before_smtp(silent: SilentSmtpServer, request) -> threading.Event:
    """Run `request` in a thread of its own; return once it has answered or the SMTP server
    was contacted, whichever comes first (a request that waited on the server would hang)."""
    settled = threading.Event()
    answered = threading.Event()

    def run() -> None:
        try:
            request()
            answered.set()
        finally:
            settled.set()

    silent.also_tell.append(settled)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert settled.wait(60), "the request neither answered nor contacted SMTP in 60 s"
    assert not silent.contacted.is_set(), "the request connected to the SMTP server"
    thread.join(timeout=60)
    return answered


def test_a_request_that_sends_mail_never_waits_on_smtp(
    app, mail_settings, queue, silent_smtp_server
):
    def request() -> None:
        with app.test_request_context("/api/v1/anything", method="POST"):
            db.session.add(Organization(name="Acme"))
            queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hello")
            db.session.commit()
            db.session.remove()

    assert answered_before_smtp(silent_smtp_server, request).is_set()
    assert relay(queue) == 1
    assert not silent_smtp_server.contacted.is_set()


def test_queue_mail_needs_a_valid_sender(app, mail_settings, queue, monkeypatch):
    monkeypatch.setitem(mail_settings, "MAIL_FROM", "helpdesk")
    with pytest.raises(ValueError, match="not one address"):
        queue_mail(to=["ana@acme.example"], subject="Hi", text=".")


def test_an_api_request_that_queues_mail_never_waits_on_smtp(
    app, world, mail_settings, queue, silent_smtp_server
):
    crm = world.agent("Carla", permissions=["crm.edit"])
    ann = world.user("Ann Lee", email="ann@acme.example")
    responses = []

    def request() -> None:
        # As a server thread would: an app context and a session of its own.
        with app.app_context():
            responses.append(world.post(f"/api/v1/users/{ann.id}/password-reset", crm))
            db.session.remove()

    assert answered_before_smtp(silent_smtp_server, request).is_set()
    (response,) = responses
    assert response.status_code == 202, response.json
    assert "mailed ann@acme.example a link" in response.json["message"]
    # The mail waits in the outbox for a worker, which alone talks to SMTP.
    assert relay(queue) == 1
    (task,) = queue.huey.pending()
    assert task.name == "mail.send_mail"
    assert task.kwargs["to"] == ["ann@acme.example"]
    assert not silent_smtp_server.contacted.is_set()
