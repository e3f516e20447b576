"""Recompute every open ticket's SLA clocks from its history, after the SLAs change.

Adding, changing or removing an SLA or a schedule queues this job. Open tickets are
read in chunks with plain queries (no ORM objects), replayed through slas/clock.py, and
their clocks written back in bulk; resolved tickets keep the clocks they ended with.

A clock an SLA gains here starts with its actions counted as done up to its current
state: an SLA added today runs no actions for what happened before it existed. A changed
SLA that pushes an existing clock past its warning or due time runs those actions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select

from ticketapi import bulk
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.queue import job
from ticketapi.people.models import user_usergroups
from ticketapi.slas.clock import Moment, judge, replay
from ticketapi.slas.models import Sla, TicketSla, TicketSlaDue
from ticketapi.slas.tracking import (
    active_slas,
    history_query,
    matcher,
    moments_from,
    terms_of,
)
from ticketapi.tickets.models import Ticket, TicketEvent, TicketLabel
from ticketapi.tickets.status import Status
from ticketapi.timeutil import utcnow

CHUNK = 2000


@dataclass(frozen=True)
class Summary:
    tickets: int
    clocks: int
    seconds: float


class _Ticket(NamedTuple):
    """What the SLA conditions and clocks need of a ticket, read without the ORM."""

    id: int
    status: str
    urgency: int
    organization_id: int | None
    team_id: int | None
    user_id: int
    created_at: datetime
    first_agent_reply_at: datetime | None
    labels: list[str]


def recompute_all(*, now: datetime, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Recompute the clocks of every open ticket; `progress(done, total)` after each chunk."""
    started = time.perf_counter()
    slas = active_slas()
    terms = {sla.id: terms_of(sla) for sla in slas}
    open_ids = select(Ticket.id).where(
        Ticket.status != Status.RESOLVED.value, Ticket.merged_into_id.is_(None)
    )
    total = db.session.scalar(select(func.count()).select_from(open_ids.subquery()))
    done = clocks = 0
    last_id = 0
    while True:
        ids = list(
            db.session.scalars(open_ids.where(Ticket.id > last_id).order_by(Ticket.id).limit(CHUNK))
        )
        if not ids:
            break
        clocks += _recompute_chunk(ids, slas, terms, now=now)
        commit()
        done += len(ids)
        last_id = ids[-1]
        if progress:
            progress(done, total)
    return Summary(done, clocks, time.perf_counter() - started)


CLOCK_COLUMNS = (
    "state",
    "due_at",
    "warning_at",
    "next_check_at",
    "used_minutes",
    "running_since",
    "completed_at",
    "failed_at",
    "actions_level",
)


def _recompute_chunk(ids: list[int], slas: list[Sla], terms: dict, *, now: datetime) -> int:
    tickets = _load_tickets(ids)
    history = _load_history(ids)
    by_usergroup = any(sla.applies_to.get("usergroup_ids") for sla in slas)
    usergroups = _load_usergroups(tickets) if by_usergroup else {}
    connection = db.session.connection()
    # Read as the driver gives it, and compared in that form: no conversions both ways.
    stored = {
        (row[0], row[1]): row[2:]
        for row in bulk.select_raw(
            connection,
            TicketSla.__table__,
            ("ticket_id", "sla_id", *CLOCK_COLUMNS),
            "ticket_id",
            ids,
        )
    }
    as_stored = bulk.row_converter(connection)  # to compare with `stored` as it is read
    clocks: dict[tuple[int, int], tuple] = {}
    due: dict[int, datetime] = {}
    rules = [(sla.id, terms[sla.id], matcher(sla.applies_to)) for sla in slas]
    no_groups: frozenset[int] = frozenset()
    for ticket in tickets:
        moments = moments_from(history.get(ticket.id, ()), ticket.first_agent_reply_at)
        if not moments:  # no history at all (imported rows): it has been open since created
            moments = [Moment(ticket.created_at, ticket.status, False)]
        groups = usergroups.get(ticket.user_id, no_groups)
        for sla_id, sla_terms, matches in rules:
            if not matches(ticket, groups):
                continue
            clock = replay(sla_terms, moments)
            judgement = judge(sla_terms, clock, now)
            old = stored.get((ticket.id, sla_id))
            level = judgement.level if old is None else old[-1]
            next_check = now if judgement.level > level else judgement.next_change_at
            due_at = judgement.due_at
            clocks[ticket.id, sla_id] = as_stored(
                judgement.state,
                due_at,
                judgement.warning_at,
                next_check,
                clock.used,
                clock.running_since,
                clock.completed_at,
                clock.failed_at,
                level,
            )
            if due_at is not None and judgement.state != "done":
                due[ticket.id] = min(due_at, due.get(ticket.id, due_at))
    _write_clocks(stored, clocks)
    _write_due(ids, due)
    return len(clocks)


