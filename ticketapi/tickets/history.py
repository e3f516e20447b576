"""The ticket history: one event for every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select

from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets.models import Ticket, TicketEvent

EVENTS = TicketEvent.__table__


def record(ticket: Ticket, actor: Actor, kind: str, *, now: datetime, **data: Any) -> None:
    """Add an event to the ticket's history, in the change's transaction.

    Written at once, straight on the table: nothing reads an event back as an object in the
    request that records it, and the ORM's bookkeeping would cost more than the INSERT.
    """
    db.session.execute(
        insert(EVENTS).values(
            ticket_id=ticket.id,
            created_at=now,
            actor_type=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
            kind=kind,
            data=data,
        )
    )


def events_query(ticket: Ticket) -> Select:
    return (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .order_by(TicketEvent.created_at, TicketEvent.id)
    )
