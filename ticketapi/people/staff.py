"""Agents and teams: admins change them, every agent reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ticketapi.auth.credentials import end_credentials
from ticketapi.core.access import require
from ticketapi.core.rows import get_or_404
from ticketapi.errors import Conflict, Invalid
from ticketapi.extensions import db
from ticketapi.people import events
from ticketapi.people.models import Agent, Team
from ticketapi.people.services import (
    checked_permissions,
    ensure_unique,
    named,
    new_password_hash,
    normalize_email,
)
from ticketapi.permissions import AGENT_PERMISSIONS, Actor, can_manage_agents, is_agent


def agents_query(actor: Actor) -> Select:
    require(is_agent, actor, None, "Only agents can list agents.")
    return select(Agent).order_by(Agent.id)


def get_agent(actor: Actor, agent_id: int) -> Agent:
    require(is_agent, actor, None, "Only agents can see agents.")
    return get_or_404(Agent, agent_id, "agent")


def create_agent(actor: Actor, values: dict, *, now: datetime) -> Agent:
    require(can_manage_agents, actor, None, "Only admins can add agents.")
    email = normalize_email(values["email"])
    ensure_unique(Agent, Agent.email == email, "email", f"An agent already has the address {email}")
    agent = Agent(email=email, name=values["name"], created_at=now)
    db.session.add(agent)
    return _apply_agent_changes(agent, values)


def update_agent(
    actor: Actor, agent_id: int, values: dict, *, now: datetime, keep_token_id: int | None = None
) -> Agent:
    """Change an agent (admins). A new password ends the agent's sign-ins, but for an admin
    changing their own, the token `keep_token_id` that did it; deactivation ends every
    credential, API keys included."""
    require(can_manage_agents, actor, None, "Only admins can change agents.")
    agent = get_or_404(Agent, agent_id, "agent")
    if actor.is_agent_id(agent.id) and values.get("is_admin") is False:
        raise Invalid("Admins cannot remove their own admin rights.", fields={"is_admin": "own"})
    # Before any write: the admins' row locks come first, always in the same order.
    keep_an_active_admin(agent, values)
    deactivated = agent.active and values.get("active") is False
    if "email" in values and normalize_email(values["email"]) != agent.email:
        email = normalize_email(values["email"])
        ensure_unique(
            Agent, Agent.email == email, "email", f"An agent already has the address {email}"
        )
        agent.email = email
    _apply_agent_changes(agent, values)
    if deactivated:
        end_credentials(agent, now=now, api_keys=True)
    elif values.get("password") is not None:
        own = actor.is_agent_id(agent.id)
        end_credentials(agent, now=now, keep_token_id=keep_token_id if own else None)
    return agent


def keep_an_active_admin(agent: Agent, values: dict) -> None:
    """Refuse (409) a change that would leave no active admin: nobody could manage agents.

    Every active admin's row is locked first, in id order: two admins removing each other at
    once queue here, and the second counts without the first (PostgreSQL re-reads a locked
    row that changed; SQLite has one writer at a time anyway).
    """
    leaves = values.get("active") is False or values.get("is_admin") is False
    if not (leaves and agent.active and agent.is_admin):
        return
    admins = db.session.scalars(
        select(Agent.id).where(Agent.is_admin, Agent.active).order_by(Agent.id).with_for_update()
    ).all()
    if not set(admins) - {agent.id}:
        raise Conflict(
            "That would leave no active admin, and nobody could manage agents: "
            "make another agent an admin first."
        )


def _apply_agent_changes(agent: Agent, values: dict) -> Agent:
    if "name" in values:
        agent.name = values["name"]
    if "is_admin" in values:
        agent.is_admin = values["is_admin"]
    if "active" in values:
        agent.active = values["active"]
    if "permissions" in values:
        agent.permissions = checked_permissions(
            values["permissions"], AGENT_PERMISSIONS, "permissions"
        )
    if "team_ids" in values:
        agent.teams = [named(Team, tid, "team_ids") for tid in values["team_ids"]]
    if values.get("password") is not None:
        agent.password_hash = new_password_hash(values["password"])
    db.session.flush()
    return agent


def teams_query(actor: Actor) -> Select:
    require(is_agent, actor, None, "Only agents can list teams.")
    return select(Team).order_by(Team.name, Team.id)


def get_team(actor: Actor, team_id: int) -> Team:
    require(is_agent, actor, None, "Only agents can see teams.")
    return get_or_404(Team, team_id, "team")


def save_team(actor: Actor, values: dict, team_id: int | None = None) -> Team:
    require(can_manage_agents, actor, None, "Only admins can change teams.")
    team = Team() if team_id is None else get_or_404(Team, team_id, "team")
    if "name" in values and values["name"] != team.name:
        ensure_unique(Team, Team.name == values["name"], "name", "A team has that name")
        team.name = values["name"]
    if "agent_ids" in values:
        team.agents = [named(Agent, aid, "agent_ids") for aid in values["agent_ids"]]
    db.session.add(team)
    db.session.flush()
    return team


def delete_team(actor: Actor, team_id: int) -> None:
    """Delete a team nothing depends on; its resolved tickets keep their history, no team."""
    require(can_manage_agents, actor, None, "Only admins can delete teams.")
    team = get_or_404(Team, team_id, "team")
    # The settings, tickets and SLAs that still depend on it refuse (Conflict).
    events.team_deleting.publish(team)
    db.session.delete(team)
