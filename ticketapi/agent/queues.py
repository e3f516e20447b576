"""The agent's queues: named filters of the ticket list service, shown in every sidebar.

My tickets, Unassigned, each of my teams, the ones I follow and SLA at risk list open
tickets; each status lists its own; saved views list what their filters say. Every count
is the list service's own query (`tickets_query`, visibility included) counted, and all of
them go to the database as one statement of scalar subqueries: each is answered from the
tickets' indexes (docs/performance.md, "Agent pages"), so the sidebar costs one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from ticketapi.agent import saved_views
from ticketapi.agent.widgets import status_label
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.permissions import Actor
from ticketapi.tickets import queries
from ticketapi.tickets.models import Ticket
from ticketapi.tickets.status import OPEN_STATUSES, STATUSES

OPEN = {"status": list(OPEN_STATUSES)}
AT_RISK = ("warning", "failed")


@dataclass(frozen=True)
class Queue:
    key: str
    name: str
    filters: dict[str, Any]
    group: str = "queues"  # "queues", "statuses" or "views": the sidebar's sections
    view_id: int | None = field(default=None)

    @property
    def open_only(self) -> bool:
        """Open tickets only: these list the most pressing SLA first by default."""
        statuses = self.filters.get("status") or STATUSES
        return all(status in OPEN_STATUSES for status in statuses)


def queues_for(agent: Agent) -> list[Queue]:
    """Their own tickets, the unassigned, each of their teams', the ones they follow, the
    ones at risk, each status, then their saved views."""
    found = [
        Queue("mine", "My tickets", {**OPEN, "agent_id": agent.id}),
        Queue("unassigned", "Unassigned", {**OPEN, "agent_id": 0}),
    ]
    found += [
        Queue(f"team-{team.id}", team.name, {**OPEN, "team_id": team.id}) for team in agent.teams
    ]
    found.append(Queue("following", "Following", {**OPEN, "following": "me"}))
    found.append(Queue("at-risk", "SLA at risk", {**OPEN, "sla_state": list(AT_RISK)}))
    found += [
        Queue(f"status-{status}", status_label(status), {"status": [status]}, "statuses")
        for status in STATUSES
    ]
    found += [
        Queue(f"view-{view.id}", view.name, view.filters, "views", view.id)
        for view in saved_views.of(agent)
    ]
    return found


def counts(actor: Actor, queues: list[Queue]) -> dict[str, int]:
    """How many tickets each queue lists, as its page would say: one statement for all."""
    if not queues:
        return {}
    columns = [_count(actor, queue).label(f"c{n}") for n, queue in enumerate(queues)]
    row = db.session.execute(select(*columns)).one()
    return {queue.key: value for queue, value in zip(queues, row, strict=True)}


def _count(actor: Actor, queue: Queue):
    listed = queries.tickets_query(actor, queue.filters)
    # The list's own FROM and WHERE, its ordering and eager loads dropped: a count.
    return listed.with_only_columns(func.count(Ticket.id)).order_by(None).scalar_subquery()
