"""Confirming a held submission (tickets/holds.py): by its mailed link, or signed in.

Whoever holds the link proves the address reached them; a signed-in requester proves it by
their password. Either way the ticket becomes an ordinary one: its CCs and organization see
it. Signing in alone confirms nothing: the owner of an address someone else typed would
otherwise confirm the stranger's ticket by signing in for something else.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ticketapi import permissions as rules
from ticketapi.auth import links
from ticketapi.errors import Conflict, Forbidden, Invalid, Unauthorized
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.permissions import Actor
from ticketapi.tickets import events, history, holds
from ticketapi.tickets.models import Message, Ticket, TicketConfirmation
from ticketapi.tickets.queries import with_relations
from ticketapi.tickets.services import get_ticket

UNUSABLE = (
    "This confirmation link is unknown, used or expired, or belongs to another ticket: "
    "sign in to confirm the ticket, or ask us for a new link."
)


def usable(plain: str, *, now: datetime) -> TicketConfirmation | None:
    """The link this token names, if it can still confirm its ticket (nothing changes)."""
    return db.session.scalar(
        select(TicketConfirmation).where(*links.live(TicketConfirmation, plain, now))
    )


def first_message(ticket: Ticket) -> Message | None:
    """What the submitter wrote, for the page that asks its owner to confirm it."""
    return db.session.scalar(
        select(Message)
        .where(Message.ticket_id == ticket.id, Message.note.is_(False))
        .order_by(Message.created_at, Message.id)
        .limit(1)
    )


def confirm_with_link(plain: str, *, now: datetime, ticket_id: int | None = None) -> Ticket:
    """Confirm the ticket a mailed link names (and, when given, only if it is `ticket_id`).

    The link reached the address, so its owner is the requester: they are marked verified,
    as a password reset link marks them, and join their domain's organization if they had
    none. Used up by one conditional UPDATE: of two confirmations at once, one matches.
    """
    conditions = links.live(TicketConfirmation, plain, now)
    if ticket_id is not None:
        conditions.append(TicketConfirmation.ticket_id == ticket_id)
    if not links.use_up(TicketConfirmation, conditions, now=now):
        raise Invalid(UNUSABLE, fields={"token": "unknown, used, expired or another ticket's"})
    link = db.session.scalar(
        select(TicketConfirmation).where(TicketConfirmation.token_hash == links.digest(plain))
    )
    ticket = _locked(link.ticket_id)
    if ticket.user.email != link.email:
        # Mailed to an address the requester no longer has: it proves nothing about them.
        raise Invalid(UNUSABLE, fields={"token": "mailed to the requester's former address"})
    people.mark_verified(ticket.user, now=now)
    _confirm(ticket, people.user_actor(ticket.user), how="link", now=now)
    return ticket


def confirm_signed_in(actor: Actor, ticket_id: int, *, now: datetime) -> Ticket:
    """The signed-in requester confirms their own held submission (nothing if it is)."""
    if actor.is_anonymous:
        raise Unauthorized(
            "Sign in as the ticket's requester, or send the token from the confirmation mail."
        )
    ticket = get_ticket(actor, ticket_id, for_update=True)
    if not rules.can_confirm_ticket(actor, ticket):
        raise Forbidden(
            "Only the ticket's requester confirms it: with the link we mailed them, or signed "
            f"in. Agents may mail them a new link: POST /api/v1/tickets/{ticket.id}/"
            "confirmation-link."
        )
    _confirm(ticket, actor, how="sign_in", now=now)
    return ticket


def send_new_link(actor: Actor, ticket_id: int, *, now: datetime) -> Ticket:
    """An agent with tickets.edit mails the requester a new link (the old one ends)."""
    ticket = get_ticket(actor, ticket_id, for_update=True)
    if not rules.can_send_confirmation_link(actor, ticket):
        raise Forbidden("Mailing a confirmation link needs the tickets.edit permission.")
    if ticket.confirmed:
        raise Conflict(f"Ticket {ticket.ref} is confirmed already: no link is needed.")
    holds.send_link(ticket, actor, now=now, resent=True)
    return ticket


def _locked(ticket_id: int) -> Ticket:
    query = with_relations(select(Ticket).where(Ticket.id == ticket_id))
    return db.session.scalar(query.with_for_update(of=Ticket))


def _confirm(ticket: Ticket, actor: Actor, *, how: str, now: datetime) -> None:
    if ticket.confirmed:
        return
    before = events.Before.of(ticket)
    # Held, the ticket kept the organization its requester had; a requester the link has
    # just verified may have joined one since, and the ticket is theirs as if sent signed in.
    # Read through the relationship: mark_verified may have just set it, unflushed.
    organization = ticket.user.organization
    organization_id = organization.id if organization is not None else None
    changes = {"by": how}
    if organization_id != ticket.organization_id:
        changes["organization_id"] = {"old": ticket.organization_id, "new": organization_id}
        ticket.organization_id = organization_id
    ticket.confirmed = True
    ticket.updated_at = now
    holds.end_links(ticket, now=now)
    history.record(ticket, actor, "confirmed", now=now, **changes)
    events.changed.publish(events.Change(actor, ticket, now, before))
