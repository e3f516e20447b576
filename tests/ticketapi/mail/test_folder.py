"""With no SMTP server configured, each message is written to <instance>/mail/ as an .eml file."""

from __future__ import annotations

import email
import re
import stat
from email import policy
from pathlib import Path

from tests.support.jobs import drain, relay
from ticketapi.mail.outbound import queue_mail, send_mail


def test_without_smtp_each_message_is_an_eml_file(mail_settings, queue):
    message_id = queue_mail(
        to=["ana@acme.example"],
        subject="Your ticket [#K7QF-M2XP]",
        text="We are on it.",
        html="<p>We are on it.</p>",
        headers={"Auto-Submitted": "auto-generated"},
    )
    assert drain(queue) == 1

    folder = Path(mail_settings["INSTANCE_DIR"]) / "mail"
    (eml,) = folder.iterdir()  # no temporary file left behind
    token = message_id.strip("<>").partition("@")[0]
    assert re.fullmatch(rf"\d{{8}}T\d{{6}}Z-{re.escape(token)}\.eml", eml.name)
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600  # mail is private
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == message_id
    assert message["To"] == "ana@acme.example"
    assert message["From"] == "Tidewater Support <support@tidewater.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_body(("html",)).get_content().strip() == "<p>We are on it.</p>"


def test_a_retried_message_rewrites_its_own_file(mail_settings, queue):
    queue_mail(to=["ana@acme.example"], subject="Hi", text="Once")
    relay(queue)
    (task,) = queue.huey.pending()
    send_mail(**task.kwargs)
    send_mail(**task.kwargs)  # a job run again sends the same message, not a second one
    (eml,) = (Path(mail_settings["INSTANCE_DIR"]) / "mail").iterdir()
    assert "Once" in eml.read_text()
