"""send_mail delivers through a real SMTP server: headers, sign-in, TLS, refusals, outages."""

from __future__ import annotations

import logging

import pytest

from tests.support.jobs import drain, drain_with_retries
from tests.support.processes import free_port
from tests.support.smtp import MAIL_FROM, USERNAME, running_smtp_server
from ticketapi.config import from_environ
from ticketapi.extensions import db
from ticketapi.jobs.models import FailedJob
from ticketapi.mail.outbound import queue_mail

QUOTED_CREDENTIALS = "helpdesk%40tidewater.example:p%40ss%3Aw%2Frd%20%25@"


def failed_jobs() -> list[FailedJob]:
    return list(db.session.scalars(db.select(FailedJob)))


def test_a_message_arrives_with_its_headers_parts_and_threading(smtp_server, queue):
    references = "<first@tidewater.example> <AM0PR01MB1234567890ABCDEF@AM0PR01MB1234.eurprd01.prod.exchangelabs.com>"
    message_id = queue_mail(
        to=["ana@acme.example", "bo@acme.example"],
        subject="Re: Printer on fire [#K7QF-M2XP] — réponse",
        text="We sent a technician.\nRegards",
        html="<p>We sent a <b>technician</b>.</p>",
        headers={
            "In-Reply-To": "<first@tidewater.example>",
            "References": references,
            "Auto-Submitted": "auto-generated",
        },
        reply_to="k7qf-m2xp@tidewater.example",
    )
    assert drain(queue) == 1

    (received,) = smtp_server.received
    assert received.mail_from == "support@tidewater.example"
    assert received.rcpt_tos == ["ana@acme.example", "bo@acme.example"]
    message = received.message
    assert message["From"] == MAIL_FROM
    assert message["To"] == "ana@acme.example, bo@acme.example"
    assert message["Subject"] == "Re: Printer on fire [#K7QF-M2XP] — réponse"
    assert message["Message-ID"] == message_id
    assert message["Date"].datetime.tzinfo is not None
    assert message["Reply-To"] == "k7qf-m2xp@tidewater.example"
    assert message["In-Reply-To"] == "<first@tidewater.example>"
    assert message["References"] == references
    # As sent, not as RFC 2047 encoded words, which no mail program reads as Message-IDs.
    headers = received.data.split(b"\r\n\r\n")[0].decode().replace("\r\n ", " ")
    assert f"References: {references}\r\n" in headers
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines() == ["We sent a technician.", "Regards"]
    assert "<b>technician</b>" in message.get_body(("html",)).get_content()
    assert max(len(line) for line in received.data.split(b"\r\n")) <= 998


