"""`helpdesk smtpd`: mail over real SMTP sockets (smtplib) becomes stored mail, then tickets."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest

from tests.ticketapi.inbound.listener import running_smtpd
from tests.ticketapi.inbound.mails import ACCOUNT, mail, raw
from ticketapi.extensions import db
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.store import read_raw


def stored() -> list[InboundMessage]:
    query = db.select(InboundMessage).order_by(InboundMessage.id)
    rows = list(db.session.scalars(query.execution_options(populate_existing=True)))
    db.session.commit()  # the test holds no lock while the listener writes
    return rows


def send(port: int, raw: bytes, to: list[str], sender: str = "ann@acme.example") -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        return client.sendmail(sender, to, raw)


def test_mail_to_an_account_is_stored_then_filed_as_a_ticket(inbox, smtpd):
    sent = raw(mail(subject="Printer on fire"))  # CRLF line ends, as on the wire
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=30) as client:
        client.ehlo()
        client.mail("ann@acme.example")
        client.rcpt(ACCOUNT)
        code, answer = client.data(sent)
    assert code == 250
    [row] = stored()
    assert answer.decode() == f"2.0.0 Stored as inbound message {row.id}"
    assert (row.source, row.account_id, row.subject) == (
        "smtp",
        inbox.account.id,
        "Printer on fire",
    )
    # Delivered as a mail server delivers: the envelope sender on top, the rest byte for byte.
    assert read_raw(row) == b"Return-Path: <ann@acme.example>\r\n" + sent
    inbox.sent.extend(inbox.mailbox.deliver())  # the workers' parse job
    [filed] = stored()
    assert filed.state == "filed"
    assert inbox.ticket(filed).subject == "Printer on fire"


def test_a_recipient_that_is_no_account_is_refused_at_rcpt_and_the_others_get_the_mail(
    inbox, smtpd
):
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=30) as client:
        client.ehlo()
        client.mail("ann@acme.example")
        code, answer = client.rcpt("sales@tidewater.example")
        assert code == 550
        assert answer.decode() == (
            "5.1.1 <sales@tidewater.example>: no ticket email account here has this address"
        )
        assert client.rcpt("HELP@Tidewater.example")[0] == 250  # addresses ignore case
        assert client.data(mail())[0] == 250
    assert [row.account_id for row in stored()] == [inbox.account.id]
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtpd, mail(message_id="<m2@acme.example>"), ["nobody@tidewater.example"])
    assert refused.value.recipients["nobody@tidewater.example"][0] == 550
    assert len(stored()) == 1


def test_mail_to_two_accounts_is_stored_for_each_and_filed_once(inbox, smtpd):
    sales = EmailAccount(address="sales@tidewater.example", name="Sales")
    db.session.add(sales)
    db.session.commit()
    assert (
        send(smtpd, mail(to=f"{ACCOUNT}, sales@tidewater.example"), [ACCOUNT, sales.address]) == {}
    )
    inbox.mailbox.deliver()
    first, second = stored()
    assert (first.account_id, first.state) == (inbox.account.id, "filed")
    assert (second.account_id, second.state, second.duplicate_of_id) == (
        sales.id,
        "duplicate",
        first.id,
    )
    assert second.ticket_id == first.ticket_id is not None


def test_mail_over_the_size_limit_is_refused_with_552_before_and_after_it_is_sent(
    app, inbox, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_MAIL_BYTES", 50_000)
    big = mail(files=[("scan.pdf", "application/pdf", b"%PDF" * 20_000)])
    # The listener reads the limit when it starts: started after the change.
    with running_smtpd(app) as port, smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        assert client.has_extn("size") and client.esmtp_features["size"] == "50000"
        # A sender that says the size first is told at once,
        code, answer = client.mail("ann@acme.example", [f"SIZE={len(big)}"])
        assert code == 552 and b"exceeds fixed maximum message size" in answer
        client.rset()
        # and one that does not, once the data is in.
        client.mail("ann@acme.example")
        client.rcpt(ACCOUNT)
        code, answer = client.data(big)
        assert (code, answer) == (552, b"Error: Too much mail data")
        assert client.noop()[0] == 250  # the connection goes on
    assert stored() == []


def test_a_message_that_cannot_be_stored_is_answered_451_never_250(app, inbox, smtpd):
    # The raw files' folder is not a folder: storing fails (as a full or broken disk would).
    folder = Path(app.config["INSTANCE_DIR"]) / "inbound"
    moved = folder.rename(folder.with_name("inbound-moved")) if folder.exists() else None
    folder.write_text("not a folder")
    try:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(smtpd, mail(), [ACCOUNT])
        assert refused.value.smtp_code == 451
        assert b"try again later" in refused.value.smtp_error
        assert stored() == []
    finally:
        folder.unlink()
        if moved is not None:
            moved.rename(folder)
    # The sender tries again later, and the message is stored once.
    assert send(smtpd, mail(), [ACCOUNT]) == {}
    assert len(stored()) == 1
