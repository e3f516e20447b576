"""What follows a change to a ticket: its SLA clocks, its search entry, the agents it concerns.

The ticket services call these once a change is applied, inside the same transaction,
so a change that rolls back leaves no clock moved and no notification queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ticketapi.notifications import events as notifications
from ticketapi.permissions import Actor
from ticketapi.slas import tracking
from ticketapi.tickets import search
from ticketapi.tickets.models import Message, Ticket


@dataclass(frozen=True)
class Before:
    """What a ticket looked like before a change, for reactions that compare."""

    status: str
    subject: str
    urgency: int
    agent_id: int | None
    team_id: int | None
    organization_id: int | None
    labels: tuple[str, ...]

    @classmethod
    def of(cls, ticket: Ticket) -> Before:
        return cls(
            status=ticket.status,
            subject=ticket.subject,
            urgency=ticket.urgency,
            agent_id=ticket.agent_id,
            team_id=ticket.team_id,
            organization_id=ticket.organization_id,
            labels=tuple(ticket.labels),
        )


def opened(actor: Actor, ticket: Ticket, message: Message, *, now: datetime) -> None:
    """A ticket was opened with its first message (and possibly assigned by the agent)."""
    tracking.follow_ticket(ticket, now=now)
    search.ticket_opened(ticket, message)
    notifications.ticket_opened(actor, ticket)


def changed(actor: Actor, ticket: Ticket, before: Before, *, now: datetime) -> None:
    """Someone (an agent, or the SLA engine) changed the ticket's fields or status."""
    tracking.follow_ticket(ticket, now=now)
    if ticket.subject != before.subject:
        search.subject_changed(ticket)
    notifications.ticket_changed(actor, ticket, agent_id=before.agent_id, team_id=before.team_id)


def message_posted(
    actor: Actor, ticket: Ticket, message: Message, before: Before, *, now: datetime
) -> None:
    """A reply or a note was added; the ticket's status may have moved with it."""
    tracking.follow_ticket(ticket, now=now)
    search.message_added(ticket, message)
    notifications.message_posted(ticket, message)
