"""The start page: the agent's queues, a page of the chosen one, and a ticket's summary.

Queues are the ticket list service's filters (`tickets.queries.tickets_query`, which applies
the visibility rule of permissions.py). A queue is chosen by its key (`?queue=`), a saved
view by `?queue=view-<id>`, or a filter typed into the form (`?queue=filter&status=…`).
Open queues list the most pressing SLA first unless another order is asked for (which list,
in which order: trail.py, which the ticket page's previous and next links follow too).
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from ticketapi.agent import bulk
from ticketapi.agent.queues import Tally, count_cap, queues_for
from ticketapi.agent.shell import page
from ticketapi.agent.trail import PER_PAGE, SORTS, listing
from ticketapi.core.transactions import commit
from ticketapi.errors import NotFound
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Organization, Team, User
from ticketapi.tickets import conversation, queries
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Message, Ticket
from ticketapi.tickets.status import STATUSES
from ticketapi.timeutil import utcnow

bp = Blueprint("start", __name__)

PREVIEW_MESSAGES = 3
CHOICES_MAX = 200  # agents, teams, organizations offered in the filter's lists


@bp.get("/")
def home():
    actor = current_user.actor
    queues = queues_for(current_user.account)
    chosen = listing(queues, request.args)
    page_number = _page_number(request.args.get("page"))
    # Counted as the sidebar counts, up to the cap, but never short of the page asked for.
    listed = queries.tickets_page(
        actor,
        chosen.filters,
        page_number,
        PER_PAGE,
        max(count_cap(), page_number * PER_PAGE),
        options=(
            joinedload(Ticket.user).options(lazyload(User.usergroups)),
            joinedload(Ticket.organization).options(lazyload(Organization.domains)),
            joinedload(Ticket.agent).options(lazyload(Agent.teams)),
            joinedload(Ticket.team),
        ),
    )
    now = utcnow()
    selected, messages, missing = _selected(actor, request.args.get("ticket"))
    # The selected ticket's place in the list: its page carries it, for j/k there (trail.py).
    first = (listed.page - 1) * PER_PAGE
    ids = [t.id for t in listed.items]
    at = first + ids.index(selected.id) if selected and selected.id in ids else None
    choices = _choices()
    commit()  # reads only: end the transaction before drawing
    return page(
        "agent/start.html",
        queue=chosen.queue,
        queues=queues,
        listed=listed,
        tally=Tally(listed.total, listed.more),
        pages=max(1, -(-listed.total // PER_PAGE)),
        selected=selected,
        selected_at=at,
        messages=messages,
        missing=missing,
        now=now,
        sort=chosen.sort,
        sorts=SORTS,
        here=chosen.here,
        problems=chosen.problems,
        statuses=STATUSES,
        actions=bulk.available(actor),
        **choices,
    )


def _choices() -> dict[str, list]:
    """The agents, teams and organizations the filter and bulk forms offer, by name."""

    def names(model) -> list:
        query = select(model.id, model.name).order_by(model.name).limit(CHOICES_MAX)
        if model is Agent:
            query = query.where(Agent.active)
        return list(db.session.execute(query))

    return {
        "agents": names(Agent),
        "teams": names(Team),
        "organizations": names(Organization),
    }


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
    query = conversation.messages_of(actor, ticket)
    latest = query.order_by(None).order_by(Message.created_at.desc(), Message.id.desc())
    messages = list(db.session.scalars(latest.limit(PREVIEW_MESSAGES)))
    return ticket, messages[::-1], None
