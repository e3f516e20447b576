"""What reading tickets asks of the database: what every ticket loads with it, and the list.

Other domains add filters, orders and what to load (tickets/contributions.py); the SLAs'
are `?sla_state=`, `?order=sla_due_at` and the clocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import lazyload, selectinload

from ticketapi import permissions as rules
from ticketapi.errors import Invalid, Unauthorized
from ticketapi.people.models import Agent, User
from ticketapi.permissions import Actor
from ticketapi.sqlhints import checked_per_row
from ticketapi.tickets import contributions, search_query
from ticketapi.tickets.models import Ticket, TicketLabel, ticket_cc, ticket_followers

# Filters that select tickets by a list of their ids (tickets_query, slas/ticket_fields.py).
ID_LISTS = {"following", "sla_state"}


def with_relations(query: Select) -> Select:
    # Only the ids of CC'd users and followers are shown: load no more of them (their
    # usergroups and teams load only if something asks).
    return query.options(
        selectinload(Ticket.cc).load_only(User.id).options(lazyload(User.usergroups)),
        selectinload(Ticket.followers).load_only(Agent.id).options(lazyload(Agent.teams)),
        selectinload(Ticket.label_rows),
        *contributions.loads(),
    )


def tickets_query(actor: Actor, filters: dict[str, Any], *, loads: bool = True) -> Select:
    """The tickets the actor may see, filtered and ordered as asked (`loads=False`: without
    what every ticket loads with it, for a query that only counts them)."""
    if actor.is_anonymous:
        raise Unauthorized("Sign in to see tickets.")
    query = select(Ticket).where(rules.visible_tickets(actor, Ticket, ticket_followers, ticket_cc))
    if statuses := filters.get("status"):
        # Beside a short list of ids (the agent's follows, the clocks at risk) the status is
        # tested on each of those tickets (sqlhints): SQLite would otherwise read every open
        # ticket from the status index and look each one up in the list.
        status = checked_per_row(Ticket.status) if ID_LISTS & filters.keys() else Ticket.status
        query = query.where(status.in_(statuses))
    for name in ("agent_id", "team_id", "organization_id", "user_id"):
        if name in filters:
            column = getattr(Ticket, name)
            value = filters[name]
            query = query.where(column.is_(None) if value == 0 else column == value)
    if filters.get("following") == "me":
        if not actor.is_agent:
            raise Invalid("following=me is for agents.", fields={"following": "agents only"})
        # IN, not EXISTS: the agent's follows are read once and their tickets looked up,
        # where EXISTS would test every ticket of the queue (all open ones) for a follow.
        query = query.where(
            Ticket.id.in_(
                select(ticket_followers.c.ticket_id).where(ticket_followers.c.agent_id == actor.id)
            )
        )
    if label := filters.get("label"):
        query = query.where(
            exists().where(TicketLabel.ticket_id == Ticket.id, TicketLabel.name == label)
        )
    q = filters.get("q") or ""
    order = filters.get("order") or ("relevance" if q.strip() else "-created_at")
    score = None
    if q.strip():
        # A join, never an OR: the search narrows what the actor sees, it cannot widen it.
        found = search_query.hits(q, notes=rules.can_see_notes(actor), ranked=order == "relevance")
        query = query.join(found, found.c.ticket_id == Ticket.id)
        score = found.c.score
    for name, contributed in contributions.filters().items():
        if value := filters.get(name):
            query = query.where(contributed.condition(value))
    if "urgency" in filters:
        query = query.where(Ticket.urgency == filters["urgency"])
    if "confirmed" in filters:
        query = query.where(Ticket.confirmed.is_(filters["confirmed"]))
    if not filters.get("include_merged"):
        query = query.where(Ticket.merged_into_id.is_(None))
    contributed_orders = contributions.orders()
    if order == "relevance":  # the best match first; without a search, the newest
        query = query.order_by(Ticket.created_at.desc() if score is None else score.desc())
    elif order in contributed_orders:
        query = contributed_orders[order](query)
    else:
        column = getattr(Ticket, order.lstrip("-"))
        query = query.order_by(column.desc() if order.startswith("-") else column.asc())
    query = query.order_by(Ticket.id.desc())
    return with_relations(query) if loads else query
