"""Notification settings: each agent chooses which notifications they get."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from ticketapi import permissions as rules
from ticketapi.core.access import require
from ticketapi.errors import Forbidden, NotFound
from ticketapi.extensions import db
from ticketapi.notifications.models import PREFERENCES, NotificationSettings
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor
from ticketapi.permissions import Actor
from ticketapi.tickets.models import Ticket

AGENTS_ONLY = "Notification settings are for agents only."


def get_settings(actor: Actor, agent_id: int | None = None) -> dict[str, Any]:
    """An agent's settings (the actor's own without `agent_id`); defaults when never changed."""
    agent = _agent(actor, agent_id, rules.can_view_notification_settings)
    return _as_dict(agent.id, db.session.get(NotificationSettings, agent.id))


def update_settings(
    actor: Actor, changes: dict[str, bool], agent_id: int | None = None
) -> dict[str, Any]:
    """Switch notifications on or off; what `changes` does not name stays as it was."""
    agent = _agent(actor, agent_id, rules.can_edit_notification_settings, for_update=True)
    settings = db.session.get(NotificationSettings, agent.id)
    if settings is None:
        settings = NotificationSettings(agent_id=agent.id, **dict.fromkeys(PREFERENCES, True))
        db.session.add(settings)
    for name in PREFERENCES:
        if name in changes:
            setattr(settings, name, changes[name])
    db.session.flush()
    return _as_dict(agent.id, settings)


def _agent(actor: Actor, agent_id: int | None, rule, *, for_update: bool = False) -> Agent:
    require(rules.is_agent, actor, None, AGENTS_ONLY)
    if agent_id is None:
        agent_id = actor.id
    # Locking the agent row serializes two first changes, which would both insert settings.
    agent = db.session.get(Agent, agent_id, with_for_update=True if for_update else None)
    if agent is None:
        raise NotFound(f"There is no agent {agent_id}.")
    if not rule(actor, agent):
        raise Forbidden("Agents change only their own notification settings; admins, anyone's.")
    return agent


def _as_dict(agent_id: int, settings: NotificationSettings | None) -> dict[str, Any]:
    values = {name: getattr(settings, name) if settings else True for name in PREFERENCES}
    return {"agent_id": agent_id, **values}


def wants(preference: str) -> ColumnElement[bool]:
    """SQL: the agent (joined with their settings, outer) wants this notification."""
    column = getattr(NotificationSettings, preference)
    return or_(NotificationSettings.agent_id.is_(None), column.is_(True))


def agents_wanting(agent_ids: set[int], preference: str) -> list[Agent]:
    """The active agents among `agent_ids` who want this notification, by id."""
    if not agent_ids:
        return []
    query = (
        select(Agent)
        .outerjoin(NotificationSettings, NotificationSettings.agent_id == Agent.id)
        .where(Agent.id.in_(agent_ids), Agent.active.is_(True), wants(preference))
        .order_by(Agent.id)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Audience:
    """Agents who may hear of an event for one reason, if they want that notification."""

    preference: str
    agent_ids: frozenset[int]
    reason: str


def recipients(
    ticket: Ticket, audiences: list[Audience], *, actor_agent_id: int | None = None
) -> list[tuple[Agent, Audience]]:
    """Each agent once, for the first audience naming them whose notification they want.

    Never the agent who did the thing, nor an inactive agent, nor one who may not see the
    ticket (their team or follow may have changed since the event).
    """
    chosen: dict[int, tuple[Agent, Audience]] = {}
    for audience in audiences:
        candidates = set(audience.agent_ids) - set(chosen) - {actor_agent_id}
        for agent in agents_wanting(candidates, audience.preference):
            if rules.may_be_told_about_ticket(agent_actor(agent), ticket):
                chosen[agent.id] = (agent, audience)
    return list(chosen.values())
