"""What the ticket services announce once a change is applied, inside its transaction.

The subscribers are registered by `create_app` (ticketapi/subscriptions.py): the SLA
clocks (slas/tracking.py), the search index (tickets/search.py) and notifications
(notifications/events.py). Tickets import none of them; a change that rolls back leaves no
clock moved, no index entry written and no notification queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ticketapi.core.events import Event
from ticketapi.permissions import Actor
from ticketapi.tickets.models import Message, Ticket


@dataclass(frozen=True)
class Before:
    """What a ticket looked like before a change, for subscribers that compare."""

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


@dataclass(frozen=True)
class Change:
    """One change to a ticket, as each subscriber is told of it."""

    actor: Actor
    ticket: Ticket
    now: datetime
    before: Before | None = None  # None when the ticket was just opened
    message: Message | None = None  # the first message, or the one posted
    # The message came in by mail (inbound/): whoever mails replies knows who has it already.
    by_email: bool = False


# A ticket was opened with its first message (and possibly assigned by the agent): Change.
opened = Event("tickets.opened")
# Someone (an agent, the requester, or the SLA engine) changed its fields or status: Change.
changed = Event("tickets.changed")
# A reply or a note was added; the status may have moved with it: Change.
message_posted = Event("tickets.message_posted")
# A merge moved messages to or from the ticket (ticket).
messages_moved = Event("tickets.messages_moved")
# The ticket (ticket_id) is being deleted, in the transaction that deletes it.
deleted = Event("tickets.deleted")
