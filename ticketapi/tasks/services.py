"""Task services: every function takes the acting `Actor` and `now`; access is checked here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select

from ticketapi import permissions as rules
from ticketapi.core.access import require
from ticketapi.core.rows import find
from ticketapi.errors import Forbidden, Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Team
from ticketapi.permissions import Actor
from ticketapi.tasks.models import Task
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket, ticket_cc, ticket_followers

AGENTS_ONLY = "Tasks are for agents only."
SIGN_IN = "Sign in as an agent to use tasks."


def tasks_query(actor: Actor, filters: dict[str, Any]) -> Select:
    """The tasks the actor may see, filtered; soonest due first, undated ones last."""
    require(rules.can_use_tasks, actor, None, AGENTS_ONLY, signed_out=SIGN_IN)
    query = select(Task).where(
        rules.visible_tasks(actor, Task, Ticket, ticket_followers, ticket_cc)
    )
    for name in ("agent_id", "team_id", "ticket_id", "done"):
        if name in filters:
            query = query.where(getattr(Task, name) == filters[name])
    if "due_before" in filters:
        query = query.where(Task.due_at < filters["due_before"])
    if "due_from" in filters:
        query = query.where(Task.due_at >= filters["due_from"])
    if "team_ids" in filters:  # a team's tasks, among the given teams (none: no task)
        query = query.where(Task.team_id.in_(filters["team_ids"]))
    if filters.get("mine"):
        mine = [Task.agent_id == actor.id]
        if actor.team_ids:
            mine.append(Task.team_id.in_(actor.team_ids))
        query = query.where(or_(*mine))
    return query.order_by(Task.due_at.asc().nulls_last(), Task.id)


def get_task(actor: Actor, task_id: int) -> Task:
    """Return a task the actor may see; 404 otherwise, so ids are not probed."""
    require(rules.can_use_tasks, actor, None, AGENTS_ONLY, signed_out=SIGN_IN)
    task = find(Task, task_id)
    if task is None or not rules.can_view_task(actor, task):
        raise NotFound(f"There is no task {task_id}.")
    return task


def create_task(actor: Actor, values: dict[str, Any], *, now: datetime) -> Task:
    """Create a task; with neither agent_id nor team_id it is the creator's own."""
    require(rules.can_use_tasks, actor, None, AGENTS_ONLY, signed_out=SIGN_IN)
    if values.get("agent_id") is None and values.get("team_id") is None:
        values = {**values, "agent_id": actor.id}
    task = Task(created_by_id=actor.id, created_at=now, updated_at=now, done=False)
    _apply(actor, task, values, now=now)
    db.session.add(task)
    db.session.flush()
    return task


def update_task(actor: Actor, task_id: int, changes: dict[str, Any], *, now: datetime) -> Task:
    task = get_task(actor, task_id)
    if not rules.can_edit_task(actor, task):
        raise Forbidden(
            "Only its creator, its assignees or an agent with tasks.manage can change a task."
        )
    _apply(actor, task, changes, now=now)
    task.updated_at = now
    db.session.flush()
    return task


def delete_task(actor: Actor, task_id: int) -> None:
    task = get_task(actor, task_id)
    if not rules.can_delete_task(actor, task):
        raise Forbidden(
            "Only its creator or an agent with tasks.manage can delete a task: mark it done."
        )
    db.session.delete(task)


def _apply(actor: Actor, task: Task, values: dict[str, Any], *, now: datetime) -> None:
    if "title" in values:
        if not values["title"].strip():
            raise Invalid("Give the task a title.", fields={"title": "blank"})
        task.title = values["title"].strip()
    if "notes" in values:
        task.notes = values["notes"] or None
    if "due_at" in values:
        task.due_at = values["due_at"]
    if "agent_id" in values:
        task.agent_id = _active_agent_id(values["agent_id"])
    if "team_id" in values:
        task.team_id = _team_id(values["team_id"])
    if task.agent_id is None and task.team_id is None:
        raise Invalid(
            "Assign the task to an agent or a team (or both).",
            fields={"agent_id": "give agent_id or team_id"},
        )
    if "ticket_id" in values:
        task.ticket = _visible_ticket(actor, values["ticket_id"])
    if "done" in values and values["done"] != task.done:
        task.done = values["done"]
        task.done_at = now if task.done else None


def _active_agent_id(agent_id: int | None) -> int | None:
    if agent_id is None:
        return None
    agent = db.session.get(Agent, agent_id)
    if agent is None or not agent.active:
        raise Invalid(f"There is no active agent {agent_id}.", fields={"agent_id": "unknown agent"})
    return agent.id


def _team_id(team_id: int | None) -> int | None:
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise Invalid(f"There is no team {team_id}.", fields={"team_id": "unknown team"})
    return team_id


def _visible_ticket(actor: Actor, ticket_id: int | None) -> Ticket | None:
    """The ticket to link: one the actor may see; a 422, not a 404, since the task is the resource."""
    if ticket_id is None:
        return None
    try:
        return tickets.get_ticket(actor, ticket_id)
    except NotFound:
        raise Invalid(
            f"There is no ticket {ticket_id} that you can see.",
            fields={"ticket_id": "unknown ticket"},
        ) from None
