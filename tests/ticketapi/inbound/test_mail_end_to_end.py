"""End to end over real sockets: smtplib → `helpdesk smtpd`'s listener → a ticket → the
acknowledgement through a real SMTP server (aiosmtpd) → the user's answer threads back.

The agent's reply reaching the user the same way is outbound mail's test (issue #15,
agents' replies), not repeated here.
"""

from __future__ import annotations

import smtplib

from tests.ticketapi.inbound.mails import ACCOUNT, mail, raw, reply_to
from ticketapi.extensions import db
from ticketapi.inbound.models import InboundMessage
from ticketapi.mail.message_ids import signed_ref
from ticketapi.tickets.models import Message, Ticket


def to_ann(server) -> list:
    return [mail for mail in server.received if mail.rcpt_tos == ["ann@acme.example"]]


def test_mail_becomes_a_ticket_acknowledged_and_the_answer_threads_back(inbox, smtpd, smtp_server):
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=30) as client:
        client.sendmail(
            "ann@acme.example",
            [ACCOUNT],
            raw(mail(subject="Backups paused", message_id="<first@acme.example>")),
        )
    inbox.mailbox.deliver()  # the workers: the parse job, then the acknowledgement's mail
    ticket = db.session.scalars(db.select(Ticket)).one()
    db.session.commit()  # the test holds no lock while the listener writes

    # (The agents of the account's team are told of the new ticket too.)
    [acknowledgement] = to_ann(smtp_server)
    assert acknowledgement.mail_from == ACCOUNT
    ack = acknowledgement.message
    assert ack["Subject"] == f"[#{ticket.ref}] Backups paused"
    assert ack["From"] == f"Tidewater Help <{ACCOUNT}>"
    assert signed_ref(ack["Message-ID"]) == ticket.ref  # ours, signed: it threads back
    assert ack["In-Reply-To"] == ack["References"] == "<first@acme.example>"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert {part.get_content_type() for part in ack.walk()} >= {"text/plain", "text/html"}

    # Ann answers the acknowledgement, with a subject of her own and no [#REF].
    answer = reply_to(
        ack["Message-ID"],
        subject="One more thing",
        text="It is the Tuesday job that stops.",
        message_id="<second@acme.example>",
    )
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=30) as client:
        client.sendmail("ann@acme.example", [ACCOUNT], raw(answer))
    inbox.mailbox.deliver()
    db.session.expire_all()
    rows = db.session.scalars(db.select(InboundMessage).order_by(InboundMessage.id)).all()
    assert [(row.state, row.ticket_id) for row in rows] == [
        ("filed", ticket.id),
        ("filed", ticket.id),
    ]
    assert db.session.scalar(db.select(db.func.count()).select_from(Ticket)) == 1
    bodies = db.session.scalars(
        db.select(Message.body).where(Message.ticket_id == ticket.id).order_by(Message.id)
    ).all()
    assert "It is the Tuesday job that stops." in bodies[-1]
    assert len(to_ann(smtp_server)) == 1  # an answer is not acknowledged again
