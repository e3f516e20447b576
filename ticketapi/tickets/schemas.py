"""Request and response schemas for tickets and everything on them."""

from __future__ import annotations

import re

from apiflask import fields
from apiflask.validators import Length, OneOf, Range, Regexp
from flask import g

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
from ticketapi.slas.clock import STATES as SLA_STATES
from ticketapi.tickets.status import SOURCES, STATUSES

SUBJECT_MAX = 300
LABEL = fields.String(validate=[Length(min=1, max=50), Regexp(r"^[^,\s][^,]*$"), OneLine()])
URGENCY = Range(min=1, max=10)
ORDERS = (
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "urgency",
    "-urgency",
    "sla_due_at",
    "relevance",
)


class SlaStateOut(Schema):
    """One SLA clock on the ticket (SPEC §7: sla_id, due_at, state; the rest for agents)."""

    sla_id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="sla.name")
    type = fields.String(required=True, attribute="sla.type")
    state = fields.String(required=True, metadata={"enum": list(SLA_STATES)})
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
        "state": {"type": "string", "enum": list(SLA_STATES)},
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


class TicketOut(Schema):
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
    sla = fields.Method(
        "sla_states",
        metadata={
            "type": "array",
            "items": SLA_STATE_DOC,
            "description": "The ticket's SLA clocks; internal, so empty for users",
        },
    )

    def sla_states(self, ticket) -> list:
        actor = g.get("actor")  # None outside a request: nothing there reaches a user
        if actor is not None and not actor.is_agent:
            return []
        return SlaStateOut(many=True).dump(ticket.sla_rows)


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


class TicketFilter(PageArgs):
    status = fields.DelimitedList(fields.String(validate=OneOf(STATUSES)))
    agent_id = id_field(0, metadata={"description": "0: unassigned"})
    team_id = id_field(0, metadata={"description": "0: no team"})
    organization_id = id_field(0)
    user_id = id_field(0)
    following = fields.String(validate=OneOf(["me"]))
    sla_state = fields.String(validate=OneOf(list(SLA_STATES)))
    label = fields.String(validate=Length(max=50))
    q = fields.String(
        validate=Length(max=1000),
        metadata={
            "description": "Search: every word in the ref, subject, requester or messages "
            '(notes for agents); "quoted phrase"; the last word matches as a prefix'
        },
    )
    order = fields.String(
        validate=OneOf(ORDERS),
        metadata={"description": "Default: relevance with q, else -created_at"},
    )
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
