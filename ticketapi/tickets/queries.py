"""What reading tickets asks of the database: what every ticket loads with it, the list, and
a page of it (its ids first; a long list whose order comes in parts, read from them).

Other domains add filters, orders and what to load (tickets/contributions.py); the SLAs'
are `?sla_state=`, `?order=sla_due_at` and the clocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import lazyload, selectinload

from ticketapi import permissions as rules
from ticketapi.errors import Invalid, Unauthorized
from ticketapi.extensions import db
from ticketapi.pagination import LONG_PART, Page, Part, count_rows, rows_in_parts
from ticketapi.people.models import Agent, User
from ticketapi.permissions import Actor
from ticketapi.sqlhints import among, checked_per_row
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
    query, score = _filtered(actor, filters)
    order = _order(filters)
    contributed = contributions.orders()
    if order == "relevance":  # the best match first; without a search, the newest
        query = query.order_by(Ticket.created_at.desc() if score is None else score.desc())
    elif order in contributed:
        query = contributed[order].whole(query)
    else:
        column = getattr(Ticket, order.lstrip("-"))
        query = query.order_by(column.desc() if order.startswith("-") else column.asc())
    query = query.order_by(Ticket.id.desc())
    return with_relations(query) if loads else query


def tickets_page(
    actor: Actor,
    filters: dict[str, Any],
    page: int,
    per_page: int,
    count_at_most: int | None = None,
    *,
    options: tuple = (),
    long_from: int = LONG_PART,
) -> Page:
    """A page of `tickets_query`'s list with its count (up to `count_at_most`, as paginate).

    The page's ids are read first, then those tickets with what they load (`options` adds to
    it): a sort then carries ids, not whole rows and their joins. A list longer than
    `long_from` whose order comes in parts (`?order=sla_due_at`) is read from its parts, so
    a page of it costs a page, not a sort of the whole list.
    """
    listed = tickets_query(actor, filters, loads=False)
    total = count_rows(listed, count_at_most)
    ids = _ids_at(actor, filters, listed, total, (page - 1) * per_page, per_page, long_from)
    loaded = with_relations(select(Ticket).where(Ticket.id.in_(ids))).options(*options)
    by_id = {ticket.id: ticket for ticket in db.session.scalars(loaded)}
    return Page.counted([by_id[i] for i in ids], page, per_page, total, count_at_most)


def ticket_ids(
    actor: Actor, filters: dict[str, Any], offset: int, limit: int, *, long_from: int = LONG_PART
) -> list[int]:
    """The ids at `offset` of `tickets_query`'s list (at most `limit`), read as a page is."""
    listed = tickets_query(actor, filters, loads=False)
    total = count_rows(listed, max(long_from, offset + limit))
    return _ids_at(actor, filters, listed, total, offset, limit, long_from)


def _ids_at(actor, filters, listed: Select, total: int, offset: int, limit: int, long_from):
    # A long list whose order comes in parts is read from its parts, else in one statement.
    parts = tickets_parts(actor, filters) if total > long_from else []
    if parts:
        return rows_in_parts(parts, offset, limit, long_from)
    return list(db.session.scalars(_ids(listed).limit(limit).offset(offset)))


def tickets_parts(actor: Actor, filters: dict[str, Any]) -> list[Part]:
    """`tickets_query`'s list (ids only) as the parts of its order; none when its order
    has none or a search joins its hits (its own order: the hits are few)."""
    order = contributions.orders().get(_order(filters))
    if order is None or not order.parts or (filters.get("q") or "").strip():
        return []
    query, _score = _filtered(actor, filters)

    def ids(ordered: Select) -> Select:
        return _ids(ordered.order_by(Ticket.id.desc()))

    return [
        Part(ids(part.sorted(query)), ids(part.walked(query)) if part.walked else None)
        for part in order.parts
    ]


def _ids(query: Select) -> Select:
    return query.with_only_columns(Ticket.id)


def _order(filters: dict[str, Any]) -> str:
    q = filters.get("q") or ""
    return filters.get("order") or ("relevance" if q.strip() else "-created_at")


def _filtered(actor: Actor, filters: dict[str, Any]) -> tuple[Select, Any]:
    """The tickets the actor may see that the filters select, unordered, and the search's
    score when `q` searches."""
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
        # A list, not EXISTS: the agent's follows are read once and their tickets looked up,
        # where EXISTS would test every ticket of the queue (all open ones) for a follow.
        query = query.where(
            among(
                Ticket.id,
                select(ticket_followers.c.ticket_id).where(ticket_followers.c.agent_id == actor.id),
            )
        )
    if label := filters.get("label"):
        query = query.where(
            exists().where(TicketLabel.ticket_id == Ticket.id, TicketLabel.name == label)
        )
    q = filters.get("q") or ""
    score = None
    if q.strip():
        # A join, never an OR: the search narrows what the actor sees, it cannot widen it.
        found = search_query.hits(
            q, notes=rules.can_see_notes(actor), ranked=_order(filters) == "relevance"
        )
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
    return query, score
