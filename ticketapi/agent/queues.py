"""The agent's queues: named filters of the ticket list service, shown in every sidebar.

My tickets, Unassigned, each of my teams, the ones I follow and SLA at risk list open
tickets; each status lists its own; saved views list what their filters say. Every count
is the list service's own query (`tickets_query`, visibility included) counted, and all of
them go to the database as one statement of scalar subqueries, so the sidebar costs one
round trip. A count stops at the cap (HELPDESK_AGENT_COUNT_CAP) and shows "500+": it reads
at most cap + 1 of the queue's rows from an index instead of every one of them, so a queue
of 60,000 resolved tickets costs what one of 501 does (docs/performance.md, "Agent pages").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

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


@dataclass(frozen=True)
class Tally:
    """A count as the sidebar and the list show it: the number, or the cap and a "+"."""

    number: int
    more: bool = False  # there are more than `number`

    @classmethod
    def of(cls, counted: int, cap: int) -> Tally:
        return cls(cap, True) if counted > cap else cls(counted)

    def __str__(self) -> str:
        return f"{self.number:,}+" if self.more else f"{self.number:,}"


def count_cap() -> int:
    return current_app.config["AGENT_COUNT_CAP"]


def counts(actor: Actor, queues: list[Queue]) -> dict[str, Tally]:
    """How many tickets each queue lists, up to the cap: one statement for all."""
    if not queues:
        return {}
    cap = count_cap()
    columns = [
        capped_count(queries.tickets_query(actor, queue.filters, loads=False), cap).label(f"c{n}")
        for n, queue in enumerate(queues)
    ]
    row = db.session.execute(select(*columns)).one()
    return {queue.key: Tally.of(value, cap) for queue, value in zip(queues, row, strict=True)}


def capped_count(listed: Select, cap: int):
    """The list's own FROM and WHERE, its order and loads dropped, counted up to cap + 1 rows.

    The LIMIT inside is what keeps the cost bounded: the database stops reading the index
    (or testing rows for visibility) at the first cap + 1 rows that qualify.
    """
    rows = listed.with_only_columns(Ticket.id).order_by(None).limit(cap + 1).subquery()
    return select(func.count()).select_from(rows).scalar_subquery()
