"""Request and response schemas for search and deflections."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length, OneOf, Range

from ticketapi.pagination import PageArgs
from ticketapi.schemas import Schema, timestamp_field
from ticketapi.search.services import MAX_LIMIT, MAX_PAGE, MAX_QUERY_CHARS, SECTIONS


class SearchArgs(Schema):
    q = fields.String(
        load_default=None,
        validate=Length(max=MAX_QUERY_CHARS),
        metadata={
            "description": 'Words and "quoted phrases"; empty finds nothing. The last word '
            "also matches the words it begins unless a space follows it (search as you type)"
        },
    )
    section = fields.String(
        load_default=None,
        validate=OneOf(SECTIONS),
        metadata={"description": "Only results of this section (`sections` still counts all)"},
    )
    limit = fields.Integer(load_default=10, validate=Range(min=1, max=MAX_LIMIT))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=MAX_PAGE))


class ResultOut(Schema):
    title = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The page's path in the portal"})
    link = fields.String(
        required=True, metadata={"description": "The page's absolute address, to paste in a reply"}
    )
    section = fields.String(required=True)
    snippet = fields.String(
        required=True,
        metadata={
            "description": "HTML: the quoted text is escaped and the matched words are in "
            "<mark>, so it may be inserted as HTML"
        },
    )
    score = fields.Float(required=True)
    category = fields.String(required=True)
    date = fields.String(required=True)


class SearchOut(Schema):
    total = fields.Integer(required=True)
    results = fields.List(fields.Nested(ResultOut), required=True)
    suggestion = fields.String(
        allow_none=True, metadata={"description": "A corrected query that finds more, or null"}
    )
    sections = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    query = fields.String(
        required=True,
        metadata={
            "description": "The query the results are for: the correction when what was "
            "typed found nothing"
        },
    )
    message = fields.String(
        allow_none=True, metadata={"description": "Why search is unavailable (no index yet)"}
    )


class DeflectionIn(Schema):
    url = fields.String(
        required=True,
        validate=Length(min=1, max=500),
        metadata={"description": "The `url` of a search result"},
    )
    query = fields.String(
        load_default="",
        validate=Length(max=MAX_QUERY_CHARS),
        metadata={"description": "What was typed; the first 200 characters are kept"},
    )


class DeflectionArgs(PageArgs):
    days = fields.Integer(load_default=30, validate=Range(min=1, max=3650))


class QueryCountOut(Schema):
    query = fields.String(required=True)
    count = fields.Integer(required=True)


class DeflectionCountOut(Schema):
    url = fields.String(required=True)
    title = fields.String(allow_none=True, metadata={"description": "null: no longer indexed"})
    count = fields.Integer(required=True)
    last_at = timestamp_field(required=True)
    queries = fields.List(fields.Nested(QueryCountOut), required=True)
