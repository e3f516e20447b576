"""The start page: the agent's queues, a page of the chosen one, and a ticket's summary.

Queues are the ticket list service's filters (`tickets.queries.tickets_query`, which applies
the visibility rule of permissions.py), open tickets only, the most pressing SLA first.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload

from ticketapi.agent.queues import queues_for
from ticketapi.agent.shell import page
from ticketapi.core.transactions import commit
from ticketapi.errors import NotFound
from ticketapi.extensions import db
from ticketapi.pagination import paginate
from ticketapi.people.models import Agent, Organization, User
from ticketapi.tickets import conversation, queries
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Message, Ticket
from ticketapi.tickets.status import OPEN_STATUSES
from ticketapi.timeutil import utcnow

bp = Blueprint("start", __name__)

PER_PAGE = 25
PREVIEW_MESSAGES = 3


@bp.get("/")
def home():
    actor = current_user.actor
    queues = queues_for(current_user.account)
    chosen = next((q for q in queues if q.key == request.args.get("queue")), queues[0])
    page_number = _page_number(request.args.get("page"))
    query = queries.tickets_query(
        actor, {**chosen.filters, "status": list(OPEN_STATUSES), "order": "sla_due_at"}
    ).options(
        joinedload(Ticket.user).options(lazyload(User.usergroups)),
        joinedload(Ticket.organization).options(lazyload(Organization.domains)),
        joinedload(Ticket.agent).options(lazyload(Agent.teams)),
        joinedload(Ticket.team),
    )
    listed = paginate(query, page_number, PER_PAGE)
    now = utcnow()
    selected, messages, missing = _selected(actor, request.args.get("ticket"))
    commit()  # reads only: end the transaction before drawing
    return page(
        "agent/start.html",
        queue=chosen,
        listed=listed,
        pages=max(1, -(-listed.total // PER_PAGE)),
        selected=selected,
        messages=messages,
        missing=missing,
        now=now,
    )


def _page_number(value: str | None) -> int:
    if value and value.isascii() and value.isdigit() and 0 < int(value) <= 100_000:
        return int(value)
    return 1


def _selected(actor, value: str | None) -> tuple[Ticket | None, list[Message], str | None]:
    """The ticket whose summary the detail pane shows, its latest messages, or why none."""
    if not value:
        return None, [], None
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= 2**31 - 1):
        return None, [], "There is no such ticket."
    try:
        ticket = tickets.get_ticket(actor, int(value))
    except NotFound:
        return None, [], f"There is no ticket {int(value)} that you may see."
    query = conversation.messages_query(actor, ticket.id)
    latest = query.order_by(None).order_by(Message.created_at.desc(), Message.id.desc())
    messages = list(db.session.scalars(latest.limit(PREVIEW_MESSAGES)))
    return ticket, messages[::-1], None
