"""The demo routes submissions to Support, so a visitor's ticket reaches Support's agents."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.support.world import Account
from ticketapi import demo
from ticketapi.auth import services as auth
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Team

SUPPORT = {"sam@tidewater.example", "meg@tidewater.example", "priya@tidewater.example"}
STEP = "default team for submissions"


def demo_admin(world) -> Account:
    admin = db.session.scalar(select(Agent).where(Agent.email == demo.ADMIN_EMAIL))
    _token, plain = auth.issue_token(admin, now=world.now, ttl=timedelta(hours=1))
    db.session.commit()
    return Account(admin, plain)


def team_id(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


def test_after_the_demo_a_visitor_s_ticket_reaches_support(world, mailbox):
    assert demo.load()[STEP] == 1
    admin = demo_admin(world)
    assert world.get("/api/v1/settings", admin).json["default_team_id"] == team_id("Support")
    mailbox.deliver()  # whatever the demo queued (nothing: it tells nobody)
    body = {"name": "Vi", "email": "vi@visitor.example", "subject": "Sync", "message": "Stuck."}
    response = world.post("/api/v1/tickets", json=body)
    assert response.status_code == 201
    # Support's agents, and the visitor's address, asked to confirm the ticket.
    assert set(mailbox.subjects()) == {*SUPPORT, "vi@visitor.example"}


def test_the_demo_keeps_an_admin_s_own_choice(world):
    demo.load()
    admin = demo_admin(world)
    billing = team_id("Billing")
    world.patch("/api/v1/settings", admin, json={"default_team_id": billing})
    assert demo.load()[STEP] == 0
    assert world.get("/api/v1/settings", admin).json["default_team_id"] == billing
