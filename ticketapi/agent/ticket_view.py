"""What the ticket page shows, worked out in Python so its templates only lay it out.

Nothing here decides a rule: who may do what comes from permissions.py (through `Can`),
statuses from tickets/status.py, clock states from the ticket's SLA rows (slas/clock.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from ticketapi import permissions as rules
from ticketapi.agent import widgets
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Team, User
from ticketapi.permissions import Actor
from ticketapi.tasks import services as tasks
from ticketapi.tickets import conversation, history, queries
from ticketapi.tickets.models import Message, Ticket, TicketEvent
from ticketapi.tickets.status import STATUSES

RECENT_TICKETS = 5
# The fields of the properties panel, as the history names them and as the form posts them.
FIELD_NAMES = {
    "status": "Status",
    "agent": "Agent",
    "team": "Team",
    "urgency": "Urgency",
    "labels": "Labels",
    "subject": "Subject",
    "cc": "CC'd users",
    "followers": "Followers",
}


@dataclass(frozen=True)
class Can:
    """What the agent may do on this ticket: each action is shown only when it is true."""

    reply: bool
    note: bool
    edit: bool
    assign: bool
    merge: bool
    manage_cc: bool

    @classmethod
    def of(cls, actor: Actor, ticket: Ticket) -> Can:
        return cls(
            reply=rules.can_reply(actor, ticket),
            note=rules.can_add_note(actor, ticket),
            edit=rules.can_edit_ticket(actor, ticket),
            assign=rules.can_assign(actor, ticket),
            merge=rules.can_merge(actor, ticket),
            manage_cc=rules.can_manage_cc(actor, ticket),
        )


@dataclass(frozen=True)
class Clock:
    """One SLA clock in the SLA panel: its name, kind, state in words and time left."""

    name: str
    type: str
    state: str  # "ok", "warning", "failed", "paused" or "done"
    state_text: str
    left: str
    due_at: datetime | None


STATE_TEXT = {
    "ok": "Running",
    "warning": "At risk",
    "failed": "Breached",
    "paused": "Paused",
    "done": "Met",
}


def clocks(ticket: Ticket, now: datetime) -> list[Clock]:
    """Every SLA clock of the ticket, the most pressing first."""
    found = []
    for row in ticket.sla_rows:
        state = "paused" if row.paused and row.state not in ("failed", "done") else row.state
        if state == "done":
            left = (
                "met" if row.completed_at is None else f"met {widgets.ago(row.completed_at, now)}"
            )
        elif state == "paused":
            left = f"{widgets.in_words(timedelta(minutes=row.minutes_left or 0))} left when resumed"
        elif row.due_at is None:
            left = "no target"
        elif state == "failed" or row.due_at <= now:
            state, left = "failed", f"overdue by {widgets.in_words(now - row.due_at)}"
        else:
            left = f"{widgets.in_words(row.due_at - now)} left"
        found.append(
            Clock(row.sla.name, row.sla.type, state, STATE_TEXT.get(state, state), left, row.due_at)
        )
    order = {"failed": 0, "warning": 1, "ok": 2, "paused": 3, "done": 4}
    return sorted(found, key=lambda c: (order.get(c.state, 2), c.due_at or datetime.max))


def messages(actor: Actor, ticket: Ticket) -> list[Message]:
    return list(db.session.scalars(conversation.messages_of(actor, ticket)))


def events(ticket: Ticket, after: int = 0) -> list[TicketEvent]:
    """The ticket's history, oldest first; only what came after event `after` when given."""
    query = history.events_query(ticket)
    if after:
        query = query.where(TicketEvent.id > after)
    return list(db.session.scalars(query))


def last_event_id(ticket: Ticket) -> int:
    """The newest history event: the page carries it, so a stale form can say what changed."""
    query = select(func.max(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id)
    return db.session.scalar(query) or 0


def recent_tickets(actor: Actor, ticket: Ticket) -> list[Ticket]:
    """The requester's other tickets the agent may see, newest first (their ref, subject and
    status only: nothing loaded with them)."""
    filters = {"user_id": ticket.user_id, "order": "-created_at"}
    query = queries.tickets_query(actor, filters, loads=False)
    query = query.where(Ticket.id != ticket.id).limit(RECENT_TICKETS)
    return list(db.session.scalars(query))


def linked_tasks(actor: Actor, ticket: Ticket) -> list:
    return list(db.session.scalars(tasks.tasks_query(actor, {"ticket_id": ticket.id})))


def choices() -> dict[str, list]:
    """The options of the properties panel: statuses, active agents, teams."""
    agents = select(Agent).where(Agent.active).options(lazyload(Agent.teams)).order_by(Agent.name)
    return {
        "statuses": [(s, widgets.status_label(s)) for s in STATUSES],
        "agents": list(db.session.scalars(agents)),
        "teams": list(db.session.scalars(select(Team).order_by(Team.name))),
    }


def names_of(model, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {row.id: row.name for row in rows}


def describe(events_: list[TicketEvent]) -> list[dict[str, Any]]:
    """Each event as a line a person reads: who, when, what ('Status: Pending → Resolved')."""
    agent_ids, team_ids, user_ids = set(), set(), set()
    for event in events_:
        data = event.data or {}
        values = [data.get(k) for k in ("old", "new", "agent_id", "user_id")]
        flat = {
            i for v in values for i in (v if isinstance(v, list) else [v]) if isinstance(i, int)
        }
        if event.kind in ("agent", "followers", "follower_added", "follower_removed"):
            agent_ids |= flat
        elif event.kind == "team":
            team_ids |= flat
        elif event.kind in ("cc", "cc_added", "cc_removed"):
            user_ids |= flat
    names = {
        "agent": names_of(Agent, list(agent_ids)),
        "team": names_of(Team, list(team_ids)),
        "user": names_of(User, list(user_ids)),
    }
    return [_line(event, names) for event in events_]


def _line(event: TicketEvent, names: dict[str, dict[int, str]]) -> dict[str, Any]:
    data = event.data or {}

    def shown(value, kind: str | None = None) -> str:
        if value is None or value == []:
            return "none"
        if isinstance(value, list):
            return ", ".join(shown(v, kind) for v in value)
        if kind:
            return names[kind].get(value, f"#{value}")
        if event.kind == "status":
            return widgets.status_label(value)
        return str(value)

    kind = {"agent": "agent", "followers": "agent", "team": "team", "cc": "user"}.get(event.kind)
    if "old" in data or "new" in data:
        what = f"{FIELD_NAMES.get(event.kind, event.kind.capitalize())}: "
        what += f"{shown(data.get('old'), kind)} → {shown(data.get('new'), kind)}"
    elif event.kind in ("reply", "note"):
        what = "Replied to the requester" if event.kind == "reply" else "Added an internal note"
    elif event.kind == "follower_added":
        what = f"Follower added: {shown(data.get('agent_id'), 'agent')}"
    elif event.kind == "follower_removed":
        what = f"Follower removed: {shown(data.get('agent_id'), 'agent')}"
    elif event.kind in ("cc_added", "cc_removed"):
        verb = "added" if event.kind == "cc_added" else "removed"
        what = f"CC {verb}: {shown(data.get('user_id'), 'user')}"
    else:
        what = event.kind.replace("_", " ").capitalize()
    return {
        "id": event.id,
        "kind": event.kind,
        "field": event.kind,
        "who": event.actor_name,
        "at": event.created_at,
        "what": what,
    }
