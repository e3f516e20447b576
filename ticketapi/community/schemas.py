"""Request and response schemas for suggestions, votes and comments."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length, OneOf

from ticketapi.community.models import STATUSES
from ticketapi.pagination import PageArgs
from ticketapi.schemas import AuthorOut, OneLine, Schema, id_field, name_field, timestamp_field

TITLE_MAX = 200
BODY_MAX = 20_000
HTML_MAX = 100_000
CATEGORY_MAX = 50
COMMENT_MAX = 10_000
ORDERS = ("-votes", "-created_at", "created_at")


def text(max_length: int, min_length: int = 0, **kwargs) -> fields.String:
    return fields.String(validate=Length(min=min_length, max=max_length), **kwargs)


def title_field(**kwargs) -> fields.String:
    return name_field(TITLE_MAX, **kwargs)


def category_field(**kwargs) -> fields.String:
    return fields.String(validate=[Length(max=CATEGORY_MAX), OneLine()], allow_none=True, **kwargs)


def html_field(**kwargs) -> fields.String:
    description = "Rich text; it is sanitized before it is stored"
    return text(HTML_MAX, metadata={"description": description}, **kwargs)


class SuggestionOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    body_html = fields.String(required=True)
    status = fields.String(required=True, validate=OneOf(STATUSES))
    votes = fields.Integer(required=True)
    voted = fields.Boolean(required=True, metadata={"description": "Whether you have voted for it"})
    author_id = fields.Integer(allow_none=True)
    author_name = fields.String(required=True)
    category = fields.String(allow_none=True)
    duplicate_of_id = fields.Integer(allow_none=True)
    created_at = timestamp_field()
    updated_at = timestamp_field()
    status_changed_at = timestamp_field()


class SuggestionIn(Schema):
    title = title_field(required=True)
    body = text(BODY_MAX, load_default="")
    body_html = html_field()
    category = category_field()


class SuggestionPatch(Schema):
    title = title_field()
    body = text(BODY_MAX)
    body_html = html_field()
    category = category_field()
    status = fields.String(validate=OneOf([s for s in STATUSES if s != "duplicate"]))


class SuggestionFilter(PageArgs):
    status = fields.DelimitedList(
        fields.String(validate=OneOf(STATUSES)),
        validate=Length(max=len(STATUSES)),
        metadata={"description": "Comma-separated; duplicates are listed only when asked for"},
    )
    category = text(CATEGORY_MAX)
    q = text(200, metadata={"description": "Words in the title"})
    author_id = id_field()
    order = fields.String(validate=OneOf(ORDERS), load_default="-votes")


class SuggestionVotesOut(Schema):
    suggestion_id = fields.Integer(required=True)
    votes = fields.Integer(required=True)
    voted = fields.Boolean(required=True)
    voter_ids = fields.List(
        fields.Integer(), metadata={"description": "Who voted, oldest first (agents only)"}
    )


class SuggestionMergeIn(Schema):
    into_id = id_field(required=True)


class SuggestionCommentOut(Schema):
    id = fields.Integer(required=True)
    suggestion_id = fields.Integer(required=True)
    body = fields.String(required=True)
    body_html = fields.String(required=True)
    author = fields.Nested(AuthorOut, required=True)
    created_at = timestamp_field()


class SuggestionCommentIn(Schema):
    body = text(COMMENT_MAX, 1, required=True)
    body_html = html_field()


class SuggestionEventOut(Schema):
    id = fields.Integer(required=True)
    suggestion_id = fields.Integer(required=True)
    created_at = timestamp_field()
    kind = fields.String(required=True)
    actor = fields.Method("actor_of", metadata={"type": "object"})
    data = fields.Dict()

    def actor_of(self, event) -> dict:
        return {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name}
