"""Changing a ticket's fields: who may change which, and how each change is recorded.

The ticket services (tickets/services.py) apply an agent's change or a rule's with
`apply_changes`; replies move the status with `set_status` (tickets/conversation.py). Each
change is one line of the ticket's history; whoever calls announces the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ticketapi import permissions as rules
from ticketapi.errors import Conflict, Forbidden, Invalid
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Team, User
from ticketapi.permissions import Actor
from ticketapi.tickets import history
from ticketapi.tickets.models import Ticket, TicketLabel
from ticketapi.tickets.status import Happening, Status, StatusRuleError, next_status

EDIT_FIELDS = ("subject", "status", "urgency", "labels", "cc", "followers")
ASSIGN_FIELDS = ("agent_id", "team_id")


def check_may_change(actor: Actor, ticket: Ticket, changes: dict[str, Any]) -> None:
    if any(f in changes for f in EDIT_FIELDS) and not rules.can_edit_ticket(actor, ticket):
        raise Forbidden("Changing tickets needs the tickets.edit permission.")
    if any(f in changes for f in ASSIGN_FIELDS) and not rules.can_assign(actor, ticket):
        raise Forbidden("Assigning tickets needs the tickets.assign permission.")


def apply_changes(actor: Actor, ticket: Ticket, changes: dict[str, Any], *, now: datetime) -> bool:
    """Apply the changes the actor may make; return whether anything changed."""
    check_may_change(actor, ticket, changes)
    if ticket.merged_into_id is not None:
        raise Conflict(
            f"Ticket {ticket.ref} was merged into ticket {ticket.merged_into_id}: change that one."
        )
    changed = False
    for field in ("subject", "urgency"):
        if field in changes and getattr(ticket, field) != changes[field]:
            history.record(
                ticket, actor, field, now=now, old=getattr(ticket, field), new=changes[field]
            )
            setattr(ticket, field, changes[field])
            changed = True
    if "status" in changes:
        changed |= set_status(
            actor, ticket, Happening.AGENT_SET_STATUS, Status(changes["status"]), now=now
        )
    if "agent_id" in changes and changes["agent_id"] != ticket.agent_id:
        agent = active_agent(changes["agent_id"])
        history.record(
            ticket, actor, "agent", now=now, old=ticket.agent_id, new=changes["agent_id"]
        )
        ticket.agent, ticket.agent_id = agent, changes["agent_id"]  # the id for rules at once
        changed = True
    if "team_id" in changes and changes["team_id"] != ticket.team_id:
        team = None if changes["team_id"] is None else existing(Team, changes["team_id"], "team_id")
        history.record(ticket, actor, "team", now=now, old=ticket.team_id, new=changes["team_id"])
        ticket.team, ticket.team_id = team, changes["team_id"]
        changed = True
    if "labels" in changes:
        changed |= _set_labels(actor, ticket, changes["labels"], now=now)
    if "cc" in changes:
        wanted = [existing(User, uid, "cc") for uid in dict.fromkeys(changes["cc"])]
        changed |= _set_members(actor, ticket, "cc", wanted, now=now)
    if "followers" in changes:
        wanted = [active_agent(aid, "followers") for aid in dict.fromkeys(changes["followers"])]
        changed |= _set_members(actor, ticket, "followers", wanted, now=now)
    if changed:
        ticket.updated_at = now
    return changed


def set_status(
    actor: Actor, ticket: Ticket, happening: Happening, requested: Status | None, *, now: datetime
) -> bool:
    """Move the ticket by the status rules; record it and return whether it changed."""
    try:
        new = next_status(Status(ticket.status), happening, requested)
    except StatusRuleError as exc:
        raise Invalid(str(exc), fields={"status": str(exc)}) from None
    if new == ticket.status:
        return False
    history.record(ticket, actor, "status", now=now, old=ticket.status, new=new.value)
    ticket.status = new.value
    ticket.status_changed_at = now
    ticket.resolved_at = now if new is Status.RESOLVED else None
    ticket.updated_at = now
    return True


def _set_labels(actor: Actor, ticket: Ticket, labels: list[str], *, now: datetime) -> bool:
    wanted = sorted({label.strip().lower() for label in labels if label.strip()})
    if wanted == ticket.labels:
        return False
    history.record(ticket, actor, "labels", now=now, old=ticket.labels, new=wanted)
    keep = [row for row in ticket.label_rows if row.name in wanted]
    ticket.label_rows = keep + [TicketLabel(name=n) for n in wanted if n not in ticket.labels]
    return True


def _set_members(actor: Actor, ticket: Ticket, field: str, wanted: list, *, now: datetime) -> bool:
    current = getattr(ticket, field)
    old_ids, new_ids = [m.id for m in current], [m.id for m in wanted]
    if sorted(old_ids) == sorted(new_ids):
        return False
    history.record(ticket, actor, field, now=now, old=sorted(old_ids), new=sorted(new_ids))
    setattr(ticket, field, wanted)
    return True


def active_agent(agent_id: int | None, field: str = "agent_id") -> Agent | None:
    if agent_id is None:
        return None
    agent = db.session.get(Agent, agent_id)
    if agent is None or not agent.active:
        raise Invalid(f"There is no active agent {agent_id}.", fields={field: "unknown agent"})
    return agent


def existing(model, object_id: int, field: str):
    found = db.session.get(model, object_id)
    if found is None:
        raise Invalid(f"There is no {field} {object_id}.", fields={field: "unknown id"})
    return found
