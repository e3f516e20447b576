"""Agents' public replies, mailed to the ticket's user and CCs (issue #15, item 7).

Decided in the request (a subscriber of tickets' `message_posted`: a public reply by an
agent, not inside `core.events.quiet()`), mailed by the job `inbound.mail_reply` after the
commit, which queues the mail through `queue_mail` (the outbox again): nothing is sent in
the request, and a reply that rolls back mails nobody. A reply an agent mailed in (filing)
is mailed on by the filing itself, to those the agent's mail did not reach.

Each mail comes from the account the ticket's mail came in on (else the account of the
ticket's team, else HELPDESK_MAIL_FROM), never goes to our own addresses, carries our signed
Message-ID, `In-Reply-To` the user's last mail and `References` the conversation (their
mail and ours, recorded in `outbound_mails`), `[#REF]` in the subject, and the reply as
text (what the agent wrote) and HTML (the same, sanitized as the ticket shows it). A ticket
held until its requester confirms the address (tickets/holds.py) is mailed nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from markupsafe import escape
from sqlalchemy import select

from ticketapi.core.events import telling
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.inbound.accounts import from_header, our_addresses
from ticketapi.inbound.decoding import one_line
from ticketapi.inbound.models import EmailAccount, InboundMessage, OutboundMail
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.jobs.queue import job
from ticketapi.mail import message_ids
from ticketapi.mail.addresses import sender_address
from ticketapi.mail.outbound import queue_mail
from ticketapi.tickets.events import Change
from ticketapi.tickets.models import Message, Ticket
from ticketapi.timeutil import utcnow

SUBJECT_MAX = 120
# References keeps the thread's first mail and the latest ones: some servers refuse very
# long header lines, and mail programs need only the root and the parent.
REFERENCES_MAX = 20


def message_posted(change: Change) -> None:
    """An agent's public reply (from the API or the agent pages): mail it after the commit."""
    message = change.message
    if message is None or message.note or message.author_type != "agent":
        return
    if change.by_email or not telling():
        return
    enqueue_after_commit(mail_reply, change.ticket.id, message.id)


def mail_on(ticket: Ticket, message: Message, *, reached: Iterable[str]) -> None:
    """An agent's reply that came in by mail: mail it to the ticket's people it missed."""
    if not message.note:
        enqueue_after_commit(
            mail_reply, ticket.id, message.id, skip=sorted({a.lower() for a in reached})
        )


@job("inbound.mail_reply", once=True)
def mail_reply(ticket_id: int, message_id: int, skip: list[str] | None = None) -> None:
    """Queue the mail of one agent's reply (once, however often the job runs)."""
    ticket = db.session.get(Ticket, ticket_id)
    message = db.session.get(Message, message_id)
    if ticket is None or message is None or message.ticket_id != ticket.id or message.note:
        return  # deleted since, moved away by a merge
    send_reply(ticket, message, skip=set(skip or ()))
    commit()


def send_reply(ticket: Ticket, message: Message, *, skip: set[str]) -> OutboundMail | None:
    """Queue the reply's mail to the user and CCs (none of ours, none in `skip`)."""
    if not ticket.confirmed:
        return None
    unwanted = our_addresses() | skip
    people = [
        address
        for address in dict.fromkeys(
            person.email.lower() for person in [ticket.user, *ticket.cc] if person is not None
        )
        if address not in unwanted
    ]
    if not people:
        return None
    account = account_of(ticket)
    sender = from_header(account) if account is not None else None
    default = sender_address(current_app.config["MAIL_FROM"])
    name = one_line(account.name if account is not None else default.display_name) or "Help desk"
    text = _text(ticket, message, name)
    sent_id = queue_mail(
        to=people[:1],
        cc=people[1:],
        subject=f"Re: {subject_line(ticket)}",
        text=text,
        html=_html(ticket, message, name),
        headers=thread_headers(ticket, sender or current_app.config["MAIL_FROM"]),
        ticket_ref=ticket.ref,
        sender=sender,
    )
    return record_sent(ticket, sent_id, "reply", people, account, message=message)