def _write_clocks(stored: dict[tuple[int, int], tuple], clocks: dict[tuple[int, int], tuple]):
    """Write only what changed: a recompute that changes nothing writes nothing."""
    connection, table = db.session.connection(), TicketSla.__table__
    if gone := [key for key in stored if key not in clocks]:
        bulk.delete_many(connection, table, ("ticket_id", "sla_id"), gone)
    added, changed = [], []
    for key, values in clocks.items():
        old = stored.get(key)
        if old is None:
            added.append((*key, *values))
        elif old != values:
            changed.append((*values, *key))
    if added:
        bulk.insert_many(connection, table, ("ticket_id", "sla_id", *CLOCK_COLUMNS), added)
    if changed:
        bulk.update_many(connection, table, CLOCK_COLUMNS, ("ticket_id", "sla_id"), changed)


def _write_due(ids: list[int], due: dict[int, datetime]) -> None:
    connection, table = db.session.connection(), TicketSlaDue.__table__
    stored = dict(bulk.select_raw(connection, table, ("ticket_id", "due_at"), "ticket_id", ids))
    as_stored = bulk.row_converter(connection)
    wanted = {ticket_id: as_stored(due_at)[0] for ticket_id, due_at in due.items()}
    if gone := [(ticket_id,) for ticket_id in stored if ticket_id not in wanted]:
        bulk.delete_many(connection, table, ("ticket_id",), gone)
    if added := [(t, d) for t, d in wanted.items() if t not in stored]:
        bulk.insert_many(connection, table, ("ticket_id", "due_at"), added)
    if changed := [(d, t) for t, d in wanted.items() if t in stored and stored[t] != d]:
        bulk.update_many(connection, table, ("due_at",), ("ticket_id",), changed)


def _load_tickets(ids: list[int]) -> list[_Ticket]:
    columns = (
        Ticket.id,
        Ticket.status,
        Ticket.urgency,
        Ticket.organization_id,
        Ticket.team_id,
        Ticket.user_id,
        Ticket.created_at,
        Ticket.first_agent_reply_at,
    )
    # Core queries on the session's connection: plain rows, none of the ORM's loading.
    connection = db.session.connection()
    labels: dict[int, list[str]] = defaultdict(list)
    for ticket_id, name in connection.execute(
        select(TicketLabel.ticket_id, TicketLabel.name).where(TicketLabel.ticket_id.in_(ids))
    ):
        labels[ticket_id].append(name)
    no_labels: list[str] = []
    return [
        _Ticket(*row, labels.get(row[0], no_labels))
        # Locked until the chunk commits (PostgreSQL; SQLite's writers queue already), so a
        # ticket changed meanwhile is replayed after that change, never over it.
        for row in connection.execute(
            select(*columns).where(Ticket.id.in_(ids)).with_for_update(of=Ticket)
        )
    ]


def _load_history(ids: list[int]) -> dict[int, list[tuple]]:
    history: dict[int, list[tuple]] = defaultdict(list)
    query = history_query().where(TicketEvent.ticket_id.in_(ids))
    for ticket_id, at, kind, status in db.session.connection().execute(query):
        history[ticket_id].append((at, kind, status))
    return history


def _load_usergroups(tickets: list[_Ticket]) -> dict[int, frozenset[int]]:
    groups: dict[int, set[int]] = defaultdict(set)
    user_ids = {ticket.user_id for ticket in tickets}
    for user_id, group_id in db.session.execute(
        select(user_usergroups.c.user_id, user_usergroups.c.usergroup_id).where(
            user_usergroups.c.user_id.in_(user_ids)
        )
    ):
        groups[user_id].add(group_id)
    return {user_id: frozenset(ids) for user_id, ids in groups.items()}


@job("slas.recompute")
def recompute_job() -> int:
    """Queued after SLAs or schedules change; returns how many clocks it wrote."""
    return recompute_all(now=utcnow()).clocks
