"""queue_mail() checks what it is given, queues after the commit, and never waits on SMTP."""

from __future__ import annotations

import select
import socket
import time
from pathlib import Path

import pytest

from tests.ticketapi.jobs.conftest import drain, relay
from ticketapi.extensions import db
from ticketapi.jobs.failures import record_failure
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


@pytest.fixture
def silent_smtp_server(mail_settings, monkeypatch):
    """A port that accepts connections and never answers: an SMTP client there would hang."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        monkeypatch.setitem(mail_settings, "SMTP_URL", f"smtp://127.0.0.1:{port}")
        yield listener


def contacted(listener: socket.socket) -> bool:
    readable, _, _ = select.select([listener], [], [], 0)
    return bool(readable)


def test_a_request_that_sends_mail_never_waits_on_smtp(
    app, mail_settings, queue, silent_smtp_server
):
    started = time.monotonic()
    with app.test_request_context("/api/v1/anything", method="POST"):
        db.session.add(Organization(name="Acme"))
        queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hello")
        db.session.commit()
    assert time.monotonic() - started < 5  # an SMTP client would wait 30 s for a greeting
    assert relay(queue) == 1
    assert not contacted(silent_smtp_server)


def test_queue_mail_needs_a_valid_sender(app, mail_settings, queue, monkeypatch):
    monkeypatch.setitem(mail_settings, "MAIL_FROM", "helpdesk")
    with pytest.raises(ValueError, match="not one address"):
        queue_mail(to=["ana@acme.example"], subject="Hi", text=".")


def test_an_api_request_that_queues_mail_never_waits_on_smtp(
    world, mail_settings, queue, silent_smtp_server
):
    queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hello")
    relay(queue)
    (task,) = queue.huey.pending()
    queue.huey.flush()
    failed = record_failure(
        task_name="mail.send_mail",
        args=[],
        kwargs=task.kwargs,
        error=ConnectionRefusedError("the server was down"),
        attempts=6,
        first_failed_at=world.now,
        now=world.now,
    )
    admin = world.admin()
    started = time.monotonic()
    response = world.post(f"/api/v1/jobs/failed/{failed.id}/retry", admin)
    assert response.status_code == 200
    assert time.monotonic() - started < 5
    assert relay(queue) == 1
    assert not contacted(silent_smtp_server)
