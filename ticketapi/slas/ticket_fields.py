"""What the SLAs add to the ticket API (tickets/contributions.py): the `sla` field of a
ticket, the list's `?sla_state=` filter and `?order=sla_due_at`, and the clocks loaded with
every ticket for them (one query for a page of tickets)."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import OneOf
from flask import g
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import selectinload

from ticketapi.schemas import Schema, timestamp_field
from ticketapi.slas.clock import STATES
from ticketapi.slas.models import TicketSla, TicketSlaDue
from ticketapi.sqlhints import among, left_first
from ticketapi.tickets.contributions import Contribution, ListFilter, ListOrder, OrderPart
from ticketapi.tickets.models import Ticket


class SlaStateOut(Schema):
    """One SLA clock on the ticket (SPEC §7: sla_id, due_at, state; the rest for agents)."""

    sla_id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="sla.name")
    type = fields.String(required=True, attribute="sla.type")
    state = fields.String(required=True, metadata={"enum": list(STATES)})
    due_at = timestamp_field(allow_none=True)
    warning_at = timestamp_field(allow_none=True)
    paused = fields.Boolean(required=True)
    minutes_left = fields.Float(allow_none=True)
    completed_at = timestamp_field(allow_none=True)


_TIME = {"type": "string", "format": "date-time", "nullable": True}
SLA_STATE_DOC = {
    "type": "object",
    "required": ["sla_id", "name", "type", "state", "paused"],
    "properties": {
        "sla_id": {"type": "integer"},
        "name": {"type": "string"},
        "type": {"type": "string"},
        "state": {"type": "string", "enum": list(STATES)},
        "due_at": _TIME,
        "warning_at": _TIME,
        "paused": {"type": "boolean"},
        "minutes_left": {
            "type": "number",
            "nullable": True,
            "description": "While paused: working minutes left before the target",
        },
        "completed_at": _TIME,
    },
}


def sla_states(ticket: Ticket) -> list:
    actor = g.get("actor")  # None outside a request: nothing there reaches a user
    if actor is not None and not actor.is_agent:
        return []
    return SlaStateOut(many=True).dump(ticket.sla_rows)


def in_state(state: str | list[str]):
    # One state (the API's filter) or several (the agents' "SLA at risk": warning, failed).
    states = [state] if isinstance(state, str) else list(state)
    # A list, not EXISTS: the clocks in those states are found from their index and their
    # tickets looked up, where EXISTS would test every ticket of the queue for a clock.
    return among(Ticket.id, select(TicketSla.ticket_id).where(TicketSla.state.in_(states)))


def most_pressing_first(query: Select) -> Select:
    # Tickets with no clock running last.
    return query.outerjoin(TicketSlaDue).order_by(TicketSlaDue.due_at.asc().nulls_last())


# The same order in two parts, for a page of a long queue: the tickets with a due time, then
# those without (the tie-break's order alone: newest id first). Walked, the first reads the
# clocks along the due time's index and looks each ticket up, the second reads tickets
# newest first and tests each: a page's worth of rows, where the whole order reads and
# sorts every ticket of the queue. (SQLite walks only when told to: sqlhints.left_first.)
_DUE_OF_TICKET = TicketSlaDue.ticket_id == Ticket.id
_WALK = Ticket.__table__.alias("walk")


def with_due_time(query: Select) -> Select:
    return query.join(TicketSlaDue).order_by(TicketSlaDue.due_at.asc())


def along_due_times(query: Select) -> Select:
    due_first = left_first(TicketSlaDue.__table__, Ticket.__table__, _DUE_OF_TICKET)
    return query.select_from(due_first).order_by(TicketSlaDue.due_at.asc())


def without_due_time(query: Select) -> Select:
    return query.where(~exists().where(_DUE_OF_TICKET))


def newest_without_due_time(query: Select) -> Select:
    # The ids in their own order, each ticket then looked up: SQLite would otherwise read
    # the queue from its index (status, team, agent) and sort it by id.
    walk = left_first(_WALK, Ticket.__table__, _WALK.c.id == Ticket.id)
    return without_due_time(query.select_from(walk)).order_by(_WALK.c.id.desc())


MOST_PRESSING_FIRST = ListOrder(
    whole=most_pressing_first,
    parts=(
        OrderPart(with_due_time, walked=along_due_times),
        OrderPart(without_due_time, walked=newest_without_due_time),
    ),
)


ON_TICKETS = Contribution(
    loads=(selectinload(Ticket.sla_rows),),
    output={
        "sla": fields.Function(
            sla_states,
            metadata={
                "type": "array",
                "items": SLA_STATE_DOC,
                "description": "The ticket's SLA clocks; internal, so empty for users",
            },
        )
    },
    filters={
        "sla_state": ListFilter(
            fields.String(validate=OneOf(list(STATES))), in_state, after="following"
        )
    },
    orders={"sla_due_at": MOST_PRESSING_FIRST},
)
