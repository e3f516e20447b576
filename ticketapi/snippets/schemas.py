"""Request and response schemas for snippets."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length, Regexp

from ticketapi.pagination import PageArgs
from ticketapi.schemas import OneLine, Schema, id_field, name_field, text_field, timestamp_field

# Long enough for any canned reply, short enough that a body cannot be a weapon.
BODY_MAX = 20_000
CATEGORY = {"validate": [Length(min=1, max=50), OneLine()]}
TAG = fields.String(validate=[Length(min=1, max=50), Regexp(r"^[^,\s][^,]*$"), OneLine()])
TAGS = {"validate": Length(max=20)}
# The shared NUL check reads JSON bodies only; PostgreSQL refuses NUL in a query's text too.
NO_NUL = Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")


class SnippetOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    shared = fields.Boolean(required=True)
    owner_id = fields.Integer(allow_none=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    created_at = timestamp_field()
    updated_at = timestamp_field()


class SnippetIn(Schema):
    title = name_field(required=True)
    body = text_field(BODY_MAX, required=True)
    shared = fields.Boolean(load_default=False)
    category = fields.String(allow_none=True, **CATEGORY)
    tags = fields.List(TAG, load_default=list, **TAGS)


class SnippetPatch(Schema):
    title = name_field()
    body = text_field(BODY_MAX)
    shared = fields.Boolean()
    category = fields.String(allow_none=True, **CATEGORY)
    tags = fields.List(TAG, **TAGS)


class SnippetFilter(PageArgs):
    q = fields.String(
        validate=[Length(max=200), NO_NUL], metadata={"description": "Words in the title"}
    )
    shared = fields.Boolean()
    mine = fields.Boolean(metadata={"description": "true: only the snippets you own"})
    category = fields.String(validate=[Length(max=50), NO_NUL])
    tag = fields.String(validate=[Length(max=50), NO_NUL])


class RenderIn(Schema):
    ticket_id = id_field(required=True)


class RenderedOut(Schema):
    body = fields.String(required=True)
