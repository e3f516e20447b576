"""What other domains add to reading tickets: a field of the ticket's JSON, a filter or an
order of the list, and what to load with every ticket for them.

The SLAs add the `sla` field, `?sla_state=` and `?order=sla_due_at` (slas/ticket_fields.py),
and tickets import none of it: `create_app` adds each `Contribution` (ticketapi/
subscriptions.py) before it imports the views. What is added belongs to the process, not to
one app, because the schemas do: APIFlask reads them once, when the views are imported, for
validation and for the OpenAPI document. So a contribution is added once, and adding one
after the ticket schemas were used raises instead of leaving an API half documented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow.fields import Field
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm.interfaces import LoaderOption

from ticketapi.tickets import schemas


@dataclass(frozen=True)
class ListFilter:
    """A query parameter of the ticket list and the condition a given value puts on it."""

    parameter: Field
    condition: Callable[[Any], ColumnElement[bool]]
    after: str  # the ticket's own parameter it is documented after


@dataclass(frozen=True)
class OrderPart:
    """One part of a list order read in parts: the select narrowed to the part and ordered
    (`sorted`, for the database to plan as it likes), and the same rows in the same order
    read along an index (`walked`: cheap for the first pages of a long part, however long,
    where `sorted` reads and sorts all of it)."""

    sorted: Callable[[Select], Select]
    walked: Callable[[Select], Select] | None = None


@dataclass(frozen=True)
class ListOrder:
    """An order of the list (`?order=name`): `whole` orders the select; `parts`, when given,
    are disjoint selects whose rows, one part after the other, come in the same order
    (tickets/queries.py `tickets_page` reads a page of a long list from them)."""

    whole: Callable[[Select], Select]
    parts: tuple[OrderPart, ...] = ()


@dataclass(frozen=True, eq=False)  # each is itself: added once, compared by identity
class Contribution:
    """What one domain adds to the ticket API, by name."""

    # Loaded with every ticket that is read (one query for a page, never one a ticket).
    loads: tuple[LoaderOption, ...] = ()
    # Fields of the ticket's JSON, after the ticket's own.
    output: Mapping[str, Field] = field(default_factory=dict)
    filters: Mapping[str, ListFilter] = field(default_factory=dict)
    orders: Mapping[str, ListOrder] = field(default_factory=dict)


_added: list[Contribution] = []


def add(contribution: Contribution) -> None:
    """Add what a domain contributes, once for the process (again: nothing happens)."""
    if contribution in _added:
        return
    for name, output in contribution.output.items():
        schemas.TicketOut.add_field(name, output)
    for name, list_filter in contribution.filters.items():
        schemas.TicketFilter.add_field(name, list_filter.parameter, after=list_filter.after)
    if contribution.orders:
        # The ticket's column orders, the contributed ones, then "relevance" (q's default).
        names = [*schemas.COLUMN_ORDERS, *orders(), *contribution.orders, "relevance"]
        schemas.TicketFilter.add_field("order", schemas.order_field(names))
    _added.append(contribution)


def loads() -> tuple[LoaderOption, ...]:
    return tuple(option for contribution in _added for option in contribution.loads)


def filters() -> dict[str, ListFilter]:
    return {name: f for contribution in _added for name, f in contribution.filters.items()}


def orders() -> dict[str, ListOrder]:
    return {name: o for contribution in _added for name, o in contribution.orders.items()}
