"""Auto-replies and bounces: never answered, never reopening; loops stop."""

from __future__ import annotations

import pytest

from tests.ticketapi.inbound.mails import ACCOUNT, mail, raw, reply_to
from ticketapi.extensions import db
from ticketapi.inbound.acknowledge import ACKS_PER_SENDER
from ticketapi.tickets.models import Message, TicketEvent


def opened(inbox):
    row = inbox.receive(mail())
    (ack,) = inbox.mails_to("ann@acme.example")
    inbox.sent.clear()
    return inbox.ticket(row), ack


def history(ticket) -> list[TicketEvent]:
    query = db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
    return list(db.session.scalars(query.order_by(TicketEvent.id)))


def message_count(ticket) -> int:
    query = db.select(db.func.count()).where(Message.ticket_id == ticket.id)
    return db.session.scalar(query)


AUTO_HEADERS = [
    {"Auto-Submitted": "auto-replied"},
    {"Auto-Submitted": "auto-replied; owner-email=ann@acme.example"},
    {"X-Autoreply": "yes"},
    {"X-Autorespond": "Out of office"},
    {"Precedence": "auto_reply"},
    {"X-Loop": ACCOUNT},
    {"Return-Path": "<>"},
]


@pytest.mark.parametrize("headers", AUTO_HEADERS, ids=lambda h: next(iter(h)))
def test_an_auto_reply_to_a_resolved_ticket_is_recorded_and_changes_nothing(
    inbox, world, desk, headers
):
    ticket, ack = opened(inbox)
    world.patch(
        f"/api/v1/tickets/{ticket.id}", desk.admin, json={"status": "resolved", "version": 1}
    )
    row = inbox.receive(
        reply_to(ack["Message-ID"], subject="Out of office", headers=headers, message_id="<o@x>")
    )
    assert (row.state, row.kind, row.ticket_id) == ("filed", "auto_reply", ticket.id), row.reason
    db.session.refresh(ticket)
    assert ticket.status == "resolved"
    assert message_count(ticket) == 1
    assert history(ticket)[-1].kind == "auto_reply_received"
    assert inbox.mails_to("ann@acme.example") == []


@pytest.mark.parametrize("headers", AUTO_HEADERS, ids=lambda h: next(iter(h)))
def test_an_auto_reply_to_nothing_of_ours_is_ignored_with_the_reason(inbox, headers):
    row = inbox.receive(mail(headers=headers, subject="I am away"))
    assert (row.state, row.ticket_id) == ("ignored", None)
    assert "auto-reply" in row.reason
    assert inbox.mails_to("ann@acme.example") == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"List-Id": "<news.acme.example>"},
        {"X-Auto-Response-Suppress": "All"},
    ],
    ids=lambda h: f"{next(iter(h))}: {next(iter(h.values()))}",
)
def test_machine_mail_opens_a_ticket_but_gets_no_acknowledgement(inbox, headers):
    row = inbox.receive(mail(headers=headers, subject="Disk 90% full"))
    assert (row.state, row.kind) == ("filed", "bulk")
    assert inbox.ticket(row).subject == "Disk 90% full"
    assert inbox.mails_to("ann@acme.example") == []
    assert "No acknowledgement" in row.reason


def test_machine_mail_never_reopens_a_resolved_ticket(inbox, world, desk):
    ticket, ack = opened(inbox)
    world.patch(
        f"/api/v1/tickets/{ticket.id}", desk.admin, json={"status": "resolved", "version": 1}
    )
    row = inbox.receive(
        reply_to(ack["Message-ID"], headers={"Precedence": "bulk"}, message_id="<b@x>")
    )
    assert row.ticket_id == ticket.id
    db.session.refresh(ticket)
    assert ticket.status == "resolved"
    assert "not reopened" in row.reason


def test_a_person_reopens_a_resolved_ticket(inbox, world, desk):
    ticket, ack = opened(inbox)
    world.patch(
        f"/api/v1/tickets/{ticket.id}", desk.admin, json={"status": "resolved", "version": 1}
    )
    inbox.receive(reply_to(ack["Message-ID"], text="Broken again", message_id="<again@x>"))
    db.session.refresh(ticket)
    assert ticket.status == "awaiting_agent"