@pytest.mark.parametrize(
    ("userinfo", "login", "password"),
    [
        # Each character a URL reserves, percent-encoded, reaches the server as itself.
        (
            "helpdesk%40tidewater.example:p%40ss%3Aw%2Frd%20%25",
            "helpdesk@tidewater.example",
            "p@ss:w/rd %",
        ),
        ("desk:%3F%23%5B%5D%21%24%26%27%28%29%2A%2C%3B%3D", "desk", "?#[]!$&'()*,;="),
        # A plus is a plus (form decoding would make it a space), a space stays a space.
        ("desk:a+b%2Bc%20d", "desk", "a+b+c d"),
        # Decoded once: an encoded percent sign followed by digits is not decoded again.
        ("desk:%2541%2540", "desk", "%41%40"),
        # Characters a URL allows as they are need no encoding.
        ("desk:Tr0ub4dor-_.~", "desk", "Tr0ub4dor-_.~"),
    ],
)
def test_credentials_in_the_url_sign_in(
    mail_settings, queue, monkeypatch, tmp_path, userinfo, login, password
):
    with running_smtp_server(auth=(login, password)) as server:
        # Read as `helpdesk` reads HELPDESK_SMTP_URL from the environment.
        environ = {
            "HELPDESK_SMTP_URL": server.url(credentials=f"{userinfo}@"),
            "HELPDESK_MAIL_FROM": MAIL_FROM,
        }
        settings = from_environ(environ, {"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "test"})
        monkeypatch.setitem(mail_settings, "SMTP_URL", settings["SMTP_URL"])
        queue_mail(to=["ana@acme.example"], subject="Hi", text=".")
        assert drain(queue) == 1
    assert server.recorder.sign_ins == [(login, password)]
    (received,) = server.received
    assert received.login == login


def test_a_wrong_password_is_kept_as_failed_at_once(mail_settings, queue, monkeypatch):
    with running_smtp_server(auth=True) as server:
        monkeypatch.setitem(mail_settings, "SMTP_URL", server.url(credentials="helpdesk:wrong@"))
        queue_mail(to=["ana@acme.example"], subject="Hi", text=".")
        assert drain_with_retries(queue) == 1
    assert server.received == []
    (failed,) = failed_jobs()
    assert failed.task_name == "mail.send_mail"
    assert failed.attempts == 1
    assert "refused the message for good: 535" in failed.error


def test_smtp_never_sends_a_password_in_the_clear(mail_settings, queue, monkeypatch):
    with running_smtp_server(auth=True) as server:
        monkeypatch.setitem(
            mail_settings, "SMTP_URL", server.url("smtp", credentials=QUOTED_CREDENTIALS)
        )
        queue_mail(to=["ana@acme.example"], subject="Hi", text=".")
        drain(queue)
    assert server.recorder.sign_ins == []
    assert server.received == []
    (retry,) = queue.huey.scheduled()  # tried again later, in case STARTTLS comes back
    assert retry.name == "mail.send_mail"


@pytest.mark.parametrize(
    ("scheme", "server_tls"),
    [
        ("smtp", {"require_starttls": True}),  # STARTTLS, the server refuses mail without it
        ("smtps", {}),  # TLS from the first byte
    ],
)
def test_tls_with_a_verified_certificate(
    mail_settings, queue, monkeypatch, trusted_tls, scheme, server_tls
):
    if scheme == "smtp":
        server_tls["tls_context"] = trusted_tls
    else:
        server_tls["ssl_context"] = trusted_tls
    with running_smtp_server(auth=True, **server_tls) as server:
        url = server.url(scheme, credentials=QUOTED_CREDENTIALS)
        monkeypatch.setitem(mail_settings, "SMTP_URL", url)
        queue_mail(to=["ana@acme.example"], subject="Over TLS", text=".")
        drain(queue)
    (received,) = server.received
    assert received.tls
    assert received.login == USERNAME


def test_an_untrusted_certificate_is_refused(mail_settings, queue, monkeypatch, trusted_tls):
    monkeypatch.delenv("SSL_CERT_FILE")
    with running_smtp_server(tls_context=trusted_tls, require_starttls=True) as server:
        monkeypatch.setitem(mail_settings, "SMTP_URL", server.url("smtp"))
        queue_mail(to=["ana@acme.example"], subject="Hi", text=".")
        drain(queue)
    assert server.received == []
    assert len(queue.huey.scheduled()) == 1


def test_a_server_that_is_down_is_retried_then_kept_and_can_be_sent_again(
    world, mail_settings, queue, monkeypatch
):
    port = free_port()  # nothing listens there yet
    monkeypatch.setitem(mail_settings, "SMTP_URL", f"smtp://127.0.0.1:{port}")
    message_id = queue_mail(to=["ana@acme.example"], subject="Hi", text=".")
    assert drain_with_retries(queue) == 6  # the first try and five retries
    (failed,) = failed_jobs()
    assert failed.attempts == 6
    assert "ConnectionRefusedError" in failed.error
    assert failed.arguments["kwargs"]["message_id"] == message_id

    admin = world.admin()
    with running_smtp_server(port=port) as server:
        response = world.post(f"/api/v1/jobs/failed/{failed.id}/retry", admin)
        assert response.status_code == 200
        assert drain(queue) == 1
    (received,) = server.received
    assert received.message["Message-ID"] == message_id  # the same message, sent again


def test_recipients_refused_for_good_keep_the_job_as_failed_at_once(smtp_server, queue):
    smtp_server.recorder.refuse = {
        "ana@acme.example": "550 5.1.1 No such user",
        "bo@acme.example": "550 5.1.1 No such user",
    }
    queue_mail(to=["ana@acme.example", "bo@acme.example"], subject="Hi", text=".")
    assert drain_with_retries(queue) == 1
    (failed,) = failed_jobs()
    assert "refused every recipient: ana@acme.example: 550 5.1.1 No such user" in failed.error


def test_recipients_refused_for_now_are_tried_again(smtp_server, queue):
    smtp_server.recorder.refuse = {"ana@acme.example": "451 4.3.0 Try again later"}
    queue_mail(to=["ana@acme.example"], subject="Hi", text=".")
    drain(queue)
    assert len(queue.huey.scheduled()) == 1
    smtp_server.recorder.refuse = {}
    drain_with_retries(queue)
    assert [r.rcpt_tos for r in smtp_server.received] == [["ana@acme.example"]]
    assert failed_jobs() == []


def test_a_partly_refused_message_goes_to_the_rest_once(smtp_server, queue, caplog):
    smtp_server.recorder.refuse = {"gone@acme.example": "550 5.1.1 No such user"}
    queue_mail(to=["ana@acme.example", "gone@acme.example"], subject="Hi", text=".")
    with caplog.at_level(logging.WARNING, logger="ticketapi.mail.transport"):
        assert drain_with_retries(queue) == 1
    assert [r.rcpt_tos for r in smtp_server.received] == [["ana@acme.example"]]
    assert "gone@acme.example: 550 5.1.1 No such user" in caplog.text
    assert failed_jobs() == []
