"""Request and response schemas for tickets and everything on them."""

from __future__ import annotations

import re

from apiflask import fields
from apiflask.validators import Length, OneOf, Range, Regexp

from ticketapi.pagination import PageArgs
from ticketapi.schemas import (
    AuthorOut,
    OneLine,
    Schema,
    email_field,
    id_field,
    ids_field,
    int_field,
    name_field,
    text_field,
    timestamp_field,
)
from ticketapi.tickets.status import SOURCES, STATUSES

SUBJECT_MAX = 300
LABEL = fields.String(validate=[Length(min=1, max=50), Regexp(r"^[^,\s][^,]*$"), OneLine()])
URGENCY = Range(min=1, max=10)
# The list's orders by a column of the ticket; other domains add theirs before "relevance"
# (tickets/contributions.py).
COLUMN_ORDERS = ("created_at", "-created_at", "updated_at", "-updated_at", "urgency", "-urgency")


def order_field(orders: list[str]) -> fields.String:
    return fields.String(
        validate=OneOf(orders),
        metadata={"description": "Default: relevance with q, else -created_at"},
    )


class Extensible(Schema):
    """A schema other domains add fields to at start-up (tickets/contributions.py)."""

    _used = False

    def __init__(self, *args, **kwargs) -> None:
        type(self)._used = True
        super().__init__(*args, **kwargs)

    @classmethod
    def add_field(cls, name: str, field: fields.Field, *, after: str | None = None) -> None:
        """Add (or replace in its place) a field: after `after`, else after all the others."""
        if cls._used or cls.__subclasses__():
            # Instances and subclasses copied the fields already: they would not have it.
            raise RuntimeError(f"{cls.__name__} is in use: add {name} before the views load.")
        declared = dict(cls._declared_fields)  # marshmallow's fields of the class, in order
        if name in declared or after is None:
            declared[name] = field
        else:
            names = list(declared)
            at = names.index(after) + 1
            declared = {key: declared[key] for key in names[:at]}
            declared[name] = field
            declared.update({key: cls._declared_fields[key] for key in names[at:]})
        cls._declared_fields = declared


class TicketOut(Extensible):
    id = fields.Integer(required=True)
    ref = fields.String(required=True)
    subject = fields.String(required=True)
    status = fields.String(required=True)
    source = fields.String(required=True)
    urgency = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    organization_id = fields.Integer(allow_none=True)
    agent_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    cc = fields.List(fields.Integer(), attribute="cc_ids")
    followers = fields.List(fields.Integer(), attribute="follower_ids")
    labels = fields.List(fields.String())
    merged_into_id = fields.Integer(allow_none=True)
    confirmed = fields.Boolean(
        required=True,
        metadata={
            "description": "False for a submission made without signing in, until its "
            "requester confirms it (by the mailed link, or signed in): until then only agents "
            "and the requester see it"
        },
    )
    version = fields.Integer(required=True)
    created_at = timestamp_field()
    updated_at = timestamp_field()
    resolved_at = timestamp_field(allow_none=True)


class TicketIn(Schema):
    """One schema for every submitter: the service says which fields each may use."""

    subject = name_field(SUBJECT_MAX, required=True)
    message = text_field(required=True)
    name = name_field()
    email = email_field()
    cc = fields.List(email_field(), validate=Length(max=50))
    user_id = id_field()
    source = fields.String(validate=OneOf(SOURCES))
    urgency = fields.Integer(validate=URGENCY)
    agent_id = id_field(allow_none=True)
    team_id = id_field(allow_none=True)
    labels = fields.List(LABEL, validate=Length(max=50))


class SubmittedOut(Schema):
    id = fields.Integer(required=True)
    ref = fields.String(required=True)
    status = fields.String(required=True)


class ConfirmIn(Schema):
    token = fields.String(
        validate=Length(min=1, max=200),
        metadata={"description": "The token of the mailed link; not needed signed in"},
    )


class ConfirmedOut(Schema):
    id = fields.Integer(required=True)
    ref = fields.String(required=True)
    confirmed = fields.Boolean(required=True)


class LinkSentOut(Schema):
    message = fields.String(required=True)


class TicketPatch(Schema):
    version = int_field(1)
    subject = name_field(SUBJECT_MAX)
    status = fields.String(validate=OneOf(STATUSES))
    urgency = fields.Integer(validate=URGENCY)
    agent_id = id_field(allow_none=True)
    team_id = id_field(allow_none=True)
    labels = fields.List(LABEL, validate=Length(max=50))
    cc = ids_field()
    followers = ids_field()


class IfMatchIn(Schema):
    """The version a change is based on, as the ETag a GET sent: "3" (W/"3" is read alike)."""

    if_match = fields.String(
        data_key="If-Match",
        validate=[
            Length(max=40),
            Regexp(
                # A version from 1 to 999,999,999: no ticket is changed a billion times.
                r'^(W/)?"?[1-9][0-9]{0,8}"?$',
                flags=re.ASCII,
                error='Must be the ticket\'s ETag, such as "3".',
            ),
        ],
        metadata={"description": 'The ticket\'s ETag, such as "3" (or send version)'},
    )


class TicketFilter(Extensible, PageArgs):
    status = fields.DelimitedList(fields.String(validate=OneOf(STATUSES)))
    agent_id = id_field(0, metadata={"description": "0: unassigned"})
    team_id = id_field(0, metadata={"description": "0: no team"})
    organization_id = id_field(0)
    user_id = id_field(0)
    following = fields.String(validate=OneOf(["me"]))
    label = fields.String(validate=Length(max=50))
    q = fields.String(
        validate=Length(max=1000),
        metadata={
            "description": "Search: every word in the ref, subject, requester or messages "
            '(notes for agents); "quoted phrase"; the last word matches as a prefix'
        },
    )
    order = order_field([*COLUMN_ORDERS, "relevance"])
    include_merged = fields.Boolean(load_default=False)
    confirmed = fields.Boolean(
        metadata={"description": "false: submissions whose requester has not confirmed them"}
    )


class AttachmentOut(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    message_id = fields.Integer(allow_none=True)
    created_at = timestamp_field()


class MessageOut(Schema):
    id = fields.Integer(required=True)
    ticket_id = fields.Integer(required=True)
    body = fields.String(required=True)
    body_html = fields.String(required=True)
    note = fields.Boolean(required=True)
    author = fields.Nested(AuthorOut, required=True)
    created_at = timestamp_field()
    attachments = fields.List(fields.Nested(AttachmentOut))


class MessageIn(Schema):
    body = text_field(required=True)
    body_html = fields.String(validate=Length(max=100_000))
    note = fields.Boolean(load_default=False)
    status = fields.String(validate=OneOf(STATUSES))
    attachment_ids = fields.List(id_field(), validate=Length(max=20), load_default=list)


class FollowerIn(Schema):
    agent_id = id_field(required=True)


class CcIn(Schema):
    user_id = id_field()
    email = email_field()


class MergeIn(Schema):
    into_id = id_field(required=True)


class EventOut(Schema):
    id = fields.Integer(required=True)
    ticket_id = fields.Integer(required=True)
    created_at = timestamp_field()
    kind = fields.String(required=True)
    actor = fields.Method("actor_of", metadata={"type": "object"})
    data = fields.Dict()

    def actor_of(self, event) -> dict:
        return {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name}


class UploadIn(Schema):
    file = fields.File(required=True)
