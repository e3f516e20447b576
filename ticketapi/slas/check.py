"""The periodic SLA check: clocks that reach their warning or due time, and the actions.

One indexed query finds every clock whose state changes by time (`next_check_at` before
now). Each ticket is then handled in its own transaction, with its row locked: the state
moves, and the SLA's actions for that level run once (`actions_level` remembers), so two
workers checking at once cannot run an action twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from huey import crontab
from sqlalchemy import select

from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.queue import job
from ticketapi.people.models import Team
from ticketapi.permissions import Actor
from ticketapi.slas import events
from ticketapi.slas.clock import judge
from ticketapi.slas.models import NOTIFY_TARGETS, Sla, TicketSla
from ticketapi.slas.tracking import clock_of, terms_of
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow

log = logging.getLogger(__name__)

BATCH = 500


def due_clocks(now: datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """(ticket_id, sla_id) of the clocks whose state changes by `now`, the oldest first."""
    query = (
        select(TicketSla.ticket_id, TicketSla.sla_id)
        .where(TicketSla.next_check_at < now)
        .order_by(TicketSla.next_check_at)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query)]


@job("slas.check", retries=0, periodic=crontab(minute="*"))
def check_clocks(now: str | None = None) -> int:
    """The periodic job: check every clock due by now (or by `now`, an ISO time)."""
    return run_check(now=datetime.fromisoformat(now) if now else utcnow())


def run_check(*, now: datetime) -> int:
    """Move every due clock to its state at `now` and run its actions; return how many."""
    checked = 0
    while batch := due_clocks(now):
        commit()  # the finding query's read transaction ends here
        moved = sum(check_one(ticket_id, sla_id, now=now) for ticket_id, sla_id in batch)
        checked += moved
        # A short batch was the last; a batch where nothing moved (every clock failing, and
        # logged) would only come back the same: the next minute's check tries again.
        if len(batch) < BATCH or not moved:
            break
    return checked


def check_one(ticket_id: int, sla_id: int, *, now: datetime) -> int:
    """Check one clock in its own transaction; 0 if another worker got there first."""
    try:
        ticket = tickets.lock_for_rule(ticket_id)
        row = db.session.get(TicketSla, (ticket_id, sla_id), populate_existing=True)
        if ticket is None or row is None or row.next_check_at is None or row.next_check_at >= now:
            db.session.rollback()
            return 0
        judgement = judge(terms_of(row.sla), clock_of(row), now)
        row.state = judgement.state
        row.due_at = judgement.due_at
        row.warning_at = judgement.warning_at
        row.next_check_at = judgement.next_change_at
        done_level, row.actions_level = row.actions_level, max(row.actions_level, judgement.level)
        if judgement.level > done_level:
            run_actions(ticket, row.sla, judgement.state, now=now)
        commit()
        return 1
    except Exception:
        db.session.rollback()
        log.exception(
            "SLA check of ticket %s, SLA %s failed: the next check tries again", ticket_id, sla_id
        )
        return 0


def run_actions(ticket: Ticket, sla: Sla, state: str, *, now: datetime) -> None:
    """The SLA's actions for a warning or a failure, as the helpdesk itself."""
    actions = (sla.on_failure if state == "failed" else sla.on_warning) or {}
    actor = Actor.system(f"SLA {sla.name}")
    tickets.record_by_rule(actor, ticket, "sla", now=now, sla_id=sla.id, name=sla.name, state=state)
    changes = {}
    if (urgency := actions.get("raise_urgency_to")) and ticket.urgency < urgency:
        changes["urgency"] = urgency
    if (team_id := actions.get("assign_team_id")) and ticket.team_id != team_id:
        if db.session.get(Team, team_id) is None:
            log.warning(
                "SLA %s assigns ticket %s to team %s, which is gone", sla.id, ticket.id, team_id
            )
        else:
            changes["team_id"] = team_id
    if (label := actions.get("add_label")) and label not in ticket.labels:
        changes["labels"] = [*ticket.labels, label]
    if changes:
        tickets.change_by_rule(actor, ticket, changes, now=now)
    if targets := [t for t in actions.get("notify", []) if t in NOTIFY_TARGETS]:
        events.crossed.publish(ticket, sla, state, targets, now=now)
