"""The demo's invented history is news to nobody; what happens after it is."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.jobs import relay
from ticketapi import demo
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor
from ticketapi.tickets import services
from ticketapi.tickets.models import Ticket


def notification_jobs(queue) -> list[str]:
    relay(queue)
    return [task.name for task in queue.huey.pending() if task.name.startswith("notifications.")]


def test_loading_the_demo_tells_nobody(world, mailbox):
    assert demo.load()["tickets"] > 0
    assert notification_jobs(mailbox.queue) == []
    admin = db.session.scalar(select(Agent).where(Agent.email == demo.ADMIN_EMAIL))
    sam = db.session.scalar(select(Agent).where(Agent.email == "sam@tidewater.example"))
    ticket = db.session.scalar(select(Ticket).where(Ticket.agent_id != sam.id).limit(1))
    services.update_ticket(
        agent_actor(admin), ticket.id, {"agent_id": sam.id}, version=ticket.version, now=world.now
    )
    db.session.commit()
    assert notification_jobs(mailbox.queue) == ["notifications.routed"]
