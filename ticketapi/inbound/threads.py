"""Which ticket a mail belongs to, in the order of SPEC §8 and issue #15.

1. One of our own Message-IDs (signed: mail/message_ids.py) in In-Reply-To or References:
   the sender answers mail we sent about that ticket.
2. Any other Message-ID we stored (a mail that was filed), in the same headers.
3. The `[#REF]` token in the subject, only when the sender is the ticket's requester, one
   of its CCs or an agent: a reference alone proves nothing (it is in every subject line
   the requester forwards). A stranger's mail that names one is a new ticket that says so.

A ticket merged into another is followed to the one that is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.inbound.models import InboundMessage
from ticketapi.inbound.parsing import ParsedMail
from ticketapi.mail.message_ids import signed_ref
from ticketapi.people.models import Agent, User
from ticketapi.tickets.by_email import followed
from ticketapi.tickets.models import Ticket

SUBJECT_REF = re.compile(r"\[#\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Thread:
    ticket: Ticket | None = None
    how: str = ""
    # A reference the subject named whose ticket the sender is not on.
    refused_ref: str | None = None


def ticket_by_ref(ref: str) -> Ticket | None:
    ticket = db.session.scalar(select(Ticket).where(Ticket.ref == ref.upper()))
    return followed(ticket) if ticket is not None else None


def signed_ticket(ids: list[str]) -> tuple[Ticket, str] | None:
    """The ticket the first of our own signed Message-IDs names, with that id."""
    for message_id in ids:
        if (ref := signed_ref(message_id)) and (ticket := ticket_by_ref(ref)) is not None:
            return ticket, message_id
    return None


def find_thread(mail: ParsedMail, user: User | None, agent: Agent | None) -> Thread:
    if found := signed_ticket(mail.thread_ids):
        return Thread(found[0], f"our Message-ID {found[1]}")
    if mail.thread_ids:
        stored = db.session.scalar(
            select(InboundMessage)
            .where(
                InboundMessage.message_id.in_(mail.thread_ids),
                InboundMessage.ticket_id.is_not(None),
            )
            .order_by(InboundMessage.id.desc())
            .limit(1)
        )
        if stored is not None and (ticket := db.session.get(Ticket, stored.ticket_id)):
            return Thread(followed(ticket), f"the Message-ID {stored.message_id} we stored")
    for match in SUBJECT_REF.finditer(mail.subject):
        ticket = ticket_by_ref(match.group(1))
        if ticket is None:
            continue
        if is_on_ticket(ticket, user, agent):
            return Thread(ticket, f"[#{ticket.ref}] in the subject")
        return Thread(refused_ref=ticket.ref)
    return Thread()


def is_on_ticket(ticket: Ticket, user: User | None, agent: Agent | None) -> bool:
    """The sender is the ticket's requester, one of its CCs, or an (active) agent."""
    if agent is not None and agent.active:
        return True
    return user is not None and (user.id == ticket.user_id or user in ticket.cc)
