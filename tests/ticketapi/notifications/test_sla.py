"""sla_crossed: the SLA check's warnings and failures, mailed to the targets who want them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.mailbox import follow, open_ticket, text_of
from ticketapi.extensions import db
from ticketapi.notifications.events import sla_crossed
from ticketapi.slas.models import Sla
from ticketapi.tickets.models import Ticket

EVERYONE = ["agent", "team", "followers"]


@pytest.fixture
def sla() -> Sla:
    sla = Sla(
        name="First response, 1 hour",
        type="first_response",
        target_minutes=60,
        warning_minutes=15,
        hours_kind="24x7",
        applies_to={},
    )
    db.session.add(sla)
    db.session.commit()
    return sla


@pytest.fixture
def ticket(world, desk, sla, mailbox) -> Ticket:
    """Assigned to Sam and the Support team, followed by Kim and an outsider, Lee."""
    opened = open_ticket(world, desk, agent_id=desk.sam.id, team_id=desk.support.id)
    lee = world.agent("Lee")
    follow(world, desk, opened, desk.kim, lee)
    mailbox.deliver()
    desk.lee = lee
    return db.session.get(Ticket, opened["id"])


def cross(ticket: Ticket, sla: Sla, state: str, targets: list[str], now) -> None:
    """As the SLA check's job would: inside its transaction, then commit."""
    sla_crossed(ticket, sla, state, targets, now=now)
    db.session.commit()


def test_a_warning_reaches_every_target_once(world, desk, sla, ticket, mailbox):
    cross(ticket, sla, "warning", EVERYONE, world.now)
    subject = f"[#{ticket.ref}] SLA warning: First response, 1 hour: Backups paused"
    # Sam is assignee and member, Kim member and follower: one mail each. Off wants none,
    # Gone left; Ada is a member too (nobody "did" an SLA warning).
    assert mailbox.subjects() == {
        desk.sam.row.email: [subject],
        desk.kim.row.email: [subject],
        desk.admin.row.email: [subject],
        desk.lee.row.email: [subject],
    }


def test_only_the_named_targets_are_told(world, desk, sla, ticket, mailbox):
    cross(ticket, sla, "failed", ["agent"], world.now)
    assert set(mailbox.subjects()) == desk.emails(desk.sam)
    cross(ticket, sla, "failed", ["followers"], world.now)
    assert set(mailbox.subjects()) == desk.emails(desk.kim, desk.lee)
    cross(ticket, sla, "failed", [], world.now)
    assert mailbox.subjects() == {}


def test_warnings_and_failures_are_chosen_apart(world, desk, sla, ticket, mailbox):
    world.patch("/api/v1/agents/me/notifications", desk.kim, json={"sla_failure": False})
    world.patch("/api/v1/agents/me/notifications", desk.lee, json={"sla_warning": False})
    cross(ticket, sla, "warning", ["followers"], world.now)
    assert set(mailbox.subjects()) == desk.emails(desk.kim)
    cross(ticket, sla, "failed", ["followers"], world.now)
    assert set(mailbox.subjects()) == desk.emails(desk.lee)


def test_the_mail_says_which_target_and_when_it_is_due(world, desk, sla, ticket, mailbox):
    cross(ticket, sla, "failed", ["team"], world.now)
    mails = {str(mail["To"]): mail for mail in mailbox.deliver()}
    mail = mails[desk.kim.row.email]
    assert mail["Subject"] == f"[#{ticket.ref}] SLA missed: First response, 1 hour: Backups paused"
    text = text_of(mail)
    due = ticket.created_at + timedelta(minutes=60)
    assert (
        f"Ticket {ticket.ref} has missed the SLA First response, 1 hour "
        f"(first response within 1 hour, due {due:%Y-%m-%d %H:%M} UTC)." in text
    )
    assert "You get this because the ticket is assigned to your team Support." in text


@pytest.mark.parametrize(
    ("state", "targets"), [("breached", EVERYONE), ("warning", ["agent", "organization"])]
)
def test_a_call_the_check_cannot_mean_is_refused(world, sla, ticket, state, targets):
    with pytest.raises(ValueError, match=r"breached|organization"):
        sla_crossed(ticket, sla, state, targets, now=world.now)
