"""The automatic acknowledgement of a new ticket, and the rules that keep it from looping.

Sent only for personal mail (inbound/loops.py) to an address that is not ours, when the
account asks for it, and at most ACKS_PER_SENDER times a day to one sender: two
auto-responders that strip every header still stop after a few rounds. It is marked
`Auto-Submitted: auto-replied` (RFC 3834) and `X-Auto-Response-Suppress: All` so that well
behaved responders do not answer it, carries `X-Loop` with the account's address, which
marks an answer that comes back as a loop, and our signed Message-ID with the ticket's
reference, so whatever answer does come threads onto the ticket rather than opening one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ticketapi.extensions import db
from ticketapi.inbound.accounts import from_header
from ticketapi.inbound.decoding import one_line
from ticketapi.inbound.loops import Kind
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.parsing import ParsedMail
from ticketapi.inbound.replies import record_sent, subject_line
from ticketapi.mail.outbound import queue_mail
from ticketapi.tickets.models import Ticket
from ticketapi.tickets.rendering import text_to_html

ACKS_PER_SENDER = 5
ACK_WINDOW = timedelta(days=1)


def acknowledge(
    row: InboundMessage,
    ticket: Ticket,
    mail: ParsedMail,
    *,
    account: EmailAccount | None,
    kind: Kind,
    ours: set[str],
    now: datetime,
) -> str:
    """Queue the acknowledgement when the rules allow; say what was done, or why not."""
    sender = mail.sender
    if account is None or not account.auto_acknowledge:
        return "No acknowledgement: the account sends none."
    if not kind.answerable:
        return f"No acknowledgement to {kind.kind.replace('_', '-')} mail ({kind.why})."
    if sender is None or sender in ours:
        return "No acknowledgement: we never mail our own addresses."
    recent = db.session.scalar(
        select(func.count())
        .select_from(InboundMessage)
        .where(
            InboundMessage.from_address == sender,
            InboundMessage.acknowledged_at >= now - ACK_WINDOW,
        )
    )
    if recent >= ACKS_PER_SENDER:
        return (
            f"No acknowledgement: {sender} had {recent} in the last day already "
            f"(at most {ACKS_PER_SENDER}: two auto-responders would loop)."
        )
    thread = mail.message_id
    headers = {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "X-Loop": account.address,
    }
    if thread:
        headers |= {"In-Reply-To": thread, "References": thread}
    text = _text(ticket, account)
    sent_id = queue_mail(
        to=[sender],
        subject=subject_line(ticket),
        text=text,
        html=text_to_html(text),
        headers=headers,
        ticket_ref=ticket.ref,
        sender=from_header(account),
    )
    record_sent(ticket, sent_id, "acknowledgement", [sender], account)
    row.acknowledged_at = now
    return f"Acknowledged to {sender}."


def _text(ticket: Ticket, account: EmailAccount) -> str:
    return (
        "Hello,\n\n"
        f"we have received your message and opened ticket {ticket.ref} for it. We will answer "
        "as soon as we can.\n\n"
        f"To add to it, reply to this mail and keep [#{ticket.ref}] in the subject.\n\n"
        f"-- \n{one_line(account.name)}\n"
        "This is an automatic reply: please do not reply only to say thanks.\n"
    )
