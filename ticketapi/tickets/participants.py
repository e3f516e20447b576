"""Who else is on a ticket: following agents and CC'd users."""

from __future__ import annotations

from datetime import datetime

from ticketapi import permissions as rules
from ticketapi.errors import Forbidden, Invalid, NotFound
from ticketapi.people.models import User
from ticketapi.permissions import Actor
from ticketapi.tickets import history, quotas
from ticketapi.tickets.changes import active_agent, existing
from ticketapi.tickets.models import Ticket
from ticketapi.tickets.services import get_ticket, user_by_email


def add_follower(actor: Actor, ticket_id: int, agent_id: int, *, now: datetime) -> Ticket:
    """Follow a ticket: any agent who sees it may follow it; others need tickets.edit."""
    ticket = get_ticket(actor, ticket_id, rules.is_agent, for_update=True)
    if not actor.is_agent_id(agent_id) and not rules.can_edit_ticket(actor, ticket):
        raise Forbidden("Adding other agents as followers needs the tickets.edit permission.")
    agent = active_agent(agent_id, "agent_id")
    if agent not in ticket.followers:
        history.record(ticket, actor, "follower_added", now=now, agent_id=agent.id)
        ticket.followers.append(agent)
        ticket.updated_at = now
    return ticket


def remove_follower(actor: Actor, ticket_id: int, agent_id: int, *, now: datetime) -> Ticket:
    ticket = get_ticket(actor, ticket_id, rules.is_agent, for_update=True)
    if not actor.is_agent_id(agent_id) and not rules.can_edit_ticket(actor, ticket):
        raise Forbidden("Removing other agents' follows needs the tickets.edit permission.")
    follower = next((a for a in ticket.followers if a.id == agent_id), None)
    if follower is None:
        raise NotFound(f"Agent {agent_id} does not follow ticket {ticket_id}.")
    history.record(ticket, actor, "follower_removed", now=now, agent_id=agent_id)
    ticket.followers.remove(follower)
    ticket.updated_at = now
    return ticket


def add_cc(actor: Actor, ticket_id: int, values: dict, *, now: datetime) -> Ticket:
    """CC a user: agents with tickets.edit, or the ticket's own requester."""
    ticket = get_ticket(actor, ticket_id, for_update=True)
    if not rules.can_manage_cc(actor, ticket):
        raise Forbidden("Only the requester or an agent with tickets.edit can CC people.")
    if values.get("user_id"):
        if not actor.is_agent:
            raise Invalid("Add people by email.", fields={"user_id": "agents only; use email"})
        user = existing(User, values["user_id"], "user_id")
    elif values.get("email"):
        user = user_by_email(values["email"], now=now)
    else:
        raise Invalid("Give user_id or email.", fields={"email": "give user_id or email"})
    if user.id == ticket.user_id:
        raise Invalid("The requester gets every reply already.", fields={"email": "requester"})
    if user not in ticket.cc:
        quotas.check_cc_count(actor, len(ticket.cc) + 1, field="email")
        history.record(ticket, actor, "cc_added", now=now, user_id=user.id)
        ticket.cc.append(user)
        ticket.updated_at = now
    return ticket


def remove_cc(actor: Actor, ticket_id: int, user_id: int, *, now: datetime) -> Ticket:
    ticket = get_ticket(actor, ticket_id, for_update=True)
    if not (rules.can_manage_cc(actor, ticket) or actor.is_user_id(user_id)):
        raise Forbidden("Only the requester, the CC'd user or an agent with tickets.edit can.")
    member = next((u for u in ticket.cc if u.id == user_id), None)
    if member is None:
        raise NotFound(f"User {user_id} is not CC'd on ticket {ticket_id}.")
    history.record(ticket, actor, "cc_removed", now=now, user_id=user_id)
    ticket.cc.remove(member)
    ticket.updated_at = now
    return ticket