def subject_line(ticket: Ticket) -> str:
    """`[#REF] subject`, on one line, cut at SUBJECT_MAX."""
    subject = one_line(ticket.subject)
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return f"[#{ticket.ref}] {subject}"


def record_sent(
    ticket: Ticket,
    sent_id: str | None,
    kind: str,
    recipients: list[str],
    account: EmailAccount | None,
    *,
    message: Message | None = None,
) -> OutboundMail:
    """Keep the Message-ID of a mail we sent about the ticket, for the next one's References."""
    row = OutboundMail(
        ticket_id=ticket.id,
        ticket_message_id=message.id if message is not None else None,
        account_id=account.id if account is not None else None,
        kind=kind,
        message_id=sent_id or "",
        recipients=", ".join(recipients),
        created_at=utcnow(),
    )
    db.session.add(row)
    return row


def account_of(ticket: Ticket) -> EmailAccount | None:
    """The account the ticket's first mail came in on, else its team's first account."""
    came_in_on = db.session.scalar(
        select(EmailAccount)
        .join(InboundMessage, InboundMessage.account_id == EmailAccount.id)
        .where(InboundMessage.ticket_id == ticket.id, InboundMessage.ticket_message_id.is_not(None))
        .order_by(InboundMessage.id)
        .limit(1)
    )
    if came_in_on is not None or ticket.team_id is None:
        return came_in_on
    return db.session.scalar(
        select(EmailAccount)
        .where(EmailAccount.team_id == ticket.team_id)
        .order_by(EmailAccount.id)
        .limit(1)
    )


def thread_headers(ticket: Ticket, sender: str) -> dict[str, str]:
    """In-Reply-To the user's last mail on the ticket (else our last, else the thread's root),
    References the conversation in order: their mail and ours."""
    theirs = db.session.execute(
        select(InboundMessage.message_id, InboundMessage.received_at).where(
            InboundMessage.ticket_id == ticket.id,
            InboundMessage.ticket_message_id.is_not(None),
            InboundMessage.message_id.is_not(None),
        )
    ).all()
    ours = db.session.execute(
        select(OutboundMail.message_id, OutboundMail.created_at).where(
            OutboundMail.ticket_id == ticket.id, OutboundMail.message_id != ""
        )
    ).all()
    chain = list(dict.fromkeys(row[0] for row in sorted([*theirs, *ours], key=lambda r: r[1])))
    if not theirs:
        chain.insert(0, message_ids.thread_id(ticket.ref, sender_address(sender).domain))
    if len(chain) > REFERENCES_MAX:
        chain = [chain[0], *chain[-(REFERENCES_MAX - 1) :]]
    parent = max(theirs, key=lambda r: r[1])[0] if theirs else chain[-1]
    return {"In-Reply-To": parent, "References": " ".join(chain)}


def _files(message: Message) -> list[str]:
    return list(dict.fromkeys(one_line(a.filename) for a in message.attachments))


def _text(ticket: Ticket, message: Message, name: str) -> str:
    files = _files(message)
    listed = f"\n\nFiles with this reply, on the ticket: {', '.join(files)}" if files else ""
    return (
        f"{message.body.rstrip()}{listed}\n\n"
        f"-- \n{one_line(message.author_name)}, {name}\n"
        f"Ticket {ticket.ref}: answer this mail to add to it.\n"
    )


def _html(ticket: Ticket, message: Message, name: str) -> str:
    files = _files(message)
    listed = (
        f"<p>Files with this reply, on the ticket: {escape(', '.join(files))}</p>" if files else ""
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"></head><body>'
        f"<div>{message.body_html}</div>{listed}"
        f"<hr><p>{escape(one_line(message.author_name))}, {escape(name)}<br>"
        f"Ticket {escape(ticket.ref)}: answer this mail to add to it.</p>"
        "</body></html>\n"
    )
