"""What other domains add to the ticket API arrives where it is documented, once, in time."""

from __future__ import annotations

import pytest
from apiflask import fields

from ticketapi.slas import ticket_fields
from ticketapi.tickets import contributions, schemas
from ticketapi.tickets.schemas import Extensible


def made_up_schema() -> type[Extensible]:
    return type("MadeUp", (Extensible,), {"a": fields.String(), "b": fields.String()})


def test_a_field_goes_after_the_one_named_or_else_last():
    schema = made_up_schema()
    schema.add_field("after_a", fields.Integer(), after="a")
    schema.add_field("last", fields.Integer())

    assert list(schema().fields) == ["a", "after_a", "b", "last"]


def test_a_field_added_again_is_replaced_in_its_place():
    schema = made_up_schema()
    schema.add_field("a", fields.Integer())

    assert list(schema().fields) == ["a", "b"]
    assert isinstance(schema().fields["a"], fields.Integer)


def test_adding_to_a_schema_already_used_fails_loudly():
    used = made_up_schema()
    used()
    subclassed = made_up_schema()
    type("Listed", (subclassed,), {})  # as page_of does: the subclass copied the fields

    for schema in (used, subclassed):
        with pytest.raises(RuntimeError, match="add c before the views load"):
            schema.add_field("c", fields.String())


def test_the_slas_contribution_is_in_the_ticket_schemas_once(app):
    contributions.add(ticket_fields.ON_TICKETS)  # create_app added it already: nothing more

    assert list(schemas.TicketOut._declared_fields).count("sla") == 1
    filter_fields = list(schemas.TicketFilter._declared_fields)
    assert filter_fields[filter_fields.index("following") + 1] == "sla_state"
    assert schemas.TicketFilter._declared_fields["order"].validate.choices[-2:] == [
        "sla_due_at",
        "relevance",
    ]