def bounce_of(message_id: str, recipient: str = "ann@acme.example") -> bytes:
    return raw(
        f"""From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>
To: {ACCOUNT}
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.acme.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.example

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown
--B
Content-Type: text/rfc822-headers

From: Tidewater Help <{ACCOUNT}>
To: {recipient}
Subject: [#X] Backups paused
Message-ID: {message_id}
--B--
"""
    )


def test_a_bounce_of_our_mail_is_recorded_on_its_ticket(inbox):
    ticket, ack = opened(inbox)
    row = inbox.receive(bounce_of(ack["Message-ID"]))
    assert (row.state, row.kind, row.ticket_id) == ("filed", "bounce", ticket.id), row.reason
    event = history(ticket)[-1]
    assert event.kind == "mail_bounced"
    assert event.data["final_recipient"] == "rfc822; ann@acme.example"
    assert event.data["status"] == "5.1.1"
    assert message_count(ticket) == 1
    assert inbox.mails_to("ann@acme.example") == []


def test_a_bounce_of_mail_that_is_not_ours_is_ignored(inbox):
    row = inbox.receive(bounce_of("<someone-else@acme.example>"))
    assert (row.state, row.kind) == ("ignored", "bounce")
    assert inbox.mails_to("ann@acme.example") == []


def test_mail_from_a_mailer_daemon_without_a_report_is_a_bounce(inbox):
    row = inbox.receive(mail(sender="MAILER-DAEMON@mx.example", subject="failure notice"))
    assert (row.state, row.kind) == ("ignored", "bounce")


def test_mail_from_our_own_address_is_never_filed_or_answered(inbox):
    row = inbox.receive(mail(sender=f"Help <{ACCOUNT}>"))
    assert row.state == "ignored"
    assert "our own address" in row.reason
    assert inbox.mails_to("ann@acme.example") == []


def test_acknowledgements_to_one_sender_are_capped(inbox):
    rows = [
        inbox.receive(mail(subject=f"Case {n}", message_id=f"<case{n}@acme.example>"))
        for n in range(ACKS_PER_SENDER + 3)
    ]
    assert all(row.state == "filed" for row in rows)
    assert len(inbox.mails_to("ann@acme.example")) == ACKS_PER_SENDER
    assert "in the last day already" in rows[-1].reason


def test_two_auto_responders_stop_answering_each_other(inbox):
    """A responder that keeps no header of ours and sets none of its own: each of its
    answers looks like new mail. The cap ends the loop; every answer is still stored."""
    sent_back = 0
    outgoing = [mail(sender="bot@robots.example", subject="Hello", message_id="<r0@robots>")]
    for number in range(1, 30):
        if not outgoing:
            break
        inbox.receive(outgoing.pop())
        for _ack in inbox.mails_to("bot@robots.example"):
            sent_back += 1
            outgoing.append(
                mail(
                    sender="bot@robots.example",
                    subject=f"Thanks for your mail {number}",
                    message_id=f"<r{number}@robots>",
                )
            )
        inbox.sent.clear()
    assert outgoing == []
    assert sent_back == ACKS_PER_SENDER


def test_an_auto_responder_that_answers_our_acknowledgement_gets_nothing_back(inbox):
    """The well-behaved half of a loop: its answer threads back and is recorded."""
    row = inbox.receive(mail(sender="bot@robots.example", message_id="<x0@robots>"))
    (ack,) = inbox.mails_to("bot@robots.example")
    inbox.sent.clear()
    answer = reply_to(
        ack["Message-ID"],
        sender="bot@robots.example",
        subject=f"Auto: {ack['Subject']}",
        headers={"Auto-Submitted": "auto-replied"},
        message_id="<x1@robots>",
    )
    second = inbox.receive(answer)
    assert (second.state, second.ticket_id) == ("filed", row.ticket_id)
    assert inbox.mails_to("bot@robots.example") == []
