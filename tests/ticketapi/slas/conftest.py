"""Fixtures for SLA clocks on real tickets: people, SLAs and a clock the test sets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.ticketapi.slas.clock import T0, minutes
from ticketapi.extensions import db
from ticketapi.jobs.queue import queue_for
from ticketapi.people.services import agent_actor, user_actor
from ticketapi.permissions import Actor
from ticketapi.slas import services as slas
from ticketapi.slas.models import TicketSla
from ticketapi.tickets import conversation
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket


@dataclass
class Desk:
    """Acts through the services with the times a test chooses."""

    admin: Actor
    agent: Actor
    user: Actor

    def sla(self, name: str, kind: str = "first_response", **values):
        values = {"name": name, "type": kind, "target_minutes": 60, **values}
        sla = slas.create_sla(self.admin, values, now=T0)
        db.session.commit()
        return sla

    def open(self, at: float = 0, **values) -> Ticket:
        body = {"subject": "Restore fails", "message": "It stops at 40%.", **values}
        ticket = tickets.open_ticket(self.user, body, now=minutes(at))
        db.session.commit()
        return ticket

    def change(self, ticket: Ticket, at: float, **changes) -> Ticket:
        db.session.refresh(ticket)
        tickets.update_ticket(
            self.admin, ticket.id, changes, version=ticket.version, now=minutes(at)
        )
        db.session.commit()
        return ticket

    def reply(self, ticket: Ticket, at: float, *, by_agent: bool = True, **kwargs) -> None:
        actor = self.agent if by_agent else self.user
        conversation.post_message(actor, ticket.id, body="Hello", now=minutes(at), **kwargs)
        db.session.commit()

    def clocks(self, ticket: Ticket) -> dict[str, TicketSla]:
        db.session.expire_all()
        fresh = db.session.get(Ticket, ticket.id)
        return {row.sla.name: row for row in fresh.sla_rows}


@pytest.fixture
def desk(world) -> Desk:
    admin = world.admin("Ada")
    agent = world.agent("Sam", permissions=["tickets.view_all", "tickets.reply", "tickets.edit"])
    user = world.user("Una")
    return Desk(agent_actor(admin.row), agent_actor(agent.row), user_actor(user.row))


@pytest.fixture
def jobs(app):
    """The app's job queue, empty before and after the test."""
    queue = queue_for(app)
    queue.huey.flush()
    yield queue
    queue.huey.flush()
