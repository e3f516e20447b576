"""Which events reach which agents.

In the request (subscribed to tickets/events.py) only the fact is decided, by comparing a few
columns, and one job per event is queued for after the commit, with plain ids: a change
that rolls back tells nobody, and no request waits for a recipient query or a mail. The
job finds the recipients and queues one mail per agent. The SLA check runs in a job
already, so `sla_crossed` (subscribed to slas/events.py) mails at once.
"""

from __future__ import annotations

from datetime import datetime

from ticketapi.core.events import telling
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.jobs.queue import job
from ticketapi.mail.outbound import queue_mail
from ticketapi.notifications import compose
from ticketapi.notifications.services import Audience, recipients
from ticketapi.people.models import Team
from ticketapi.permissions import Actor
from ticketapi.slas.models import Sla
from ticketapi.tickets.events import Change
from ticketapi.tickets.models import Message, Ticket

SLA_STATES = {"warning": "sla_warning", "failed": "sla_failure"}
SLA_TARGETS = ("agent", "team", "followers")

# In the request: decide, and queue a job for after the commit.


def ticket_opened(change: Change) -> None:
    """A ticket opened with an agent or a team: tell them."""
    ticket = change.ticket
    _routed(change.actor, ticket, agent_id=ticket.agent_id, team_id=ticket.team_id, opened=True)


def ticket_changed(change: Change) -> None:
    """A change to a ticket: tell its new agent or team, if it has one."""
    ticket, before = change.ticket, change.before
    _routed(
        change.actor,
        ticket,
        agent_id=ticket.agent_id if ticket.agent_id != before.agent_id else None,
        team_id=ticket.team_id if ticket.team_id != before.team_id else None,
        opened=False,
    )


def _routed(
    actor: Actor, ticket: Ticket, *, agent_id: int | None, team_id: int | None, opened: bool
) -> None:
    if not telling():
        return
    by_agent_id = actor.id if actor.is_agent else None
    if agent_id == by_agent_id:
        agent_id = None  # taking a ticket yourself is news to nobody
    if agent_id is None and team_id is None:
        return
    enqueue_after_commit(
        send_routed,
        ticket.id,
        agent_id=agent_id,
        team_id=team_id,
        by_agent_id=by_agent_id,
        by_name=actor.name,
        opened=opened,
    )


def message_posted(change: Change) -> None:
    """A user's public reply (the requester's or a CC's): tell the assignee and followers."""
    ticket, message = change.ticket, change.message
    if message.author_type == "user" and not message.note and telling():
        enqueue_after_commit(send_user_reply, ticket.id, message.id)


# In a job: find the agents who want to hear it, and queue their mail.


@job("notifications.routed", once=True)
def send_routed(
    ticket_id: int,
    *,
    agent_id: int | None,
    team_id: int | None,
    by_agent_id: int | None,
    by_name: str,
    opened: bool,
) -> None:
    """Mail the new assignee and the members of the new team (one mail each)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return  # deleted since
    audiences = []
    notices = {}
    if agent_id is not None:
        audiences.append(
            Audience("assigned_to_me", frozenset({agent_id}), "the ticket was assigned to you")
        )
        notices["assigned_to_me"] = compose.assigned(ticket, by_name, opened=opened)
    if team_id is not None and (team := db.session.get(Team, team_id)) is not None:
        reason = f"you are a member of the team {team.name}"
        audiences.append(Audience("new_ticket_for_team", frozenset(team.agent_ids), reason))
        # Opened by no agent: a submission (the portal, the public API), routed to the
        # team by the help desk's settings; news from its requester.
        submitted = opened and by_agent_id is None
        notices["new_ticket_for_team"] = compose.ticket_for_team(
            ticket, team.name, by_name, opened=opened, submitted=submitted
        )
    for agent, audience in recipients(ticket, audiences, actor_agent_id=by_agent_id):
        _send(ticket, agent.email, notices[audience.preference], audience.reason)
    commit()


@job("notifications.user_reply", once=True)
def send_user_reply(ticket_id: int, message_id: int) -> None:
    """Mail the user's reply to the ticket's assignee and followers (one mail each)."""
    ticket = db.session.get(Ticket, ticket_id)
    message = db.session.get(Message, message_id)
    if ticket is None or message is None or message.ticket_id != ticket.id:
        return  # deleted, or moved away by a merge
    audiences = [
        Audience(
            "user_reply",
            frozenset({ticket.agent_id} - {None}),
            "the ticket is assigned to you",
        ),
        Audience("user_reply", frozenset(ticket.follower_ids), "you follow this ticket"),
    ]
    notice = compose.user_replied(ticket, message)
    for agent, audience in recipients(ticket, audiences):
        _send(ticket, agent.email, notice, audience.reason)
    commit()


def sla_crossed(ticket: Ticket, sla: Sla, state: str, targets: list[str], *, now: datetime) -> None:
    """A ticket's SLA reached its warning or failed: mail the targets who want to know.

    `state` is "warning" or "failed"; `targets` names who: the assigned "agent", the
    members of the assigned "team", the "followers". Runs inside the SLA check's job.
    """
    preference = SLA_STATES.get(state)
    if preference is None:
        raise ValueError(f"An SLA crosses into 'warning' or 'failed', not {state!r}.")
    if unknown := set(targets) - set(SLA_TARGETS):
        raise ValueError(f"Unknown SLA notification targets: {', '.join(sorted(unknown))}.")
    audiences = []
    if "agent" in targets and ticket.agent_id is not None:
        audiences.append(
            Audience(preference, frozenset({ticket.agent_id}), "the ticket is assigned to you")
        )
    if "team" in targets and ticket.team is not None:
        reason = f"the ticket is assigned to your team {ticket.team.name}"
        audiences.append(Audience(preference, frozenset(ticket.team.agent_ids), reason))
    if "followers" in targets:
        audiences.append(
            Audience(preference, frozenset(ticket.follower_ids), "you follow this ticket")
        )
    if not audiences:
        return
    due_at = next((row.due_at for row in ticket.sla_rows if row.sla_id == sla.id), None)
    notice = compose.sla_crossed(ticket, sla.name, sla.type, sla.target_minutes, state, due_at)
    for agent, audience in recipients(ticket, audiences):
        _send(ticket, agent.email, notice, audience.reason)


def _send(ticket: Ticket, email: str, notice: compose.Notice, reason: str) -> None:
    mail = compose.compose(ticket, notice, reason)
    queue_mail(
        to=[email],
        subject=mail.subject,
        text=mail.text,
        headers=compose.headers(ticket),
        ticket_ref=ticket.ref,
    )
